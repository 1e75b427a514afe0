#!/usr/bin/env bash
# Runs every test: the core's unit and CLI tests, the browser tests against
# `liuke serve`, and the desktop window under Xvfb through tauri-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build -p liuke --bin liuke
cargo test -p liuke
# The benchmark is not run here (it builds a 1.4 GB clinic), but it must keep compiling.
cargo check -p liuke --benches
(cd tests/browser && node --test --test-concurrency=1 *.test.mjs)
cargo build -p liuke-desktop
xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/desktop/
