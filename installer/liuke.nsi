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

Name "${NAME} ${VERSION}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\Liuke"
InstallDirRegKey HKCU "Software\Liuke" "InstallDir"
BrandingText "${NAME} ${VERSION}"

!include "MUI2.nsh"
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

Section "留客" Main
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the programs only; a running window is asked to close first.
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
