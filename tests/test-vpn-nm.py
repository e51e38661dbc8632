#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VPN state that `leakwatch --check` reads from NetworkManager.

NetworkManager itself cannot run here, so python-dbusmock's networkmanager
template stands in for it on a private bus given to Leakwatch as the system
bus. The tunnels it reports are real tun devices in the test's own network
namespace (the kernel has no WireGuard module, so a tun named wg0 stands in
for the WireGuard device), and the probes still talk to a real coturn and
HTTPS echo.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import lwnet  # noqa: E402
from nmmock import NM, Lab, available, dbusmock_python  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

@test
def no_system_bus(lab):
    code, report, took, err = lab.check(env={"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/bus"})
    vpn = report["vpn"]
    expect(vpn["source"] == "interfaces" and not vpn["active"], "source", report)
    expect("NetworkManager cannot be reached" in vpn["note"], f"note {vpn['note']!r}", report)
    expect(report["status"] == "unprotected", "status", report)


@test
def networkmanager_not_running(lab):
    lab.stop_nm()
    code, report, took, err = lab.check()
    vpn = report["vpn"]
    expect(vpn["source"] == "interfaces" and not vpn["active"], "source", report)
    expect("NetworkManager is not running" in vpn["note"], f"note {vpn['note']!r}", report)


@test
def networkmanager_without_vpn(lab):
    lab.start_nm()
    code, report, took, err = lab.check()
    vpn = report["vpn"]
    expect(vpn["source"] == "networkmanager" and not vpn["active"] and vpn["connections"] == [],
           "no VPN", report)
    expect(code == 3 and report["status"] == "unprotected", f"exit {code}", report)
    expect("no-vpn" in [f["id"] for f in report["findings"]], "finding", report)


@test
def plugin_vpn_activated(lab):
    lab.start_nm()
    lab.add_active("Work VPN", "vpn", 2, ip4_address="10.8.0.2", vpn_state=5)
    code, report, took, err = lab.check()
    vpn = report["vpn"]
    expect(vpn["active"] and vpn["source"] == "networkmanager", "active", report)
    expect(vpn["interfaces"] == ["tun0"], "tunnel found by its address", report)
    expect(vpn["connections"] == [{"name": "Work VPN", "type": "vpn", "interface": "tun0",
                                   "state": "activated"}], "connection", report)
    # This VPN carries neither family's default route, and the LAN has
    # native IPv6: every site and every page sees the LAN's IPv6 address.
    found = {(f["id"], f["address"]) for f in report["findings"]}
    expect(("vpn-not-default-route", None) in found and ("no-vpn", None) not in found,
           "findings", report)
    expect(("ipv6-leak", lwnet.CLIENT6) in found and ("ipv6-outside-tunnel", lwnet.CLIENT6) in found,
           "the IPv6 leak", report)
    expect(code == 1 and report["status"] == "leak", f"exit {code}", report)


@test
def plugin_vpn_still_connecting(lab):
    lab.start_nm()
    lab.add_active("Work VPN", "vpn", 1, ip4_address="10.8.0.2", vpn_state=3)
    code, report, took, err = lab.check()
    vpn = report["vpn"]
    expect(not vpn["active"], "a connecting VPN is not up", report)
    expect(vpn["connections"] and vpn["connections"][0]["state"] == "connect", "state", report)
    expect("no-vpn" in [f["id"] for f in report["findings"]], "finding", report)


@test
def wireguard_activated(lab):
    lab.start_nm()
    device = lab.add_device("wg", "wg0")
    lab.add_active("Home WireGuard", "wireguard", 2, device=device)
    code, report, took, err = lab.check()
    vpn = report["vpn"]
    expect(vpn["active"] and vpn["interfaces"] == ["wg0"], "wireguard device", report)
    expect(vpn["connections"] == [{"name": "Home WireGuard", "type": "wireguard", "interface": "wg0",
                                   "state": "activated"}], "connection", report)


@test
def networkmanager_hangs(lab):
    # Something owns NetworkManager's name but never answers: the check
    # still ends within its timeout, from the interfaces.
    lab.stop_nm()
    hung = subprocess.Popen(
        [dbusmock_python(), "-c",
         "import dbus, sys, time; bus = dbus.SystemBus(); "
         f"bus.request_name('{NM}'); print('owned', flush=True); time.sleep(120)"],
        env=dict(os.environ, **lab.env()), stdout=subprocess.PIPE, preexec_fn=lwnet._die_with_parent)
    try:
        hung.stdout.readline()
        started = time.monotonic()
        code, report, took, err = lab.net.check(timeout=2, env=lab.env())
        expect(took < 2.5, f"took {took:.2f}s for a 2 s timeout", report)
        expect("did not answer in time" in report["vpn"]["note"], "note", report)
        expect(report["status"] == "unprotected", "still a verdict from the interfaces", report)
    finally:
        hung.kill()
        hung.wait()


if __name__ == "__main__":
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    if available():
        skip_all(available())
    main(setup=Lab)
