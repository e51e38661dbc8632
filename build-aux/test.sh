#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Leakwatch and runs the whole test suite twice: a normal build, and
# one under AddressSanitizer and UndefinedBehaviorSanitizer. Both build with
# -Dwerror=true. Then the fuzz targets run for a few seconds each. Ends with one line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
. build-aux/deps.sh

lw_install_missing $BUILD_PACKAGES $TEST_PACKAGES || exit 1
lw_install_available $BROWSER_PACKAGES || exit 1

status=0
for variant in plain sanitize; do
  dir=_build
  opts=(-Dwerror=true)
  if [ "$variant" = sanitize ]; then
    dir=_build-sanitize
    opts+=(-Db_sanitize=address,undefined -Db_lundef=false)
  fi
  echo "== $variant build ($dir)"
  if ! lw_setup "$dir" "${opts[@]}"; then
    echo "tests: 0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  # Exit codes of their own, so a sanitizer report can never pass for one
  # of leakwatch's verdicts (1 is "leak").
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87 \
  ASAN_OPTIONS=detect_leaks=1:exitcode=86 \
    meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
done

# The fuzz targets, a few seconds each, when clang has libFuzzer (the seed
# corpora run in both builds above either way).
logs=(_build/meson-logs/testlog.json _build-sanitize/meson-logs/testlog.json)
rm -f _build-fuzz/meson-logs/testlog.json
echo "== fuzz smoke run (_build-fuzz)"
./build-aux/fuzz.sh
case $? in
  0) logs+=(_build-fuzz/meson-logs/testlog.json) ;;
  77) ;;
  *) status=1
     [ -f _build-fuzz/meson-logs/testlog.json ] && logs+=(_build-fuzz/meson-logs/testlog.json) ||
       logs+=(_build-fuzz/meson-logs/missing) ;;
esac

python3 build-aux/tap-summary.py "${logs[@]}"
exit $status
