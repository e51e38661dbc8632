#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every language in po/LINGUAS has its .po file, which msgfmt accepts with
# --check (header, plural forms, and every printf format as in its msgid),
# and which, merged with the messages the sources hold now, has no
# untranslated and no fuzzy message: a fuzzy one is not used at run time,
# and a message the file lacks is not translated at all, so the program
# would speak English there.
set -eu
top="$1"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$top/po"
# The template as meson's i18n "glib" preset makes it (po/meson.build).
xgettext --from-code=UTF-8 --add-comments -D "$top" -f POTFILES.in -o "$tmp/template.pot" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_printerr:1:c-format \
  --flag=g_print:1:c-format 2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log"; exit 1; }
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
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$lang.po" "$tmp/template.pot"
  untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  # msgattrib prints the header entry too when it lists anything.
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  if [ -z "$problems" ] && [ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ]; then
    echo "ok $n - $lang: $(msgfmt --statistics -o /dev/null "$lang.po" 2>&1)"
  else
    echo "not ok $n - $lang: $untranslated untranslated, $fuzzy fuzzy (against the sources as they are)"
    printf '%s\n' "$problems" | sed -e 's/^/# /'
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep '^msgid ' | grep -v '^msgid ""$' | head -n 20 | sed -e 's/^/# /'
    status=1
  fi
done
exit $status
