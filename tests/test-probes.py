#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Leakwatch's probes against a real coturn and a real HTTPS echo.

The test runs in a network namespace of its own: the client has one LAN
(192.0.2.10, 2001:db8::10) and a default route to an "internet" namespace
where the servers listen on documentation addresses. There is no VPN, so a
complete check is `unprotected`; what is asserted is what each probe saw.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import lwnet  # noqa: E402
from lwnet import CLIENT4, CLIENT6, ECHO4, ECHO6  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

EXIT_UNPROTECTED, EXIT_UNKNOWN = 3, 4


def by(report, key, **match):
    return [item for item in report[key] if all(item.get(k) == v for k, v in match.items())]


def ids(report):
    return sorted(f["id"] for f in report["findings"])


@test
def complete_check_without_vpn(net):
    code, report, took, err = net.check()
    expect(code == EXIT_UNPROTECTED, f"exit {code}, stderr {err}", report)
    expect(report["status"] == "unprotected", "status", report)
    expect("no-vpn" in ids(report) and "check-incomplete" not in ids(report), "findings", report)
    expect(report["vpn"] == {"active": False, "source": "interfaces", "interfaces": [],
                             "connections": [], "note": report["vpn"]["note"]}, "vpn", report)
    expect(report["default_addresses"] == {"ipv4": CLIENT4, "ipv6": CLIENT6}, "defaults", report)

    # The browser-like probe keeps the srflx that equals its host address.
    for family, client, server in ((4, CLIENT4, net.stun(4)), (6, CLIENT6, net.stun(6))):
        srflx = by(report, "candidates", probe="browser", mode="default-route", type="srflx",
                   base=client)
        expect(len(srflx) == 1 and srflx[0]["address"] == client and srflx[0]["server"] == server
               and srflx[0]["interface"] == "lan0", f"srflx IPv{family}", report)
        answered = by(report, "stun", probe="browser", base=client, server=server)
        expect(answered and answered[0]["result"] == "answered" and answered[0]["mapped"] == client,
               f"stun IPv{family}", report)

    # Mode 1 also lists the link-local address, as a host candidate only.
    link_local = [c for c in report["candidates"] if c["address"].startswith("fe80:")]
    expect(link_local and all(c["type"] == "host" and c["mode"] == "all-interfaces"
                              for c in link_local), "link-local host", report)

    # HTTPS: plain text over IPv4, JSON over IPv6, each on its own family.
    v4 = by(report, "public_addresses", family="ipv4", result="answered")
    v6 = by(report, "public_addresses", family="ipv6", result="answered")
    expect(len(v4) == 1 and v4[0]["address"] == CLIENT4 and v4[0]["path"] == "direct", "https v4", report)
    expect(len(v6) == 1 and v6[0]["address"] == CLIENT6, "https v6", report)
    expect(len(report["public_addresses"]) == 2, "literal URLs asked on their family only", report)

    expect(report["timings"]["total_ms"] < 3000 and took < 3.5, f"took {took:.2f}s", report)


@test
def text_output_explains_the_verdict(net):
    import subprocess
    cmd = [lwnet.leakwatch(), "--check", "--stun", net.stun(4), "--ip-url", net.echo_url("/", 4),
           "--ca-file", net.ca]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    lines = proc.stdout.splitlines()
    # IPv6 has a default route but no IPv6 STUN server or URL was given:
    # that family is unknown, and the text says why.
    expect(proc.returncode == EXIT_UNKNOWN, f"exit {proc.returncode}: {proc.stderr}")
    expect(lines[0] == "Could not check: No IPv6 STUN server could be asked", f"first line: {lines[0]!r}")
    expect("Findings" in lines and "Candidates" in lines and "Public addresses (HTTPS)" in lines,
           proc.stdout)
    expect("The public IPv6 address could not be checked over HTTPS" in proc.stdout, proc.stdout)
    expect("No VPN is connected" in proc.stdout, proc.stdout)


@test
def stun_server_unreachable_ends_within_timeout(net):
    code, report, took, err = net.check(stun=[f"{lwnet.SILENT4}:3478", f"[{lwnet.SILENT6}]:3478"],
                                        timeout=1.5)
    expect(code == EXIT_UNKNOWN and report["status"] == "unknown", f"exit {code}", report)
    expect(took < 1.5 + 0.5, f"took {took:.2f}s for a 1.5 s timeout", report)
    results = by(report, "stun", probe="browser", base=CLIENT4)
    expect(results and all(r["result"] == "timeout" for r in results), "timeout", report)
    summaries = [f["summary"] for f in report["findings"] if f["id"] == "check-incomplete"]
    expect("No STUN server answered over IPv4" in summaries, "finding", report)


@test
def one_stun_server_unreachable_still_completes(net):
    code, report, took, err = net.check(stun=[net.stun(4), f"{lwnet.SILENT4}:3478", net.stun(6)],
                                        timeout=2)
    expect(code == EXIT_UNPROTECTED, f"exit {code}", report)
    silent = by(report, "stun", probe="browser", server=f"{lwnet.SILENT4}:3478", base=CLIENT4)
    expect(silent and silent[0]["result"] == "timeout", "silent server recorded", report)
    expect(took < 2.5, f"took {took:.2f}s", report)


@test
def stun_name_that_does_not_resolve(net):
    code, report, took, err = net.check(stun=["stun.invalid:3478"], timeout=2)
    expect(code == EXIT_UNKNOWN, f"exit {code}", report)
    results = by(report, "stun", server="stun.invalid:3478")
    expect(results and all(r["result"] == "resolve-failed" for r in results), "resolve", report)
    expect(took < 2.5, f"took {took:.2f}s", report)


def https_case(net, url, result, timeout=3, ca=True):
    code, report, took, err = net.check(stun=[net.stun(4), net.stun(6)], urls=[url],
                                        timeout=timeout, ca=ca)
    expect(code == EXIT_UNKNOWN and report["status"] == "unknown", f"exit {code} {err}", report)
    got = report["public_addresses"]
    expect(len(got) == 1 and got[0]["result"] == result and got[0]["address"] is None
           and got[0]["error"], f"expected {result}", report)
    expect(took < timeout + 0.5, f"took {took:.2f}s", report)
    expect(any(f["id"] == "check-incomplete" and "HTTPS" in f["summary"] for f in report["findings"]),
           "finding names HTTPS", report)
    return report


@test
def https_times_out(net):
    https_case(net, net.echo_url("/slow"), "timeout", timeout=1.5)


@test
def https_answers_html(net):
    https_case(net, net.echo_url("/html"), "bad-reply")


@test
def https_answers_garbage(net):
    https_case(net, net.echo_url("/garbage"), "bad-reply")


@test
def https_answers_json_without_ip(net):
    https_case(net, net.echo_url("/json-noip"), "bad-reply")


def echo_saw_hangup(net, path):
    """Whether the echo saw the client hang up while it sent PATH: proof
    that Leakwatch stopped reading instead of draining 10 MiB."""
    import time
    log = os.path.join(net.tmp, "echo-server.log")
    for _ in range(40):
        with open(log) as f:
            if any(path in line and "went away" in line for line in f):
                return True
        time.sleep(0.05)
    return False


@test
def https_answers_ten_megabytes(net):
    https_case(net, net.echo_url("/huge"), "too-large")
    expect(echo_saw_hangup(net, "/huge"), "Leakwatch read the whole body")


@test
def https_answers_ten_megabytes_chunked(net):
    https_case(net, net.echo_url("/huge-chunked"), "too-large")
    expect(echo_saw_hangup(net, "/huge-chunked"), "Leakwatch read the whole body")


@test
def https_redirects_forever(net):
    https_case(net, net.echo_url("/redirect"), "redirect-loop")


@test
def https_server_error(net):
    https_case(net, net.echo_url("/status/500"), "http-error")


@test
def https_reason_phrase_not_utf8(net):
    # Bytes a server chose reach the report; the JSON stays valid UTF-8
    # (net.check decodes it strictly) and the error is still readable.
    report = https_case(net, net.echo_url("/bad-reason"), "http-error")
    expect("500" in report["public_addresses"][0]["error"], "error text", report)


@test
def https_untrusted_certificate(net):
    https_case(net, net.echo_url("/", cert="untrusted"), "tls-error")


@test
def https_certificate_for_another_name(net):
    https_case(net, net.echo_url("/", cert="wrongname"), "tls-error")


@test
def https_expired_certificate(net):
    https_case(net, net.echo_url("/", cert="expired"), "tls-error")


@test
def https_without_the_test_ca(net):
    # The system's CAs do not know the test CA: a self-hosted service needs --ca-file.
    https_case(net, net.echo_url("/"), "tls-error", ca=False)


@test
def https_connection_refused(net):
    https_case(net, f"https://{ECHO4}:1/", "refused")


@test
def https_service_answers_another_address(net):
    # A service that answers an address of the wrong family is not believed.
    https_case(net, net.echo_url(f"/fixed/{ECHO6}"), "bad-reply")


@test
def interface_vanishes_mid_check(net):
    import subprocess
    import threading
    import time

    # A second LAN that disappears while its requests are outstanding.
    lwnet.run("ip", "link", "add", "lan1", "type", "veth", "peer", "name", "lan1p")
    lwnet.run("ip", "link", "set", "lan1", "up")
    lwnet.run("ip", "link", "set", "lan1p", "up")
    lwnet.run("ip", "addr", "add", "198.51.100.20/24", "dev", "lan1")
    lwnet.run("ip", "route", "add", f"{lwnet.SILENT4}/32", "dev", "lan1")

    def vanish():
        time.sleep(0.3)
        subprocess.run(["ip", "link", "del", "lan1"], check=False)

    thread = threading.Thread(target=vanish)
    thread.start()
    code, report, took, err = net.check(stun=[net.stun(4), f"{lwnet.SILENT4}:3478", net.stun(6)],
                                        timeout=1.5)
    thread.join()
    expect(report is not None and code in (EXIT_UNPROTECTED, EXIT_UNKNOWN), f"exit {code} {err}", report)
    expect(report["status"] != "protected", "never green", report)
    expect(any(c["interface"] == "lan1" for c in report["candidates"]), "lan1 was seen", report)
    expect(took < 2.0, f"took {took:.2f}s", report)


@test
def browser_path_through_a_proxy(net):
    # A browser behind a proxy shows the proxy's address over HTTPS, while
    # its WebRTC UDP goes direct: Leakwatch asks on both paths.
    proxy = net.start_proxy()
    env = {"https_proxy": proxy, "HTTPS_PROXY": proxy, "no_proxy": "", "NO_PROXY": ""}
    code, report, took, err = net.check(env=env)
    expect(code == EXIT_UNPROTECTED, f"exit {code} {err}", report)
    proxied = by(report, "public_addresses", path="proxy")
    expect(sorted((p["family"], p["address"], p["result"]) for p in proxied) ==
           [("ipv4", lwnet.PROXY4, "answered"), ("ipv6", lwnet.PROXY6, "answered")],
           "the browser's path shows the proxy", report)
    direct = by(report, "public_addresses", path="direct", result="answered")
    expect(sorted(p["address"] for p in direct) == sorted([CLIENT4, CLIENT6]),
           "the direct path shows the client", report)


def check_in_empty_namespace(net, setup):
    """Runs a check in a nested network namespace set up by the shell
    commands SETUP: a machine with no network, or no route out."""
    import json
    import subprocess
    script = setup + f"; exec {lwnet.leakwatch()} --check --json --timeout 2 --stun {net.stun(4)} " \
                     f"--ip-url {net.echo_url('/', 4)} --ca-file {net.ca}"
    proc = subprocess.run(["unshare", "--net", "sh", "-c", script], capture_output=True, text=True,
                          timeout=30, env=dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, "data")))
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.startswith("{") else None, proc.stderr


@test
def no_network_at_all(net):
    code, report, err = check_in_empty_namespace(net, "ip link set lo up")
    expect(code == EXIT_UNKNOWN and report["status"] == "unknown", f"exit {code} {err}", report)
    expect(report["default_addresses"] == {"ipv4": None, "ipv6": None}, "no default", report)
    summaries = [f["summary"] for f in report["findings"]]
    expect("This computer is offline, as no network has a default route" in summaries, "offline", report)


@test
def no_default_route(net):
    setup = ("ip link set lo up; ip link add eth9 type veth peer name eth9p; "
             "ip link set eth9 up; ip link set eth9p up; ip addr add 192.168.77.2/24 dev eth9")
    code, report, err = check_in_empty_namespace(net, setup)
    expect(code == EXIT_UNKNOWN and report["status"] == "unknown", f"exit {code} {err}", report)
    expect(any(a["address"] == "192.168.77.2" for i in report["interfaces"] for a in i["addresses"]),
           "the LAN address is listed", report)
    expect(report["findings"][0]["summary"].startswith("This computer is offline"), "offline", report)


@test
def invalid_command_line_values(net):
    import subprocess
    bad = [
        ["--timeout", "0"],
        ["--timeout", "abc"],
        ["--timeout", "nan"],
        ["--stun", "203.0.113.1:99999"],
        ["--stun", "[2001:db8::1"],
        ["--stun", ""],
        ["--ip-url", "http://203.0.113.5/"],
        ["--ip-url", "not a url"],
        ["--ca-file", "/nonexistent/ca.pem"],
        ["--no-such-option"],
    ]
    for args in bad:
        proc = subprocess.run([lwnet.leakwatch(), "--check"] + args, capture_output=True,
                              text=True, timeout=10)
        expect(proc.returncode == 64, f"{args}: exit {proc.returncode}, stderr {proc.stderr!r}")
        expect(proc.stdout == "" and proc.stderr.strip() != "", f"{args}: message {proc.stderr!r}")


if __name__ == "__main__":
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    main(setup=lambda: lwnet.Net())
