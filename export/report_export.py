"""Export a stored report: the DOCX (draft or final) and the statistics XLSX,
with ASCII names, never overwriting, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from export.docx_report import ReportData, check_final, docx_bytes
from export.files import atomic_write, check_folder, unique_path, unique_stem, unit_slug
from export.pdf_report import PdfRendition, build_pdf
from export.xlsx_stats import xlsx_bytes
from model.errors import UserError
from model.outline import OutlineCatalog
from model.store import DraftStore


@dataclass
class ExportResult:
    docx: Path
    xlsx: Path
    pdf: Path | None = None  # BC-….pdf, the same base name as the DOCX


def load_report_data(store: DraftStore, catalog: OutlineCatalog, report_id: int) -> ReportData:
    r = store.get_report(report_id)
    outline = catalog.get(r.outline_id, r.outline_version)
    return ReportData(outline=outline, identity=r.identity, answers=r.answers, uuid=r.uuid,
                      report_id=r.id, revision=r.revision)


def base_name(data: ReportData) -> str:
    """'TongKet-NQ25-XaHoaAn-2023-07-15'."""
    date = data.identity.date.isoformat() if data.identity.date else "chua-ghi-ngay"
    from model.text import ascii_slug

    return f"TongKet-{ascii_slug(data.outline.short_name, '-')}-{unit_slug(data.identity.unit)}-{date}"


@dataclass
class Rendered:
    """The documents of a report, built once and written wherever needed."""

    docx: bytes
    xlsx: bytes
    pdf: PdfRendition | None = None  # signed in place by export/pdf_sign for a signed export


def render(data: ReportData, draft: bool) -> Rendered:
    if not draft:
        check_final(data)
    return Rendered(docx_bytes(data, draft), xlsx_bytes(data), build_pdf(data, draft))


def export_files(data: ReportData, out_dir: str | Path, draft: bool,
                 rendered: Rendered | None = None) -> ExportResult:
    """Write the DOCX and XLSX into out_dir.  The final export refuses (with
    the list of what is missing) while required content is missing."""
    rendered = rendered or render(data, draft)
    folder = check_folder(Path(out_dir))
    name = base_name(data)
    suffix = "-ban-nhap" if draft else ""
    docx_content, xlsx_content = rendered.docx, rendered.xlsx
    # the PDF beside the DOCX under the same name: neither may exist yet
    stem = unique_stem(folder, f"BC-{name}{suffix}", (".docx", ".pdf") if rendered.pdf else (".docx",))
    docx_path = atomic_write(folder / f"{stem}.docx", lambda fh: fh.write(docx_content))
    written = [docx_path]
    try:
        pdf_path = None
        if rendered.pdf is not None:
            pdf_content = rendered.pdf.content
            pdf_path = atomic_write(folder / f"{stem}.pdf", lambda fh: fh.write(pdf_content))
            written.append(pdf_path)
        xlsx_path = atomic_write(unique_path(folder, f"BieuThongKe-{name}{suffix}.xlsx"),
                                 lambda fh: fh.write(xlsx_content))
    except UserError as exc:
        raise UserError(exc.message + " " + remove_partial(written)) from exc
    return ExportResult(docx_path, xlsx_path, pdf_path)


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
