#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz.sh [SECONDS]: builds the libFuzzer targets of tests/fuzz with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (in _build-fuzz), and
# runs each from its seed corpus. Without SECONDS, the smoke run of the
# test suite: 30000 runs each from a fixed seed, a few seconds, the same
# in every run. With SECONDS (`fuzz.sh 3600`: an hour each), from a random
# seed. Exits 77 when there is no clang with libFuzzer.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-0}"
dir=_build-fuzz
probe=$(mktemp -d) || exit 1
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput (const char *d, unsigned long n) { return 0; }\n' > "$probe/t.c"
if ! clang -fsanitize=fuzzer,address "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then
  echo "fuzz: skipped, no clang with libFuzzer (Debian: clang and libclang-rt-14-dev)"
  exit 77
fi

# Not -Dwerror: clang warns where gcc, which the test suite builds with,
# does not (the alignment of netlink's macros, cleanup-only variables).
opts=(-Dfuzzing=true -Dfuzz_seconds="$seconds" -Dwerror=false
      -Db_sanitize=address,undefined -Db_lundef=false)
if [ -f "$dir/build.ninja" ]; then
  meson setup --reconfigure "$dir" "${opts[@]}" >/dev/null || exit 1
else
  CC=clang meson setup "$dir" "${opts[@]}" >/dev/null || exit 1
fi
# Only the fuzzers and what they link: not the desktop programs.
targets=()
for source in tests/fuzz/fuzz-*.c; do
  targets+=("tests/fuzz/$(basename "$source" .c)")
done
ninja -C "$dir" "${targets[@]}" || exit 1

# No leak checks here: json-glib 1.6 loses the nodes of a first document
# when a second follows it ("{}{}"), which fuzzing finds at once. The seed
# corpora replay with leak checks in the sanitizer build of the suite.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
ASAN_OPTIONS=detect_leaks=0 \
  meson test -C "$dir" --no-rebuild --suite fuzz-smoke --print-errorlogs --num-processes 1
