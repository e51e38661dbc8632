#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a TAP test program on an X display of its own: Xvfb on the first
free display (-displayfd), with no TCP listener, stopped when the program
ends. Without Xvfb the test is skipped (TAP), with the reason.

    with-display.py PROGRAM [ARG...]

The program's exit status is this script's. Leaks that are not ours are
suppressed for builds with -Db_sanitize=address, as tests/lib/lwdesktop.py
does for the desktop tests: fontconfig keeps its caches for the life of
the process.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import lwdesktop


def skip(reason):
    print(f"1..0 # SKIP {reason}", flush=True)
    sys.exit(0)


def main():
    if shutil.which("Xvfb") is None:
        skip("no Xvfb to give the widgets a display")
    with tempfile.TemporaryDirectory(prefix="lw-display-") as tmp:
        log_path = os.path.join(tmp, "xvfb.log")
        with open(log_path, "w") as log:
            xvfb, display = lwdesktop.start_xvfb(
                lambda args, fd: subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                                  pass_fds=(fd,)))
        if display is None:
            with open(log_path) as f:
                skip("Xvfb did not start: " + " ".join(f.read().split())[-300:])
        supp = os.path.join(tmp, "lsan.supp")
        with open(supp, "w") as f:
            f.write("leak:libfontconfig.so\n")
        env = dict(os.environ, DISPLAY=f":{display}", GDK_BACKEND="x11")
        env.pop("WAYLAND_DISPLAY", None)
        lsan = [o for o in env.get("LSAN_OPTIONS", "").split(":") if o]
        env["LSAN_OPTIONS"] = ":".join(lsan + [f"suppressions={supp}", "print_suppressions=0"])
        try:
            code = subprocess.call(sys.argv[1:], env=env)
        finally:
            xvfb.terminate()
            xvfb.wait()
    sys.exit(code)


if __name__ == "__main__":
    main()
