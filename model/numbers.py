"""Vietnamese number input and output: '3.456' (dot groups thousands), '1,5'
(comma for decimals), '1,51%'.

parse_stat() never guesses: a value that could be read two ways ('3.5') is
refused with an explanation, because storing a wrong number is worse than
asking again.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from model.outline import StatField

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Parsed:
    value: float | None  # None when empty or invalid
    error: str | None  # Vietnamese explanation, None when fine

    @property
    def ok(self) -> bool:
        return self.error is None


def _parse_plain(text: str) -> float | None:
    """Parse a Vietnamese number without sign or unit; None if malformed."""
    if text.count(",") > 1:
        return None
    whole, _, frac = text.partition(",")
    if "," in text and not frac.isdigit():
        return None
    if not whole:
        whole = "0" if frac else ""
    if _PLAIN.match(whole):
        # "3.5" never reaches here; a bare run of digits is fine
        pass
    elif _GROUPED.match(whole):
        whole = whole.replace(".", "")
    else:
        return None
    return float(f"{whole}.{frac}" if frac else whole)


def parse_stat(text: str | None, stat: StatField, values: dict[str, float] | None = None,
               labels: dict[str, str] | None = None) -> Parsed:
    """Read what the clerk typed into a statistics field.

    values: the other statistics of the report (for 'not_more_than').
    """
    raw = unicodedata.normalize("NFKC", text or "")
    raw = _SPACES.sub("", raw)
    if not raw:
        return Parsed(None, None)
    if stat.type == "percent" and raw.endswith("%"):
        raw = raw[:-1]
    if raw.startswith(("-", "−")):
        return Parsed(None, "Không nhập số âm.")
    raw = raw.lstrip("+")
    if "." in raw and "," not in raw and not _GROUPED.match(raw):
        if re.match(r"^\d+\.\d+$", raw):
            return Parsed(None, "Dấu chấm dùng để tách hàng nghìn (3.456). "
                                "Phần thập phân viết sau dấu phẩy, ví dụ 1,5.")
    value = _parse_plain(raw)
    if value is None or math.isinf(value):
        return Parsed(None, "Chỉ nhập chữ số, ví dụ 3.456 hoặc 1,5.")
    if stat.type == "integer" and value != int(value):
        return Parsed(None, "Chỉ tiêu này là số nguyên, không có phần thập phân.")
    if value < stat.min or value > stat.max:
        return Parsed(None, f"Giá trị phải từ {format_number(stat.min, stat.type, unit=False)} "
                            f"đến {format_number(stat.max, stat.type, unit=False)}.")
    if stat.not_more_than and values:
        other = values.get(stat.not_more_than)
        if other is not None and value > other:
            name = (labels or {}).get(stat.not_more_than)
            what = f"“{name}” ({format_number(other, 'integer')})" if name else \
                f"chỉ tiêu liên quan ({format_number(other, 'integer')})"
            return Parsed(None, f"Lớn hơn {what}. Hãy kiểm tra lại hai số này.")
    return Parsed(value, None)


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def format_number(value: float | int | None, kind: str = "integer", unit: bool = True,
                  decimals: int = 2) -> str:
    """3456 -> '3.456'; 1.5 -> '1,5'; percent 1.51 -> '1,51%'."""
    if value is None:
        return ""
    if kind == "integer":
        return _group(str(int(round(value))))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    out = _group(whole) + ("," + frac if frac else "")
    if kind == "percent" and unit:
        out += "%"
    return out
