#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal HTTP CONNECT proxy for Leakwatch's tests.

    connect-proxy.py --listen ADDR --port N --source4 ADDR --source6 ADDR [--ready-file FILE]

It tunnels CONNECT requests (what a browser sends for HTTPS through a
proxy), opening each outgoing connection from --source4 or --source6, so
the server at the far end sees the proxy's address, not the client's.
Everything else is answered 405. One thread per client; quiet on errors.
"""

import argparse
import os
import select
import signal
import socket
import sys
import threading


def relay(a, b):
    sockets = [a, b]
    try:
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                return
            for s in readable:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        return


def handle(client, sources):
    upstream = None
    try:
        client.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 8192:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, target, _ = (line.split(" ") + ["", ""])[:3]
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = target.rpartition(":")
        host = host.strip("[]")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        upstream = socket.socket(family, socket.SOCK_STREAM)
        upstream.bind((sources[family], 0))
        upstream.settimeout(10)
        upstream.connect((host, int(port)))
        upstream.settimeout(None)
        client.settimeout(None)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        sys.stderr.write(f"connect-proxy: {target}\n")
        relay(client, upstream)
    except (OSError, ValueError) as e:
        try:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass
        sys.stderr.write(f"connect-proxy: failed: {e}\n")
    finally:
        client.close()
        if upstream is not None:
            upstream.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--port", type=int, default=3128)
    parser.add_argument("--source4", required=True)
    parser.add_argument("--source6", required=True)
    parser.add_argument("--ready-file")
    args = parser.parse_args()

    family = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((args.listen, args.port))
    server.listen(16)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(f"{args.port}\n")
        os.rename(args.ready_file + ".tmp", args.ready_file)

    sources = {socket.AF_INET: args.source4, socket.AF_INET6: args.source6}
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client, sources), daemon=True).start()


if __name__ == "__main__":
    main()
