"""One view of a report, parsed once, that every rendition reads (the DOCX,
the XLSX, the package's JSON, the PDF): each statistic read from what the
clerk typed exactly once, its relations checked against the others, its
value and its printed form ready.  All formats therefore always say the same.
No Qt, no document library."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from model.numbers import Parsed, format_number, parse_stat
from model.outline import Outline, StatField


@dataclass(frozen=True)
class StatEntry:
    stat: StatField
    raw: str  # what was typed, stripped
    value: int | float | None  # valid (bounds and relations) or None; whole numbers as int
    error: str | None  # why what was typed is not a valid value


class ReportView:
    def __init__(self, outline: Outline, answers: dict[str, str]):
        self.outline = outline
        self.answers = answers

    @cached_property
    def stats(self) -> dict[str, StatEntry]:
        """Every statistic of the outline, in outline order."""
        first: dict[str, tuple[StatField, str, Parsed]] = {}
        for _s, st in self.outline.stat_fields():
            raw = (self.answers.get(st.id) or "").strip()
            first[st.id] = (st, raw, parse_stat(raw, st))
        values = {k: p.value for k, (_st, _raw, p) in first.items() if p.value is not None and p.error is None}
        out = {}
        for key, (st, raw, parsed) in first.items():
            if parsed.error is None and parsed.value is not None and st.not_more_than:
                parsed = parse_stat(raw, st, values)  # only these depend on another statistic
            value = parsed.value if parsed.error is None else None
            if value is not None and st.type == "integer":
                value = int(value)
            out[key] = StatEntry(st, raw, value, parsed.error)
        return out

    @cached_property
    def values(self) -> dict[str, float]:
        """Valid values by statistic id (what relations and totals use)."""
        return {k: float(e.value) for k, e in self.stats.items() if e.value is not None}

    def cell_text(self, stat_id: str, draft: bool, missing_mark: str) -> str:
        """How a statistic is printed in a document."""
        e = self.stats[stat_id]
        if e.value is not None:
            return format_number(e.value, e.stat.type)
        if not e.raw:
            return missing_mark if draft else ""
        return f"[Số liệu chưa đúng: {e.raw}]"
