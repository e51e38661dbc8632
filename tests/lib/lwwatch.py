# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs `leakwatch --watch --json` and hands out its reports as they come."""

import ctypes
import json
import queue
import signal
import subprocess
import threading
import time


def _die_with_parent():
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Watch:
    def __init__(self, cmd, env=None):
        # Dies with the test, whichever way the test ends.
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1, env=env, preexec_fn=_die_with_parent)
        self.reports = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line:
                self.reports.put((time.monotonic(), json.loads(line)))
        self.reports.put((time.monotonic(), None))

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip())

    def next(self, timeout, where=lambda report: True, what="a report"):
        """The next report that satisfies WHERE, as (arrival time, report);
        reports that do not are skipped. Raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                arrived, report = self.reports.get(timeout=max(left, 0))
            except queue.Empty:
                raise AssertionError(f"no {what} within {timeout} s; stderr: {self.stderr[-5:]}")
            if report is None:
                raise AssertionError(f"--watch ended (exit {self.proc.poll()}); stderr: {self.stderr[-5:]}")
            if where(report):
                return arrived, report

    def drain(self):
        """Drops reports that already arrived."""
        while not self.reports.empty():
            self.reports.get_nowait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
