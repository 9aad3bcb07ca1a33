"""Export destinations that fail: a clear Vietnamese message, no half-written
file left behind, the draft untouched."""

import errno
import os

import pytest

from export import files
from model import fileio
from export.files import atomic_write, describe_os_error, safe_name, unique_path
from export.report_export import export_files
from model.errors import UserError


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_disk_full_mid_write(sample_data, tmp_path, monkeypatch):
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full)
    with pytest.raises(UserError, match="ổ đĩa đã đầy"):
        export_files(sample_data, tmp_path, draft=True)
    assert _leftovers(tmp_path) == []
    monkeypatch.setattr(fileio.os, "fsync", real_fsync)
    assert export_files(sample_data, tmp_path, draft=True).docx.exists()


def test_stick_pulled_out_mid_write(tmp_path):
    def pulled(fh):
        fh.write("PK nửa chừng".encode())
        raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(UserError, match="rút ra"):
        atomic_write(tmp_path / "BC.docx", pulled)
    assert _leftovers(tmp_path) == []


def test_file_open_in_word(tmp_path, monkeypatch):
    """Windows refuses to replace a file Word holds open (sharing violation)."""
    target = tmp_path / "BC.docx"
    target.write_bytes(b"ban cu")

    def locked(src, dst):
        exc = PermissionError(errno.EACCES, "The process cannot access the file")
        exc.winerror = 32
        raise exc

    monkeypatch.setattr(fileio.os, "replace", locked)
    monkeypatch.setattr(fileio.time, "sleep", lambda s: None)
    with pytest.raises(UserError, match="đang được mở trong chương trình khác"):
        atomic_write(target, lambda fh: fh.write(b"ban moi"))
    assert target.read_bytes() == b"ban cu"
    assert _leftovers(tmp_path) == ["BC.docx"]


def test_antivirus_holds_the_file_for_a_moment(tmp_path, monkeypatch):
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(1)
        if len(calls) < 3:
            raise PermissionError(errno.EACCES, "busy")
        return real(src, dst)

    monkeypatch.setattr(fileio.os, "replace", flaky)
    monkeypatch.setattr(fileio.time, "sleep", lambda s: None)
    atomic_write(tmp_path / "BC.docx", lambda fh: fh.write(b"xong"))
    assert (tmp_path / "BC.docx").read_bytes() == b"xong" and len(calls) == 3


def test_read_only_stick(sample_data, tmp_path, monkeypatch):
    def ro(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(fileio.tempfile, "mkstemp", ro)
    with pytest.raises(UserError, match="chế độ chỉ đọc. Hãy chọn thư mục khác"):
        export_files(sample_data, tmp_path, draft=True)


def test_path_too_long(sample_data, tmp_path):
    deep = tmp_path / ("thu-muc-rat-dai-" * 12) / ("con-nua-" * 10)
    with pytest.raises(UserError, match="quá dài"):
        export_files(sample_data, deep, draft=True)


def test_folder_gone(sample_data, tmp_path, monkeypatch):
    def gone(*a, **k):
        raise OSError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(fileio.tempfile, "mkstemp", gone)
    with pytest.raises(UserError, match="ổ USB đã bị rút ra"):
        export_files(sample_data, tmp_path, draft=True)


@pytest.mark.parametrize("name, expected", [
    ("BC:Xã?.docx", "BC-Xã-.docx"), ("a<b>|c*.docx", "a-b--c-.docx"), ("NUL.docx", "_NUL.docx"),
    ("  .docx . ", "docx"), ('x"y\\z/.docx', "x-y-z-.docx"),
])
def test_names_windows_forbids(name, expected, tmp_path):
    assert safe_name(name) == expected
    assert unique_path(tmp_path, name).name == expected


def test_every_error_has_a_vietnamese_message(tmp_path):
    target = tmp_path / "x.docx"
    for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.ENAMETOOLONG, errno.ENOENT, errno.EIO,
                 errno.EINVAL, errno.EBUSY):
        text = describe_os_error(OSError(code, "english words"), target)
        assert "english" not in text and text.endswith(".")


def test_room_for_the_docx_only_leaves_no_partial_set(sample_data, tmp_path, monkeypatch):
    """The XLSX does not fit after the DOCX: the DOCX is removed and the
    message says so (a DOCX without its XLSX is never left behind)."""
    real_fsync = os.fsync
    calls = []

    def full_on_second(fd):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(fileio.os, "fsync", full_on_second)
    with pytest.raises(UserError) as caught:
        export_files(sample_data, tmp_path, draft=True)
    assert "ổ đĩa đã đầy" in caught.value.message and "đã được xóa" in caught.value.message
    assert _leftovers(tmp_path) == []
