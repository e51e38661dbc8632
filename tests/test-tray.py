#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""leakwatch-tray, as a panel sees it.

The service runs in a headless desktop of our own (lib/lwdesktop.py: Xvfb,
a private session bus, a notification daemon and a panel's
StatusNotifierWatcher) with a display, so it starts the tray itself. The
tests read the tray's StatusNotifierItem and its dbusmenu the way a panel
does: icon, title, menu labels, clicks. They also cover the tray's life:
one copy only, started again when it crashes, gone with the service, an
XEmbed fallback without a panel, and nothing without the service.

Then a stand-in for the service (lwdesktop.FakeService) says what this
network cannot: a leak, damaged reports, an action that comes and goes;
the tray must never show a damaged report as a verdict.

Runs in a network namespace of its own with a real coturn and HTTPS echo
(lib/lwnet.py). Every check asks one extra address service that answers
too late, so a check lasts the whole --timeout (3 s) and "checking" can be
seen; the verdict is still "unprotected" (no VPN here). The clock is in a
zone of the test's own, UTC+5:30, so "Last checked" is in local time.
"""

import datetime
import json
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))

import lwdesktop  # noqa: E402
import lwnet  # noqa: E402
import stubbrowser  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

APP_ID = "io.github.leakwatch.Leakwatch"
TRAY_ID = APP_ID + ".Tray"
PATH = "/io/github/leakwatch/Leakwatch"
MONITOR = "io.github.leakwatch.Monitor1"
ICON = APP_ID + "-"


def tray_program():
    default = os.path.join(os.path.dirname(lwnet.leakwatch()), "..", "tray", "leakwatch-tray")
    return os.path.realpath(os.environ.get("LEAKWATCH_TRAY", default))


class Session(lwdesktop.ServiceSession):
    """lwnet's network, a headless desktop, and the service in it."""

    TIMEOUT = "3"
    SETTLE_SECONDS = 20

    def prepare(self):
        # The default browser is one of the test's own: it records the
        # address it is opened on and posts what a page got.
        self.browser_record = stubbrowser.install(self.d.env["XDG_DATA_HOME"], self.d.tmp,
                                                  "lw-stub-browser.desktop", name="Stub Browser",
                                                  address="198.51.100.77",
                                                  config_home=self.d.env["XDG_CONFIG_HOME"])

    def start_service(self, display=True, wrapper=()):
        """Starts the service; with DISPLAY set it starts the tray."""
        super().start_service(env={} if display else {"DISPLAY": ""}, wrapper=wrapper)

    def actions(self):
        return [str(a) for a in self.obj().List(dbus_interface="org.gtk.Actions")]

    def tray_item(self, exclude=()):
        """The tray's StatusNotifierItem, checked to belong to the tray
        under test: (bus name, path)."""
        item = self.d.wait_item(seconds=20, exclude=exclude)
        pid = self.d.item_pid(item)
        exe = os.path.realpath(f"/proc/{pid}/exe")
        expect(exe == tray_program(), f"the item belongs to {exe}, not {tray_program()}")
        return item

    def icon(self, item):
        return self.d.item_properties(item)["IconName"]

    def entries(self, item):
        """The menu as a panel shows it: visible entries, separators too."""
        return [e for e in self.d.menu_entries(item) if e["visible"]]

    def entry(self, item, label):
        found = [e for e in self.entries(item) if e["label"] == label]
        expect(len(found) == 1, f"one menu entry {label!r} in {self.entries(item)}")
        return found[0]

    def tray_failures(self):
        """What the service logged about trays that failed, but for the
        SIGKILLs of the tests."""
        lines = self.d.read_log(self.log).splitlines()
        failed = [i for i, line in enumerate(lines)
                  if any(s in line for s in ("died of signal", "failed with status", "keeps failing"))
                  and "signal 9" not in line]
        # With what came before each, so that a failure in CI says why.
        return ["\n".join(lines[max(0, i - 40):i + 1]) for i in failed]


@test
def the_tray_shows_the_verdict_on_the_panel(s):
    item = s.tray_item()
    report = s.settled_report()
    expect(report["status"] == "unprotected", "no VPN here: unprotected", report)
    s.d.wait(lambda: s.icon(item) == ICON + "unprotected", "the unprotected icon")
    props = s.d.item_properties(item)
    expect(props["Title"] == report["headline"],
           f"title {props['Title']!r}, headline {report['headline']!r}")
    expect(props["IconAccessibleDesc"] == "Leakwatch: Not protected", f"description {props}")
    expect(props["Status"] == "Active" and props["Id"] == APP_ID and
           props["Category"] == "SystemServices", f"item {props}")
    # The icon the panel is told to show exists where it is told to look.
    svg = os.path.join(props["IconThemePath"], props["IconName"] + ".svg")
    expect(os.path.isfile(svg), f"no icon file {svg}")
    expect((item[1], item[0]) in s.d.registrations(), f"registrations {s.d.registrations()}")


@test
def a_check_shows_checking_then_the_verdict(s):
    item = s.tray_item()
    before = s.settled_report()
    new_icons = []
    # A panel redraws on NewIcon: there must be one for each change.
    match = s.d.bus.add_signal_receiver(lambda *a: new_icons.append(time.monotonic()), "NewIcon",
                                        lwdesktop.ITEM, item[0], item[1])
    try:
        s.obj().CheckNow(dbus_interface=MONITOR)
        s.d.wait(lambda: s.icon(item) == ICON + "checking", "the checking icon", seconds=5)
        props = s.d.item_properties(item)
        expect(props["IconAccessibleDesc"] == "Leakwatch: Checking…", f"description {props}")
        expect(props["Title"] == before["headline"],
               "the title keeps the last verdict while checking")
        check_now = s.entry(item, "Check Now")
        expect(not check_now["enabled"], "Check now is greyed out while a check runs")

        s.d.wait(lambda: s.icon(item) == ICON + "unprotected", "the unprotected icon again",
                 seconds=10)
        s.d.wait(lambda: len(new_icons) >= 2, "NewIcon for checking and for the verdict")
    finally:
        match.remove()
    expect(s.entry(item, "Check Now")["enabled"], "Check now works again")
    after = s.report()
    expect(after["time"] != before["time"], f"a new report: {before['time']} → {after['time']}")


@test
def the_menu_tells_and_clicking_check_now_checks(s):
    item = s.tray_item()
    report = s.settled_report()
    expect("start-at-login" in s.actions(), f"the service's actions: {s.actions()}")
    def want():
        return ["Not protected", lwdesktop.last_checked(report["time"]), "", "Check Now",
                "Open Report", "Test in My Browser", "Start at Login", "", "Stop Watching"]
    s.d.wait(lambda: [e["label"] for e in s.entries(item)] == want(),
             f"the menu {want()} (it is {[e['label'] for e in s.entries(item)]})")
    entries = s.entries(item)
    expect([e["type"] for e in entries if e["label"] == ""] == ["separator", "separator"],
           f"separators {entries}")
    expect(not entries[0]["enabled"] and not entries[1]["enabled"],
           "the status and time lines are not clickable")

    reports = []
    statuses = []
    matches = [
        s.d.bus.add_signal_receiver(
            lambda iface, changed, _: reports.append(json.loads(str(changed["Report"])))
            if iface == MONITOR and "Report" in changed else None,
            "PropertiesChanged", "org.freedesktop.DBus.Properties", APP_ID, PATH),
        s.d.bus.add_signal_receiver(
            lambda removed, enabled, changes, added: statuses.append(str(changes["status"]))
            if "status" in changes else None,
            "Changed", "org.gtk.Actions", APP_ID, PATH),
    ]
    try:
        s.d.click(item, s.entry(item, "Check Now")["id"])
        s.d.wait(lambda: reports, "a report after clicking Check now", seconds=10)
    finally:
        for match in matches:
            match.remove()
    expect(statuses[:1] == ["checking"], f"the service checked: {statuses}")
    expect(reports[-1]["time"] != report["time"], "a new report", reports[-1])
    latest = s.settled_report()
    s.d.wait(lambda: s.entries(item)[1]["label"] == lwdesktop.last_checked(latest["time"]),
             f"{lwdesktop.last_checked(latest['time'])} in the menu")


@test
def test_in_my_browser_opens_the_default_browser_and_tells_what_it_showed(s):
    item = s.tray_item()
    s.settled_report()
    reports = []
    match = s.d.bus.add_signal_receiver(
        lambda iface, changed, _: reports.append(json.loads(str(changed["Report"])))
        if iface == MONITOR and "Report" in changed else None,
        "PropertiesChanged", "org.freedesktop.DBus.Properties", APP_ID, PATH)
    try:
        s.d.click(item, s.entry(item, "Test in My Browser")["id"])
        s.d.wait(lambda: any(r["confirmations"] for r in reports), "the page's result in the report",
                 seconds=30)
    finally:
        match.remove()
    with open(s.browser_record) as f:
        url = f.read()
    expect(url.startswith("http://127.0.0.1:") and "/result" not in url,
           f"the default browser was opened on the test page: {url!r}")
    confirmation = [r for r in reports if r["confirmations"]][-1]["confirmations"][-1]
    expect(confirmation["desktop_id"] == "lw-stub-browser.desktop",
           f"judged as the default browser's: {confirmation}")
    # No VPN here: what the page got is the address every site sees.
    said = "Confirmed: pages see 198.51.100.77; with no VPN, every site sees your address anyway."
    s.d.wait(lambda: any(n[0] == "What your browser showed" and n[1] == said
                         for n in s.d.notifications()),
             f"a notification that says {said!r} ({s.d.notifications()})", seconds=10)


@test
def start_at_login_follows_the_service(s):
    item = s.tray_item()
    expect("start-at-login" in s.actions(), f"the service's actions: {s.actions()}")
    before = s.state("start-at-login")
    entry = s.entry(item, "Start at Login")
    expect(entry["toggle_type"] == "checkmark" and entry["toggle_state"] == int(before),
           f"the check mark shows the service's {before}: {entry}")
    for wanted in (not before, before):
        s.d.click(item, entry["id"])
        s.d.wait(lambda: s.state("start-at-login") == wanted,
                 f"the service's start-at-login {wanted}")
        s.d.wait(lambda: s.entry(item, "Start at Login")["toggle_state"] == int(wanted),
                 f"the check mark {wanted}")


@test
def a_second_tray_leaves_at_once(s):
    item = s.tray_item()
    pid = s.d.item_pid(item)
    registered = len(s.d.registrations())
    second = s.d.spawn([tray_program()], "second-tray")
    code = second.wait(timeout=10)
    expect(code == 0, f"second tray exit {code}:\n{s.d.read_log('second-tray')}")
    expect(s.d.items() == [item] and s.d.item_pid(item) == pid, f"items {s.d.items()}")
    expect(len(s.d.registrations()) == registered, "the second copy never showed an icon")


@test
def a_crashed_tray_comes_back(s):
    item = s.tray_item()
    pid = s.d.item_pid(item)
    os.kill(pid, signal.SIGKILL)
    s.d.wait(lambda: lwdesktop.process_gone(pid), "the tray to die")
    again = s.tray_item(exclude=[item])
    expect(s.d.item_pid(again) != pid, "a new tray process")
    s.d.wait(lambda: s.icon(again) == ICON + s.state("status"), "the new icon shows the status")
    expect(s.d.item_properties(again)["Title"] == s.report()["headline"], "and the headline")


@test
def the_tray_goes_when_the_service_quits(s):
    item = s.tray_item()
    pid = s.d.item_pid(item)
    # "Stop Watching", as the menu calls it: it says what stops.
    s.d.click(item, s.entry(item, "Stop Watching")["id"])
    code = s.service.wait(timeout=10)
    expect(code == 0, f"service exit {code}")
    told = [n for n in s.d.notifications() if n[0] == "Leakwatch stopped watching"]
    expect(len(told) == 1 and told[0][1] == "No more checks or alerts until you open Leakwatch again.",
           f"one notification says what stopped: {s.d.notifications()}")
    s.d.wait(lambda: lwdesktop.process_gone(pid), "the tray to exit", seconds=5)
    s.d.wait(lambda: not s.d.items(), "the icon to leave the panel", seconds=5)
    expect(not s.tray_failures(), "trays failed:\n" + "\n".join(s.tray_failures()))
    expect(not s.sanitizer_reports(), "\n".join(s.sanitizer_reports()))


@test
def the_tray_goes_when_the_service_dies(s):
    s.start_service()
    item = s.tray_item()
    pid = s.d.item_pid(item)
    # No SIGTERM from the service this time: the tray sees the name go.
    s.service.kill()
    s.service.wait()
    s.d.wait(lambda: lwdesktop.process_gone(pid), "the tray to exit by itself", seconds=5)
    s.d.wait(lambda: not s.d.items(), "the icon to leave the panel", seconds=5)
    expect(not s.sanitizer_reports(), "\n".join(s.sanitizer_reports()))


@test
def at_the_floor_of_64_open_files_the_tray_shows_the_verdict(s):
    # prlimit sets the hard limit too, so there is nothing to raise: the
    # service and the tray it starts work within the 64 Leakwatch asks for.
    s.start_service(wrapper=["prlimit", "--nofile=64"])
    item = s.tray_item()
    pid = s.d.item_pid(item)
    with open(f"/proc/{pid}/limits") as f:
        limit = [line.split()[3:5] for line in f if line.startswith("Max open files")]
    expect(limit == [["64", "64"]], f"the tray runs under 64 open files: {limit}")
    report = s.settled_report()
    s.d.wait(lambda: s.icon(item) == ICON + report["status"], "the verdict's icon")
    s.obj().Activate("quit", [], {}, dbus_interface="org.gtk.Actions")
    expect(s.service.wait(timeout=10) == 0, "the service quit")
    s.d.wait(lambda: lwdesktop.process_gone(pid), "the tray to exit", seconds=5)
    expect(not s.tray_failures(), "trays failed:\n" + "\n".join(s.tray_failures()))
    expect(not s.sanitizer_reports(), "\n".join(s.sanitizer_reports()))


@test
def without_a_panel_the_tray_falls_back_until_one_comes(s):
    # The tray as our own child (the service without a display starts
    # none), to see how it exits.
    s.d.stop_watcher()
    try:
        s.start_service(display=False)
        tray = s.d.spawn([tray_program()], "tray-xembed")
        s.d.wait(lambda: s.d.bus.name_has_owner(TRAY_ID) or tray.poll() is not None, "the tray")
        time.sleep(2)
        expect(tray.poll() is None,
               f"the tray exited {tray.returncode}:\n{s.d.read_log('tray-xembed')}")
        expect(s.d.pid_of(TRAY_ID) == tray.pid, "it is the only tray")
        # The panel starts after the tray (as at login): the icon moves there.
        s.d.start_watcher()
        item = s.tray_item()
        expect(s.d.item_pid(item) == tray.pid, "the same tray registered")
        s.obj().Activate("quit", [], {}, dbus_interface="org.gtk.Actions")
        code = tray.wait(timeout=10)
        expect(code == 0, f"tray exit {code}:\n{s.d.read_log('tray-xembed')}")
        expect(s.service.wait(timeout=10) == 0, "the service quit")
    finally:
        if s.d.watcher is None:
            s.d.start_watcher()


@test
def without_the_service_the_tray_leaves_at_once(s):
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    registered = len(s.d.registrations())
    tray = s.d.spawn([tray_program()], "tray-alone")
    code = tray.wait(timeout=10)
    expect(code == 0, f"tray exit {code}:\n{s.d.read_log('tray-alone')}")
    expect(len(s.d.registrations()) == registered, "it never showed an icon")


# --- with a stand-in for the service: verdicts this network cannot give --

LEAK_FINDING = {
    "id": "public-address-leak", "level": "leak", "audience": "every-page", "mode": "default-route",
    "family": "ipv4", "address": "198.51.100.7",
    "summary": "An address outside the VPN, 198.51.100.7, is visible to web pages",
}
# The headlines the core's reader makes of these reports.
LEAK = "Leak: any web page can read 198.51.100.7, an address outside the VPN"
PROTECTED = "Protected: web pages see only your VPN's address"
UNPROTECTED = "Not protected: sites see your real address"


def fake_report(status, when=None):
    return lwdesktop.fake_report(status, [LEAK_FINDING] if status == "leak" else [], when)


def with_fake_service(s, body):
    """Runs BODY(fake, item) with a FakeService and a tray of our own;
    then the fake goes, and the tray must exit with status 0."""
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    fake = s.d.start_fake_service()
    tray = s.d.spawn([tray_program()], "tray-fake")
    try:
        body(fake, s.tray_item())
    finally:
        fake.stop()
        code = tray.wait(timeout=10)
    expect(code == 0, f"tray exit {code}:\n{s.d.read_log('tray-fake')}")


@test
def the_tray_shows_a_leak_and_never_trusts_a_damaged_report(s):
    def body(fake, item):
        # The service checks and has no report yet.
        s.d.wait(lambda: s.icon(item) == ICON + "checking", "the checking icon")
        labels = [e["label"] for e in s.entries(item)]
        expect(s.d.item_properties(item)["Title"] == "Checking…" and
               labels[:2] == ["Checking…", "No check yet"], f"before the first report: {labels}")

        leak = fake_report("leak", lwdesktop.local_iso(days_ago=10))
        fake.set_report(leak)
        fake.set_status("leak")
        s.d.wait(lambda: s.icon(item) == ICON + "leak", "the leak icon")
        props = s.d.item_properties(item)
        expect(props["Title"] == LEAK and props["IconAccessibleDesc"] == "Leakwatch: Leak",
               f"item {props}")
        # Ten days ago at 13:00 local time (UTC+5:30 here): the day is named.
        labels = lambda: [e["label"] for e in s.entries(item)][:2]  # noqa: E731
        s.d.wait(lambda: labels() == ["Leak", lwdesktop.last_checked(leak["time"])],
                 "the leak and its day in the menu")
        shown = labels()[1]
        expect(shown.startswith("Last checked on ") and shown.endswith(" at 13:00"),
               f"the day and the local time: {shown}")
        for days_ago, start in ((0, "Last checked at 13:00"), (1, "Last checked yesterday at 13:00")):
            day = datetime.date.today()
            again = fake_report("leak", lwdesktop.local_iso(days_ago))
            fake.set_report(again)
            s.d.wait(lambda: labels()[1] == lwdesktop.last_checked(again["time"]),
                     f"the check of {days_ago} days ago")
            if datetime.date.today() == day:  # else midnight passed: said another way
                expect(labels()[1] == start, f"{start!r}: {labels()}")

        # No report, with the service saying "protected": no verdict, no colour.
        fake.set_report("")
        fake.set_status("protected")
        s.d.wait(lambda: s.icon(item) == ICON + "unknown", "unknown without a report")
        expect(s.d.item_properties(item)["Title"] == "Could not check", "and says so")

        # What the core's reader refuses: no verdict from any of these.
        def damage(**changes):
            report = dict(fake_report("protected"), **changes)
            return json.dumps({k: v for k, v in report.items() if v is not None})
        damaged = ["not json", "[]", '{"status": "protected"}',
                   damage(time=None), damage(time="yesterday"), damage(status="safe"),
                   damage(status="checking"), damage(version=2), damage(findings=[7]),
                   damage(vpn=None)]
        for text in damaged:
            fake.set_report(fake_report("protected"))
            fake.set_status("protected")
            s.d.wait(lambda: s.icon(item) == ICON + "protected", "the protected icon")
            expect(s.d.item_properties(item)["Title"] == PROTECTED, "the protected headline")
            fake.set_report(text)
            s.d.wait(lambda: s.icon(item) == ICON + "unknown", f"unknown for the report {text!r}")
            labels = [e["label"] for e in s.entries(item)]
            expect(s.d.item_properties(item)["Title"] == "Could not check" and
                   labels[:2] == ["Could not check", "No check yet"], f"for {text!r}: {labels}")

        # The verdict is the report's own: icon and title never disagree,
        # whatever the status action says between two reports.
        fake.set_report(fake_report("leak"))
        fake.set_status("protected")
        s.d.wait(lambda: s.icon(item) == ICON + "leak", "the report's leak, not the action's word")
        expect(s.d.item_properties(item)["Title"] == LEAK, "the title agrees")
    with_fake_service(s, body)


@test
def the_menu_follows_the_service_actions(s):
    def body(fake, item):
        fake.set_report(fake_report("unprotected"))
        fake.set_status("unprotected")
        s.d.wait(lambda: s.icon(item) == ICON + "unprotected", "the unprotected icon")
        expect(s.d.item_properties(item)["Title"] == UNPROTECTED, "the unprotected headline")
        labels = lambda: [e["label"] for e in s.entries(item)]  # noqa: E731
        expect("Start at Login" not in labels(), f"no start-at-login action: {labels()}")
        expect("Test in My Browser" not in labels(), f"no test-browser action: {labels()}")

        # The service gains the action: the item appears, and asks it.
        fake.set_action("start-at-login", True, False)
        s.d.wait(lambda: "Start at Login" in labels(), "Start at login to appear")
        entry = s.entry(item, "Start at Login")
        expect(entry["toggle_type"] == "checkmark" and entry["toggle_state"] == 0, f"{entry}")
        s.d.click(item, entry["id"])
        s.d.wait(lambda: fake.state_requests() == [("start-at-login", True)],
                 f"the request for True ({fake.state_requests()})")
        s.d.wait(lambda: s.entry(item, "Start at Login")["toggle_state"] == 1, "the check mark")
        fake.set_action("start-at-login", False, True)
        s.d.wait(lambda: not s.entry(item, "Start at Login")["enabled"], "the item greyed out")
        fake.remove_action("start-at-login")
        s.d.wait(lambda: "Start at Login" not in labels(), "Start at login to go")

        fake.set_status("checking")
        s.d.wait(lambda: not s.entry(item, "Check Now")["enabled"],
                 "Check now greyed while checking")
        fake.set_status("unprotected")
        s.d.wait(lambda: s.entry(item, "Check Now")["enabled"], "Check now back")
        for label in ("Check Now", "Open Report", "Stop Watching"):
            s.d.click(item, s.entry(item, label)["id"])
        s.d.wait(lambda: fake.activations() == ["check-now", "show-report", "quit"],
                 f"the service's actions activated ({fake.activations()})")
    with_fake_service(s, body)


if __name__ == "__main__":
    # POSIX TZ strings need no tzdata: the tray and this script agree.
    os.environ["TZ"] = "LWT-5:30"
    time.tzset()
    lwdesktop.require()
    if not os.access(tray_program(), os.X_OK):
        skip_all(f"no tray program at {tray_program()}")
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    main(setup=Session)
