#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file with a translatable string is listed in po/POTFILES.in
# (C files with _(), N_() or ngettext(), UI files with translatable="yes",
# data templates), and every file listed there exists, so no user-visible
# string is missed.
set -eu
top="$1"
status=0
echo "1..2"
missing=$(cd "$top" && {
    grep -l -E '(^|[^A-Za-z0-9_])(N?_|ngettext)\(' src/*/*.c
    grep -l 'translatable="yes"' src/*/*.ui src/*/*/*.ui 2>/dev/null || true
    ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null || true
  } | while read -r f; do grep -qx "$f" po/POTFILES.in || echo "$f"; done)
if [ -z "$missing" ]; then echo "ok 1 - every file with strings is in POTFILES.in"
else echo "not ok 1 - not in POTFILES.in: $missing"; status=1; fi
gone=$(cd "$top" && grep -v '^#' po/POTFILES.in | while read -r f; do [ -z "$f" ] || [ -f "$f" ] || echo "$f"; done)
if [ -z "$gone" ]; then echo "ok 2 - every file in POTFILES.in exists"
else echo "not ok 2 - listed but missing: $gone"; status=1; fi
exit $status
