"""The Windows installer (installer/tongket.nsi), compiled with makensis on
every commit.  On Linux the result cannot run, but the script, its pages, its
language file and its file list are checked: makensis with warnings as errors
(-WX), then what makensis says it packed (-V4) and what the setup file holds.

A small stand-in folder (Vietnamese names, spaces, nested and empty folders)
checks the script in about a second, with the shipping compression; the real
frozen build (session fixture, shared with test_frozen.py) is packed without
compression (3 s instead of about 2 minutes of solid LZMA) to check that every
one of its files is installed and removed again."""

import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest

from installer import codesign
from installer.build_installer import build, file_lists, folder_files, vi_version

ROOT = Path(__file__).resolve().parent.parent
needs_makensis = pytest.mark.skipif(shutil.which("makensis") is None,
                                    reason="chưa cài makensis (apt-get install nsis; CI cài sẵn)")
KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\TongKet"


def _section(log: str, name: str) -> list[str]:
    lines = log.splitlines()
    start = lines.index(f'Section: "{name}"')
    return lines[start:lines.index("SectionEnd", start)]


def _rel(path: str) -> str:
    assert path.startswith("$INSTDIR\\"), path
    return path[len("$INSTDIR\\"):].replace("\\", "/")


def packed(log: str) -> list[str]:
    """The files makensis packed into the install section, by where they go."""
    out, cur = [], None
    for line in _section(log, "TongKet"):
        if m := re.match(r'SetOutPath: "(.*)"$', line):
            cur = m[1]
        elif (m := re.match(r'File: "([^"]+)" ', line)) and "->" not in line:
            out.append(_rel(cur + "\\" + m[1]))
    return sorted(out)


def removed(log: str) -> tuple[list[str], list[str]]:
    """The files the uninstaller deletes and the folders it removes, in order."""
    lines = _section(log, "Uninstall")
    files = [_rel(m[1]) for line in lines if (m := re.match(r'Delete: "(\$INSTDIR\\.*)"$', line))]
    dirs = [m[1] for line in lines if (m := re.match(r'RMDir: "(\$INSTDIR.*)"$', line))]
    return files, dirs


@pytest.fixture
def stand_in(tmp_path):
    folder = tmp_path / "dist" / "TongKet"
    for rel in ["TongKet.exe", "_internal/base_library.zip", "_internal/thư mục có dấu/tệp có dấu.txt",
                "_internal/thư mục có dấu/sâu hơn/a b.pyd", "_internal/PySide6/plugins/platforms/qwindows.dll"]:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(rel.encode("utf-8") * 50)
    (folder / "_internal" / "trống").mkdir()
    return folder


def test_file_lists_come_from_one_walk_and_never_remove_a_folder_recursively(stand_in):
    files, dirs = folder_files(stand_in)
    install, uninstall = file_lists(stand_in, files, dirs)
    assert len(re.findall(r"^File ", install, re.M)) == len(files) == 5
    assert len(re.findall(r"^Delete ", uninstall, re.M)) == len(files)
    assert "/r" not in uninstall
    rmdirs = re.findall(r'^RMDir "(.*)"$', uninstall, re.M)
    assert rmdirs[0].count("\\") == max(r.count("\\") for r in rmdirs)      # deepest first
    assert rmdirs[-1] == "$INSTDIR\\_internal"
    assert vi_version("0.2.0") == "0.2.0.0" and vi_version("1.2.3.4") == "1.2.3.4"


def test_a_name_nsis_cannot_carry_is_refused(stand_in):
    (stand_in / "_internal" / "giá $1.txt").write_text("x")
    files, dirs = folder_files(stand_in)
    with pytest.raises(ValueError, match="giá"):
        file_lists(stand_in, files, dirs)


@needs_makensis
def test_installer_script_compiles_without_warnings(stand_in, tmp_path):
    res = build(stand_in, tmp_path / "out", tmp_path / "work", verbosity=4)
    log = res.log
    assert res.setup == tmp_path / "out" / "TongKet-0.2.0-setup.exe"
    assert res.setup.read_bytes()[:2] == b"MZ"
    assert "SetCompressor: /SOLID lzma" in log
    # pages: welcome, files, finish; the uninstaller's data question, files
    assert re.search(r"^Install: 3 pages .* 1 language table", log, re.M)
    assert re.search(r"^Uninstall: 2 pages .* 1 language table", log, re.M)
    assert "UninstPage: custom (creator:un.DataPage) (leave:un.DataPageLeave)" in log
    assert 'InstallDir: "$LOCALAPPDATA\\Programs\\TongKet"' in log

    # the file list: every file of the folder is installed, and removed again
    files, dirs = folder_files(stand_in)
    assert packed(log) == files
    gone, rmdirs = removed(log)
    assert sorted(gone) == sorted(files + ["GoCaiDat.exe"])
    assert rmdirs[-1] == "$INSTDIR" and "$INSTDIR\\_internal\\trống" in rmdirs

    # Apps & features, per user only
    values = dict(re.findall(r"^WriteReg(?:Str|DWORD): " + re.escape(KEY) + r"\\(\w+)=(.*)$", log, re.M))
    assert values == {
        "DisplayName": "TongKet - soạn báo cáo tổng kết", "DisplayVersion": "0.2.0", "Publisher": "TongKet",
        "DisplayIcon": "$INSTDIR\\TongKet.exe,0", "InstallLocation": "$INSTDIR",
        "UninstallString": '"$INSTDIR\\GoCaiDat.exe"', "QuietUninstallString": '"$INSTDIR\\GoCaiDat.exe" /S',
        "EstimatedSize": str(sum(p.stat().st_size for p in stand_in.rglob("*") if p.is_file()) // 1024),
        "NoModify": "1", "NoRepair": "1"}
    assert "HKLM" not in log
    assert re.findall(r'^CreateShortcut: "(\$\w+)\\TongKet - soạn báo cáo tổng kết\.lnk"->"\$INSTDIR\\TongKet\.exe"',
                      log, re.M) == ["$SMPROGRAMS", "$DESKTOP"]

    # the data folder: removed only on the clerk's ticked box, never otherwise
    assert re.findall(r"^RMDir: /r .*$", log, re.M) == ['RMDir: /r "$APPDATA\\TongKet"']
    script = (ROOT / "installer" / "tongket.nsi").read_text(encoding="utf-8-sig")
    guarded = re.search(r"\$\{If\} \$DeleteData == \$\{BST_CHECKED\}\s+RMDir /r \"\$\{DATA_DIR\}\"", script)
    assert guarded and script.count("RMDir /r") == 1
    assert "NSD_Check " not in script and "NSD_SetState" not in script          # unticked


def _texts(data: bytes) -> str:
    """The UTF-16 strings of a file, NFC (NSIS's Vietnamese file writes tone
    marks as combining characters)."""
    return "".join(unicodedata.normalize("NFC", data[i:].decode("utf-16-le", "replace")) for i in (0, 1))


@needs_makensis
def test_installer_holds_vietnamese_pages_and_asks_for_no_administrator(stand_in, tmp_path):
    """Without compression the setup file's strings can be read: they are the
    Vietnamese language file's and the script's own."""
    res = build(stand_in, tmp_path / "out", tmp_path / "work", store=True)
    data = res.setup.read_bytes()
    texts = _texts(data)
    assert b'level="asInvoker"' in data                         # RequestExecutionLevel user
    assert b"requireAdministrator" not in data
    for text in [
        "Vui lòng đợi trong khi",                               # Vietnamese.nsh: installing subtitle
        "Việc cài đặt đã hoàn tất thành công.",                 # Vietnamese.nsh: finish subtitle
        "Chương trình được cài cho tài khoản Windows đang dùng",  # our welcome page
        "Mở TongKet ngay",
        "TongKet đang mở. Đóng TongKet để làm tiếp?",
        "Xóa cả thư mục dữ liệu",                               # the uninstaller's page
        "Cài đặt TongKet - soạn báo cáo tổng kết",              # version resource
    ]:
        assert text in texts, text
    # (NSIS's own stub keeps a few English lines of its own, e.g. "Please wait
    # while Setup is loading...", shown only if checking the file is slow)
    for english in ["Welcome to", "Click Next", "Installation Complete", "has been installed", "Cancel"]:
        assert english not in texts, english


@pytest.mark.slow
@needs_makensis
def test_installer_packs_every_file_of_the_frozen_build(frozen_build, tmp_path):
    r, dist = frozen_build
    assert r.returncode == 0, "the frozen build failed (see test_frozen.py)"
    folder = dist / "TongKet"
    res = build(folder, tmp_path / "out", tmp_path / "work", verbosity=4, store=True)
    files, _ = folder_files(folder)
    assert len(files) > 100
    assert packed(res.log) == files
    assert sorted(removed(res.log)[0]) == sorted(files + ["GoCaiDat.exe"])
    exe = "TongKet.exe" if sys.platform == "win32" else "TongKet"
    assert exe in files and "_internal/resources/outlines/nq25-kl43.toml" in files
    print(f"{len(files)} files, {res.setup.stat().st_size / 1e6:.1f} MB stored, makensis {res.seconds:.1f} s")


def test_without_a_certificate_the_build_says_so_and_goes_on(tmp_path, monkeypatch, capsys):
    for var in ["TONGKET_SIGN_PFX", "TONGKET_SIGN_THUMBPRINT"]:
        monkeypatch.delenv(var, raising=False)
    f = tmp_path / "TongKet.exe"
    f.write_bytes(b"MZ")
    assert codesign.sign(f) is False
    assert "Không ký số TongKet.exe" in capsys.readouterr().out
    assert f.read_bytes() == b"MZ"


def test_signtool_command_for_a_pfx_or_a_token(monkeypatch):
    monkeypatch.setenv("TONGKET_SIGN_PFX", r"C:\k\ma.pfx")
    monkeypatch.setenv("TONGKET_SIGN_PASSWORD", "bí mật")
    monkeypatch.delenv("TONGKET_SIGN_TIMESTAMP", raising=False)
    cmd = codesign.command(Path("setup.exe"), "signtool.exe")
    assert cmd[:4] == ["signtool.exe", "sign", "/fd", "sha256"] and cmd[-1] == "setup.exe"
    assert cmd[cmd.index("/f") + 1] == r"C:\k\ma.pfx" and cmd[cmd.index("/p") + 1] == "bí mật"
    assert cmd[cmd.index("/tr") + 1] == codesign.DEFAULT_TIMESTAMP
    monkeypatch.delenv("TONGKET_SIGN_PFX")
    monkeypatch.setenv("TONGKET_SIGN_THUMBPRINT", "ab" * 20)
    monkeypatch.setenv("TONGKET_SIGN_TIMESTAMP", "")
    cmd = codesign.command(Path("setup.exe"), "signtool.exe")
    assert cmd[cmd.index("/sha1") + 1] == "ab" * 20 and "/f" not in cmd and "/tr" not in cmd


@needs_makensis
def test_with_a_certificate_makensis_signs_the_uninstaller_as_it_is_made(stand_in, tmp_path, monkeypatch):
    """The uninstaller hook (!uninstfinalize) compiles and runs codesign.py,
    which here (no certificate in the environment) says so and lets it go on."""
    signed = []
    monkeypatch.setattr(codesign, "available", lambda: "signtool.exe")
    monkeypatch.setattr(codesign, "sign", lambda path: signed.append(path.name) or True)
    res = build(stand_in, tmp_path / "out", tmp_path / "work", verbosity=4)
    assert signed == ["TongKet.exe", "TongKet-0.2.0-setup.exe"]    # the program before packing, then the setup
    assert "!uninstfinalize" in res.log and "codesign.py" in res.log
    assert "Không ký số" in res.log
