# Sourced by the Windows tests: a Wine prefix and HOME of their own, removed
# on exit, with the test-only bcryptprimitives stand-in (Wine 8 lacks the
# DLL; Rust's std needs its ProcessPrng). Never shipped.
# Cargo and rustup stay where they are when HOME moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
work=$(mktemp -d)
# Wine's server may still be writing into the prefix: stop it before removing
# it, and never let the cleanup of a temporary folder decide the exit code.
trap 'status=$?; /usr/lib/wine/wineserver -k 2>/dev/null; /usr/lib/wine/wineserver -w 2>/dev/null; rm -rf "$work" 2>/dev/null; exit $status' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all HOME="$work/home"
mkdir -p "$HOME"
timeout 300 /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -ladvapi32
