#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
""""Test in my browser", end to end, with real browsers in the lab.

In the lab's client namespace (tests/lab/lab.sh), each case starts
Leakwatch's service on a private session bus, in a mount namespace of its
own (tests/lab/confirm-run.py), with a temporary HOME whose
.local/share/applications overrides the browser's desktop entry: its Exec
is a wrapper that puts the real headless browser in a process group of its
own and says which, so that it can be killed whole afterwards. Then
`leakwatch --test-browser DESKTOP-ID` asks the service for its test page,
launches that entry on it, and prints what the page showed, judged; the
service's Report keeps it in confirmations[].

- splitvpn (the STUN server routed around the VPN), Chromium's defaults:
  198.51.100.7 is visible to every page;
- splitvpn, Chromium with the managed policy disable_non_proxied_udp (a
  tmpfs over /etc/chromium, which the service's audit reads too): no
  srflx candidate, nothing real, and the audit agrees;
- splitvpn, Firefox ESR's defaults: Firefox binds to the default address,
  so its ordinary page shows nothing outside the tunnel;
- protected, Chromium's defaults: nothing outside the tunnel.
"""

import json
import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from lablib import leftovers, point, require_lab  # noqa: E402
from lwdesktop import dbusmock_python  # noqa: E402
from tap import expect, print_results, skip_all  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")
RUN = os.path.join(HERE, "confirm-run.py")
PREFIX = "lw-confirm"
ISP4 = "198.51.100.7"

CHROMIUM = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking"]

WRAPPER = """#!%(python)s
# The browser, in a process group of its own, which it records.
import os
import sys

try:
    os.setsid()
except PermissionError:
    pass   # it leads its process group already
log = os.open(%(log)r, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
os.dup2(log, 1)
os.dup2(log, 2)
with open(%(pgid)r + ".new", "w") as f:
    f.write(str(os.getpgid(0)))
os.rename(%(pgid)r + ".new", %(pgid)r)
argv = %(argv)r + sys.argv[1:]
os.execvp(argv[0], argv)
"""


def make_home(tmp, number, browser):
    """A temporary HOME with BROWSER's desktop entry overridden by the
    wrapper. Returns (home, desktop_id, pgid_file)."""
    home = os.path.join(tmp, f"home-{number}")
    shutil.rmtree(home, ignore_errors=True)
    applications = os.path.join(home, ".local", "share", "applications")
    os.makedirs(applications)
    os.makedirs(os.path.join(home, ".config", "chromium"))
    if browser == "chromium":
        argv = CHROMIUM + [f"--user-data-dir={os.path.join(home, '.config', 'chromium')}"]
        desktop_id, name, field = "chromium.desktop", "Chromium", "%U"
    else:
        profile = os.path.join(home, ".mozilla", "firefox", "lab.default")
        os.makedirs(profile)
        with open(os.path.join(home, ".mozilla", "firefox", "profiles.ini"), "w") as f:
            f.write("[Profile0]\nName=lab\nIsRelative=1\nPath=lab.default\nDefault=1\n")
        with open(os.path.join(profile, "user.js"), "w") as f:
            f.write("")
        argv = ["firefox-esr", "--headless", "--no-remote", "--profile", profile]
        desktop_id, name, field = "firefox-esr.desktop", "Firefox ESR", "%u"
    pgid_file = os.path.join(home, "browser.pgid")
    wrapper = os.path.join(home, "browser-wrapper")
    with open(wrapper, "w") as f:
        f.write(WRAPPER % {"python": sys.executable, "log": os.path.join(home, "browser.log"),
                           "pgid": pgid_file, "argv": argv})
    os.chmod(wrapper, 0o755)
    with open(os.path.join(applications, desktop_id), "w") as f:
        f.write(f"[Desktop Entry]\nType=Application\nName={name}\nExec={wrapper} {field}\n"
                "Terminal=false\nCategories=Network;WebBrowser;\n")
    return home, desktop_id, pgid_file


def run(env, leakwatch, args, tmp, number, browser, policy, strays):
    """One --test-browser in the client namespace: what confirm-run.py
    says, with the CLI's summary line and the confirmation it left."""
    home, desktop_id, pgid_file = make_home(tmp, number, browser)
    setup = {"home": home, "policy": policy, "leakwatch": [leakwatch] + args,
             "desktop_id": desktop_id, "pgid_file": pgid_file, "dbusmock_python": dbusmock_python()}
    path = home + ".json"
    with open(path, "w") as f:
        json.dump(setup, f)
    proc = subprocess.run([LAB, "exec", "unshare", "-m", "dbus-run-session", "--", sys.executable, RUN, path],
                          env=env, capture_output=True, text=True, timeout=240)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise AssertionError(f"confirm-run.py failed ({proc.returncode}): {proc.stderr[-2000:]}")
    out = json.loads(proc.stdout)
    strays.extend(out["strays"])

    def browser_log():
        try:
            with open(os.path.join(home, "browser.log"), errors="replace") as f:
                return f.read()[-1500:]
        except OSError:
            return "(no browser log)"

    if out["error"]:
        raise AssertionError(f"{out['error']}\nservice log:\n{out['service_log']}")
    cli = out["cli"]
    lines = cli["stdout"].splitlines()
    expect(cli["rc"] == 0 and len(lines) == 2,
           f"--test-browser printed the address and one summary (exit {cli['rc']}): {cli['stdout']!r}\n"
           f"stderr: {cli['stderr']}\nservice log:\n{out['service_log']}\nbrowser log:\n{browser_log()}")
    expect(lines[0].startswith("http://127.0.0.1:"), f"the first line is the page's address: {lines[0]!r}")
    expect(out["pgid"] is not None, "the desktop entry's wrapper started the browser")
    confirmations = [c for c in out["report"].get("confirmations", [])
                     if c["desktop_id"] == desktop_id and not c["camera"]]
    expect(len(confirmations) == 1, f"the Report has one confirmation for {desktop_id}", out["report"])
    c = confirmations[0]
    expect(c["summary"] == lines[1], f"the Report's summary is the one printed: {c['summary']!r}")
    print(f"# {browser}: {lines[1]!r} after {cli.get('seconds')} s; candidates {c['candidates']}; real {c['real']}, local {c['local']}, "
          f"unexpected {c['unexpected']}", flush=True)
    return lines[1], c, out["report"]


def chromium_defaults_split(env, leakwatch, args, tmp, strays):
    summary, c, _ = run(env, leakwatch, args, tmp, 1, "chromium", None, strays)
    expect("confirmed in Chromium" in summary and f"{ISP4} visible to every page" in summary,
           f"the summary names {ISP4}: {summary!r}")
    expect(ISP4 in c["real"], f"real has {ISP4}: {c['real']}")
    expect(not c["unexpected"], f"nothing unexpected: {c['unexpected']}")


def chromium_policy_split(env, leakwatch, args, tmp, strays):
    summary, c, report = run(env, leakwatch, args, tmp, 2, "chromium",
                             {"WebRtcIPHandling": "disable_non_proxied_udp"}, strays)
    expect("confirmed in Chromium" in summary, f"the summary confirms the audit: {summary!r}")
    expect(not [line for line in c["candidates"] if "typ srflx" in line],
           f"no srflx candidate: {c['candidates']}")
    expect(not c["real"] and not c["unexpected"], f"nothing real, nothing unexpected: {c}")
    entries = [b for b in report["browsers"] if b["browser"] == "chromium" and b["packaging"] == "native"]
    expect(entries, "the audit has Chromium", report["browsers"])
    for b in entries:
        expect(b["setting"] == "disable_non_proxied_udp" and not b["every_page_sees"],
               f"the audit reads the policy and predicts nothing for every page: {b['label']}: "
               f"{b['setting']!r}, {b['every_page_sees']}")


def firefox_defaults_split(env, leakwatch, args, tmp, strays):
    summary, c, _ = run(env, leakwatch, args, tmp, 3, "firefox-esr", None, strays)
    expect("confirmed in Firefox ESR" in summary and "nothing outside the tunnel" in summary,
           f"Firefox ESR's ordinary page shows nothing outside the tunnel: {summary!r}")
    expect(not c["real"] and not c["unexpected"], f"nothing real, nothing unexpected: {c}")


def chromium_defaults_protected(env, leakwatch, args, tmp, strays):
    summary, c, _ = run(env, leakwatch, args, tmp, 4, "chromium", None, strays)
    # "Chromium", or "Chromium (profile Default, ...)" once the audit has
    # seen the profile the browser just made.
    expect(summary.startswith("confirmed in Chromium") and summary.endswith(": nothing outside the tunnel"),
           f"the summary: {summary!r}")
    expect(not c["real"] and not c["unexpected"], f"nothing real, nothing unexpected: {c}")


SCENARIOS = [
    ("splitvpn", [
        ("splitvpn, Chromium defaults: 198.51.100.7 visible to every page", chromium_defaults_split),
        ("splitvpn, Chromium policy disable_non_proxied_udp: no srflx, as the audit says", chromium_policy_split),
        ("splitvpn, Firefox ESR defaults: nothing outside the tunnel", firefox_defaults_split),
    ]),
    ("protected", [
        ("protected, Chromium defaults: nothing outside the tunnel", chromium_defaults_protected),
    ]),
]
POINTS = sum(len(cases) for _, cases in SCENARIOS) + 1


def main():
    require_lab()
    missing = [b for b in ("chromium", "firefox-esr", "unshare", "dbus-run-session", "busctl")
               if not shutil.which(b)]
    if not dbusmock_python():
        missing.append("python3-dbusmock")
    if missing:
        skip_all("the browser test end to end needs " + ", ".join(missing))

    tmp = f"/tmp/{PREFIX}"
    env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=tmp, PYTHON=sys.executable)
    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))

    def down(*_):
        subprocess.run([LAB, "down"], env=env, capture_output=True)
        if _:
            sys.exit(130)

    signal.signal(signal.SIGINT, down)
    signal.signal(signal.SIGTERM, down)

    print(f"1..{POINTS}", flush=True)
    results = []
    strays = []
    for scenario, cases in SCENARIOS:
        reached = len(results)
        try:
            up = subprocess.run([LAB, "up", scenario], env=env, capture_output=True, text=True)
            if up.returncode != 0:
                raise RuntimeError(f"lab.sh up {scenario} failed:\n{up.stderr}")
            args = subprocess.run([LAB, "args"], env=env, capture_output=True, text=True,
                                  check=True).stdout.split()
            for name, fn in cases:
                point(results, name, lambda fn=fn: fn(env, leakwatch, args, tmp, strays))
        except Exception as e:  # noqa: BLE001 - reported as failed test points
            while len(results) < reached + len(cases):
                results.append((False, f"{cases[len(results) - reached][0]}: lab run: {e}"))
        finally:
            down()

    spaces, procs = leftovers(PREFIX)
    results.append((not spaces and not procs and not strays,
                    f"no leftovers (namespaces {spaces}, processes {procs}, "
                    f"browser processes outside their group {strays})"))
    return print_results(results, POINTS)


if __name__ == "__main__":
    sys.exit(main())
