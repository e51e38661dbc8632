#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Leak notifications from the service, with a real leak in the network lab.

The service runs in the `protected` scenario with python-dbusmock's
notification daemon on a private session bus (GNOTIFICATION_BACKEND=
freedesktop). A split-tunnel route for the STUN server then makes a real
leak: exactly one notification follows, naming the leaked address and who
sees it; a check of the same leak adds none; when the route goes, one more
says the leak is gone. Needs root, python3-dbusmock and python3-gi.
"""

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from lablib import leftovers, require_lab  # noqa: E402
from nmmock import connect_bus, dbusmock_python  # noqa: E402
from tap import expect, print_results, skip_all  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")
PREFIX = "lw-notify"
APP_ID = "io.github.leakwatch.Leakwatch"
PATH = "/io/github/leakwatch/Leakwatch"
ISP4 = "198.51.100.7"


def main():
    require_lab()
    try:
        import dbus
    except ImportError:
        python = dbusmock_python()
        if python and os.path.realpath(python) != os.path.realpath(sys.executable):
            os.execv(python, [python] + sys.argv)
        skip_all("needs python3-dbus and python3-dbusmock")

    work = tempfile.mkdtemp(prefix="lw-notify-")
    bus_socket = os.path.join(work, "bus")
    env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=f"/tmp/{PREFIX}", PYTHON=sys.executable,
               XDG_DATA_HOME=os.path.join(work, "data"), DBUS_SESSION_BUS_ADDRESS=f"unix:path={bus_socket}",
               DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent", GNOTIFICATION_BACKEND="freedesktop",
               GSETTINGS_BACKEND="memory")
    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    procs, results = [], []

    def lab(*args):
        return subprocess.run([LAB] + list(args), env=env, capture_output=True, text=True, check=True).stdout

    print("1..4", flush=True)
    try:
        lab("up", "protected")
        procs.append(subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address",
                                       f"unix:path={bus_socket}"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while not os.path.exists(bus_socket) and time.monotonic() < deadline:
            time.sleep(0.05)
        bus = connect_bus(f"unix:path={bus_socket}")
        procs.append(subprocess.Popen([dbusmock_python(), "-m", "dbusmock", "--session", "-t",
                                       "notification_daemon"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        service = subprocess.Popen([LAB, "exec", leakwatch, "--interval", "3600"] + lab("args").split(),
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        procs.append(service)

        def wait(predicate, what, seconds=20):
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    if predicate():
                        return
                except dbus.exceptions.DBusException:
                    pass
                time.sleep(0.05)
            raise AssertionError(f"timed out waiting for {what}")

        def status():
            obj = bus.get_object(APP_ID, PATH)
            return str(obj.Describe("status", dbus_interface="org.gtk.Actions")[2][0])

        def notifications():
            mock = bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
            calls = mock.GetMethodCalls("Notify", dbus_interface="org.freedesktop.DBus.Mock")
            # Notify(app_name, replaces_id, icon, summary, body, actions, hints, timeout)
            return [(str(args[3]), str(args[4]), [str(a) for a in args[5]]) for _, args in calls]

        def looks():
            """Each Notify's icon (the app_icon argument or the image-path
            hint, as GLib sends a themed icon) and urgency."""
            mock = bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
            calls = mock.GetMethodCalls("Notify", dbus_interface="org.freedesktop.DBus.Mock")
            return [(str(args[2]) + " " + str(args[6].get("image-path", "")),
                     int(args[6].get("urgency", -1))) for _, args in calls]

        wait(lambda: bus.name_has_owner("org.freedesktop.Notifications"), "the notification daemon")
        wait(lambda: status() == "protected", "protected")
        expect(notifications() == [], "nothing to tell while protected")

        def leak_notified_once():
            lab("exec", "ip", "route", "replace", "203.0.113.1/32", "via", "192.168.1.1", "dev", "lan0")
            wait(lambda: status() == "leak", "the leak")
            time.sleep(0.5)
            told = notifications()
            expect(len(told) == 1, f"exactly one notification: {told}")
            summary, body, actions = told[0]
            expect(ISP4 in summary and "Every web page" in body, f"names the address and who sees it: {told[0]}")
            # Notify's actions alternate key and label; GLib's freedesktop
            # backend sends a button's detailed action name as its key.
            buttons = dict(zip(actions[::2], actions[1::2]))
            expect(buttons.get("app.show-report") == "Show report",
                   f"a Show report button for app.show-report: {actions}")
            # The leak's own icon; high priority, which is "normal" urgency
            # (1) on the bus: "critical" (2) would ignore Do Not Disturb.
            icon, urgency = looks()[0]
            expect(APP_ID + "-leak" in icon and urgency == 1, f"the leak icon, urgency 1: {looks()}")

        def same_leak_not_repeated():
            bus.get_object(APP_ID, PATH).Activate("check-now", [], {}, dbus_interface="org.gtk.Actions")
            wait(lambda: status() == "checking", "the check to start", 5)
            wait(lambda: status() == "leak", "the check to end")
            time.sleep(0.5)
            expect(len(notifications()) == 1, f"no repeat: {notifications()}")

        def leak_gone():
            lab("exec", "ip", "route", "del", "203.0.113.1/32")
            wait(lambda: status() == "protected", "protected again")
            time.sleep(0.5)
            told = notifications()
            expect(len(told) == 2 and told[1][0] == "The leak is gone", f"told it is over: {told}")

        for name, fn in (("a real leak is notified once, naming the address", leak_notified_once),
                         ("the same leak is not notified again", same_leak_not_repeated),
                         ("the end of the leak is notified", leak_gone)):
            try:
                fn()
                results.append((True, name))
            except Exception as e:  # noqa: BLE001 - a failed test point
                results.append((False, f"{name}: {e}"))
    except Exception as e:  # noqa: BLE001
        results.append((False, f"setting up: {e}"))
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        subprocess.run([LAB, "down"], env=env)

    spaces, stray = leftovers(PREFIX)
    results.append((not spaces and not stray, f"no leftovers {spaces} {stray}"))
    return print_results(results, 4)


if __name__ == "__main__":
    sys.exit(main())
