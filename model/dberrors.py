"""Why the database could not be used, told apart by SQLite's result codes
(``sqlite3.Error.sqlite_errorcode``, Python 3.11+) and OS error numbers, never by
the words of a message.

A full or read-only disk, a folder that cannot be opened and a file held by
another program are problems of the environment: the file itself is healthy
and must never be set aside or replaced because of them.  Only SQLITE_CORRUPT
and SQLITE_NOTADB (or a failed check) mean the file is damaged.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from model.errors import UserError

# primary result codes (the low byte of an extended code)
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_AUTH, SQLITE_NOTADB = 23, 26

FULL, READONLY, CANTOPEN, BUSY, IO, DAMAGED, OTHER = (
    "full", "readonly", "cantopen", "busy", "io", "damaged", "other")

LOW_SPACE = 1024 * 1024  # an I/O error with less than this free is a full disk


class DamagedDatabase(UserError):
    """The file is a TongKet database that fails its check, or no database at all."""


class StorageProblem(UserError):
    """The disk or folder cannot be written or read: full, read-only, missing,
    held by another program.  The database file itself is not at fault."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def _read_only(folder: Path | None) -> bool:
    try:
        return folder is not None and folder.is_dir() and not os.access(folder, os.W_OK)
    except OSError:
        return False


def _environment(folder: Path | None, otherwise: str) -> str:
    """An error that names no cause (CANTOPEN, IOERR): look at the folder."""
    if _read_only(folder):
        return READONLY
    return FULL if _low_space(folder) else otherwise


def _low_space(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE
    except OSError:
        return False


def kind_of(exc: BaseException, folder: Path | None = None) -> str:
    """FULL, READONLY, CANTOPEN, BUSY, IO, DAMAGED or OTHER."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            return OTHER
        primary = code & 0xFF
        if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return DAMAGED
        if primary == SQLITE_FULL:
            return FULL
        if primary in (SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH):
            return READONLY
        if primary == SQLITE_CANTOPEN:
            return _environment(folder, CANTOPEN)
        if primary in (SQLITE_BUSY, SQLITE_LOCKED):
            return BUSY
        if primary == SQLITE_IOERR:
            # e.g. SQLITE_IOERR_SHMSIZE: no room for the -shm file of a healthy database
            return _environment(folder, IO)
        return OTHER
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT) or getattr(exc, "winerror", None) in (39, 112):
            return FULL
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READONLY
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENODEV, errno.ENXIO):
            return CANTOPEN
        return _environment(folder, IO)
    return OTHER


def is_damage(exc: BaseException) -> bool:
    return kind_of(exc) == DAMAGED


_WHY = {
    FULL: "ổ đĩa chứa thư mục dữ liệu đã đầy",
    READONLY: "thư mục dữ liệu đang ở chế độ chỉ đọc hoặc không có quyền ghi",
    CANTOPEN: "không truy cập được thư mục dữ liệu (thư mục không còn hoặc không có quyền)",
    BUSY: "tệp dữ liệu đang bị chương trình khác giữ",
    IO: "ổ đĩa chứa thư mục dữ liệu bị lỗi đọc ghi hoặc đã bị rút ra",
    OTHER: "gặp lỗi khi đọc ghi tệp dữ liệu",
}
_WHAT_TO_DO = {
    FULL: "Hãy xóa bớt tệp trên ổ đĩa đó rồi thử lại.",
    READONLY: "Hãy bỏ chế độ chỉ đọc, hoặc chọn thư mục dữ liệu khác.",
    CANTOPEN: "Hãy kiểm tra thư mục dữ liệu, hoặc chọn thư mục dữ liệu khác.",
    BUSY: "Hãy đóng chương trình đó (hoặc cửa sổ TongKet khác) rồi thử lại.",
    IO: "Hãy kiểm tra ổ đĩa rồi thử lại.",
    OTHER: "Hãy thử lại; nếu vẫn lỗi, liên hệ cán bộ kỹ thuật.",
}


def storage_message(kind: str, doing: str, unchanged: bool = True) -> str:
    """'Chưa <doing> được vì <why>. <nothing changed> <what to do>'."""
    kept = "Dữ liệu đã lưu vẫn còn nguyên. " if unchanged else ""
    return f"Chưa {doing} được vì {_WHY.get(kind, _WHY[OTHER])}. {kept}{_WHAT_TO_DO.get(kind, _WHAT_TO_DO[OTHER])}"


DAMAGED_MESSAGE = ("Tệp dữ liệu của TongKet bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất; "
                   "tệp bị hỏng được giữ lại bên cạnh, không bị xóa.")


def as_user_error(exc: BaseException, doing: str, folder: Path | None = None,
                  unchanged: bool = True) -> UserError:
    """The UserError to raise for exc: DamagedDatabase for damage, else StorageProblem."""
    kind = kind_of(exc, folder)
    if kind == DAMAGED:
        return DamagedDatabase(DAMAGED_MESSAGE)
    return StorageProblem(storage_message(kind, doing, unchanged), kind)
