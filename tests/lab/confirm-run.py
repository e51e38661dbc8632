#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One "Test in my browser" run, in the lab's client namespace.

    unshare -m dbus-run-session -- confirm-run.py SETUP.json

Runs as root in a mount namespace of its own (the caller's `unshare -m`),
inside the lab's client network namespace (`lab.sh exec`), on a private
session bus (`dbus-run-session`). SETUP says:

    {"home": HOME, "policy": {...} or null,   # Chromium's managed policy
     "leakwatch": [argv... with the lab's server options],
     "desktop_id": "chromium.desktop", "pgid_file": FILE,
     "dbusmock_python": a Python that has python-dbusmock}

A leak is notified: python-dbusmock's notification daemon takes the
notifications on the bus. HOME already holds the desktop entry (in .local/share/applications) whose
wrapper records the browser's process group in FILE. This puts the policy
where Chromium reads it (a tmpfs over /etc/chromium, seen by this
namespace only), starts the service with HOME and the XDG folders in it
(so that its audit reads the same profiles), waits for its first Report,
then runs `leakwatch --test-browser DESKTOP-ID`. Afterwards it stops the
service and kills the browser's whole process group; any process left with
HOME in its environment is a stray (named, then killed). Prints
{"cli": {...}, "report": ..., "strays": [...], "service_log": ...}.
"""

import json
import os
import signal
import subprocess
import sys
import time

APP_ID = "io.github.leakwatch.Leakwatch"
PATH = "/io/github/leakwatch/Leakwatch"
MONITOR = "io.github.leakwatch.Monitor1"


def report(env):
    """The service's Report, parsed; None before its first one, or while
    the service is not on the bus."""
    got = subprocess.run(["busctl", "--user", "--json=short", "get-property", APP_ID, PATH, MONITOR,
                          "Report"], env=env, capture_output=True, text=True, timeout=30)
    if got.returncode != 0:
        return None
    text = json.loads(got.stdout)["data"]
    return json.loads(text) if text else None


def has_owner(env, name):
    got = subprocess.run(["busctl", "--user", "--json=short", "call", "org.freedesktop.DBus",
                          "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", name],
                         env=env, capture_output=True, text=True, timeout=30)
    return got.returncode == 0 and json.loads(got.stdout)["data"] == [True]


def group_alive(pgid):
    """The processes still in process group PGID."""
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces.
        fields = stat[stat.rfind(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            alive.append(int(pid))
    return alive


def strays(home):
    """Processes of this test's HOME: their environment has it, or their
    command line names a file in it."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            continue
        if f"HOME={home}".encode() in environ or home + "/" in cmd:
            found.append((int(pid), cmd.strip()))
    return found


def kill_browser(pgid_file):
    """Kills the browser's process group, as its wrapper recorded it, and
    waits until none of it is left."""
    try:
        with open(pgid_file) as f:
            pgid = int(f.read())
    except (OSError, ValueError):
        return None
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + 10
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not group_alive(pgid):
            break
    return pgid


def main():
    with open(sys.argv[1]) as f:
        setup = json.load(f)
    home = setup["home"]
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"),
               XDG_STATE_HOME=os.path.join(home, ".local", "state"),
               DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent", GNOTIFICATION_BACKEND="freedesktop")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "BROWSER"):
        env.pop(name, None)
    out = {"cli": None, "report": None, "before": None, "strays": [], "service_log": "", "error": None}

    # This mount namespace only: nothing of the host's /etc changes. The
    # service runs here too, so its audit reads the same policy.
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/etc/chromium"], check=True)
    if setup.get("policy") is not None:
        os.makedirs("/etc/chromium/policies/managed")
        with open("/etc/chromium/policies/managed/leakwatch-lab.json", "w") as f:
            json.dump(setup["policy"], f)

    notifier = subprocess.Popen([setup["dbusmock_python"], "-m", "dbusmock", "--session", "-t",
                                 "notification_daemon"], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not has_owner(env, "org.freedesktop.Notifications") and time.monotonic() < deadline:
        time.sleep(0.1)

    log_path = os.path.join(home, "service.log")
    with open(log_path, "w") as log:
        service = subprocess.Popen(setup["leakwatch"][:1] + ["--gapplication-service", "--interval", "3600"] +
                                   setup["leakwatch"][1:], env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and service.poll() is None:
            current = report(env)
            if current and current.get("status"):
                out["before"] = current
                break
            time.sleep(0.2)
        if out["before"] is None:
            out["error"] = ("the service ended" if service.poll() is not None
                            else "the service gave no Report in 90 s")
        else:
            try:
                # How long a user waits from the click to the answer: the
                # browser's start, the page, its gathering, the judgement.
                started = time.monotonic()
                cli = subprocess.run(setup["leakwatch"][:1] + ["--test-browser", setup["desktop_id"]],
                                     env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                     timeout=120)
                out["cli"] = {"rc": cli.returncode, "stdout": cli.stdout, "stderr": cli.stderr[-3000:],
                              "seconds": round(time.monotonic() - started, 1)}
            except subprocess.TimeoutExpired as e:
                partial = e.stdout or b""
                out["cli"] = {"rc": None, "stderr": "timed out after 120 s",
                              "stdout": partial.decode(errors="replace") if isinstance(partial, bytes) else partial}
            out["report"] = report(env)
    finally:
        if service.poll() is None:
            service.terminate()
            try:
                service.wait(30)
            except subprocess.TimeoutExpired:
                service.kill()
                service.wait()
        out["service_rc"] = service.returncode
        notifier.terminate()
        notifier.wait()
        out["pgid"] = kill_browser(setup["pgid_file"])
        # Whatever of the browser escaped its process group: named, then killed.
        left = strays(home)
        out["strays"] = [cmd for _, cmd in left]
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        with open(log_path, errors="replace") as f:
            out["service_log"] = f.read()[-3000:]
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
