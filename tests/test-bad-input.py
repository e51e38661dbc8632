#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input and faults on the command line, in a network of the test's own.

Servers that answer what cannot be true, options that contradict each
other, more servers than a check may ask, no descriptors, an output that
cannot be written. Each case asserts what a user sees: the exit status,
the message, and the verdict, which is never `protected` (no VPN here:
green is not possible at all; tests/lab/test-lab-garbage.py holds the
same answers against a real VPN, where it is).
"""

import json
import os
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import lwnet  # noqa: E402
from lwnet import ECHO4  # noqa: E402
from tap import expect, main, skip_all, test  # noqa: E402

EXIT_USAGE, EXIT_IO = 64, 74
EXIT_UNKNOWN = 4


def run(args, **kwargs):
    return subprocess.run([lwnet.leakwatch()] + args, capture_output=True, text=True, timeout=60,
                          **kwargs)


def fixed_url(net, body):
    return net.echo_url("/fixed/" + urllib.parse.quote(body, safe=""), 4)


def https_refused(net, body, words):
    url = fixed_url(net, body)
    code, report, took, err = net.check(urls=[url], stun=[net.stun(4)])
    expect(code == EXIT_UNKNOWN and report["status"] == "unknown",
           f"{body!r}: exit {code}, {report and report['status']}", report)
    bad = [p for p in report["public_addresses"] if p["url"] == url]
    expect(bad and all(p["result"] == "bad-reply" and words in (p["error"] or "") for p in bad),
           f"{body!r} refused, saying {words!r}: {bad}")


@test
def an_address_service_answering_the_unspecified_address(net):
    https_refused(net, "0.0.0.0", "unspecified")


@test
def an_address_service_answering_a_private_address(net):
    https_refused(net, "10.8.0.2", "private address")


@test
def an_address_service_answering_a_cgnat_address(net):
    https_refused(net, "100.64.1.2", "private address")


@test
def an_address_service_answering_another_family(net):
    https_refused(net, "2001:db8::10", "IPv6 address, to an IPv4 request")


@test
def an_address_service_answering_json_with_a_nul(net):
    https_refused(net, '{"ip": "192.0.2.10\\u0000x"}', "NUL")


@test
def an_address_service_redirecting_to_plain_http(net):
    url = net.echo_url("/redirect-to/" + urllib.parse.quote(f"http://{ECHO4}:80/", safe=""), 4)
    code, report, took, err = net.check(urls=[url], stun=[net.stun(4)])
    expect(code == EXIT_UNKNOWN, f"exit {code}", report)
    bad = [p for p in report["public_addresses"] if p["url"] == url]
    expect(bad and "only https:// is trusted" in (bad[0]["error"] or ""), f"refused: {bad}")


@test
def a_password_in_an_address_service_url_is_never_printed(net):
    url = net.echo_url("/", 4).replace("https://", "https://user:secret@")
    code, report, took, err = net.check(urls=[url], stun=[net.stun(4)])
    text = str(report)
    expect("secret" not in text and "user:" not in text, f"no userinfo in the report: {text[:400]}")


@test
def a_stun_server_answering_loopback(net):
    server = net.start_fake_stun("127.0.0.1")
    code, report, took, err = net.check(stun=[server], urls=[net.echo_url("/", 4)])
    expect(code == EXIT_UNKNOWN and report["status"] == "unknown", f"exit {code}", report)
    bad = [s for s in report["stun"] if s["server"] == server and s["probe"] == "browser"]
    expect(bad and all(s["result"] != "answered" for s in bad) and
           any("loopback" in (s["error"] or "") for s in bad), f"refused, saying why: {bad}")


@test
def a_stun_server_answering_an_address_of_family_zero(net):
    server = net.start_fake_stun("family0")
    code, report, took, err = net.check(stun=[server], urls=[net.echo_url("/", 4)])
    expect(code == EXIT_UNKNOWN, f"exit {code}", report)
    bad = [s for s in report["stun"] if s["server"] == server and s["probe"] == "browser"]
    expect(bad and all(s["result"] != "answered" for s in bad) and
           not any("answered with an error" in (s["error"] or "") for s in bad),
           f"not called an error response: {bad}")


@test
def check_and_history_together_is_a_usage_error(net):
    proc = run(["--check", "--history"])
    expect(proc.returncode == EXIT_USAGE and "cannot be used together" in proc.stderr,
           f"exit {proc.returncode}: {proc.stderr!r}")


@test
def check_and_watch_together_is_a_usage_error(net):
    proc = run(["--check", "--watch"])
    expect(proc.returncode == EXIT_USAGE and "cannot be used together" in proc.stderr,
           f"exit {proc.returncode}: {proc.stderr!r}")


@test
def json_alone_is_a_usage_error_not_a_service(net):
    proc = run(["--json"])
    expect(proc.returncode == EXIT_USAGE and
           proc.stderr == "leakwatch: --json goes with --check, --watch, --history or --browsers; "
                          "see leakwatch --help\n", f"exit {proc.returncode}: {proc.stderr!r}")


@test
def test_browser_with_check_is_a_usage_error(net):
    proc = run(["--check", "--test-browser"])
    expect(proc.returncode == EXIT_USAGE and "cannot be used together" in proc.stderr,
           f"exit {proc.returncode}: {proc.stderr!r}")


@test
def an_unknown_option_names_the_program_and_help(net):
    proc = run(["--bogus"])
    expect(proc.returncode == EXIT_USAGE and
           proc.stderr == "leakwatch: Unknown option --bogus; see leakwatch --help\n",
           f"exit {proc.returncode}: {proc.stderr!r}")


@test
def help_fits_in_80_columns(net):
    proc = run(["--help"])
    wide = [line for line in proc.stdout.splitlines() if len(line) > 80]
    expect(proc.returncode == 0 and "--test-browser" in proc.stdout and not wide,
           f"exit {proc.returncode}, lines over 80 columns: {wide}")


def text_check(net, env=None, tty_columns=None):
    """`leakwatch --check` as text: into a pipe, or into a terminal of
    TTY_COLUMNS columns."""
    cmd = [lwnet.leakwatch(), "--check", "--stun", net.stun(4), "--ip-url", net.echo_url("/", 4),
           "--ca-file", net.ca, "--timeout", "2"]
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, "data"), **(env or {}))
    if tty_columns is None:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env).stdout
    import fcntl
    import pty
    import struct
    import termios
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, tty_columns, 0, 0))
    proc = subprocess.Popen(cmd, stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(leader)
    return out.decode().replace("\r\n", "\n")


@test
def a_text_report_fits_the_terminal_with_no_trailing_spaces(net):
    import re
    text = text_check(net)
    lines = text.splitlines()
    expect(len(lines) > 20 and "Findings" in lines, f"a whole report:\n{text}")
    expect(not [line for line in lines if len(line) > 80], f"lines over 80 in a pipe:\n{text}")
    expect(not [line for line in lines if line != line.rstrip()], f"trailing spaces:\n{text!r}")
    expect("\033[" not in text, "no colour into a pipe")

    # A terminal of 120 columns: wider lines, coloured; none with NO_COLOR.
    wide = text_check(net, env={"TERM": "xterm"}, tty_columns=120)
    plain = re.sub("\033\\[[0-9;]*m", "", wide).splitlines()
    expect(max(len(line) for line in plain) > 80 and not [line for line in plain if len(line) > 120],
           f"wrapped at 120:\n{wide}")
    expect(wide.startswith("\033[1m") and "\033[0m" in wide, f"the verdict in colour:\n{wide[:300]!r}")
    no_color = text_check(net, env={"TERM": "xterm", "NO_COLOR": "1"}, tty_columns=120)
    expect("\033[" not in no_color and no_color.startswith("Not protected: "), f"NO_COLOR:\n{no_color[:300]!r}")


@test
def a_stray_argument_is_a_usage_error(net):
    proc = run(["--check", "protected"])
    expect(proc.returncode == EXIT_USAGE and "unexpected argument “protected”" in proc.stderr,
           f"exit {proc.returncode}: {proc.stderr!r}")


@test
def six_hundred_stun_servers_are_refused_in_words(net):
    args = ["--check"]
    for i in range(600):
        args += ["--stun", f"203.0.113.1:{3478 + i}"]
    proc = run(args)
    expect(proc.returncode == EXIT_USAGE and "At most 16 STUN servers" in proc.stderr and
           "(600 were given)" in proc.stderr, f"exit {proc.returncode}: {proc.stderr!r}")


@test
def a_thousand_address_services_are_refused_in_words(net):
    args = ["--check"]
    for i in range(1000):
        args += ["--ip-url", f"https://{ECHO4}/{i}"]
    proc = run(args)
    expect(proc.returncode == EXIT_USAGE and "At most 16 address services" in proc.stderr,
           f"exit {proc.returncode}: {proc.stderr!r}")


@test
def the_most_servers_all_answer_under_64_descriptors(net):
    # 16 STUN servers and 16 address services, at the floor of 64 open
    # files: the interface-bound probe asks 4 servers at a time and HTTPS
    # opens few connections, so every one of them is still asked, and
    # answers, within the check's deadline.
    cmd = ["prlimit", "--nofile=64", lwnet.leakwatch(), "--check", "--json", "--ca-file", net.ca]
    for _ in range(16):
        cmd += ["--stun", net.stun(4), "--ip-url", net.echo_url("/", 4)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, "data")))
    report = json.loads(proc.stdout) if proc.stdout.startswith("{") else {}
    # No NAT here: the bound probe's srflx equals its host address, which
    # libnice drops, so it cannot answer; but each server had its turn.
    bound = [r for r in report.get("stun", []) if r["probe"] == "bound"]
    not_asked = [r for r in bound if "not asked" in (r["error"] or "")]
    unanswered = ([r for r in report.get("stun", []) if r["probe"] != "bound" and r["result"] != "answered"] +
                  [p for p in report.get("public_addresses", []) if p["result"] != "answered"])
    expect(proc.returncode == 3 and len(bound) == 16 and not not_asked and
           len(report["public_addresses"]) == 16 and not unanswered,
           f"every server answered under 64 descriptors: exit {proc.returncode}: "
           f"{(not_asked + unanswered)[:3]} {proc.stderr[-400:]!r}")


@test
def a_report_that_cannot_be_written_is_an_error(net):
    with open("/dev/full", "w") as full:
        cmd = [lwnet.leakwatch(), "--check", "--json", "--stun", net.stun(4),
               "--ip-url", net.echo_url("/", 4), "--ca-file", net.ca]
        proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
                              env=dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, "data")))
    expect(proc.returncode == EXIT_IO and "cannot write the report" in proc.stderr,
           f"exit {proc.returncode}, not a verdict: {proc.stderr!r}")


@test
def a_relative_ca_file_is_read_where_it_was_given(net):
    cmd = [lwnet.leakwatch(), "--check", "--json", "--stun", net.stun(4),
           "--ip-url", net.echo_url("/", 4), "--ca-file", os.path.basename(net.ca)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=os.path.dirname(net.ca),
                          env=dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, "data")))
    report = json.loads(proc.stdout) if proc.stdout.startswith("{") else {}
    answered = [p for p in report.get("public_addresses", []) if p["result"] == "answered"]
    expect(proc.returncode == 3 and answered,
           f"the address service trusted through ca.pem: exit {proc.returncode} {proc.stderr!r}")


def data_env(net, name="data"):
    return dict(os.environ, XDG_DATA_HOME=os.path.join(net.tmp, name))


def raw_url(net, data):
    return net.echo_url("/raw/" + urllib.parse.quote(data, safe=""), 4)


@test
def an_address_service_answering_http_199_is_told_apart(net):
    url = raw_url(net, b"HTTP/1.1 199 Odd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    code, report, took, err = net.check(urls=[url])
    bad = [p for p in report["public_addresses"] if p["url"] == url]
    expect(code == EXIT_UNKNOWN and bad and bad[0]["result"] != "answered" and
           "HTTP" in (bad[0]["error"] or "") and "TLS" not in (bad[0]["error"] or ""),
           f"exit {code}: the reply named for what it was: {bad}")


@test
def an_address_service_answering_bytes_that_are_not_http(net):
    url = raw_url(net, b"SSH-2.0-OpenSSH_9.2\r\n\x01\x7f garbage")
    code, report, took, err = net.check(urls=[url])
    bad = [p for p in report["public_addresses"] if p["url"] == url]
    expect(code == EXIT_UNKNOWN and bad and bad[0]["result"] == "bad-reply" and
           "not HTTP" in (bad[0]["error"] or ""),
           f"exit {code}: said to be no HTTP: {bad}")


@test
def six_descriptors_are_refused_in_words_by_each_program(net):
    # Soft and hard limit both: nothing to raise. No program may crash, nor
    # exit with a verdict's status.
    programs = [[lwnet.leakwatch(), "--check"], [lwnet.leakwatch(), "--history"],
                [lwnet.leakwatch()]]
    for name in ("LEAKWATCH_TRAY", "LEAKWATCH_REPORT"):
        if os.environ.get(name):
            programs.append([os.environ[name]])
    for program in programs:
        proc = subprocess.run(["prlimit", "--nofile=6"] + program, capture_output=True, text=True,
                              timeout=60, env=data_env(net))
        expect(proc.returncode == 71 and "Only 6 files may be open at once" in proc.stderr,
               f"{' '.join(program)}: exit {proc.returncode}: {proc.stderr[-400:]!r}")


@test
def history_that_cannot_be_opened_is_an_error_not_a_verdict(net):
    env = data_env(net, "blocked")
    os.makedirs(env["XDG_DATA_HOME"], exist_ok=True)
    with open(os.path.join(env["XDG_DATA_HOME"], "leakwatch"), "w") as f:
        f.write("a file where the folder should be\n")
    proc = subprocess.run([lwnet.leakwatch(), "--history"], capture_output=True, text=True,
                          timeout=60, env=env)
    expect(proc.returncode == EXIT_IO and "history cannot be opened" in proc.stderr,
           f"exit {proc.returncode}: {proc.stderr!r}")
    code, report, took, err = net.check(env={"XDG_DATA_HOME": env["XDG_DATA_HOME"]})
    expect(code == 3 and report["status"] == "unprotected" and
           any(f["id"] == "history-unreadable" for f in report["findings"]) and
           err.count("history cannot be opened") == 1,
           f"the check goes on, and says it once: exit {code}: {err!r}", report)


@test
def a_check_on_a_full_disk_keeps_the_history_and_says_so_once(net):
    env = data_env(net, "full")
    first, report, took, err = net.check(env={"XDG_DATA_HOME": env["XDG_DATA_HOME"]})
    expect(first == 3, f"a first check: exit {first} {err!r}")
    folder = os.path.join(env["XDG_DATA_HOME"], "leakwatch")
    before = sorted(os.listdir(folder))
    # A file size limit of 0: every write fails, as on a full disk.
    cmd = ["prlimit", "--fsize=0", lwnet.leakwatch(), "--check", "--json", "--stun", net.stun(4),
           "--ip-url", net.echo_url("/", 4), "--ca-file", net.ca]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    expect(proc.returncode == 3 and proc.stdout.startswith("{"),
           f"the verdict all the same: exit {proc.returncode}: {proc.stderr!r}")
    # Opening may fail already (it writes), or the record: either way,
    # one line says so.
    said = [line for line in proc.stderr.splitlines() if "history" in line or "record" in line]
    expect(len(said) == 1 and ("File too large" in said[0] or "full" in said[0]),
           f"said once, with the reason: {proc.stderr!r}")
    expect("history.db" in os.listdir(folder) and not any(".corrupt-" in n for n in os.listdir(folder)),
           f"nothing moved aside: {before} then {os.listdir(folder)}")
    history = subprocess.run([lwnet.leakwatch(), "--history", "--json"], capture_output=True,
                             text=True, timeout=60, env=env)
    expect(history.returncode == 0 and json.loads(history.stdout),
           f"the history reads as before: {history.returncode} {history.stderr!r}")


@test
def a_read_only_history_folder_is_not_called_damaged(net):
    # Root ignores file modes, so the folder is made read-only the way a
    # read-only mount does it: a read-only bind mount, in a mount
    # namespace of the check's own.
    if os.geteuid() != 0:
        print("# skipped in substance: a read-only bind mount needs root")
        return
    env = data_env(net, "readonly")
    first, report, took, err = net.check(env={"XDG_DATA_HOME": env["XDG_DATA_HOME"]})
    expect(first == 3, f"a first check: exit {first} {err!r}")
    folder = os.path.join(env["XDG_DATA_HOME"], "leakwatch")
    before = subprocess.run([lwnet.leakwatch(), "--history", "--json"], capture_output=True,
                            text=True, timeout=60, env=env).stdout
    check = " ".join(["exec", lwnet.leakwatch(), "--check", "--json", "--stun", net.stun(4),
                      "--ip-url", net.echo_url("/", 4), "--ca-file", net.ca])
    proc = subprocess.run(["unshare", "-m", "sh", "-c",
                           f'mount --bind "{folder}" "{folder}" && '
                           f'mount -o remount,bind,ro "{folder}" && {check}'],
                          capture_output=True, text=True, timeout=60, env=env)
    expect(proc.returncode == 3 and proc.stdout.startswith("{"),
           f"the verdict all the same: exit {proc.returncode}: {proc.stderr!r}")
    said = [line for line in proc.stderr.splitlines() if "history" in line or "record" in line]
    expect(len(said) == 1 and "Read-only file system" in said[0] and "damaged" not in said[0],
           f"said once, for what it is: {proc.stderr!r}")
    expect(not any(".corrupt-" in n for n in os.listdir(folder)),
           f"nothing moved aside: {os.listdir(folder)}")
    after = subprocess.run([lwnet.leakwatch(), "--history", "--json"], capture_output=True,
                           text=True, timeout=60, env=env).stdout
    expect(after == before and json.loads(after), f"the history as it was: {after[:300]}")


if __name__ == "__main__":
    reason = lwnet.enter()
    if reason:
        skip_all(reason)
    main(setup=lambda: lwnet.Net(ipv6=False))
