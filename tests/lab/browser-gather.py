#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ground truth from a real browser, in the lab's client namespace.

    unshare -m browser-gather.py SETUP.json

Runs as root in a mount namespace of its own (the caller's `unshare -m`),
inside the lab's client network namespace (`lab.sh exec`). SETUP says:

    {"home": HOME, "browser": "chromium" | "firefox-esr",
     "policy": {...} or null,      # Chromium's managed policy
     "stun": ["203.0.113.1:3478", ...], "leakwatch": [argv...]}

It puts the policy where Chromium reads it (a tmpfs over /etc/chromium,
seen by this namespace only), runs `leakwatch --browsers --json` with HOME
so that the audit reads the same profile, then opens a page in the real
headless browser that gathers ICE candidates against the lab's STUN
servers and posts them to a loopback server here. No WebDriver: the page
says what it saw. Prints {"audit": ..., "candidates": [...], "error": ...}.
"""

import http.server
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Leakwatch lab gather</title></head>
<body><p>Gathering ICE candidates for the Leakwatch lab.</p><script>
const token = %(token)s;
const found = [];
let sent = false;
function send(error) {
  if (sent) return;
  sent = true;
  fetch("/result/" + token, {method: "POST", body: JSON.stringify({candidates: found, error: error || null})});
}
try {
  const pc = new RTCPeerConnection({iceServers: %(servers)s});
  pc.createDataChannel("lab");
  pc.onicecandidate = (e) => {
    if (e.candidate && e.candidate.candidate) found.push(e.candidate.candidate);
    else if (!e.candidate) send(null);
  };
  pc.createOffer().then((offer) => pc.setLocalDescription(offer)).catch((e) => send(String(e)));
  setTimeout(() => send(null), 12000);
} catch (e) {
  send(String(e));
}
</script></body></html>
"""


def serve(token, servers):
    """A loopback server for the page and its one answer."""
    result = {}
    done = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = (PAGE % {"token": json.dumps(token), "servers": json.dumps(servers)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = min(int(self.headers.get("Content-Length", "0")), 1 << 20)
            data = self.rfile.read(length)
            if self.path == f"/result/{token}" and not done.is_set():
                result.update(json.loads(data))
                done.set()
            self.send_response(204)
            self.end_headers()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, result, done


def main():
    with open(sys.argv[1]) as f:
        setup = json.load(f)
    home = setup["home"]
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"),
               DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent",
               DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)

    # This mount namespace only: nothing of the host's /etc changes.
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/etc/chromium"], check=True)
    if setup.get("policy") is not None:
        os.makedirs("/etc/chromium/policies/managed")
        with open("/etc/chromium/policies/managed/leakwatch-lab.json", "w") as f:
            json.dump(setup["policy"], f)

    audit = subprocess.run(setup["leakwatch"] + ["--browsers", "--json"], env=env,
                           capture_output=True, text=True, timeout=90)
    out = {"audit": json.loads(audit.stdout) if audit.stdout.strip() else None,
           "audit_stderr": audit.stderr[-2000:], "candidates": [], "error": None}

    token = secrets.token_hex(16)
    servers = [{"urls": f"stun:{s}"} for s in setup["stun"]]
    httpd, result, done = serve(token, servers)
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    if setup["browser"] == "chromium":
        argv = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking",
                f"--user-data-dir={os.path.join(home, '.config', 'chromium')}", url]
    else:
        argv = ["firefox-esr", "--headless", "--no-remote", "--profile", setup["profile"], url]
    browser = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        if done.wait(60):
            out["candidates"] = result.get("candidates", [])
            out["error"] = result.get("error")
        else:
            out["error"] = "the page sent nothing in 60 s"
    finally:
        os.killpg(browser.pid, 9)
        browser.wait()
        httpd.shutdown()
    if out["error"] and browser.stderr is not None:
        out["browser_stderr"] = browser.stderr.read().decode(errors="replace")[-2000:]
    shutil.rmtree(os.path.join(home, ".cache"), ignore_errors=True)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
