#!/usr/bin/env bash
# Runs every test: the core's unit and CLI tests, the browser tests against
# `liuke serve`, and the desktop window under Xvfb through tauri-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build -p liuke --bin liuke
cargo test -p liuke
(cd tests/browser && node --test --test-concurrency=1 *.test.mjs)
cargo build -p liuke-desktop
xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/desktop/
