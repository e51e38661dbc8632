#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""leakwatch-report, the report window, as a user sees it.

The service runs in a headless desktop of our own (lib/lwdesktop.py: Xvfb,
a private session bus, a notification daemon and a panel's
StatusNotifierWatcher) and opens the window through its show-report action.
What it shows is read from outside the product: a library the tests
LD_PRELOAD (tests/preload, lwdesktop.window_hooks()) writes the text of its
widget tree whenever it changes, and a PNG of it. Pages are switched and
the window closed through the actions GtkApplication exports on the bus.

The tests compare the window with the service's Report: the verdict, the
headline, every finding, the public addresses and candidates, the history
of changes. They cover the window's life too: one window only, checking
and the new report, quitting, and starting the service when it is not
running (by D-Bus activation, by hand, or saying why it cannot). A fake
service shows what the test network cannot produce: a leak, and a report
that cannot be read.

Runs in a network namespace of its own with a real coturn and HTTPS echo
(lib/lwnet.py). Every check asks one extra address service that answers
too late, so a check lasts the whole --timeout (2 s) and "checking" can be
seen; the verdict is still "unprotected" (no VPN here). Screenshots are
kept in the build directory (or $LW_ARTIFACTS) as report-*.png.
"""

import ctypes
import datetime
import json
import os
import re
import shutil
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))

import lwdesktop  # noqa: E402
import lwnet  # noqa: E402
import stubbrowser  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

APP_ID = "io.github.leakwatch.Leakwatch"
PATH = "/io/github/leakwatch/Leakwatch"
MONITOR = "io.github.leakwatch.Monitor1"
ACTIONS = "org.gtk.Actions"
REPORT_ID = APP_ID + ".Report"
REPORT_PATH = "/io/github/leakwatch/Leakwatch/Report"


def name_and_sentence(headline):
    """How the window shows a headline: the status's name as the title,
    and what it means as one sentence under it."""
    name, _, phrase = headline.partition(": ")
    return name, phrase[:1].upper() + phrase[1:]


def shows_verdict(dump, report):
    name, sentence = name_and_sentence(report["headline"])
    return name in dump and sentence in dump


def report_program():
    default = os.path.join(os.path.dirname(lwnet.leakwatch()), "..", "report", "leakwatch-report")
    return os.path.realpath(os.environ.get("LEAKWATCH_REPORT", default))


def artifacts_dir():
    return os.environ.get("LW_ARTIFACTS") or os.environ.get("MESON_BUILD_ROOT") or os.getcwd()


def exe_of(pid):
    try:
        return os.path.realpath(f"/proc/{pid}/exe")
    except OSError:
        return None


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def window_pids():
    """The running leakwatch-report processes (of the program under test)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and exe_of(entry) == report_program() and \
                not lwdesktop.process_gone(entry):
            pids.append(int(entry))
    return pids


class Dump:
    """What the window shows, as tests/preload/lw-window-dump.c writes it."""

    def __init__(self, text):
        self.text = text
        head, _, body = text.partition("--\n")
        self.fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        # The text shown, then what Tab can reach ("tab-stop: KIND: TEXT").
        lines = body.splitlines()
        self.lines = [line for line in lines if not line.startswith("tab-stop: ")]
        self.tab_stops = [line[len("tab-stop: "):] for line in lines if line.startswith("tab-stop: ")]

    def __getattr__(self, name):
        return self.fields.get(name.replace("_", "-"))

    def __contains__(self, line):
        return line in self.lines

    def __str__(self):
        return self.text


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    expect(head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def png_colours(path):
    """How many different colours a PNG has (a blank picture has one)."""
    import gi
    gi.require_version("GdkPixbuf", "2.0")
    from gi.repository import GdkPixbuf
    pixbuf = GdkPixbuf.Pixbuf.new_from_file(path)
    data = pixbuf.get_pixels()
    step = pixbuf.get_n_channels()
    return len({bytes(data[i:i + 3]) for i in range(0, len(data), step * 7)})


class Keyboard:
    """Keys pressed on the test display, as a user presses them (XTEST)."""

    def __init__(self, display):
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_int, ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(display.encode())
        expect(self.display, f"cannot open the display {display}")

    def close(self):
        self.x11.XCloseDisplay(self.display)

    def point_at(self, x, y):
        """Moves the pointer; with no window manager, keys go where it is."""
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self.x11.XFlush(self.display)

    def type(self, text):
        """Types TEXT on a US keymap (Xvfb's), a key at a time."""
        names = {"/": ("slash",), ".": ("period",), "-": ("minus",), "_": ("Shift_L", "minus"),
                 " ": ("space",), "&": ("Shift_L", "7")}
        for c in text:
            keys = names.get(c) or (("Shift_L", c.lower()) if c.isupper() else (c,))
            self.press(*keys)
            time.sleep(0.01)

    def press(self, *keys):
        """Presses KEYS together (e.g. "Control_L", "r") and lets go."""
        codes = [self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(k.encode()))
                 for k in keys]
        expect(all(codes), f"keycodes for {keys}: {codes}")
        for code in codes:
            self.xtst.XTestFakeKeyEvent(self.display, code, True, 0)
        for code in reversed(codes):
            self.xtst.XTestFakeKeyEvent(self.display, code, False, 0)
        self.x11.XFlush(self.display)


class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


def resize_window(display, pid, width, height):
    """Resizes the shown toplevel window of process PID on DISPLAY, as a
    user dragging its edge would; with no window manager, the X server
    does it at once. Returns how many windows it resized."""
    x11 = ctypes.CDLL("libX11.so.6")
    ulong_p = ctypes.POINTER(ctypes.c_ulong)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ulong_p, ulong_p,
                               ctypes.POINTER(ulong_p), ctypes.POINTER(ctypes.c_uint)]
    x11.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                         ctypes.POINTER(XWindowAttributes)]
    x11.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong,
                                       ctypes.c_long, ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
                                       ulong_p, ctypes.POINTER(ctypes.c_int), ulong_p, ulong_p,
                                       ctypes.POINTER(ctypes.c_void_p)]
    x11.XResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_uint]
    x11.XFree.argtypes = [ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

    dpy = x11.XOpenDisplay(display.encode())
    expect(dpy, f"cannot open the display {display}")
    try:
        net_wm_pid = x11.XInternAtom(dpy, b"_NET_WM_PID", False)
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ulong_p(), ctypes.c_uint()
        x11.XQueryTree(dpy, x11.XDefaultRootWindow(dpy), ctypes.byref(root),
                       ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count))
        windows = [children[i] for i in range(count.value)]
        if children:
            x11.XFree(children)
        resized = 0
        for window in windows:
            attrs = XWindowAttributes()
            x11.XGetWindowAttributes(dpy, window, ctypes.byref(attrs))
            if attrs.map_state != 2 or attrs.override_redirect:   # IsViewable
                continue
            kind, fmt = ctypes.c_ulong(), ctypes.c_int()
            n, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
            x11.XGetWindowProperty(dpy, window, net_wm_pid, 0, 1, False, 6,   # XA_CARDINAL
                                   ctypes.byref(kind), ctypes.byref(fmt), ctypes.byref(n),
                                   ctypes.byref(after), ctypes.byref(data))
            owner = ctypes.cast(data, ulong_p)[0] if data.value and n.value == 1 else None
            if data.value:
                x11.XFree(data)
            if owner == pid:
                x11.XResizeWindow(dpy, window, width, height)
                resized += 1
        x11.XFlush(dpy)
        return resized
    finally:
        x11.XCloseDisplay(dpy)


class Session(lwdesktop.ServiceSession):
    """lwnet's network, a headless desktop, and the service in it."""

    # Each check spawns the HTTPS helper; under the sanitizers and a loaded
    # machine its start and TLS handshake alone have taken over 2 s.
    TIMEOUT = "4"

    def prepare(self):
        self.dump_path = os.path.join(self.d.tmp, "report-dump.txt")
        self.shot_path = os.path.join(self.d.tmp, "report.png")
        self.hooks = lwdesktop.window_hooks(self.dump_path, self.shot_path)

    def service_env(self):
        """The service starts the window, which inherits its environment,
        the window dump with it."""
        return self.hooks

    def quit_service(self):
        """Asks whatever owns the service's name to quit, and waits."""
        if self.d.bus.name_has_owner(APP_ID):
            pid = self.d.pid_of(APP_ID)
            self.obj().Activate("quit", [], {}, dbus_interface=ACTIONS)
            self.d.wait(lambda: not self.d.bus.name_has_owner(APP_ID), "the service to quit")
            self.d.wait(lambda: lwdesktop.process_gone(pid), "the service process to end")

    # --- the window ------------------------------------------------------

    def app(self):
        return self.d.bus.get_object(REPORT_ID, REPORT_PATH)

    def window(self):
        return self.d.bus.get_object(REPORT_ID, REPORT_PATH + "/window/1")

    def show_page(self, page):
        import dbus
        self.window().Activate("show-page", [dbus.String(page)], {}, dbus_interface=ACTIONS)
        return self.wait_dump(lambda d: d.page == page, f"the {page} page")

    def window_pid(self):
        pid = self.d.pid_of(REPORT_ID)
        expect(exe_of(pid) == report_program(),
               f"{REPORT_ID} belongs to {exe_of(pid)}, not {report_program()}")
        return pid

    def dump(self):
        try:
            with open(self.dump_path) as f:
                return Dump(f.read())
        except FileNotFoundError:
            return None

    def wait_dump(self, predicate, what, seconds=20):
        """The dump, once PREDICATE holds for it."""
        found = []

        def check():
            dump = self.dump()
            if dump is not None and predicate(dump):
                found.append(dump)
                return True
            return False
        try:
            self.d.wait(check, what, seconds)
        except AssertionError as error:
            raise AssertionError(f"{error}; the window shows:\n{self.dump()}\n"
                                 f"log:\n{self.d.read_log(self.log)[-3000:]}") from None
        return found[0]

    def keep_screenshot(self, name):
        """Waits for a screenshot newer than the latest dump, checks it,
        and keeps it as NAME in the artifacts directory."""
        since = os.stat(self.dump_path).st_mtime
        self.d.wait(lambda: os.path.exists(self.shot_path) and
                    os.stat(self.shot_path).st_mtime >= since, "a screenshot", seconds=10)
        width, height = png_size(self.shot_path)
        expect(360 <= width <= 1280 and 400 <= height <= 1024, f"screenshot size {width}x{height}")
        expect(png_colours(self.shot_path) > 20, "the screenshot has content")
        target = os.path.join(artifacts_dir(), name)
        shutil.copyfile(self.shot_path, target)
        print(f"# screenshot: {target} ({width}x{height})")
        return target



@test
def show_report_opens_the_window_with_the_services_report(s):
    report = s.settled_report()
    expect(report["status"] == "unprotected", "no VPN on the test network", report)
    expect(not s.d.bus.name_has_owner(REPORT_ID), "no window before show-report")
    s.obj().Activate("show-report", [], {}, dbus_interface=ACTIONS)
    s.d.wait(lambda: s.d.bus.name_has_owner(REPORT_ID), "the window's application on the bus")
    s.window_pid()

    dump = s.wait_dump(lambda d: d.status == report["status"], "the report in the window")
    report = s.report()
    expect(dump.page == "report" and dump.title == "Leakwatch", f"page and title:\n{dump}")
    expect(dump.check_now == "sensitive", f"Check now can be pressed:\n{dump}")
    # The status's name, then one sentence: never the two in one line.
    expect("Not protected" in dump and "Sites see your real address" in dump and
           report["headline"] not in dump, f"the name and one sentence, {report['headline']!r}:\n{dump}")
    for finding in report["findings"]:
        expect(finding["summary"] in dump, f"the finding {finding['summary']!r} in:\n{dump}")
    # The most serious finding is open: what happened and what to do.
    first = report["findings"][0]
    expect(first["detail"] in dump and first["advice"] in dump and "What to do" in dump,
           f"the first finding open:\n{dump}")
    expect(lwdesktop.last_checked(report["time"]) in dump.lines, f"the time:\n{dump}")


@test
def the_window_is_drawn(s):
    s.wait_dump(lambda d: d.status == "unprotected", "the report")
    s.keep_screenshot("report-unprotected.png")


@test
def a_second_show_report_presents_the_same_window(s):
    pid = s.window_pid()
    # A second leakwatch-report hands over to the first: it calls
    # org.gtk.Application.Activate on it, and exits.
    callers = []

    def on_message(bus, message):
        if message.get_interface() == "org.gtk.Application" and \
                message.get_member() == "Activate" and message.get_path() == REPORT_PATH:
            callers.append(message.get_sender())
    s.d.bus.add_match_string("eavesdrop='true',type='method_call',"
                             "interface='org.gtk.Application',member='Activate'")
    s.d.bus.add_message_filter(on_message)
    try:
        s.obj().Activate("show-report", [], {}, dbus_interface=ACTIONS)
        s.d.wait(lambda: callers, "the second window process to hand over", seconds=20)
        s.d.wait(lambda: not s.d.bus.name_has_owner(callers[0]),
                 "the second window process to leave")
        # Under AddressSanitizer an exiting process lingers a while.
        s.d.wait(lambda: window_pids() == [pid],
                 f"one window process ({window_pids()}, first {pid})", seconds=30)
    finally:
        s.d.bus.remove_message_filter(on_message)
    expect(s.window_pid() == pid, "the first still owns the name")
    windows = s.d.bus.get_object(REPORT_ID, REPORT_PATH + "/window").Introspect(
        dbus_interface="org.freedesktop.DBus.Introspectable")
    expect(windows.count("<node name=") == 1, f"one window:\n{windows}")


@test
def check_now_shows_checking_then_the_new_report(s):
    before = s.settled_report()
    old = s.wait_dump(lambda d: d.status == "unprotected", "the report")
    old_time = [line for line in old.lines if line.startswith("tooltip: Checked on ")]
    expect(len(old_time) == 1, f"the exact time of the check:\n{old}")

    # The window's own "Check now" (app.check-now) asks the service.
    s.app().Activate("check-now", [], {}, dbus_interface=ACTIONS)
    checking = s.wait_dump(lambda d: d.status == "checking", "the checking state")
    expect(checking.check_now == "insensitive", f"Check now greyed while checking:\n{checking}")
    expect("Checking…" in checking and "tooltip: A check is running" in checking,
           f"checking shown:\n{checking}")
    expect(checking.lines.count("Checking…") == 1, f"said once:\n{checking}")
    # The last verdict stays readable, but as history: no colour, no
    # verdict word of its own while the network may have changed.
    name, sentence = name_and_sentence(before["headline"])
    expect(f"Last result: {name} — {sentence}" in checking,
           f"the last verdict shown as the last result while checking:\n{checking}")
    banner = checking.lines[:checking.lines.index("Findings")]
    expect("Not protected" not in banner, f"no verdict while checking:\n{checking}")
    expect(checking.lines[checking.lines.index("Findings") + 1:], "the last findings stay, dimmed")

    after = s.wait_dump(lambda d: d.status == "unprotected", "the new report")
    report = s.settled_report()
    expect(report["time"] != before["time"], f"a new report: {before['time']} → {report['time']}")
    new_time = [line for line in after.lines if line.startswith("tooltip: Checked on ")]
    expect(new_time and new_time != old_time, f"the new time shown: {old_time} → {new_time}")
    expect(after.check_now == "sensitive", f"Check now back:\n{after}")


@test
def the_evidence_page_lists_what_the_check_saw(s):
    report = s.settled_report()
    dump = s.show_page("evidence")
    for title in ("VPN", "Public addresses", "Every web page",
                  "Pages with camera or microphone permission", "Programs bound to a network interface",
                  "Interfaces", "Routes", "STUN requests"):
        expect(title in dump, f"the group {title!r}:\n{dump}")
    # The way to the internet, as the kernel told it; no VPN here, so it
    # leaves outside any tunnel.
    expect(report["routes"], "routes", report)
    way = [r for r in report["routes"] if r["purpose"] == "default-address"][0]
    expect(any(line.startswith(way["target"]) for line in dump.lines) and
           any(f"Outside the tunnel ({way['interface']})" in line for line in dump.lines),
           f"the route to {way['target']}:\n{dump}")
    expect("No VPN is connected" in dump, f"the VPN state:\n{dump}")
    answered = [pa for pa in report["public_addresses"] if pa["result"] == "answered"]
    expect({pa["family"] for pa in answered} == {"ipv4", "ipv6"}, "both families answered", report)
    for pa in answered:
        family = "IPv4" if pa["family"] == "ipv4" else "IPv6"
        expect(f"{family} · {pa['address']}" in dump,
               f"the public address {pa['address']}:\n{dump}")
    failed = [pa for pa in report["public_addresses"] if pa["result"] != "answered"]
    expect(failed, "the slow address service failed", report)
    expect(any("/slow" in line and pa["error"] in line for pa in failed for line in dump.lines),
           f"the failure and its reason:\n{dump}")
    expect(report["candidates"], "candidates", report)
    # Plain words for each kind of candidate, the term on hover.
    words = {"host": "Local address", "srflx": "Seen by a STUN server"}
    for c in report["candidates"]:
        expect(f"{words[c['type']]} · {c['address']}" in dump, f"the candidate {c}:\n{dump}")
    expect("tooltip: srflx (server-reflexive) candidate" in dump and "tooltip: host candidate" in dump,
           f"the terms on hover:\n{dump}")
    expect(not any(line.startswith(("srflx", "host ·")) for line in dump.lines), f"no bare jargon:\n{dump}")
    for lan in (lwnet.CLIENT4, lwnet.CLIENT6):
        expect(any(line.startswith(lan + "/") for line in dump.lines), f"lan0's {lan}:\n{dump}")
    s.keep_screenshot("report-evidence.png")


CLIPBOARD_READER = """
import sys
import gi
gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk
sys.stdout.write(Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text() or "")
"""

# Puts its argument on the clipboard and holds it until stopped.
CLIPBOARD_HOLDER = """
import sys
import gi
gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk
Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).set_text(sys.argv[1], -1)
Gtk.main()
"""


def read_clipboard(s):
    """The clipboard's text as another program reads it, through X."""
    import subprocess
    return subprocess.run([lwdesktop.dbusmock_python(), "-c", CLIPBOARD_READER], env=s.d.env,
                          capture_output=True, text=True, timeout=30)


@test
def copy_report_puts_the_report_as_text_on_the_clipboard(s):
    report = s.settled_report()
    s.window().Activate("copy-report", [], {}, dbus_interface=ACTIONS)
    s.wait_dump(lambda d: "Report copied" in d, "the toast")
    # Read it as another program would, through the X clipboard.
    reader = read_clipboard(s)
    text = reader.stdout
    expect(text.splitlines()[:1] == [report["headline"]],
           f"the headline first:\n{text[:2000]}\n{reader.stderr[-2000:]}")
    for finding in report["findings"]:
        expect(finding["summary"] in text, f"the finding {finding['summary']!r} in:\n{text[:3000]}")
    for pa in report["public_addresses"]:
        expect(pa["address"] is None or pa["address"] in text,
               f"{pa['address']} in:\n{text[:3000]}")


@test
def the_keyboard_checks_and_copies(s):
    report = s.settled_report()
    s.show_page("report")
    keyboard = Keyboard(s.d.env["DISPLAY"])
    try:
        keyboard.point_at(300, 300)
        time.sleep(0.2)
        keyboard.press("Control_L", "r")
        s.wait_dump(lambda d: d.status == "checking", "Ctrl+R to check")
        s.wait_dump(lambda d: d.status == "unprotected", "the new report")
        keyboard.press("F5")
        s.wait_dump(lambda d: d.status == "checking", "F5 to check")
        s.wait_dump(lambda d: d.status == "unprotected", "the new report")
        # Alt and the page's number, in the switcher's order.
        for key, page in (("3", "evidence"), ("2", "browsers"), ("4", "history"), ("1", "report")):
            keyboard.press("Alt_L", key)
            s.wait_dump(lambda d: d.page == page, f"Alt+{key} to the {page} page", seconds=5)
        # The copy test before leaves its "Report copied" toast up (here
        # it does not time out), so the toast alone proves nothing: other
        # text goes on the clipboard first, and the report must replace it.
        marker = "not the report"
        holder = s.d.spawn([lwdesktop.dbusmock_python(), "-c", CLIPBOARD_HOLDER, marker],
                           "clipboard-holder")
        try:
            s.d.wait(lambda: read_clipboard(s).stdout == marker, "other text on the clipboard",
                     seconds=15)
            keyboard.press("Control_L", "Shift_L", "c")
            s.wait_dump(lambda d: "Report copied" in d, "Ctrl+Shift+C to copy")
            s.d.wait(lambda: read_clipboard(s).stdout.splitlines()[:1] == [report["headline"]],
                     "Ctrl+Shift+C to put the report on the clipboard", seconds=15)
        finally:
            holder.terminate()
            holder.wait(timeout=10)
    finally:
        keyboard.close()


@test
def the_history_page_shows_the_changes_of_status(s):
    s.settled_report()
    s.show_page("report")
    # Silence the STUN server: the next check cannot complete ("unknown"),
    # then let it answer again: back to "unprotected".
    s.net.stop_stun()
    try:
        s.check_now()
        s.d.wait(lambda: s.status() == "unknown", "status unknown", seconds=20)
        dump = s.wait_dump(lambda d: d.status == "unknown", "the unknown report")
        expect("Could not check" in dump, f"the verdict in plain words:\n{dump}")
    finally:
        s.net.start_stun()
    s.check_now()
    s.d.wait(lambda: s.status() == "unprotected", "status unprotected", seconds=20)

    # Each row: "13:00 — old → new" (the time alone for today's, as the
    # banner says it), with the headline under it.
    wanted = ["— Could not check → Not protected", "— Not protected → Could not check",
              "— First check → Not protected"]

    def shown(d):
        rows = [line for line in d.lines if " → " in line and " — " in line]
        return [w for row in rows for w in wanted if row.endswith(w)] == wanted
    s.show_page("history")
    dump = s.wait_dump(lambda d: d.page == "history" and shown(d),
                       "the three changes, newest first")
    expect("Changes of status" in dump, f"the history group:\n{dump}")
    rows = [line for line in dump.lines if " → " in line and " — " in line]
    expect(all(re.match(r"(Yesterday at )?[0-2][0-9]:[0-5][0-9] — ", row) for row in rows),
           f"today's changes by their time alone (yesterday's only past midnight):\n{dump}")
    expect(any(line.startswith("Could not check: ") for line in dump.lines),
           f"the headline of the unknown report:\n{dump}")
    s.keep_screenshot("report-history.png")
    s.show_page("report")


def tab_walk(s, keyboard, page):
    """Shows PAGE and presses Tab until the focus has gone once round the
    window, from "Check now" back to it. Returns the dump of the page and
    the widgets the focus reached, in order, as the dump names them."""
    start = s.show_page(page)
    keyboard.point_at(300, 300)   # no window manager: keys go under the pointer
    reached = []
    dump = start
    for _ in range(120):
        moves = int(dump.focus_moves)
        keyboard.press("Tab")
        dump = s.wait_dump(lambda d: int(d.focus_moves) > moves, f"Tab to move the focus on {page}",
                           seconds=5)
        reached.append(dump.focus)
        if reached.count("button: Check Now") == 2:
            first = reached.index("button: Check Now")
            return dump, reached[first:-1]
    raise AssertionError(f"Tab never came back to Check now on {page}: {reached}; "
                         f"the window shows:\n{dump}")


def expect_walk_reaches_everything(page, dump, walk):
    """Tab went round without losing the focus, and reached every button,
    link, switch and row the page shows, once, in reading order."""
    expect("none" not in walk, f"the focus was lost on {page}: {walk}")
    expect(not any(w.startswith("label: ") for w in walk + dump.tab_stops),
           f"no label is a Tab stop on {page} (Copy Report copies text): {walk}")
    expect(walk == dump.tab_stops, f"Tab on {page} reached {walk},\nthe page shows {dump.tab_stops}")
    expect(walk[:1] == ["button: Check Now"] and "menu: Main Menu" in walk,
           f"the header on {page}: {walk}")


@test
def tab_reaches_every_finding_button_and_row_on_every_page(s):
    report = s.settled_report()
    keyboard = Keyboard(s.d.env["DISPLAY"])
    try:
        dump, walk = tab_walk(s, keyboard, "report")
        expect_walk_reaches_everything("report", dump, walk)
        rows = [w for w in walk if w.startswith("row: ")]
        expect(rows == ["row: " + f["summary"] for f in report["findings"]],
               f"every finding, most serious first: {rows}")
        expect(walk.index("menu: Main Menu") < walk.index(rows[0]), f"the header first: {walk}")

        expect(report["browsers"], "the service's browsers, found or standing in", report)
        dump, walk = tab_walk(s, keyboard, "browsers")
        expect_walk_reaches_everything("browsers", dump, walk)
        expect([w for w in walk if w.startswith("row: ")] ==
               ["row: " + b["label"] for b in report["browsers"]],
               f"a row per browser profile, found or standing in: {walk}")

        dump, walk = tab_walk(s, keyboard, "evidence")
        expect_walk_reaches_everything("evidence", dump, walk)
        expect(len([w for w in walk if w.startswith("row: ")]) >= 4, f"the evidence rows: {walk}")

        dump, walk = tab_walk(s, keyboard, "history")
        expect_walk_reaches_everything("history", dump, walk)
        changes = [line for line in dump.lines if " → " in line and " — " in line]
        expect([w for w in walk if w.startswith("row: ")] == ["row: " + c for c in changes],
               f"every change of status: {walk}")
        s.show_page("report")
    finally:
        keyboard.close()


@test
def quit_ends_the_window(s):
    pid = s.window_pid()
    s.app().Activate("quit", [], {}, dbus_interface=ACTIONS)
    s.d.wait(lambda: lwdesktop.process_gone(pid), "the window process to end")
    s.d.wait(lambda: not s.d.bus.name_has_owner(REPORT_ID), "the name to go")
    expect(window_pids() == [], f"no window process left: {window_pids()}")
    expect(not s.sanitizer_reports(), "\n".join(s.sanitizer_reports()))


def with_window_alone(s, log, body, program=None, env=None, wrapper=()):
    """Runs BODY(window process) with a window started by hand (through
    WRAPPER, if given), without the service's help; then closes it, which
    must end it cleanly."""
    if os.path.exists(s.dump_path):
        os.unlink(s.dump_path)
    s.log = log
    window = s.d.spawn(list(wrapper) + [program or report_program()], log,
                       env=dict(s.hooks, **(env or {})))
    try:
        s.d.wait(lambda: s.d.bus.name_has_owner(REPORT_ID) or window.poll() is not None,
                 "the window's application on the bus")
        expect(window.poll() is None, f"the window exited:\n{s.d.read_log(log)[-3000:]}")
        body(window)
    finally:
        if window.poll() is None and s.d.bus.name_has_owner(REPORT_ID):
            s.app().Activate("quit", [], {}, dbus_interface=ACTIONS)
        try:
            code = window.wait(timeout=15)
        except Exception:
            window.kill()
            raise
    expect(code == 0, f"the window exited with {code}:\n{s.d.read_log(log)[-3000:]}")
    expect(not s.sanitizer_reports(log), "\n".join(s.sanitizer_reports(log)))


@test
def save_as_json_writes_the_report(s):
    # Through the real file chooser, with the keyboard: Ctrl+S, a path typed
    # over the suggested name, Enter. The "&" must not blank the toast.
    #
    # In a window of its own, the only one whose leaks are not checked at
    # exit: GTK's file chooser leaves GLib's first quark table and paths of
    # libcloudproviders behind, and with no frame pointers in those
    # libraries LeakSanitizer cannot tell them from ours. Every other
    # sanitizer check still applies to it.
    report = s.settled_report()
    folder = os.path.join(s.d.tmp, "saved")
    os.makedirs(folder)
    target = os.path.join(folder, "leaks & more.json")
    asan = ":".join(o for o in [os.environ.get("ASAN_OPTIONS", ""), "detect_leaks=0"] if o)

    def body(window):
        s.wait_dump(lambda d: d.status == report["status"], "the report")
        s.show_page("report")
        keyboard = Keyboard(s.d.env["DISPLAY"])
        try:
            keyboard.point_at(300, 300)
            time.sleep(0.2)
            keyboard.press("Control_L", "s")
            time.sleep(1.5)   # the dialog maps, its name field has the focus
            keyboard.press("Control_L", "a")
            keyboard.type(target)
            keyboard.press("Return")
            # The toast comes once the file is written and closed (it
            # exists, empty, from the moment it is opened).
            s.wait_dump(lambda d: "Saved as “leaks & more.json”" in d, "the toast naming the file")
        finally:
            keyboard.close()
        with open(target) as f:
            saved = json.load(f)
        expect(saved["status"] == report["status"] and saved["time"] == report["time"] and
               saved["headline"] == report["headline"], f"the report as JSON: {str(saved)[:500]}")

    with_window_alone(s, "window-save", body, env={"ASAN_OPTIONS": asan})


@test
def at_the_floor_of_64_open_files_the_window_shows_the_report(s):
    # prlimit sets the hard limit too (nothing to raise), then becomes the
    # window: the window works within the 64 Leakwatch asks for.
    report = s.settled_report()

    def body(window):
        with open(f"/proc/{window.pid}/limits") as f:
            limit = [line.split()[3:5] for line in f if line.startswith("Max open files")]
        expect(limit == [["64", "64"]], f"the window runs under 64 open files: {limit}")
        dump = s.wait_dump(lambda d: d.status == report["status"], "the report")
        expect(shows_verdict(dump, report), f"the service's verdict {report['headline']!r}:\n{dump}")

    with_window_alone(s, "window-floor", body, wrapper=["prlimit", "--nofile=64"])


@test
def without_the_service_the_window_has_d_bus_start_it(s):
    s.quit_service()
    # As installed: a D-Bus service file that starts leakwatch.
    service_file = os.path.join(s.d.services_dir, APP_ID + ".service")
    with open(service_file, "w") as f:
        f.write(f"[D-BUS Service]\nName={APP_ID}\n"
                f"Exec={lwnet.leakwatch()} --gapplication-service {' '.join(s.args())}\n")
    daemon = s.d.bus.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus")
    daemon.ReloadConfig(dbus_interface="org.freedesktop.DBus")

    def body(window):
        s.d.wait(lambda: s.d.bus.name_has_owner(APP_ID), "the service to be started", seconds=30)
        service_pid = s.d.pid_of(APP_ID)
        expect(exe_of(service_pid) == os.path.realpath(lwnet.leakwatch()),
               f"the service is {exe_of(service_pid)}")
        expect(parent_of(service_pid) != window.pid, "D-Bus started it, not the window")
        dump = s.wait_dump(lambda d: d.status == "unprotected", "the report", seconds=40)
        expect(shows_verdict(dump, s.settled_report()), f"the service's verdict:\n{dump}")
    try:
        with_window_alone(s, "window-activation", body)
    finally:
        os.unlink(service_file)
        daemon.ReloadConfig(dbus_interface="org.freedesktop.DBus")
        s.quit_service()


@test
def without_d_bus_activation_the_window_starts_the_service_itself(s):
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    # The settings point the service at the test network's servers (its
    # CA is not trusted there, so the address services fail: "unknown").
    keyfile = os.path.join(s.d.env["XDG_CONFIG_HOME"], "glib-2.0", "settings", "keyfile")
    os.makedirs(os.path.dirname(keyfile), exist_ok=True)
    with open(keyfile, "w") as f:
        f.write("[io/github/leakwatch/Leakwatch]\n"
                f"stun-servers=['{s.net.stun(4)}', '{s.net.stun(6)}']\n"
                f"ip-urls=['{s.net.echo_url('/', 4)}', '{s.net.echo_url('/json', 6)}']\n")

    def body(window):
        s.d.wait(lambda: s.d.bus.name_has_owner(APP_ID), "the service to be started", seconds=30)
        service_pid = s.d.pid_of(APP_ID)
        expect(exe_of(service_pid) == os.path.realpath(lwnet.leakwatch()),
               f"the service is {exe_of(service_pid)}")
        expect(parent_of(service_pid) == window.pid, "the window started it")
        dump = s.wait_dump(lambda d: d.status not in ("none", "checking"), "a verdict",
                           seconds=40)
        expect(dump.status in ("unprotected", "unknown"),
               f"never green from a failed check:\n{dump}")

        # Settings changed while it runs, as the Preferences window changes
        # them (the same GSettings keyfile): they apply without a restart.
        before = s.settled_report()
        expect(before["stun_servers"] == [s.net.stun(4), s.net.stun(6)],
               f"the servers of the settings: {before['stun_servers']}")
        gsettings("set", APP_ID, "stun-servers", f"['{s.net.stun(4)}']")
        gsettings("set", APP_ID, "start-at-login", "true")
        entry = os.path.join(s.d.env["XDG_CONFIG_HOME"], "autostart", APP_ID + ".desktop")
        s.d.wait(lambda: os.path.exists(entry), "the autostart entry", seconds=10)
        # The service reads the keyfile when it changes; ask for checks
        # until one asks the new server only.
        asked = [0.0]

        def asks_the_new_server():
            if (s.report() or {}).get("stun_servers") == [s.net.stun(4)]:
                return True
            if time.monotonic() - asked[0] > 0.5 and s.status() != "checking":
                asked[0] = time.monotonic()
                s.check_now()
            return False
        s.d.wait(asks_the_new_server, "a check that asks only the new server", seconds=30)
        gsettings("set", APP_ID, "start-at-login", "false")
        s.d.wait(lambda: not os.path.exists(entry), "the autostart entry to go", seconds=10)

    def gsettings(*args):
        schemas = os.path.join(os.path.dirname(lwnet.leakwatch()), "..", "..", "data")
        subprocess.run(["gsettings", "--schemadir", schemas] + list(args), env=s.d.env, check=True,
                       timeout=10)

    import subprocess
    try:
        with_window_alone(s, "window-spawn", body)
        # The service it started watches on when the window is closed.
        expect(s.d.bus.name_has_owner(APP_ID), "the service outlives the window")
    finally:
        s.quit_service()
        os.unlink(keyfile)


@test
def when_the_service_cannot_start_the_window_says_why(s):
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    # A copy of the window with no leakwatch where it looks (nor in PATH).
    bindir = os.path.join(s.d.tmp, "alone", "bin")
    os.makedirs(bindir, exist_ok=True)
    program = os.path.join(bindir, "leakwatch-report")
    shutil.copy(report_program(), program)

    def body(window):
        dump = s.wait_dump(lambda d: d.page == "failed" and "Leakwatch could not start" in d,
                           "the failure", seconds=40)
        expect("Leakwatch could not start" in dump, f"the failure in words:\n{dump}")
        expect(any("not installed" in line and "“leakwatch”" in line for line in dump.lines),
               f"the reason:\n{dump}")
        expect("Try Again" in dump, f"a way out:\n{dump}")
        expect(dump.check_now == "insensitive", f"nothing to check:\n{dump}")
        expect(not any(line in ("No leaks found", "Protected") for line in dump.lines),
               f"never a green look:\n{dump}")
    with_window_alone(s, "window-alone", body, program=program,
                      env={"PATH": bindir, "LEAKWATCH_PROGRAM_PATH": bindir})


LEAK_FINDING = {
    "id": "public-address-leak", "level": "leak", "audience": "every-page",
    "mode": "default-route", "family": "ipv4", "address": "198.51.100.7", "interface": "wlan0",
    "server": "203.0.113.1:3478",
    "summary": "An address outside the VPN, 198.51.100.7, is visible to web pages",
    "detail": "A STUN request from 10.8.0.2 on tun0 came back as 198.51.100.7, while HTTPS "
              "shows the VPN's exit 203.0.113.51.",
    "advice": "Route all traffic through the VPN, or restrict WebRTC in your browsers.",
}
LOCAL_NOTE = {
    "id": "local-addresses-visible", "level": "note", "audience": "camera-pages",
    "mode": "all-interfaces", "family": "ipv4", "address": "192.168.1.20", "interface": "wlan0",
    "server": None,
    "summary": "Your local address 192.168.1.20 is visible to pages you allow to use your camera",
    "detail": "The browser lists 192.168.1.20 on wlan0 as a host candidate.",
    "advice": "Keep mDNS obfuscation on.",
}
NOTE_FINDING = {
    "id": "tunnel-bypass-by-binding", "level": "note", "audience": "native-apps",
    "mode": "interface-bound", "family": "ipv4", "address": "198.51.100.7", "interface": "wlan0",
    "server": "203.0.113.1:3478",
    "summary": "Programs can bypass the VPN by binding to wlan0",
    "detail": "A socket bound to wlan0 showed 198.51.100.7.",
    "advice": "Turn on your VPN's kill switch.",
}


fake_report = lwdesktop.fake_report


def history_rows(dump):
    """The History page's rows, "13:00 — old → new", newest first."""
    return [line for line in dump.lines if " → " in line and " — " in line]


@test
def the_history_page_shows_the_services_changes_as_they_land(s):
    # The history comes from the service on the bus, and a new change is
    # shown when the service says it has landed (HistoryChanged): asked
    # once then, never polled, never read from a file or a child process.
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    fake = s.d.start_fake_service()
    first = {"time": lwdesktop.local_iso(), "old": None, "new": "protected",
             "headline": "Protected: web pages see only your VPN's address", "findings": []}
    leak = {"time": lwdesktop.local_iso(), "old": "protected", "new": "leak",
            "headline": "Leak: " + LEAK_FINDING["summary"], "findings": []}

    def body(window):
        try:
            fake.set_report(fake_report("protected", []))
            fake.set_status("protected")
            s.wait_dump(lambda d: d.status == "protected", "the report")
            s.show_page("history")
            s.wait_dump(lambda d: "No changes recorded yet" in d, "the history, empty so far")
            asked = fake.get_changes_calls()
            expect(asked == 1, f"the history read once when the service was ready: {asked}")

            fake.set_changes([first])
            dump = s.wait_dump(lambda d: len(history_rows(d)) == 1 and
                               history_rows(d)[0].endswith("— First check → Protected"),
                               "the first change, on HistoryChanged")
            expect(first["headline"] in dump.lines, f"its headline:\n{dump}")
            fake.set_changes([first, leak])
            dump = s.wait_dump(lambda d: len(history_rows(d)) == 2, "the leak, on HistoryChanged")
            rows = history_rows(dump)
            expect(rows[0].endswith("— Protected → Leak") and
                   rows[1].endswith("— First check → Protected"), f"newest first:\n{dump}")
            time.sleep(1.5)
            expect(fake.get_changes_calls() == 3,
                   f"asked once more per HistoryChanged, no polling: {fake.get_changes_calls()}")
        finally:
            fake.stop()
        s.wait_dump(lambda d: d.page == "failed" and "Leakwatch is not running" in d, "the service gone")

        # Another service: nothing of the one before is shown as its history.
        again = s.d.start_fake_service()
        try:
            dump = s.wait_dump(lambda d: d.page == "history" and "No changes recorded yet" in d,
                               "the new service's history")
            expect(history_rows(dump) == [], f"no row of the service that went:\n{dump}")
        finally:
            again.stop()
    with_window_alone(s, "window-history", body)


@test
def a_leak_is_shown_in_red_with_its_fixes_and_a_damaged_report_is_never_green(s):
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    fake = s.d.start_fake_service()

    def body(window):
        try:
            # The service checks and has no report yet.
            dump = s.wait_dump(lambda d: d.status == "checking", "the first check")
            expect("Checking…" in dump and "The first check takes a few seconds." in dump,
                   f"the first check:\n{dump}")

            # A check of ten days ago, at 13:00 local time (TZ is set below):
            # its day is named, and its year when that is not this one.
            leak = fake_report("leak", [LEAK_FINDING, NOTE_FINDING, LOCAL_NOTE],
                               lwdesktop.local_iso(days_ago=10))
            fake.set_report(leak)
            fake.set_status("leak")
            dump = s.wait_dump(lambda d: d.status == "leak" and
                               lwdesktop.last_checked(leak["time"]) in d.lines, "the leak and its day")
            for line in ("Leak", LEAK_FINDING["summary"],
                         "Every web page can read it, without asking for permission.",
                         LEAK_FINDING["detail"], LEAK_FINDING["advice"], "How to fix it",
                         "Details (2)"):
                expect(line in dump, f"{line!r} in:\n{dump}")
            expect("Leak: " + LEAK_FINDING["summary"] not in dump, f"the verdict once:\n{dump}")
            # The fix for the cause first; a browser's setting after it, as a workaround.
            lines = dump.lines
            expect("VPN: split tunnel" in lines and "Firefox" in lines and
                   lines.index("VPN: split tunnel") < lines.index("Firefox") and
                   lines.count("Workarounds: each hides the address in one browser only. The fix above "
                               "removes the cause.") == 1, f"the split tunnel's fix, then the workarounds:\n{dump}")
            expect(any(line.startswith("Cost: ") for line in dump.lines),
                   f"what a fix costs:\n{dump}")
            # The leak's fixes offer the kill switch: its note waits in Details, no tip.
            expect(LOCAL_NOTE["summary"] not in dump and NOTE_FINDING["summary"] not in dump and
                   "Turn on your VPN’s kill switch" not in dump,
                   f"the notes stay closed under Details:\n{dump}")
            expect(any(line.startswith("Last checked on ") and line.endswith(" at 13:00")
                       for line in dump.lines), f"the day and the local time:\n{dump}")
            s.keep_screenshot("report-leak.png")

            # The same, checked today and yesterday: the time alone, then "yesterday".
            for days_ago, start in ((0, "Last checked at 13:00"), (1, "Last checked yesterday at 13:00")):
                day = datetime.date.today()
                again = fake_report("leak", [LEAK_FINDING, NOTE_FINDING, LOCAL_NOTE],
                                    lwdesktop.local_iso(days_ago))
                fake.set_report(again)
                dump = s.wait_dump(lambda d: lwdesktop.last_checked(again["time"]) in d.lines,
                                   f"the check of {days_ago} days ago")
                if datetime.date.today() == day:  # else midnight passed: said another way
                    expect(start in dump.lines, f"{start!r}:\n{dump}")

            # Tab reaches the leak, the copy button of each command its fixes
            # ask to type (the most serious finding is open), then Details;
            # Space on one copies the command.
            keyboard = Keyboard(s.d.env["DISPLAY"])
            try:
                dump, walk = tab_walk(s, keyboard, "report")
                expect_walk_reaches_everything("report", dump, walk)
                rows = [w for w in walk if w.startswith("row: ")]
                expect(rows == ["row: " + LEAK_FINDING["summary"], "row: Details (2)"],
                       f"the leak, then Details: {walk}")
                between = walk[walk.index(rows[0]) + 1:]
                copies = [w for w in between if w.startswith("button: Copy “")]
                expect("button: Copy “about:config”" in copies and
                       "button: Copy “nmcli connection modify VPN-NAME ipv4.never-default no”" in copies,
                       f"the commands of the leak's fixes, after it: {walk}")
                for command in ("about:config", "nmcli connection modify VPN-NAME ipv4.never-default no"):
                    expect(command in dump.lines, f"{command!r} shown beside its button:\n{dump}")
                while s.dump().focus != "button: Copy “about:config”":
                    moves = int(s.dump().focus_moves)
                    keyboard.press("Tab")
                    s.wait_dump(lambda d: int(d.focus_moves) > moves, "Tab to the copy button", 5)
                keyboard.press("space")
                s.wait_dump(lambda d: "Copied" in d, "the toast of the copy button")
                s.d.wait(lambda: read_clipboard(s).stdout == "about:config",
                         "the command on the clipboard", seconds=15)
                # Protected, nothing found: Tab goes round the header, and
                # never gets lost after the main menu.
                fake.set_report(fake_report("protected", []))
                fake.set_status("protected")
                s.wait_dump(lambda d: d.status == "protected" and "Protected" in d and
                            "Web pages see only your VPN's address" in d, "protected")
                dump, walk = tab_walk(s, keyboard, "report")
                expect_walk_reaches_everything("report", dump, walk)
                expect(not any(w.startswith("row: ") for w in walk), f"no finding, no row: {walk}")
            finally:
                keyboard.close()

            fake.set_report("not json")
            dump = s.wait_dump(lambda d: d.page == "failed" and "The report cannot be read" in d,
                               "the damaged report")
            expect("The report cannot be read" in dump, f"the damage in words:\n{dump}")
            expect(not any(line in ("Protected", "Leak") for line in dump.lines),
                   f"no verdict from a damaged report:\n{dump}")
        finally:
            fake.stop()
        dump = s.wait_dump(lambda d: d.page == "failed" and "Leakwatch is not running" in d,
                           "the service gone")
        expect("Leakwatch is not running" in dump and "Start Leakwatch" in dump,
               f"the service gone, in words:\n{dump}")
    with_window_alone(s, "window-fake", body)


FIREFOX = lwdesktop.fake_browser(
    "Firefox", "default-release", "leak", "default", "Firefox’s default", engine="gecko",
    every_page=["198.51.100.7"], camera_pages=["192.168.1.20"], desktop_id="firefox.desktop",
    path="/home/ada/.mozilla/firefox/x1y2.default-release")
CHROMIUM = lwdesktop.fake_browser(
    "Chromium", "Default", "protected", "disable_non_proxied_udp",
    "policy WebRtcIPHandling in /etc/chromium/policies/managed/leakwatch.json",
    modes=("mode-4", "mode-4"), desktop_id="chromium.desktop",
    path="/home/ada/.config/chromium/Default")


@test
def the_browsers_page_shows_each_browser_profile_wide_and_narrow(s):
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    fake = s.d.start_fake_service()

    def body(window):
        try:
            report = fake_report("leak", [LEAK_FINDING], browsers=[FIREFOX, CHROMIUM])
            fake.set_report(report)
            fake.set_status("leak")
            # The page is in the view switcher, in the header.
            s.wait_dump(lambda d: d.status == "leak" and "tab: Browsers" in d.tab_stops,
                        "the leak, and the Browsers page in the view switcher")

            dump = s.show_page("browsers")
            for line in ("Firefox (profile default-release)", "Every page sees: 198.51.100.7",
                         "Leak", "Chromium (profile Default)",
                         "Every page sees: nothing outside the tunnel", "Protected"):
                expect(line in dump, f"{line!r} on the Browsers page:\n{dump}")
            expect("Setting: disable_non_proxied_udp" not in dump, f"rows start closed:\n{dump}")

            # Tab reaches each profile's row; Space opens Chromium's: its
            # setting, the policy file it comes from, and its folder with
            # a button that copies it.
            keyboard = Keyboard(s.d.env["DISPLAY"])
            try:
                dump, walk = tab_walk(s, keyboard, "browsers")
                expect_walk_reaches_everything("browsers", dump, walk)
                rows = [w for w in walk if w.startswith("row: ")]
                expect(rows == ["row: " + b["label"] for b in report["browsers"]],
                       f"a row per profile: {walk}")
                while s.dump().focus != "row: Chromium (profile Default)":
                    moves = int(s.dump().focus_moves)
                    keyboard.press("Tab")
                    s.wait_dump(lambda d: int(d.focus_moves) > moves, "Tab to Chromium's row", 5)
                keyboard.press("space")
                dump = s.wait_dump(lambda d: "Setting: disable_non_proxied_udp" in d,
                                   "Chromium's row open")
                for line in (CHROMIUM["source"], CHROMIUM["path"],
                             "Pages with camera permission see: nothing outside the tunnel"):
                    expect(line in dump, f"{line!r} in Chromium's row:\n{dump}")
                expect(f"button: Copy “{CHROMIUM['path']}”" in dump.tab_stops,
                       f"the folder's copy button:\n{dump}")
                s.keep_screenshot("report-browsers.png")

                # Firefox's row open: Leakwatch's fix, with what it costs.
                keyboard.press("space")
                s.wait_dump(lambda d: "Setting: disable_non_proxied_udp" not in d, "Chromium's row closed")
                moves = int(s.dump().focus_moves)
                keyboard.press("Shift_L", "Tab")
                s.wait_dump(lambda d: d.focus == "row: Firefox (profile default-release)",
                            "Shift+Tab to Firefox's row", 5)
                keyboard.press("space")
                dump = s.wait_dump(lambda d: "Turn WebRTC off" in d, "Firefox's row open")
                for line in ("How to fix it", "Hide my address from pages, keep calls working",
                             "No page can use WebRTC: video calls and some games in Firefox stop working."):
                    expect(line in dump, f"{line!r} in Firefox's row:\n{dump}")
                expect("button: Turn WebRTC off" in dump.tab_stops, f"Apply is a button:\n{dump}")
                # Let the row finish opening, then show it again.
                time.sleep(1)
                moves = int(s.dump().focus_moves)
                keyboard.press("Tab")
                s.wait_dump(lambda d: int(d.focus_moves) > moves, "Tab", 5)
                keyboard.press("Shift_L", "Tab")
                s.wait_dump(lambda d: d.focus == "row: Firefox (profile default-release)", "back", 5)
                s.keep_screenshot("report-browsers-fix.png")

                # Chromium's row open again, for what follows.
                while s.dump().focus != "row: Chromium (profile Default)":
                    moves = int(s.dump().focus_moves)
                    keyboard.press("Tab")
                    s.wait_dump(lambda d: int(d.focus_moves) > moves, "Tab to Chromium's row", 5)
                keyboard.press("space")
                s.wait_dump(lambda d: "Setting: disable_non_proxied_udp" in d, "Chromium's row open")
            finally:
                keyboard.close()

            # While a check runs, the rows stay, said to be the last check's.
            fake.set_status("checking")
            dump = s.wait_dump(lambda d: "Checking… Below are the last check’s results." in d,
                               "the check running")
            for line in ("Firefox (profile default-release)", "Every page sees: 198.51.100.7",
                         "Leak", "Setting: disable_non_proxied_udp"):
                expect(line in dump, f"{line!r} kept while checking:\n{dump}")
            s.keep_screenshot("report-browsers-checking.png")
            fake.set_status("leak")
            s.wait_dump(lambda d: "Checking… Below are the last check’s results." not in d,
                        "the check done")

            # No browser found: the page says the defaults stand in.
            stand_ins = [lwdesktop.fake_browser(name, None, "leak", "default",
                                                f"no browser was found: {name}’s defaults stand in",
                                                engine=engine, every_page=["198.51.100.7"],
                                                stand_in=True)
                         for name, engine in (("Chromium", "chromium"), ("Firefox", "gecko"))]
            fake.set_report(fake_report("leak", [LEAK_FINDING], browsers=stand_ins))
            dump = s.wait_dump(lambda d: "No browser was found: Chromium’s and Firefox’s defaults "
                               "stand in for the ones there may be." in d, "the stand-ins")
            expect("Chromium" in dump and "Firefox" in dump, f"a row for each:\n{dump}")
            s.keep_screenshot("report-browsers-stand-ins.png")

            # At the narrowest the window goes, 360 pixels (its X window
            # is 10 wider: GTK keeps a border to resize it by).
            fake.set_report(report)
            s.wait_dump(lambda d: "Chromium (profile Default)" in d, "the profiles again")
            expect(resize_window(s.d.env["DISPLAY"], window.pid, 370, 770) == 1,
                   "one window to resize")
            # The switcher moves to the bottom bar once the new width is
            # laid out.
            dump = s.wait_dump(lambda d: "Check Now" not in d.lines and "tab: Browsers" in d.tab_stops and
                               "Setting: disable_non_proxied_udp" in d, "the narrow window")
            shot = s.keep_screenshot("report-browsers-narrow.png")
            width, _ = png_size(shot)
            expect(width == 360, f"a screenshot 360 wide: {width}")
            expect("tab: Browsers" in dump.tab_stops, f"the switcher at the bottom:\n{dump}")
        finally:
            fake.stop()
    with_window_alone(s, "window-browsers", body)


def confirmation(browser, desktop_id, setting, source, summary, minute, unexpected=()):
    """One of a report's confirmations[], as the service writes them."""
    return {"browser": browser["label"], "desktop_id": desktop_id, "setting": setting,
            "source": source, "camera": False, "time": lwdesktop.local_iso(hour=13, minute=minute),
            "summary": summary, "real": [], "local": [], "unexpected": list(unexpected),
            "candidates": [], "user_agent": "Mozilla/5.0"}


@test
def each_browser_row_tests_in_that_browser_and_says_what_its_test_confirmed(s):
    expect(not s.d.bus.name_has_owner(APP_ID), "no service now")
    # Chromium's desktop entry is one of the test's own: it records the
    # address it was opened on.
    record = stubbrowser.install(s.d.env["XDG_DATA_HOME"], s.d.tmp, "chromium.desktop", name="Chromium")
    fake = s.d.start_fake_service()

    def body(window):
        try:
            report = fake_report("leak", [LEAK_FINDING], browsers=[FIREFOX, CHROMIUM])
            report["confirmations"] = [
                # Firefox as it is set now: its test stands.
                confirmation(FIREFOX, "firefox.desktop", FIREFOX["setting"], FIREFOX["source"],
                             "confirmed in Firefox (profile default-release): 198.51.100.7 visible "
                             "to every page", 5),
                # Chromium was tested before its policy came.
                confirmation(CHROMIUM, "chromium.desktop", "default", "Chromium’s default",
                             "confirmed in Chromium (profile Default): 198.51.100.7 visible to "
                             "every page", 7),
            ]
            fake.set_report(report)
            fake.set_status("leak")
            s.wait_dump(lambda d: d.status == "leak", "the leak")
            dump = s.show_page("browsers")
            for line in ("Confirmed in Firefox (profile default-release) at 13:05",
                         "Tested at 13:07, before its settings changed: test it again"):
                expect(line in dump, f"{line!r} beside the verdict:\n{dump}")

            # Chromium's row open: Tab reaches its button, Space presses it.
            keyboard = Keyboard(s.d.env["DISPLAY"])
            try:
                while s.dump().focus != "row: Chromium (profile Default)":
                    moves = int(s.dump().focus_moves)
                    keyboard.press("Tab")
                    s.wait_dump(lambda d: int(d.focus_moves) > moves, "Tab to Chromium's row", 5)
                keyboard.press("space")
                s.wait_dump(lambda d: "Setting: disable_non_proxied_udp" in d, "Chromium's row open")
                moves = int(s.dump().focus_moves)
                keyboard.press("Tab")
                dump = s.wait_dump(lambda d: int(d.focus_moves) > moves, "Tab into the row", 5)
                expect(dump.focus == "button: Test Again", f"the row's test button first:\n{dump}")
                keyboard.press("space")
            finally:
                keyboard.close()
            s.d.wait(lambda: fake.browser_tests() == ["chromium.desktop"],
                     f"the test page asked for Chromium ({fake.browser_tests()})")
            s.d.wait(lambda: os.path.exists(record), "Chromium opened")
            with open(record) as f:
                url = f.read()
            expect(url == "http://127.0.0.1:9/leakwatch-test/fake-token/",
                   f"Chromium's desktop entry got the page's address: {url!r}")
            s.wait_dump(lambda d: "The test page is open in Chromium: its result shows here in a "
                        "few seconds" in d, "the toast")
            s.keep_screenshot("report-browsers-tested.png")

            # Its new test, with the policy, shows more than the policy says.
            report["confirmations"][1] = confirmation(
                CHROMIUM, "chromium.desktop", CHROMIUM["setting"], CHROMIUM["source"],
                "Chromium (profile Default) shows more than its settings say: 198.51.100.7", 9,
                unexpected=["198.51.100.7"])
            fake.set_report(report)
            dump = s.wait_dump(lambda d: "Its test at 13:09 showed more than its settings say: "
                               "198.51.100.7" in d, "the disagreement")
            expect("Tested at 13:07" not in dump, f"the old test gone:\n{dump}")
        finally:
            fake.stop()
    with_window_alone(s, "window-browser-test", body)


if __name__ == "__main__":
    # POSIX TZ strings need no tzdata: the window and this script agree.
    os.environ["TZ"] = "LWT-5:30"
    time.tzset()
    lwdesktop.require()
    if not os.access(report_program(), os.X_OK):
        skip_all(f"no report window at {report_program()}")
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    main(setup=Session)
