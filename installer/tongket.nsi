; TongKet installer: installs the one-folder build for the current Windows
; user only (%LOCALAPPDATA%\Programs\TongKet), without administrator rights.
;
; Build it with installer/build_installer.py, which passes the defines below
; (name and version from model/version.py) and the two file lists it makes
; from dist/TongKet/ (the same walk writes both, so the uninstaller removes
; exactly what the installer wrote and nothing else).
;
; The data folder (%APPDATA%\TongKet: reports, backups, signing key) is never
; touched, except on uninstall when the clerk ticks the box that asks for it
; (unticked; a silent uninstall keeps it).

Unicode true
ManifestDPIAware true
XPStyle on
RequestExecutionLevel user
!ifdef STORE
  SetCompress off             ; for checks of everything but the compression: seconds, not minutes
!else
  SetCompressor /SOLID lzma
!endif

!macro _require NAME
  !ifndef ${NAME}
    !error "${NAME} is not defined: build with installer/build_installer.py"
  !endif
!macroend
!insertmacro _require APP_NAME
!insertmacro _require APP_VERSION
!insertmacro _require APP_TITLE
!insertmacro _require PUBLISHER
!insertmacro _require VI_VERSION
!insertmacro _require ICON
!insertmacro _require INSTALL_FILES
!insertmacro _require UNINSTALL_FILES
!insertmacro _require ESTIMATED_SIZE_KB
!insertmacro _require OUTFILE

!ifdef SIGN_WITH
  ; the uninstaller is written inside the installer: sign it as it is made
  ; (build_installer.py defines SIGN_WITH as the Python that runs codesign.py)
  !uninstfinalize '"${SIGN_WITH}" "${__FILEDIR__}/codesign.py" "%1"' = 0
!endif

!define EXE "${APP_NAME}.exe"
!define UNINSTALLER "GoCaiDat.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define SHORTCUT "${APP_TITLE}.lnk"
!define DESCRIPTION "Soạn, xuất, ký số và tổng hợp báo cáo tổng kết của Đảng ủy xã"
!define DATA_DIR "$APPDATA\${APP_NAME}"

!include MUI2.nsh
!include LogicLib.nsh
!include nsDialogs.nsh
!include WinVer.nsh
!include x64.nsh
!include WordFunc.nsh

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${APP_VERSION}"

; ---------------------------------------------------------------- pages
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING

!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP_NAME} ${APP_VERSION}"
!define MUI_WELCOMEPAGE_TEXT "${APP_NAME} giúp soạn, xuất, ký số và tổng hợp báo cáo tổng kết.$\r$\n$\r$\nChương trình được cài cho tài khoản Windows đang dùng, không cần quyền quản trị. Nếu máy đã có ${APP_NAME}, bản cũ sẽ được thay bằng bản này; các báo cáo đã soạn được giữ nguyên.$\r$\n$\r$\n$_CLICK"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_NAME} ngay"
!insertmacro MUI_PAGE_FINISH

UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VI_VERSION}"
VIFileVersion "${VI_VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Cài đặt ${APP_TITLE}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${APP_VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${APP_VERSION}"

; ------------------------------------------------- is TongKet running?
; Windows refuses to open a running program's .exe for writing: that tells
; whether the TongKet of this folder is open (another copy elsewhere does
; not matter).  It is asked to close the way the window's close button does
; (taskkill without /F), so it saves first; if it stays open, the clerk is
; asked to close it.
!macro DEFINE_CLOSE_RUNNING UN
Function ${UN}ExeInUse
  StrCpy $R0 0
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ClearErrors
    FileOpen $R1 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      StrCpy $R0 1
    ${Else}
      FileClose $R1
    ${EndIf}
  ${EndIf}
FunctionEnd

Function ${UN}CloseRunning
  Call ${UN}ExeInUse
  ${If} $R0 == 0
    Return
  ${EndIf}
  MessageBox MB_YESNO|MB_ICONQUESTION "${APP_NAME} đang mở. Đóng ${APP_NAME} để làm tiếp?$\r$\n$\r$\nNội dung đang soạn đã được tự động lưu." /SD IDYES IDYES close
  DetailPrint "Đã dừng vì ${APP_NAME} vẫn đang mở."
  Abort
  close:
  nsExec::Exec '"$SYSDIR\taskkill.exe" /IM "${EXE}"'
  Pop $R1
  StrCpy $R2 0
  ${Do}
    Sleep 500
    Call ${UN}ExeInUse
    ${If} $R0 == 0
      Return
    ${EndIf}
    IntOp $R2 $R2 + 1
    ${If} $R2 >= 20
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "Chưa đóng được ${APP_NAME}. Hãy tự đóng cửa sổ ${APP_NAME} rồi thử lại." /SD IDCANCEL IDRETRY again
      DetailPrint "Đã dừng vì ${APP_NAME} vẫn đang mở."
      Abort
      again:
      StrCpy $R2 0
    ${EndIf}
  ${Loop}
FunctionEnd
!macroend
!insertmacro DEFINE_CLOSE_RUNNING ""
!insertmacro DEFINE_CLOSE_RUNNING "un."

; ------------------------------------------------------------- install
Function .onInit
  ${IfNot} ${AtLeastWin10}
  ${OrIfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APP_NAME} cần Windows 10 hoặc Windows 11 bản 64-bit." /SD IDOK
    Abort
  ${EndIf}
  ; installing an older version over a newer one: the older program may not
  ; open the data the newer one wrote
  ReadRegStr $0 HKCU "${UNINSTALL_KEY}" "DisplayVersion"
  ${If} $0 != ""
    ${VersionCompare} "$0" "${APP_VERSION}" $1
    ${If} $1 == 1
      MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Máy này đã có ${APP_NAME} $0, mới hơn bản ${APP_VERSION} này. Bản cũ hơn có thể không mở được dữ liệu của bản mới.$\r$\n$\r$\nVẫn cài bản ${APP_VERSION}?" /SD IDNO IDYES downgrade
      Abort
      downgrade:
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "${APP_NAME}"
  SetShellVarContext current
  Call CloseRunning

  ; upgrade in place: the previous version's own uninstaller removes its
  ; files (silently, so it keeps the data folder), then this version's
  ; files are written; nothing of the old version is left to confuse the new
  ${If} ${FileExists} "$INSTDIR\${UNINSTALLER}"
    DetailPrint "Gỡ bản đã cài trước, giữ nguyên dữ liệu…"
    ExecWait '"$INSTDIR\${UNINSTALLER}" /S _?=$INSTDIR'
    Delete "$INSTDIR\${UNINSTALLER}"
  ${EndIf}

  SetOutPath "$INSTDIR"
  !include "${INSTALL_FILES}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  SetOutPath "$INSTDIR"
  CreateShortCut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${DESCRIPTION}"
  CreateShortCut "$DESKTOP\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${DESCRIPTION}"

  ; Apps & features (per user)
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${APP_VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" ${ESTIMATED_SIZE_KB}
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; ----------------------------------------------------------- uninstall
Var DataCheckbox
Var DeleteData

Function un.DataPage
  !insertmacro MUI_HEADER_TEXT "Gỡ cài đặt ${APP_NAME}" "Gỡ ${APP_NAME} khỏi tài khoản Windows này."
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 30u "${APP_NAME} sẽ được gỡ khỏi thư mục:$\r$\n$INSTDIR"
  Pop $0
  ${NSD_CreateLabel} 0 36u 100% 40u "Các báo cáo đã soạn, bản sao lưu và chữ ký số nằm trong thư mục dữ liệu ${DATA_DIR}. Thư mục này được giữ lại để dùng khi cài lại ${APP_NAME}."
  Pop $0
  ${NSD_CreateCheckbox} 0 84u 100% 24u "Xóa cả thư mục dữ liệu (mọi báo cáo, bản sao lưu và chữ ký số; không khôi phục được)"
  Pop $DataCheckbox
  GetDlgItem $0 $HWNDPARENT 1
  SendMessage $0 ${WM_SETTEXT} 0 "STR:$(^UninstallBtn)"
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $DataCheckbox $DeleteData
  ${If} $DeleteData == ${BST_CHECKED}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Xóa vĩnh viễn mọi báo cáo, bản sao lưu và chữ ký số trong ${DATA_DIR}?" IDYES confirmed
    Abort
    confirmed:
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Call un.CloseRunning
  !include "${UNINSTALL_FILES}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${SHORTCUT}"
  Delete "$DESKTOP\${SHORTCUT}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; only when the clerk ticked the box (never in a silent uninstall)
  ${If} $DeleteData == ${BST_CHECKED}
    RMDir /r "${DATA_DIR}"
  ${EndIf}
SectionEnd
