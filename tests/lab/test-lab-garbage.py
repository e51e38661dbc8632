#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Never green from garbage, behind a real VPN (the lab's `protected`).

Servers that answer what no server could have seen: a STUN server that
maps every request to 0.0.0.0, a loopback, multicast, broadcast or
link-local address, an address of the other family or of family 0; an
address service that answers such an address, a private one, or that
redirects to plain http://. Each case replaces the IPv4 STUN server or
address service only; IPv6 keeps the real ones, so the check is complete
but for the garbage. A control case with the real servers is green, so
green is possible here, and never comes from garbage.

Needs root (tests/lab/lab.sh); without it, skipped with the reason.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from lablib import leftovers, point, require_lab  # noqa: E402
from tap import expect, print_results  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")
SERVERS = os.path.join(os.path.dirname(HERE), "servers")
PREFIX = "lw-junk"
STUN4, STUN6 = "203.0.113.1", "2001:db8:113::1"
ECHO4, ECHO6 = "203.0.113.5", "2001:db8:113::5"
EXIT4 = "203.0.113.51"
EXIT_CODES = {"protected": 0, "leak": 1, "warning": 2, "unprotected": 3, "unknown": 4}

# What a STUN server may map a request to, and the words that must say why not.
STUN_GARBAGE = [
    ("0.0.0.0", "unspecified"),
    ("127.0.0.1", "loopback"),
    ("224.0.0.1", "multicast"),
    ("255.255.255.255", "broadcast"),
    ("169.254.7.7", "link-local"),
    ("2001:db8::99", "IPv6 address, to an IPv4 request"),
    ("::ffff:127.0.0.1", "loopback"),
    ("family0", ""),
]
# What an address service may answer, and the words that must say why not.
HTTPS_GARBAGE = [
    ("0.0.0.0", "unspecified"),
    ("127.0.0.1", "loopback"),
    ("224.0.0.1", "multicast"),
    ("255.255.255.255", "broadcast"),
    ("10.8.0.2", "private address"),
    ("192.168.1.23", "private address"),
    ("100.64.0.1", "private address"),
    ("169.254.7.7", "link-local"),
    ("2001:db8::99", "IPv6 address, to an IPv4 request"),
    ("fe80::1", "IPv6 address, to an IPv4 request"),
]
POINTS = 1 + len(STUN_GARBAGE) + len(HTTPS_GARBAGE) + 3 + 1


def main():
    require_lab()
    # A history of the lab's own, never the user's.
    env = dict(os.environ, LW_LAB=PREFIX, LW_LAB_DIR=f"/tmp/{PREFIX}", PYTHON=sys.executable,
               XDG_DATA_HOME=f"/tmp/{PREFIX}-data")
    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))
    ca = f"/tmp/{PREFIX}/ca.pem"
    results = []
    fakes = []
    print(f"1..{POINTS}", flush=True)

    def fake_stun(answer, port):
        ready = f"/tmp/{PREFIX}/fake-stun-{port}.ready"
        fakes.append(subprocess.Popen(
            ["ip", "netns", "exec", f"{PREFIX}-inet", sys.executable,
             os.path.join(SERVERS, "fake-stun.py"), "--bind", STUN4, "--port", str(port),
             "--answer", answer, "--ready-file", ready],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while not os.path.exists(ready) and time.monotonic() < deadline:
            time.sleep(0.05)
        return f"{STUN4}:{port}"

    def check(stun4=None, url4=None):
        args = ["--stun", stun4 or f"{STUN4}:3478", "--stun", f"[{STUN6}]:3478",
                "--ip-url", url4 or f"https://{ECHO4}/", "--ip-url", f"https://[{ECHO6}]/json",
                "--ca-file", ca]
        proc = subprocess.run([LAB, "exec", leakwatch, "--check", "--json"] + args, env=env,
                              capture_output=True, text=True, timeout=60)
        report = json.loads(proc.stdout) if proc.stdout.strip() else None
        expect(report is not None, f"a report (exit {proc.returncode}): {proc.stderr}")
        expect(proc.returncode == EXIT_CODES[report["status"]],
               f"exit {proc.returncode} for {report['status']}")
        return report

    def never_green(report, what):
        # Unknown; a warning when the check before was green (the history
        # remembers it), as an incomplete check after a green one is.
        expect(report["status"] in ("unknown", "warning"),
               f"{what}: unknown, not {report['status']}: {report['headline']}")
        expect(not any(f["level"] == "leak" for f in report["findings"]),
               f"{what}: no leak made of garbage: {[f['summary'] for f in report['findings']]}")

    try:
        subprocess.run([LAB, "up", "protected"], env=env, check=True, capture_output=True)

        def control():
            report = check()
            expect(report["status"] == "protected", f"the real servers: {report['headline']}")
        point(results, "with the real servers, the VPN is protected: green is possible here", control)

        for n, (answer, words) in enumerate(STUN_GARBAGE):
            def stun_case(answer=answer, words=words, port=3600 + n):
                report = check(stun4=fake_stun(answer, port))
                never_green(report, f"STUN answering {answer}")
                bad = [s for s in report["stun"] if s["server"] == f"{STUN4}:{port}"]
                expect(bad and all(s["result"] != "answered" for s in bad),
                       f"no answer counted from it: {bad}")
                if words:
                    expect(any(words in (s["error"] or "") for s in bad if s["probe"] == "browser"),
                           f"the reason names it ({words!r}): {[s['error'] for s in bad]}")
                expect(not any(c["type"] == "srflx" and c["server"] == f"{STUN4}:{port}"
                               for c in report["candidates"]), "and no candidate from it")
            point(results, f"a STUN server that maps to {answer} is never evidence", stun_case)

        for answer, words in HTTPS_GARBAGE:
            def https_case(answer=answer, words=words):
                url = f"https://{ECHO4}/fixed/" + urllib.parse.quote(answer)
                report = check(url4=url)
                never_green(report, f"HTTPS answering {answer}")
                bad = [p for p in report["public_addresses"] if p["url"] == url]
                expect(bad and all(p["result"] == "bad-reply" and words in (p["error"] or "")
                                   for p in bad), f"refused, saying why ({words!r}): {bad}")
            point(results, f"an address service that answers {answer} is never evidence", https_case)

        def both():
            report = check(stun4=fake_stun("0.0.0.0", 3699),
                           url4=f"https://{ECHO4}/fixed/0.0.0.0")
            never_green(report, "garbage on both sides")
        point(results, "garbage from STUN and HTTPS at once is never green", both)

        def history_unreadable():
            # A file where the history's folder should be: the remembered
            # real addresses cannot be read, so a tunnel that carries
            # nothing could not be recognised.
            blocked = f"/tmp/{PREFIX}-blocked"
            with open(blocked, "w") as f:
                f.write("not a folder")
            try:
                saved = env["XDG_DATA_HOME"]
                env["XDG_DATA_HOME"] = blocked
                report = check()
            finally:
                env["XDG_DATA_HOME"] = saved
                os.unlink(blocked)
            never_green(report, "an unreadable history")
            expect(any(f["id"] == "history-unreadable" for f in report["findings"]),
                   f"and it says so: {[f['summary'] for f in report['findings']]}")
        point(results, "without its history, the check is never green and says why", history_unreadable)

        def redirect():
            target = urllib.parse.quote(f"http://{ECHO4}:80/", safe="")
            url = f"https://{ECHO4}/redirect-to/{target}"
            report = check(url4=url)
            never_green(report, "a redirect to http://")
            bad = [p for p in report["public_addresses"] if p["url"] == url]
            expect(bad and all(p["result"] == "bad-reply" and "not encrypted" in (p["error"] or "")
                               for p in bad), f"refused, saying why: {bad}")
        point(results, "a redirect from https:// to http:// is refused", redirect)
    except Exception as e:  # noqa: BLE001
        results.append((False, f"setting up: {e}"))
    finally:
        for proc in fakes:
            proc.terminate()
        for proc in fakes:
            proc.wait(timeout=10)
        subprocess.run([LAB, "down"], env=env, capture_output=True)
        shutil.rmtree(env["XDG_DATA_HOME"], ignore_errors=True)

    spaces, stray = leftovers(PREFIX)
    results.append((not spaces and not stray, f"no leftovers {spaces} {stray}"))
    return print_results(results, POINTS)


if __name__ == "__main__":
    sys.exit(main())
