#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`leakwatch --watch` reacts to NetworkManager: every change that matters
brings a new check, and NetworkManager missing, vanishing or returning
never stops the monitor.

NetworkManager is python-dbusmock's template on a private bus (see
lib/nmmock.py); the probes still talk to a real coturn and HTTPS echo. The
interval is an hour, so every report after the first comes from a change.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import lwnet  # noqa: E402
from lwwatch import Watch  # noqa: E402
from nmmock import Lab, available  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

# A check takes about 1 s here; the debounce 0.25 s. Generous, not a benchmark.
REACT = 8


def start_watch(lab, data=None, extra_stun=(), env_extra=None):
    cmd = [lwnet.leakwatch(), "--watch", "--json", "--interval", "3600", "--timeout", "2",
           "--stun", lab.net.stun(4), "--stun", lab.net.stun(6),
           *[arg for server in extra_stun for arg in ("--stun", server)],
           "--ip-url", lab.net.echo_url("/", 4), "--ip-url", lab.net.echo_url("/json", 6),
           "--ca-file", lab.net.ca]
    env = dict(os.environ, XDG_DATA_HOME=data or tempfile.mkdtemp(prefix="lw-data-"), **lab.env())
    env.update(env_extra or {})
    return Watch(cmd, env=env)


def vpn(report):
    return report["vpn"]


@test
def networkmanager_absent_then_appearing(lab):
    lab.stop_nm()
    watch = start_watch(lab)
    try:
        _, first = watch.next(REACT)
        expect(vpn(first)["source"] == "interfaces" and not vpn(first)["active"], "first", first)
        expect("not running" in vpn(first)["note"], "NetworkManager missing is normal", first)

        lab.start_nm()
        _, report = watch.next(REACT, lambda r: vpn(r)["source"] == "networkmanager",
                               "a report once NetworkManager appeared")
        expect(report["status"] == "unprotected", "status", report)
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly on SIGTERM")


@test
def plugin_vpn_activating_and_deactivating(lab):
    lab.start_nm()
    watch = start_watch(lab)
    try:
        watch.next(REACT)
        active = lab.add_active("Work VPN", "vpn", 1, ip4_address="10.8.0.2", vpn_state=3)
        _, report = watch.next(REACT, lambda r: vpn(r)["connections"], "a report for the new VPN")
        expect(not vpn(report)["active"] and vpn(report)["connections"][0]["state"] == "connect",
               "still connecting", report)

        lab.set_active_state(active, 2, vpn_state=5)
        _, report = watch.next(REACT, lambda r: vpn(r)["active"], "a report once the VPN is up")
        expect(vpn(report)["interfaces"] == ["tun0"], "the tunnel", report)

        lab.remove_active(active)
        _, report = watch.next(REACT, lambda r: not vpn(r)["connections"], "a report once it is gone")
        expect(not vpn(report)["active"] and report["status"] == "unprotected", "down again", report)
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly")


@test
def wireguard_connection(lab):
    lab.start_nm()
    watch = start_watch(lab)
    try:
        watch.next(REACT)
        device = lab.add_device("wg", "wg0")
        lab.add_active("Home WireGuard", "wireguard", 2, device=device)
        _, report = watch.next(REACT, lambda r: vpn(r)["active"], "a report for WireGuard")
        expect(vpn(report)["interfaces"] == ["wg0"], "the WireGuard device", report)
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly")


@test
def networkmanager_vanishing_and_returning(lab):
    lab.start_nm()
    watch = start_watch(lab)
    try:
        _, first = watch.next(REACT)
        expect(vpn(first)["source"] == "networkmanager", "first from NetworkManager", first)

        lab.stop_nm()
        _, report = watch.next(REACT, lambda r: vpn(r)["source"] == "interfaces",
                               "a report once NetworkManager vanished")
        expect("not running" in vpn(report)["note"], "says why", report)

        lab.start_nm()
        _, report = watch.next(REACT, lambda r: vpn(r)["source"] == "networkmanager",
                               "a report once it returned")
        expect(watch.proc.poll() is None, "still watching")
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly")


@test
def a_burst_of_changes_makes_one_check(lab):
    lab.start_nm()
    watch = start_watch(lab)
    try:
        watch.next(REACT)
        # Five changes within the debounce window (each gdbus call takes a
        # few ms): one check for all of them, not five.
        active = lab.add_active("Work VPN", "vpn", 1, ip4_address="10.8.0.2", vpn_state=3)
        for state, vpn_state in ((1, 4), (1, 3), (1, 4), (2, 5)):
            lab.set_active_state(active, state, vpn_state=vpn_state)
        _, report = watch.next(REACT, what="the report after the burst")
        expect(vpn(report)["active"], "the first report after the burst has the final state", report)
        import time
        time.sleep(2.5)
        extra = watch.reports.qsize()
        expect(extra == 0, f"{extra} more reports after the burst settled")
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly")


@test
def a_change_during_a_check_restarts_it(lab):
    import time
    lab.start_nm()
    # A STUN server that never answers keeps every check busy until its
    # 2 s deadline, so the change below lands in the middle of one.
    watch = start_watch(lab, extra_stun=[f"{lwnet.SILENT4}:3478"])
    try:
        watch.next(REACT)
        lab.add_active("Home WireGuard", "wireguard", 1, device=lab.add_device("wg", "wg0"))
        time.sleep(0.9)   # debounced, and the check for it has started
        watch.drain()
        active = "/org/freedesktop/NetworkManager/ActiveConnection/HomeWireGuard"
        lab.set_active_state(active, 2)
        _, report = watch.next(REACT, what="the report after the change")
        # The check that was running saw the connection activating; it was
        # dropped, and the one report shows the network as it is now.
        expect(vpn(report)["active"] and vpn(report)["connections"][0]["state"] == "activated",
               "the first report shows the new state", report)
        time.sleep(2.5)
        expect(watch.reports.qsize() == 0, "and no report of the old state follows")
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly")


@test
def a_policy_rule_brings_a_check(lab):
    lab.start_nm()
    watch = start_watch(lab)
    try:
        watch.next(REACT)
        # wg-quick and friends route through rules and tables of their own,
        # which change no address and no main-table route.
        lwnet.run("ip", "rule", "add", "to", lwnet.STUN4, "lookup", "100")
        arrived, _ = watch.next(REACT, what="a report after a policy rule appeared")
        lwnet.run("ip", "-6", "rule", "add", "to", lwnet.STUN6, "lookup", "100")
        watch.next(REACT, what="a report after an IPv6 policy rule appeared")
    finally:
        subprocess.run(["ip", "rule", "del", "to", lwnet.STUN4, "lookup", "100"])
        subprocess.run(["ip", "-6", "rule", "del", "to", lwnet.STUN6, "lookup", "100"])
        expect(watch.stop() == 0, "--watch ends cleanly")


@test
def a_flapping_network_still_gets_reports(lab):
    import time
    lab.start_nm()
    # Checks take 2 s (a silent STUN server); the network changes every
    # 0.5 s for 8 s. Dropping every check would mean no report at all.
    # Cancelling checks this fast can close a libnice agent while libnice
    # still resolves its STUN server (it does so even for literals), which
    # libnice logs as a warning; that warning must not abort this one test.
    watch = start_watch(lab, extra_stun=[f"{lwnet.SILENT4}:3478"], env_extra={"G_DEBUG": "gc-friendly"})
    try:
        watch.next(REACT)
        watch.drain()
        started = time.monotonic()
        for i in range(16):
            lwnet.run("ip", "addr", "add", f"192.0.2.{100 + i}/32", "dev", "lan0")
            time.sleep(0.5)
        arrived, _ = watch.next(1, what="a report while the network kept changing")
        expect(arrived - started < 8, f"first report after {arrived - started:.1f} s of changes")
    finally:
        for i in range(16):
            subprocess.run(["ip", "addr", "del", f"192.0.2.{100 + i}/32", "dev", "lan0"],
                           capture_output=True)
        code = watch.stop()
        expect(code == 0, f"--watch ends cleanly (exit {code}; {watch.stderr[-3:]})")


@test
def a_damaged_history_is_moved_aside(lab):
    lab.start_nm()
    data = tempfile.mkdtemp(prefix="lw-data-")
    os.makedirs(os.path.join(data, "leakwatch"))
    with open(os.path.join(data, "leakwatch", "history.db"), "wb") as f:
        f.write(b"this is not a database\x00" * 512)
    watch = start_watch(lab, data=data)
    try:
        _, report = watch.next(REACT)
        expect(report["status"] == "unprotected", "monitoring goes on", report)
        aside = [n for n in os.listdir(os.path.join(data, "leakwatch")) if ".corrupt-" in n]
        expect(aside, f"the damaged file is kept aside: {os.listdir(os.path.join(data, 'leakwatch'))}")
        with open(os.path.join(data, "leakwatch", sorted(aside)[0]), "rb") as f:
            expect(f.read(22) == b"this is not a database", "with its contents")
        expect(sum("corrupt" in line or "damaged" in line or "moved" in line for line in watch.stderr) == 1,
               f"the user is told once: {watch.stderr}")
    finally:
        expect(watch.stop() == 0, "--watch ends cleanly")


if __name__ == "__main__":
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    if available():
        skip_all(available())
    main(setup=Lab)
