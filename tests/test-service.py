#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The `leakwatch` service on a private session bus.

It publishes its actions and io.github.leakwatch.Monitor1 at
/io/github/leakwatch/Leakwatch; `status` and `Report` follow the checks;
CheckNow and the check-now action start one; a second `leakwatch` hands
over to the first instead of starting a twin; quit ends it.

Runs in a network namespace of its own with a real coturn and HTTPS echo
(lib/lwnet.py). Needs dbus-python and GLib's introspection (python3-dbus,
python3-gi, which python3-dbusmock brings).
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))

import lwnet  # noqa: E402
import stubbrowser  # noqa: E402
from nmmock import connect_bus, dbusmock_python  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

APP_ID = "io.github.leakwatch.Leakwatch"
PATH = "/io/github/leakwatch/Leakwatch"
MONITOR = "io.github.leakwatch.Monitor1"


class Service:
    """A private session bus, and leakwatch's service on it."""

    def __init__(self):
        self.net = lwnet.Net()
        self.bus_proc = None
        self.notifier = None
        self.service = None

    def __enter__(self):
        import dbus
        import dbus.mainloop.glib

        self.net.__enter__()
        socket_path = os.path.join(self.net.tmp, "session_bus")
        self.address = f"unix:path={socket_path}"
        self.bus_proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address", self.address],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lwnet._die_with_parent)
        lwnet._wait_for(lambda: os.path.exists(socket_path), "the private session bus")
        dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
        self.bus = connect_bus(self.address)
        self.env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address,
                        DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent",
                        GNOTIFICATION_BACKEND="freedesktop",
                        XDG_DATA_HOME=tempfile.mkdtemp(prefix="lw-data-"),
                        XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="lw-config-"))
        # No display: no tray here (tests/test-tray.py has one).
        for name in ("DISPLAY", "WAYLAND_DISPLAY"):
            self.env.pop(name, None)
        # A notification daemon that records what it is asked to show.
        self.notifier = subprocess.Popen(
            [dbusmock_python(), "-m", "dbusmock", "--session", "-t", "notification_daemon"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lwnet._die_with_parent)
        lwnet._wait_for(lambda: self.bus.name_has_owner("org.freedesktop.Notifications"),
                        "the notification daemon")
        # A Firefox profile where Firefox 147 and later keep them, for the
        # browser audit to read and watch.
        self.firefox_profile = os.path.join(self.env["XDG_CONFIG_HOME"], "mozilla", "firefox", "lab.default")
        os.makedirs(self.firefox_profile)
        with open(os.path.join(os.path.dirname(self.firefox_profile), "profiles.ini"), "w") as f:
            f.write("[Profile0]\nName=lab\nIsRelative=1\nPath=lab.default\nDefault=1\n")
        with open(os.path.join(self.firefox_profile, "prefs.js"), "w") as f:
            f.write('user_pref("browser.startup.page", 3);\n')
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        if self.notifier is not None:
            self.notifier.terminate()
            self.notifier.wait()
        if self.bus_proc is not None:
            self.bus_proc.terminate()
            self.bus_proc.wait()
        self.net.__exit__(*exc)

    def args(self):
        return ["--stun", self.net.stun(4), "--stun", self.net.stun(6),
                "--ip-url", self.net.echo_url("/", 4), "--ip-url", self.net.echo_url("/json", 6),
                "--ca-file", self.net.ca, "--timeout", "2", "--interval", "3600"]

    def start(self):
        self.log = open(os.path.join(self.net.tmp, "service.log"), "w")
        self.service = subprocess.Popen([lwnet.leakwatch()] + self.args(), env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        preexec_fn=lwnet._die_with_parent)
        lwnet._wait_for(lambda: self.bus.name_has_owner(APP_ID), "the service on the bus")

    def stop(self):
        if self.service is not None and self.service.poll() is None:
            self.service.terminate()
            self.service.wait(timeout=10)

    def obj(self):
        return self.bus.get_object(APP_ID, PATH)

    def status(self):
        enabled, _, state = self.obj().Describe("status", dbus_interface="org.gtk.Actions")
        return str(state[0])

    def report(self):
        text = str(self.obj().Get(MONITOR, "Report", dbus_interface="org.freedesktop.DBus.Properties"))
        return json.loads(text) if text else None

    def status_property(self):
        return str(self.obj().Get(MONITOR, "Status", dbus_interface="org.freedesktop.DBus.Properties"))

    def changes(self, limit=0):
        """GetChanges, as (old, new) pairs."""
        import dbus
        text = self.obj().GetChanges(dbus.UInt32(limit), dbus_interface=MONITOR)
        return [(c["old"], c["new"]) for c in json.loads(str(text))]

    def wait(self, predicate, what, seconds=10):
        """Runs the GLib main loop until PREDICATE holds, so signals arrive."""
        from gi.repository import GLib
        context = GLib.MainContext.default()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            while context.pending():
                context.iteration(False)
            if predicate():
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")


def owner_pid(svc):
    daemon = svc.bus.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus")
    return int(daemon.GetConnectionUnixProcessID(APP_ID, dbus_interface="org.freedesktop.DBus"))


def first_report(svc):
    svc.wait(lambda: svc.report() is not None, "the first report")
    return svc.report()


@test
def publishes_status_and_report(svc):
    report = first_report(svc)
    svc.wait(lambda: svc.status() != "checking", "the first check to end")
    # No VPN in this network, every probe answered: unprotected, on both.
    expect(report["status"] == "unprotected", "Report", report)
    expect(svc.status() == "unprotected", f"status action {svc.status()}")
    expect(svc.status_property() == report["status"], f"Status property {svc.status_property()}")
    actions = svc.obj().List(dbus_interface="org.gtk.Actions")
    expect(sorted(actions) == ["check-now", "quit", "show-report", "start-at-login", "status",
                               "test-browser"], f"actions {actions}")


@test
def check_now_changes_status_and_report(svc):
    before = first_report(svc)
    seen = {"statuses": [], "reports": []}

    def on_actions_changed(removals, enables, changes, added):
        for name, value in changes.items():
            if name == "status":
                seen["statuses"].append(str(value))

    def on_properties(interface, changed, invalidated):
        if interface == MONITOR and "Report" in changed:
            seen["reports"].append(json.loads(str(changed["Report"])))
            # Status comes with the Report it belongs to, in one signal.
            seen.setdefault("pairs", []).append((str(changed.get("Status")),
                                                 seen["reports"][-1]["status"]))

    svc.bus.add_signal_receiver(on_actions_changed, "Changed", "org.gtk.Actions", APP_ID, PATH)
    svc.bus.add_signal_receiver(on_properties, "PropertiesChanged", "org.freedesktop.DBus.Properties",
                                APP_ID, PATH)

    # Silence the STUN server: the next check cannot complete.
    svc.net.stop_stun()
    svc.obj().CheckNow(dbus_interface=MONITOR)
    svc.wait(lambda: seen["reports"], "PropertiesChanged for Report")
    svc.wait(lambda: svc.status() == "unknown", "status unknown")
    # The signals may still be on their way: wait for them, not for time.
    svc.wait(lambda: seen["statuses"][-1:] == ["unknown"], "the Changed signal for unknown")
    after = svc.report()
    expect(after["status"] == "unknown" and after["time"] >= before["time"], "new Report", after)
    expect(seen["reports"][-1]["status"] == "unknown", "the signal carries the report")
    expect(seen["statuses"][:1] == ["checking"] and seen["statuses"][-1] == "unknown",
           f"status went through checking: {seen['statuses']}")

    # Bring it back with the check-now action: unprotected again.
    svc.net.start_stun()
    svc.obj().Activate("check-now", [], {}, dbus_interface="org.gtk.Actions")
    svc.wait(lambda: svc.status() == "unprotected", "status unprotected again")
    expect(svc.report()["status"] == "unprotected", "Report follows")
    svc.wait(lambda: seen["pairs"][-1:] == [("unprotected", "unprotected")],
             "PropertiesChanged for the last report")
    expect(all(status == report for status, report in seen["pairs"]) and
           [p[0] for p in seen["pairs"]][:1] == ["unknown"],
           f"Status changed with each Report, to its status: {seen['pairs']}")
    expect(svc.status_property() == "unprotected", f"Status {svc.status_property()}")


@test
def a_changed_browser_setting_gives_a_new_verdict_without_a_check(svc):
    def lab_profile(report):
        return next((b for b in report["browsers"] if b["profile"] == "lab"), None)

    first_report(svc)
    svc.wait(lambda: svc.status() != "checking", "the check to end")
    before = svc.report()
    expect(lab_profile(before) is not None and lab_profile(before)["setting"] == "default",
           f"the audit found the profile with its defaults: {before['browsers']}")

    with open(os.path.join(svc.firefox_profile, "user.js"), "w") as f:
        f.write('user_pref("media.peerconnection.enabled", false);\n')
    svc.wait(lambda: lab_profile(svc.report())["setting"] == "media.peerconnection.enabled=false",
             "a report with the new setting")
    after = svc.report()
    expect(lab_profile(after)["ordinary_mode"] == "disabled", f"WebRTC off: {lab_profile(after)}")
    # The same check's evidence, analysed again: no network asked.
    expect(after["time"] == before["time"] and after["candidates"] == before["candidates"] and
           after["stun"] == before["stun"], "the new verdict is on the same evidence")
    os.unlink(os.path.join(svc.firefox_profile, "user.js"))
    svc.wait(lambda: lab_profile(svc.report())["setting"] == "default", "the setting back")




@test
def test_browser_opens_the_page_in_the_named_browser_and_prints_what_it_showed(svc):
    # A browser of the test's own, by its desktop entry: it records the
    # address it was given, reads the page, and posts what a page on this
    # network (no VPN) would get.
    first_report(svc)
    svc.wait(lambda: svc.status() != "checking", "the check to end")
    seen = next(p["address"] for p in svc.report()["public_addresses"] if p["result"] == "answered")
    record = stubbrowser.install(svc.env["XDG_DATA_HOME"], svc.net.tmp, "lw-stub-browser.desktop",
                                 address=seen)

    proc = subprocess.run([lwnet.leakwatch(), "--test-browser", "lw-stub-browser.desktop"], env=svc.env,
                          capture_output=True, text=True, timeout=120)
    expect(proc.returncode == 0, f"exit {proc.returncode}: {proc.stdout} {proc.stderr}")
    with open(record) as f:
        url = f.read()
    expect(url.startswith("http://127.0.0.1:") and url in proc.stdout,
           f"the named browser got the page's address: {url!r} {proc.stdout!r}")
    expect(f"confirmed: pages see {seen}; with no VPN, every site sees your address anyway" in proc.stdout,
           f"what the page showed, judged: {proc.stdout!r}")
    confirmation = svc.report()["confirmations"][-1]
    expect(confirmation["desktop_id"] == "lw-stub-browser.desktop" and confirmation["user_agent"] == "stub",
           f"the report keeps it: {confirmation}")
    expect(any("typ srflx" in line and seen in line for line in confirmation["candidates"]),
           f"with the candidates the page got: {confirmation['candidates']}")

    # A result of the same kind again is refused: one page, one answer.
    import urllib.error
    import urllib.request
    again = urllib.request.Request(url + "result", data=b'{"kind": "ordinary"}',
                                   headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(again)
        expect(False, "a second result was taken")
    except urllib.error.HTTPError as e:
        expect(e.code == 409, f"a second result: {e.code}")

    # The history keeps it: a restarted service still says what the page
    # showed, before and after its first check.
    svc.stop()
    svc.start()
    first_report(svc)
    kept = svc.report()["confirmations"]
    expect([c["summary"] for c in kept] == [confirmation["summary"]] and
           kept[0]["time"] == confirmation["time"], f"the test, after a restart: {kept}")


@test
def a_client_cannot_set_the_status(svc):
    import dbus
    first_report(svc)
    svc.wait(lambda: svc.status() == "unprotected", "the first verdict")
    svc.obj().SetState("status", dbus.String("protected", variant_level=1), {},
                       dbus_interface="org.gtk.Actions")
    time.sleep(0.3)
    expect(svc.status() == "unprotected", f"status stays the service's: {svc.status()}")


@test
def second_instance_hands_over(svc):
    pid = owner_pid(svc)
    started = time.monotonic()
    second = subprocess.run([lwnet.leakwatch()] + svc.args(), env=svc.env, capture_output=True,
                            text=True, timeout=30)
    took = time.monotonic() - started
    expect(second.returncode == 0, f"second instance exit {second.returncode}: {second.stderr}")
    expect(took < 10, f"the second instance returned in {took:.1f} s instead of running on")
    expect(pid == svc.service.pid and owner_pid(svc) == pid and svc.service.poll() is None,
           "the first one still owns the name")


@test
def history_is_recorded_by_the_service(svc):
    want = [(None, "unprotected"), ("unprotected", "unknown"), ("unknown", "unprotected")]

    def changes():
        out = subprocess.run([lwnet.leakwatch(), "--history", "--json"], env=svc.env,
                             capture_output=True, text=True, check=True).stdout
        return [(c["old"], c["new"]) for c in json.loads(out)]

    # A report is written on the service's worker a moment after it is
    # published; give it that moment, then it must be there, in order.
    deadline = time.monotonic() + 5
    while changes()[:3] != want and time.monotonic() < deadline:
        time.sleep(0.1)
    expect(changes()[:3] == want, f"changes {changes()}")
    # The service gives the same, on the bus; a limit keeps the latest.
    expect(svc.changes() == changes(), f"GetChanges {svc.changes()}, --history {changes()}")
    expect(svc.changes(2) == changes()[-2:], f"GetChanges(2) {svc.changes(2)}")


@test
def history_changed_says_when_a_new_change_can_be_read(svc):
    import dbus
    first_report(svc)
    svc.wait(lambda: svc.status() == "unprotected", "the verdict before")
    before = svc.changes()
    seen = []

    def on_history_changed():
        # Asked at once, on the signal: no waiting, no second try.
        seen.append(svc.changes())

    match = svc.bus.add_signal_receiver(on_history_changed, "HistoryChanged", MONITOR, APP_ID, PATH)
    try:
        svc.net.stop_stun()
        try:
            svc.obj().CheckNow(dbus_interface=MONITOR)
            svc.wait(lambda: seen, "HistoryChanged after the check", seconds=20)
        finally:
            svc.net.start_stun()
        expect(seen[0] == before + [("unprotected", "unknown")],
               f"the new change is there when the signal comes: {seen[0]}, before {before}")
        expect(svc.status_property() == "unknown" and svc.report()["status"] == "unknown",
               f"Status {svc.status_property()} with the Report")
    finally:
        match.remove()
    svc.obj().CheckNow(dbus_interface=MONITOR)
    svc.wait(lambda: svc.status() == "unprotected", "unprotected again")
    svc.wait(lambda: svc.changes()[-1] == ("unknown", "unprotected"), "the change back recorded")
    expect(isinstance(svc.obj().GetChanges(dbus.UInt32(1), dbus_interface=MONITOR), dbus.String),
           "GetChanges returns a string")


@test
def the_history_says_when_as_the_window_does(svc):
    out = subprocess.run([lwnet.leakwatch(), "--history"], env=svc.env, capture_output=True,
                         text=True, check=True).stdout
    rows = out.splitlines()
    # Today's changes by their time alone ("13:05"), as the window and the
    # tray say it; "Yesterday at 23:59" only if midnight passed meanwhile.
    clock = r"(Yesterday at )?[0-2][0-9]:[0-5][0-9]"
    expect(len(rows) >= 3 and re.match(clock + r" +- +→ Not protected ", rows[0]) and
           re.match(clock + r" +Not protected +→ Could not check ", rows[1]), f"--history:\n{out}")


@test
def a_failed_check_replaces_the_verdict_everywhere(svc):
    first_report(svc)
    svc.wait(lambda: svc.status() == "unprotected", "the verdict before")
    reports = []

    def on_properties(interface, changed, invalidated):
        if interface == MONITOR and "Report" in changed:
            reports.append(json.loads(str(changed["Report"])))

    match = svc.bus.add_signal_receiver(on_properties, "PropertiesChanged",
                                        "org.freedesktop.DBus.Properties", APP_ID, PATH)
    # The CA file the service was started with goes: the check cannot run.
    away = svc.net.ca + ".away"
    os.rename(svc.net.ca, away)
    try:
        svc.obj().CheckNow(dbus_interface=MONITOR)
        svc.wait(lambda: reports, "PropertiesChanged for the failed check's Report")
        failed = reports[-1]
        ids = [f["id"] for f in failed["findings"]]
        expect(failed["status"] == "unknown" and ids == ["check-failed"], "the failure's report", failed)
        expect(failed["headline"] == "Could not check: The check could not run: Cannot use the CA file "
               f"“{svc.net.ca}”: No such file or directory", f"why, in words: {failed['headline']!r}")
        svc.wait(lambda: svc.status() == "unknown", "status unknown")
        expect(svc.report() == failed, "the property is the failure's report, not the old one")
    finally:
        os.rename(away, svc.net.ca)
        match.remove()
    svc.obj().CheckNow(dbus_interface=MONITOR)
    svc.wait(lambda: svc.status() == "unprotected", "unprotected again once the file is back")
    out = subprocess.run([lwnet.leakwatch(), "--history", "--json"], env=svc.env,
                         capture_output=True, text=True, check=True).stdout
    changes = [(c["old"], c["new"], c["headline"]) for c in json.loads(out)]
    expect(changes[-2][:2] == ("unprotected", "unknown") and "could not run" in changes[-2][2] and
           changes[-1][:2] == ("unknown", "unprotected"), f"the history keeps it: {changes}")


@test
def dbus_activation_starts_the_service(svc):
    # A bus that knows the service file (as installed, pointing at the
    # binary under test) starts leakwatch when its name is called.
    import dbus
    services = os.path.join(svc.net.tmp, "services")
    os.makedirs(services)
    template = os.path.join(os.path.dirname(HERE), "data", "io.github.leakwatch.Leakwatch.service.in")
    with open(template) as f, open(os.path.join(services, APP_ID + ".service"), "w") as out:
        out.write(f.read().replace("@leakwatch@", lwnet.leakwatch()))
    socket_path = os.path.join(svc.net.tmp, "activation_bus")
    config = os.path.join(svc.net.tmp, "activation.conf")
    with open(config, "w") as f:
        f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket_path}</listen>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""")
    env = dict(svc.env, XDG_DATA_HOME=tempfile.mkdtemp(prefix="lw-data-"))
    daemon = subprocess.Popen(["dbus-daemon", "--config-file", config, "--nofork", "--nopidfile"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=lwnet._die_with_parent)
    try:
        lwnet._wait_for(lambda: os.path.exists(socket_path), "the activation bus")
        bus = connect_bus(f"unix:path={socket_path}")
        expect(not bus.name_has_owner(APP_ID), "not running before the call")
        bus.get_object(APP_ID, PATH).CheckNow(dbus_interface=MONITOR)
        expect(bus.name_has_owner(APP_ID), "running after the call")
        obj = bus.get_object(APP_ID, PATH)
        lwnet._wait_for(lambda: str(obj.Get(MONITOR, "Report",
                                            dbus_interface="org.freedesktop.DBus.Properties")) != "",
                        "a report from the activated service", seconds=20)
        obj.Activate("quit", [], {}, dbus_interface="org.gtk.Actions")
        lwnet._wait_for(lambda: not bus.name_has_owner(APP_ID), "the activated service to quit")
    finally:
        daemon.terminate()
        daemon.wait()


@test
def start_at_login_writes_the_autostart_entry(svc):
    import dbus
    entry = os.path.join(svc.env["XDG_CONFIG_HOME"], "autostart", APP_ID + ".desktop")

    def state():
        return bool(svc.obj().Describe("start-at-login", dbus_interface="org.gtk.Actions")[2][0])

    expect(not state() and not os.path.exists(entry), "off at first, and no entry")
    svc.obj().SetState("start-at-login", dbus.Boolean(True, variant_level=1), {},
                       dbus_interface="org.gtk.Actions")
    svc.wait(lambda: state(), "the state to turn on")
    expect(os.path.exists(entry), f"{entry} written")
    with open(entry) as f:
        text = f.read()
    lines = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    expect(lines.get("Exec", "").endswith(" --gapplication-service") and
           lwnet.leakwatch() in lines.get("Exec", ""), f"starts this leakwatch as a service: {lines.get('Exec')}")
    expect(lines.get("X-GNOME-Autostart-enabled") == "true" and "Hidden" not in lines,
           f"enabled for the session: {text}")
    check = subprocess.run(["desktop-file-validate", entry], capture_output=True, text=True)
    expect(check.returncode == 0 and not check.stdout.strip(),
           f"a valid desktop entry: {check.stdout}{check.stderr}\n{text}")
    svc.obj().SetState("start-at-login", dbus.Boolean(False, variant_level=1), {},
                       dbus_interface="org.gtk.Actions")
    svc.wait(lambda: not state(), "the state to turn off")
    expect(not os.path.exists(entry), "the entry is removed")


def notifications(svc, method="Notify"):
    """The calls of METHOD the notification daemon received."""
    mock = svc.bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
    return [args for _, args in mock.GetMethodCalls(method, dbus_interface="org.freedesktop.DBus.Mock")]


def history_rows(svc):
    path = os.path.join(svc.env["XDG_DATA_HOME"], "leakwatch", "history.db")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM checks").fetchone()[0]


@test
def a_full_disk_is_told_and_every_check_is_saved_once_space_returns(svc):
    # A file size limit of 0 on the running service: every write of the
    # history fails as on a full disk.
    first_report(svc)
    svc.wait(lambda: svc.status() != "checking", "the check to end")
    svc.wait(lambda: history_rows(svc) >= 1, "the first check in the history")
    before = history_rows(svc)
    reports = []

    def on_properties(interface, changed, invalidated):
        if interface == MONITOR and "Report" in changed:
            reports.append(json.loads(str(changed["Report"])))

    svc.bus.add_signal_receiver(on_properties, "PropertiesChanged", "org.freedesktop.DBus.Properties",
                                APP_ID, PATH)
    pid = owner_pid(svc)
    subprocess.run(["prlimit", f"--pid={pid}", "--fsize=0:"], check=True)
    try:
        svc.obj().CheckNow(dbus_interface=MONITOR)

        def noted():
            notes = [f for f in (svc.report() or {}).get("findings", []) if f["id"] == "history-unsaved"]
            return notes[0] if notes else None
        svc.wait(noted, "a report that says the history cannot be saved", seconds=20)
        note = noted()
        expect(note["summary"] == "Leakwatch cannot save its history: the disk is full",
               "the note in the user's words", note)
        expect(note["level"] == "note" and svc.report()["status"] == "unprotected",
               "a note: the verdict is what the network says", svc.report())
        svc.wait(lambda: [n for n in notifications(svc) if n[3] == "Leakwatch cannot save its history"],
                 "the notification")
        told = [n for n in notifications(svc) if n[3] == "Leakwatch cannot save its history"]
        expect(len(told) == 1 and str(told[0][4]).startswith("The disk is full."),
               f"one notification that says why: {told}")
        expect(history_rows(svc) == before, "nothing could be written meanwhile")
    finally:
        subprocess.run(["prlimit", f"--pid={pid}", "--fsize=unlimited:"], check=True)

    # Space is back: the next check is saved with every one that waited,
    # the note goes, and so does the notification.
    svc.obj().CheckNow(dbus_interface=MONITOR)
    svc.wait(lambda: svc.report() and not any(f["id"] == "history-unsaved"
                                              for f in svc.report()["findings"]),
             "a report without the note", seconds=20)
    svc.wait(lambda: svc.status() != "checking", "the check to end")
    svc.wait(lambda: history_rows(svc) == before + len(reports),
             f"{len(reports)} more checks in the history", seconds=20)
    expect(len(reports) >= 3, f"checks while the disk was full, and after: {len(reports)}")
    expect(notifications(svc, "CloseNotification"), "the notification is withdrawn")


@test
def a_damaged_history_is_read_without_moving_the_file_the_service_holds(svc):
    # What the window's History page asks, while the file under the running
    # service is damaged: the service answers from the file it holds, or
    # says why it cannot; nothing moves that file aside behind its back.
    import dbus
    folder = os.path.join(svc.env["XDG_DATA_HOME"], "leakwatch")
    path = os.path.join(folder, "history.db")
    before = (sorted(os.listdir(folder)), os.stat(path).st_ino)
    with open(path, "r+b") as f:
        f.seek(0)
        f.write(b"\xff" * 4096)
    try:
        answer = json.loads(str(svc.obj().GetChanges(dbus.UInt32(0), dbus_interface=MONITOR)))
        expect(isinstance(answer, list), f"a list of changes: {answer}")
    except dbus.exceptions.DBusException as error:
        expect(str(error.get_dbus_message()).strip() != "", f"an error that says why: {error}")
    pid = owner_pid(svc)
    held = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    expect((sorted(os.listdir(folder)), os.stat(path).st_ino) == before,
           f"the history's folder as it was: {before} → {sorted(os.listdir(folder))}")
    expect(path in held, f"the service still holds {path}: {held}")

    # `leakwatch --history` asks the running service too. Opening the file
    # itself, it would find this one unreadable through and through, and
    # move it aside under the service (history.db.corrupt-…).
    garbage = path + ".garbage"
    with open(garbage, "wb") as f:
        f.write(b"\xff" * 8192)
    os.replace(garbage, path)
    listed = sorted(os.listdir(folder))
    out = subprocess.run([lwnet.leakwatch(), "--history", "--json"], env=svc.env,
                         capture_output=True, text=True)
    expect((out.returncode == 0 and isinstance(json.loads(out.stdout), list)) or
           (out.returncode == 74 and "cannot read the history" in out.stderr),
           f"--history lists the changes or says why: {out.returncode} {out.stdout!r} {out.stderr!r}")
    expect(sorted(os.listdir(folder)) == listed,
           f"--history moved nothing: {listed} → {sorted(os.listdir(folder))}")


@test
def quit_action_ends_the_service(svc):
    svc.obj().Activate("quit", [], {}, dbus_interface="org.gtk.Actions")
    svc.service.wait(timeout=10)
    expect(svc.service.returncode == 0, f"exit {svc.service.returncode}")
    svc.wait(lambda: not svc.bus.name_has_owner(APP_ID), "the name to go away")


if __name__ == "__main__":
    python = dbusmock_python()
    try:
        import dbus  # noqa: F401
        from gi.repository import GLib  # noqa: F401
    except ImportError:
        if python and os.path.realpath(python) != os.path.realpath(sys.executable):
            os.execv(python, [python] + sys.argv)
        skip_all("needs python3-dbus and python3-gi")
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    main(setup=Service)
