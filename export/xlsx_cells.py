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
