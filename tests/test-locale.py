#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Leakwatch in German, as a German user meets it: `leakwatch --help` and
a usage error, the tray's menu, a notification and the report window.

The programs of an uninstalled build look for their translations where
`meson install` puts them (LOCALEDIR); tests/preload, LD_PRELOADed, binds
their text domain to the build tree's po/ instead (LW_TEST_LOCALEDIR). The
locale is de_DE.UTF-8: the system's when it has one, else compiled here
with localedef from the definitions of Debian's `locales` package (glibc
ignores LANGUAGE under the C locale, and dates need German month names).

The service runs as in test-tray.py and test-report.py (lib/lwdesktop.py:
Xvfb, a private session bus, python-dbusmock's notification daemon and a
panel's StatusNotifierWatcher; lib/lwnet.py: a network namespace with a
real coturn and HTTPS echo), in German, and starts the tray; its history
file is damaged before it starts, so it starts a new one and says so in a
notification. The window is read through the window dump (tests/preload).
The verdict is "unprotected": there is no VPN here.

The status's name is the glossary's (docs/GLOSSARY.md), one German word
everywhere: the tray's first menu line and its accessible description, the
window's title, and the headline of the panel's tooltip.
"""

import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))

import lwdesktop  # noqa: E402
import lwnet  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

APP_ID = "io.github.leakwatch.Leakwatch"
REPORT_ID = APP_ID + ".Report"
REPORT_PATH = "/io/github/leakwatch/Leakwatch/Report"
ACTIONS = "org.gtk.Actions"
LANGUAGE = "de"
LOCALE = "de_DE.UTF-8"
LOCALE_SOURCE = "/usr/share/i18n/locales/de_DE"

# What the German catalogue says for this network's verdict ("unprotected"):
# the status's name, the sentence that says what it means, and the headline
# that puts the two in one line (the panel's tooltip, never the window).
STATUS = "Nicht geschützt"
SENTENCE = "Websites sehen Ihre echte Adresse"
HEADLINE = f"{STATUS}: {SENTENCE}"
LAST_CHECKED = re.compile(r"^Zuletzt geprüft (gestern )?um \d\d:\d\d$")


def catalogue():
    return os.path.join(os.environ.get("LW_TEST_LOCALEDIR", ""), LANGUAGE, "LC_MESSAGES",
                        "leakwatch.mo")


def system_has_locale():
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    return any(name.lower().replace("-", "") == LOCALE.lower().replace("-", "") for name in out)


def locale_missing():
    """None when de_DE.UTF-8 exists or can be made here, else why not."""
    if system_has_locale():
        return None
    if shutil.which("localedef") is None:
        return "no de_DE.UTF-8 locale, and no localedef to make one"
    if not os.path.exists(LOCALE_SOURCE):
        return f"no de_DE.UTF-8 locale, and no {LOCALE_SOURCE} to make one (package locales)"
    return None


def german_env(folder):
    """The environment that has the programs under test speak German: the
    locale (compiled into FOLDER if the system has none) and the build
    tree's translations."""
    env = {"LC_ALL": LOCALE, "LANGUAGE": LANGUAGE}
    if not system_has_locale():
        target = os.path.join(folder, LOCALE)
        made = subprocess.run(["localedef", "-c", "-i", "de_DE", "-f", "UTF-8", target],
                              capture_output=True, text=True)
        expect(os.path.isfile(os.path.join(target, "LC_CTYPE")),
               f"localedef made no {LOCALE}: {made.stdout}{made.stderr}")
        env["LOCPATH"] = folder
    return env


class Dump:
    """What the window shows, as tests/preload/lw-window-dump.c writes it:
    fields, "--", then the text of its widgets, one per line."""

    def __init__(self, text):
        self.text = text
        head, _, body = text.partition("--\n")
        self.fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        self.lines = [line for line in body.splitlines() if not line.startswith("tab-stop: ")]

    def __str__(self):
        return self.text


class Session(lwdesktop.ServiceSession):
    """lwnet's network, a headless desktop, and the service in it, in German."""

    TIMEOUT = "3"
    SETTLE_SECONDS = 30

    def prepare(self):
        self.dump_path = os.path.join(self.d.tmp, "window-dump.txt")
        self.hooks = lwdesktop.window_hooks(self.dump_path,
                                            os.path.join(self.d.tmp, "window.png"))
        locales = os.path.join(self.d.tmp, "locales")
        os.makedirs(locales)
        self.german = german_env(locales)
        # A history no SQLite can read: the service moves it aside, starts
        # a new one and tells the user in a notification.
        folder = os.path.join(self.d.env["XDG_DATA_HOME"], "leakwatch")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "history.db"), "wb") as f:
            f.write(b"\xff" * 8192)

    def service_env(self):
        """The tray and the window inherit the service's environment: the
        language, and the preloaded library (which also dumps the window)."""
        return dict(self.hooks, **self.german)

    def run_cli(self, *args):
        return subprocess.run([lwnet.leakwatch()] + list(args), capture_output=True, text=True,
                              env=dict(self.d.env, **self.service_env()), timeout=60)

    def dump(self):
        try:
            with open(self.dump_path, encoding="utf-8") as f:
                return Dump(f.read())
        except FileNotFoundError:
            return None


@test
def the_german_catalogue_is_built(s):
    expect(os.path.isfile(catalogue()),
           f"no {catalogue()}: is {LANGUAGE} in po/LINGUAS, and the build done?")


@test
def help_and_usage_errors_are_german(s):
    out = s.run_cli("--help")
    expect(out.returncode == 0, f"--help: exit {out.returncode}: {out.stderr}")
    for text in ("Nach WebRTC-IP-Lecks am VPN vorbei suchen.",
                 "Einmal prüfen, das Ergebnis ausgeben und beenden",
                 "--ca-file=DATEI", "--timeout=SEKUNDEN",
                 "Exit-Status von --check: 0 Geschützt, 1 Leck, 2 Warnung,",
                 "3 Nicht geschützt, 4 Prüfung nicht möglich, 64 Aufruffehler."):
        expect(text in out.stdout, f"{text!r} in:\n{out.stdout}")
    for text in ("Check once", "Exit status", "unprotected"):
        expect(text not in out.stdout, f"no English left ({text!r}):\n{out.stdout}")
    wide = [line for line in out.stdout.splitlines() if len(line) > 80]
    expect(not wide, f"lines over 80 columns: {wide}")

    out = s.run_cli("--check", "--watch")
    expect(out.returncode == 64 and out.stderr.startswith(
        "leakwatch: --check, --watch, --history, --browsers und --test-browser können nicht "
        "zusammen verwendet werden; siehe leakwatch --help"),
        f"a usage error in German: exit {out.returncode}: {out.stderr!r}")


@test
def the_tray_menu_is_german(s):
    report = s.settled_report()
    expect(report["status"] == "unprotected", "no VPN here: unprotected", report)
    item = s.d.wait_item(seconds=20)

    def labels():
        return [e["label"] for e in s.d.menu_entries(item) if e["visible"]]
    # The first line is only the status's name; the whole headline is the
    # panel's title.
    s.d.wait(lambda: labels()[:1] == [STATUS] and LAST_CHECKED.match(labels()[1]),
             f"the status and the time of the check in German (the menu: {labels()})")
    for label in ("Jetzt prüfen", "Bericht öffnen", "In meinem Browser testen",
                  "Bei der Anmeldung starten", "Überwachung beenden"):
        expect(label in labels(), f"{label!r} in the menu {labels()}")
    english = [label for label in ("Check Now", "Open Report", "Test in My Browser",
                                   "Start at Login", "Stop Watching", "Quit", "Beenden")
               if label in labels()]
    expect(not english, f"no English, and no bare Quit: {english} in {labels()}")
    props = s.d.item_properties(item)
    expect(props["Title"] == HEADLINE and props["IconAccessibleDesc"] == f"Leakwatch: {STATUS}",
           f"the panel's title and description: {props}")


@test
def a_notification_is_german(s):
    def told():
        return [n for n in s.d.notifications() if n[0] == "Leakwatch hat einen neuen Verlauf begonnen"]
    s.d.wait(told, f"the notification of a new history (sent: {s.d.notifications()})", seconds=20)
    summary, body, _, _ = told()[0]
    expect(re.fullmatch(r"Die Verlaufsdatei konnte nicht gelesen werden, daher hat Leakwatch eine "
                        r"neue begonnen\. Die alte Datei wurde als \S+ aufbewahrt\.", body),
           f"its body in German: {body!r}")


@test
def the_report_window_is_german(s):
    s.settled_report()
    s.obj().Activate("show-report", [], {}, dbus_interface=ACTIONS)
    # The banner: the status's name as the title, the sentence under it.
    wanted = (STATUS, SENTENCE, "Befunde",
              "Kein VPN verbunden: Jede Website sieht ohnehin Ihre echte Adresse",
              "Jetzt prüfen", "Bericht", "Browser", "Nachweise", "Verlauf")
    try:
        s.d.wait(lambda: s.dump() is not None and all(line in s.dump().lines for line in wanted),
                 "the report in German", seconds=30)
    except AssertionError as error:
        raise AssertionError(f"{error}; the window shows:\n{s.dump()}\n"
                             f"log:\n{s.d.read_log(s.log)[-3000:]}") from None
    dump = s.dump()
    expect(HEADLINE not in dump.lines, f"the name and the sentence never in one line:\n{dump}")
    expect(any(LAST_CHECKED.match(line) for line in dump.lines), f"when, in German:\n{dump}")
    # The month's name comes from the locale (LC_TIME), not the catalogue.
    expect(any(re.fullmatch(r"tooltip: Geprüft am \d+\. (Januar|Februar|März|April|Mai|Juni|Juli|"
                            r"August|September|Oktober|November|Dezember) \d{4} um \d\d:\d\d:\d\d",
                            line) for line in dump.text.splitlines()),
           f"the date of the check in German:\n{dump}")
    english = [line for line in ("Not protected", "Sites see your real address", "Findings",
                                 "Evidence", "History", "Check Now")
               if line in dump.lines]
    expect(not english, f"English left in the window: {english}\n{dump}")
    s.d.bus.get_object(REPORT_ID, REPORT_PATH).Activate("quit", [], {}, dbus_interface=ACTIONS)
    s.d.wait(lambda: not s.d.bus.name_has_owner(REPORT_ID), "the window to close")
    expect(not s.sanitizer_reports(), "\n".join(s.sanitizer_reports()))


if __name__ == "__main__":
    lwdesktop.require()
    reason = locale_missing()
    if reason:
        skip_all(reason)
    for program in ("LEAKWATCH_TRAY", "LEAKWATCH_REPORT"):
        if not os.access(os.environ.get(program, ""), os.X_OK):
            skip_all(f"no program at {program}={os.environ.get(program)!r}")
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    main(setup=Session)
