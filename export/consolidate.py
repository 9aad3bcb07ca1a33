"""Consolidation files: the statistics workbook (one row per unit, one column
per statistic, totals, missing units, rejected files) and a consolidated
DOCX draft where every section holds the contributions of every unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from export import docx_report as d
from export.files import atomic_write, check_folder, unique_path
from export.style import STYLE
from export.xlsx_stats import NUMBER_FORMATS
from model.outline import Outline
from model.receiving import ReceivingStore, Totals, iterate_current, stat_value
from model.report import unit_in_sentence
from model.text import ascii_slug

FONT = "Times New Roman"


@dataclass
class ConsolidationResult:
    xlsx: Path
    docx: Path
    units: int
    missing: list[str]
    totals: dict[str, float | None]


@dataclass
class _C:
    """A cell to append: value and look."""

    value: object
    bold: bool = False
    fmt: str | None = None
    wrap: bool = False


def _cell(_ws, value, bold=False, fmt=None, wrap=False) -> _C:
    return _C(value, bold, fmt, wrap)


def _append(ws, cells: list) -> None:
    ws.append([c.value for c in cells])
    row = ws.max_row
    for col, c in enumerate(cells, start=1):
        cell = ws.cell(row=row, column=col)
        cell.font = Font(name=FONT, bold=c.bold)
        if c.fmt:
            cell.number_format = c.fmt
        if c.wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_workbook(rs: ReceivingStore, outline: Outline, fh) -> tuple[int, dict]:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    stats = [st for _s, st in outline.stat_fields()]
    from openpyxl.utils import get_column_letter

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 34
    for col in range(3, len(stats) + 5):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.freeze_panes = "C6"
    ws.row_dimensions[4].height = 60
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    # one column per statistic is wide: printed pages repeat the unit names
    ws.print_title_cols = "A:B"
    ws.print_title_rows = "4:4"
    _append(ws, [_cell(ws, f"TỔNG HỢP BIỂU THỐNG KÊ — {outline.name}", bold=True)])
    _append(ws, [_cell(ws, f"Lập lúc {dt.datetime.now():%H:%M ngày %d/%m/%Y} bằng TongKet")])
    ws.append([])
    _append(ws, [_cell(ws, "TT", True), _cell(ws, "Đơn vị", True)]
              + [_cell(ws, f"{st.label} ({st.unit})", True, wrap=True) for st in stats]
              + [_cell(ws, "Lần ký", True), _cell(ws, "Chữ ký số", True)])
    _append(ws, [_cell(ws, ""), _cell(ws, "Mã chỉ tiêu")] + [_cell(ws, st.id) for st in stats])
    totals = Totals(outline)
    n = 0
    for rid, unit in iterate_current(rs, outline):
        data = rs.data(rid)
        stat_data = data.get("statistics", {})
        totals.add(stat_data)
        n += 1
        row = [_cell(ws, n), _cell(ws, unit_in_sentence(unit))]
        for st in stats:
            v = stat_value(stat_data, st.id)
            if v is not None and st.type == "integer":
                v = int(v)
            row.append(_cell(ws, v, fmt=NUMBER_FORMATS[st.type]))
        verdict = rs.db.execute("SELECT revision, verdict_label FROM received WHERE id = ?", [rid]).fetchone()
        row += [_cell(ws, verdict[0]), _cell(ws, verdict[1])]
        _append(ws, row)
        del data
    total_row = [_cell(ws, ""), _cell(ws, f"TỔNG CỘNG ({n} đơn vị)", True)]
    result = {}
    for st in stats:
        t = totals.total(st)
        result[st.id] = t
        if t is not None and st.type == "integer":
            t = int(t)
        total_row.append(_cell(ws, t, True, NUMBER_FORMATS[st.type]))
    _append(ws, total_row)
    _append(ws, [_cell(ws, ""), _cell(ws, "Tỷ lệ (%) ở dòng tổng cộng được tính lại theo mẫu số, "
                                        "không lấy trung bình các tỷ lệ.")])

    missing = wb.create_sheet("Chưa nộp")
    _append(missing, [_cell(missing, "TT", True), _cell(missing, "Đơn vị chưa nộp báo cáo hợp lệ", True)])
    for i, name in enumerate(rs.missing_units(outline), start=1):
        _append(missing, [_cell(missing, i), _cell(missing, name)])

    rejected = wb.create_sheet("Tệp không tổng hợp")
    _append(rejected, [_cell(rejected, h, True) for h in ("Tệp", "Đơn vị", "Kết quả kiểm tra", "Chi tiết")])
    current = set(rs.current_ids(outline).values())
    for r in rs.rows():
        if r["id"] in current:
            continue
        reason = r["details"]
        if r["verdict"] in ("valid", "unknown_signer"):
            if (r["outline_id"], r["outline_version"]) != (outline.id, outline.version):
                reason = "đề cương khác: " + reason
            else:
                reason = "đã có bản ký sau thay thế"
        _append(rejected, [_cell(rejected, r["file_name"]), _cell(rejected, r["unit"]),
                         _cell(rejected, r["verdict_label"]), _cell(rejected, reason)])
    wb.save(fh)
    return n, result


def build_docx(rs: ReceivingStore, outline: Outline):
    doc = Document()
    d._setup(doc)
    d._page_number_header(doc.sections[0])
    units = list(iterate_current(rs, outline))
    d._para(doc, "TỔNG HỢP BÁO CÁO CỦA CÁC ĐƠN VỊ", size=STYLE["title_size"], bold=True, align="center")
    d._para(doc, outline.subject, bold=True, align="center")
    d._para(doc, f"(Bản tổng hợp để soạn báo cáo của cấp trên; {len(units)} đơn vị, "
                 f"lập ngày {dt.date.today():%d/%m/%Y})", italic=True, align="center",
            after=STYLE["space_after"] * 2)
    for section in outline.sections:
        if section.level == 1:
            d._para(doc, section.number, bold=True, align="center", before=STYLE["part_space_before"])
            d._para(doc, section.heading.upper(), bold=True, align="center", after=STYLE["space_after"])
            continue
        d._para(doc, section.title, bold=True, indent=True, before=STYLE["heading_space_before"],
                after=STYLE["space_after"], keep_next=True)
        for f in section.texts:
            if len(section.texts) > 1:
                d._para(doc, f"– {f.label}", italic=True, indent=True, after=STYLE["space_after"])
            for rid, unit in units:
                text = rs.text_of(rid, f.id)
                d._para(doc, unit_in_sentence(unit) + ":", bold=True, italic=True, indent=True,
                        keep_next=True)
                if text.strip():
                    d._text_block(doc, text)
                else:
                    d._missing_mark(doc, STYLE["missing_text"])
    missing = rs.missing_units(outline)
    if missing:
        d._para(doc, "Đơn vị chưa nộp báo cáo hợp lệ", bold=True, before=STYLE["part_space_before"])
        for name in missing:
            d._para(doc, f"- {name}", indent=True)
    return doc


def consolidate(rs: ReceivingStore, outline: Outline, out_dir) -> ConsolidationResult:
    folder = check_folder(Path(out_dir))
    stamp = dt.date.today().isoformat()
    name = f"TongHop-{ascii_slug(outline.short_name, '-')}-{stamp}"
    box = {}

    def write_xlsx(fh):
        box["n"], box["totals"] = write_workbook(rs, outline, fh)

    xlsx = atomic_write(unique_path(folder, f"{name}.xlsx"), write_xlsx)
    doc = build_docx(rs, outline)
    docx = atomic_write(unique_path(folder, f"{name}.docx"), lambda fh: doc.save(fh))
    return ConsolidationResult(xlsx, docx, box["n"], rs.missing_units(outline), box["totals"])
