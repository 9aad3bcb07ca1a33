"""Consolidation files: the statistics workbook (one row per unit, one column
per statistic, totals, missing units, rejected files) and a consolidated
DOCX draft where every section holds the contributions of every unit."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from export import docx_report as d
from export.files import atomic_write, check_folder, unique_path
from export.style import STYLE
from export.xlsx_cells import print_table, put
from export.xlsx_stats import NUMBER_FORMATS
from model.outline import AGGREGATES, Outline
from model.receiving import ReceivingStore, Totals, iterate_current, stat_value
from model.report import unit_in_sentence
from model.text import ascii_slug, xml_safe
from model.trust import UNCONFIRMED

UNCONFIRMED_FILL = PatternFill("solid", fgColor="FFE0B2")

FONT = "Times New Roman"
log = logging.getLogger("tongket")


@dataclass
class ConsolidationResult:
    xlsx: Path
    docx: Path
    units: int
    missing: list[str]
    totals: dict[str, float | None]
    unconfirmed: list[str] = field(default_factory=list)  # counted, signer not yet confirmed
    skipped: list[str] = field(default_factory=list)  # units whose stored data could not be used


@dataclass
class _C:
    """A cell to append: value and look."""

    value: object
    bold: bool = False
    fmt: str | None = None
    wrap: bool = False
    fill: object = None


def _cell(_ws, value, bold=False, fmt=None, wrap=False) -> _C:
    return _C(value, bold, fmt, wrap)


def _append(ws, cells: list, fill=None) -> None:
    ws.append([None] * len(cells))  # the next row, as ws.append counts rows
    row = ws.max_row
    for col, c in enumerate(cells, start=1):
        cell = put(ws, row, col, c.value)
        if fill is not None:
            cell.fill = fill
        cell.font = Font(name=FONT, bold=c.bold)
        if c.fmt:
            cell.number_format = c.fmt
        if c.wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet_print(ws, widths: dict[str, int], landscape: bool) -> None:
    """A list sheet printed like the main one: A4, borders, the header row on
    every page, one page wide; columns wide enough to read on screen."""
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    print_table(ws, 1, ws.max_row, len(widths), landscape=landscape, pages_wide=1)


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
              + [_cell(ws, "Lần ký", True), _cell(ws, "Kết quả kiểm tra", True),
                 _cell(ws, "Chữ ký số", True)])
    _append(ws, [_cell(ws, ""), _cell(ws, "Mã chỉ tiêu")] + [_cell(ws, st.id) for st in stats])
    totals = Totals(outline)
    states = rs.states(outline)
    n = 0
    skipped: list[str] = []
    for rid, unit in iterate_current(rs, outline):
        try:
            stat_data = rs.stats_of(rid)
            info = rs.package_info(rid)
            row = [_cell(ws, n + 1), _cell(ws, unit_in_sentence(unit))]
            for st in stats:
                v = stat_value(stat_data, st.id)
                if v is not None and st.type == "integer":
                    v = int(v)
                row.append(_cell(ws, v, fmt=NUMBER_FORMATS[st.type]))
            unconfirmed = states[rid].state == UNCONFIRMED
            row += [_cell(ws, info.get("revision")), _cell(ws, states[rid].label),
                    _cell(ws, info.get("short_id") or "")]
        except Exception:  # a stored row we cannot use: listed, never a stop
            log.exception("a received report could not be consolidated")
            skipped.append(unit)
            continue
        totals.add(stat_data)
        n += 1
        _append(ws, row, UNCONFIRMED_FILL if unconfirmed else None)
    table_end = ws.max_row + 1  # the total row
    total_row = [_cell(ws, ""), _cell(ws, f"TỔNG CỘNG ({n} đơn vị)", True)]
    result = {}
    for st in stats:
        t = totals.total(st)
        result[st.id] = t
        if t is not None and st.type == "integer":
            t = int(t)
        total_row.append(_cell(ws, t, True, NUMBER_FORMATS[st.type]))
    _append(ws, total_row)
    _append(ws, [_cell(ws, ""), _cell(ws, "Cách tổng hợp", True)]
              + [_cell(ws, AGGREGATES[st.aggregate], wrap=True) for st in stats])
    _append(ws, [_cell(ws, ""), _cell(ws, "Số đơn vị có số liệu", True)]
              + [_cell(ws, totals.units_behind(st)) for st in stats])
    _append(ws, [_cell(ws, ""), _cell(ws, "Tỷ lệ (%) ở dòng tổng cộng được tính lại theo mẫu số, "
                                        "không lấy trung bình các tỷ lệ.")])
    not_added = [st.label for st in stats if st.aggregate == "none"]
    if not_added:
        _append(ws, [_cell(ws, ""), _cell(ws, "Không cộng dồn, cấp trên tự nhập: " + "; ".join(not_added) + ".")])
    if any(st.state == UNCONFIRMED for st in states.values()):
        _append(ws, [_cell(ws, ""), _cell(ws, "Dòng tô màu cam: báo cáo hợp lệ nhưng người nhận chưa xác "
                                            "nhận chữ ký số của đơn vị.")], UNCONFIRMED_FILL)
    for unit in skipped:
        _append(ws, [_cell(ws, ""), _cell(ws, f"Không tổng hợp được dữ liệu của {unit}; hãy nhận lại tệp.")])
    # borders, about ten statistics a page across, the codes row hidden
    print_table(ws, 4, table_end, len(stats) + 5, pages_wide=max(1, -(-len(stats) // 10)), codes="5")

    missing = wb.create_sheet("Chưa nộp")
    _append(missing, [_cell(missing, "TT", True), _cell(missing, "Đơn vị chưa nộp báo cáo hợp lệ", True)])
    for i, name in enumerate(rs.missing_units(outline), start=1):
        _append(missing, [_cell(missing, i), _cell(missing, name)])
    _sheet_print(missing, {"A": 6, "B": 70}, landscape=False)

    rejected = wb.create_sheet("Tệp không tổng hợp")
    _append(rejected, [_cell(rejected, h, True) for h in ("Tệp", "Đơn vị", "Kết quả kiểm tra", "Chi tiết")])
    counted = set(rs.counted_ids(outline).values())
    current = set(rs.current_ids(outline).values())
    for r in rs.rows():
        if r["id"] in counted:
            continue
        st = states[r["id"]]
        reason = r["details"]
        if r["id"] in current:
            reason = "đơn vị không có trong danh sách đơn vị phải nộp"
        elif st.counts:
            reason = "đã có báo cáo mới hơn của đơn vị (theo ngày báo cáo và lần ký)"
        elif st.state not in ("rejected", "recheck") and \
                (r["outline_id"], r["outline_version"]) != (outline.id, outline.version):
            reason = "đề cương khác: " + reason
        _append(rejected, [_cell(rejected, r["file_name"], wrap=True), _cell(rejected, r["unit"], wrap=True),
                           _cell(rejected, st.label, wrap=True), _cell(rejected, reason, wrap=True)])
    _sheet_print(rejected, {"A": 40, "B": 30, "C": 28, "D": 60}, landscape=True)
    wb.save(fh)
    return n, result, skipped


BODY_MARK = "\u2063TONGKET-BODY\u2063"
TEXT_MARK = "\u2063TONGKET-TEXT\u2063"


class _Templates:
    """The XML of one paragraph of each kind, made by python-docx (so that it
    looks exactly like the report) and split around a text marker; the body
    is then streamed paragraph by paragraph without building a tree."""

    def __init__(self, doc):
        from lxml import etree

        def make(**kwargs):
            p = d._para(doc, TEXT_MARK, **kwargs)
            xml = etree.tostring(p._p, encoding="unicode")
            p._p.getparent().remove(p._p)
            head, tail = xml.split(TEXT_MARK)
            return head, tail

        pad = STYLE["space_after"]
        self.part = make(bold=True, align="center", before=STYLE["part_space_before"], keep_next=True)
        self.part_title = make(bold=True, align="center", after=pad, keep_next=True)
        self.heading = make(bold=True, indent=True, before=STYLE["heading_space_before"], after=pad,
                            keep_next=True)
        self.label = make(italic=True, indent=True, after=pad, keep_next=True)
        self.unit = make(bold=True, italic=True, indent=True, keep_next=True)
        self.body = make(indent=True, after=pad)
        p = d._para(doc, "")
        d._missing_mark(doc, TEXT_MARK)
        p._p.getparent().remove(p._p)
        last = doc.paragraphs[-1]._p
        head, tail = etree.tostring(last, encoding="unicode").split(TEXT_MARK)
        last.getparent().remove(last)
        self.missing = (head, tail)


def _paragraphs(rs: ReceivingStore, outline: Outline, units, t: _Templates):
    """The consolidated body, one paragraph (XML string) at a time."""
    from xml.sax.saxutils import escape

    def para(tpl, text):
        return tpl[0] + escape(xml_safe(text)) + tpl[1]

    for section in outline.sections:
        if section.level == 1:
            yield para(t.part, section.number)
            yield para(t.part_title, section.heading.upper())
            continue
        yield para(t.heading, section.title)
        for f in section.texts:
            if len(section.texts) > 1:
                yield para(t.label, f"– {f.label}")
            for rid, unit in units:
                yield para(t.unit, unit_in_sentence(unit) + ":")
                text = rs.text_of(rid, f.id)
                lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
                if not lines:
                    yield para(t.missing, STYLE["missing_text"])
                for line in lines:
                    yield para(t.body, line)
    missing = rs.missing_units(outline)
    if missing:
        yield para(t.heading, "Đơn vị chưa nộp báo cáo hợp lệ")
        for name in missing:
            yield para(t.body, f"- {name}")


def write_docx(rs: ReceivingStore, outline: Outline, fh) -> None:
    """Write the consolidated DOCX to fh with memory that does not grow with
    the number of units: the frame comes from python-docx, the body is
    streamed into word/document.xml."""
    import io
    import zipfile

    units = list(iterate_current(rs, outline))
    doc = Document()
    d._setup(doc)
    d._page_number_header(doc.sections[0])
    d._para(doc, "TỔNG HỢP BÁO CÁO CỦA CÁC ĐƠN VỊ", size=STYLE["title_size"], bold=True, align="center")
    d._para(doc, outline.subject, bold=True, align="center")
    d._para(doc, f"(Bản tổng hợp để soạn báo cáo của cấp trên; {len(units)} đơn vị, "
                 f"lập ngày {dt.date.today():%d/%m/%Y})", italic=True, align="center",
            after=STYLE["space_after"] * 2)
    templates = _Templates(doc)
    d._para(doc, BODY_MARK)
    frame = io.BytesIO()
    doc.save(frame)
    frame.seek(0)
    with zipfile.ZipFile(frame) as src, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
                continue
            xml = src.read(info).decode("utf-8")
            mark_at = xml.index(BODY_MARK)
            p_start = xml.rindex("<w:p>", 0, mark_at) if "<w:p>" in xml[:mark_at] else xml.rindex("<w:p ", 0, mark_at)
            p_end = xml.index("</w:p>", mark_at) + len("</w:p>")
            with dst.open("word/document.xml", "w", force_zip64=True) as out:
                out.write(xml[:p_start].encode("utf-8"))
                batch = []
                for chunk in _paragraphs(rs, outline, units, templates):
                    batch.append(chunk)
                    if len(batch) >= 200:
                        out.write("".join(batch).encode("utf-8"))
                        batch.clear()
                out.write("".join(batch).encode("utf-8"))
                out.write(xml[p_end:].encode("utf-8"))


def consolidate(rs: ReceivingStore, outline: Outline, out_dir) -> ConsolidationResult:
    folder = check_folder(Path(out_dir))
    stamp = dt.date.today().isoformat()
    name = f"TongHop-{ascii_slug(outline.short_name, '-')}-{stamp}"
    box = {}

    def write_xlsx(fh):
        box["n"], box["totals"], box["skipped"] = write_workbook(rs, outline, fh)

    xlsx = atomic_write(unique_path(folder, f"{name}.xlsx"), write_xlsx)
    docx = atomic_write(unique_path(folder, f"{name}.docx"), lambda fh: write_docx(rs, outline, fh))
    return ConsolidationResult(xlsx, docx, box["n"], rs.missing_units(outline), box["totals"],
                               rs.unconfirmed_units(outline), box["skipped"])
