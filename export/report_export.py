"""Export a stored report: the DOCX (draft or final) and the statistics XLSX,
with ASCII names, never overwriting, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from export.docx_report import ReportData, check_final, docx_bytes
from export.files import atomic_write, check_folder, unique_path, unit_slug
from export.xlsx_stats import xlsx_bytes
from model.errors import UserError
from model.outline import OutlineCatalog
from model.spelling import report_in_style
from model.store import DraftStore


@dataclass
class ExportResult:
    docx: Path
    xlsx: Path


def load_report_data(store: DraftStore, catalog: OutlineCatalog, report_id: int) -> ReportData:
    r = store.get_report(report_id)
    outline = catalog.get(r.outline_id, r.outline_version)
    answers = report_in_style(outline, r.answers).answers  # one tone placement (issue 17)
    return ReportData(outline=outline, identity=r.identity, answers=answers, uuid=r.uuid,
                      report_id=r.id, revision=r.revision)


def base_name(data: ReportData) -> str:
    """'TongKet-NQ25-XaHoaAn-2023-07-15'."""
    date = data.identity.date.isoformat() if data.identity.date else "chua-ghi-ngay"
    from model.text import ascii_slug

    return f"TongKet-{ascii_slug(data.outline.short_name, '-')}-{unit_slug(data.identity.unit)}-{date}"


@dataclass
class Rendered:
    """The two documents of a report, built once and written wherever needed."""

    docx: bytes
    xlsx: bytes


def render(data: ReportData, draft: bool) -> Rendered:
    if not draft:
        check_final(data)
    return Rendered(docx_bytes(data, draft), xlsx_bytes(data))


def export_files(data: ReportData, out_dir: str | Path, draft: bool,
                 rendered: Rendered | None = None) -> ExportResult:
    """Write the DOCX and XLSX into out_dir.  The final export refuses (with
    the list of what is missing) while required content is missing."""
    rendered = rendered or render(data, draft)
    folder = check_folder(Path(out_dir))
    name = base_name(data)
    suffix = "-ban-nhap" if draft else ""
    docx_content, xlsx_content = rendered.docx, rendered.xlsx
    docx_path = atomic_write(unique_path(folder, f"BC-{name}{suffix}.docx"),
                             lambda fh: fh.write(docx_content))
    try:
        xlsx_path = atomic_write(unique_path(folder, f"BieuThongKe-{name}{suffix}.xlsx"),
                                 lambda fh: fh.write(xlsx_content))
    except UserError as exc:
        raise UserError(exc.message + " " + remove_partial([docx_path])) from exc
    return ExportResult(docx_path, xlsx_path)


def remove_partial(written: list[Path]) -> str:
    """An export that could not write all its files leaves none of them;
    returns the sentence that says so (or which file is left, and why)."""
    left = []
    for path in written:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            left.append(path)
    if left:
        names = ", ".join(f"“{p.name}”" for p in left)
        return f"Không xóa được tệp đã ghi dở ({names}); hãy xóa tệp đó rồi xuất lại."
    return "Các tệp đã ghi trước đó của lần xuất này đã được xóa, không để lại bộ tệp thiếu. Hãy xuất lại."
