"""Backups of the database and restoring from them, on paths that never
destroy work.

- Backups are made with SQLite's backup API (never a plain copy of a file that
  may be in the middle of a write) into the data folder's ``sao-luu/``: once a
  day at start-up, before every migration and before every restore.
- The laptop clock is not trusted: a backup's name starts with an increasing
  sequence number, which alone orders them; the time in the name is
  information for the clerk.  Kept: the last ``KEEP``, the newest of each of
  the last ``KEEP_DAYS`` distinct days (by sequence, not by the clock), the
  newest backup holding reports, and whatever the caller protects (the backup
  just taken, the file being restored).
- An empty database is never backed up while a backup holding reports exists.
- Restoring is a transaction: the file is checked (integrity, version,
  application, nothing in it that is not ours: no triggers, no views, no
  foreign tables), its data is copied into a fresh database of our own schema
  (the file itself is never adopted), the current database is kept as a
  backup (or, when damaged, set aside), then the fresh file replaces it in one
  rename.  The trust list of the receiving level is never taken from a file:
  the current one is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from model.dberrors import (DAMAGED_MESSAGE, DamagedDatabase, StorageProblem, as_user_error, is_damage, kind_of,
                            storage_message)
from model.errors import UserError
from model.text import when_text
from model.schema import migrate, owner, schema_objects, settle_received
from model.fileio import file_beside, fsync_dir, fsync_file, replace
from model.paths import data_dir, database_path

KEEP = 7  # the last backups kept…
KEEP_DAYS = 7  # …and the newest of each of this many distinct days
MAX_BACKUP_BYTES = 2 * 1024 ** 3
PREFIX = "tongket-"
NAME = re.compile(r"^tongket-(\d{6,})-(\d{8})-(\d{6})-(\d+)bc-([a-z0-9-]+)\.sqlite3$")
LEGACY = re.compile(r"^tongket-(\d{8})-(\d{6})-\d+-([a-z0-9-]+)\.sqlite3$")

# The tables a restore takes from a file, in an order that keeps references
# valid.  Anything else of ours (app_info; the trust list, whatever table holds
# it now or later) is never taken from a file.
RESTORED_TABLES = ("reports", "answers", "answer_history", "report_marks", "received", "expected_units")
# tables carried over from the current database across a restore
KEPT_ACROSS_RESTORE = ("trusted_signers",)

CLOCK = dt.datetime.now  # the laptop clock: information only (tests put their own)


def backup_dir() -> Path:
    return data_dir() / "sao-luu"


# ------------------------------------------------------------- the set ---
@dataclass(frozen=True)
class Backup:
    """One file in sao-luu/, as its name describes it."""

    path: Path
    seq: int  # the order; 0 for backups made by older TongKet versions
    when: dt.datetime | None  # what the laptop clock said: information only
    reports: int | None  # None: not in the name (older versions)
    reason: str

    @property
    def day(self) -> str:
        return self.when.strftime("%Y%m%d") if self.when else ""

    def when_text(self) -> str:
        return when_text(self.when) if self.when else "không rõ thời gian"

    def report_count(self) -> int:
        if self.reports is not None:
            return self.reports
        return _count_reports(self.path)


def _parse(path: Path) -> Backup | None:
    m = NAME.match(path.name)
    if m:
        seq, day, hms, reports, reason = m.groups()
        return Backup(path, int(seq), _when(day, hms), int(reports), reason)
    m = LEGACY.match(path.name)
    if m:
        day, hms, reason = m.groups()
        return Backup(path, 0, _when(day, hms), None, reason)
    return None


def _when(day: str, hms: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(day + hms, "%Y%m%d%H%M%S")
    except ValueError:
        return None


def folder_of(conn: sqlite3.Connection) -> Path:
    """Backups live beside their own database (sao-luu/ in its folder),
    whatever the current data folder is."""
    try:
        for _seq, name, file in conn.execute("PRAGMA database_list"):
            if name == "main" and file:
                return Path(file).parent / "sao-luu"
    except sqlite3.Error:
        pass
    return backup_dir()


def backups(folder: Path | None = None) -> list[Backup]:
    """Backups in folder (default: the data folder's), newest (highest
    sequence number) first."""
    folder = folder or backup_dir()
    if not folder.is_dir():
        return []
    found = [b for b in map(_parse, folder.glob(f"{PREFIX}*.sqlite3")) if b is not None]
    return sorted(found, key=lambda b: (b.seq, b.path.name), reverse=True)


def _count_reports(path: Path) -> int:
    try:
        conn = _open_ro(path)
    except sqlite3.Error:
        return 0
    try:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _open_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    # a damaged file can hold bytes that are not UTF-8, even in check messages
    conn.text_factory = lambda b: b.decode("utf-8", "replace")
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def to_keep(items: list[Backup], protect=()) -> set[Path]:
    """The backups the rolling set keeps (items newest first)."""
    keep = {b.path for b in items[:KEEP]}
    days: list[str] = []
    for b in items:  # the newest of each distinct day, days taken in sequence order
        if b.day not in days and len(days) < KEEP_DAYS:
            days.append(b.day)
            keep.add(b.path)
    holding = next((b for b in items if b.report_count() > 0), None)
    if holding is not None:
        keep.add(holding.path)
    keep.update(Path(p) for p in protect if p)
    return keep


def prune(protect=(), folder: Path | None = None) -> list[Path]:
    """Remove backups the rolling set no longer keeps; returns what was removed."""
    items = backups(folder)
    keep = {p.resolve() for p in to_keep(items, protect)}
    removed = []
    for b in items:
        if b.path.resolve() not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                pass
    return removed


# ------------------------------------------------------------- making ---
def _copy_into(src: sqlite3.Connection, target: Path) -> Path:
    """SQLite backup API into a temporary file beside target, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_beside(target, prefix="~sao-luu-") as tmp:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    return target


def _reports_in(conn: sqlite3.Connection) -> int:
    try:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # a database before its first migration


def make_backup(conn: sqlite3.Connection | None = None, reason: str = "hang-ngay",
                protect=()) -> Path:
    """A backup in the data folder, named by the next sequence number; the
    rolling set is pruned afterwards, never touching this backup or protect."""
    own = conn is None
    folder = backup_dir()
    try:
        if own:
            conn = sqlite3.connect(str(database_path()))
        folder = folder_of(conn)
        reports = _reports_in(conn)
        items = backups(folder)
        seq = (items[0].seq if items else 0) + 1
        stamp = CLOCK().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{PREFIX}{seq:06d}-{stamp}-{reports}bc-{reason}.sqlite3"
        while target.exists():  # never over another backup
            seq += 1
            target = folder / f"{PREFIX}{seq:06d}-{stamp}-{reports}bc-{reason}.sqlite3"
        _copy_into(conn, target)
    except (OSError, sqlite3.Error) as exc:
        if is_damage(exc):
            raise DamagedDatabase("Tệp dữ liệu của TongKet bị hỏng nên không sao lưu được.") from exc
        raise StorageProblem(storage_message(kind_of(exc, folder.parent), "tạo bản sao lưu"),
                             kind_of(exc, folder.parent)) from exc
    finally:
        if own and conn is not None:
            conn.close()
    prune(protect=(target, *protect), folder=folder)
    return target


def daily_backup(conn: sqlite3.Connection) -> Path | None:
    """At start-up: a backup unless the newest one was made on the day the
    clock shows, and never an empty database while a backup holds reports."""
    items = backups(folder_of(conn))
    if items and items[0].day == CLOCK().strftime("%Y%m%d"):
        return None
    if _reports_in(conn) == 0 and any(b.report_count() > 0 for b in items):
        return None
    return make_backup(conn, "hang-ngay")


# ------------------------------------------------------------ checking ---
@dataclass
class BackupInfo:
    path: Path
    schema_version: int
    reports: int
    trusted: int = 0  # rows of the trust list in the file (never restored)


def _refuse(text: str = "Tệp đã chọn không phải bản sao lưu của TongKet.") -> UserError:
    return UserError(text)


DAMAGED_BACKUP = "Tệp sao lưu bị hỏng, không dùng được. Hãy chọn bản sao lưu khác."


def check_backup(path: str | Path) -> BackupInfo:
    """A backup file is used only if it is a healthy TongKet database that this
    version can read and that holds nothing that is not ours."""

    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise UserError("Không đọc được tệp sao lưu đã chọn. Hãy kiểm tra tệp còn đó rồi thử lại.") from exc
    if size == 0 or size > MAX_BACKUP_BYTES:
        raise _refuse("Tệp đã chọn không phải bản sao lưu của TongKet (tệp rỗng hoặc quá lớn).")
    if head != b"SQLite format 3\x00":
        raise _refuse()
    try:
        conn = _open_ro(path)
    except sqlite3.Error as exc:
        raise UserError("Không mở được tệp sao lưu. Hãy chọn bản sao lưu khác.") from exc
    ours = schema_objects()
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise UserError(DAMAGED_BACKUP)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        whose = owner(conn)
        if whose == "newer":
            raise UserError("Tệp sao lưu do phiên bản TongKet mới hơn tạo ra. Hãy cập nhật TongKet.")
        if whose != "ours":
            raise _refuse()
        objects = conn.execute("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master").fetchall()
        names = {o[1] for o in objects if o[0] == "table"}
        for kind, name, table, sql in objects:
            if kind in ("trigger", "view") or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
                raise _refuse("Tệp sao lưu chứa thành phần lạ không phải của TongKet (có thể bị sửa để "
                              "phá dữ liệu). TongKet không dùng tệp này; hãy chọn bản sao lưu khác.")
            if kind == "table" and name not in ours["table"] and not name.startswith("sqlite_"):
                raise _refuse("Tệp sao lưu chứa bảng dữ liệu không phải của TongKet. "
                              "TongKet không dùng tệp này; hãy chọn bản sao lưu khác.")
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        trusted = sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                      for t in ours["table"] if t in names and t not in RESTORED_TABLES and t != "app_info")
    except (sqlite3.Error, ValueError, TypeError) as exc:
        raise UserError(DAMAGED_BACKUP) from exc
    finally:
        conn.close()
    return BackupInfo(path, version, reports, trusted)


def newest_good_backup() -> BackupInfo | None:
    """The newest backup (by sequence) that passes its check and holds
    reports; failing that, the newest that passes its check."""
    fallback = None
    for b in backups():
        if b.report_count() == 0 and fallback is not None:
            continue
        try:
            info = check_backup(b.path)
        except UserError:
            continue
        if info.reports > 0:
            return info
        fallback = fallback or info
    return fallback


def describe(info: BackupInfo) -> str:
    """'số 12, lúc 10:31 ngày 27/11/2026, 3 báo cáo' for a backup in sao-luu/."""
    b = _parse(info.path)
    if b is None:
        return f"{info.path.name}, {info.reports} báo cáo"
    number = f"số {b.seq}, " if b.seq else ""
    return f"{number}lúc {b.when_text()} (theo đồng hồ máy), {info.reports} báo cáo"


def export_backup(conn: sqlite3.Connection, folder: str | Path) -> Path:
    """'Sao lưu' to a chosen folder (a USB stick); never overwrites a file."""
    folder = Path(folder)
    base = f"TongKet-SaoLuu-{CLOCK().date().isoformat()}"
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


# ----------------------------------------------------------- restoring ---
@dataclass
class RestoreResult:
    source: Path
    reports: int
    safety_backup: Path | None = None  # the database as it was, kept first
    set_aside: Path | None = None  # the damaged database, renamed, never deleted
    trust_dropped: int = 0  # rows of the trust list in the file, not restored
    recheck: int = 0  # received packages to be received again
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What really happened, in Vietnamese, one fact a line."""
        out = []
        if self.safety_backup is not None:
            out.append(f"Dữ liệu trước khi khôi phục được giữ trong bản sao lưu: {self.safety_backup}")
        if self.set_aside is not None:
            out.append(f"Tệp dữ liệu bị hỏng được giữ lại tại: {self.set_aside}")
        if self.safety_backup is None and self.set_aside is None:
            out.append("Trước đó chưa có dữ liệu nào để giữ lại.")
        out.append(f"Đã khôi phục dữ liệu từ tệp “{self.source.name}” ({self.reports} báo cáo).")
        if self.trust_dropped:
            out.append(f"Danh sách người ký được tin cậy trong tệp ({self.trust_dropped} mục) không được "
                       "khôi phục: việc tin cậy chữ ký số chỉ do người dùng máy này quyết định; danh sách "
                       "hiện có được giữ nguyên.")
        if self.recheck:
            out.append(f"{self.recheck} gói báo cáo đã nhận của cấp dưới cần được nhận lại (kéo thả lại các "
                       "tệp .zip): TongKet không tin chữ ký số theo lời của tệp sao lưu.")
        return out + self.notes


def _sidecars(db_path: Path) -> list[Path]:
    return [Path(str(db_path) + s) for s in ("-wal", "-shm")]


def _unique(path: Path) -> Path:
    candidate, n = path, 2
    while candidate.exists() or Path(str(candidate) + "-wal").exists():
        candidate = path.with_name(f"{path.name}-{n}")
        n += 1
    return candidate


def set_aside(db_path: Path) -> Path:
    """Move a damaged database (and its WAL files) aside, never deleting it
    (and never over an earlier one set aside in the same second)."""
    stamp = CLOCK().strftime("%Y%m%d-%H%M%S")
    aside = _unique(db_path.with_name(f"{db_path.name}.hong-{stamp}"))
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            os.replace(src, Path(str(aside) + suffix))
    return aside


def _build_fresh(source: Path, folder: Path) -> tuple[Path, int]:
    """A new database of our own schema beside the live one, holding the data
    of source (only RESTORED_TABLES, only our columns, as our types); and how
    many received packages wait to be received again."""
    tmp = folder / f"~khoi-phuc-{uuid.uuid4().hex}.sqlite3"
    try:
        fresh = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            migrate(fresh, 0)
        finally:
            fresh.close()
        conn = sqlite3.connect(tmp.resolve().as_uri(), uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("ATTACH DATABASE ? AS src", [f"{source.resolve().as_uri()}?mode=ro"])
            src_tables = {r[0] for r in conn.execute("SELECT name FROM src.sqlite_master WHERE type='table'")}
            conn.execute("BEGIN")
            for table in RESTORED_TABLES:
                if table not in src_tables:
                    continue
                mine = [(r[1], (r[2] or "").upper()) for r in conn.execute(f'PRAGMA main.table_info("{table}")')]
                theirs = {r[1] for r in conn.execute(f'PRAGMA src.table_info("{table}")')}
                cols = [(c, t) for c, t in mine if c in theirs]
                names = ", ".join(f'"{c}"' for c, _t in cols)
                values = ", ".join(f'CAST("{c}" AS {"INTEGER" if t == "INTEGER" else "TEXT"})' for c, t in cols)
                conn.execute(f'INSERT INTO main."{table}" ({names}) SELECT {values} FROM src."{table}"')
            for table in ("answers", "answer_history", "report_marks"):  # rows of no report are unreachable anyway
                conn.execute(f'DELETE FROM main."{table}" WHERE report_id NOT IN (SELECT id FROM main.reports)')
            # received packages: keys by today's rule, and nothing trusted on the file's word
            recheck = settle_received(conn, from_file=True)
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE src")
        finally:
            conn.close()
        fsync_file(tmp)
        return tmp, recheck
    except UserError:
        _remove(tmp)
        raise
    except (sqlite3.Error, OSError) as exc:
        _remove(tmp)
        kind = kind_of(exc, folder)
        if isinstance(exc, sqlite3.Error) and kind in ("damaged", "other"):
            raise UserError("Tệp sao lưu có dữ liệu không đúng cấu trúc của TongKet nên không khôi phục "
                            "được. Dữ liệu hiện tại vẫn còn nguyên; hãy chọn bản sao lưu khác.") from exc
        raise StorageProblem(storage_message(kind, "khôi phục"), kind) from exc


def _remove(path: Path) -> None:
    for p in (path, *_sidecars(path)):
        try:
            p.unlink()
        except OSError:
            pass


def _carry_over(fresh: Path, current: Path) -> None:
    """The current trust list (the receiver's own decisions) into fresh."""
    conn = sqlite3.connect(fresh.resolve().as_uri(), uri=True, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS cur", [f"{current.resolve().as_uri()}?mode=ro"])
        have = {r[0] for r in conn.execute("SELECT name FROM cur.sqlite_master WHERE type='table'")}
        conn.execute("BEGIN")
        for table in KEPT_ACROSS_RESTORE:
            if table in have:
                conn.execute(f'INSERT OR IGNORE INTO main."{table}" SELECT * FROM cur."{table}"')
        conn.execute("COMMIT")
    finally:
        conn.close()


def _keep_current(db_path: Path, source: Path, damaged: bool) -> tuple[Path | None, Path | None]:
    """Keep the live database before it is replaced: as a backup, or set
    aside when it is damaged.  A disk that is full or read-only stops the
    restore here, with nothing changed."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        stray = [p for p in _sidecars(db_path) if p.exists() and p.stat().st_size > 0]
        return None, (set_aside(db_path) if stray else None)
    if damaged:  # known damaged (found after the first check): kept byte for byte
        return None, set_aside(db_path)
    try:
        conn = sqlite3.connect(str(db_path), timeout=0.5)
    except sqlite3.Error as exc:
        raise as_user_error(exc, "khôi phục", db_path.parent) from exc
    try:
        try:
            # checked before anything touches the file: a damaged one is kept byte for byte
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise DamagedDatabase(DAMAGED_MESSAGE)
            # leaving WAL needs the only connection: TongKet open on this folder says BUSY
            conn.execute("PRAGMA journal_mode = DELETE")
            safety = make_backup(conn, "truoc-khoi-phuc", protect=(source,))
        except (DamagedDatabase, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.Error) and not is_damage(exc):
                raise as_user_error(exc, "khôi phục", db_path.parent) from exc
            conn.close()
            return None, set_aside(db_path)
        return safety, None
    finally:
        conn.close()


def _swap(fresh: Path, db_path: Path) -> None:
    """Put fresh in place of db_path in one rename (stale WAL files first:
    SQLite would apply them to the new file)."""
    wal, shm = _sidecars(db_path)
    if wal.exists() and wal.stat().st_size > 0:
        os.replace(wal, _unique(db_path.with_name(db_path.name + ".wal-cu")))
    for side in (wal, shm):
        if side.exists():
            side.unlink()
    replace(fresh, db_path)
    fsync_dir(db_path.parent)


def restore(source: str | Path, db_path: Path | None = None, damaged: bool = False) -> RestoreResult:
    """'Khôi phục' as one transaction; the caller closes the store first and
    reopens it afterwards.  Raises UserError with nothing changed, or returns
    what really happened.  damaged: the current database is known to be
    damaged and is set aside rather than backed up."""
    db_path = Path(db_path or database_path())
    info = check_backup(source)
    fresh, recheck = _build_fresh(info.path, db_path.parent)
    try:
        safety, aside = _keep_current(db_path, info.path, damaged)
        if safety is not None:
            _carry_over(fresh, safety)
        _swap(fresh, db_path)
    except (OSError, sqlite3.Error) as exc:
        _remove(fresh)
        raise as_user_error(exc, "khôi phục", db_path.parent,
                            unchanged=db_path.exists()) from exc
    except UserError:
        _remove(fresh)
        raise
    prune(protect=(safety, info.path))
    return RestoreResult(info.path, info.reports, safety, aside, info.trusted, recheck)
