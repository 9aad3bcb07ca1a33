"""Every value a received package says, checked before anything is stored.

A package comes from outside: its JSON can hold anything JSON can (NaN,
10**400, lists where numbers belong, lone surrogates, control characters,
megabytes of text).  check_shape() takes what any TongKet package must be;
check_against_outline() takes what the outline it claims allows.  Both
return a cleaned copy (only the fields we use) or raise DataProblem with a
Vietnamese reason; nothing else reaches the database.
"""

from __future__ import annotations

import datetime as dt
import math

from model.outline import Outline
from model.text import NOT_IN_XML
from model.unit_identity import unit_name_problem

MAX_TEXT = 400_000  # characters in one section's text
MAX_ALL_TEXT = 4_000_000
MAX_LINE = 1_000  # identity fields
MAX_REVISION = 1_000_000
MAX_ID = 100
MAX_NUMBER = 1e15  # beyond any count a commune reports, and exact in a float



class DataProblem(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _text(value, what: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DataProblem(f"{what} không phải văn bản")
    if len(value) > limit:
        raise DataProblem(f"{what} dài quá giới hạn ({limit:,} ký tự)".replace(",", "."))
    bad = NOT_IN_XML.search(value)
    if bad:
        raise DataProblem(f"{what} chứa ký tự điều khiển không hợp lệ (U+{ord(bad.group()):04X})")
    return value


def _date(value, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 10:
        raise DataProblem(f"{what} không phải ngày hợp lệ")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise DataProblem(f"{what} không phải ngày hợp lệ") from exc


def check_revision(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REVISION:
        raise DataProblem("số lần ký (revision) không hợp lệ")
    return value


def check_shape(data, manifest: dict) -> dict:
    """What every TongKet package's data must be.  Returns the cleaned data."""
    if not isinstance(data, dict):
        raise DataProblem("dữ liệu báo cáo không đúng định dạng")
    out: dict = {"format": data.get("format"), "format_version": data.get("format_version")}
    report_id = data.get("report_id")
    if not isinstance(report_id, str) or not 0 < len(report_id) <= MAX_ID:
        raise DataProblem("mã báo cáo không hợp lệ")
    out["report_id"] = _text(report_id, "mã báo cáo", MAX_ID)
    out["revision"] = check_revision(data.get("revision"))
    if out["revision"] != manifest.get("revision"):
        raise DataProblem("số lần ký trong dữ liệu khác với danh mục đã ký")
    outline = data.get("outline")
    if not isinstance(outline, dict):
        raise DataProblem("thiếu thông tin đề cương")
    version = outline.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 0 < version < 10_000:
        raise DataProblem("phiên bản đề cương không hợp lệ")
    out["outline"] = {"id": _text(outline.get("id"), "mã đề cương", MAX_ID), "version": version,
                      "name": _text(outline.get("name"), "tên đề cương", MAX_LINE)}
    ident = data.get("identity")
    if not isinstance(ident, dict):
        raise DataProblem("thiếu thông tin đơn vị")
    clean_ident = {}
    for key in ("superior", "unit", "doc_number", "doc_code", "place", "signer", "position", "on_behalf"):
        clean_ident[key] = _text(ident.get(key), f"trường “{key}”", MAX_LINE)
    problem = unit_name_problem(clean_ident["unit"])
    if problem:
        raise DataProblem(problem)
    clean_ident["date"] = _date(ident.get("date"), "ngày báo cáo")
    clean_ident["deadline"] = _date(ident.get("deadline"), "hạn nộp")
    recipients = ident.get("recipients") or []
    if not isinstance(recipients, list) or len(recipients) > 100:
        raise DataProblem("danh sách nơi nhận không hợp lệ")
    clean_ident["recipients"] = [_text(r, "nơi nhận", MAX_LINE) for r in recipients]
    out["identity"] = clean_ident
    texts = data.get("texts")
    if not isinstance(texts, dict) or len(texts) > 1_000:
        raise DataProblem("phần nội dung báo cáo không đúng định dạng")
    total = 0
    out["texts"] = {}
    for key, value in texts.items():
        text = _text(value, "nội dung một mục", MAX_TEXT)
        total += len(text)
        if total > MAX_ALL_TEXT:
            raise DataProblem("nội dung báo cáo dài quá giới hạn")
        out["texts"][_text(key, "mã mục", MAX_ID)] = text
    stats = data.get("statistics")
    if not isinstance(stats, dict) or len(stats) > 1_000:
        raise DataProblem("phần số liệu không đúng định dạng")
    out["statistics"] = {}
    for key, entry in stats.items():
        key = _text(key, "mã chỉ tiêu", MAX_ID)
        if not isinstance(entry, dict):
            raise DataProblem(f"chỉ tiêu “{key}” không đúng định dạng")
        out["statistics"][key] = {"value": _number(entry.get("value"), key),
                                  "raw": _text(entry.get("raw"), f"chỉ tiêu “{key}”", MAX_LINE)}
    return out


def _number(value, key: str) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataProblem(f"chỉ tiêu “{key}” không phải là số")
    if isinstance(value, int):
        if abs(value) > MAX_NUMBER:
            raise DataProblem(f"chỉ tiêu “{key}” có giá trị quá lớn")
        return value
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise DataProblem(f"chỉ tiêu “{key}” có giá trị không hợp lệ")
    return value


def check_against_outline(data: dict, outline: Outline) -> dict:
    """Data already through check_shape, against the outline it claims:
    known statistics only, each of its type and within its bounds, known
    text fields only."""
    stat_fields = {st.id: st for _s, st in outline.stat_fields()}
    text_ids = {f.id for s in outline.sections for f in s.texts}
    for key in data["texts"]:
        if key not in text_ids:
            raise DataProblem(f"mục “{key}” không có trong đề cương")
    for key, entry in data["statistics"].items():
        st = stat_fields.get(key)
        if st is None:
            raise DataProblem(f"chỉ tiêu “{key}” không có trong đề cương")
        value = entry["value"]
        if value is None:
            continue
        if st.type == "integer" and value != int(value):
            raise DataProblem(f"chỉ tiêu “{st.label}” phải là số nguyên")
        if not st.min <= value <= st.max:
            raise DataProblem(f"chỉ tiêu “{st.label}” ngoài giới hạn cho phép ({value})")
    return data
