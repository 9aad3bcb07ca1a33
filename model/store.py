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
from model.text import clean, clean_line

APP_ID = "TongKet"


class ForeignDatabase(UserError):
    """A database of another program: never touched."""


class NewerDatabase(UserError):
    """Written by a newer TongKet: never touched."""


def _m1(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE app_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO app_info (key, value) VALUES ('application', ?)", [APP_ID])
    db.execute(
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            outline_id TEXT NOT NULL,
            outline_version INTEGER NOT NULL,
            superior TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            doc_number TEXT NOT NULL DEFAULT '',
            doc_code TEXT NOT NULL DEFAULT '',
            place TEXT NOT NULL DEFAULT '',
            date TEXT,
            signer TEXT NOT NULL DEFAULT '',
            position TEXT NOT NULL DEFAULT '',
            on_behalf TEXT NOT NULL DEFAULT '',
            recipients TEXT NOT NULL DEFAULT '[]',
            deadline TEXT,
            current_section TEXT,
            revision INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE answers (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            field_id TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (report_id, field_id)
        )"""
    )


def _m2(db: sqlite_utils.Database) -> None:
    """Signers the receiving level trusts, one row per unit and fingerprint."""
    db.execute(
        """CREATE TABLE trusted_signers (
            unit_key TEXT NOT NULL,
            unit TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            PRIMARY KEY (unit_key, fingerprint)
        )"""
    )


def _m3(db: sqlite_utils.Database) -> None:
    """The receiving level: packages received from units, and units expected."""
    db.execute(
        """CREATE TABLE received (
            id INTEGER PRIMARY KEY,
            package_sha256 TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL,
            received_at TEXT NOT NULL,
            verdict TEXT NOT NULL,
            verdict_label TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            unit_key TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL DEFAULT '',
            report_id TEXT NOT NULL DEFAULT '',
            revision INTEGER,
            outline_id TEXT NOT NULL DEFAULT '',
            outline_version INTEGER,
            signed_at TEXT NOT NULL DEFAULT '',
            data_json TEXT
        )"""
    )
    db.execute("CREATE INDEX received_unit ON received (unit_key, report_id, revision)")
    db.execute(
        """CREATE TABLE expected_units (
            unit_key TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            position INTEGER NOT NULL
        )"""
    )


def _m4(db: sqlite_utils.Database) -> None:
    """Earlier versions of each text, so that text deleted by mistake comes back."""
    db.execute(
        """CREATE TABLE answer_history (
            id INTEGER PRIMARY KEY,
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            field_id TEXT NOT NULL,
            value TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX answer_history_field ON answer_history (report_id, field_id, id)")


def _m5(db: sqlite_utils.Database) -> None:
    """Trust goes to a unit's public key, and units compare by one rule
    (model/unit_identity).  Trust rows kept certificate fingerprints, which
    cannot be turned into key ids: they are dropped, and the receiver confirms
    each unit's key again.  Packages received before are checked again when
    their file comes in again (verdict 'recheck')."""
    db.execute("DELETE FROM trusted_signers")
    db.execute("ALTER TABLE trusted_signers ADD COLUMN short_id TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE received ADD COLUMN short_id TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE received ADD COLUMN report_date TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE received ADD COLUMN anchored INTEGER NOT NULL DEFAULT 0")
    settle_received(db)


def settle_received(db, from_file: bool = False) -> int:
    """Received rows that come from an older schema or from a restored file:
    unit keys by today's rule, verdicts of the old trust model to be checked
    again.  from_file: every row came from a backup file, whose word is worth
    nothing (a hostile file could plant a row under a trusted key): all are
    to be received again, and their data is dropped.  Returns how many rows
    now wait to be received again.  db: any object with execute()."""
    from model.unit_identity import unit_key

    if from_file:
        db.execute("UPDATE received SET verdict = 'valid' WHERE verdict = 'intact'")

    for rid, unit in list(db.execute("SELECT id, unit FROM received")):
        db.execute("UPDATE received SET unit_key = ? WHERE id = ?", [unit_key(unit) if unit else "", rid])
    db.execute("UPDATE received SET verdict = 'recheck', verdict_label = 'Cần nhận lại tệp này', "
               "data_json = NULL, details = 'nhận trước khi TongKet kiểm tra chứng thư; hãy nhận lại tệp' "
               "WHERE verdict IN ('valid', 'unknown_signer')")
    db.execute("UPDATE received SET anchored = 0")
    waiting = db.execute("SELECT count(*) FROM received WHERE verdict = 'recheck'").fetchone()[0]
    expected = list(db.execute("SELECT unit, position FROM expected_units ORDER BY position"))
    db.execute("DELETE FROM expected_units")
    for unit, position in expected:
        db.execute("INSERT OR IGNORE INTO expected_units (unit_key, unit, position) VALUES (?, ?, ?)",
                   [unit_key(unit), unit, position])
    return waiting


MIGRATIONS = [_m1, _m2, _m3, _m4, _m5]


def schema_objects() -> dict[str, set[str]]:
    """The tables and indexes of TongKet's own schema, by type: the one
    answer to 'is this table ours' (a backup carrying anything else is refused)."""
    conn = sqlite3.connect(":memory:")
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        for migration in MIGRATIONS:
            migration(db)
        out: dict[str, set[str]] = {"table": set(), "index": set()}
        for kind, name in conn.execute("SELECT type, name FROM sqlite_master"):
            out.setdefault(kind, set()).add(name)
        return out
    finally:
        conn.close()
HISTORY_KEEP = 50  # versions kept per field
HISTORY_EVERY = 600.0  # seconds of monotonic time: at most one version per field in this time…
HISTORY_BIG_CUT = 0.5  # …unless the text lost more than half of itself
SCHEMA_VERSION = len(MIGRATIONS)


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
            tables = set(db.table_names())
            if version > SCHEMA_VERSION:
                raise NewerDatabase(
                    "Tệp dữ liệu này do phiên bản TongKet mới hơn tạo ra. TongKet không ghi đè lên "
                    "tệp này; hãy dùng phiên bản TongKet mới nhất, hoặc chọn thư mục dữ liệu khác."
                )
            if version == 0 and tables:
                raise ForeignDatabase(
                    "Tệp dữ liệu không phải của TongKet. TongKet không ghi đè lên tệp này; "
                    "hãy chọn thư mục dữ liệu khác."
                )
            if version > 0:
                check = db.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise DamagedDatabase(
                        "Tệp dữ liệu của TongKet bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất; "
                        "tệp bị hỏng được giữ lại bên cạnh, không bị xóa."
                    )
                row = db.execute("SELECT value FROM app_info WHERE key='application'").fetchone() \
                    if "app_info" in tables else None
                if not row or row[0] != APP_ID:
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
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with db.atomic():
                MIGRATIONS[number - 1](db)
                db.execute(f"PRAGMA user_version = {number}")

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
    def create_report(self, outline: Outline, identity: Identity) -> int:
        stamp = now_iso()
        row = {
            "uuid": str(uuidlib.uuid4()),
            "outline_id": outline.id,
            "outline_version": outline.version,
            **self._identity_row(identity),
            "current_section": None,
            "revision": 0,
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
        )

    def list_reports(self) -> list[StoredReport]:
        return [self.get_report(i) for i in self.report_ids()]

    def delete_report(self, report_id: int) -> None:
        with self.db.atomic():
            self._require(report_id)
            self.db.execute("DELETE FROM answers WHERE report_id = ?", [report_id])
            self.db.execute("DELETE FROM answer_history WHERE report_id = ?", [report_id])
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
