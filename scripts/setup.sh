#!/usr/bin/env bash
# Installs what is missing on Debian/Ubuntu: system packages and the npm package for browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev pkg-config file xvfb xauth webkit2gtk-driver xdotool chromium imagemagick fonts-noto-cjk"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
(cd tests/browser && npm install --no-audit --no-fund --silent)
# The desktop window's WebDriver (for the desktop smoke test).
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  cargo install tauri-driver --version '^2' --locked --quiet
fi
