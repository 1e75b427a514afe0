#!/usr/bin/env bash
# The core's unit and CLI tests built for Windows and run under Wine (the
# CLI tests launch the Windows liuke.exe), in a Wine prefix of their own with
# the test-only bcryptprimitives stand-in. Needs the toolchain scripts/windows.sh
# sets up. Built in release, like the shipped programs, so that scripts/windows.sh
# has already compiled every dependency once.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/windows/wine-prefix.sh
export CARGO_TARGET_DIR="$PWD/target/windows"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/usr/lib/wine/wine64
# Features resolved as for the whole workspace, as scripts/windows.sh built
# them together with the window: only the test-only crates are compiled anew.
cargo +liuke-windows test -Zfeature-unification --config 'resolver.feature-unification="workspace"' \
  -Zbuild-std=std,panic_abort,test --target x86_64-pc-windows-gnu --release -p liuke
