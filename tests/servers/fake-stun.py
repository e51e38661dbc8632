#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A STUN server that answers what it is told to, for Leakwatch's tests.

    fake-stun.py --bind ADDR --port N --answer ADDR [--ready-file FILE]

Every Binding request gets a success response whose XOR-MAPPED-ADDRESS is
--answer, whatever the request came from: an address of the other family,
0.0.0.0, a loopback or multicast address, as a hostile or broken server
would send. --answer family0 sends an address attribute of family 0.
Quiet; SIGTERM ends it with status 0.
"""

import argparse
import ipaddress
import os
import signal
import socket
import struct
import sys

MAGIC = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
XOR_MAPPED_ADDRESS = 0x0020


def xor_mapped(answer, port, transaction):
    """The XOR-MAPPED-ADDRESS attribute (RFC 5389, 15.2)."""
    xport = port ^ (MAGIC >> 16)
    if answer == "family0":
        value = struct.pack("!BBH", 0, 0, xport) + bytes(4)
    else:
        ip = ipaddress.ip_address(answer)
        key = struct.pack("!I", MAGIC) + transaction
        raw = ip.packed
        xored = bytes(b ^ key[i] for i, b in enumerate(raw))
        value = struct.pack("!BBH", 0, 1 if ip.version == 4 else 2, xport) + xored
    return struct.pack("!HH", XOR_MAPPED_ADDRESS, len(value)) + value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--answer", required=True)
    parser.add_argument("--ready-file")
    args = parser.parse_args()

    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((args.bind, args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(str(args.port))
        os.rename(args.ready_file + ".tmp", args.ready_file)

    while True:
        data, peer = sock.recvfrom(2048)
        if len(data) < 20:
            continue
        kind, length, cookie = struct.unpack("!HHI", data[:8])
        transaction = data[8:20]
        if kind != BINDING_REQUEST or cookie != MAGIC:
            continue
        attribute = xor_mapped(args.answer, peer[1], transaction)
        reply = struct.pack("!HHI", BINDING_SUCCESS, len(attribute), MAGIC) + transaction + attribute
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
