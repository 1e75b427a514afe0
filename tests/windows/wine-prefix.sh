# Sourced by the Windows tests: a Wine prefix and HOME of their own, removed
# on exit, with the test-only bcryptprimitives stand-in (Wine 8 lacks the
# DLL; Rust's std needs its ProcessPrng). Never shipped.
# Cargo and rustup stay where they are when HOME moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all HOME="$work/home"
mkdir -p "$HOME"
timeout 300 /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -ladvapi32
