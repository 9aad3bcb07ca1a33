"""Backups of the database: with SQLite's backup API (never a plain copy of a
file that may be in the middle of a write), a rolling set in the data folder
(once a day at start-up and before every migration, the last 7 kept), a copy
to a chosen folder, and restoring from a backup file after checking it."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from model.errors import UserError
from model.paths import data_dir, database_path

KEEP = 7
MAX_BACKUP_BYTES = 2 * 1024 ** 3
PREFIX = "tongket-"


def backup_dir() -> Path:
    return data_dir() / "sao-luu"


def _copy_into(src: sqlite3.Connection, target: Path) -> Path:
    """SQLite backup API into a temporary file beside target, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="~sao-luu-", suffix=".tmp", dir=str(target.parent))
    os.close(fd)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        os.replace(tmp, target)
        tmp = None
        return target
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def make_backup(conn: sqlite3.Connection | None = None, reason: str = "hang-ngay") -> Path:
    """A backup in the data folder; the oldest beyond KEEP are removed."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir() / f"{PREFIX}{stamp}-{reason}.sqlite3"
    own = conn is None
    if own:
        conn = sqlite3.connect(str(database_path()))
    try:
        _copy_into(conn, target)
    except (OSError, sqlite3.Error) as exc:
        raise UserError("Không tạo được bản sao lưu (ổ đĩa đầy hoặc thư mục dữ liệu chỉ đọc). "
                        "Dữ liệu hiện tại vẫn còn nguyên.") from exc
    finally:
        if own:
            conn.close()
    prune()
    return target


def backups() -> list[Path]:
    """Backups in the data folder, newest first."""
    folder = backup_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{PREFIX}*.sqlite3"), reverse=True)


def prune(keep: int = KEEP) -> None:
    for old in backups()[keep:]:
        try:
            old.unlink()
        except OSError:
            pass


def daily_backup(conn: sqlite3.Connection) -> Path | None:
    """At start-up: a backup unless one was made today."""
    today = dt.date.today().strftime("%Y%m%d")
    if any(p.name.startswith(f"{PREFIX}{today}") for p in backups()):
        return None
    return make_backup(conn, "hang-ngay")


@dataclass
class BackupInfo:
    path: Path
    schema_version: int
    reports: int


def check_backup(path: str | Path) -> BackupInfo:
    """A backup file is used only if it is a healthy TongKet database that this
    version can read."""
    from model.store import APP_ID, SCHEMA_VERSION

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError("Không đọc được tệp sao lưu đã chọn.") from exc
    if size == 0 or size > MAX_BACKUP_BYTES:
        raise UserError("Tệp đã chọn không phải bản sao lưu của TongKet (tệp rỗng hoặc quá lớn).")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise UserError("Tệp đã chọn không phải bản sao lưu của TongKet.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserError("Không mở được tệp sao lưu.") from exc
    # a damaged file can hold bytes that are not UTF-8, even in check messages
    conn.text_factory = lambda b: b.decode("utf-8", "replace")
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise UserError("Tệp sao lưu bị hỏng, không dùng được. Hãy chọn bản sao lưu khác.")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise UserError("Tệp sao lưu do phiên bản TongKet mới hơn tạo ra. Hãy cập nhật TongKet.")
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        row = conn.execute("SELECT value FROM app_info WHERE key = 'application'").fetchone() \
            if "app_info" in names else None
        if version < 1 or not row or row[0] != APP_ID:
            raise UserError("Tệp đã chọn không phải bản sao lưu của TongKet.")
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except (sqlite3.Error, ValueError, TypeError) as exc:
        raise UserError("Tệp sao lưu bị hỏng, không dùng được. Hãy chọn bản sao lưu khác.") from exc
    finally:
        conn.close()
    return BackupInfo(path, version, reports)


def newest_good_backup() -> BackupInfo | None:
    for p in backups():
        try:
            return check_backup(p)
        except UserError:
            continue
    return None


def export_backup(conn: sqlite3.Connection, folder: str | Path) -> Path:
    """'Sao lưu' to a chosen folder (a USB stick); never overwrites a file."""
    folder = Path(folder)
    base = f"TongKet-SaoLuu-{dt.date.today().isoformat()}"
    target = folder / f"{base}.sqlite3"
    n = 2
    while target.exists():
        target = folder / f"{base}-{n}.sqlite3"
        n += 1
    try:
        return _copy_into(conn, target)
    except (OSError, sqlite3.Error) as exc:
        raise UserError("Không ghi được bản sao lưu vào thư mục đã chọn (ổ chỉ đọc, đã đầy hoặc "
                        "đã bị rút ra). Hãy chọn thư mục khác.") from exc


def restore(source: str | Path, db_path: Path | None = None) -> BackupInfo:
    """'Khôi phục': check the file, keep the current database as another
    backup, then replace it.  The caller closes the store first and reopens it
    afterwards (migrations bring an older backup up to date)."""
    info = check_backup(source)
    db_path = db_path or database_path()
    if db_path.exists():
        try:
            conn = sqlite3.connect(str(db_path))
            try:
                make_backup(conn, "truoc-khoi-phuc")
            finally:
                conn.close()
        except (UserError, sqlite3.Error):
            set_aside(db_path)  # unreadable: kept aside, never overwritten
    try:
        restore_into(info.path, db_path)
    except (OSError, sqlite3.Error) as exc:
        raise UserError("Không khôi phục được (ổ đĩa đầy hoặc thư mục dữ liệu chỉ đọc). "
                        "Bản sao lưu của dữ liệu hiện tại vẫn còn trong thư mục sao lưu.") from exc
    return info


def set_aside(db_path: Path) -> Path:
    """Move a damaged database (and its WAL files) aside, never deleting it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.hong-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            os.replace(src, Path(str(aside) + suffix))
    return aside


def restore_into(source: Path, db_path: Path) -> None:
    """Replace the database at db_path (closed by the caller) with source."""
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        for suffix in ("-wal", "-shm"):
            side = Path(str(db_path) + suffix)
            if side.exists():
                side.unlink()
        _copy_into(src, db_path)
    finally:
        src.close()
