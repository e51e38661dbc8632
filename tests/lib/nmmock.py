# SPDX-License-Identifier: GPL-3.0-or-later
"""python-dbusmock's NetworkManager on a private bus, for Leakwatch's tests.

The Lab puts it beside lwnet's network (real coturn and HTTPS echo) and two
real tun devices, tun0 and wg0 (the kernel has no WireGuard module, so a
tun named wg0 stands in for the WireGuard device), and drives the mock with
gdbus, so any Python can run the tests.
"""

import os
import shutil
import subprocess
import sys
import time

import lwnet

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


    def set_active_state(self, active, state, vpn_state=None):
        """Changes an active connection's State (and VpnState), with the
        signals NetworkManager sends."""
        self.call(active, MOCK, "UpdateProperties", f"'{ACTIVE}'", f"{{'State': <uint32 {state}>}}")
        if vpn_state is not None:
            self.call(active, MOCK, "UpdateProperties", f"'{NM}.VPN.Connection'",
                      f"{{'VpnState': <uint32 {vpn_state}>}}")
            self.call(active, MOCK, "EmitSignal", f"'{NM}.VPN.Connection'", "'VpnStateChanged'",
                      "'uu'", f"[<uint32 {vpn_state}>, <uint32 0>]")

    def remove_active(self, active):
        self.call(ROOT, MOCK, "RemoveActiveConnection", f"'{self.eth}'", f"'{active}'")


def connect_bus(address, seconds=10):
    """A dbus-python connection to the bus at ADDRESS, once it accepts
    them: its socket file appears a moment before the daemon listens."""
    import dbus
    deadline = time.monotonic() + seconds
    while True:
        try:
            return dbus.bus.BusConnection(address)
        except dbus.exceptions.DBusException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def available():
    """None when the mock can run here, else the reason it cannot."""
    if dbusmock_python() is None or shutil.which("dbus-daemon") is None or shutil.which("gdbus") is None:
        return "needs python3-dbusmock, dbus-daemon and gdbus"
    return None
