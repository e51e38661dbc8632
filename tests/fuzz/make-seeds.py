#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the fuzz targets (corpus/TARGET/NAME): the
answers a real server gives, and the bad ones tests/test-bad-input.py
sends. Run it again after changing it; the seeds are kept in the tree.
corpus/report-json/real-unprotected is not made here: it is the output of
`leakwatch --check --json` in the test network of tests/lib/lwnet.py."""

import json
import os
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
COOKIE = 0x2112A442


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- the address service's body: first byte picks the content type ---------
# 0 none, 1 text/plain, 2 text/plain; charset=utf-8, 3 application/json,
# 4 application/json; charset=utf-8, 5 text/html
BODIES = {
    "plain-v4": (1, "203.0.113.9\n"),
    "plain-v6": (2, "2001:db8::9\r\n"),
    "json-v4": (3, '{"ip":"198.51.100.7"}'),
    "json-v6": (4, '{"ip": "2001:db8:77::100", "country": "XX"}'),
    "json-nested": (3, '{"ip":{"v4":"192.0.2.1"}}'),
    "json-nul": (3, '{"ip":"192.0.2.1\\u0000x"}'),
    "json-array": (3, '["192.0.2.1"]'),
    "private": (1, "10.8.0.2"),
    "loopback": (1, "127.0.0.1"),
    "unspecified": (1, "0.0.0.0"),
    "multicast": (1, "224.0.0.1"),
    "broadcast": (1, "255.255.255.255"),
    "cgnat": (1, "100.64.0.1"),
    "link-local-v6": (1, "fe80::1"),
    "mapped-v6": (1, "::ffff:203.0.113.9"),
    "html": (5, "<html><body>Your IP is 203.0.113.9</body></html>"),
    "no-type": (0, "203.0.113.9"),
    "two-lines": (1, "203.0.113.9\n198.51.100.7\n"),
    "spaces": (1, "  203.0.113.9  "),
    "invalid-utf8": (1, b"203.0.113.\xff"),
    "empty": (1, ""),
}
for name, (kind, body) in BODIES.items():
    write("http-body", name, bytes([kind]) + (body if isinstance(body, bytes) else body.encode()))


# --- STUN answers: first byte picks the socket's family (even 4, odd 6) ---
def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * pad


def xor_address(family, address, port, xor=True):
    if family == 4:
        raw = socket.inet_pton(socket.AF_INET, address)
        key = struct.pack("!I", COOKIE)
        code = 1
    else:
        raw = socket.inet_pton(socket.AF_INET6, address)
        key = struct.pack("!I", COOKIE) + b"\0" * 12  # the transaction id is written in by the target
        code = 2
    if xor:
        raw = bytes(a ^ b for a, b in zip(raw, key))
        port ^= COOKIE >> 16
    return struct.pack("!BBH", 0, code, port) + raw


def message(kind, attributes):
    body = b"".join(attributes)
    return struct.pack("!HHI", kind, len(body), COOKIE) + b"\0" * 12 + body


SUCCESS, ERROR = 0x0101, 0x0111
STUN = {
    "v4": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "198.51.100.7", 40000))])),
    "v6": (1, message(SUCCESS, [attr(0x0020, xor_address(6, "2001:db8:77::100", 40000))])),
    "v6-on-v4-socket": (0, message(SUCCESS, [attr(0x0020, xor_address(6, "2001:db8:77::100", 1))])),
    "v4-on-v6-socket": (1, message(SUCCESS, [attr(0x0020, xor_address(4, "198.51.100.7", 1))])),
    "unspecified": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "0.0.0.0", 1))])),
    "loopback": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "127.0.0.1", 1))])),
    "multicast": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "224.0.0.1", 1))])),
    "broadcast": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "255.255.255.255", 1))])),
    "private-lan": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "192.168.1.20", 1))])),
    "plain-mapped": (0, message(SUCCESS, [attr(0x0001, xor_address(4, "203.0.113.9", 3478, False))])),
    "family-0": (0, message(SUCCESS, [attr(0x0020, struct.pack("!BBH", 0, 0, 1) + b"\1\2\3\4")])),
    "no-address": (0, message(SUCCESS, [])),
    "error-400": (0, message(ERROR, [attr(0x0009, struct.pack("!HBB", 0, 4, 0) + b"Bad Request")])),
    "alternate": (0, message(ERROR, [attr(0x0009, struct.pack("!HBB", 0, 3, 0) + b"Try Alternate"),
                                     attr(0x8023, xor_address(4, "192.0.2.1", 3478, False))])),
    "truncated": (0, message(SUCCESS, [attr(0x0020, xor_address(4, "198.51.100.7", 1))])[:26]),
    "bad-length": (0, struct.pack("!HHI", SUCCESS, 400, COOKIE) + b"\0" * 12),
    "not-stun": (0, b"HTTP/1.1 200 OK\r\n\r\n"),
}
for name, (family, data) in STUN.items():
    write("stun-answer", name, bytes([family]) + data)


# --- reports as JSON ----------------------------------------------------
report = {
    "version": 1, "status": "leak", "time": 1764000000, "headline": "Leak: 198.51.100.7 is visible",
    "findings": [{"id": "srflx-real-address", "level": "leak", "audience": "every-site",
                  "mode": "default-route", "family": 4, "address": "198.51.100.7",
                  "interface": "lan0", "server": "192.0.2.10:3478",
                  "summary": "s", "detail": "d", "advice": "a"}],
    "evidence": {"vpn": {"active": True, "source": "interfaces", "interfaces": ["tun0"]},
                 "interfaces": [], "candidates": [], "stun": [], "public_addresses": []},
}
write("report-json", "leak", json.dumps(report))
write("report-json", "minimal", '{"status":"protected","time":0,"findings":[]}')
write("report-json", "unknown-status", '{"status":"green","time":0,"findings":[]}')
write("report-json", "not-object", '[1,2,3]')
write("report-json", "deep", "[" * 5000)
write("report-json", "nul", '{"status":"leak\\u0000","time":0}')
write("report-json", "huge-number", '{"status":"leak","time":1e400,"findings":[]}')
write("report-json", "empty", "")

# --- command-line values -------------------------------------------------
for name, text in {
    "host-port": "192.0.2.1:3478", "v6": "[2001:db8::1]:3478", "v6-bare": "2001:db8::1",
    "name": "stun.example.org", "port-0": "192.0.2.1:0", "port-big": "192.0.2.1:70000",
    "url": "https://192.0.2.1/ip", "url-userinfo": "https://user:pass@192.0.2.1/",
    "url-http": "http://192.0.2.1/", "seconds": "2.5", "nan": "nan", "inf": "inf",
    "negative": "-1", "exponent": "1e2", "empty": "", "brackets": "[]:",
}.items():
    write("cli-values", name, text)
# Found by libFuzzer: a server and a URL that are not valid UTF-8 were
# echoed as such in the error message.
write("cli-values", "crash-invalid-utf8", b"192\xff\xff.2.1:3478")


# --- rows of the history's changes: time, then old, new, headline, findings --
def row(time, old, new, headline, findings):
    return struct.pack("=q", time) + "\n".join([old, new, headline, findings]).encode()


write("history-row", "leak", row(1764000000, "protected", "leak", "Leak: 198.51.100.7 is visible",
                                 '[{"id":"srflx-real-address","level":"leak"}]'))
write("history-row", "first", row(1764000000, "-", "unprotected", "No VPN", "[]"))
write("history-row", "tampered-status", row(0, "green", "ok", "", "{}"))
write("history-row", "invalid-utf8", struct.pack("=q", 1) + b"leak\nleak\n\xff\xfe headline\n[\"\xff\"]")
write("history-row", "year-9999", row(253402300799, "leak", "protected", "late", "null"))
write("history-row", "negative-time", row(-62135596800, "leak", "protected", "early", "[1,2,3]"))
write("history-row", "huge-time", struct.pack("=q", 2**62) + b"leak\nunknown\nx\n[]")


# --- Firefox's pref files (prefs.js, user.js) --------------------------------
PREFS_HEAD = ("// Mozilla User Preferences\n\n// DO NOT EDIT THIS FILE.\n"
              "// - set it within a user.js file in your profile.\n\n")
for name, text in {
    "prefs-js": PREFS_HEAD + 'user_pref("media.peerconnection.enabled", false);\n'
                             'user_pref("toolkit.startup.last_success", 1795000000);\n'
                             'user_pref("browser.startup.homepage", "https://example.org/?q=\\"a\\"");\n',
    "user-js": "# hardening\n/* WebRTC */\nuser_pref('media.peerconnection.ice.default_address_only', true);"
               ' // keep calls\nuser_pref("x", "caf\\u00e9 \\ud83d\\ude00 \\x41");\n',
    "locked": 'lockPref("media.peerconnection.ice.proxy_only", true);\n',
    "open-string": 'user_pref("a", "never closed);\n',
    "open-comment": "/* never closed\n",
    "bad-escape": 'user_pref("a", "\\q\\u12");\n',
    "big-number": 'user_pref("a", 99999999999999999999);\n',
    "lone-surrogate": 'user_pref("a", "\\ud800");\n',
    "empty": "",
}.items():
    write("firefox-prefs", name, text)
write("firefox-prefs", "not-utf8", b'user_pref("a", "caf\xe9");\n')
