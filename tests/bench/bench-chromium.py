#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: how long headless Chromium takes to gather ICE candidates.

The yardstick for bench-check.py: the same private network (see
tests/lib/lwnet.py), the same coturn on 203.0.113.1 and [2001:db8:113::1],
the same unanswered address 203.0.113.9. A page served over plain HTTP on
127.0.0.1 in the client namespace does what any web page can: new
RTCPeerConnection, createDataChannel, createOffer, setLocalDescription, then
waits for icegatheringstatechange "complete" (or the null candidate). The
figure is measured inside the page with performance.now(), from just before
the RTCPeerConnection is made; the wall time from launching the browser to
the answer is printed beside it. Each run is a fresh browser with a fresh
profile, driven over --remote-debugging-pipe, so no state carries over.

The page asks for no permission, so the candidates it prints are what an
ordinary page sees (host addresses hidden behind mDNS .local names).

    python3 tests/bench/bench-chromium.py [--runs N] [--silent-runs N]
                                         [--cap SECONDS] [--chromium PATH]

Needs Debian's chromium (apt-get install chromium) and what lwnet needs.
"""

import argparse
import http.server
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import lwnet  # noqa: E402

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>gathering</title>
<script>
"use strict";
// ?servers=<JSON list of STUN URLs>&cap=<ms>. window.result settles with
// {ms, state, capped, candidates: [{at, candidate, url}]}.
window.result = new Promise(resolve => {
  const query = new URLSearchParams(location.search);
  const servers = JSON.parse(query.get("servers") || "[]");
  const cap = Number(query.get("cap") || 60000);
  const candidates = [];
  let finished = false;
  const t0 = performance.now();
  const pc = new RTCPeerConnection({iceServers: servers.map(urls => ({urls}))});
  const finish = (how, capped) => {
    if (finished) return;
    finished = true;
    const result = {ms: performance.now() - t0, how, capped,
                    state: pc.iceGatheringState, candidates};
    pc.close();
    console.log("gathering " + JSON.stringify(result));
    document.title = "done";
    resolve(result);
  };
  pc.onicecandidate = e => {
    if (e.candidate === null) { finish("null candidate", false); return; }
    if (e.candidate.candidate)
      candidates.push({at: performance.now() - t0, candidate: e.candidate.candidate,
                       url: e.candidate.url});
  };
  pc.onicegatheringstatechange = () => {
    if (pc.iceGatheringState === "complete") finish("icegatheringstatechange", false);
  };
  setTimeout(() => finish("cap", true), cap);
  pc.createDataChannel("leakwatch");
  pc.createOffer().then(offer => pc.setLocalDescription(offer))
    .catch(err => { console.log("gathering error " + err); finish("error: " + err, false); });
});
</script>
"""

PR_SET_CHILD_SUBREAPER = 36

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps",
         "--disable-extensions", "--mute-audio", "--remote-debugging-pipe"]


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if urllib.parse.urlsplit(self.path).path != "/":
            self.send_error(404)
            return
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Browser:
    """One headless Chromium with a fresh profile, spoken to over the
    DevTools pipe (fd 3 in, fd 4 out, NUL-separated JSON)."""

    def __init__(self, chromium, deadline):
        self.deadline = deadline
        self.profile = tempfile.mkdtemp(prefix="lw-chromium-")
        self.log = open(os.path.join(self.profile, "stderr.log"), "w+")
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()
        # Out of the way of 3 and 4, so the dup2s below cannot clobber them.
        high_in, high_out = (os.dup2(fd, 100 + i, inheritable=False)
                             for i, fd in enumerate((to_child, from_child)))
        os.close(to_child)
        os.close(from_child)

        def child():
            lwnet._die_with_parent()
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        try:
            self.proc = subprocess.Popen(
                [chromium] + FLAGS + [f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                close_fds=False, start_new_session=True, preexec_fn=child)
        finally:
            os.close(high_in)
            os.close(high_out)
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def send(self, method, session=None, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self.next_id

    def _read(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer from Chromium before the deadline")
        ready, _, _ = select.select([self._from_browser], [], [], left)
        if not ready:
            raise TimeoutError("no answer from Chromium before the deadline")
        chunk = os.read(self._from_browser, 65536)
        if not chunk:
            raise RuntimeError("Chromium closed the DevTools pipe (exit status "
                               f"{self.proc.poll()}); see its log:\n{self.tail()}")
        self.buffer += chunk

    def _message(self):
        while b"\0" not in self.buffer:
            self._read()
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, session=None, **params):
        wanted = self.send(method, session, **params)
        while True:
            message = self._message()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_event(self, method, session=None):
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._message())

    def tail(self, lines=15):
        self.log.flush()
        self.log.seek(0)
        return "".join(self.log.readlines()[-lines:])

    def close(self):
        """Asks Chromium to quit, then kills whatever is left of its process
        group; the leader is reaped last so that the group id stays ours."""
        pid = self.proc.pid
        try:
            self.send("Browser.close")
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                break
            time.sleep(0.05)
        os.killpg(pid, signal.SIGKILL)
        self.proc.wait()
        while time.monotonic() < deadline + 5:  # helpers, orphaned to us (see main)
            try:
                while os.waitpid(-pid, os.WNOHANG)[0]:
                    pass
            except ChildProcessError:
                pass
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)
        os.close(self._to_browser)
        os.close(self._from_browser)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def gather(chromium, page_url, servers, cap_ms):
    """One fresh browser, one page load; returns (result, wall ms)."""
    started = time.monotonic()
    browser = Browser(chromium, started + cap_ms / 1000 + 30)
    try:
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target,
                               flatten=True)["sessionId"]
        browser.call("Page.enable", session)
        query = urllib.parse.urlencode({"servers": json.dumps(servers), "cap": cap_ms})
        browser.call("Page.navigate", session, url=f"{page_url}?{query}")
        browser.wait_event("Page.loadEventFired", session)
        answer = browser.call("Runtime.evaluate", session, expression="window.result",
                              awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"page failed: {answer['exceptionDetails']}")
        return answer["result"]["value"], (time.monotonic() - started) * 1000
    finally:
        browser.close()


def parse(candidate):
    """'candidate:... 1 udp 2122260223 192.0.2.10 40000 typ host ...' -> dict."""
    fields = candidate.split()
    info = {"protocol": fields[2].lower(), "address": fields[4], "port": fields[5],
            "type": fields[7]}
    for key in ("raddr", "rport"):
        if key in fields:
            info[key] = fields[fields.index(key) + 1]
    return info


def describe(candidate):
    c = parse(candidate["candidate"])
    text = f"{c['type']} {c['protocol']} {c['address']}"
    if "raddr" in c:
        text += f" (raddr {c['raddr']})"
    if candidate.get("url"):
        text += f" via {candidate['url']}"
    return text + f" at {candidate['at']:.0f} ms"


def srflx(results):
    """The server-reflexive addresses seen in any of RESULTS."""
    seen = {parse(c["candidate"])["address"] for r in results for c in r["candidates"]
            if parse(c["candidate"])["type"] == "srflx"}
    return ", ".join(sorted(seen)) or "none"


def version(chromium):
    out = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"(\d+)\.[\d.]+", out.stdout)
    return (match.group(1), match.group(0)) if match else ("?", out.stdout.strip())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="runs of the full check")
    parser.add_argument("--silent-runs", type=int, default=1,
                        help="runs with an unanswered STUN server")
    parser.add_argument("--cap", type=float, default=60, help="seconds a page may wait")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not shutil.which(args.chromium):
        print(f"cannot run: no {args.chromium} (apt-get install chromium)")
        return 1

    reason = lwnet.enter()
    if reason:
        print(f"cannot run: {reason}")
        return 1

    # Chromium's helpers outlive its main process by a little; adopt them
    # so that each run can reap them itself.
    lwnet._libc.prctl(PR_SET_CHILD_SUBREAPER, 1)
    major, full = version(args.chromium)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page_url = f"http://127.0.0.1:{server.server_address[1]}/"
    cap_ms = int(args.cap * 1000)

    good = [f"stun:{lwnet.STUN4}:{lwnet.STUN_PORT}", f"stun:[{lwnet.STUN6}]:{lwnet.STUN_PORT}"]
    silent = [f"stun:{lwnet.SILENT4}:{lwnet.STUN_PORT}"]
    cases = [("full check, both families", good, args.runs),
             ("one STUN server unreachable", good + silent, args.silent_runs)]

    try:
        with lwnet.Net():
            print(f"Chromium {full} --headless=new, a page on {page_url} with no permissions, "
                  f"real coturn over a veth pair in a private network namespace; "
                  f"a fresh browser per run, the page gives up after {args.cap:g} s")
            for name, servers, runs in cases:
                if runs <= 0:
                    continue
                results, walls = [], []
                for _ in range(runs):
                    result, wall = gather(args.chromium, page_url, servers, cap_ms)
                    results.append(result)
                    walls.append(wall)
                times = [r["ms"] for r in results]
                capped = sum(r["capped"] for r in results)
                at_least = ">=" if capped else ""  # a capped run is a lower bound
                print(f"chromium {major} headless: {name:29} median {at_least}"
                      f"{statistics.median(times):.0f} ms "
                      f"(min {min(times):.0f}, max {max(times):.0f}) over {runs} runs; "
                      f"wall from launch {statistics.median(walls):.0f} ms; "
                      f"srflx seen: {srflx(results)}")
                ends = sorted({r["how"] for r in results})
                last = statistics.median(max((c["at"] for c in r["candidates"]), default=0)
                                         for r in results)
                print(f"{'':28} last candidate at {last:.0f} ms (median); "
                      f"ended by: {', '.join(ends)}"
                      + (f"; {capped} of {runs} hit the {args.cap:g} s cap" if capped
                         else "; none hit the cap"))
                print(f"{'':28} candidates in the last run ({servers}):")
                for candidate in results[-1]["candidates"]:
                    print(f"{'':30} {describe(candidate)}")
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
