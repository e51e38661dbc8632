#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a full check against Chromium's own gathering, side by side,
in the network lab's full tunnel (tests/lab/lab.sh, scenario fullvpn).

Both run in the lab's client namespace, behind the same real OpenVPN, with
the same coturn on 203.0.113.1 and [2001:db8:113::1], taking turns so that
neither runs on a busier machine than the other:

- `leakwatch --check --json` with the lab's servers: its `timings.total_ms`
  (both families, both STUN probes and HTTPS), and where the milliseconds
  go (the other timings);
- headless Chromium on an ordinary page (bench-chromium.py's page and
  browser driver): the time from `new RTCPeerConnection` to the end of
  gathering, measured in the page.

The goal (issue 12): the check's median at most half of Chromium's.

    sudo python3 tests/bench/bench-fulltunnel.py [--runs 7] [--leakwatch PATH]
                                                [--chromium PATH]

Needs root, what lab.sh needs, and Debian's chromium.
"""

import argparse
import http.server
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.path.join(os.path.dirname(HERE), "lab", "lab.sh")
PREFIX = "lw-benchft"


def load_chromium_bench():
    spec = importlib.util.spec_from_file_location("bench_chromium",
                                                  os.path.join(HERE, "bench-chromium.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inside(args):
    """Runs in the client namespace: both measurements, in turns."""
    chromium = load_chromium_bench()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), chromium.Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page_url = f"http://127.0.0.1:{server.server_address[1]}/"
    servers = ["stun:203.0.113.1:3478", "stun:[2001:db8:113::1]:3478"]
    lab_args = json.loads(args.inside)
    checks, pages, verdicts = [], [], set()
    try:
        for _ in range(args.runs):
            proc = subprocess.run([args.leakwatch, "--check", "--json"] + lab_args,
                                  capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ,
                                           DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent"))
            report = json.loads(proc.stdout)
            checks.append(report["timings"])
            verdicts.add(report["status"])
            result, _wall = chromium.gather(args.chromium, page_url, servers, 60000)
            pages.append(result["ms"])
    finally:
        server.shutdown()
        server.server_close()
    print(json.dumps({"checks": checks, "pages": pages, "verdicts": sorted(verdicts)}))
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--leakwatch", default=os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside is not None:
        return inside(args)
    if os.geteuid() != 0:
        print("cannot run: the network lab needs root")
        return 1
    if not shutil.which(args.chromium):
        print(f"cannot run: no {args.chromium} (apt-get install chromium)")
        return 1

    env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=f"/tmp/{PREFIX}", PYTHON=sys.executable)
    leakwatch = os.path.abspath(args.leakwatch)
    try:
        subprocess.run([LAB, "up", "fullvpn"], env=env, check=True, capture_output=True)
        lab_args = subprocess.run([LAB, "args"], env=env, capture_output=True, text=True,
                                  check=True).stdout.split()
        out = subprocess.run([LAB, "exec", sys.executable, os.path.abspath(__file__),
                              "--runs", str(args.runs), "--leakwatch", leakwatch,
                              "--chromium", args.chromium, "--inside", json.dumps(lab_args)],
                             env=env, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            print(out.stderr)
            return 1
        data = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run([LAB, "down"], env=env)

    total = statistics.median(t["total_ms"] for t in data["checks"])
    page = statistics.median(data["pages"])
    print(f"lab fullvpn (real OpenVPN, coturn, HTTPS echo), {args.runs} runs each, in turns")
    print(f"leakwatch --check: median total_ms {total:.0f} "
          f"(min {min(t['total_ms'] for t in data['checks'])}, "
          f"max {max(t['total_ms'] for t in data['checks'])}); verdicts {data['verdicts']}")
    for key in ("interfaces_ms", "vpn_ms", "resolve_ms", "browser_ms", "bound_ms", "https_ms"):
        print(f"  {key:14} median {statistics.median(t[key] for t in data['checks']):.0f}")
    print(f"chromium headless gathering: median {page:.0f} ms "
          f"(min {min(data['pages']):.0f}, max {max(data['pages']):.0f})")
    print(f"ratio check/chromium: {total / page:.2f} (goal <= 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
