"""Application-level operations shared by the GUI and headless commands."""

from __future__ import annotations

from model.outline import Outline, OutlineCatalog
from model.report import progress
from model.sample import make_sample
from model.store import DraftStore, StoredReport
from model.text import day_text

def create_sample(store: DraftStore, outline: Outline, unit: str, province: str,
                  seed: int | None) -> int:
    ident, answers = make_sample(outline, unit, province, seed)
    rid = store.create_report(outline, ident)
    store.save_answers(rid, answers)
    return rid


def summary_line(report: StoredReport, catalog: OutlineCatalog) -> str:
    try:
        outline = catalog.for_report(report)
        done, total = progress(outline, report.answers)
        prog = f"{done}/{total} mục"
    except Exception:  # outline missing: still list the report
        prog = "không rõ đề cương"
    ident = report.identity
    date = day_text(ident.date) or "-"
    deadline = day_text(ident.deadline) or "-"
    unit = ident.unit or "(chưa ghi đơn vị)"
    return f"{report.id}\t{unit}\t{date}\t{prog}\thạn nộp {deadline}"
