#!/usr/bin/env bash
# The installer under Wine, in a Wine prefix of its own: silent install,
# the programs and shortcuts where they belong, the CLI runs from the
# installed folder on the local app-data database, an upgrade over it keeps
# the data, and uninstalling removes the programs but never the data.
# Needs dist/ from scripts/windows.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
setup=$(ls "$ROOT"/dist/liuke-setup-*.exe | head -1)
source tests/windows/wine-prefix.sh
wine=/usr/lib/wine/wine64
fail() { echo "失败：$*" >&2; exit 1; }
user=$(ls "$WINEPREFIX/drive_c/users" | grep -v Public | head -1)
profile="$WINEPREFIX/drive_c/users/$user"
installed="$profile/AppData/Local/Programs/Liuke"
data="$profile/AppData/Local/Liuke/Liuke/data"

timeout 300 "$wine" "$setup" /S
for f in liuke.exe liuke-desktop.exe WebView2Loader.dll 卸载留客.exe; do
  [ -f "$installed/$f" ] || fail "安装后缺少 $f"
done
[ -f "$profile/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/留客/留客.lnk" ] || fail "开始菜单里没有 留客"
# Wine puts the desktop in $HOME.
[ -f "$HOME/留客.lnk" ] || [ -f "$profile/Desktop/留客.lnk" ] || fail "桌面上没有 留客"

cli() { timeout 120 "$wine" 'C:\users\'"$user"'\AppData\Local\Programs\Liuke\liuke.exe' --today 2026-11-23 "$@"; }
cli demo --customers 7 >/dev/null
[ -f "$data/liuke.db" ] || fail "数据库不在本地应用数据文件夹"
count() { cli customers | grep -c '"phone"'; }
[ "$(count)" = 7 ] || fail "演示数据不是 7 位客户"

timeout 300 "$wine" "$setup" /S
[ "$(count)" = 7 ] || fail "升级后客户数变了"

timeout 300 "$wine" "$installed/卸载留客.exe" /S
sleep 3  # the uninstaller copies itself and finishes in the background
[ ! -f "$installed/liuke.exe" ] || fail "卸载后程序还在"
[ -f "$data/liuke.db" ] || fail "卸载删除了数据库"
echo "安装程序在 Wine 下：安装、快捷方式、命令行、升级保留数据、卸载保留数据 — 全部通过（$(du -h "$setup" | cut -f1)）"
