"""The upper level's side: packages received from units (already verified by
export/verify), the units expected to report, which package counts for each
unit, and the consolidation arithmetic.  No Qt, no cryptography.

Totals are streamed from the database one unit at a time, so memory does not
grow with the number of reports.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Iterator

from model.outline import Outline, StatField
from model.report import unit_in_sentence
from model.store import DraftStore, now_iso
from model.text import clean_line, day_text, shown
from model.trust import CONFLICT, LABELS, MISMATCH, TRUSTED, UNCONFIRMED, TrustList, speaking_keys, state_of
from model.unit_identity import unit_key

INTACT = "intact"  # stored verdict: signature, certificate and every byte check out

STATUS_OK = "Nộp hợp lệ"
STATUS_UNCONFIRMED = "Nộp, chưa xác nhận người ký"
STATUS_CONFLICT = "Chờ xác nhận: nhiều chữ ký số"
STATUS_BAD = "Nộp nhưng lỗi"
STATUS_MISSING = "Chưa nộp"
STATUSES = (STATUS_OK, STATUS_UNCONFIRMED, STATUS_CONFLICT, STATUS_BAD, STATUS_MISSING)
COUNTING = (TRUSTED, UNCONFIRMED)  # states whose packages can enter the totals


@dataclass
class ImportOutcome:
    file_name: str
    status: str  # "new" | "duplicate" | "rejected" | "other_outline"
    verdict_label: str
    unit: str = ""
    details: list[str] = field(default_factory=list)


@dataclass
class PackageState:
    id: int
    unit_key: str
    state: str  # a model.trust state, or "rejected" / "recheck"
    label: str
    counts: bool  # may enter the totals of this outline
    order: tuple  # (report date, revision, id): the latest report wins
    report_id: str = ""


class ReceivingStore:
    """Receiving tables inside the same database as the drafts."""

    def __init__(self, store: DraftStore):
        self.store = store
        self.db = store.db
        self.trust = TrustList(self.db)

    # --------------------------------------------------------- packages ---
    def known(self, package_sha256: str) -> dict | None:
        row = self.db.execute("SELECT id, file_name, unit, verdict FROM received WHERE package_sha256 = ?",
                              [package_sha256]).fetchone()
        if not row or row[3] == "recheck":
            return None
        return {"id": row[0], "file_name": row[1], "unit": row[2]}

    def add(self, *, package_sha256: str, file_name: str, verdict: str, verdict_label: str,
            details: list[str], unit: str, subject: str, fingerprint: str, short_id: str = "",
            anchored: bool = False, report_id: str, revision: int | None, report_date: str = "",
            outline_id: str, outline_version: int | None, signed_at: str, data: dict | None) -> int:
        """Store one received file.  Every text is cleaned so that a name
        from outside can never make the row unstorable."""
        row = {
            "package_sha256": package_sha256, "file_name": shown(file_name, 255), "received_at": now_iso(),
            "verdict": verdict, "verdict_label": verdict_label,
            "details": shown("; ".join(details), 2000),
            "unit": shown(clean_line(unit), 300), "unit_key": unit_key(unit) if unit else "",
            "subject": shown(subject, 300), "fingerprint": fingerprint, "short_id": short_id,
            "anchored": int(bool(anchored)), "report_id": shown(report_id, 100),
            "revision": revision if isinstance(revision, int) and 0 <= revision < 2 ** 31 else None,
            "report_date": report_date or "",
            "outline_id": shown(outline_id, 100),
            "outline_version": outline_version if isinstance(outline_version, int)
            and 0 <= outline_version < 2 ** 31 else None,
            "signed_at": shown(signed_at, 40),
            "data_json": json.dumps(data, ensure_ascii=False, allow_nan=False)
            if data is not None and verdict == INTACT else None,
        }
        with self.db.atomic():
            self.db.execute("DELETE FROM received WHERE package_sha256 = ? AND verdict = 'recheck'",
                            [package_sha256])
            return self.db["received"].insert(row).last_pk

    def rows(self) -> list[dict]:
        cur = self.db.execute(
            "SELECT id, file_name, received_at, verdict, verdict_label, details, unit, unit_key, subject, "
            "fingerprint, short_id, anchored, report_id, revision, report_date, outline_id, outline_version, "
            "signed_at FROM received ORDER BY id")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def claimed_keys(self, rows: list[dict] | None = None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Keys of the intact packages received, by unit key: (those a
        certification authority vouches for, the others)."""
        vouched: dict[str, set[str]] = {}
        others: dict[str, set[str]] = {}
        for r in self.rows() if rows is None else rows:
            if r["verdict"] == INTACT:
                bucket = vouched if r["anchored"] else others
                bucket.setdefault(r["unit_key"], set()).add(r["fingerprint"])
        return vouched, others

    def states(self, outline: Outline | None = None) -> dict[int, PackageState]:
        """The state of every received package, from its stored verdict and
        the trust list as it is now."""
        rows = self.rows()
        listed = self.trust.keys_by_unit()
        vouched, keys_seen = self.claimed_keys(rows)
        trusted = {k: speaking_keys(vouched.get(k, set()), listed.get(k, set())) for k in set(listed) | set(vouched)}
        out = {}
        for r in rows:
            order = (r["report_date"] or "", r["revision"] or 0, r["id"])
            if r["verdict"] != INTACT:
                state, label = ("recheck" if r["verdict"] == "recheck" else "rejected"), r["verdict_label"]
            else:
                state = state_of(r["fingerprint"], bool(r["anchored"]), trusted.get(r["unit_key"], set()),
                                 keys_seen.get(r["unit_key"], set()))
                label = LABELS[state]
            same_outline = outline is None or (r["outline_id"], r["outline_version"]) == (outline.id, outline.version)
            out[r["id"]] = PackageState(r["id"], r["unit_key"], state, label,
                                        state in COUNTING and same_outline, order, r["report_id"])
        return out

    def current_ids(self, outline: Outline, states: dict[int, PackageState] | None = None) -> dict[str, int]:
        """unit_key -> id of the package that counts for that unit: usable
        (trusted, or the only key seen and not yet confirmed), same outline;
        of one report its highest revision (whatever date a revision says),
        and of a unit's several reports the latest by the report's own date.
        A replayed older package received later never replaces a newer one."""
        latest_revision: dict[tuple, PackageState] = {}
        report_date: dict[tuple, str] = {}
        for st in (self.states(outline) if states is None else states).values():
            if not st.counts:
                continue
            key = (st.unit_key, st.report_id)
            best = latest_revision.get(key)
            if best is None or (st.order[1], st.id) > (best.order[1], best.id):
                latest_revision[key] = st
            # a report is as recent as the latest date any of its revisions gave
            # (a correction that moves the date back does not make it older)
            report_date[key] = max(report_date.get(key, ""), st.order[0])
        per_unit: dict[str, tuple] = {}
        for key, st in latest_revision.items():
            rank = (report_date[key], st.order[1], st.id)
            if st.unit_key not in per_unit or rank > per_unit[st.unit_key][0]:
                per_unit[st.unit_key] = (rank, st)
        return {k: st.id for k, (_rank, st) in per_unit.items()}

    def counted_ids(self, outline: Outline, states: dict[int, PackageState] | None = None) -> dict[str, int]:
        """current_ids limited to the units that must report, once a list of
        them is set: a unit outside the list (a look-alike name among them)
        is shown on the board but never added up."""
        current = self.current_ids(outline, states)
        expected = {k for k, _u in self.expected()}
        return {k: v for k, v in current.items() if k in expected} if expected else current

    def data(self, received_id: int) -> dict:
        row = self.db.execute("SELECT data_json FROM received WHERE id = ?", [received_id]).fetchone()
        try:
            data = json.loads(row[0]) if row and row[0] else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def unit_of(self, received_id: int) -> str:
        row = self.db.execute("SELECT unit FROM received WHERE id = ?", [received_id]).fetchone()
        return row[0] if row else ""

    def text_of(self, received_id: int, field_id: str) -> str:
        try:
            row = self.db.execute("SELECT json_extract(data_json, ?) FROM received WHERE id = ?",
                                  [f'$.texts."{field_id}"', received_id]).fetchone()
        except sqlite3.OperationalError:  # JSON SQLite cannot read (NaN from an older version)
            texts = self.data(received_id).get("texts")
            value = texts.get(field_id) if isinstance(texts, dict) else None
            return value if isinstance(value, str) else ""
        return row[0] if row and isinstance(row[0], str) else ""

    def stats_of(self, received_id: int) -> dict:
        stats = self.data(received_id).get("statistics")
        return stats if isinstance(stats, dict) else {}

    def package_info(self, received_id: int) -> dict:
        cur = self.db.execute("SELECT * FROM received WHERE id = ?", [received_id])
        cols = [c[0] for c in cur.description]
        row = cur.fetchone()
        return dict(zip(cols, row)) if row else {}

    def trust_package(self, received_id: int) -> str:
        """A person confirmed this package's signer: trust its key for its unit."""
        info = self.package_info(received_id)
        if not info or info["verdict"] != INTACT:
            raise ValueError("not an intact package")
        self.trust.add(info["unit"], info["fingerprint"], info["short_id"], info["subject"], now_iso())
        return info["unit"]

    # ----------------------------------------------------- expected units ---
    def set_expected(self, names: list[str]) -> list[str]:
        """Store the units that must report: one a line, as 'Xã Hòa An' or
        'Ban cán sự đảng UBND tỉnh | 01/8/2023' (a deadline of its own).
        Returns the lines refused (a look-alike or control character in the
        name, a deadline that is no date), which are not stored."""
        from model.unit_identity import unit_name_problem

        seen, refused = {}, []
        for line in names:
            name, _, when = clean_line(line).partition("|")
            name = clean_line(name)
            if not name:
                continue
            deadline = parse_day(when) if when.strip() else None
            if unit_name_problem(name) or (when.strip() and deadline is None):
                refused.append(shown(clean_line(line)))
                continue
            seen.setdefault(unit_key(name), (name, deadline))
        with self.db.atomic():
            self.db.execute("DELETE FROM expected_units")
            for pos, (key, (name, deadline)) in enumerate(seen.items()):
                self.db.execute("INSERT INTO expected_units (unit_key, unit, position, kind, deadline) "
                                "VALUES (?, ?, ?, ?, ?)",
                                [key, name, pos, unit_kind(name), deadline.isoformat() if deadline else None])
        return refused

    def expected(self) -> list[tuple[str, str]]:
        return [(k, u) for k, u in self.db.execute(
            "SELECT unit_key, unit FROM expected_units ORDER BY position")]

    def expected_lines(self) -> list[str]:
        """The list as the clerk typed it (deadlines of their own after '|')."""
        out = []
        for unit, deadline in self.db.execute("SELECT unit, deadline FROM expected_units ORDER BY position"):
            day = parse_day(deadline or "")
            out.append(f"{unit} | {day_text(day)}" if day else unit)
        return out

    def deadlines(self, outline: Outline) -> dict[str, tuple[str, dt.date | None]]:
        """unit_key -> (kind, deadline): its own, or the outline's for its kind."""
        out = {}
        for key, unit, kind, deadline in self.db.execute(
                "SELECT unit_key, unit, kind, deadline FROM expected_units ORDER BY position"):
            kind = kind or unit_kind(unit)
            out[key] = (kind, parse_day(deadline or "") or outline.defaults.deadline_for(kind))
        return out

    # ------------------------------------------------------------ board ---
    def _received_at(self, received_id: int) -> str:
        row = self.db.execute("SELECT received_at FROM received WHERE id = ?", [received_id]).fetchone()
        return row[0] if row and row[0] else ""

    def board(self, outline: Outline, today: dt.date | None = None) -> list[dict]:
        """One line per unit: expected ones first, then units not expected;
        each with its kind, its deadline and whether it is late (received
        after it, or still missing past it; the laptop's date, information only)."""
        states = self.states(outline)
        current = self.current_ids(outline, states)
        received: dict[str, list[dict]] = {}
        for r in self.rows():
            if r["unit_key"]:
                received.setdefault(r["unit_key"], []).append(r)
        lines = []
        expected = self.expected()
        keys = [k for k, _u in expected]
        names = dict(expected)
        deadlines = self.deadlines(outline)
        today = today or dt.date.today()
        for key in keys + sorted(k for k in received if k not in names):
            rows = received.get(key, [])
            name = names.get(key) or (unit_in_sentence(rows[-1]["unit"]) if rows else key)
            notes = []
            kind, deadline = deadlines.get(key, (unit_kind(name), outline.defaults.deadline_for(unit_kind(name))))
            overdue = ""
            if deadline and key in current:
                got = parse_day(self._received_at(current[key])[:10])
                if got and got > deadline:
                    overdue = f"nộp muộn {(got - deadline).days} ngày"
            elif deadline and today > deadline:
                overdue = f"quá hạn {(today - deadline).days} ngày"
            if key in current:
                st = states[current[key]]
                status = STATUS_OK if st.state == TRUSTED else STATUS_UNCONFIRMED
                verdict = st.label
                # received after the one that counts, and still not counting: older by our rules
                late = [r for r in rows if states[r["id"]].counts and r["id"] > st.id]
                if late:
                    notes.append(f"đã nhận {len(late)} báo cáo cũ hơn sau báo cáo đang dùng (không thay thế)")
            elif any(states[r["id"]].state == CONFLICT for r in rows):
                status, verdict = STATUS_CONFLICT, LABELS[CONFLICT]
            elif rows:
                status, verdict = STATUS_BAD, states[rows[-1]["id"]].label
            else:
                status, verdict = STATUS_MISSING, ""
            if names and key not in names and key in current:
                notes.append("ngoài danh sách đơn vị phải nộp: không đưa vào tổng hợp")
            if any(states[r["id"]].state == MISMATCH for r in rows) and status != STATUS_BAD:
                notes.append("có gói ký bằng chữ ký số khác chữ ký đã tin cậy (đã từ chối)")
            lines.append({"unit_key": key, "unit": name, "status": status, "verdict": verdict,
                          "kind": kind, "deadline": deadline, "late": overdue,
                          "expected": key in names, "packages": len(rows),
                          "current_id": current.get(key), "notes": notes,
                          "confirmable": [r["id"] for r in rows if states[r["id"]].state in (UNCONFIRMED, CONFLICT)]})
        return lines

    def missing_units(self, outline: Outline) -> list[str]:
        current = self.current_ids(outline)
        return [u for k, u in self.expected() if k not in current]

    def unconfirmed_units(self, outline: Outline) -> list[str]:
        states = self.states(outline)
        return [self.unit_of(rid) for rid in self.counted_ids(outline, states).values()
                if states[rid].state == UNCONFIRMED]


# ---------------------------------------------------------- units, days ---

_KIND_WORDS = (("ban cán sự đảng", "ban_can_su"), ("đảng đoàn", "dang_doan"), ("ban ", "ban_dang"),
               ("văn phòng tỉnh ủy", "ban_dang"), ("xã ", "co_so"), ("phường ", "co_so"),
               ("thị trấn ", "co_so"), ("đặc khu ", "co_so"), ("đảng ủy xã", "co_so"),
               ("đảng ủy phường", "co_so"), ("đảng ủy đặc khu", "co_so"))


def unit_kind(name: str) -> str:
    """The kind of a unit (model.outline.UNIT_KINDS) from its name as written."""
    low = clean_line(name).lower() + " "
    for words, kind in _KIND_WORDS:
        if low.startswith(words):
            return kind
    return "co_quan"


def parse_day(text: str) -> dt.date | None:
    """'01/8/2023', '1/8/2023', '2023-08-01' -> a date; anything else None."""
    text = clean_line(text)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else None
    except ValueError:
        return None


# ----------------------------------------------------------- arithmetic ---

def stat_value(stats: dict, stat_id: str) -> float | None:
    """A finite number, or None: whatever a stored row holds, never NaN."""
    entry = stats.get(stat_id) if isinstance(stats, dict) else None
    if not isinstance(entry, dict):
        return None
    value = entry.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) and abs(value) <= 1e15 else None


class Totals:
    """Each statistic added up by its outline rule (StatField.aggregate):
    sum; rate recomputed from its numerator and denominator (Σnum / Σden, or
    Σ(rate × den) / Σden when the outline names no numerator), never an
    average of rates; max; min; none (never filled: the upper level enters
    it).  units_behind(st): how many units the figure comes from."""

    def __init__(self, outline: Outline):
        self.stats: list[StatField] = [st for _s, st in outline.stat_fields()]
        self.sums = {st.id: 0.0 for st in self.stats}
        self.counts = {st.id: 0 for st in self.stats}
        self.extremes: dict[str, float] = {}
        self.weighted = {st.id: 0.0 for st in self.stats}
        self.weights = {st.id: 0.0 for st in self.stats}
        self.units = 0

    def add(self, stats: dict) -> None:
        self.units += 1
        for st in self.stats:
            v = stat_value(stats, st.id)
            if st.aggregate == "rate":
                w = stat_value(stats, st.denominator)
                if st.numerator:
                    v = stat_value(stats, st.numerator)
                    if v is None or w is None:
                        continue
                    self.weighted[st.id] += v * 100.0
                elif v is None or w is None:
                    continue
                else:
                    self.weighted[st.id] += v * w
                self.weights[st.id] += w
            elif v is None:
                continue
            elif st.aggregate == "sum":
                self.sums[st.id] += v
            elif st.aggregate == "max":
                self.extremes[st.id] = max(self.extremes.get(st.id, v), v)
            elif st.aggregate == "min":
                self.extremes[st.id] = min(self.extremes.get(st.id, v), v)
            self.counts[st.id] += 1

    def units_behind(self, st: StatField) -> int:
        return self.counts[st.id]

    def total(self, st: StatField) -> float | None:
        if self.counts[st.id] == 0 or st.aggregate == "none":
            return None
        if st.aggregate == "rate":
            if not self.weights[st.id]:
                return None
            return round(self.weighted[st.id] / self.weights[st.id], 2)
        if st.aggregate in ("max", "min"):
            return self.extremes[st.id]
        return self.sums[st.id]


def iterate_current(rs: ReceivingStore, outline: Outline) -> Iterator[tuple[int, str]]:
    """(received id, unit) of the counting packages, in unit order."""
    current = rs.counted_ids(outline)
    order = {k: i for i, (k, _u) in enumerate(rs.expected())}
    for key in sorted(current, key=lambda k: (order.get(k, len(order)), k)):
        yield current[key], rs.unit_of(current[key])
