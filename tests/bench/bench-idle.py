#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what `leakwatch --watch` and the service cost while idle.

Each runs in a private network namespace (real coturn and HTTPS echo, see
tests/lib/lwnet.py) with an interval of an hour; after the first report
and a settling pause, it measures over --seconds (default 60) with no
network change: the CPU time used (utime + stime from /proc/PID/stat) and
the private memory (USS: Private_Clean + Private_Dirty from
/proc/PID/smaps_rollup), with RSS beside it. The service gets a private
session bus.

    python3 tests/bench/bench-idle.py [--seconds 60] [--leakwatch PATH]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import lwnet  # noqa: E402
from lwproc import cpu_ms, memory_kb, uss_mib as uss  # noqa: E402
from lwwatch import Watch  # noqa: E402

def measure(name, pid, seconds, sibling_cmd, env):
    time.sleep(3)  # let the first check's clean-up finish
    cpu0 = cpu_ms(pid)
    time.sleep(seconds)
    cpu1 = cpu_ms(pid)
    alone = memory_kb(pid)
    # On a desktop GLib, GIO, GnuTLS and friends are mapped by many
    # processes; here nothing else maps them, so their code pages count as
    # this process's "private clean" memory. A sibling that maps the same
    # libraries shows the cost as it would be on a desktop.
    sibling = subprocess.Popen(sibling_cmd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(3)
    shared = memory_kb(pid)
    sibling.terminate()
    sibling.wait()
    print(f"  {name:26} cpu {cpu1 - cpu0:5.1f} ms over {seconds} s | USS alone {uss(alone):5.1f} MiB, "
          f"with the libraries shared {uss(shared):5.1f} MiB | Private_Dirty "
          f"{alone.get('Private_Dirty', 0) / 1024:4.1f} MiB | RSS {alone.get('Rss', 0) / 1024:5.1f} MiB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--leakwatch", default=None)
    args = parser.parse_args()
    if args.leakwatch:
        os.environ["LEAKWATCH"] = os.path.abspath(args.leakwatch)
    reason = lwnet.enter()
    if reason:
        print(f"cannot run: {reason}")
        return 1

    with lwnet.Net() as net:
        opts = ["--stun", net.stun(4), "--stun", net.stun(6), "--ip-url", net.echo_url("/", 4),
                "--ip-url", net.echo_url("/json", 6), "--ca-file", net.ca, "--interval", "3600"]
        env = dict(os.environ, XDG_DATA_HOME=tempfile.mkdtemp(prefix="lw-data-"),
                   DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent")
        print(f"idle cost after the first check, no network change (goal: CPU at most 50 ms "
              f"over 60 s, private memory under 10 MB)")

        watch = Watch([lwnet.leakwatch(), "--watch", "--json"] + opts, env=env)
        watch.next(15)
        sibling = [lwnet.leakwatch(), "--watch", "--json", "--timeout", "1", "--interval", "3600",
                   "--stun", "127.0.0.1:9", "--ip-url", "https://127.0.0.1:9/"]
        sibling_env = dict(env, XDG_DATA_HOME=tempfile.mkdtemp(prefix="lw-data-"))
        measure("leakwatch --watch", watch.proc.pid, args.seconds, sibling, sibling_env)
        watch.stop()

        bus_socket = os.path.join(net.tmp, "bus")
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address",
                                f"unix:path={bus_socket}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        lwnet._wait_for(lambda: os.path.exists(bus_socket), "the bus")
        service = subprocess.Popen([lwnet.leakwatch()] + opts,
                                   env=dict(env, DBUS_SESSION_BUS_ADDRESS=f"unix:path={bus_socket}"),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(4)
        measure("leakwatch (the service)", service.pid, args.seconds, sibling, sibling_env)
        service.terminate()
        service.wait()
        bus.terminate()
        bus.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
