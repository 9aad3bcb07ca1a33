"""One way to put a value in a spreadsheet cell, for every workbook we write.

Text is always text: a unit name or file name from a package that starts
with '=', '+', '-' or '@' would otherwise be a live formula in Excel
(=HYPERLINK(…), =cmd|…).  Such text is stored as a string with Excel's
quote prefix (shown as typed, never evaluated), and characters XML cannot
hold are removed."""

from __future__ import annotations

from model.text import xml_safe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put(ws, row: int, column: int, value):
    """ws.cell(row, column) holding value; numbers and dates as themselves."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str) or (value is not None and not isinstance(value, (int, float))
                                  and not hasattr(value, "year")):
        text = xml_safe(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl takes a leading '=' for a formula otherwise
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def print_table(ws, header_row: int, last_row: int, last_col: int, *, landscape: bool = True,
                pages_wide: int = 1, codes: str | None = None, repeat: bool = True) -> None:
    """How a table of a workbook prints: thin borders on every cell of the
    table, A4, pages_wide pages across (as many down as it needs), the header
    row on every page.  codes: a row ('5') or column ('G') of the statistics'
    machine codes, kept in the file for programs but hidden on screen and on
    paper (a reader has no use for 'dien_tich')."""
    from openpyxl.styles import Border, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in ws.iter_rows(min_row=header_row, max_row=last_row, max_col=last_col):
        for cell in row:
            cell.border = box
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    if repeat:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    last = last_col
    if codes is not None and codes.isdigit():
        ws.row_dimensions[int(codes)].hidden = True
    elif codes is not None:
        ws.column_dimensions[codes].hidden = True
        last = last_col - 1 if get_column_letter(last_col) == codes else last_col
    ws.print_area = f"A1:{get_column_letter(last)}{ws.max_row}"
