#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the build into a temporary DESTDIR and checks the installed tree
# as a desktop would use it: the programs, the desktop entry, the AppStream
# metadata, the autostart template, the D-Bus service, the icons and the
# settings; then runs the installed leakwatch and reads its schema. Prints TAP.
#
# Usage: test-install.sh MESON BUILDDIR PREFIX BINDIR LIBEXECDIR DATADIR VERSION MANDIR
# (the directories absolute, as meson would install to them).
set -u

meson=$1 build=$2 prefix=$3 bindir=$4 libexecdir=$5 datadir=$6 version=$7 mandir=$8
app_id=io.github.leakwatch.Leakwatch

tmp=$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-install.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/root
share=$dest$datadir

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
not_ok () {
  n=$((n + 1)); failed=$((failed + 1))
  echo "not ok $n - $1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'
}
# check DESCRIPTION COMMAND [ARG...]: ok when COMMAND succeeds.
check () {
  what=$1; shift
  if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what" "$out"; fi
}
# has_line FILE LINE: FILE has exactly this line.
has_line () {
  [ -f "$1" ] || { echo "$1 does not exist"; return 1; }
  grep -qxF -- "$2" "$1" || { echo "no line '$2' in $1:"; cat "$1"; return 1; }
}
# The value of KEY in FILE's first group (a desktop entry or a D-Bus service).
key () { sed -n "s/^$2=//p" "$1" | head -n 1; }

if ! out=$("$meson" install -C "$build" --no-rebuild --quiet --destdir "$dest" 2>&1); then
  echo "Bail out! meson install failed"
  printf '%s\n' "$out" | sed 's/^/# /'
  exit 1
fi
ok "meson install into a DESTDIR"

# The programs.
check "leakwatch is installed in bindir" test -x "$dest$bindir/leakwatch"
installed=$("$meson" introspect "$build" --installed 2>/dev/null)
for helper in leakwatch-tray leakwatch-report; do
  if printf '%s' "$installed" | grep -q "/$helper\""; then
    check "$helper is installed in libexecdir" test -x "$dest$libexecdir/$helper"
  else
    skip "$helper is installed in libexecdir" "$helper is not built yet"
  fi
done

# They use installed paths only (none relative to themselves, into the build
# tree's layout), and hold no test code: the tests read the window from
# outside it (tests/preload).
# no_strings FILE STRING...: FILE has none of the STRINGs.
no_strings () {
  f=$1; shift
  [ -f "$f" ] || { echo "$f does not exist"; return 1; }
  for s in "$@"; do
    if grep -qaF -- "$s" "$f"; then echo "$f holds '$s'"; return 1; fi
  done
}
for program in "$dest$bindir/leakwatch" "$dest$libexecdir/leakwatch-tray" \
               "$dest$libexecdir/leakwatch-report"; do
  [ -f "$program" ] || continue
  check "$(basename "$program") uses installed paths only and holds no test hooks" \
    no_strings "$program" ../../data ../service ../tray ../report LEAKWATCH_REPORT_DUMP \
      LEAKWATCH_REPORT_SCREENSHOT focus-moves
done

# The desktop entry, named after the app id because it is D-Bus activatable.
desktop=$share/applications/$app_id.desktop
check "the desktop entry is installed" has_line "$desktop" "DBusActivatable=true"
check "the desktop entry runs leakwatch" has_line "$desktop" "Exec=leakwatch"
icon=$(key "$desktop" Icon)
check "the desktop entry's icon ($icon) is installed" \
  test -f "$share/icons/hicolor/scalable/apps/$icon.svg"

# AppStream.
metainfo=$share/metainfo/$app_id.metainfo.xml
check "the metainfo is installed" test -f "$metainfo"
check "the metainfo launches the installed desktop entry" \
  grep -qF "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo"

# The autostart template, which the service copies to ~/.config/autostart.
autostart=$share/leakwatch/autostart/$app_id.desktop
check "the autostart template is installed" has_line "$autostart" "NoDisplay=true"
check "the autostart template starts only the service" \
  has_line "$autostart" "Exec=leakwatch --gapplication-service"
check "nothing starts Leakwatch at login by itself" \
  test ! -e "$dest/etc/xdg/autostart/$app_id.desktop" -a ! -e "$dest$prefix/etc/xdg/autostart/$app_id.desktop"

# D-Bus activation starts the installed leakwatch.
service=$share/dbus-1/services/$app_id.service
check "the D-Bus service file is installed" has_line "$service" "Name=$app_id"
check "the D-Bus service starts the installed leakwatch" \
  has_line "$service" "Exec=$bindir/leakwatch --gapplication-service"
check "the D-Bus interface is installed" \
  grep -qF '<interface name="io.github.leakwatch.Monitor1">' "$share/dbus-1/interfaces/io.github.leakwatch.Monitor1.xml"

# The manual page: every option of --help in it, and groff finds nothing
# to say about it.
man=$dest$mandir/man1/leakwatch.1
check "the manual page is installed" has_line "$man" ".TH LEAKWATCH 1 \"\" \"Leakwatch $version\" \"User Commands\""
options=$("$build/src/service/leakwatch" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p' | grep -v '^--help')
missing=""
for option in $options; do
  grep -qF -- "$(printf '%s' "$option" | sed 's/-/\\-/g')" "$man" || missing="$missing $option"
done
if [ -n "$options" ] && [ -z "$missing" ]; then ok "the manual page covers every option of --help"
else not_ok "the manual page covers every option of --help" "missing:$missing (of: $options)"; fi
for section in "EXIT STATUS" "FILES" "D-BUS INTERFACE"; do
  check "the manual page has $section" grep -qxF ".SH $section" "$man"
done
if command -v groff >/dev/null; then
  check "groff reads the manual page without a warning" \
    sh -c '! groff -man -ww -z "$1" 2>&1 | grep .' sh "$man"
else skip "groff reads the manual page without a warning" "no groff"; fi

# Completion: bash completes the options and the browsers' entries.
bash_completion=$share/bash-completion/completions/leakwatch
check "the bash completion is installed" test -f "$bash_completion"
check "the zsh completion is installed" has_line "$share/zsh/site-functions/_leakwatch" "#compdef leakwatch"
if command -v zsh >/dev/null; then
  check "zsh reads the completion" zsh -n "$share/zsh/site-functions/_leakwatch"
else skip "zsh reads the completion" "no zsh"; fi
completes () {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _leakwatch; echo "${COMPREPLY[*]}"' \
    sh "$bash_completion" "$@"
}
apps=$tmp/data/applications
mkdir -p "$apps"
printf '[Desktop Entry]\nType=Application\nName=B\nMimeType=x-scheme-handler/https;\n' >"$apps/lw-b.desktop"
got=$(completes leakwatch --che)
[ "$got" = "--check" ] && ok "bash completes --che to --check" || not_ok "bash completes --che to --check" "got '$got'"
got=$(XDG_DATA_HOME=$tmp/data XDG_DATA_DIRS=/nonexistent completes leakwatch --test-browser lw-)
[ "$got" = "lw-b.desktop" ] && ok "bash completes a browser's desktop entry after --test-browser" \
  || not_ok "bash completes a browser's desktop entry after --test-browser" "got '$got'"

# The icons.
missing=""
for status in checking leak protected unknown unprotected warning; do
  for suffix in "" -symbolic; do
    f=$share/icons/hicolor/scalable/status/$app_id-$status$suffix.svg
    [ -f "$f" ] || missing="$missing $f"
  done
done
if [ -z "$missing" ]; then ok "the 12 status icons are installed"
else not_ok "the 12 status icons are installed" "missing:$missing"; fi
check "the application icon is installed" test -f "$share/icons/hicolor/scalable/apps/$app_id.svg"
check "the symbolic application icon is installed" \
  test -f "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"

# The installed program runs, with nothing from the build tree or the
# user's session.
mkdir -p "$tmp/home"
out=$(env -u GSETTINGS_SCHEMA_DIR -u LEAKWATCH_PROGRAM_PATH HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
      XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache" \
      XDG_DATA_DIRS="$share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
      DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" GSETTINGS_BACKEND=memory \
      "$dest$bindir/leakwatch" --version 2>&1)
if [ "$out" = "leakwatch $version" ]; then ok "the installed leakwatch --version says $version"
else not_ok "the installed leakwatch --version says $version" "$out"; fi

# The settings: the installed schema compiles and gives the defaults.
schemas=$share/glib-2.0/schemas
check "the schema is installed" test -f "$schemas/$app_id.gschema.xml"
check "glib-compile-schemas accepts the installed schema dir" glib-compile-schemas --strict "$schemas"
out=$(GSETTINGS_BACKEND=memory gsettings --schemadir "$schemas" get "$app_id" check-interval 2>&1)
case $out in
  300|"uint32 300") ok "gsettings reads check-interval 300 from the installed schema" ;;
  *) not_ok "gsettings reads check-interval 300 from the installed schema" "$out" ;;
esac

echo "1..$n"
[ "$failed" -eq 0 ]
