"""The statistics workbook of one report: every statistic grouped by section,
with label, unit and value, numbers stored as numbers, ready to be added up."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from export.docx_report import ReportData
from export.xlsx_cells import print_table, put
from model.report import appendix_note, doc_number_line

NUMBER_FORMATS = {"integer": "#,##0", "decimal": "#,##0.0#", "percent": "0.00"}
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Times New Roman"


def build_workbook(data: ReportData) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu thống kê"
    ident = data.identity
    put(ws, 1, 1, ident.unit.upper())
    ws["A1"].font = Font(name=FONT, bold=True, size=12)
    ws["A2"] = "BIỂU THỐNG KÊ"
    ws["A2"].font = Font(name=FONT, bold=True, size=14)
    put(ws, 3, 1, appendix_note(ident))
    ws["A3"].font = Font(name=FONT, italic=True, size=11)
    headers = ["TT", "Mục", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú", "Mã chỉ tiêu"]
    header_row = 5
    for col, text in enumerate(headers, start=1):
        c = put(ws, header_row, col, text)
        c.font = Font(name=FONT, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.fill = PatternFill("solid", fgColor="DDDDDD")
        c.border = BOX
    view = data.view
    row = header_row
    n = 0
    for section in data.outline.sections:
        if not section.stats:
            continue
        row += 1
        put(ws, row, 1, data.outline.short_title(section)).font = Font(name=FONT, bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        for st in section.stats:
            row += 1
            n += 1
            entry = view.stats[st.id]
            value = entry.value
            note = "" if value is not None else ("Chưa nhập" if not entry.raw else f"Số liệu chưa đúng: {entry.raw}")
            cells = [n, data.outline.full_number(section), st.label, st.unit, value, note, st.id]
            for col, v in enumerate(cells, start=1):
                c = put(ws, row, col, v)
                c.font = Font(name=FONT)
                c.border = BOX
                c.alignment = Alignment(vertical="top", wrap_text=col in (3, 6),
                                        horizontal="right" if col == 5 else None)
            ws.cell(row=row, column=5).number_format = NUMBER_FORMATS[st.type]
    for col, width in zip(range(1, 8), (5, 7, 62, 16, 13, 22, 20)):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    # printed: A4 landscape, one page wide, header row repeated, codes hidden
    print_table(ws, header_row, row, len(headers), codes="G")

    info = wb.create_sheet("Thông tin")
    rows = [
        ("Cấp trên", ident.superior), ("Đơn vị báo cáo", ident.unit),
        ("Số, ký hiệu", doc_number_line(ident)), ("Địa danh", ident.place),
        ("Ngày báo cáo", ident.date), ("Người ký", ident.signer), ("Chức vụ", ident.position),
        ("Hạn nộp", ident.deadline), ("Đề cương", data.outline.name),
        ("Mã đề cương", data.outline.key), ("Mã báo cáo", data.uuid),
    ]
    for r, (k, v) in enumerate(rows, start=1):
        put(info, r, 1, k).font = Font(name=FONT, bold=True)
        c = put(info, r, 2, v)
        c.font = Font(name=FONT)
        if hasattr(v, "year"):
            c.number_format = "DD/MM/YYYY"  # Vietnamese order, whatever Excel's locale
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 70
    for r in range(1, len(rows) + 1):
        info.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        info.cell(row=r, column=1).alignment = Alignment(vertical="top")
    # labels and values on one page (it used to print column B on a page of its own)
    print_table(info, 1, len(rows), 2, landscape=False, repeat=False)
    wb.properties.creator = "TongKet"
    return wb


def xlsx_bytes(data: ReportData) -> bytes:
    buf = io.BytesIO()
    build_workbook(data).save(buf)
    return buf.getvalue()
