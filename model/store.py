"""The draft store: every report and every answer in one SQLite file.

sqlite-utils 4.x on a connection in WAL mode with synchronous=FULL, so that a
committed edit survives a power cut.  Schema changes are numbered migrations
recorded in PRAGMA user_version; a database written by a newer TongKet or
by another program is refused, never touched.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import uuid as uuidlib
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from model.dberrors import DamagedDatabase, StorageProblem, as_user_error  # noqa: F401 (re-exported)
from model.errors import UserError
from model.outline import Outline
from model.report import Identity
from model.schema import APP_ID, MIGRATIONS, SCHEMA_VERSION, migrate, owner  # noqa: F401 (re-exported)
from model.text import clean, clean_line



class ForeignDatabase(UserError):
    """A database of another program: never touched."""


class NewerDatabase(UserError):
    """Written by a newer TongKet: never touched."""


ORIGIN_RECEIVED = "tong-hop"  # an upper level's own report, made from the reports it received
ORIGIN_COPY = "ban-sao"  # started from another report
MARK_PREFILLED = "dien-san"  # a figure filled from the consolidation (note: how, from how many units)
MARK_REVIEW = "xem-lai"  # a section copied from another report: the clerk reads it again

HISTORY_KEEP = 50  # versions kept per field
HISTORY_EVERY = 600.0  # seconds of monotonic time: at most one version per field in this time…
HISTORY_BIG_CUT = 0.5  # …unless the text lost more than half of itself


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class StoredReport:
    id: int
    uuid: str
    outline_id: str
    outline_version: int
    identity: Identity
    answers: dict[str, str]
    current_section: str | None
    revision: int
    created_at: str
    updated_at: str
    origin: str = ""  # "" (written here), ORIGIN_RECEIVED, ORIGIN_COPY

    @property
    def upper_level(self) -> bool:
        """An upper level's own report, made from the reports it received."""
        return self.origin == ORIGIN_RECEIVED

    @property
    def outline_key(self) -> str:
        return f"{self.outline_id}@{self.outline_version}"


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class DraftStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._last_version: dict[tuple[int, str], float] = {}  # monotonic time of the last version kept
        self.monotonic = time.monotonic  # a clock that never goes back (tests put their own)
        self.db = self._open()

    # -------------------------------------------------------------- open ---
    def _open(self) -> sqlite_utils.Database:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=5, isolation_level=None,
                                   check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise as_user_error(exc, "mở tệp dữ liệu của TongKet", folder) from exc
        # damaged files can hold bytes that are not UTF-8: never a crash for that
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
        db = sqlite_utils.Database(conn, execute_plugins=False)
        try:
            db.execute("PRAGMA busy_timeout = 5000")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if 0 < version <= SCHEMA_VERSION and db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise DamagedDatabase(
                    "Tệp dữ liệu của TongKet bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất; "
                    "tệp bị hỏng được giữ lại bên cạnh, không bị xóa."
                )
            whose = owner(conn)
            if whose == "newer":
                raise NewerDatabase(
                    "Tệp dữ liệu này do phiên bản TongKet mới hơn tạo ra. TongKet không ghi đè lên "
                    "tệp này; hãy dùng phiên bản TongKet mới nhất, hoặc chọn thư mục dữ liệu khác."
                )
            if whose == "foreign":
                raise ForeignDatabase(
                    "Tệp dữ liệu không phải của TongKet. TongKet không ghi đè lên tệp này; "
                    "hãy chọn thư mục dữ liệu khác."
                )
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            self._migrate(db, version)
        except UserError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            # by its code: a full or read-only disk is not a damaged file
            conn.close()
            raise as_user_error(exc, "mở tệp dữ liệu của TongKet", folder) from exc
        return db

    def _migrate(self, db: sqlite_utils.Database, version: int) -> None:
        if 0 < version < SCHEMA_VERSION:
            from model.backup import make_backup

            make_backup(db.conn, f"truoc-nang-cap-v{version}")
        migrate(db, version)

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.db.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # ----------------------------------------------------------- reports ---
    def create_report(self, outline: Outline, identity: Identity, origin: str = "") -> int:
        stamp = now_iso()
        row = {
            "uuid": str(uuidlib.uuid4()),
            "outline_id": outline.id,
            "outline_version": outline.version,
            **self._identity_row(identity),
            "current_section": None,
            "revision": 0,
            "origin": origin,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self.db.atomic():
            return self.db["reports"].insert(row).last_pk

    @staticmethod
    def _identity_row(identity: Identity) -> dict:
        i = identity.cleaned()
        return {
            "superior": i.superior,
            "unit": i.unit,
            "doc_number": i.doc_number,
            "doc_code": i.doc_code,
            "place": i.place,
            "date": i.date.isoformat() if i.date else None,
            "signer": i.signer,
            "position": i.position,
            "on_behalf": i.on_behalf,
            "recipients": json.dumps(i.recipients, ensure_ascii=False),
            "deadline": i.deadline.isoformat() if i.deadline else None,
        }

    def save_identity(self, report_id: int, identity: Identity) -> None:
        row = self._identity_row(identity)
        row["updated_at"] = now_iso()
        with self.db.atomic():
            self._require(report_id)
            self.db["reports"].update(report_id, row)

    def _require(self, report_id: int) -> dict:
        cur = self.db.execute("SELECT * FROM reports WHERE id = ?", [report_id])
        row = cur.fetchone()
        if row is None:
            raise UserError(f"Không tìm thấy báo cáo số {report_id}. Có thể báo cáo đã bị xóa.")
        return dict(zip([d[0] for d in cur.description], row))

    def report_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM reports ORDER BY id")]

    def get_report(self, report_id: int) -> StoredReport:
        r = self._require(report_id)
        try:
            recipients = [clean_line(x) for x in json.loads(r["recipients"]) if isinstance(x, str)]
        except (ValueError, TypeError):
            recipients = []
        ident = Identity(
            superior=r["superior"], unit=r["unit"], doc_number=r["doc_number"],
            doc_code=r["doc_code"], place=r["place"], date=_date(r["date"]),
            signer=r["signer"], position=r["position"], on_behalf=r["on_behalf"],
            recipients=recipients, deadline=_date(r["deadline"]),
        )
        return StoredReport(
            id=r["id"], uuid=r["uuid"], outline_id=r["outline_id"],
            outline_version=r["outline_version"], identity=ident,
            answers=self.get_answers(report_id), current_section=r["current_section"],
            revision=r["revision"], created_at=r["created_at"], updated_at=r["updated_at"],
            origin=r.get("origin") or "",
        )

    def list_reports(self) -> list[StoredReport]:
        return [self.get_report(i) for i in self.report_ids()]

    def delete_report(self, report_id: int) -> None:
        with self.db.atomic():
            self._require(report_id)
            self.db.execute("DELETE FROM answers WHERE report_id = ?", [report_id])
            self.db.execute("DELETE FROM answer_history WHERE report_id = ?", [report_id])
            self.db.execute("DELETE FROM report_marks WHERE report_id = ?", [report_id])
            self.db.execute("DELETE FROM reports WHERE id = ?", [report_id])

    def set_current_section(self, report_id: int, section_id: str | None) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE reports SET current_section = ? WHERE id = ?",
                            [section_id, report_id])

    def set_revision(self, report_id: int, revision: int) -> None:
        """The report was signed as this revision (never going back)."""
        with self.db.atomic():
            self.db.execute("UPDATE reports SET revision = max(revision, ?) WHERE id = ?", [revision, report_id])

    def bump_revision(self, report_id: int) -> int:
        with self.db.atomic():
            self.db.execute("UPDATE reports SET revision = revision + 1 WHERE id = ?", [report_id])
            return self._require(report_id)["revision"]

    # ------------------------------------------------------------- marks ---
    def set_marks(self, report_id: int, marks: list[tuple[str, str, str]]) -> None:
        """(field or section id, mark, note): what was filled for the clerk."""
        with self.db.atomic():
            self._require(report_id)
            for field_id, mark, note in marks:
                self.db.execute("INSERT OR REPLACE INTO report_marks (report_id, field_id, mark, note) "
                                "VALUES (?, ?, ?, ?)", [report_id, field_id, mark, clean_line(note)])

    def marks(self, report_id: int, mark: str) -> dict[str, str]:
        """field or section id -> note, for one kind of mark."""
        return dict(self.db.execute("SELECT field_id, note FROM report_marks WHERE report_id = ? AND mark = ?",
                                    [report_id, mark]))

    def clear_mark(self, report_id: int, field_id: str, mark: str) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM report_marks WHERE report_id = ? AND field_id = ? AND mark = ?",
                            [report_id, field_id, mark])

    # ----------------------------------------------------------- answers ---
    def _maybe_keep_version(self, report_id: int, field_id: str, old: str, new: str, stamp: str) -> None:
        """Keep the text as it was before this change: the first change of a
        field after TongKet starts, then at most one version every 10 minutes,
        but always before a cut of more than half.  Time here is the monotonic
        clock of this run, never the laptop's clock (which may be set back):
        versions are ordered by their sequence number (id); saved_at is only
        information for the clerk."""
        key = (report_id, field_id)
        now = self.monotonic()
        last = self._last_version.get(key)
        big_cut = len(new) < len(old) * HISTORY_BIG_CUT
        if last is not None and not big_cut and now - last < HISTORY_EVERY:
            return
        self._last_version[key] = now
        self.db.execute("INSERT INTO answer_history (report_id, field_id, value, saved_at) VALUES (?, ?, ?, ?)",
                        [report_id, field_id, old, stamp])
        self.db.execute(
            "DELETE FROM answer_history WHERE report_id = ? AND field_id = ? AND id NOT IN "
            "(SELECT id FROM answer_history WHERE report_id = ? AND field_id = ? ORDER BY id DESC LIMIT ?)",
            [report_id, field_id, report_id, field_id, HISTORY_KEEP])

    def keep_version(self, report_id: int, field_id: str, text: str) -> None:
        """Keep text as a version now (before the clerk brings back an older one)."""
        if text.strip():
            with self.db.atomic():
                self.db.execute("INSERT INTO answer_history (report_id, field_id, value, saved_at) "
                                "VALUES (?, ?, ?, ?)", [report_id, field_id, clean(text), now_iso()])

    def history(self, report_id: int, field_id: str) -> list[tuple[int, str, str]]:
        """(id, saved_at, text) of earlier versions, newest first."""
        return [tuple(r) for r in self.db.execute(
            "SELECT id, saved_at, value FROM answer_history WHERE report_id = ? AND field_id = ? ORDER BY id DESC",
            [report_id, field_id])]

    def get_answers(self, report_id: int) -> dict[str, str]:
        return {
            fid: value
            for fid, value in self.db.execute(
                "SELECT field_id, value FROM answers WHERE report_id = ?", [report_id]
            )
        }

    def save_answers(self, report_id: int, values: dict[str, str]) -> int:
        """Store several answers in one transaction; returns how many changed."""
        if not values:
            return 0
        stamp = now_iso()
        changed = 0
        with self.db.atomic():
            self._require(report_id)
            for field_id, value in values.items():
                value = clean(value)
                cur = self.db.execute(
                    "SELECT value FROM answers WHERE report_id = ? AND field_id = ?",
                    [report_id, field_id],
                ).fetchone()
                if cur is not None and cur[0] == value:
                    continue
                if cur is not None and cur[0].strip():
                    self._maybe_keep_version(report_id, field_id, cur[0], value, stamp)
                self.db.execute(
                    "INSERT INTO answers (report_id, field_id, value, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(report_id, field_id) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at",
                    [report_id, field_id, value, stamp],
                )
                changed += 1
            if changed:
                self.db.execute("UPDATE reports SET updated_at = ? WHERE id = ?", [stamp, report_id])
        return changed
