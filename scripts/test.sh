#!/usr/bin/env bash
# Runs every test: the core's unit and CLI tests, the browser tests against
# `liuke serve`, the README's first command as a user runs it (with a
# display, under Xvfb: the release window must open on the demo clinic),
# that same window driven through tauri-driver, and the Windows programs and
# installer built here and tried under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Release, as the quick start below builds it, so that both share one set of
# compiled dependencies (the window's package is named so that its features
# are the same too); a debug build as well would cost minutes more.
cargo test --release -p liuke -p liuke-desktop
# The benchmark is not run here (it builds a 1.4 GB clinic), but it must keep compiling.
cargo test --release -p liuke -p liuke-desktop --benches --no-run
export LIUKE_BIN="$PWD/target/release/liuke"
(cd tests/browser && node --test --test-concurrency=1 *.test.mjs)
# `bash scripts/run.sh --demo` in a fresh data directory: builds the release
# CLI and window, seeds the demo, and the window must open on it.
xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/desktop/quick-start.test.mjs
# The window that build made, driven through WebDriver.
LIUKE_DESKTOP="$PWD/target/release/liuke-desktop" xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 tests/desktop/desktop.test.mjs tests/desktop/desk-mode.test.mjs
# Windows: liuke.exe, liuke-desktop.exe and the installer built for the
# reception PC, the installer under Wine, the core's tests built for Windows
# and run under Wine (installs MinGW, Wine and NSIS if missing).
bash tests/windows/run.sh
