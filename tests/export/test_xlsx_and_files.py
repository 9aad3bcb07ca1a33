import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from export.files import atomic_write, unique_path, unit_slug
from export.report_export import base_name, export_files
from export.xlsx_stats import xlsx_bytes
from model.errors import UserError
from model.numbers import parse_stat

ROOT = Path(__file__).resolve().parents[2]


def test_workbook_values_and_types(sample_data):
    sample_data.answers["dang_vien"] = "3.5"  # wrong: no number, a note instead
    wb = load_workbook(io.BytesIO(xlsx_bytes(sample_data)))
    ws = wb["Biểu thống kê"]
    rows = {r[6]: r for r in ws.iter_rows(min_row=6, values_only=True) if r[6]}
    stats = dict(sample_data.outline.stat_fields())
    stats = {st.id: st for _s, st in sample_data.outline.stat_fields()}
    assert set(rows) == set(stats)
    for fid, row in rows.items():
        st = stats[fid]
        assert row[2] == st.label and row[3] == st.unit
        if fid == "dang_vien":
            assert row[4] is None and row[5] == "Số liệu chưa đúng: 3.5"
            continue
        expected = parse_stat(sample_data.answers[fid], st).value
        assert row[4] == pytest.approx(expected)
        assert isinstance(row[4], int if st.type == "integer" else (int, float))
    assert wb["Thông tin"]["B2"].value == "ĐẢNG ỦY XÃ HÒA AN"


def test_names_are_ascii_and_meaningful(sample_data):
    assert base_name(sample_data) == "TongKet-NQ25-XaHoaAn-2023-07-15"
    assert unit_slug("ĐẢNG ỦY PHƯỜNG ĐỒNG XOÀI") == "PhuongDongXoai"
    assert base_name(sample_data).isascii()


def test_export_never_overwrites(sample_data, tmp_path):
    a = export_files(sample_data, tmp_path, draft=False)
    b = export_files(sample_data, tmp_path, draft=False)
    c = export_files(sample_data, tmp_path, draft=True)
    assert a.docx.name == "BC-TongKet-NQ25-XaHoaAn-2023-07-15.docx"
    assert b.docx.name == "BC-TongKet-NQ25-XaHoaAn-2023-07-15-2.docx"
    assert c.docx.name == "BC-TongKet-NQ25-XaHoaAn-2023-07-15-ban-nhap.docx"
    assert a.xlsx.name == "BieuThongKe-TongKet-NQ25-XaHoaAn-2023-07-15.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("~")) == []


def test_unique_path_and_forbidden_characters(tmp_path):
    (tmp_path / "a.docx").write_text("x")
    assert unique_path(tmp_path, "a.docx").name == "a-2.docx"
    assert unique_path(tmp_path, 'b:c?.docx').name == "b-c-.docx"
    assert unique_path(tmp_path, "CON.docx").name == "_CON.docx"


def test_failed_write_leaves_nothing(tmp_path):
    def boom(fh):
        fh.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(UserError, match="ổ đĩa đã đầy"):
        atomic_write(tmp_path / "x.docx", boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_message(sample_data, tmp_path):
    ro = tmp_path / "usb"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(UserError, match="chỉ đọc|Không có quyền"):
            export_files(sample_data, ro, draft=True)
    finally:
        ro.chmod(0o755)


def test_read_only_folder_message_patched(sample_data, tmp_path, monkeypatch):
    """Root ignores permissions: simulate the stick refusing the write."""
    import tempfile

    def refuse(*a, **k):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(UserError, match="chế độ chỉ đọc"):
        export_files(sample_data, tmp_path, draft=True)
    assert list(tmp_path.iterdir()) == []


def test_cli_export(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    main = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "d")]
    rid = subprocess.run(main + ["sample", "--seed", "4"], capture_output=True, text=True, env=env,
                         check=True).stdout.split()[-1]
    out = subprocess.run(main + ["export", rid, "--out", str(tmp_path / "o")], capture_output=True,
                         text=True, env=env)
    assert out.returncode == 0, out.stderr
    paths = [Path(p) for p in out.stdout.split()]
    assert [p.suffix for p in paths] == [".docx", ".pdf", ".xlsx"] and all(p.exists() for p in paths)
    assert paths[0].stem == paths[1].stem  # the PDF has the DOCX's name
    missing = subprocess.run(main + ["export", "99", "--out", str(tmp_path / "o")], capture_output=True,
                             text=True, env=env)
    assert missing.returncode == 1 and "Không tìm thấy báo cáo" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.slow
def test_cli_sign_and_verify(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    sender = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "xa")]
    receiver = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "tinh")]
    pw = tmp_path / "pw.txt"
    pw.write_text("mật khẩu thử\n", encoding="utf-8")
    rid = subprocess.run(sender + ["sample", "--seed", "4"], capture_output=True, text=True, env=env,
                         check=True).stdout.split()[-1]
    out = subprocess.run(sender + ["export", rid, "--out", str(tmp_path / "o"), "--sign",
                                   "--passphrase-file", str(pw)], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    pkg = Path(out.stdout.split()[-1])
    assert pkg.suffix == ".zip" and pkg.name.endswith("-r1.zip")
    # re-signing the same report raises the revision
    again = subprocess.run(sender + ["export", rid, "--out", str(tmp_path / "o"), "--sign",
                                     "--passphrase-file", str(pw)], capture_output=True, text=True, env=env)
    assert Path(again.stdout.split()[-1]).name.endswith("-r2.zip")
    v = subprocess.run(receiver + ["verify", str(pkg)], capture_output=True, text=True, env=env)
    assert v.returncode == 0 and "Chưa xác nhận người ký" in v.stdout
    v = subprocess.run(receiver + ["verify", "--require-trusted", str(pkg)], capture_output=True, text=True, env=env)
    assert v.returncode == 1
    v = subprocess.run(receiver + ["verify", "--trust-new", str(pkg)], capture_output=True, text=True, env=env)
    assert v.returncode == 0
    v = subprocess.run(receiver + ["verify", "--require-trusted", str(pkg)], capture_output=True, text=True, env=env)
    assert v.returncode == 0 and "Hợp lệ" in v.stdout
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 rac")
    v = subprocess.run(receiver + ["verify", str(pkg), str(junk)], capture_output=True, text=True, env=env)
    assert v.returncode == 1 and "Traceback" not in v.stdout + v.stderr
    assert len(v.stdout.strip().splitlines()) == 2
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("sai", encoding="utf-8")
    bad = subprocess.run(sender + ["export", rid, "--out", str(tmp_path / "o"), "--sign",
                                   "--passphrase-file", str(wrong)], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "Mật khẩu chữ ký số không đúng" in bad.stderr


def test_xlsx_subtitle_printing_and_codes(sample_data):
    """The subtitle says "số" and the date in words; the codes column is hidden
    and left out of print; the Thông tin sheet prints on one page wide."""
    wb = load_workbook(io.BytesIO(xlsx_bytes(sample_data)))
    ws = wb["Biểu thống kê"]
    assert ws["A3"].value.startswith("(Kèm theo Báo cáo số 45-BC/ĐU ngày 15 tháng 7 năm 2023")
    assert ws.column_dimensions["G"].hidden and "$F$" in ws.print_area
    assert ws["C8"].border.left.style == "thin"
    info = wb["Thông tin"]
    assert info.sheet_properties.pageSetUpPr.fitToPage and info.page_setup.fitToWidth == 1
