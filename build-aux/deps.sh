# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by run.sh and test.sh: installs the Debian/Ubuntu packages that are
# missing, as root or through sudo, and nothing else.

BUILD_PACKAGES="meson ninja-build pkg-config gcc gettext libglib2.0-dev libnice-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libmnl-dev glib-networking ca-certificates
  libgtk-3-dev libayatana-appindicator3-dev libgtk-4-dev libadwaita-1-dev
  hicolor-icon-theme adwaita-icon-theme"
TEST_PACKAGES="python3 coturn openssl iproute2 util-linux python3-dbusmock dbus-daemon
  libglib2.0-bin openvpn nftables xvfb xauth desktop-file-utils appstream fonts-cantarell
  groff-base librsvg2-dev locales zsh"
# The real browsers the lab checks the browser audit against. Debian has
# both; where a release has no such package (Ubuntu ships Chromium as a
# snap), that test says it is skipped and why.
BROWSER_PACKAGES="chromium firefox-esr"

lw_install_missing () {
  local missing="" pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $pkg"
    fi
  done
  [ -z "$missing" ] && return 0

  echo "Installing:$missing"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      sudo="sudo"
    else
      echo "These packages are missing and there is no sudo to install them:$missing" >&2
      return 1
    fi
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# Installs those of the packages that this release has at all.
lw_install_available () {
  local available="" pkg sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
  for pkg in "$@"; do
    # Package lists that were never fetched know nothing: fetch them once.
    if ! apt-cache show "$pkg" >/dev/null 2>&1 && [ -z "${lw_updated:-}" ]; then
      lw_updated=1
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    fi
    if apt-cache show "$pkg" >/dev/null 2>&1; then
      available="$available $pkg"
    else
      echo "This system has no package $pkg; the tests that need it are skipped." >&2
    fi
  done
  [ -z "$available" ] || lw_install_missing $available
}

lw_setup () {
  # lw_setup BUILDDIR [meson options...]
  local dir="$1"; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir"
}
