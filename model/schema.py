"""The facts of TongKet's database schema, in one place: the numbered
migrations (PRAGMA user_version), the one answer to "is this our database"
(owner), and the tables that are ours.  Used by the draft store, by backups
and restore (which build a fresh database of this schema), and by tests.
No Qt; any object with execute() will do (sqlite3 or sqlite-utils)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

APP_ID = "TongKet"


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


def _m6(db: sqlite_utils.Database) -> None:
    """An upper level writes its own report from what it received, and any
    report can start from another: where a report came from (origin), what
    in it was filled for the clerk (prefilled figures, texts to review), and
    units of several kinds, each with its own deadline."""
    db.execute("ALTER TABLE reports ADD COLUMN origin TEXT NOT NULL DEFAULT ''")
    db.execute(
        """CREATE TABLE report_marks (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            field_id TEXT NOT NULL,
            mark TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (report_id, field_id, mark)
        )"""
    )
    db.execute("ALTER TABLE expected_units ADD COLUMN kind TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE expected_units ADD COLUMN deadline TEXT")


def settle_received(db, from_file: bool = False) -> int:
    """Received rows that come from an older schema or from a restored file:
    unit keys by today's rule, verdicts of the old trust model to be checked
    again.  from_file: every row came from a backup file, whose word is worth
    nothing (a hostile file could plant a row under a trusted key): all are
    to be received again, and their data is dropped.  Returns how many rows
    now wait to be received again.  db: any object with execute()."""
    from model.unit_identity import unit_key, unit_name_problem

    if from_file:
        # every row: a verdict from a file is a claim (a planted 'tampered' row
        # would otherwise block the genuine package as a duplicate for ever)
        db.execute("UPDATE received SET verdict = 'valid' WHERE verdict != 'recheck'")
        db.execute("UPDATE received SET file_name = substr(file_name, 1, 255), unit = substr(unit, 1, 300), "
                   "subject = substr(subject, 1, 300), details = substr(details, 1, 2000), "
                   "report_id = substr(report_id, 1, 100), signed_at = substr(signed_at, 1, 40)")

    for rid, unit in list(db.execute("SELECT id, unit FROM received")):
        db.execute("UPDATE received SET unit_key = ? WHERE id = ?", [unit_key(unit) if unit else "", rid])
    db.execute("UPDATE received SET verdict = 'recheck', verdict_label = 'Cần nhận lại tệp này', "
               "data_json = NULL, details = 'nhận trước khi TongKet kiểm tra chứng thư; hãy nhận lại tệp' "
               "WHERE verdict IN ('valid', 'unknown_signer')")
    db.execute("UPDATE received SET anchored = 0")
    waiting = db.execute("SELECT count(*) FROM received WHERE verdict = 'recheck'").fetchone()[0]
    cur = db.execute("SELECT * FROM expected_units ORDER BY position")
    cols = [c[0] for c in cur.description]
    expected = [dict(zip(cols, row)) for row in cur]
    db.execute("DELETE FROM expected_units")
    for row in expected:
        if from_file and unit_name_problem(row["unit"]):
            continue  # a look-alike planted in a file never becomes a unit that must report
        row["unit_key"] = unit_key(row["unit"])
        db.execute(f"INSERT OR IGNORE INTO expected_units ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])
    return waiting


MIGRATIONS = [_m1, _m2, _m3, _m4, _m5, _m6]


def owner(conn) -> str:
    """Whose database is this?  'empty' (new, nothing in it), 'ours' (a
    TongKet database this version can open), 'newer' (TongKet, later
    schema) or 'foreign' (another program's, or a TongKet file that lost its
    mark).  May raise sqlite3.Error for a file that is no database."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0:
        return "empty" if not tables else "foreign"
    if "app_info" not in tables:
        return "foreign"
    row = conn.execute("SELECT value FROM app_info WHERE key = 'application'").fetchone()
    if not row or row[0] != APP_ID or "reports" not in tables:
        return "foreign"
    return "newer" if version > SCHEMA_VERSION else "ours"


def peek_reports(path) -> list[dict] | None:
    """A quick read-only look at the reports of a database of this schema,
    for the start window while the store is still being opened (plain
    sqlite3: no migration, no check).  None when anything is not exactly as
    expected; the full open that follows decides then."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION or owner(conn) != "ours":
            return None
        cur = conn.execute("SELECT id, unit, date, deadline, updated_at FROM reports ORDER BY id")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row)) for row in cur]
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def migrate(db, version: int) -> None:
    """Bring a database from version to SCHEMA_VERSION, one transaction per
    step.  db: sqlite-utils Database (or a sqlite3 connection)."""
    import sqlite_utils

    if not isinstance(db, sqlite_utils.Database):
        db = sqlite_utils.Database(db, execute_plugins=False)
    for number in range(version + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[number - 1](db)
            db.execute(f"PRAGMA user_version = {number}")


def schema_objects() -> dict[str, set[str]]:
    """The tables and indexes of TongKet's own schema, by type: the one
    answer to 'is this table ours' (a backup carrying anything else is refused)."""
    import sqlite_utils

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


SCHEMA_VERSION = len(MIGRATIONS)
