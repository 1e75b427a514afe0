#!/usr/bin/env bash
# Installs what is missing and opens the Liuke desktop window on the app's
# database (the same file the `liuke` CLI uses). --demo seeds a demo clinic
# on first run (only into an empty database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# --bins: every binary of both packages (`--bin liuke` would apply to both
# packages and leave the window's binary unbuilt).
cargo build --release -p liuke -p liuke-desktop --bins
if [ "${1:-}" = "--demo" ]; then ./target/release/liuke demo --if-empty; fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "没有图形界面（DISPLAY 未设置）：改为在浏览器中打开，地址见下行。" >&2
  exec ./target/release/liuke serve --port 8765
fi
exec ./target/release/liuke-desktop
