"""The Vietnamese syllable as a small grammar: onset, glide, nucleus, coda and
tone, with the spelling rules that tie them together.  From it the complete
list of valid written syllables is generated once (a few tens of thousands),
so that checking a word is one set lookup.

    onset   b c ch d đ g gh gi h k kh l m n ng ngh nh p ph q r s t th tr v x (or none)
    glide   o / u  (hoa, hoe, huân, huế, huy, thuở; after q always u: qua, quyết)
    nucleus a ă â e ê i/y o ô ơ u ư, and the diphthongs iê/ia (yê/ya), uô/ua, ươ/ưa
    coda    c ch m n ng nh p t, and the semivowels i/y, o/u
    tone    ngang, sắc, huyền, hỏi, ngã, nặng; a stop coda (c ch p t) takes only sắc or nặng

Spelling: c before a ă â o ô ơ u ư, k before e ê i y; gh, ngh before e ê i;
ch and nh only after a, ê, i (and y after the glide u); ă and â never end a
syllable; "gi" before i writes one i (gì, gìn, giếng).

Tone placement, two styles that differ only in the open rhymes oa, oe, uy
(no coda, not after q): NEW "hòa", "hòe", "thủy" (as in current official
texts; the default) and OLD "hoà", "hoè", "thuỷ".  (Unikey names these the
other way round, "kiểu cũ" for hòa and "kiểu mới" for hoà, so the interface
shows examples, never the words "mới"/"cũ".)  Everywhere else
both styles agree: the mark sits on the vowel with a hat or horn (ươ: on ơ),
on the last vowel before a consonant coda (hoàn, tuyết, quýnh), on the first
of ia/ua/ưa and of a vowel before a semivowel coda (mía, múa, mưa, tài,
ngoài).  Anything else is a misplaced tone ("hòan", "gìa", "qúa").

Everything here is plain Python on NFC strings, lower case.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# combining tone marks, in the order of the tone numbers 1..5
# (0 = ngang): sắc, huyền, hỏi, ngã, nặng
TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
TONE_NAMES = ("ngang", "sắc", "huyền", "hỏi", "ngã", "nặng")
_MARK_TONE = {m: i for i, m in enumerate(TONE_MARKS) if m}

ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
          "ngh", "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x")
STOP_CODAS = ("c", "ch", "p", "t")
VOWELS = set("aăâeêioôơuưy")

# Rhymes without a glide, grouped by their nucleus (as written after a consonant).
_PLAIN = {
    "a": "a ac ach ai am an ang anh ao ap at au ay",
    "ă": "ăc ăm ăn ăng ăp ăt",
    "â": "âc âm ân âng âp ât âu ây",
    "e": "e ec em en eng eo ep et",
    "ê": "ê êch êm ên ênh êp êt êu",
    "i": "i ich im in inh ip it iu ia iêc iêm iên iêng iêp iêt iêu",
    "o": "o oc oi om on ong op ot ooc oong",
    "ô": "ô ôc ôi ôm ôn ông ôp ôt",
    "ơ": "ơ ơi ơm ơn ơp ơt",
    "u": "u uc ui um un ung up ut ua uôc uôi uôm uôn uông uôt",
    "ư": "ư ưc ưi ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu",
}
# The nucleus y alone (hy, kỳ, lý, mỹ, sỹ, tỷ, vỹ, ý) and the rhymes spelled
# with y when no consonant comes before them (yên, yêu, yếm, yết, yểng).
_Y_OPEN_ONSETS = ("", "h", "k", "l", "m", "s", "t", "v")
_Y_NO_ONSET = "yêm yên yêng yêt yêu"
# Rhymes with the glide (written o before a ă e, u before â ê y ơ).
_GLIDE = ("oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt "
          "oe oen oeo oet uân uâng uât uây uê uêch uênh uơ "
          "uy uya uych uyên uyêt uynh uyp uyt uyu")
# front vowels: c, g, ng before them are written k, gh, ngh
_FRONT = ("e", "ê", "i", "y")
_NO_GLIDE_ONSETS = {"c", "k", "gh", "ngh", "p", "q", "gi"}

NEW, OLD = "new", "old"


def strip_tone(word: str) -> tuple[str, int]:
    """'hoàn' -> ('hoan', 2); any input form (NFC or NFD) -> NFC base."""
    tone = 0
    base = []
    for ch in unicodedata.normalize("NFD", word):
        t = _MARK_TONE.get(ch)
        if t is None:
            base.append(ch)
        else:
            tone = t
    return unicodedata.normalize("NFC", "".join(base)), tone


@lru_cache(maxsize=None)
def _add_tone(ch: str, tone: int) -> str:
    return unicodedata.normalize("NFC", ch + TONE_MARKS[tone]) if tone else ch


def split_onset(base: str) -> tuple[str, str]:
    """The onset as the tone rule sees it: 'qu' and 'gi' (before a vowel)
    belong to the onset; 'gìn': ('g', 'in')."""
    if base.startswith("qu") and len(base) > 2:
        return "qu", base[2:]
    if base.startswith("gi") and len(base) > 2 and base[2] in VOWELS:
        return "gi", base[2:]
    i = 0
    while i < len(base) and base[i] not in VOWELS:
        i += 1
    return base[:i], base[i:]


def tone_index(base: str, style: str = NEW) -> int | None:
    """Index into base of the vowel that carries the tone mark, or None when
    base has no vowel."""
    onset, rhyme = split_onset(base)
    start = len(onset)
    vowels = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    if not vowels:
        return None
    # a vowel with a hat or horn carries it (ươ: the ơ)
    marked = [i for i in vowels if rhyme[i] in "ăâêôơư"]
    if marked:
        return start + marked[-1]
    # the vowel cluster and what follows it
    first, last = vowels[0], vowels[-1]
    closed = last < len(rhyme) - 1  # a consonant coda follows
    if closed:
        return start + last
    cluster = rhyme[first:last + 1]
    if len(cluster) == 1:
        return start + first
    if len(cluster) == 3:  # oai, oay, oao, oeo, uya, uyu
        return start + first + 1
    if cluster in ("oa", "oe", "uy") and onset != "qu":
        return start + (first if style == NEW else first + 1)
    if cluster == "oo":
        return start + first + 1
    # ia ua ưa, ai ao au ay eo iu oi ui, and after q/gi a single vowel
    return start + first


def place_tone(base: str, tone: int, style: str = NEW) -> str:
    """'hoa', 2 -> 'hòa' (new) or 'hoà' (old)."""
    if not tone:
        return base
    i = tone_index(base, style)
    if i is None:
        return base
    return base[:i] + _add_tone(base[i], tone) + base[i + 1:]


def _rhymes_for(onset: str) -> list[str]:
    """The written rhymes that may follow onset."""
    out = []
    for nucleus, rhymes in _PLAIN.items():
        for r in rhymes.split():
            front = r[0] in _FRONT
            if onset in ("c", "g", "ng") and front:
                continue
            if onset in ("k", "gh", "ngh") and not front:
                continue
            if onset == "q":
                continue
            if onset == "" and r.startswith("iê"):
                continue  # written yê without an onset
            if onset == "gi":
                if r in ("ia", "iu"):
                    continue  # 'gia', 'giu' are gi + a, gi + u
                if r.startswith("i"):
                    r = r[1:] or ""  # gi + in -> 'gin'; gi + i -> 'gi'
            out.append(r)
    if onset in _Y_OPEN_ONSETS:
        out.append("y")
    if onset == "":
        out.extend(_Y_NO_ONSET.split())
    for r in _GLIDE.split():
        if onset == "q":
            if r[0] == "o":
                r = "u" + r[1:]  # qua, quăn, que
            out.append(r)
        elif onset not in _NO_GLIDE_ONSETS:
            out.append(r)
    if onset == "q":
        out.extend(["ui", "uôc"])  # qui (older spelling of quy), quốc
    if onset == "gi":
        out = [r for r in out if r]  # 'gi' alone is not a word; 'gì' is gi + i
        out.append("")
    return out


def _bases() -> set[str]:
    out = set()
    for onset in ONSETS:
        for rhyme in _rhymes_for(onset):
            base = onset + rhyme
            if onset == "gi" and rhyme == "":
                base = "gi"  # gì: gi + i, written once
            out.add(base)
    return out


def _coda_is_stop(base: str) -> bool:
    return base.endswith(STOP_CODAS)


@lru_cache(maxsize=1)
def syllable_table() -> "SyllableTable":
    return SyllableTable()


class SyllableTable:
    """Every valid written syllable (lower case, NFC), in both tone styles."""

    def __init__(self) -> None:
        self.valid: set[str] = set()
        self.to_new: dict[str, str] = {}
        self.to_old: dict[str, str] = {}
        # base -> tone -> (new form, old form)
        self.by_base: dict[str, dict[int, tuple[str, str]]] = {}
        for base in _bases():
            tones = (1, 5) if _coda_is_stop(base) else range(6)
            forms = {}
            i_new, i_old = tone_index(base, NEW), tone_index(base, OLD)
            for tone in tones:
                new = base[:i_new] + _add_tone(base[i_new], tone) + base[i_new + 1:]
                old = new if i_old == i_new else base[:i_old] + _add_tone(base[i_old], tone) + base[i_old + 1:]
                forms[tone] = (new, old)
                self.valid.add(new)
                self.valid.add(old)
                if new != old:
                    self.to_new[old] = new
                    self.to_old[new] = old
            self.by_base[base] = forms

    def __contains__(self, word: str) -> bool:
        return word in self.valid

    def __len__(self) -> int:
        return len(self.valid)

    def in_style(self, word: str, style: str) -> str:
        """The lower-case syllable word written in style (unchanged if it is
        not one that the styles write differently)."""
        return (self.to_new if style == NEW else self.to_old).get(word, word)

    def forms(self, base: str, tone: int, style: str = NEW) -> str | None:
        f = self.by_base.get(base, {}).get(tone)
        if f is None:
            return None
        return f[0] if style == NEW else f[1]
