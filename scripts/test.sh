#!/usr/bin/env bash
# Runs every test: the core's unit and CLI tests, then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build -p liuke --bin liuke
cargo test -p liuke
(cd tests/browser && node --test --test-concurrency=1 *.test.mjs)
