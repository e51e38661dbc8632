# SPDX-License-Identifier: GPL-3.0-or-later
"""What the network-lab tests share: the root check and the leftover check."""

import os
import shutil
import subprocess

from tap import skip_all


def require_lab():
    """Skips the whole test, with the reason, where the lab cannot run."""
    if os.geteuid() != 0:
        skip_all("the network lab needs root (ip netns, nftables, OpenVPN)")
    missing = [t for t in ("ip", "nft", "turnserver", "openvpn", "openssl") if not shutil.which(t)]
    if missing:
        skip_all("the network lab needs " + ", ".join(missing))


def leftovers(prefix):
    """The lab's namespaces and processes still there: both lists must be empty."""
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    spaces = [line.split()[0] for line in names.splitlines() if line.startswith(prefix + "-")]
    procs = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"/tmp/{prefix}/" in cmd:
            procs.append(cmd.strip())
    return spaces, procs


def point(results, name, fn):
    """Runs one test point: FN passes unless it raises; the outcome is
    appended to RESULTS for print_results()."""
    try:
        fn()
        results.append((True, name))
    except Exception as e:  # noqa: BLE001 - a failed test point
        results.append((False, f"{name}: {e}"))
