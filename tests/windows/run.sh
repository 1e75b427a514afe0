#!/usr/bin/env bash
# Everything Windows, as scripts/test.sh runs it: the programs and the
# installer built (scripts/windows.sh), the installer tried under Wine, and
# the core's unit and CLI tests built for Windows and run under Wine.
set -euo pipefail
cd "$(dirname "$0")/../.."
step() { echo "== $1 ($(date +%T))"; }
step "Windows 程序和安装包"
bash scripts/windows.sh
step "安装包在 Wine 下安装、升级、卸载"
bash tests/windows/installer.sh
step "核心测试（Windows 版，在 Wine 下运行）"
bash tests/windows/core.sh
step "Windows 全部通过"
