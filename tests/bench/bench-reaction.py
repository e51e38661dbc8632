#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: how fast `leakwatch --watch` reacts when the VPN goes down.

In the network lab's `protected` scenario (real OpenVPN), the client's
tunnel is stopped N times while --watch runs with an interval of an hour.
For each run it measures the time from stopping the tunnel (the moment the
OpenVPN client is killed) to the report with the new status, and sets it
beside the check's own total_ms: the difference is what noticing the change
costs (netlink settle + debounce). Needs root.

    sudo python3 tests/bench/bench-reaction.py [--runs 10] [--leakwatch PATH]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
LAB = os.path.join(os.path.dirname(HERE), "lab", "lab.sh")

from lwwatch import Watch  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--leakwatch", default=os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("the network lab needs root")
        return 1

    env = dict(os.environ, LW_LAB="lw-react", LW_LAB_DIR="/tmp/lw-react", PYTHON=sys.executable,
               XDG_DATA_HOME=tempfile.mkdtemp(prefix="lw-data-"),
               DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent")

    def lab(*a):
        return subprocess.run([LAB] + list(a), env=env, capture_output=True, text=True, check=True).stdout

    reactions, checks, beyond = [], [], []
    try:
        lab("up", "protected")
        watch = Watch([LAB, "exec", os.path.abspath(args.leakwatch), "--watch", "--json",
                       "--interval", "3600"] + lab("args").split(), env=env)
        watch.next(20, lambda r: r["status"] == "protected", "protected")
        for _ in range(args.runs):
            time.sleep(1)
            watch.drain()
            # Kill the OpenVPN client directly: the moment the tunnel is gone.
            pid = open("/tmp/lw-react/openvpn-client.pid").read().strip()
            down_at = time.monotonic()
            os.kill(int(pid), 15)
            arrived, report = watch.next(20, lambda r: r["status"] != "protected", "the new status")
            reaction = (arrived - down_at) * 1000
            reactions.append(reaction)
            checks.append(report["timings"]["total_ms"])
            beyond.append(reaction - report["timings"]["total_ms"])
            lab("tunnel", "up")
            watch.next(30, lambda r: r["status"] == "protected", "protected again")
        watch.stop()
    finally:
        subprocess.run([LAB, "down"], env=env)

    med = statistics.median
    print(f"tunnel down -> report with the new status, {args.runs} runs (lab, protected scenario)")
    print(f"  reaction   median {med(reactions):6.0f} ms   worst {max(reactions):6.0f} ms")
    print(f"  the check  median {med(checks):6.0f} ms   worst {max(checks):6.0f} ms")
    print(f"  beyond the check itself: median {med(beyond):4.0f} ms, worst {max(beyond):4.0f} ms "
          f"(goal: at most 1000 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
