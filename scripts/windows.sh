#!/usr/bin/env bash
# Builds the Windows programs on this Linux machine (shared/WINDOWS-BUILD.md):
# liuke.exe and liuke-desktop.exe for x86_64-pc-windows-gnu, release,
# stripped, with WebView2Loader.dll beside them, under dist/windows/.
#
# The prebuilt Windows standard library cannot be downloaded here, so the
# standard library is built from source (-Zbuild-std) by a private toolchain:
# a hard-linked copy of rustup's nightly with Debian's rust-src placed in it.
#
#   bash scripts/windows.sh            # both programs
#   bash scripts/windows.sh --cli      # liuke.exe only
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TARGET=x86_64-pc-windows-gnu
TOOLCHAIN=liuke-windows
WORK="$ROOT/target/windows-toolchain"
export CARGO_TARGET_DIR="$ROOT/target/windows"
RUST_SRC_DEB=rust-src_1.97.1+dfsg1-1_all.deb
RUST_SRC_SHA256=d0637f8f
DIST="$ROOT/dist/windows"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. The cross linker and C compiler (SQLite and ring are C), Wine to test, NSIS to package.
missing=()
for pkg in gcc-mingw-w64-x86-64 wine64 nsis; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "安装 Windows 构建所需的软件包：${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. The standard library's source: the kept .deb, or sid's current one.
mkdir -p "$WORK"
if [ ! -d "$WORK/rust-src/usr/src" ]; then
  deb=""
  for candidate in "$ROOT/../shared/toolchain/$RUST_SRC_DEB" "$WORK/$RUST_SRC_DEB"; do
    [ -f "$candidate" ] && deb="$candidate" && break
  done
  if [ -z "$deb" ]; then
    echo "从 Debian sid 下载 rust-src（只解包，不安装）"
    apt_dir="$WORK/apt"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    echo "deb http://deb.debian.org/debian sid main" > "$apt_dir/sources.list"
    apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent
      -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Get::List-Cleanup=0)
    apt-get "${apt_opts[@]}" update -qq
    (cd "$WORK" && apt-get "${apt_opts[@]}" download rust-src)
    deb=$(ls "$WORK"/rust-src_*_all.deb | head -1)
  elif [ "$(basename "$deb")" = "$RUST_SRC_DEB" ]; then
    sha256sum "$deb" | grep -q "^$RUST_SRC_SHA256" || { echo "$deb 的校验和不对" >&2; exit 1; }
  fi
  rm -rf "$WORK/rust-src"
  dpkg-deb -x "$deb" "$WORK/rust-src"
fi
library=$(ls -d "$WORK"/rust-src/usr/src/rustc-*/library | head -1)

# 3. A toolchain that has that source: nightly, hard-linked, registered with rustup.
nightly="$HOME/.rustup/toolchains/nightly-x86_64-unknown-linux-gnu"
[ -d "$nightly" ] || { echo "需要 rustup 的 nightly 工具链（$nightly）" >&2; exit 1; }
if [ ! -d "$WORK/toolchain/lib/rustlib/src/rust/library" ]; then
  rm -rf "$WORK/toolchain"
  mkdir -p "$WORK/toolchain"
  for part in "$nightly"/*; do
    [ "$(basename "$part")" = share ] && continue
    cp -al "$part" "$WORK/toolchain/"
  done
  mkdir -p "$WORK/toolchain/lib/rustlib/src/rust"
  rm -rf "$WORK/toolchain/lib/rustlib/src/rust/library"
  cp -a "$library" "$WORK/toolchain/lib/rustlib/src/rust/library"
fi
rustup toolchain link "$TOOLCHAIN" "$WORK/toolchain" >/dev/null

# 4. Build, release, for Windows.
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
packages=(-p liuke --bin liuke)
[ "${1:-}" = "--cli" ] || packages+=(-p liuke-desktop --bin liuke-desktop)
start=$(date +%s)
# `test` too, although the programs do not use it: tests/windows/core.sh then
# builds against the very same standard library and reuses every dependency
# compiled here (with a different set, all of them are compiled again).
cargo +"$TOOLCHAIN" build -Zbuild-std=std,panic_abort,test --target "$TARGET" --release "${packages[@]}"
echo "构建用时 $(( $(date +%s) - start )) 秒"

# 5. What ships: stripped programs and the WebView2 loader the window needs.
out="$CARGO_TARGET_DIR/$TARGET/release"
mkdir -p "$DIST"
x86_64-w64-mingw32-strip -o "$DIST/liuke.exe" "$out/liuke.exe"
if [ -f "$out/liuke-desktop.exe" ] && [ "${1:-}" != "--cli" ]; then
  x86_64-w64-mingw32-strip -o "$DIST/liuke-desktop.exe" "$out/liuke-desktop.exe"
  loader=$(find "$out/build" -path '*x64/WebView2Loader.dll' | head -1)
  [ -n "$loader" ] || { echo "找不到 WebView2Loader.dll" >&2; exit 1; }
  cp "$loader" "$DIST/"
fi

# 6. The installer (per user, Chinese; Tauri's bundler needs downloads this
#    machine cannot make, see WINDOWS-BUILD.md) and the checksums beside it.
if [ "${1:-}" != "--cli" ]; then
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
  setup="$ROOT/dist/liuke-setup-$version.exe"
  (cd installer && makensis -V2 -DVERSION="$version" -DDIST="$DIST" -DOUT="$setup" liuke.nsi)
  (cd "$ROOT/dist" && sha256sum "$(basename "$setup")" windows/liuke.exe windows/liuke-desktop.exe windows/WebView2Loader.dll > SHA256SUMS)
  ls -l "$setup"
fi
ls -l "$DIST"
