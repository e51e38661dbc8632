#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ground truth: what the real browsers expose is what the audit predicts.

In the lab's split tunnel (tests/lab/lab.sh: the STUN server is routed
around the VPN), each case writes a browser setting the way the audit
reads it: Chromium's managed policy (in a mount namespace of its own, over
/etc/chromium) or a profile's Preferences; Firefox ESR's user.js. Then
`leakwatch --browsers --json` says what that browser's ordinary pages
see, and Debian's real headless browser opens a page that gathers ICE
candidates against the lab's STUN servers and posts them to a loopback
server (tests/lab/browser-gather.py). The addresses the page got (every
srflx, and every host address not hidden behind an mDNS name), less the
VPN's own exit, must be exactly the ones the audit predicted.
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
from tap import print_results, skip_all  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")
GATHER = os.path.join(HERE, "browser-gather.py")
PREFIX = "lw-browsers"
EXITS = {"203.0.113.51", "2001:db8:51::1"}
STUN = ["203.0.113.1:3478", "[2001:db8:113::1]:3478"]

# (name, browser, Chromium policy, Chromium Preferences, Firefox user.js,
#  the setting the audit must read, its label)
CASES = [
    ("Chromium, defaults", "chromium", None, None, None, "default", "Chromium"),
    ("Chromium, policy default_public_and_private_interfaces", "chromium",
     {"WebRtcIPHandling": "default_public_and_private_interfaces"}, None, None,
     "default_public_and_private_interfaces", "Chromium"),
    ("Chromium, policy default_public_interface_only", "chromium",
     {"WebRtcIPHandling": "default_public_interface_only"}, None, None,
     "default_public_interface_only", "Chromium"),
    ("Chromium, policy disable_non_proxied_udp", "chromium",
     {"WebRtcIPHandling": "disable_non_proxied_udp"}, None, None,
     "disable_non_proxied_udp", "Chromium"),
    ("Chromium, Preferences default_public_interface_only", "chromium", None,
     {"webrtc": {"ip_handling_policy": "default_public_interface_only"}}, None,
     "default_public_interface_only", "Chromium (profile Default)"),
    ("Firefox ESR, defaults", "firefox-esr", None, None, "", "default", "Firefox ESR (profile lab)"),
    ("Firefox ESR, default_address_only and no_host", "firefox-esr", None, None,
     'user_pref("media.peerconnection.ice.default_address_only", true);\n'
     'user_pref("media.peerconnection.ice.no_host", true);\n',
     "default_address_only, no_host", "Firefox ESR (profile lab)"),
    ("Firefox ESR, media.peerconnection.enabled=false", "firefox-esr", None, None,
     'user_pref("media.peerconnection.enabled", false);\n',
     "media.peerconnection.enabled=false", "Firefox ESR (profile lab)"),
]


def exposed(candidates):
    """What a page got: srflx addresses, and host addresses not hidden
    behind an mDNS name."""
    seen = set()
    for line in candidates:
        words = line.split()
        if len(words) < 8 or words[6] != "typ":
            continue
        address, kind = words[4], words[7]
        if kind == "srflx" or (kind == "host" and not address.endswith(".local")):
            seen.add(address)
    return seen


def run_case(env, leakwatch, args, tmp, case):
    name, browser, policy, prefs, user_js, setting, label = case
    home = os.path.join(tmp, "home-" + str(CASES.index(case)))
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(os.path.join(home, ".config", "chromium"))
    setup = {"home": home, "browser": browser, "policy": policy, "stun": STUN,
             "leakwatch": [leakwatch] + args}
    if prefs is not None:
        os.makedirs(os.path.join(home, ".config", "chromium", "Default"))
        with open(os.path.join(home, ".config", "chromium", "Default", "Preferences"), "w") as f:
            json.dump(prefs, f)
    if user_js is not None:
        profile = os.path.join(home, ".mozilla", "firefox", "lab.default")
        os.makedirs(profile)
        with open(os.path.join(home, ".mozilla", "firefox", "profiles.ini"), "w") as f:
            f.write("[Profile0]\nName=lab\nIsRelative=1\nPath=lab.default\nDefault=1\n")
        with open(os.path.join(profile, "user.js"), "w") as f:
            f.write(user_js)
        setup["profile"] = profile
    path = home + ".json"
    with open(path, "w") as f:
        json.dump(setup, f)

    proc = subprocess.run([LAB, "exec", "unshare", "-m", sys.executable, GATHER, path], env=env,
                          capture_output=True, text=True, timeout=180)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise AssertionError(f"the gather failed ({proc.returncode}): {proc.stderr[-1500:]}")
    out = json.loads(proc.stdout)
    if out["audit"] is None:
        raise AssertionError(f"leakwatch --browsers said nothing: {out['audit_stderr']}")
    entry = next((b for b in out["audit"]["browsers"] if b["label"] == label), None)
    if entry is None:
        raise AssertionError(f"the audit has no {label!r}: {[b['label'] for b in out['audit']['browsers']]}")
    if entry["setting"] != setting:
        raise AssertionError(f"the audit read {entry['setting']!r} ({entry['source']}), not {setting!r}")

    got = exposed(out["candidates"]) - EXITS
    predicted = set(entry["every_page_sees"])
    print(f"# {name}: the page got {sorted(exposed(out['candidates']))}"
          f"{' (' + out['error'] + ')' if out['error'] else ''}; predicted {sorted(predicted)}", flush=True)
    if setting == "media.peerconnection.enabled=false":
        if "RTCPeerConnection" not in (out["error"] or ""):
            raise AssertionError(f"WebRTC was not off in the page: {out}")
    elif out["error"]:
        raise AssertionError(f"the page could not gather: {out['error']} {out.get('browser_stderr', '')}")
    if got != predicted:
        raise AssertionError(f"the browser exposed {sorted(got)}, the audit predicted {sorted(predicted)}")


def main():
    require_lab()
    missing = [b for b in ("chromium", "firefox-esr", "unshare") if not shutil.which(b)]
    if missing:
        skip_all("the browsers' ground truth needs " + ", ".join(missing))

    tmp = f"/tmp/{PREFIX}"
    env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=tmp, PYTHON=sys.executable)
    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))

    def down(*_):
        subprocess.run([LAB, "down"], env=env, capture_output=True)
        if _:
            sys.exit(130)

    signal.signal(signal.SIGINT, down)
    signal.signal(signal.SIGTERM, down)

    print(f"1..{len(CASES) + 1}", flush=True)
    results = []
    try:
        up = subprocess.run([LAB, "up", "splitvpn"], env=env, capture_output=True, text=True)
        if up.returncode != 0:
            raise RuntimeError(f"lab.sh up splitvpn failed:\n{up.stderr}")
        args = subprocess.run([LAB, "args"], env=env, capture_output=True, text=True,
                              check=True).stdout.split()
        for case in CASES:
            point(results, f"{case[0]}: the page exposes what the audit predicts",
                  lambda case=case: run_case(env, leakwatch, args, tmp, case))
    except Exception as e:  # noqa: BLE001 - reported as failed test points
        while len(results) < len(CASES):
            results.append((False, f"lab run: {e}"))
    finally:
        down()

    spaces, procs = leftovers(PREFIX)
    results.append((not spaces and not procs,
                    f"no leftovers (namespaces {spaces}, processes {procs})"))
    return print_results(results, len(CASES) + 1)


if __name__ == "__main__":
    sys.exit(main())
