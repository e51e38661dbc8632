#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Leakwatch and runs it: installs what is missing, builds into _build,
# then, on a desktop, starts Leakwatch there (the background service with its
# tray icon, and the report window); without a display, runs one check.
# Arguments given here go to `leakwatch` instead (e.g. --check --json).
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/deps.sh

lw_install_missing $BUILD_PACKAGES
lw_setup _build -Dwerror=true
if [ $# -gt 0 ]; then
  exec ./_build/src/service/leakwatch "$@"
elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Leakwatch runs until you choose Quit in its tray menu (or press Ctrl+C here)."
  exec ./_build/src/service/leakwatch
else
  exec ./_build/src/service/leakwatch --check
fi
