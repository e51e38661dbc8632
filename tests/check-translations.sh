#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every language in po/LINGUAS has its .po file, which msgfmt accepts with
# --check (header, plural forms, and every printf format as in its msgid),
# and which has no untranslated and no fuzzy message: a fuzzy one is not
# used at run time, so the program would speak English there.
set -eu
top="$1"
cd "$top/po"
languages=$(sed -e 's/#.*//' LINGUAS | tr -s ' \t' '\n\n' | grep -v '^$' || true)
count=$(printf '%s\n' "$languages" | grep -c . || true)
if [ "$count" -eq 0 ]; then
  echo "1..0 # SKIP po/LINGUAS names no language"
  exit 0
fi
echo "1..$count"
status=0
n=0
for lang in $languages; do
  n=$((n + 1))
  if [ ! -f "$lang.po" ]; then
    echo "not ok $n - $lang: po/$lang.po is missing"
    status=1
    continue
  fi
  problems=$(msgfmt --check --check-format --check-accelerators=_ -o /dev/null "$lang.po" 2>&1) || true
  untranslated=$(msgattrib --untranslated --no-obsolete "$lang.po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$lang.po" | grep -c '^msgid ' || true)
  # msgattrib prints the header entry too when it lists anything.
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  if [ -z "$problems" ] && [ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ]; then
    echo "ok $n - $lang: $(msgfmt --statistics -o /dev/null "$lang.po" 2>&1)"
  else
    echo "not ok $n - $lang: $untranslated untranslated, $fuzzy fuzzy"
    printf '%s\n' "$problems" | sed -e 's/^/# /'
    status=1
  fi
done
exit $status
