# SPDX-License-Identifier: GPL-3.0-or-later
"""What a process costs, read from /proc, for the benchmarks."""

import os

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    """The CPU time PID has used: utime + stime, in milliseconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK


def memory_kb(pid):
    """/proc/PID/smaps_rollup as a dict of kB (Rss, Private_Clean, ...)."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":"):
                values[parts[0][:-1]] = int(parts[1])
    return values


def uss_mib(values):
    """The private memory (USS: Private_Clean + Private_Dirty) of a
    memory_kb() reading, in MiB."""
    return (values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)) / 1024
