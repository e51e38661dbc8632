# SPDX-License-Identifier: GPL-3.0-or-later
"""A headless desktop session of our own, for Leakwatch's UI tests.

Desktop() starts, and stops again whichever way the test ends:
- Xvfb, on the first free display (-displayfd), with no TCP listener;
- a private session bus (dbus-daemon with a config of its own: no service
  files but the test's own, so nothing of the machine's gets activated);
- python-dbusmock's notification daemon (read with notifications());
- a StatusNotifierWatcher, as a panel has: a dbusmock template that records
  which connection registered which item, and forgets items whose owner
  leaves the bus (start_watcher()/stop_watcher() for the XEmbed fallback);
- on demand, a FakeService in place of `leakwatch` (start_fake_service()),
  for verdicts a test network cannot produce.

Desktop.env is the environment for the programs under test: this
session's display and bus, settings in a keyfile under a temporary
XDG_CONFIG_HOME (so programs share them), no accessibility bus, no gvfs,
and an LSan suppression for fontconfig's caches. The helpers
find a registered StatusNotifierItem, read its properties and its
com.canonical.dbusmenu menu, and click its menu items, the way a panel does.

Needs Xvfb, dbus-daemon, dbus-python and python3-dbusmock; available()
says what is missing; require() at a script's start re-executes it under
the Python that has them, or skips it with the reason.
"""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

import lwnet

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
DBUSMENU = "com.canonical.dbusmenu"
PROPERTIES = "org.freedesktop.DBus.Properties"
NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
MOCK = "org.freedesktop.DBus.Mock"
ACTIONS = "org.gtk.Actions"
SERVICE = "io.github.leakwatch.Leakwatch"
SERVICE_PATH = "/io/github/leakwatch/Leakwatch"
MONITOR = "io.github.leakwatch.Monitor1"

# A dbusmock template: the watcher's methods are in place before its main
# loop answers the first call, so an item never sees a half-made watcher.
WATCHER_TEMPLATE = '''
"""org.kde.StatusNotifierWatcher, as a panel runs it, for tests."""

import time

import dbus
import dbus.service

BUS_NAME = "org.kde.StatusNotifierWatcher"
MAIN_OBJ = "/StatusNotifierWatcher"
MAIN_IFACE = "org.kde.StatusNotifierWatcher"
SYSTEM_BUS = False


def RegisterStatusNotifierItem(self, service, sender=None):
    # An item passes its object path (ayatana does) or a bus name; the
    # item is then "<sender><path>", as in KDE's watcher.
    if service.startswith("/"):
        item = sender + service
    else:
        item = service + "/StatusNotifierItem"
    self.log(f"RegisterStatusNotifierItem {service} from {sender}")
    self.call_log.append((int(time.time()), "RegisterStatusNotifierItem", [service, sender]))
    items = [i for i in self.props[MAIN_IFACE]["RegisteredStatusNotifierItems"] if i != item]
    self.UpdateProperties(MAIN_IFACE, {"RegisteredStatusNotifierItems":
                                       dbus.Array(items + [item], signature="s")})
    self.EmitSignal(MAIN_IFACE, "StatusNotifierItemRegistered", "s", [item])


def _owner_changed(mock, name, old, new):
    if not name.startswith(":") or new:
        return
    items = mock.props[MAIN_IFACE]["RegisteredStatusNotifierItems"]
    gone = [i for i in items if i.split("/", 1)[0] == name]
    if gone:
        mock.UpdateProperties(MAIN_IFACE, {"RegisteredStatusNotifierItems":
                                           dbus.Array([i for i in items if i not in gone],
                                                      signature="s")})
        for item in gone:
            mock.EmitSignal(MAIN_IFACE, "StatusNotifierItemUnregistered", "s", [item])


def load(mock, parameters):
    method = dbus.service.method(MAIN_IFACE, in_signature="s", out_signature="",
                                 sender_keyword="sender")(RegisterStatusNotifierItem)
    setattr(mock.__class__, "RegisterStatusNotifierItem", method)
    mock.methods.setdefault(MAIN_IFACE, {})["RegisterStatusNotifierItem"] = ("s", "", "", method)
    mock.AddMethod(MAIN_IFACE, "RegisterStatusNotifierHost", "s", "", "")
    mock.AddProperties(MAIN_IFACE, {
        "IsStatusNotifierHostRegistered": True,
        "ProtocolVersion": dbus.Int32(0),
        "RegisteredStatusNotifierItems": dbus.Array([], signature="s"),
    })
    mock.connection.add_signal_receiver(
        lambda name, old, new: _owner_changed(mock, name, old, new),
        "NameOwnerChanged", "org.freedesktop.DBus", "org.freedesktop.DBus",
        "/org/freedesktop/DBus")
'''

# A stand-in for the `leakwatch` service (its bus name, its org.gtk.Actions
# and io.github.leakwatch.Monitor1), driven through io.github.leakwatch.Test,
# to show a front end what the real service cannot be made to say on a test
# network: a leak, a damaged report, an action that comes and goes.
FAKE_SERVICE_TEMPLATE = '''
"""The Leakwatch service as its front ends see it, driven by a test."""

import dbus

BUS_NAME = "io.github.leakwatch.Leakwatch"
MAIN_OBJ = "/io/github/leakwatch/Leakwatch"
MAIN_IFACE = "io.github.leakwatch.Monitor1"
SYSTEM_BUS = False
ACTIONS = "org.gtk.Actions"
CONTROL = "io.github.leakwatch.Test"
CHANGED = "asa{sb}a{sv}a{s(bgav)}"


def _describe(entry):
    enabled, state = entry
    return dbus.Struct((dbus.Boolean(enabled), dbus.Signature(""),
                        dbus.Array([] if state is None else [state], signature="v")),
                       signature="bgav")


def _describe_all(self):
    return dbus.Dictionary({n: _describe(e) for n, e in self.lw_actions.items()},
                           signature="s(bgav)")


def _set_action(self, name, enabled, state):
    state = state[0] if state else None
    old = self.lw_actions.get(name)
    self.lw_actions[name] = (bool(enabled), state)
    if old is None:
        changes = [[], {}, {}, {name: _describe(self.lw_actions[name])}]
    else:
        changes = [[], {name: bool(enabled)} if old[0] != bool(enabled) else {},
                   {name: state} if state is not None and state != old[1] else {}, {}]
    self.EmitSignal(ACTIONS, "Changed", CHANGED, changes)


def _remove_action(self, name):
    if self.lw_actions.pop(name, None) is not None:
        self.EmitSignal(ACTIONS, "Changed", CHANGED, [[name], {}, {}, {}])


def _set_state(self, name, value, platform_data):
    # As GSimpleAction does: a request for the state is granted.
    if name in self.lw_actions and self.lw_actions[name][1] is not None:
        _set_action(self, name, self.lw_actions[name][0], [value])


def _set_changes(self, text):
    # As the service does once a record has landed in its history.
    self.lw_changes = text
    self.EmitSignal(MAIN_IFACE, "HistoryChanged", "", [])


def load(mock, parameters):
    mock.lw_actions = {"check-now": (True, None), "show-report": (True, None),
                       "quit": (True, None), "status": (True, dbus.String("checking"))}
    mock.AddProperties(MAIN_IFACE, {"Report": dbus.String(""), "Status": dbus.String("checking")})
    mock.lw_changes = "[]"
    mock.AddMethods(MAIN_IFACE, [
        ("CheckNow", "", "", ""),
        ("GetChanges", "u", "s", lambda self, limit: dbus.String(self.lw_changes)),
        # A test page that is never served: a front end only opens it.
        ("StartBrowserTest", "s", "s",
         lambda self, desktop_id: dbus.String("http://127.0.0.1:9/leakwatch-test/fake-token/")),
    ])
    mock.AddMethods(ACTIONS, [
        ("List", "", "as", lambda self: dbus.Array(sorted(self.lw_actions), signature="s")),
        ("Describe", "s", "(bgav)", lambda self, name: _describe(self.lw_actions[name])),
        ("DescribeAll", "", "a{s(bgav)}", _describe_all),
        ("Activate", "sava{sv}", "", ""),
        ("SetState", "sva{sv}", "", _set_state),
    ])
    mock.AddMethods(CONTROL, [
        ("SetReport", "ss", "", lambda self, text, status: self.UpdateProperties(
            MAIN_IFACE, {"Report": dbus.String(text), "Status": dbus.String(status)})),
        ("SetChanges", "s", "", _set_changes),
        ("SetAction", "sbav", "", _set_action),
        ("RemoveAction", "s", "", _remove_action),
    ])
'''

# Leaks that are not ours, for programs built with -Db_sanitize=address:
# fontconfig keeps its caches (filled through Pango when GTK measures text)
# for the life of the process; glibc keeps the LOCPATH it split up when a
# locale is loaded from there (the German test's own locale).
LSAN_SUPPRESSIONS = """leak:libfontconfig.so
leak:__argz_add_sep
"""

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def dbusmock_python():
    """A Python that has dbusmock (and so dbus-python and gi), or None."""
    for candidate in (sys.executable, "/usr/bin/python3"):
        if candidate and os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import dbusmock, dbus, gi"],
                capture_output=True).returncode == 0:
            return candidate
    return None


def reexec_for_dbusmock():
    """Re-executes this script under a Python that has dbus-python and gi,
    if this one has not. Returns only when this one has them."""
    try:
        import dbus  # noqa: F401
        from gi.repository import GLib  # noqa: F401
        return
    except ImportError:
        pass
    python = dbusmock_python()
    if python and os.path.realpath(python) != os.path.realpath(sys.executable):
        os.execv(python, [python] + sys.argv)


def available():
    """None when a Desktop can run here, else the reason it cannot."""
    missing = [tool for tool in ("Xvfb", "dbus-daemon") if shutil.which(tool) is None]
    if missing:
        return "missing " + ", ".join(missing)
    try:
        import dbus  # noqa: F401
        import dbusmock  # noqa: F401
        from gi.repository import GLib  # noqa: F401
    except ImportError:
        return "needs python3-dbusmock (with python3-dbus and python3-gi)"
    return None


def require():
    """For the start of a test script: re-executes it under a Python that
    has dbusmock if need be, and reports it as skipped (TAP, with the
    reason) when a Desktop cannot run here."""
    from tap import skip_all
    reexec_for_dbusmock()
    reason = available()
    if reason:
        skip_all(reason)


def window_hooks(dump, screenshot):
    """The environment that has leakwatch-report, wherever it is started
    from (the service passes its environment on), write what its window
    shows to DUMP and a PNG of it to SCREENSHOT: tests/preload, LD_PRELOADed
    (its LW_TEST_PRELOAD comes from tests/meson.build). Software rendering,
    and no OpenGL at all: Xvfb has none worth having, and Mesa's EGL keeps
    an allocation LeakSanitizer reports."""
    preload = os.environ.get("LW_TEST_PRELOAD")
    if not preload or not os.path.exists(preload):
        raise RuntimeError(f"no window dump library: LW_TEST_PRELOAD={preload!r}")
    return {"LD_PRELOAD": " ".join(p for p in (os.environ.get("LD_PRELOAD"), preload) if p),
            "LW_TEST_WINDOW_DUMP": dump, "LW_TEST_WINDOW_SCREENSHOT": screenshot,
            "GSK_RENDERER": "cairo", "GDK_DEBUG": "gl-disable"}


def menu_text(label):
    """A dbusmenu label as a panel shows it: "__" is "_", other "_" mark
    the access key and are not shown."""
    return "_".join(part.replace("_", "") for part in str(label).split("__"))


def local_iso(days_ago=0, hour=13, minute=0):
    """A report time as the service writes it (UTC, ISO 8601): DAYS_AGO
    days before today's local date, at HOUR:MINUTE local time. Relative to
    now, so a test means the same on any day it runs."""
    day = datetime.date.today() - datetime.timedelta(days=days_ago)
    local = datetime.datetime.combine(day, datetime.time(hour, minute)).astimezone()
    return local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def last_checked(iso, now=None):
    """What the window and the tray say of a check at ISO (UTC), in the
    local zone: "Last checked at 13:00", "... yesterday at 13:00", "... on
    21 November at 13:00", with the year only when not this one. Asked
    again at each try, so a test that spans midnight still agrees."""
    when = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    today = (now or datetime.datetime.now().astimezone()).date()
    clock = when.strftime("%H:%M")
    if when.date() == today:
        return "Last checked at " + clock
    if when.date() == today - datetime.timedelta(days=1):
        return "Last checked yesterday at " + clock
    day = when.strftime("%-d %B" if when.year == today.year else "%-d %B %Y")
    return f"Last checked on {day} at {clock}"


def fake_browser(name, profile, status, setting, source, every_page=(), camera_pages=(),
                 engine="chromium", desktop_id=None, path=None, unverified=None, modes=None,
                 stand_in=False):
    """One browser profile of a report's browsers[], as the service's audit
    writes it (src/core/lw-report-json.c): NAME ("Firefox"), PROFILE (or
    None), its STATUS, its SETTING and where it came from (SOURCE), and
    what every page and pages with camera permission see besides. MODES:
    (ordinary, camera) WebRTC modes, by default those of the engine's
    defaults."""
    ordinary, camera = modes or ("mode-2", "mode-1")
    label = f"{name} (profile {profile})" if profile else name
    return {"browser": name.lower(), "name": name, "label": label, "engine": engine,
            "packaging": "native", "desktop_id": desktop_id, "profile": profile, "path": path,
            "stand_in": stand_in, "setting": setting, "source": source, "unverified": unverified,
            "ordinary_mode": ordinary, "ordinary_mdns": ordinary == "mode-2",
            "camera_mode": camera, "camera_mdns": False, "per_destination": engine == "gecko",
            "status": status, "every_page_sees": list(every_page),
            "camera_pages_see": list(camera_pages)}


def fake_report(status, findings, when=None, browsers=()):
    """A whole report, as the service's Report says it, for a FakeService:
    at WHEN (default: today at 13:00), with STATUS and FINDINGS, with a VPN
    up and nothing else seen, and BROWSERS (see fake_browser()). Its
    headline is made by the reader from the status and the findings, as
    for every report."""
    when = when or local_iso()
    return {"version": 1, "time": when, "status": status, "headline": "", "findings": findings,
            "browsers": list(browsers),
            "candidates": [], "stun": [], "public_addresses": [],
            "vpn": {"active": True, "source": "networkmanager", "interfaces": ["tun0"],
                    "connections": [{"name": "Office", "type": "vpn", "interface": "tun0",
                                     "state": "activated"}], "note": None},
            "interfaces": [], "default_addresses": {"ipv4": "10.8.0.2", "ipv6": None},
            "stun_servers": [], "remembered_addresses": [], "timings": {}}


def start_xvfb(spawn, size="1280x800x24"):
    """Starts Xvfb on the first free display (-displayfd), with no TCP
    listener: spawn(args, fd) starts it, passing it the descriptor fd.
    Returns the process and the display's number, or None for the number
    when Xvfb ended before it said one."""
    read_end, write_end = os.pipe()
    try:
        xvfb = spawn(["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-noreset",
                      "-screen", "0", size], write_end)
        os.close(write_end)
        write_end = None
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read_end, 16)
            if not chunk:
                xvfb.wait()
                return xvfb, None
            number += chunk
        return xvfb, int(number)
    finally:
        os.close(read_end)
        if write_end is not None:
            os.close(write_end)


def process_gone(pid):
    """True when PID has exited (a zombie counts: it runs no more)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


class Desktop:
    """Xvfb, a private session bus, a notification daemon and a panel's
    StatusNotifierWatcher."""

    def __init__(self, watcher=True, notifications=True, size="1280x800x24"):
        self.with_watcher = watcher
        self.with_notifications = notifications
        self.size = size
        self.tmp = None
        self.procs = []
        self.xvfb = None
        self.bus_proc = None
        self.watcher = None
        self.notifier = None
        self.bus = None
        self.env = None

    # --- setting up ------------------------------------------------------

    def __enter__(self):
        try:
            return self.up()
        except BaseException:
            self.down()
            raise

    def __exit__(self, *exc):
        self.down()

    def up(self):
        import dbus.mainloop.glib

        from nmmock import connect_bus

        self.tmp = tempfile.mkdtemp(prefix="lw-desktop-")
        for name in ("data", "config", "cache", "runtime", "services"):
            os.makedirs(os.path.join(self.tmp, name), mode=0o700)
        self.display = self._start_xvfb()

        socket_path = os.path.join(self.tmp, "session_bus")
        config = os.path.join(self.tmp, "session.conf")
        with open(config, "w") as f:
            f.write(BUS_CONFIG.format(socket=socket_path, services=self.services_dir))
        self.address = f"unix:path={socket_path}"
        self.bus_proc = self._spawn(["dbus-daemon", "--config-file", config, "--nofork",
                                     "--nopidfile"], "dbus-daemon")
        lwnet._wait_for(lambda: os.path.exists(socket_path), "the private session bus")
        dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
        self.bus = connect_bus(self.address)

        env = dict(os.environ)
        for key in ("WAYLAND_DISPLAY", "XAUTHORITY", "DESKTOP_AUTOSTART_ID", "SESSION_MANAGER",
                    "GTK_MODULES", "DBUS_STARTER_ADDRESS", "DBUS_STARTER_BUS_TYPE"):
            env.pop(key, None)
        env.update({
            "DISPLAY": f":{self.display}",
            "GDK_BACKEND": "x11",
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent",
            "GNOTIFICATION_BACKEND": "freedesktop",
            "NO_AT_BRIDGE": "1",
            "GTK_A11Y": "none",
            "GIO_USE_VFS": "local",
            "GSETTINGS_BACKEND": "keyfile",
            "XDG_DATA_HOME": os.path.join(self.tmp, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "XDG_RUNTIME_DIR": os.path.join(self.tmp, "runtime"),
        })
        supp = os.path.join(self.tmp, "lsan.supp")
        with open(supp, "w") as f:
            f.write(LSAN_SUPPRESSIONS)
        lsan = [o for o in env.get("LSAN_OPTIONS", "").split(":") if o]
        env["LSAN_OPTIONS"] = ":".join(lsan + [f"suppressions={supp}", "print_suppressions=0"])
        self.env = env

        if self.with_notifications:
            self.notifier = self._mock(["-t", "notification_daemon"], NOTIFICATIONS,
                                       "notifications")
        if self.with_watcher:
            self.start_watcher()
        return self

    def down(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    @property
    def services_dir(self):
        """Where a test may put .service files for D-Bus activation."""
        return os.path.join(self.tmp, "services")

    def log_path(self, name):
        return os.path.join(self.tmp, name + ".log")

    def read_log(self, name):
        try:
            with open(self.log_path(name), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _spawn(self, args, log_name, env=None, **kwargs):
        log = open(self.log_path(log_name), "a")
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=lwnet._die_with_parent, **kwargs)
        log.close()
        self.procs.append(proc)
        return proc

    def _start_xvfb(self):
        self.xvfb, number = start_xvfb(
            lambda args, fd: self._spawn(args, "xvfb", pass_fds=(fd,)), self.size)
        if number is None:
            raise RuntimeError("Xvfb did not start:\n" + self.read_log("xvfb"))
        return number

    def _mock(self, args, name, log_name):
        proc = self._spawn([dbusmock_python(), "-m", "dbusmock", "--session"] + args, log_name,
                           env=self.env)
        lwnet._wait_for(lambda: self.bus.name_has_owner(name) or proc.poll() is not None,
                        f"the mock {name}")
        if proc.poll() is not None:
            raise RuntimeError(f"the mock {name} exited:\n" + self.read_log(log_name))
        return proc

    def spawn(self, args, log_name, env=None):
        """Starts a program under test in this session (its output goes
        to log_name's log); it is stopped with the session."""
        return self._spawn(args, log_name, env=dict(self.env, **(env or {})))

    # --- the panel -------------------------------------------------------

    def start_watcher(self):
        template = os.path.join(self.tmp, "sni_watcher.py")
        with open(template, "w") as f:
            f.write(WATCHER_TEMPLATE)
        self.watcher = self._mock(["-t", template], WATCHER, "watcher")

    def stop_watcher(self):
        """Takes the panel away: StatusNotifierItems fall back to XEmbed."""
        if self.watcher is not None and self.watcher.poll() is None:
            self.watcher.terminate()
            self.watcher.wait(timeout=5)
        self.watcher = None
        self.wait(lambda: not self.bus.name_has_owner(WATCHER), "the watcher to leave the bus")

    def registrations(self):
        """Every RegisterStatusNotifierItem call so far: (service, sender)."""
        if self.watcher is None:
            return []
        obj = self.bus.get_object(WATCHER, WATCHER_PATH)
        calls = obj.GetMethodCalls("RegisterStatusNotifierItem", dbus_interface=MOCK)
        return [(str(args[0]), str(args[1])) for _, args in calls]

    def items(self):
        """The registered items whose owner is still on the bus, as
        (bus name, object path), oldest first."""
        if self.watcher is None:
            return []
        obj = self.bus.get_object(WATCHER, WATCHER_PATH)
        registered = obj.Get(WATCHER, "RegisteredStatusNotifierItems", dbus_interface=PROPERTIES)
        found = []
        for entry in registered:
            name, path = str(entry).split("/", 1)
            if self.bus.name_has_owner(name):
                found.append((name, "/" + path))
        return found

    def wait_item(self, seconds=10, exclude=()):
        """The newest registered item not in EXCLUDE, once there is one."""
        self.wait(lambda: [i for i in self.items() if i not in exclude], "a StatusNotifierItem",
                  seconds)
        return [i for i in self.items() if i not in exclude][-1]

    def item_properties(self, item):
        name, path = item
        obj = self.bus.get_object(name, path, introspect=False)
        props = obj.GetAll(ITEM, dbus_interface=PROPERTIES)
        return {str(k): _plain(v) for k, v in props.items()}

    def item_pid(self, item):
        return self.pid_of(item[0])

    def pid_of(self, name):
        daemon = self.bus.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus")
        return int(daemon.GetConnectionUnixProcessID(name, dbus_interface="org.freedesktop.DBus"))

    def menu_layout(self, item):
        """The item's menu as a panel reads it: a tree of
        {"id", "props", "children"}."""
        import dbus
        name = item[0]
        menu_path = self.item_properties(item)["Menu"]
        obj = self.bus.get_object(name, menu_path, introspect=False)
        _, layout = obj.GetLayout(dbus.Int32(0), dbus.Int32(-1), dbus.Array([], signature="s"),
                                  dbus_interface=DBUSMENU)

        def node(entry):
            ident, props, children = entry
            return {"id": int(ident), "props": {str(k): _plain(v) for k, v in props.items()},
                    "children": [node(c) for c in children]}
        return node(layout)

    def menu_entries(self, item):
        """The top-level entries of the item's menu, each a dict with id,
        label (as shown), type, enabled, visible, toggle_type, toggle_state."""
        entries = []
        for child in self.menu_layout(item)["children"]:
            props = child["props"]
            entries.append({
                "id": child["id"],
                "label": menu_text(props.get("label", "")),
                "type": props.get("type", "standard"),
                "enabled": bool(props.get("enabled", True)),
                "visible": bool(props.get("visible", True)),
                "toggle_type": props.get("toggle-type", ""),
                "toggle_state": props.get("toggle-state", -1),
            })
        return entries

    def click(self, item, entry_id):
        """Clicks a menu entry, as a panel does: an Event on the dbusmenu."""
        import dbus
        name = item[0]
        menu_path = self.item_properties(item)["Menu"]
        obj = self.bus.get_object(name, menu_path, introspect=False)
        obj.Event(dbus.Int32(entry_id), "clicked", dbus.String("", variant_level=1),
                  dbus.UInt32(int(time.time())), dbus_interface=DBUSMENU)

    # --- a stand-in for the service --------------------------------------

    def start_fake_service(self):
        """Puts a FakeService on the bus, in place of `leakwatch`."""
        template = os.path.join(self.tmp, "fake_service.py")
        with open(template, "w") as f:
            f.write(FAKE_SERVICE_TEMPLATE)
        return FakeService(self, self._mock(["-t", template], FakeService.NAME, "fake-service"))

    # --- notifications ---------------------------------------------------

    def notifications(self):
        """The Notify calls so far: (summary, body, actions, hints)."""
        obj = self.bus.get_object(NOTIFICATIONS, NOTIFICATIONS_PATH)
        return [(str(a[3]), str(a[4]), [str(x) for x in a[5]], _plain(a[6]))
                for _, a in obj.GetMethodCalls("Notify", dbus_interface=MOCK)]

    # --- waiting ---------------------------------------------------------

    def wait(self, predicate, what, seconds=10):
        """Runs the GLib main loop until PREDICATE holds, so signals arrive."""
        from gi.repository import GLib
        context = GLib.MainContext.default()
        deadline = time.monotonic() + seconds
        while True:
            while context.pending():
                context.iteration(False)
            if predicate():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.02)


# --- the service, as a front end reads it --------------------------------------

def service_state(bus, action):
    """The state of the service's action ACTION (e.g. "status")."""
    _, _, state = bus.get_object(SERVICE, SERVICE_PATH).Describe(action, dbus_interface=ACTIONS)
    return _plain(state[0]) if state else None


def service_report(bus):
    """The service's Report, parsed; None before its first check."""
    import json
    obj = bus.get_object(SERVICE, SERVICE_PATH)
    text = str(obj.Get(MONITOR, "Report", dbus_interface=PROPERTIES))
    return json.loads(text) if text else None


class ServiceSession:
    """lwnet's network, a headless desktop, and the service in it, started
    with the network's servers. Subclasses set TIMEOUT (the service's
    --timeout) and may give the service more environment (service_env())."""

    TIMEOUT = "3"
    SETTLE_SECONDS = 30

    def __init__(self):
        self.net = lwnet.Net()
        self.desktop = Desktop()
        self.service = None
        self.starts = 0

    def __enter__(self):
        self.net.__enter__()
        try:
            self.desktop.__enter__()
            self.d = self.desktop
            self.prepare()
            self.start_service()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.stop_service()
        self.desktop.__exit__(*exc)
        self.net.__exit__(*exc)

    def prepare(self):
        """Called once the desktop is up, before the service starts."""

    def service_env(self):
        return {}

    def args(self):
        return ["--gapplication-service",
                "--stun", self.net.stun(4), "--stun", self.net.stun(6),
                "--ip-url", self.net.echo_url("/", 4), "--ip-url", self.net.echo_url("/json", 6),
                "--ip-url", self.net.echo_url("/slow", 4),
                "--ca-file", self.net.ca, "--timeout", self.TIMEOUT, "--interval", "3600"]

    def start_service(self, env=None, wrapper=()):
        """Starts the service (its output in the log "service-N"), through
        WRAPPER if given (such as prlimit and its options)."""
        from tap import expect
        self.starts += 1
        self.log = f"service-{self.starts}"
        self.service = self.d.spawn(list(wrapper) + [lwnet.leakwatch()] + self.args(), self.log,
                                    env=dict(self.service_env(), **(env or {})))
        self.d.wait(lambda: self.d.bus.name_has_owner(SERVICE) or self.service.poll() is not None,
                    "the service on the bus")
        expect(self.service.poll() is None, "the service exited:\n" + self.d.read_log(self.log))

    def stop_service(self):
        if self.service is not None and self.service.poll() is None:
            self.service.terminate()
            self.service.wait(timeout=10)

    def obj(self):
        return self.d.bus.get_object(SERVICE, SERVICE_PATH)

    def state(self, action):
        return service_state(self.d.bus, action)

    def status(self):
        return self.state("status")

    def report(self):
        return service_report(self.d.bus)

    def settled_report(self):
        """The latest report, once no check is running."""
        self.d.wait(lambda: self.report() is not None and self.status() != "checking",
                    "a finished check", seconds=self.SETTLE_SECONDS)
        return self.report()

    def check_now(self):
        self.obj().CheckNow(dbus_interface=MONITOR)

    def sanitizer_reports(self, log=None):
        """Reports of AddressSanitizer, LeakSanitizer or UBSan in a log (the
        service's: the programs it starts write theirs there)."""
        lines = self.d.read_log(log or self.log).splitlines()
        found = [i for i, line in enumerate(lines)
                 if "Sanitizer" in line or "runtime error:" in line]
        if not found:
            return []
        # The report with its stacks, so a failure in CI can be read there.
        return lines[found[0]:found[0] + 200]


class FakeService:
    """The service's bus API with the verdicts a test sets: status (the
    action), Report, and actions that come and go. It records what front
    ends ask of it (activations(), state_requests())."""

    NAME = "io.github.leakwatch.Leakwatch"
    PATH = "/io/github/leakwatch/Leakwatch"
    CONTROL = "io.github.leakwatch.Test"

    def __init__(self, desktop, proc):
        self.desktop = desktop
        self.proc = proc

    def _obj(self):
        return self.desktop.bus.get_object(self.NAME, self.PATH)

    def set_report(self, report):
        """REPORT: a dict (sent as JSON, its status as Status), or a string
        sent as it is (Status is then "unknown")."""
        import json
        text = report if isinstance(report, str) else json.dumps(report)
        status = "unknown" if isinstance(report, str) else report["status"]
        self._obj().SetReport(text, status, dbus_interface=self.CONTROL)

    def set_changes(self, changes):
        """What GetChanges returns from now on (a list, sent as JSON), and
        HistoryChanged."""
        import json
        self._obj().SetChanges(json.dumps(changes), dbus_interface=self.CONTROL)

    def set_action(self, name, enabled=True, state=None):
        """Adds the action NAME, or changes it; STATE None: stateless."""
        import dbus
        states = dbus.Array([] if state is None else [state], signature="v")
        self._obj().SetAction(name, enabled, states, dbus_interface=self.CONTROL)

    def set_status(self, status):
        self.set_action("status", True, status)

    def remove_action(self, name):
        self._obj().RemoveAction(name, dbus_interface=self.CONTROL)

    def get_changes_calls(self):
        """How many times a front end asked for the history (GetChanges)."""
        return len(self._obj().GetMethodCalls("GetChanges", dbus_interface=MOCK))

    def browser_tests(self):
        """The browsers a front end asked the test page for, in order."""
        return [str(args[0]) for _, args in
                self._obj().GetMethodCalls("StartBrowserTest", dbus_interface=MOCK)]

    def activations(self):
        """The actions activated so far, by name, in order."""
        return [str(args[0]) for _, args in
                self._obj().GetMethodCalls("Activate", dbus_interface=MOCK)]

    def state_requests(self):
        """The states asked for so far: (action, value)."""
        return [(str(args[0]), _plain(args[1])) for _, args in
                self._obj().GetMethodCalls("SetState", dbus_interface=MOCK)]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=5)


def _plain(value):
    """dbus-python values as plain Python ones."""
    import dbus
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath, dbus.Signature)):
        return str(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32,
                          dbus.UInt64)):
        return int(value)
    if isinstance(value, dbus.Double):
        return float(value)
    if isinstance(value, (dbus.Array, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (dbus.Struct, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (dbus.Dictionary, dict)):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value

