#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: `leakwatch --check` in each scenario of the network lab.

Builds each scenario with tests/lab/lab.sh (real OpenVPN, NAT, coturn and
HTTPS echo in namespaces of their own), runs the check N times in the client
namespace, and prints the median, min and max of timings.total_ms and the
verdict. Needs root.

    sudo python3 tests/bench/bench-lab.py [--runs 5] [--leakwatch PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.path.join(os.path.dirname(HERE), "lab", "lab.sh")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--leakwatch", default=os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("the network lab needs root")
        return 1

    env = dict(os.environ, LW_LAB="lw-bench", LW_LAB_DIR="/tmp/lw-bench", PYTHON=sys.executable)
    check_env = dict(env, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent")
    leakwatch = os.path.abspath(args.leakwatch)
    scenarios = subprocess.run([LAB, "scenarios"], capture_output=True, text=True).stdout.split()
    print(f"leakwatch --check in the network lab, {args.runs} checks per scenario "
          f"(timings.total_ms; default --timeout 3)")
    try:
        for scenario in scenarios:
            subprocess.run([LAB, "up", scenario], env=env, check=True, capture_output=True)
            lab_args = subprocess.run([LAB, "args"], env=env, capture_output=True, text=True).stdout.split()
            totals, statuses, phases = [], set(), {}
            for _ in range(args.runs):
                out = subprocess.run([LAB, "exec", leakwatch, "--check", "--json"] + lab_args,
                                     env=check_env, capture_output=True, text=True).stdout
                report = json.loads(out)
                totals.append(report["timings"]["total_ms"])
                statuses.add(report["status"])
                for key in ("browser_ms", "bound_ms", "https_ms"):
                    phases.setdefault(key, []).append(report["timings"][key])
            detail = ", ".join(f"{k[:-3]} {statistics.median(v):.0f}" for k, v in phases.items())
            print(f"  {scenario:13} {'/'.join(sorted(statuses)):12} median {statistics.median(totals):5.0f} ms "
                  f"(min {min(totals)}, max {max(totals)})   phases: {detail}")
    finally:
        subprocess.run([LAB, "down"], env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
