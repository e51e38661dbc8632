#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the whole test suite, both builds, with the clock set to another
# time: no test may depend on the date. Run ./build-aux/test.sh first (it
# builds and installs what the tests need); this adds faketime.
#
#   ./build-aux/test-at.sh +365d                    # a year ahead
#   ./build-aux/test-at.sh '2027-12-31 18:27:00'    # 23:57 on 31 December, UTC+5:30
#
# The time is an offset (+365d, -2h), or a UTC time the clock starts from
# and runs on. Ends with one line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
. build-aux/deps.sh

if [ $# -ne 1 ]; then
  sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi
lw_install_missing faketime || exit 1

case "$1" in
  [+-]*) fake=(faketime -f "$1") ;;   # libfaketime's own offset form
  *) fake=(faketime "$1") ;;          # a date, as date(1) reads it
esac

status=0
for dir in _build _build-sanitize; do
  echo "== $dir at $1"
  # No count from an earlier run, if this one cannot start.
  rm -f "$dir/meson-logs/testlog.json"
  # libfaketime comes before the sanitizer runtime: let ASan allow it.
  TZ=UTC UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87 \
  ASAN_OPTIONS=detect_leaks=1:exitcode=86:verify_asan_link_order=0 \
    "${fake[@]}" meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 || status=1
done

python3 build-aux/tap-summary.py _build/meson-logs/testlog.json _build-sanitize/meson-logs/testlog.json
exit $status
