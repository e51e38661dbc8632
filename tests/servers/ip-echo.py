#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTPS "what is my IP address" echo for the Leakwatch test-suite.

Answers with the address the TCP connection came from, in several formats,
and can misbehave on purpose (garbage, huge or slow bodies, redirect loops,
server errors).

Usage:
  ip-echo.py --cert CERT.pem --key KEY.pem --bind ADDR [--bind ADDR ...]
             [--port N] [--ready-file FILE]

Paths (GET and HEAD):
  /             200 text/plain         "PEER\\n"
  /json         200 application/json   {"ip": "PEER", "country": "ZZ"}
  /json-noip    200 application/json   {"address": "PEER"}
  /html         200 text/html          small page with PEER inside markup
  /garbage      200 text/plain         "definitely not an address\\0\\xff\\xfe"
  /huge         200 text/plain         10 MiB of 'A', with Content-Length
  /huge-chunked 200 text/plain         10 MiB of 'A', chunked
  /slow         sleeps 30 s, then answers like /
  /redirect     302 to /redirect, forever
  /redirect-to/URL  302 to URL (percent-decoded), e.g. an http:// one
  /status/500   500 with a short text body
  /bad-reason   500 whose reason phrase is not UTF-8 (bytes the server chose)
  /fixed/ADDR   200 text/plain         "ADDR\\n" (percent-decoded), any peer
  anything else 404

Every response carries "Connection: close".  Once all listeners are up the
port is written to --ready-file (atomically) and "ready PORT" is printed on
stdout.  SIGTERM/SIGINT shut down cleanly with exit status 0.
"""

import argparse
import errno
import html
import http.server
import ipaddress
import json
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

HUGE_SIZE = 10 * 1024 * 1024
HUGE_CHUNK = 64 * 1024
SLOW_SECONDS = 30.0
HANDSHAKE_TIMEOUT = 10.0   # seconds a client may take for the TLS handshake
IO_TIMEOUT = 60.0          # seconds for reading the request / each send

# Set when shutting down, so that /slow and /huge stop early.
stopping = threading.Event()
_log_lock = threading.Lock()


def log(msg):
    with _log_lock:
        sys.stderr.write("ip-echo: %s\n" % msg)
        sys.stderr.flush()


def peer_address(host):
    """Normalise the client address as seen by the server."""
    # A link-local peer may come with a zone ("fe80::1%lo"); no echo service
    # on the Internet would report that, so drop it.
    host = host.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    # A dual-stack "::" listener sees IPv4 clients as ::ffff:a.b.c.d.
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 is needed for the chunked response; every response still says
    # "Connection: close", so there is exactly one request per connection.
    protocol_version = "HTTP/1.1"
    timeout = IO_TIMEOUT

    def version_string(self):
        return "ip-echo"

    @property
    def peer(self):
        return peer_address(self.client_address[0])

    # --- logging -------------------------------------------------------

    def log_request(self, code="-", size="-"):
        # Called from send_response(): one line per request.
        # command/path are unset if the request line could not be parsed.
        log("%s %s %s %s" % (self.peer, self.command or "-",
                             self.path if self.command else "-", int(code)))

    def log_message(self, format, *args):
        log("%s %s" % (self.peer, format % args))

    # --- helpers -------------------------------------------------------

    def _start(self, status, ctype, length=None, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()

    def _reply(self, status, ctype, body, extra=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self._start(status, ctype, len(body), extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _client_gone(self, exc):
        log("%s %s: client went away (%s)"
            % (self.peer, self.path, exc.__class__.__name__))
        self.close_connection = True

    # --- routes --------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        peer = self.peer

        if path == "/":
            self._reply(200, "text/plain", peer + "\n")
        elif path == "/json":
            self._reply(200, "application/json",
                        json.dumps({"ip": peer, "country": "ZZ"}))
        elif path == "/json-noip":
            self._reply(200, "application/json",
                        json.dumps({"address": peer}))
        elif path == "/html":
            self._reply(200, "text/html; charset=utf-8",
                        "<!DOCTYPE html>\n<html><head><title>What is my IP"
                        "</title></head>\n<body><h1>Your IP address</h1>\n"
                        "<p class=\"ip\">You are connecting from <b>%s</b>."
                        "</p></body></html>\n" % html.escape(peer))
        elif path == "/garbage":
            self._reply(200, "text/plain",
                        b"definitely not an address\x00\xff\xfe")
        elif path == "/huge":
            self._huge(chunked=False)
        elif path == "/huge-chunked":
            self._huge(chunked=True)
        elif path == "/slow":
            # Sleep in small steps so that shutdown is not held up.
            deadline = time.monotonic() + SLOW_SECONDS
            while time.monotonic() < deadline:
                if stopping.wait(0.1):
                    self.close_connection = True
                    return
            self._reply(200, "text/plain", peer + "\n")
        elif path == "/redirect":
            self._reply(302, "text/plain", "", [("Location", "/redirect")])
        elif path.startswith("/redirect-to/"):
            # Wherever the rest says, percent-decoded: http://… to leave TLS.
            target = urllib.parse.unquote(path[len("/redirect-to/"):])
            self._reply(302, "text/plain", "", [("Location", target)])
        elif path == "/bad-reason":
            body = b"error\n"
            self.wfile.write(b"HTTP/1.1 500 \xf0\xa0 Bro\xffken\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            self.close_connection = True
            self.log_request(500)
        elif path == "/status/500":
            self._reply(500, "text/plain",
                        "internal server error (on purpose)\n")
        elif path.startswith("/raw/"):
            # The rest, percent-decoded, is all the reply: no status line
            # of ours, so a test can send an HTTP 199, or bytes that are
            # not HTTP at all, inside TLS.
            self.wfile.write(urllib.parse.unquote_to_bytes(path[len("/raw/"):]))
            self.close_connection = True
            self.log_request(0)
        elif path.startswith("/fixed/"):
            # Percent-decoded, so that tests can also fake "impossible"
            # addresses (spaces, NUL bytes, zone ids with %25, ...).
            body = urllib.parse.unquote_to_bytes(path[len("/fixed/"):])
            self._reply(200, "text/plain", body + b"\n")
        else:
            self._reply(404, "text/plain", "not found\n")

    def _huge(self, chunked):
        if chunked:
            self._start(200, "text/plain",
                        extra=[("Transfer-Encoding", "chunked")])
        else:
            self._start(200, "text/plain", HUGE_SIZE)
        if self.command == "HEAD":
            return
        block = b"A" * HUGE_CHUNK
        if chunked:
            block = b"%X\r\n%s\r\n" % (HUGE_CHUNK, block)
        try:
            for _ in range(HUGE_SIZE // HUGE_CHUNK):
                if stopping.is_set():
                    self.close_connection = True
                    return
                self.wfile.write(block)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError as e:  # reset, broken pipe, timeout, ssl.SSLError
            self._client_gone(e)


class EchoServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, ssl_context, v6only=False):
        self.ssl_context = ssl_context
        self.v6only = v6only
        super().__init__(address, Handler)   # binds and listens

    def server_bind(self):
        if self.address_family == socket.AF_INET6 and self.v6only:
            self.socket.setsockopt(socket.IPPROTO_IPV6,
                                   socket.IPV6_V6ONLY, 1)
        # Skip HTTPServer.server_bind(): it calls socket.getfqdn(), i.e. a
        # reverse DNS lookup that can hang without a working resolver.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def finish_request(self, request, client_address):
        # Runs in the per-connection thread: do the TLS handshake here rather
        # than in accept(), so that a slow or broken client can neither block
        # nor kill the listener.
        peer = peer_address(client_address[0])
        try:
            request.settimeout(HANDSHAKE_TIMEOUT)
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except OSError as e:  # includes ssl.SSLError
            log("%s TLS handshake failed: %s" % (peer, e))
            return
        # wrap_socket() detached the plain socket, so the TLS socket must be
        # closed here; socketserver's shutdown_request() only sees the husk.
        try:
            self.RequestHandlerClass(tls, client_address, self)
        except OSError as e:
            log("%s connection error: %s" % (peer, e))
        finally:
            try:
                tls.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            tls.close()


class EchoServer6(EchoServer):
    address_family = socket.AF_INET6


def parse_bind(text):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "not an IP address literal: %r" % text)
    return text, ip.version


def start_servers(binds, port, ctx):
    """Bind one server per address, all on the same port."""
    has_v4 = any(version == 4 for _, version in binds)
    # With --port 0 the port picked for the first address may be taken on
    # another one; then simply try again with a new port.
    attempts = 20 if port == 0 else 1
    for attempt in range(attempts):
        servers = []
        chosen = port
        try:
            for host, version in binds:
                cls = EchoServer6 if version == 6 else EchoServer
                # IPV6_V6ONLY lets "::" and "0.0.0.0" share a port; without
                # IPv4 binds, "::" stays dual-stack (system default).
                srv = cls((host, chosen), ctx, v6only=has_v4)
                servers.append(srv)
                chosen = srv.server_address[1]
            return servers, chosen
        except OSError as e:
            for srv in servers:
                srv.server_close()
            if e.errno != errno.EADDRINUSE or attempt == attempts - 1:
                raise


def main():
    ap = argparse.ArgumentParser(description="HTTPS IP address echo for tests")
    ap.add_argument("--cert", required=True, help="server certificate (PEM)")
    ap.add_argument("--key", required=True, help="server private key (PEM)")
    ap.add_argument("--bind", required=True, action="append", type=parse_bind,
                    metavar="ADDR", help="IPv4/IPv6 address to listen on "
                    "(repeatable)")
    ap.add_argument("--port", type=int, default=0,
                    help="port for all addresses (0: pick a free one)")
    ap.add_argument("--ready-file", metavar="FILE",
                    help="write the port here once listening")
    args = ap.parse_args()

    def on_signal(signum, frame):
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.load_cert_chain(args.cert, args.key)
    except OSError as e:
        log("cannot load %s / %s: %s" % (args.cert, args.key, e))
        return 1

    try:
        servers, port = start_servers(args.bind, args.port, ctx)
    except OSError as e:
        log("cannot listen: %s" % e)
        return 1

    for srv in servers:
        threading.Thread(target=srv.serve_forever,
                         kwargs={"poll_interval": 0.1}, daemon=True).start()
        host = srv.server_address[0]
        log("listening on https://%s:%d/"
            % ("[%s]" % host if ":" in host else host, port))

    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.ready_file)
    print("ready %d" % port, flush=True)

    # Wait with a timeout so that signals are acted on promptly.
    while not stopping.wait(0.5):
        pass

    log("shutting down")
    for srv in servers:
        srv.shutdown()       # waits for serve_forever() to return
        srv.server_close()
    sys.stdout.flush()
    sys.stderr.flush()
    # Request threads (daemons) may still be finishing a write; a normal
    # interpreter shutdown could trip over them, so leave right away.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
