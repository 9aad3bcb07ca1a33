"""Text normalisation: all text is stored and compared as Unicode NFC."""

import re
import unicodedata

# C0/C1 control characters except tab and line feed; they come from pasted
# text and break XML (DOCX) and some fonts.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# what XML 1.0 (DOCX, XLSX) cannot hold, and C1 controls that no keyboard
# types: refused in what comes from outside, removed from what we write
NOT_IN_XML = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """NFC, Unix line ends, no control characters, no BOM/zero-width noise."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\ufeff", "")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_line(text: str | None) -> str:
    """As clean(), on one line, stripped."""
    return " ".join(clean(text).split())


_ASCII_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def ascii_slug(text: str, sep: str = "") -> str:
    """'Xã Hòa An' -> 'XaHoaAn' (sep='') for file names that survive e-mail."""
    text = clean_line(text).translate(_ASCII_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", plain)
    if sep:
        return sep.join(words)
    return "".join(w[:1].upper() + w[1:] for w in words)


def xml_safe(text) -> str:
    """Any value as text that a DOCX or XLSX can hold (lone surrogates and
    control characters removed; tab and line feed kept)."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return NOT_IN_XML.sub("", text)


def shown(text, limit: int = 120) -> str:
    """A name from outside (a file in a ZIP, a unit) safe to print in a
    message: control and invisible characters as U+XXXX, cut to limit."""
    out = []
    for ch in str(text)[:limit]:
        if NOT_IN_XML.match(ch) or ch in "\t\n" or unicodedata.category(ch) == "Cf":
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out) + ("…" if len(str(text)) > limit else "")


def day_text(day) -> str:
    """'27/11/2026' for a date or datetime (the one way dates are shown)."""
    return day.strftime("%d/%m/%Y") if day else ""


def when_text(moment) -> str:
    """'10:31 ngày 27/11/2026' in local time, for a datetime or an ISO text
    (the one way moments are shown); the text itself when it is not ISO."""
    import datetime as dt

    if not moment:
        return ""
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%H:%M ngày %d/%m/%Y")
