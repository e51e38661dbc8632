#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# smoke.sh FUZZER CORPUS SECONDS: runs a libFuzzer target from the seeds in
# CORPUS. SECONDS 0 is the test suite's smoke run: a fixed seed and a fixed
# number of runs, so that it finds the same in every CI run; otherwise it
# fuzzes for SECONDS from a random seed. What it finds goes to a folder of
# its own, never into the tree; a crash fails, and its input is printed.
# Leaks are left to the replay of the corpus under the sanitizer build:
# in-process, libFuzzer takes GLib's per-thread caches for leaks.
set -u
fuzzer="$1" corpus="$2" seconds="$3"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
if [ "$seconds" -eq 0 ]; then
  how="-runs=30000 -seed=1"
else
  how="-max_total_time=$seconds"
fi
# shellcheck disable=SC2086
"$fuzzer" $how -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
  -error_exitcode=1 -artifact_prefix="$work/" "$work" "$corpus" 2>&1
status=$?
for crash in "$work"/crash-* "$work"/timeout-* "$work"/oom-*; do
  [ -f "$crash" ] || continue
  echo "# kept input $(basename "$crash"):"
  od -A d -c "$crash" | head -40
done
exit $status
