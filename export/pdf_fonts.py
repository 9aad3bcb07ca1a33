"""The serif the PDF is set in, embedded (ReportLab always embeds a subset of
a TrueType font): Times New Roman from the Windows fonts folder when all four
faces are there, otherwise Liberation Serif, shipped in resources/fonts under
the SIL Open Font License — metric-compatible with Times New Roman (same
advance widths, so lines and pages break where they break in Word) and with
every Vietnamese letter.  A character that the font cannot show is replaced
by a visible □ so that the PDF never holds a missing glyph."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from model.paths import resource_dir

FAMILY = "TK-Serif"
FACES = ("regular", "bold", "italic", "bolditalic")
WINDOWS_FILES = {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf",
                 "bolditalic": "timesbi.ttf"}
SHIPPED_FILES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
                 "italic": "LiberationSerif-Italic.ttf", "bolditalic": "LiberationSerif-BoldItalic.ttf"}
REPLACEMENT = "\u25a1"  # □


@dataclass(frozen=True)
class FontSet:
    """The four faces registered with ReportLab, and what they can show."""

    names: dict  # face -> ReportLab font name
    files: dict  # face -> Path
    source: str  # "Times New Roman" or "Liberation Serif"
    covered: frozenset  # code points every face has a glyph for

    def font(self, bold: bool = False, italic: bool = False) -> str:
        return self.names[("bold" if bold else "") + ("italic" if italic else "") or "regular"]

    def showable(self, text: str) -> str:
        """NFC text with every character the font lacks replaced by □
        (line feeds and tabs are the caller's business)."""
        text = unicodedata.normalize("NFC", text)
        if all(ord(c) in self.covered for c in text):
            return text
        return "".join(c if ord(c) in self.covered or c in "\n\t" else REPLACEMENT for c in text)


def windows_fonts_dir() -> Path:
    return Path(os.environ.get("WINDIR") or r"C:\Windows") / "Fonts"


def font_files(windows_dir: Path | None = None) -> tuple[str, dict]:
    """Which files to use: Times New Roman when all four faces are present."""
    folder = windows_fonts_dir() if windows_dir is None else windows_dir
    found = {}
    for face, name in WINDOWS_FILES.items():
        # the Fonts folder is case-insensitive on Windows; elsewhere try both
        for candidate in (folder / name, folder / name.upper()):
            if candidate.is_file():
                found[face] = candidate
                break
    if len(found) == len(FACES):
        return "Times New Roman", found
    shipped = resource_dir() / "fonts"
    return "Liberation Serif", {face: shipped / name for face, name in SHIPPED_FILES.items()}


_cache: dict = {}


def fonts(windows_dir: Path | None = None) -> FontSet:
    """Register the faces with ReportLab once per process (parsing a TTF
    costs tens of milliseconds) and return them."""
    source, files = font_files(windows_dir)
    key = tuple(str(files[f]) for f in FACES)
    if key in _cache:
        return _cache[key]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    tag = "TNR" if source == "Times New Roman" else "LS"
    names, covered = {}, None
    for face in FACES:
        name = f"{FAMILY}-{tag}-{face}"
        try:
            font = TTFont(name, str(files[face]))
        except Exception:
            if source == "Times New Roman":  # a damaged system font: use ours
                return fonts(Path("/nonexistent-fonts-folder"))
            raise
        pdfmetrics.registerFont(font)
        names[face] = name
        cps = set(font.face.charToGlyph)
        covered = cps if covered is None else covered & cps
    pdfmetrics.registerFontFamily(f"{FAMILY}-{tag}", normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bolditalic"])
    result = FontSet(names, files, source, frozenset(covered or ()))
    _cache[key] = result
    return result
