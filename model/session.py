"""The state of one report being edited, and the wizard's flow, as plain data
(no Qt): which pages exist, where the clerk is, what is unsaved, what is
missing.  The UI shows it and forwards edits; it decides nothing itself.
"""

from __future__ import annotations

import time
from dataclasses import replace

from model.numbers import Parsed, parse_stat
from model.outline import Outline, Section
from model.report import (COMPLETE, EMPTY, IN_PROGRESS, Identity, Missing, identity_missing,
                          missing_items, section_state, stat_values)
from model.store import DraftStore
from model.text import clean

IDENTITY_PAGE = "__identity__"
REVIEW_PAGE = "__review__"


class ReportSession:
    def __init__(self, store: DraftStore, outline: Outline, report_id: int):
        self.store = store
        self.outline = outline
        self.report_id = report_id
        stored = store.get_report(report_id)
        self.uuid = stored.uuid
        self.identity: Identity = stored.identity
        self.answers: dict[str, str] = dict(stored.answers)
        self.pending: dict[str, str] = {}
        self.identity_dirty = False
        self.last_saved: float | None = None
        self.page_ids = [IDENTITY_PAGE] + [s.id for s in outline.pages] + [REVIEW_PAGE]
        start = stored.current_section
        self.current = start if start in self.page_ids else IDENTITY_PAGE

    # ------------------------------------------------------------- edits ---
    def set_answer(self, field_id: str, value: str) -> None:
        value = clean(value)
        if self.answers.get(field_id, "") == value:
            return
        self.answers[field_id] = value
        self.pending[field_id] = value

    def set_identity(self, **changes) -> None:
        new = replace(self.identity, **changes)
        if new != self.identity:
            self.identity = new
            self.identity_dirty = True

    @property
    def dirty(self) -> bool:
        return bool(self.pending) or self.identity_dirty

    def flush(self) -> bool:
        """Write what is unsaved in one go.  Raises on failure and keeps the
        unsaved edits, so that the next attempt still has them."""
        if not self.dirty:
            return False
        if self.pending:
            batch = dict(self.pending)
            self.store.save_answers(self.report_id, batch)
            for k, v in batch.items():
                if self.pending.get(k) == v:
                    del self.pending[k]
        if self.identity_dirty:
            self.store.save_identity(self.report_id, self.identity)
            self.identity_dirty = False
        self.last_saved = time.time()
        return True

    # -------------------------------------------------------- navigation ---
    def go(self, page_id: str) -> None:
        if page_id not in self.page_ids:
            raise KeyError(page_id)
        self.current = page_id
        self.store.set_current_section(self.report_id, page_id)

    def index(self) -> int:
        return self.page_ids.index(self.current)

    def next_page(self) -> str | None:
        i = self.index()
        return self.page_ids[i + 1] if i + 1 < len(self.page_ids) else None

    def previous_page(self) -> str | None:
        i = self.index()
        return self.page_ids[i - 1] if i > 0 else None

    # ------------------------------------------------------------ status ---
    def values(self) -> dict[str, float]:
        return stat_values(self.outline, self.answers)

    def check_stat(self, field_id: str) -> Parsed:
        stat = self.outline.field(field_id)
        return parse_stat(self.answers.get(field_id, ""), stat, self.values())

    def state(self, page_id: str) -> str:
        if page_id == IDENTITY_PAGE:
            missing = identity_missing(self.identity)
            return COMPLETE if not missing else IN_PROGRESS
        if page_id == REVIEW_PAGE:
            return COMPLETE if not self.missing() else IN_PROGRESS
        return section_state(self.outline.section(page_id), self.answers, self.values())

    def states(self) -> dict[str, str]:
        values = self.values()
        out = {IDENTITY_PAGE: self.state(IDENTITY_PAGE)}
        for s in self.outline.pages:
            out[s.id] = section_state(s, self.answers, values)
        return out

    def missing(self) -> list[Missing]:
        return missing_items(self.outline, self.identity, self.answers)

    def section(self, page_id: str) -> Section:
        return self.outline.section(page_id)


__all__ = ["ReportSession", "IDENTITY_PAGE", "REVIEW_PAGE", "EMPTY", "IN_PROGRESS", "COMPLETE"]
