"""The upper level's side: packages received from units (already verified by
export/verify), the units expected to report, which package counts for each
unit, and the consolidation arithmetic.  No Qt, no cryptography.

Totals are streamed from the database one unit at a time, so memory does not
grow with the number of reports.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator

from model.outline import Outline, StatField
from model.report import unit_in_sentence
from model.store import DraftStore, now_iso
from model.text import clean_line

INTACT = ("valid", "unknown_signer")  # signature and content check out

STATUS_OK = "Nộp hợp lệ"
STATUS_BAD = "Nộp nhưng lỗi"
STATUS_MISSING = "Chưa nộp"


def unit_match_key(name: str) -> str:
    """'ĐẢNG ỦY XÃ HÒA AN', 'Xã Hòa An', 'xã  hoà an' -> 'xã hòa an'."""
    text = unicodedata.normalize("NFC", clean_line(name)).lower()
    for prefix in ("đảng ủy ", "đảng uỷ ", "đảng bộ ", "ban thường vụ đảng ủy "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    # old and new tone placement (hoà / hòa, thuý / thúy) compare equal
    for old, new in (("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
                     ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy")):
        text = text.replace(old, new)
    return text


@dataclass
class ImportOutcome:
    file_name: str
    status: str  # "new" | "duplicate" | "rejected" | "other_outline"
    verdict_label: str
    unit: str = ""
    details: list[str] = field(default_factory=list)


class ReceivingStore:
    """Receiving tables inside the same database as the drafts."""

    def __init__(self, store: DraftStore):
        self.store = store
        self.db = store.db

    # --------------------------------------------------------- packages ---
    def known(self, package_sha256: str) -> dict | None:
        row = self.db.execute("SELECT id, file_name, unit FROM received WHERE package_sha256 = ?",
                              [package_sha256]).fetchone()
        return {"id": row[0], "file_name": row[1], "unit": row[2]} if row else None

    def add(self, *, package_sha256: str, file_name: str, verdict: str, verdict_label: str,
            details: list[str], unit: str, subject: str, fingerprint: str, report_id: str,
            revision: int | None, outline_id: str, outline_version: int | None, signed_at: str,
            data: dict | None) -> int:
        row = {
            "package_sha256": package_sha256, "file_name": file_name, "received_at": now_iso(),
            "verdict": verdict, "verdict_label": verdict_label, "details": "; ".join(details),
            "unit": clean_line(unit), "unit_key": unit_match_key(unit) if unit else "",
            "subject": subject, "fingerprint": fingerprint, "report_id": report_id,
            "revision": revision, "outline_id": outline_id, "outline_version": outline_version,
            "signed_at": signed_at,
            "data_json": json.dumps(data, ensure_ascii=False) if data is not None and verdict in INTACT else None,
        }
        with self.db.atomic():
            return self.db["received"].insert(row).last_pk

    def rows(self) -> list[dict]:
        cur = self.db.execute(
            "SELECT id, file_name, received_at, verdict, verdict_label, details, unit, unit_key, subject, "
            "fingerprint, report_id, revision, outline_id, outline_version, signed_at FROM received ORDER BY id")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def current_ids(self, outline: Outline) -> dict[str, int]:
        """unit_key -> id of the package that counts for that unit: intact,
        same outline, and per report the highest revision; when a unit sent
        several different reports, the one received last."""
        best: dict[str, tuple] = {}
        for rid, unit_key, report_id, revision in self.db.execute(
                "SELECT id, unit_key, report_id, revision FROM received WHERE verdict IN (?, ?) "
                "AND outline_id = ? AND outline_version = ? ORDER BY id",
                [*INTACT, outline.id, outline.version]):
            key = (unit_key, report_id)
            cand = (revision or 0, rid)
            if key not in best or cand > best[key]:
                best[key] = cand
        per_unit: dict[str, int] = {}
        for (unit_key, _report), (_rev, rid) in best.items():
            if unit_key not in per_unit or rid > per_unit[unit_key]:
                per_unit[unit_key] = rid
        return per_unit

    def data(self, received_id: int) -> dict:
        row = self.db.execute("SELECT data_json FROM received WHERE id = ?", [received_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    def unit_of(self, received_id: int) -> str:
        row = self.db.execute("SELECT unit FROM received WHERE id = ?", [received_id]).fetchone()
        return row[0] if row else ""

    def text_of(self, received_id: int, field_id: str) -> str:
        row = self.db.execute("SELECT json_extract(data_json, ?) FROM received WHERE id = ?",
                              [f'$.texts."{field_id}"', received_id]).fetchone()
        return row[0] if row and isinstance(row[0], str) else ""

    def stats_of(self, received_id: int) -> dict:
        row = self.db.execute("SELECT json_extract(data_json, '$.statistics') FROM received WHERE id = ?",
                              [received_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    def mark_trusted(self, unit: str, fingerprint: str) -> None:
        """After the receiver trusts a signer, its intact packages become valid."""
        with self.db.atomic():
            self.db.execute("UPDATE received SET verdict = 'valid', verdict_label = 'Hợp lệ' "
                            "WHERE unit_key = ? AND fingerprint = ? AND verdict = 'unknown_signer'",
                            [unit_match_key(unit), fingerprint])

    def package_info(self, received_id: int) -> dict:
        cur = self.db.execute("SELECT * FROM received WHERE id = ?", [received_id])
        cols = [c[0] for c in cur.description]
        row = cur.fetchone()
        return dict(zip(cols, row)) if row else {}

    def clear(self) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM received")

    # ----------------------------------------------------- expected units ---
    def set_expected(self, names: list[str]) -> int:
        seen = {}
        for name in names:
            name = clean_line(name)
            if name and unit_match_key(name) not in seen:
                seen[unit_match_key(name)] = name
        with self.db.atomic():
            self.db.execute("DELETE FROM expected_units")
            for pos, (key, name) in enumerate(seen.items()):
                self.db.execute("INSERT INTO expected_units (unit_key, unit, position) VALUES (?, ?, ?)",
                                [key, name, pos])
        return len(seen)

    def expected(self) -> list[tuple[str, str]]:
        return [(k, u) for k, u in self.db.execute(
            "SELECT unit_key, unit FROM expected_units ORDER BY position")]

    # ------------------------------------------------------------ board ---
    def board(self, outline: Outline) -> list[dict]:
        """One line per unit: expected ones first, then units not expected."""
        current = self.current_ids(outline)
        received: dict[str, list[dict]] = {}
        for r in self.rows():
            if r["unit_key"]:
                received.setdefault(r["unit_key"], []).append(r)
        lines = []
        expected = self.expected()
        keys = [k for k, _u in expected]
        names = dict(expected)
        for key in keys + sorted(k for k in received if k not in names):
            rows = received.get(key, [])
            name = names.get(key) or (unit_in_sentence(rows[-1]["unit"]) if rows else key)
            if key in current:
                row = next(r for r in rows if r["id"] == current[key])
                status, verdict = STATUS_OK, row["verdict_label"]
            elif rows:
                status, verdict = STATUS_BAD, rows[-1]["verdict_label"]
            else:
                status, verdict = STATUS_MISSING, ""
            lines.append({"unit_key": key, "unit": name, "status": status, "verdict": verdict,
                          "expected": key in names, "packages": len(rows),
                          "current_id": current.get(key)})
        return lines

    def missing_units(self, outline: Outline) -> list[str]:
        current = self.current_ids(outline)
        return [u for k, u in self.expected() if k not in current]


# ----------------------------------------------------------- arithmetic ---

def stat_value(stats: dict, stat_id: str) -> float | None:
    entry = stats.get(stat_id)
    if not isinstance(entry, dict):
        return None
    value = entry.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


class Totals:
    """Sums for counts and amounts; for a percentage, the rate recomputed
    from its weight (sum of p×w / sum of w), never an average of rates."""

    def __init__(self, outline: Outline):
        self.stats: list[StatField] = [st for _s, st in outline.stat_fields()]
        self.sums = {st.id: 0.0 for st in self.stats}
        self.counts = {st.id: 0 for st in self.stats}
        self.weighted = {st.id: 0.0 for st in self.stats}
        self.weights = {st.id: 0.0 for st in self.stats}
        self.units = 0

    def add(self, stats: dict) -> None:
        self.units += 1
        for st in self.stats:
            v = stat_value(stats, st.id)
            if v is None:
                continue
            self.counts[st.id] += 1
            if st.type == "percent":
                w = stat_value(stats, st.weight) if st.weight else None
                if w is not None:
                    self.weighted[st.id] += v * w
                    self.weights[st.id] += w
            else:
                self.sums[st.id] += v

    def total(self, st: StatField) -> float | None:
        if self.counts[st.id] == 0:
            return None
        if st.type == "percent":
            if not self.weights[st.id]:
                return None
            return round(self.weighted[st.id] / self.weights[st.id], 2)
        return self.sums[st.id]


def iterate_current(rs: ReceivingStore, outline: Outline) -> Iterator[tuple[int, str]]:
    """(received id, unit) of the counting packages, in unit order."""
    current = rs.current_ids(outline)
    order = {k: i for i, (k, _u) in enumerate(rs.expected())}
    for key in sorted(current, key=lambda k: (order.get(k, len(order)), k)):
        yield current[key], rs.unit_of(current[key])
