#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: how many descriptors one `leakwatch --check` holds at its
peak, as the number of servers grows (up to the 16 a check may ask).

Runs in a network namespace of its own with a real coturn and HTTPS echo
(tests/lib/lwnet.py). The peak is sampled from /proc/PID/fd every 2 ms,
so it can only be under the true one. With --anchor, an older build runs
beside this one, case by case, for comparison.

    python3 tests/bench/bench-descriptors.py [--runs N] [--leakwatch PATH] [--anchor PATH]
"""

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import lwnet  # noqa: E402


def peak(cmd, env):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    most = 0
    while proc.poll() is None:
        try:
            most = max(most, len(os.listdir(f"/proc/{proc.pid}/fd")))
        except OSError:
            pass
        time.sleep(0.002)
    return most, proc.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--leakwatch", default=None)
    parser.add_argument("--anchor", default=None, help="an older leakwatch to run beside it")
    args = parser.parse_args()
    programs = [("this build", os.path.abspath(args.leakwatch) if args.leakwatch else lwnet.leakwatch())]
    if args.anchor:
        programs.append(("anchor", os.path.abspath(args.anchor)))

    reason = lwnet.enter()
    if reason:
        print(f"cannot run: {reason}")
        return 1

    with lwnet.Net(ipv6=False) as net:
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, "data"))
        print(f"peak descriptors of leakwatch --check (max of {args.runs} runs); the address "
              f"services are one host here, so libsoup's 2 per host also bounds them")
        for stun, urls in ((1, 1), (4, 4), (16, 1), (1, 16), (16, 16)):
            line = f"{stun:2} STUN servers, {urls:2} address services:"
            for name, program in programs:
                cmd = [program, "--check", "--json", "--ca-file", net.ca]
                for _ in range(stun):
                    cmd += ["--stun", net.stun(4)]
                for _ in range(urls):
                    cmd += ["--ip-url", net.echo_url("/", 4)]
                results = [peak(cmd, env) for _ in range(args.runs)]
                codes = sorted({code for _, code in results})
                line += f"  {name} {max(p for p, _ in results):3} (exit {','.join(map(str, codes))})"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
