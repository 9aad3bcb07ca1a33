"""Which unit is this: the one rule, used by everything that compares units
(the trust list, the status board, the expected units, the totals, the
same-unit check between a certificate and a report, the CLI and the GUI).

Two spellings name the same unit when they have the same key:
- Unicode NFC, any case, any spacing;
- old and new tone placement equal ('hoà' = 'hòa', 'thuỷ' = 'thủy'): the
  tone mark is taken off its vowel and written once at the end of the
  syllable, so where it sat does not matter;
- the party body's prefix ('Đảng ủy', 'Đảng bộ', 'Ban Thường vụ Đảng ủy')
  handled once: 'ĐẢNG ỦY XÃ HÒA AN' = 'Xã Hòa An'.

A unit name must be written in the Vietnamese alphabet: letters of other
scripts that look like ours (Cyrillic 'а', Greek 'ο'), bidi controls and
invisible characters are refused with a reason (unit_name_problem), never
silently folded into a key.
"""

from __future__ import annotations

import unicodedata

from model.text import clean_line

# tone marks (combining, as NFD writes them): huyền, sắc, ngã, hỏi, nặng
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
# marks that change the vowel itself: â ê ô (circumflex), ă (breve), ơ ư (horn)
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}
_PUNCTUATION = set(" -–—.,()/'&:;\"“”‘’")
_PREFIXES = ("ban thường vụ đảng ủy ", "đảng ủy ", "đảng bộ ")

# X.509 limits the common name to 64 characters, and cryptography counts
# them in UTF-8 bytes
CERT_NAME_BYTES = 64


def _syllable_key(word: str) -> str:
    """'hoà' and 'hòa' -> 'hoa2'; 'Thuỷ' -> 'thuy3'; vowel marks stay."""
    tone = ""
    base = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            base.append(ch)
    return unicodedata.normalize("NFC", "".join(base)) + tone


# apostrophes and dashes as people type them: H'leo = H’leo, Ea-Kar = Ea Kar
_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "-": " ", "–": " ", "—": " "})


def _tone_free(text: str) -> str:
    """Words with their tone written at the end, lower case, single spaces,
    apostrophes alike, dashes as spaces, no full stop at the end."""
    text = clean_line(text).casefold().translate(_FOLD).rstrip(" .")
    return " ".join(_syllable_key(w) for w in text.split())


_PREFIX_KEYS = tuple(_tone_free(p) + " " for p in _PREFIXES)


def unit_key(name: str) -> str:
    """'ĐẢNG ỦY XÃ HOÀ AN', 'Xã Hòa An', 'xã  hoà  an' -> one key.

    Names that unit_name_problem refuses still get a key (so that a row can be
    stored and shown), but never the key of the genuine unit: the look-alike
    characters are kept, not folded.
    """
    text = _tone_free(name)
    for prefix in _PREFIX_KEYS:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    return text


def same_unit(a: str, b: str) -> bool:
    return bool(unit_key(a)) and unit_key(a) == unit_key(b)


def _allowed(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in _PUNCTUATION
    if ch in "đĐ" or ch in _TONES or ch in _VOWEL_MARKS or ch in _PUNCTUATION:
        return True
    return False


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        kind = "chữ Kirin (Nga)"
    elif name.startswith("GREEK"):
        kind = "chữ Hy Lạp"
    elif unicodedata.category(ch) in ("Cf", "Zl", "Zp", "Cc"):
        kind = "ký tự điều khiển vô hình"
    elif unicodedata.category(ch).startswith("Z"):
        kind = "khoảng trắng đặc biệt"
    elif name.startswith(("FULLWIDTH", "MATHEMATICAL")):
        kind = "chữ có hình dạng giống chữ thường nhưng là ký tự khác"
    else:
        kind = "ký tự không thuộc bảng chữ cái tiếng Việt"
    shown = ch if unicodedata.category(ch)[0] in "LNPS" else ""
    return f"“{shown}” (U+{ord(ch):04X}, {kind})" if shown else f"U+{ord(ch):04X} ({kind})"


def unit_name_problem(name: str) -> str | None:
    """None for a unit name in the Vietnamese alphabet; otherwise why not."""
    if not isinstance(name, str) or not name.strip():
        return "thiếu tên đơn vị"
    if len(name) > 300:
        return "tên đơn vị quá dài"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "tên đơn vị chứa ký tự hỏng"
    for word in name.split():
        problem = _word_problem(word)
        if problem:
            return problem
    return None


_MARK_BASES = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}  # â ê ô, ă, ơ ư
_VOWELS = "aeiouy"


def _word_problem(word: str) -> str | None:
    """A mark only where Vietnamese writes one: vowel marks on their vowels,
    at most one tone mark in a syllable, every mark on a vowel."""
    base = ""
    marks_here = vowel_marks = 0
    tones = 0
    for ch in unicodedata.normalize("NFD", word):
        if not _allowed(ch):
            return (f"tên đơn vị chứa {_describe(ch)}, không phải chữ tiếng Việt; "
                    "có thể là tên giả mạo trông giống tên thật")
        if unicodedata.combining(ch):
            marks_here += 1
            tones += ch in _TONES
            vowel_marks += ch not in _TONES
            fits = base.lower() in _VOWELS and (ch in _TONES or base.lower() in _MARK_BASES.get(ch, ""))
            if not fits or marks_here > 2 or tones > 1 or vowel_marks > 1:
                return (f"tên đơn vị có dấu đặt sai chỗ (U+{ord(ch):04X} trên “{base or ' '}”), không phải "
                        "cách viết tiếng Việt; có thể là tên giả mạo trông giống tên thật")
        else:
            base, marks_here, vowel_marks = ch, 0, 0
            if not ch.isalpha():
                tones = 0  # '-', '/' … start another syllable
    return None


def cert_common_name(unit: str) -> str:
    """The unit's name as the certificate's common name: as in a sentence,
    cut to CERT_NAME_BYTES of UTF-8 at a character boundary (the full name
    travels in the signed manifest)."""
    from model.report import unit_in_sentence

    text = unicodedata.normalize("NFC", unit_in_sentence(unit))
    return truncate_utf8(text, CERT_NAME_BYTES)


def truncate_utf8(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    cut = raw[:limit].decode("utf-8", "ignore")
    # never end on a lone base letter whose tone mark was cut (NFC keeps
    # most letters whole; this guards decomposed leftovers)
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut.rstrip()


def cert_names_unit(cert_name: str, unit: str) -> bool:
    """Does a certificate's common name name this unit?  When the unit's
    name is longer than a certificate can hold, the name cut exactly as
    TongKet cuts it also counts (never a shorter unit's name that the longer
    one merely starts with)."""
    if same_unit(cert_name, unit):
        return True
    from model.report import unit_in_sentence

    cut = cert_common_name(unit)
    was_cut = cut != unicodedata.normalize("NFC", unit_in_sentence(unit))
    return was_cut and bool(cert_name) and unit_key(cert_name) == unit_key(cut)
