#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The live monitor in the network lab, with a real OpenVPN tunnel.

- While `leakwatch --watch` runs in the `protected` scenario, the tunnel
  goes down: a report with the new status follows, without waiting for the
  interval; the tunnel comes back, and `protected` returns.
- A real address learnt in `novpn` is recognised later in `splitvpn`: the
  leak names it as the real address, and the history records the changes.
Needs root; without it, it reports itself skipped with the reason.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from lablib import leftovers, point, require_lab  # noqa: E402
from lwwatch import Watch  # noqa: E402
from tap import expect, print_results  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")
ISP4, EXIT4 = "198.51.100.7", "203.0.113.51"
PREFIX = "lw-watch"


def main():
    require_lab()
    data = tempfile.mkdtemp(prefix="lw-data-")
    env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=f"/tmp/{PREFIX}", PYTHON=sys.executable,
               XDG_DATA_HOME=data, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent")
    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    results = []

    def lab(*args):
        proc = subprocess.run([LAB] + list(args), env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"lab.sh {' '.join(args)} failed: {proc.stderr.strip()[-800:]}")
        return proc.stdout

    def down(*_):
        subprocess.run([LAB, "down"], env=env)
        shutil.rmtree(data, ignore_errors=True)
        if _:
            sys.exit(130)

    signal.signal(signal.SIGINT, down)
    signal.signal(signal.SIGTERM, down)
    print("1..5", flush=True)

    def tunnel_goes_down_and_comes_back():
        lab("up", "protected")
        args = lab("args").split()
        watch = Watch([LAB, "exec", leakwatch, "--watch", "--json", "--interval", "3600"] + args, env=env)
        try:
            _, first = watch.next(15)
            expect(first["status"] == "protected", "protected at first", first)

            lab("tunnel", "down")
            down_at = time.monotonic()
            arrived, report = watch.next(15, lambda r: r["status"] != "protected",
                                         "a report after the tunnel went down")
            # With the tunnel gone, the LAN carries everything: no VPN.
            expect(report["status"] == "unprotected" and not report["vpn"]["active"], "down", report)
            print(f"# tunnel down -> new report in {arrived - down_at:.2f} s "
                  f"(the check itself {report['timings']['total_ms']} ms)")

            lab("tunnel", "up")
            up_at = time.monotonic()
            arrived, report = watch.next(20, lambda r: r["status"] == "protected",
                                         "protected after the tunnel returned")
            expect(report["vpn"]["active"], "the VPN is back", report)
            print(f"# tunnel up -> protected in {arrived - up_at:.2f} s")
        finally:
            expect(watch.stop() == 0, f"--watch ends cleanly on SIGTERM: {watch.stderr[-3:]}")
            lab("down")

    def real_address_remembered():
        lab("up", "novpn")
        subprocess.run([LAB, "exec", leakwatch, "--check", "--json"] + lab("args").split(), env=env,
                       capture_output=True, text=True)
        lab("down")

        lab("up", "splitvpn")
        proc = subprocess.run([LAB, "exec", leakwatch, "--check", "--json"] + lab("args").split(),
                              env=env, capture_output=True, text=True)
        report = json.loads(proc.stdout)
        lab("down")
        remembered = {(r["family"], r["address"]) for r in report["remembered_addresses"]}
        expect(("ipv4", ISP4) in remembered, "the ISP address is remembered", report)
        leak = [f for f in report["findings"] if f["id"] == "public-address-leak" and f["address"] == ISP4]
        expect(leak and leak[0]["summary"] == f"Your real address {ISP4} is visible to web pages",
               "the leak names the real address", report)

    def history_records_changes():
        out = subprocess.run([leakwatch, "--history", "--json"], env=env, capture_output=True,
                             text=True, check=True).stdout
        changes = [(c["old"], c["new"]) for c in json.loads(out)]
        # protected -> unprotected -> protected (watch), unprotected (novpn),
        # leak (splitvpn): each change once, in order.
        expect(changes == [(None, "protected"), ("protected", "unprotected"),
                           ("unprotected", "protected"), ("protected", "unprotected"),
                           ("unprotected", "leak")], f"changes {changes}")

    try:
        point(results, "tunnel down during --watch, then back: unprotected, then protected",
              tunnel_goes_down_and_comes_back)
        point(results, "a real address remembered in novpn is recognised in splitvpn", real_address_remembered)
        point(results, "--history lists the status changes in order", history_records_changes)
    finally:
        down()

    spaces, procs = leftovers(PREFIX)
    results.append((not spaces, f"no lab namespaces left {spaces}"))
    results.append((not procs, f"no lab processes left {procs}"))

    return print_results(results, 5)


if __name__ == "__main__":
    sys.exit(main())
