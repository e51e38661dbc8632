#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: how long one `leakwatch --check` takes, and its CPU time.

Runs in a network namespace of its own with a real coturn and HTTPS echo
(see tests/lib/lwnet.py) and prints, per case, the median and spread of
timings.total_ms, wall time and CPU time (user + system) of the process.

    python3 tests/bench/bench-check.py [--runs N] [--leakwatch PATH]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import lwnet  # noqa: E402


def measure(cmd, runs):
    import json
    import resource

    totals, walls, cpus, phases = [], [], [], {}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        walls.append((time.monotonic() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
        report = json.loads(proc.stdout)
        totals.append(report["timings"]["total_ms"])
        for key, value in report["timings"].items():
            phases.setdefault(key, []).append(value)
    return totals, walls, cpus, phases, report["status"]


def startup_cpu(runs):
    import resource
    cpus = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([lwnet.leakwatch(), "--version"], capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
    return statistics.median(cpus)


def row(name, totals, walls, cpus, phases, status):
    med = statistics.median
    detail = ", ".join(f"{k[:-3]} {med(v):.0f}" for k, v in phases.items() if k != "total_ms")
    print(f"{name:34} {status:12} total_ms median {med(totals):6.0f} (min {min(totals):4d}, "
          f"max {max(totals):4d})  wall {med(walls):6.0f} ms  cpu {med(cpus):5.1f} ms/check")
    print(f"{'':34} phases (median ms): {detail}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--leakwatch", default=None)
    args = parser.parse_args()
    if args.leakwatch:
        os.environ["LEAKWATCH"] = os.path.abspath(args.leakwatch)

    reason = lwnet.enter()
    if reason:
        print(f"cannot run: {reason}")
        return 1

    with lwnet.Net() as net:
        base = [lwnet.leakwatch(), "--check", "--json", "--ca-file", net.ca,
                "--ip-url", net.echo_url("/", 4), "--ip-url", net.echo_url("/json", 6)]
        good = ["--stun", net.stun(4), "--stun", net.stun(6)]
        silent = ["--stun", f"{lwnet.SILENT4}:3478"]
        print(f"leakwatch --check, {args.runs} runs each, real coturn + HTTPS echo over a veth "
              f"pair in a private network namespace")
        cases = [
            ("full check, both families", base + good),
            ("one STUN server unreachable", base + good + silent),
            ("one unreachable, --timeout 1", base + good + silent + ["--timeout", "1"]),
        ]
        for name, cmd in cases:
            measure(cmd, 2)  # warm caches
            row(name, *measure(cmd, args.runs))
        startup = startup_cpu(args.runs)
        print(f"{'process start-up (--version)':34} {'':12} cpu {startup:5.1f} ms: the part of the "
              f"CPU time above that is not the check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
