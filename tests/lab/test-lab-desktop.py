#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole desktop, end to end, in the network lab's split tunnel.

A real OpenVPN tunnel with the STUN server routed around it (`splitvpn`),
real coturn and HTTPS echo, and Leakwatch's service in the lab's client
namespace, in a headless desktop of our own (lib/lwdesktop.py: Xvfb, a
private session bus, a notification daemon, a panel's
StatusNotifierWatcher). What a user would meet:

- the tray shows the leak icon, and its title names 198.51.100.7;
- exactly one notification names 198.51.100.7 and who sees it;
- "Show report" opens the window; its status, headline and findings are
  the service's Report, with the steps to fix the split tunnel;
- the user fixes the network (the split route goes, IPv6 is turned off on
  the LAN): tray, window and a notification follow, to protected;
- a check that cannot run (its CA file has gone) turns the bus, the tray
  and the window to a warning that says why, never the old green;
- closing the window ends its process;
- opening Leakwatch from the applications menu (org.freedesktop.Application
  .Activate on the service, as the DBusActivatable desktop entry makes a
  launcher do) opens it again, with the launcher's activation token.

Screenshots of the window for the leak and for protected are saved as
report-leak.png and report-protected.png in $LW_ARTIFACTS (the build
directory's artifacts/ under meson). Needs root, Xvfb and
python3-dbusmock.
"""

import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import lwdesktop  # noqa: E402
from lablib import leftovers, point, require_lab  # noqa: E402
from tap import expect, print_results, skip_all  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")
PREFIX = "lw-desk"
APP_ID = "io.github.leakwatch.Leakwatch"
REPORT_ID = APP_ID + ".Report"
PATH = "/io/github/leakwatch/Leakwatch"
REPORT_PATH = "/io/github/leakwatch/Leakwatch/Report"
MONITOR = "io.github.leakwatch.Monitor1"
ISP4 = "198.51.100.7"
STUN4 = "203.0.113.1"
LAN6 = "2001:db8:1::23"
POINTS = 9


def main():
    require_lab()
    lwdesktop.reexec_for_dbusmock()
    reason = lwdesktop.available()
    if reason:
        skip_all(reason)

    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    artifacts = os.environ.get("LW_ARTIFACTS", os.path.join(os.getcwd(), "artifacts"))
    os.makedirs(artifacts, exist_ok=True)
    lab_env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=f"/tmp/{PREFIX}", PYTHON=sys.executable)
    results = []

    def lab(*args):
        return subprocess.run([LAB] + list(args), env=lab_env, capture_output=True, text=True,
                              check=True).stdout

    print(f"1..{POINTS}", flush=True)
    desk = lwdesktop.Desktop()
    try:
        desk.up()
        dump = os.path.join(desk.tmp, "window.txt")
        shot = os.path.join(desk.tmp, "window.png")
        lab("up", "splitvpn")
        env = dict(LW_LAB=PREFIX, LW_LAB_DIR=f"/tmp/{PREFIX}", **lwdesktop.window_hooks(dump, shot))
        desk.spawn([LAB, "exec", leakwatch, "--gapplication-service", "--interval", "3600"] +
                   lab("args").split(), "service", env=env)

        import dbus

        def service():
            return desk.bus.get_object(APP_ID, PATH)

        def status():
            try:
                return lwdesktop.service_state(desk.bus, "status")
            except dbus.exceptions.DBusException:
                return None   # not on the bus yet

        def report():
            return lwdesktop.service_report(desk.bus)

        def window_text():
            try:
                with open(dump) as f:
                    return f.read()
            except OSError:
                return ""

        def icon(item):
            return desk.item_properties(item).get("IconName")

        desk.wait(lambda: status() == "leak", "the leak", 30)
        leak = report()
        item = desk.wait_item(seconds=10)

        def tray_shows_the_leak():
            desk.wait(lambda: icon(item) == APP_ID + "-leak", "the leak icon", 10)
            props = desk.item_properties(item)
            tip = props.get("ToolTip")
            shown = " ".join([str(props.get("Title", ""))] + ([str(tip[2]), str(tip[3])] if tip else []))
            expect(ISP4 in shown, f"the tray names the leaked address: {shown!r}")
            expect(leak["headline"] in shown, f"the tray shows the headline {leak['headline']!r}")

        def one_notification():
            time.sleep(0.5)
            told = desk.notifications()
            expect(len(told) == 1, f"exactly one notification: {told}")
            summary, body = told[0][0], told[0][1]
            expect(ISP4 in summary + body and "Every web page" in body,
                   f"it names the address and who sees it: {told[0]}")

        def window_shows_the_report():
            service().Activate("show-report", [], {}, dbus_interface="org.gtk.Actions")
            desk.wait(lambda: window_text().startswith("status: leak"), "the window's leak", 20)
            # The window: the status's name, and what it means in one sentence.
            name, _, phrase = leak["headline"].partition(": ")
            desk.wait(lambda: f"\n{name}\n" in window_text() and phrase[:1].upper() + phrase[1:] in window_text(),
                      "the verdict in the window", 5)
            text = window_text()
            for f in leak["findings"]:
                if f["level"] != "note":
                    expect(f["summary"] in text, f"the window lists {f['summary']!r}")
            expect("VPN: split tunnel" in text and "Cost:" in text,
                   "the window says how to fix the split tunnel, and what it costs")
            desk.wait(lambda: os.path.exists(shot) and os.path.getsize(shot) > 10000, "a screenshot", 10)
            time.sleep(1)   # the window settles (fonts, icons), then saves again
            shutil.copyfile(shot, os.path.join(artifacts, "report-leak.png"))

        def every_view_says_the_same():
            # One finding through every view: the service's Report, the
            # command line (a check of its own on the same network), the
            # notification, the tray and the window. Each says the finding
            # in the same words, the command line and the window give the
            # same advice, and the window's steps name the settings the
            # advice names (docs/ARCHITECTURE.md, "Findings and fixes").
            import re

            def flat(text):
                return " ".join(text.split())

            first = leak["findings"][0]
            expect(first["level"] == "leak" and first["advice"], f"the report leads with the leak: {first}")
            cli = subprocess.run([LAB, "exec", leakwatch, "--check"] + lab("args").split(), env=lab_env,
                                 capture_output=True, text=True)
            expect(cli.returncode == 1, f"the command line says leak (exit 1): {cli.returncode}")
            expect(flat(first["summary"]) in flat(cli.stdout) and flat(first["advice"]) in flat(cli.stdout),
                   f"the command line says {first['summary']!r} with its advice:\n{cli.stdout}")
            summary, body = desk.notifications()[0][0], desk.notifications()[0][1]
            expect(first["summary"] in body, f"the notification says {first['summary']!r}: {summary!r} {body!r}")
            title = str(desk.item_properties(item).get("Title", ""))
            expect(title == leak["headline"] and first["address"] in title,
                   f"the tray's title is the headline, naming the address: {title!r}")
            text = window_text()
            expect(first["summary"] in text and flat(first["advice"]) in flat(text),
                   "the window shows the finding and the same advice")
            steps = text[text.find("How to fix it"):]
            # The steps are for the browsers this machine has (the report's
            # browsers[]), all of them when none was found.
            found = {b["engine"] for b in leak["browsers"]
                     if not b["stand_in"] and b["engine"] in ("gecko", "chromium")}
            named = re.findall(r"media\.peerconnection\.[a-z_.]*[a-z]|disable_non_proxied_udp|"
                               r"default_public_interface_only", first["advice"])
            named = [n for n in named if not found or
                     ("gecko" if n.startswith("media.") else "chromium") in found]
            expect(named and all(n in steps for n in named),
                   f"the window's steps name what the advice names, for the browsers found: {named}")

        def fixing_the_network_shows_protected():
            lab("exec", "ip", "route", "del", f"{STUN4}/32")
            lab("exec", "ip", "-6", "route", "del", "default")
            lab("exec", "ip", "-6", "addr", "del", f"{LAN6}/64", "dev", "lan0")
            desk.wait(lambda: status() == "protected", "protected", 30)
            desk.wait(lambda: icon(item) == APP_ID + "-protected", "the protected icon", 10)
            desk.wait(lambda: window_text().startswith("status: protected"), "the window's protected", 10)
            # The leak findings are gone; a note may still say that a program
            # bound to the LAN would escape the VPN (no kill switch here).
            text = window_text()
            for f in leak["findings"]:
                if f["level"] == "leak":
                    expect(f["summary"] not in text, f"{f['summary']!r} is gone from the window")
            expect("\nProtected\n" in text and "Web pages see only your VPN's address" in text,
                   "the window says protected, and what that means")
            told = desk.notifications()
            expect(len(told) == 2 and told[1][0] == "The leak is gone", f"told it is over: {told}")
            time.sleep(1)
            shutil.copyfile(shot, os.path.join(artifacts, "report-protected.png"))

        def a_failed_check_after_green_is_never_green():
            # The CA file the service trusts goes: the next check cannot run.
            # Its report replaces the green one on the bus, in the tray and
            # in the window; green comes back only from a check that ran.
            ca = f"/tmp/{PREFIX}/ca.pem"
            os.rename(ca, ca + ".away")
            try:
                service().CheckNow(dbus_interface=MONITOR)
                desk.wait(lambda: status() == "warning", "a warning after green", 30)
                failed = report()
                expect(failed["status"] == "warning" and
                       [f["id"] for f in failed["findings"]] == ["check-failed"],
                       f"the bus's Report is the failure's: {failed}")
                expect(failed["headline"].startswith("Warning: The check could not run: "
                                                     "Cannot use the CA file"),
                       f"and says why: {failed['headline']!r}")
                desk.wait(lambda: icon(item) == APP_ID + "-warning", "the tray's warning icon", 10)
                expect(desk.item_properties(item).get("Title") == failed["headline"],
                       "the tray's title says why")
                desk.wait(lambda: window_text().startswith("status: warning"), "the window's warning", 10)
                text = window_text()
                expect("Web pages see only your VPN's address" not in text and "The check could not run" in text,
                       "the window shows the failure, not the old verdict")
                # Its evidence page says the check saw nothing, and not "no VPN".
                window = desk.bus.get_object(REPORT_ID, REPORT_PATH + "/window/1")
                window.Activate("show-page", ["evidence"], {}, dbus_interface="org.gtk.Actions")
                desk.wait(lambda: "page: evidence" in window_text(), "the evidence page", 10)
                text = window_text()
                expect("The last check saw nothing" in text and "No VPN is connected" not in text,
                       f"the evidence of a check that could not run:\n{text}")
                window.Activate("show-page", ["report"], {}, dbus_interface="org.gtk.Actions")
            finally:
                os.rename(ca + ".away", ca)
            service().CheckNow(dbus_interface=MONITOR)
            desk.wait(lambda: status() == "protected", "protected once the file is back", 30)
            desk.wait(lambda: icon(item) == APP_ID + "-protected", "the protected icon again", 10)

        def closing_ends_the_window():
            pid = desk.pid_of(REPORT_ID)
            desk.bus.get_object(REPORT_ID, REPORT_PATH).Activate(
                "quit", [], {}, dbus_interface="org.gtk.Actions")
            desk.wait(lambda: lwdesktop.process_gone(pid), "the window's process to end", 10)
            expect(status() == "protected", "the service runs on")

        def the_applications_menu_opens_the_window():
            # What a launcher does with the DBusActivatable desktop entry.
            os.unlink(dump)
            service().Activate({"activation-token": "lw-test-token"},
                               dbus_interface="org.freedesktop.Application")
            desk.wait(lambda: window_text().startswith("status: protected"), "the window again", 20)
            pid = desk.pid_of(REPORT_ID)
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = f.read().split(b"\0")
            expect(b"XDG_ACTIVATION_TOKEN=lw-test-token" in environ,
                   "the window gets the launcher's activation token, to take focus")
            desk.bus.get_object(REPORT_ID, REPORT_PATH).Activate(
                "quit", [], {}, dbus_interface="org.gtk.Actions")
            desk.wait(lambda: lwdesktop.process_gone(pid), "the window's process to end", 10)

        for name, fn in (("the tray shows the leak and names the address", tray_shows_the_leak),
                         ("one notification names the leaked address", one_notification),
                         ("Show report opens a window with the service's report", window_shows_the_report),
                         ("the command line, notification, tray and window say the same for the leak",
                          every_view_says_the_same),
                         ("fixing the network turns tray, window and notification to protected",
                          fixing_the_network_shows_protected),
                         ("a check that fails after green turns bus, tray and window away from green",
                          a_failed_check_after_green_is_never_green),
                         ("closing the window ends its process", closing_ends_the_window),
                         ("the applications menu opens the window, with the launcher's token",
                          the_applications_menu_opens_the_window)):
            point(results, name, fn)
    except Exception as e:  # noqa: BLE001
        results.append((False, f"setting up: {e}\n" + desk.read_log("service")[-2000:]
                        if desk.tmp else f"setting up: {e}"))
    finally:
        desk.down()
        subprocess.run([LAB, "down"], env=lab_env)

    spaces, stray = leftovers(PREFIX)
    results.append((not spaces and not stray, f"no leftovers {spaces} {stray}"))
    return print_results(results, POINTS)


if __name__ == "__main__":
    sys.exit(main())
