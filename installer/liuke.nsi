; 留客 Liuke — the reception PC's installer. Per user (no administrator
; rights at reception), in Chinese; the clinic's data is never touched:
; it lives in the local app-data folder, which neither installing,
; upgrading nor uninstalling removes.
;
; makensis -DVERSION=0.1.0 -DDIST=dist/windows -DOUT=dist/liuke-setup.exe installer/liuke.nsi

Unicode true
; The programs are 64-bit; so is the installer (Wine without 32-bit support runs it too).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef DIST
  !define DIST "..\dist\windows"
!endif
!ifndef OUT
  !define OUT "..\dist\liuke-setup-${VERSION}.exe"
!endif

!define NAME "留客"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Liuke"
; Microsoft's id for the WebView2 runtime, under EdgeUpdate\Clients.
!define WEBVIEW2_ID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${NAME} ${VERSION}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\Liuke"
InstallDirRegKey HKCU "Software\Liuke" "InstallDir"
BrandingText "${NAME} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!define MUI_ICON "..\src-tauri\icons\icon.ico"
!define MUI_UNICON "..\src-tauri\icons\icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\liuke-desktop.exe"
!define MUI_FINISHPAGE_RUN_TEXT "打开留客"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; A running program cannot be replaced: it is asked to be closed, or the
; installer stops before anything is written (a silent upgrade fails).
!macro WaitUntilClosed FILE
  ${If} ${FileExists} "$INSTDIR\${FILE}"
    ${Do}
      ClearErrors
      FileOpen $0 "$INSTDIR\${FILE}" a
      ${IfNot} ${Errors}
        FileClose $0
        ${Break}
      ${EndIf}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "留客正在运行（${FILE}）。请先关闭所有留客窗口（主机上还要关掉 liuke serve），再点「重试」。$\r$\n数据不会受影响。" /SD IDCANCEL IDRETRY +2
      Abort "留客正在运行，没有安装。请关闭留客后重新运行安装程序。"
    ${Loop}
  ${EndIf}
!macroend

Section "留客" Main
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the programs only; a running one is asked to close first.
  !insertmacro WaitUntilClosed "liuke-desktop.exe"
  !insertmacro WaitUntilClosed "liuke.exe"
  File "${DIST}\liuke-desktop.exe"
  File "${DIST}\liuke.exe"
  File "${DIST}\WebView2Loader.dll"
  File "..\src-tauri\icons\icon.ico"
  WriteUninstaller "$INSTDIR\卸载留客.exe"
  CreateDirectory "$SMPROGRAMS\${NAME}"
  CreateShortcut "$SMPROGRAMS\${NAME}\${NAME}.lnk" "$INSTDIR\liuke-desktop.exe" "" "$INSTDIR\icon.ico"
  CreateShortcut "$SMPROGRAMS\${NAME}\卸载留客.lnk" "$INSTDIR\卸载留客.exe"
  CreateShortcut "$DESKTOP\${NAME}.lnk" "$INSTDIR\liuke-desktop.exe" "" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "Software\Liuke" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Liuke"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\卸载留客.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; The window draws with Microsoft Edge WebView2: present on Windows 10 and 11,
; otherwise fetched with Microsoft's bootstrapper (embedded when the build had
; it in installer/, else downloaded now). The outcome is kept in the registry
; for whoever supports the clinic.
!macro WebView2Version OUT
  ReadRegStr ${OUT} HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  ${If} ${OUT} == ""
  ${OrIf} ${OUT} == "0.0.0.0"
    ReadRegStr ${OUT} HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  ${EndIf}
  ${If} ${OUT} == "0.0.0.0"
    StrCpy ${OUT} ""
  ${EndIf}
!macroend

Section "WebView2" WebView2
  !insertmacro WebView2Version $2
  ${If} $2 == ""
    DetailPrint "这台电脑没有 WebView2 运行库，正在安装……"
    StrCpy $3 "$TEMP\MicrosoftEdgeWebview2Setup.exe"
    Delete $3
!if /FileExists "MicrosoftEdgeWebview2Setup.exe"
    File "/oname=$3" "MicrosoftEdgeWebview2Setup.exe"
!else
    nsExec::ExecToLog '"$SYSDIR\curl.exe" -fsSL --connect-timeout 20 --max-time 300 -o "$3" "${WEBVIEW2_URL}"'
    Pop $0
    ${IfNot} ${FileExists} $3
      nsExec::ExecToLog 'powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "[Net.ServicePointManager]::SecurityProtocol = 3072; Invoke-WebRequest -UseBasicParsing -TimeoutSec 300 -Uri ''${WEBVIEW2_URL}'' -OutFile ''$3''"'
      Pop $0
    ${EndIf}
!endif
    ${If} ${FileExists} $3
      ExecWait '"$3" /silent /install' $0
      Delete $3
    ${EndIf}
    !insertmacro WebView2Version $2
  ${EndIf}
  ${If} $2 == ""
    WriteRegStr HKCU "Software\Liuke" "WebView2" "missing"
    MessageBox MB_OK|MB_ICONEXCLAMATION "没能安装 WebView2 运行库（需要联网）。留客已经装好，但窗口要有它才能打开。$\r$\n请联网后重新运行本安装程序，或从微软网站下载安装「WebView2 运行库」：$\r$\n${WEBVIEW2_URL}" /SD IDOK
  ${Else}
    WriteRegStr HKCU "Software\Liuke" "WebView2" "$2"
  ${EndIf}
SectionEnd

; Removes the programs and shortcuts. The clinic's database, its backups and
; certificate stay in the local app-data folder (Liuke\Liuke\data).
Section "Uninstall"
  SetShellVarContext current
  Delete "$INSTDIR\liuke-desktop.exe"
  Delete "$INSTDIR\liuke.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\卸载留客.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${NAME}\${NAME}.lnk"
  Delete "$SMPROGRAMS\${NAME}\卸载留客.lnk"
  RMDir "$SMPROGRAMS\${NAME}"
  Delete "$DESKTOP\${NAME}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Liuke"
SectionEnd
