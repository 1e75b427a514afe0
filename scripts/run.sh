#!/usr/bin/env bash
# Installs what is missing and opens Liuke in the browser on the app's database.
# --demo seeds a demo clinic on first run (only into an empty database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -p liuke --bin liuke
if [ "${1:-}" = "--demo" ]; then ./target/release/liuke demo --customers 300 || true; fi
exec ./target/release/liuke serve --port 8765
