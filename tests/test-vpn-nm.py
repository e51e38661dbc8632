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
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import lwnet  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

NM = "org.freedesktop.NetworkManager"
NM_PATH = "/org/freedesktop/NetworkManager"
MOCK = "org.freedesktop.DBus.Mock"
ROOT = "/org/freedesktop"   # the template hangs its Mock methods here
ACTIVE = "org.freedesktop.NetworkManager.Connection.Active"


def dbusmock_python():
    for candidate in (sys.executable, "/usr/bin/python3"):
        if candidate and os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import dbusmock"], capture_output=True).returncode == 0:
            return candidate
    return None


class Lab:
    """The network of lwnet, plus a private bus with a mock NetworkManager."""

    def __init__(self):
        self.net = lwnet.Net()
        self.bus = None
        self.mock = None
        self.address = None

    def __enter__(self):
        self.net.__enter__()
        try:
            for name, addr in (("tun0", "10.8.0.2/24"), ("wg0", "10.64.0.2/32")):
                lwnet.run("ip", "tuntap", "add", name, "mode", "tun")
                lwnet.run("ip", "addr", "add", addr, "dev", name)
                lwnet.run("ip", "link", "set", name, "up")
            socket_path = os.path.join(self.net.tmp, "system_bus")
            self.address = f"unix:path={socket_path}"
            self.bus = subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address", self.address],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=lwnet._die_with_parent)
            lwnet._wait_for(lambda: os.path.exists(socket_path), "the private bus")
            return self
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc):
        self.stop_nm()
        if self.bus is not None:
            self.bus.terminate()
            self.bus.wait()
        self.net.__exit__(*exc)

    def env(self):
        return {"DBUS_SYSTEM_BUS_ADDRESS": self.address}

    def start_nm(self):
        self.stop_nm()
        self.mock = subprocess.Popen(
            [dbusmock_python(), "-m", "dbusmock", "--system", "-t", "networkmanager",
             "-p", '{"Version": "1.42.4"}'],
            env=dict(os.environ, **self.env()), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=lwnet._die_with_parent)
        lwnet._wait_for(lambda: self.has_owner(), "the mock NetworkManager")
        self.eth = self.call(ROOT, MOCK, "AddEthernetDevice", "'eth0'", "'lan0'", "uint32 100")

    def stop_nm(self):
        if self.mock is not None:
            self.mock.terminate()
            self.mock.wait()
            self.mock = None

    def has_owner(self):
        out = subprocess.run(["gdbus", "call", "--system", "--dest", "org.freedesktop.DBus",
                              "--object-path", "/org/freedesktop/DBus", "--method",
                              "org.freedesktop.DBus.NameHasOwner", NM],
                             capture_output=True, text=True, env=dict(os.environ, **self.env()))
        return "true" in out.stdout

    def call(self, path, method_iface, method, *args):
        out = subprocess.run(["gdbus", "call", "--system", "--dest", NM, "--object-path", path,
                              "--method", f"{method_iface}.{method}", *args],
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, **self.env()))
        # gdbus prints a tuple such as ('/org/...',) or (objectpath '/org/...',)
        text = out.stdout.strip()
        return text.split("'")[1] if "'" in text else text

    def add_active(self, name, conn_type, state, ip4_address=None, vpn_state=None, device=None):
        """Adds an active connection the way NetworkManager shows one."""
        settings = f"{{'connection': {{'id': <'{name}'>, 'type': <'{conn_type}'>}}}}"
        conn = self.call(f"{NM_PATH}/Settings", "org.freedesktop.NetworkManager.Settings",
                         "AddConnection", settings)
        devices = f"['{device or self.eth}']"
        tag = name.replace(" ", "")
        active = self.call(ROOT, MOCK, "AddActiveConnection", devices, f"'{conn}'", "'/'",
                           f"'{tag}'", f"uint32 {state}")
        if vpn_state is not None:
            self.call(active, MOCK, "AddProperty", f"'{NM}.VPN.Connection'", "'VpnState'",
                      f"<uint32 {vpn_state}>")
        if ip4_address is not None:
            config = f"{NM_PATH}/IP4Config/{tag}"
            self.call(ROOT, MOCK, "AddObject", f"'{config}'", f"'{NM}.IP4Config'",
                      f"{{'AddressData': <[{{'address': <'{ip4_address}'>, 'prefix': <uint32 24>}}]>}}",
                      "@a(ssss) []")
            self.call(active, MOCK, "AddProperty", f"'{ACTIVE}'", "'Ip4Config'",
                      f"<objectpath '{config}'>")
        return active

    def add_device(self, name, iface):
        return self.call(ROOT, MOCK, "AddEthernetDevice", f"'{name}'", f"'{iface}'", "uint32 100")

    def check(self, env=None):
        return self.net.check(timeout=2, env=env if env is not None else self.env())


@test
def no_system_bus(lab):
    code, report, took, err = lab.check(env={"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/bus"})
    vpn = report["vpn"]
    expect(vpn["source"] == "interfaces" and not vpn["active"], "source", report)
    expect("no system bus" in vpn["note"], f"note {vpn['note']!r}", report)
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
    if dbusmock_python() is None or shutil.which("dbus-daemon") is None or shutil.which("gdbus") is None:
        skip_all("needs python3-dbusmock, dbus-daemon and gdbus")
    main(setup=Lab)
