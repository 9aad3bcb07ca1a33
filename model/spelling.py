"""Spell checking of Vietnamese text, and one tone-placement style for a report.

A word is correct when it is
- a valid Vietnamese syllable (model.vn_syllable: the grammar, in either tone
  style, any case, NFC or NFD);
- a name or abbreviation the report's outline uses (NQ, TW, HĐND …), one of a
  small built-in list (abbreviations, place names of the Central Highlands,
  common loan words), a word of the clerk's personal word list, or a word the
  clerk chose to skip in this session;
- an abbreviation in ASCII capitals (UBND, CT-XH: each part), a code with
  digits (25-NQ/TW, KL43), or a single letter (list markers a), b));
- a foreign word: one with f, j, w or z (Facebook, Zalo, wifi), unless it is
  a Telex leftover that decodes to a Vietnamese syllable (thuwowng, nghiejp).

Suggestions, best first: the same letters with the tone placed right, the
word decoded as Telex or VNI, then one edit away (tone, hat or horn, one
letter added, dropped, changed or swapped), ranked by how often the outline
uses the word next to its neighbours and on its own.

Plain Python, no Qt: the highlighter in ui/ asks misspelt_spans() per
paragraph, and every verdict is cached.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from model.vn_syllable import NEW, OLD, place_tone, strip_tone, syllable_table

STYLES = (NEW, OLD)
# what the clerk sees: examples, never "mới"/"cũ" (Unikey names them the other way)
STYLE_LABELS = {
    NEW: "hòa, thủy, hóa (như văn bản hành chính hiện nay)",
    OLD: "hoà, thuỷ, hoá",
}

# a word: letters with their combining marks (NFD input), digits (and _:
# such a token is a code, never flagged); one character class is twice as
# fast as an alternation
_WORD_CHARS = r"[\w\u0300-\u036f]"
WORD = re.compile(_WORD_CHARS + "+")
LONG_PARAGRAPH = 2000  # characters: above, misspelt_spans finds words by set, not one by one
_DIGIT = re.compile(r"\d")
PERSONAL_FILE = "tu-dien-rieng.txt"
MAX_WORD = 40  # longer runs are not words a clerk types; never flagged
_CACHE_LIMIT = 200_000

# Abbreviations of Party and State documents (those in ASCII capitals need no
# entry), place names of the Central Highlands written as pronounced in the
# local languages, and loan words common in reports.
BUILT_IN = """
HĐND ĐU ĐUK ĐB ĐH ĐHĐB BCĐ BCH BTV BDV BDVTW TƯ QĐ NĐ NQ-TƯ TTg TTLT ĐVT ĐVTN HĐ
Đắk Đăk Lắk Krông Búk Pắk Pắc Ea Kar Drắk Nông Súp Mil Rlấp Glong Păk Kpă Kbang Kông Chro
Glei Plei Pleiku Ayun Lâm Hà Sê San Bih Ana Kao Knốp Tơ Mơ Rông Mang Yang Đrăng Jút Dliê Ya
Tlô Tul Hdok Buôn Ma Thuột Lăk Ktur Kuêh Êđê Ê-đê Jrai Bahnar Xơ-đăng Mnông
internet email online offline video camera website covid virus radio tivi laptop logo
smartphone container karaoke taxi tour visa ok
"""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def recase(like: str, word: str) -> str:
    """word written in the case of like ('HOÀ' -> 'HÒA', 'Hoà' -> 'Hòa')."""
    if len(like) > 1 and like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# --------------------------------------------------------------- input methods ---
_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5, "z": 0}
_TELEX_VOWELS = (("uow", "ươ"), ("aw", "ă"), ("ow", "ơ"), ("uw", "ư"), ("aa", "â"),
                 ("ee", "ê"), ("oo", "ô"), ("w", "ư"), ("dd", "đ"))
_VNI_HAT = {"a": "â", "e": "ê", "o": "ô"}
_VNI_HORN = {"o": "ơ", "u": "ư"}


def _finish(base: str, tone: int) -> str | None:
    # 'uơ' before a consonant is 'ươ' (thuơng -> thương)
    base = re.sub(r"uơ(?=[^aeiouy])", "ươ", base)
    word = place_tone(base, tone)
    return word if word in syllable_table().valid else None


def telex_decode(word: str) -> str | None:
    """A word typed in Telex whose keys were not turned into marks
    ('thuwowng' -> 'thương', 'nghieejp' -> 'nghiệp'); None if that is not a
    syllable.  word: lower case NFC."""
    return _finish(*_telex_partial(word))


def telex_leftover(word: str) -> bool:
    """Is a word with f, j, w or z a Vietnamese word typed in Telex whose keys
    were not turned into marks?  Yes when, its keys taken as marks, it is a
    syllable or one hat, horn or breve away from one ('nghiejp': nghiêp).
    A word starting with f, j, w or z is foreign (Facebook, Zalo, wifi)."""
    if word[:1] in "fjwz":
        return False
    if telex_decode(word):
        return True
    base, _tone = _telex_partial(word)
    by_base = syllable_table().by_base
    if base in by_base:
        return True
    return any(edited in by_base for edited, cost in _edits(base) if cost == 1)


def vni_decode(word: str) -> str | None:
    """'nghie65p' -> 'nghiệp', 'thu7o7ng' -> 'thương'; None if not a syllable."""
    base, tone = strip_tone(word)
    out: list[str] = []
    for ch in base:
        if ch in "12345":
            tone = int(ch)
        elif ch == "0":
            tone = 0
        elif ch in "6789":
            table = {"6": _VNI_HAT, "7": _VNI_HORN, "8": {"a": "ă"}, "9": {"d": "đ"}}[ch]
            for i in range(len(out) - 1, -1, -1):
                if out[i] in table:
                    out[i] = table[out[i]]
                    break
            else:
                return None
        elif ch.isdigit():
            return None
        else:
            out.append(ch)
    return _finish("".join(out), tone)


# ------------------------------------------------------------------ checking ---
class PersonalWords:
    """The clerk's own word list: PERSONAL_FILE in the data folder, one word
    a line, UTF-8 (NFC).  A missing or unreadable file is an empty list."""

    def __init__(self, folder: str | Path | None = None):
        if folder is None:
            from model.paths import data_dir

            folder = data_dir()
        self.path = Path(folder) / PERSONAL_FILE
        self.words: list[str] = []
        try:
            raw = self.path.read_text(encoding="utf-8")[:2_000_000]
        except (OSError, ValueError):
            raw = ""
        seen = set()
        for line in raw.splitlines():
            w = nfc(line.strip())
            if w and len(w) <= MAX_WORD and w.casefold() not in seen:
                seen.add(w.casefold())
                self.words.append(w)

    def __contains__(self, word: str) -> bool:
        return any(w.casefold() == word.casefold() for w in self.words)

    def add(self, word: str) -> bool:
        """Add and save; False when the file could not be written (the word
        is still known for this session)."""
        word = nfc(word.strip())
        if not word or word in self:
            return True
        self.words.append(word)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix="~tu-dien-", dir=str(self.path.parent))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write("\n".join(self.words) + "\n")
            os.replace(tmp, self.path)
        except OSError:
            return False
        return True


class SpellChecker:
    def __init__(self, known_text: str = "", personal: PersonalWords | None = None):
        """known_text: the outline and the report's names; its words that are
        not syllables become known, and its syllables rank suggestions."""
        self.table = syllable_table()
        self.personal = personal
        self.known: set[str] = set()
        self.ignored: set[str] = set()
        self.unigrams: Counter[str] = Counter()
        self.bigrams: Counter[tuple[str, str]] = Counter()
        self._cache: dict[str, bool] = {}
        self.learn(BUILT_IN)
        self.learn(known_text)
        if personal is not None:
            for w in personal.words:
                self.known.add(w.casefold())

    def learn(self, text: str) -> None:
        """Make the names and abbreviations of text known; count its syllables."""
        prev = None
        for m in WORD.finditer(nfc(text or "")):
            w = m.group()
            lw = w.lower()
            if lw in self.table.valid:
                self.unigrams[lw] += 1
                if prev is not None and m.start() - prev[1] <= 1:
                    self.bigrams[prev[0], lw] += 1
                prev = (lw, m.end())
            else:
                prev = None
                if not _DIGIT.search(w) and len(w) <= MAX_WORD:
                    self.known.add(w.casefold())
        self._cache.clear()

    # -- verdicts ---------------------------------------------------------
    def is_correct(self, word: str) -> bool:
        ok = self._cache.get(word)
        if ok is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            ok = self._cache[word] = self._check(word)
        return ok

    def _check(self, raw: str) -> bool:
        word = nfc(raw)
        if len(word) <= 1 or len(word) > MAX_WORD:
            return True
        lw = word.lower()
        if _DIGIT.search(word) or "_" in word:
            # a code (25-NQ, KL43) unless it is a word typed in VNI
            return not (word.isascii() and word.islower() and vni_decode(lw))
        if lw in self.table.valid:
            return True
        folded = word.casefold()
        if folded in self.known or folded in self.ignored:
            return True
        if word.isascii() and word.isupper():
            return True  # an abbreviation: UBND, CT, XH
        if any(c in "fjwz" for c in lw):
            return not telex_leftover(lw)  # Facebook, Zalo, wifi; not thuwowng, nghiejp
        return False

    def misspelt_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of every misspelt word of text (indices into text
        as given, NFC or NFD)."""
        if len(text) > LONG_PARAGRAPH:
            return self._spans_by_set(text)
        cache = self._cache
        out = []
        for m in WORD.finditer(text):
            w = m.group()
            ok = cache.get(w)
            if ok is None:
                ok = self.is_correct(w)
            if not ok:
                out.append((m.start(), m.end() - m.start()))
        return out

    def _spans_by_set(self, text: str) -> list[tuple[int, int]]:
        """The same for a long paragraph, at C speed: its distinct words are
        checked, then only the misspelt ones are looked for."""
        cache = self._cache
        bad = [w for w in set(WORD.findall(text))
               if not (cache[w] if w in cache else self.is_correct(w))]
        if not bad:
            return []
        bad.sort(key=len, reverse=True)
        find = re.compile("(?<!%s)(?:%s)(?!%s)" % (_WORD_CHARS, "|".join(map(re.escape, bad)),
                                                    _WORD_CHARS))
        return [(m.start(), m.end() - m.start()) for m in find.finditer(text)]

    def respan(self, old_text: str, old_spans: list[tuple[int, int]], new_text: str
               ) -> list[tuple[int, int]]:
        """misspelt_spans(new_text), knowing old_spans = misspelt_spans(old_text):
        only the words around what changed are checked again (a key typed
        into a paragraph of 50,000 words costs microseconds, not 15 ms)."""
        import bisect

        n, m = len(old_text), len(new_text)
        p = _common_prefix(old_text, new_text)
        q = _common_suffix(old_text, new_text, min(n, m) - p)
        a, cut_a = _word_start(new_text, p)
        b, cut_b = _word_end(new_text, m - q)
        shift = m - n
        starts = [s for s, _ in old_spans]
        keep = old_spans[:bisect.bisect_left(starts, a)]
        keep = [sp for sp in keep if sp[0] + sp[1] <= a]
        tail = [(s + shift, ln) for s, ln in old_spans[bisect.bisect_left(starts, b - shift):]]
        middle = []
        for mt in WORD.finditer(new_text, a, b):
            if (cut_a and mt.start() == a) or (cut_b and mt.end() == b):
                continue  # part of a run longer than any word: never flagged
            if not self.is_correct(mt.group()):
                middle.append((mt.start(), mt.end() - mt.start()))
        return keep + middle + tail

    def misspelt_words(self, text: str) -> list[str]:
        return [text[s:s + n] for s, n in self.misspelt_spans(text)]

    def word_at(self, text: str, pos: int) -> tuple[int, int] | None:
        """(start, end) of the word of text at index pos (or just before it)."""
        for m in WORD.finditer(text):
            if m.start() <= pos <= m.end():
                return m.start(), m.end()
            if m.start() > pos:
                break
        return None

    # -- the clerk's choices ------------------------------------------------
    def ignore(self, word: str) -> None:
        self.ignored.add(nfc(word).casefold())
        self._cache.clear()

    def add_to_personal(self, word: str) -> bool:
        self.known.add(nfc(word).casefold())
        self._cache.clear()
        if self.personal is None:
            return True
        return self.personal.add(word)

    # -- suggestions --------------------------------------------------------
    def suggest(self, word: str, prev: str | None = None, nxt: str | None = None,
                style: str = NEW, limit: int = 6, context_text: str = "") -> list[str]:
        """Replacements for a misspelt word, best first, in its case.
        prev, nxt: the words around it; context_text: its paragraph."""
        word = nfc(word)
        lw = word.lower()
        costs: dict[str, float] = {}

        def offer(candidate: str | None, cost: float) -> None:
            if candidate and candidate != lw and candidate in self.table.valid:
                candidate = self.table.in_style(candidate, style)
                if cost < costs.get(candidate, 99):
                    costs[candidate] = cost

        base, tone = strip_tone(lw)
        offer(self.table.forms(base, tone, style), -2)  # tone in the wrong place: surely meant
        starts = [(base, tone, 0.0)]
        for decode in (telex_decode, vni_decode):
            decoded = decode(lw)
            if decoded:
                offer(decoded, 0)
                b, t = strip_tone(decoded)
                starts.append((b, t, 0.5))
        # Telex with a missed key ('nghiejp'): the keys taken as marks, then one edit
        if any(c in "sfrxjzw" for c in lw[1:]) or re.search(r"aa|ee|oo|dd", lw):
            b, t = _telex_partial(lw)
            if (b, t) != (base, tone):
                starts.append((b, t, 0.5))
        for b, t, extra in starts:
            for t2 in range(6):
                offer(self.table.forms(b, t2, style), extra + 1)
            for edited, cost in _edits(b):
                forms = self.table.by_base.get(edited)
                if not forms:
                    continue
                if t in forms:
                    offer(forms[t][0 if style == NEW else 1], extra + cost)
                else:  # the tone does not fit the new rhyme (a stop coda): any that does
                    for f in forms.values():
                        offer(f[0 if style == NEW else 1], extra + cost + 1)
        p = nfc(prev).lower() if prev else None
        n = nfc(nxt).lower() if nxt else None

        here: Counter[str] = Counter()  # the clerk's own paragraph counts as seen words
        for m in WORD.finditer(nfc(context_text or "")):
            w = m.group().lower()
            if w in costs:
                here[w] += 1

        def rank(c: str):
            # a word neither the outline nor the clerk uses is less likely
            context = (self.bigrams.get((p, c), 0) if p else 0) + (self.bigrams.get((c, n), 0) if n else 0)
            seen = self.unigrams.get(c, 0) + here[c]
            return (costs[c] + (0 if seen else 1) - (1.5 if context else 0), -context, -seen, c)

        best = sorted(costs, key=rank)[:limit]
        return [recase(word, c) for c in best]


_CHUNK = 4096
_TAIL_WORD = re.compile(_WORD_CHARS + "*\\Z")
_HEAD_WORD = re.compile(_WORD_CHARS + "*")


def _common_prefix(a: str, b: str) -> int:
    """Length of the common start of a and b, comparing in C-speed chunks."""
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i:i + _CHUNK] == b[i:i + _CHUNK]:
        i += _CHUNK
    hi = min(i + _CHUNK, limit)
    while i < hi and a[i] == b[i]:
        i += 1
    return min(i, limit)


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common end of a and b, at most limit."""
    na, nb = len(a), len(b)
    i = 0
    while i + _CHUNK <= limit and a[na - i - _CHUNK:na - i] == b[nb - i - _CHUNK:nb - i]:
        i += _CHUNK
    while i < limit and a[na - i - 1] == b[nb - i - 1]:
        i += 1
    return i


# an NFC letter is at most 3 code points in NFD: a run this long is longer
# than any word, whatever its form
_RUN = 3 * MAX_WORD + 1


def _word_start(text: str, pos: int) -> tuple[int, bool]:
    """The start of the word around pos (at most _RUN back; True when the
    run of word characters goes on further)."""
    lo = max(0, pos - _RUN)
    back = len(_TAIL_WORD.search(text, lo, pos).group())
    return pos - back, back == pos - lo and lo > 0


def _word_end(text: str, pos: int) -> tuple[int, bool]:
    hi = min(len(text), pos + _RUN)
    ahead = len(_HEAD_WORD.match(text, pos, hi).group())
    return pos + ahead, ahead == hi - pos and hi < len(text)


_LETTERS = "abcdđeghiklmnopqrstuvxyăâêôơư"
_SWAPS = {"a": "ăâ", "ă": "aâ", "â": "aă", "e": "ê", "ê": "e", "o": "ôơ", "ô": "oơ", "ơ": "oô",
          "u": "ư", "ư": "u", "d": "đ", "đ": "d", "i": "y", "y": "i"}


def _edits(base: str):
    """Bases one edit away, with a cost: a hat, horn or breve 1, others 2."""
    n = len(base)
    for i in range(n):
        for c in _SWAPS.get(base[i], ""):
            yield base[:i] + c + base[i + 1:], 1
        yield base[:i] + base[i + 1:], 2
        if i + 1 < n:
            yield base[:i] + base[i + 1] + base[i] + base[i + 2:], 2
        for c in _LETTERS:
            if c != base[i]:
                yield base[:i] + c + base[i + 1:], 2
    for i in range(n + 1):
        for c in _LETTERS:
            yield base[:i] + c + base[i:], 2


def _telex_partial(lw: str) -> tuple[str, int]:
    """The letters of a Telex leftover with its tone keys taken as tones and
    its double letters as marks, even when the result is not a syllable."""
    base, tone = strip_tone(lw)
    first_vowel = next((i for i, c in enumerate(base) if c in "aăâeêioôơuưy"), len(base))
    kept = []
    for i, ch in enumerate(base):
        if i > first_vowel and ch in _TELEX_TONES:
            tone = _TELEX_TONES[ch]
        else:
            kept.append(ch)
    base = "".join(kept)
    for keys, letter in _TELEX_VOWELS:
        base = base.replace(keys, letter)
    return base, tone


# ---------------------------------------------------------- one tone style ---
@dataclass(frozen=True)
class ToneChange:
    before: str
    after: str
    count: int


def text_in_style(text: str, style: str, changes: Counter | None = None) -> str:
    """text with every syllable written in style ('hoà' -> 'hòa' for NEW);
    NFC.  Counts (before, after) pairs into changes."""
    table = syllable_table()
    mapping = table.to_new if style == NEW else table.to_old

    def fix(m: re.Match) -> str:
        w = m.group()
        after = mapping.get(w.lower())
        if after is None:
            return w
        after = recase(w, after)
        if changes is not None:
            changes[w, after] += 1
        return after

    return WORD.sub(fix, nfc(text or ""))


@dataclass
class Toned:
    answers: dict[str, str]
    changes: list[ToneChange]


def report_in_style(outline, answers: dict[str, str], style: str | None = None) -> Toned:
    """The report's texts (not its numbers) in one tone style (the clerk's
    setting when style is None), and the words that were changed."""
    if style is None:
        from model import settings

        style = settings.tone_style()
    counts: Counter = Counter()
    out = dict(answers)
    for section in outline.sections:
        for f in section.texts:
            if answers.get(f.id):
                out[f.id] = text_in_style(answers[f.id], style, counts)
    changes = [ToneChange(b, a, n) for (b, a), n in
               sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Toned(out, changes)


def outline_words(outline) -> str:
    """All the text of an outline, to learn its names and abbreviations."""
    parts = [outline.name, outline.short_name, getattr(outline, "plan", ""),
             getattr(outline, "subject", ""), getattr(outline, "outline_subtitle", "")]
    defaults = getattr(outline, "defaults", None)
    if defaults is not None:
        parts += [str(getattr(defaults, k, "") or "") for k in ("doc_code", "on_behalf", "position")]
        parts += list(getattr(defaults, "recipients", ()) or ())
    for s in outline.sections:
        parts += [s.heading, s.guidance or ""]
        for f in s.fields:
            parts += [f.label, getattr(f, "guidance", "") or "", getattr(f, "unit", "") or ""]
    return "\n".join(p for p in parts if p)


def checker_for_report(outline, identity=None, personal: PersonalWords | None = None) -> SpellChecker:
    """The checker for one report: its outline's names and abbreviations, the
    report's own names (unit, place, superior, signer, recipients), the
    clerk's personal word list; suggestions ranked by the outline and by
    sample report sentences."""
    from model.sample import phrases

    parts = [outline_words(outline), "\n".join(phrases())]
    if identity is not None:
        parts += [identity.unit, identity.place, identity.superior, identity.signer,
                  "\n".join(identity.recipients or ())]
    return SpellChecker("\n".join(p for p in parts if p),
                        personal if personal is not None else PersonalWords())


__all__ = ["checker_for_report", "SpellChecker", "PersonalWords", "STYLES", "STYLE_LABELS", "ToneChange", "Toned",
           "report_in_style", "text_in_style", "telex_decode", "vni_decode", "outline_words",
           "NEW", "OLD"]
