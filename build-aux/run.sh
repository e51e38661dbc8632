#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Leakwatch and runs it: installs what is missing, builds into _build,
# then runs `leakwatch --check` with any arguments given here.
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/deps.sh

lw_install_missing $BUILD_PACKAGES
lw_setup _build -Dwerror=true
exec ./_build/src/service/leakwatch --check "$@"
