#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end verdicts in the network lab (tests/lab/lab.sh).

    test-lab.py SCENARIO

Builds the lab for SCENARIO, runs `leakwatch --check --json` in the client
namespace against the lab's real coturn, HTTPS echo and OpenVPN, and asserts
the verdict and its key findings. Each expectation states its reason from
docs/DOMAIN.md. Then it tears the lab down and checks nothing is left.
Needs root; without it, it reports itself skipped with the reason.
"""

import json
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from lablib import leftovers, require_lab  # noqa: E402
from tap import expect, print_results  # noqa: E402

LAB = os.path.join(HERE, "lab.sh")

LAN4, LAN6 = "192.168.1.23", "2001:db8:1::23"
ISP4 = "198.51.100.7"
EXIT4, EXIT6 = "203.0.113.51", "2001:db8:51::1"
TUN4 = "10.8.0.2"

EXIT_CODES = {"protected": 0, "leak": 1, "warning": 2, "unprotected": 3, "unknown": 4}


def findings(report, level=None):
    return {(f["id"], f["address"]) for f in report["findings"]
            if level is None or f["level"] == level}


def finding(report, fid, address):
    for f in report["findings"]:
        if f["id"] == fid and f["address"] == address:
            return f
    raise AssertionError(f"no finding {fid} {address}: {sorted(findings(report))}")


def https(report, family):
    return sorted(p["address"] for p in report["public_addresses"]
                  if p["family"] == family and p["result"] == "answered")


def srflx(report, mode, family):
    return sorted({c["address"] for c in report["candidates"]
                   if c["probe"] == "browser" and c["type"] == "srflx" and c["mode"] == mode
                   and (":" in c["address"]) == (family == "ipv6")})


# --- the scenarios and what docs/DOMAIN.md says of each ---------------------

def check_novpn(r):
    # No tunnel is up: "no VPN -> unprotected"; sites see the real address
    # anyway, and every probe completed, so nothing is unknown.
    expect(r["status"] == "unprotected", "status", r)
    expect(not r["vpn"]["active"], "no VPN", r)
    expect(findings(r, "unprotected") == {("no-vpn", None)}, "no-vpn", r)
    expect(not findings(r, "unknown") and not findings(r, "leak"), "complete, nothing leaks", r)
    # The ISP's NAT address through STUN and HTTPS; IPv6 is the LAN's own.
    expect(srflx(r, "default-route", "ipv4") == [ISP4], "srflx", r)
    expect(https(r, "ipv4") == [ISP4] and https(r, "ipv6") == [LAN6], "https", r)


def check_fullvpn(r):
    # Both families go through the tunnel, so STUN and HTTPS show the exit,
    # but the LAN keeps its global IPv6: Mode 1 (a page with camera
    # permission) lists it as a host candidate. "Only pages with camera
    # permission see a real address -> warning".
    expect(r["status"] == "warning", "status", r)
    f = finding(r, "ipv6-leak", LAN6)
    expect(f["level"] == "warning" and f["mode"] == "all-interfaces"
           and f["audience"] == "camera-pages" and f["interface"] == "lan0", "ipv6-leak", r)
    expect(not findings(r, "leak"), "no ordinary page sees a real address", r)
    expect(srflx(r, "default-route", "ipv4") == [EXIT4], "srflx v4 is the exit", r)
    expect(srflx(r, "default-route", "ipv6") == [EXIT6], "srflx v6 is the exit", r)
    expect(https(r, "ipv4") == [EXIT4] and https(r, "ipv6") == [EXIT6], "https", r)
    # The LAN's own STUN requests enter the tunnel with a foreign source
    # and the VPN drops them: unanswered, which is the tunnel working.
    # Their route enters the tunnel, so the check does not wait for them:
    # they could only show the exit.
    lan = [s for s in r["stun"] if s["probe"] == "browser" and s["base"] == LAN4]
    expect(lan and all(s["result"] == "not-waited" for s in lan), "LAN requests not waited for", r)
    expect(route(r, "stun", "203.0.113.1:3478", LAN4)["interface"] == "tun0", "their route", r)
    # libnice pins its socket to lan0; the route OpenVPN leaves on the LAN
    # lets it out: no kill switch, a note for native apps.
    expect(finding(r, "tunnel-bypass-by-binding", ISP4)["level"] == "note", "bypass note", r)


def check_splitvpn(r):
    # The STUN server is routed outside the tunnel: the default-route srflx
    # shows the ISP's address while HTTPS shows the exit. "VPN up, and a
    # browser-like srflx differs from every exit address -> leak", seen by
    # ordinary pages (Mode 2, mDNS does not hide srflx).
    expect(r["status"] == "leak", "status", r)
    f = finding(r, "public-address-leak", ISP4)
    expect(f["level"] == "leak" and f["mode"] == "default-route"
           and f["audience"] == "every-page" and f["server"] == "203.0.113.1:3478", "leak", r)
    expect(https(r, "ipv4") == [EXIT4], "https shows the exit", r)
    # Chromium reports it with the tunnel address as its base (raddr).
    cands = [c for c in r["candidates"] if c["mode"] == "default-route" and c["address"] == ISP4]
    expect(cands and cands[0]["base"] == TUN4, "srflx 198.51.100.7 raddr 10.8.0.2", r)


def check_ipv6leak(r):
    # IPv4 is tunnelled, IPv6 is native: the default IPv6 route leaves from
    # the LAN's global address, which STUN shows to every page ("IPv6
    # leak") and which every IPv6 site sees ("IPv6 outside the tunnel").
    expect(r["status"] == "leak", "status", r)
    f = finding(r, "ipv6-leak", LAN6)
    expect(f["level"] == "leak" and f["mode"] == "default-route", "ipv6-leak", r)
    expect(finding(r, "ipv6-outside-tunnel", LAN6)["level"] == "leak", "ipv6 outside", r)
    expect(https(r, "ipv4") == [EXIT4] and https(r, "ipv6") == [LAN6], "https", r)
    expect(("public-address-leak", ISP4) not in findings(r), "IPv4 itself is fine", r)


def check_stun_blocked(r):
    # IPv4 is fully tunnelled and there is no IPv6; the VPN drops UDP to the
    # STUN server. "No STUN server answered on the default route of a
    # family that has one -> check incomplete -> unknown". Silence is never
    # taken for safety, so never protected.
    expect(r["status"] == "unknown", "status", r)
    f = finding(r, "check-incomplete", TUN4)
    expect(f["summary"] == "No STUN server answered over IPv4", "finding", r)
    expect(r["default_addresses"] == {"ipv4": TUN4, "ipv6": None}, "no IPv6 route", r)
    expect(https(r, "ipv4") == [EXIT4], "HTTPS still shows the exit", r)


def check_protected(r):
    # IPv4 goes through the tunnel and there is no IPv6: STUN and HTTPS both
    # show the exit, every check completed. "A VPN is up, every check
    # completed, and no browser mode exposes a real address -> protected";
    # notes (local addresses, the missing kill switch) keep the colour.
    expect(r["status"] == "protected", "status", r)
    expect(all(f["level"] == "note" for f in r["findings"]), "only notes", r)
    expect(srflx(r, "default-route", "ipv4") == [EXIT4], "srflx is the exit", r)
    expect(https(r, "ipv4") == [EXIT4], "https is the exit", r)


def route(report, purpose, target, source=None):
    for rt in report["routes"]:
        if rt["purpose"] == purpose and rt["target"] == target and rt["source"] == source:
            return rt
    raise AssertionError(f"no {purpose} route to {target} from {source}: {report['routes']}")


def no_false_sentences(r, *forbidden):
    # Every sentence the report shows, against what the network really does.
    text = " ".join(" ".join(f[k] or "" for k in ("summary", "detail", "advice"))
                    for f in r["findings"]) + " " + r["headline"]
    for words in forbidden:
        expect(words not in text, f"the report says {words!r}, which is false here", r)


def check_tunnelvision(r):
    # tun0 is up with its /1 routes, but the DHCP-pushed /2s win: every
    # packet leaves through lan0, and STUN and HTTPS both show the ISP's
    # address. "A VPN that is up but does not carry the route to the
    # internet -> tunnel-not-carrying-traffic -> leak", named TunnelVision.
    expect(r["status"] == "leak", "status", r)
    f = finding(r, "tunnel-not-carrying-traffic", ISP4)
    expect(f["level"] == "leak" and f["cause"] == "pushed-route", "cause: pushed route", r)
    expect(f["route"] == "0.0.0.0/2 via 192.168.1.1 dev lan0 proto dhcp", "the route named", r)
    expect("TunnelVision" in f["detail"] and "0.0.0.0/1 via 10.8.0.1 dev tun0" in f["detail"],
           "the detail names the attack and the tunnel's own route", r)
    expect("ipv4.ignore-auto-routes yes" in f["advice"], "the fix for it", r)
    expect(route(r, "default-address", "8.8.8.8")["protocol"] == "dhcp", "default route", r)
    expect(route(r, "tunnel", "tun0")["prefix"] == "0.0.0.0/1", "the tunnel's route", r)
    expect(srflx(r, "default-route", "ipv4") == [ISP4] and https(r, "ipv4") == [ISP4],
           "STUN and HTTPS both show the ISP", r)
    no_false_sentences(r, "No VPN", "Connect your VPN", "Protected")


def check_tunnelvision_remembered(r):
    # The same network, after a check without the VPN taught Leakwatch the
    # real address: the same verdict and cause, now naming it as yours.
    check_tunnelvision(r)
    expect(ISP4 in [a["address"] for a in r["remembered_addresses"]], "remembered", r)
    expect("your real address 198.51.100.7" in finding(r, "tunnel-not-carrying-traffic", ISP4)["summary"],
           "named as the real address", r)


def check_ipv6split(r):
    # Both families in the tunnel; only the IPv6 STUN server's /128 goes
    # through the LAN. Every page gets the LAN's IPv6 as srflx, but the
    # default IPv6 route is inside the tunnel and HTTPS shows the exit.
    expect(r["status"] == "leak", "status", r)
    f = finding(r, "ipv6-leak", LAN6)
    expect(f["level"] == "leak" and f["audience"] == "every-page" and f["mode"] == "default-route",
           "every page sees it", r)
    expect(f["cause"] == "split-route"
           and f["route"] == "2001:db8:113::1/128 via 2001:db8:1::1 dev lan0 proto boot",
           "the route named", r)
    expect("The request left through lan0, outside the tunnel" in f["detail"], "where it left", r)
    expect("media.peerconnection.ice.proxy_only" in f["advice"], "a browser setting helps here", r)
    expect(https(r, "ipv6") == [EXIT6] and https(r, "ipv4") == [EXIT4], "https shows the exits", r)
    expect(("ipv6-outside-tunnel", LAN6) not in findings(r), "IPv6 itself is tunnelled", r)
    no_false_sentences(r, "default IPv6 route itself is outside", "(tun0) arrive", "No VPN")


def check_deadvpn(r):
    # The VPN server is gone and tun0 stays: nothing comes back through the
    # tunnel, while libnice's socket pinned to lan0 reaches coturn. "The
    # tunnel passes no traffic" is unknown, never "the internet is out of
    # reach", and no name was resolved, so no word of DNS.
    expect(r["status"] == "unknown", "status", r)
    f = finding(r, "check-incomplete", None)
    expect(f["summary"] == "The VPN's tunnel passes no traffic: nothing came back through tun0, "
                          "while the network outside it answers", "the tunnel is named", r)
    no_false_sentences(r, "out of reach", "name resolution", "No VPN")


def check_localnet(r):
    # The tunnel carries IPv4, but the LAN's link route 203.0.113.0/24 covers
    # the STUN server and the HTTPS echo: both are reached around the
    # tunnel and both show the ISP's address. They agree, yet the check is
    # never green: the routes say where the requests went.
    expect(r["status"] == "leak", "status", r)
    f = finding(r, "public-address-leak", ISP4)
    expect(f["level"] == "leak" and f["cause"] == "local-network"
           and f["route"] == "203.0.113.0/24 dev lan0 proto kernel", "cause: the LAN's prefix", r)
    expect("The request left through lan0, outside the tunnel" in f["detail"], "where it left", r)
    expect("allow access to the local network" in f["advice"], "the fix for it", r)
    expect(route(r, "default-address", "8.8.8.8")["interface"] == "tun0", "the tunnel carries IPv4", r)
    expect(https(r, "ipv4") == [ISP4] and srflx(r, "default-route", "ipv4") == [ISP4],
           "STUN and HTTPS agree on the ISP", r)
    no_false_sentences(r, "No VPN", "TunnelVision", "Protected")


SCENARIOS = {
    "novpn": check_novpn,
    "fullvpn": check_fullvpn,
    "splitvpn": check_splitvpn,
    "ipv6leak": check_ipv6leak,
    "stun-blocked": check_stun_blocked,
    "protected": check_protected,
    "tunnelvision": check_tunnelvision,
    "tunnelvision-remembered": check_tunnelvision_remembered,
    "ipv6split": check_ipv6split,
    "deadvpn": check_deadvpn,
    "localnet": check_localnet,
}

# Scenarios that run on another's network, with a step before the check.
LAB_SCENARIO = {"tunnelvision-remembered": "tunnelvision"}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print(f"usage: test-lab.py {{{'|'.join(SCENARIOS)}}}", file=sys.stderr)
        return 64
    scenario = sys.argv[1]

    require_lab()
    prefix = f"lw-{scenario}"
    env = dict(os.environ, LW_LAB=prefix, LW_LAB_DIR=f"/tmp/{prefix}", PYTHON=sys.executable,
               XDG_DATA_HOME=f"/tmp/{prefix}/data")
    leakwatch = os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))

    def down(*_):
        subprocess.run([LAB, "down"], env=env)
        if _:
            sys.exit(130)

    signal.signal(signal.SIGINT, down)
    signal.signal(signal.SIGTERM, down)

    print("1..3", flush=True)
    results = []
    try:
        network = LAB_SCENARIO.get(scenario, scenario)
        up = subprocess.run([LAB, "up", network], env=env, capture_output=True, text=True)
        if up.returncode != 0:
            raise RuntimeError(f"lab.sh up {network} failed:\n{up.stderr}")
        args = subprocess.run([LAB, "args"], env=env, capture_output=True, text=True,
                              check=True).stdout.split()
        # A private D-Bus address: the host's own NetworkManager (and VPNs)
        # must not leak into the lab's verdict.
        check_env = dict(env, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent")
        if scenario == "tunnelvision-remembered":
            # Without the VPN, the check sees and remembers the real address.
            subprocess.run([LAB, "tunnel", "down"], env=env, check=True, capture_output=True)
            first = subprocess.run([LAB, "exec", leakwatch, "--check", "--json"] + args,
                                   env=check_env, capture_output=True, text=True, timeout=60)
            if json.loads(first.stdout)["status"] != "unprotected":
                raise RuntimeError(f"the check without the VPN said {first.stdout[:200]}")
            subprocess.run([LAB, "tunnel", "up"], env=env, check=True, capture_output=True)
        proc = subprocess.run([LAB, "exec", leakwatch, "--check", "--json"] + args,
                              env=check_env, capture_output=True, text=True, timeout=60)
        report = json.loads(proc.stdout)
        for line in proc.stderr.splitlines():
            print(f"# {line}")

        try:
            expect(proc.returncode == EXIT_CODES[report["status"]],
                   f"exit {proc.returncode} for {report['status']}")
            expect(report["vpn"]["active"] == (scenario != "novpn"), "VPN state", report)
            results.append((True, f"{scenario} exit code and VPN state"))
        except AssertionError as e:
            results.append((False, f"{scenario} exit code and VPN state: {e}"))
        try:
            SCENARIOS[scenario](report)
            results.append((True, f"{scenario} verdict and findings ({report['status']})"))
        except AssertionError as e:
            results.append((False, f"{scenario} verdict and findings: {e}"))
    except Exception as e:  # noqa: BLE001 - reported as a failed test point
        results.append((False, f"{scenario} lab run: {e}"))
    finally:
        down()

    spaces, procs = leftovers(prefix)
    results.append((not spaces and not procs,
                    f"no leftovers (namespaces {spaces}, processes {procs})"))

    return print_results(results, 3)


if __name__ == "__main__":
    sys.exit(main())
