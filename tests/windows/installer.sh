#!/usr/bin/env bash
# The installer under Wine, in a Wine prefix of its own: silent install,
# the programs and shortcuts where they belong, the CLI runs from the
# installed folder on the local app-data database, Chinese through cmd, the
# window's own word when WebView2 is missing, an upgrade refused while Liuke
# runs and kept data when it is not, uninstalling that never removes the
# data, and a second install into a folder with Chinese and a space.
# Needs dist/ from scripts/windows.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
setup=${LIUKE_SETUP:-$(ls "$ROOT"/dist/liuke-setup-*.exe | head -1)}
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

# Chinese through cmd's redirection arrives as UTF-8, output and errors alike.
"$wine" cmd /c 'C:\users\'"$user"'\AppData\Local\Programs\Liuke\liuke.exe --today 2026-11-23 customers > C:\users\Public\out.json 2> C:\users\Public\err.txt' || true
public="$WINEPREFIX/drive_c/users/Public"
iconv -f UTF-8 -t UTF-8 "$public/out.json" >/dev/null || fail "cmd 重定向的输出不是 UTF-8"
LC_ALL=C.UTF-8 grep -qP '"name": "\p{Han}' "$public/out.json" || fail "cmd 重定向的输出里没有中文姓名"
"$wine" cmd /c 'C:\users\'"$user"'\AppData\Local\Programs\Liuke\liuke.exe restore C:\没有这个备份.db 2> C:\users\Public\err.txt' && fail "不存在的备份竟然恢复成功"
grep -q '读写文件出错\|没有这个备份' "$public/err.txt" || fail "cmd 里的错误不是可读的中文：$(cat "$public/err.txt")"

# WebView2: Wine has none, and nothing can be downloaded here: the programs are
# installed anyway and the outcome is kept for support.
webview2() { "$wine" reg query 'HKCU\Software\Liuke' /v WebView2 2>/dev/null | tr -d '\r' | awk '/WebView2/ {print $3}'; }
[ "$(webview2)" = missing ] || fail "没有 WebView2 时，安装程序没有记下「missing」：$(webview2)"

# Without WebView2 the window says so (a message box when there is a screen;
# here none, so only its words on stderr) and stops, instead of vanishing.
set +e; said=$(DISPLAY= timeout 60 "$wine" "$installed/liuke-desktop.exe" 2>&1); code=$?; set -e
[ "$code" = 3 ] || fail "缺少 WebView2 时窗口程序的退出码是 $code，不是 3"
grep -q "缺少 Microsoft Edge WebView2 运行库" <<<"$said" || fail "缺少 WebView2 时没有中文说明：$said"

# An upgrade while Liuke runs (a host's liuke serve) stops before writing anything.
port=$(( 20000 + RANDOM % 20000 ))
"$wine" "$installed/liuke.exe" --today 2026-11-23 serve --port "$port" >/dev/null 2>&1 &
serving=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
before=$(sha256sum "$installed/liuke.exe")
set +e; timeout 300 "$wine" "$setup" /S; code=$?; set -e
kill "$serving"; wait "$serving" 2>/dev/null || true
[ "$code" != 0 ] || fail "留客运行时升级竟然成功"
[ "$(sha256sum "$installed/liuke.exe")" = "$before" ] || fail "升级被拒绝，但程序文件变了"

# Windows 10/11 already have WebView2: the installer finds it and downloads nothing.
"$wine" reg add 'HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' /v pv /t REG_SZ /d 131.0.2903.70 /f >/dev/null
timeout 300 "$wine" "$setup" /S
[ "$(count)" = 7 ] || fail "升级后客户数变了"
[ "$(webview2)" = 131.0.2903.70 ] || fail "已有的 WebView2 没被认出：$(webview2)"

timeout 300 "$wine" "$installed/卸载留客.exe" /S
sleep 3  # the uninstaller copies itself and finishes in the background
[ ! -f "$installed/liuke.exe" ] || fail "卸载后程序还在"
[ -f "$data/liuke.db" ] || fail "卸载删除了数据库"
# A folder with Chinese and a space, for the programs and for the data.
# NSIS reads /D= unquoted to the end of the line: through cmd, which passes it as typed.
setup_win=$("$wine" winepath -w "$setup" | tr -d '\r')
timeout 300 "$wine" cmd /c "$setup_win /S /D=C:\\诊所 软件\\留客"
other="$WINEPREFIX/drive_c/诊所 软件/留客"
[ -f "$other/liuke.exe" ] || fail "没有装进「C:\诊所 软件\留客」"
there() { timeout 120 "$wine" 'C:\诊所 软件\留客\liuke.exe' --db 'C:\诊所 数据\前台 1\liuke.db' --today 2026-11-23 "$@"; }
there demo --customers 5 >/dev/null
there backup >/dev/null
backup=$(ls "$WINEPREFIX/drive_c/诊所 数据/前台 1/backups/"liuke-2026-11-23-*.db | head -1)
[ -n "$backup" ] || fail "中文路径下没有备份"
there restore 'C:\诊所 数据\前台 1\backups\'"$(basename "$backup")" >/dev/null
[ "$(there customers | grep -c '"phone"')" = 5 ] || fail "中文路径下恢复后不是 5 位客户"
timeout 300 "$wine" "$other/卸载留客.exe" /S
sleep 3
[ ! -f "$other/liuke.exe" ] || fail "卸载后中文路径下的程序还在"

echo "安装程序在 Wine 下：安装、快捷方式、命令行中文、WebView2 检测、缺 WebView2 的提示、运行中拒绝升级、升级保留数据、卸载保留数据、中文带空格的路径 — 全部通过（$(du -h "$setup" | cut -f1)）"
