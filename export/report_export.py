"""Export a stored report: every rendition of it (the DOCX, the PDF and the
statistics XLSX), rendered once from one view of the report, with ASCII
names, never overwriting, written atomically, all or none.

RENDITIONS is the list of formats: a new format is one new entry, and every
format is built from the same ReportData (and its parsed view)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from export.docx_report import ReportData, check_final, docx_bytes
from export.files import atomic_write, check_folder, unique_stem, unit_slug
from export.pdf_report import PdfRendition, build_pdf
from export.xlsx_stats import xlsx_bytes
from model.errors import UserError
from model.outline import OutlineCatalog
from model.spelling import report_in_style
from model.store import DraftStore


@dataclass
class ExportResult:
    docx: Path
    xlsx: Path
    pdf: Path | None = None  # BC-….pdf, the same base name as the DOCX

    def paths(self) -> list[Path]:
        return [p for p in (self.docx, self.pdf, self.xlsx) if p is not None]


def load_report_data(store: DraftStore, catalog: OutlineCatalog, report_id: int) -> ReportData:
    r = store.get_report(report_id)
    outline = catalog.for_report(r)
    answers = report_in_style(outline, r.answers).answers  # one tone placement (issue 17)
    return ReportData(outline=outline, identity=r.identity, answers=answers, uuid=r.uuid,
                      report_id=r.id, revision=r.revision)


def base_name(data: ReportData) -> str:
    """'TongKet-NQ25-XaHoaAn-2023-07-15'."""
    date = data.identity.date.isoformat() if data.identity.date else "chua-ghi-ngay"
    from model.text import ascii_slug

    return f"TongKet-{ascii_slug(data.outline.short_name, '-')}-{unit_slug(data.identity.unit)}-{date}"


@dataclass(frozen=True)
class Rendition:
    key: str  # "docx", "pdf", "xlsx"
    prefix: str  # the file name starts with it; renditions sharing one share a base name
    build: Callable[[ReportData, bool], object]  # (data, draft) -> bytes, or an object with .content


RENDITIONS: tuple[Rendition, ...] = (
    Rendition("docx", "BC", lambda data, draft: docx_bytes(data, draft)),
    Rendition("pdf", "BC", lambda data, draft: build_pdf(data, draft)),  # PdfRendition: signed in place
    Rendition("xlsx", "BieuThongKe", lambda data, draft: xlsx_bytes(data)),
)


@dataclass
class Rendered:
    """The documents of a report, built once and written wherever needed."""

    parts: dict[str, object] = field(default_factory=dict)

    def content(self, key: str) -> bytes:
        part = self.parts[key]
        return part.content if hasattr(part, "content") else part

    @property
    def docx(self) -> bytes:
        return self.content("docx")

    @property
    def xlsx(self) -> bytes:
        return self.content("xlsx")

    @property
    def pdf(self) -> PdfRendition | None:
        return self.parts.get("pdf")

    def names(self, base: str, suffix: str = "") -> dict[str, str]:
        """key -> file name ('BC-….docx', 'BC-….pdf', 'BieuThongKe-….xlsx')."""
        return {r.key: f"{r.prefix}-{base}{suffix}.{r.key}" for r in RENDITIONS if r.key in self.parts}


def render(data: ReportData, draft: bool) -> Rendered:
    if not draft:
        check_final(data)
    return Rendered({r.key: r.build(data, draft) for r in RENDITIONS})


def export_files(data: ReportData, out_dir: str | Path, draft: bool,
                 rendered: Rendered | None = None) -> ExportResult:
    """Write every rendition into out_dir, or none of them.  The final export
    refuses (with the list of what is missing) while required content is
    missing."""
    rendered = rendered or render(data, draft)
    folder = check_folder(Path(out_dir))
    base = base_name(data)
    suffix = "-ban-nhap" if draft else ""
    # files sharing a prefix share one base name: neither may exist yet
    stems: dict[str, str] = {}
    for prefix in dict.fromkeys(r.prefix for r in RENDITIONS if r.key in rendered.parts):
        exts = tuple(f".{r.key}" for r in RENDITIONS if r.prefix == prefix and r.key in rendered.parts)
        stems[prefix] = unique_stem(folder, f"{prefix}-{base}{suffix}", exts)
    written: dict[str, Path] = {}
    try:
        for r in RENDITIONS:
            if r.key not in rendered.parts:
                continue
            content = rendered.content(r.key)
            written[r.key] = atomic_write(folder / f"{stems[r.prefix]}.{r.key}", lambda fh: fh.write(content))
    except UserError as exc:
        raise UserError(exc.message + " " + remove_partial(list(written.values()))) from exc
    return ExportResult(written["docx"], written["xlsx"], written.get("pdf"))


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
