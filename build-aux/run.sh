#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Leakwatch and runs it: installs what is missing, builds into _build,
# then, on a desktop, starts Leakwatch there (the background service with its
# tray icon, and the report window); without a display, runs one check.
# Arguments given here go to `leakwatch` instead (e.g. --check --json).
# The programs run uninstalled through `meson devenv`, which tells them where
# the build tree keeps the others, the settings and the data.
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/deps.sh

lw_install_missing $BUILD_PACKAGES
lw_setup _build -Dwerror=true
# In this folder, as before, not in _build (the default since Meson 1.0).
devenv=(meson devenv -C _build)
if meson devenv --help 2>/dev/null | grep -q -- --workdir; then
  devenv+=(--workdir "$PWD")
fi
if [ $# -gt 0 ]; then
  exec "${devenv[@]}" leakwatch "$@"
elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Leakwatch runs until you choose Quit in its tray menu (or press Ctrl+C here)."
  exec "${devenv[@]}" leakwatch
else
  exec "${devenv[@]}" leakwatch --check
fi
