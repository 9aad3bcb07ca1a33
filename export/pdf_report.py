"""The report as a PDF in the Party document format, from the same ReportData
as the DOCX, with ReportLab's platypus: offline, no Word or LibreOffice.

The layout follows export/docx_report.py block for block and takes every
figure from export/style.py, so that the two look alike page for page: the
header block and the signature block are borderless two-column tables, the
statistics tables repeat their header row on every page and never split a
row, the signature block and "Nơi nhận" stay together on one page, page
numbers stand centred in the top margin from page 2 on, and a draft shows
"DỰ THẢO" on its first page.

The build also records where the signature block's blank space fell (page
and box) so that export/pdf_sign.py can put the visible signature there.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from export.docx_report import ReportData, check_final, stat_cell_text
from export.pdf_fonts import FontSet, fonts
from export.style import STYLE
from model.outline import Section
from model.report import (appendix_note, doc_number_line, is_lead_in, missing_text_label,
                          place_date_line, recipient_lines, text_lead)
from model.text import clean, xml_safe
from model.trust import key_text
from model.version import APP_VERSION


@dataclass
class PdfRendition:
    """The PDF and where its signature goes (PDF points, origin bottom left)."""

    content: bytes
    pages: int
    sign_page: int  # 0-based index of the page with the signature block
    sign_box: tuple[float, float, float, float]  # x1, y1, x2, y2 of the blank space for the signature
    signed: bool = False


def _pt(length) -> float:
    """A figure of style.py (a python-docx Length) in PDF points."""
    return float(length.pt) if hasattr(length, "pt") else float(length)


class _Builder:
    """One build of one report: styles made once, flowables in DOCX order."""

    def __init__(self, data: ReportData, draft: bool):
        from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT

        self.data = data
        self.draft = draft
        self.fonts: FontSet = fonts()
        self.align = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
        self._styles: dict = {}
        self.sign_place: dict = {}
        self.text_width = _pt(STYLE["page_width"]) - _pt(STYLE["margin_left"]) - _pt(STYLE["margin_right"])

    # ---------------------------------------------------------- primitives
    def text(self, value) -> str:
        """Paragraph markup of plain text: NFC, showable, XML-escaped."""
        return escape(self.fonts.showable(xml_safe(value)))

    def style(self, size, *, bold=False, italic=False, align="justify", indent=False, before=0,
              after=0, single=False, keep_next=False):
        """A ParagraphStyle; 'single' is Word's single spacing (table cells),
        otherwise the body's at-least line height."""
        from reportlab.lib.styles import ParagraphStyle

        key = (_pt(size), bold, italic, align, indent, _pt(before), _pt(after), single, keep_next)
        if key not in self._styles:
            size_pt = _pt(size)
            leading = size_pt * STYLE["single_line"]
            if not single:
                leading = max(leading, _pt(STYLE["line_spacing_at_least"]))
            self._styles[key] = ParagraphStyle(
                f"s{len(self._styles)}", fontName=self.fonts.font(bold, italic), fontSize=size_pt,
                leading=leading, alignment=self.align[align],
                firstLineIndent=_pt(STYLE["first_line_indent"]) if indent else 0,
                spaceBefore=_pt(before), spaceAfter=_pt(after), keepWithNext=int(keep_next),
                bulletFontName=self.fonts.font(), allowWidows=1, allowOrphans=1)
        return self._styles[key]

    def para(self, text: str, size=None, *, underline=False, markup: str | None = None, **kw):
        from reportlab.platypus import Paragraph

        body = markup if markup is not None else self.text(text)
        if underline:
            body = f"<u>{body}</u>"
        return Paragraph(body, self.style(size or STYLE["body_size"], **kw))

    def blank(self, size=None, after=0):
        """An empty paragraph of the DOCX: one line of its height, plus space after."""
        from reportlab.platypus import Spacer

        size_pt = _pt(size or STYLE["body_size"])
        return Spacer(1, max(size_pt * STYLE["single_line"], _pt(STYLE["line_spacing_at_least"])) + _pt(after))

    def layout_table(self, rows, widths, *, style_extra=()):
        """A borderless table (header block, signature block)."""
        from reportlab.platypus import Table, TableStyle

        table = Table(rows, colWidths=[_pt(w) for w in widths], hAlign="CENTER")
        pad_x = _pt(STYLE["cell_pad_x"])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), self.fonts.font()),
            ("LEFTPADDING", (0, 0), (-1, -1), pad_x), ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            *style_extra,
        ]))
        return table

    # --------------------------------------------------------------- blocks
    def header_block(self):
        ident = self.data.identity
        cell = dict(single=True, align="center")
        left_top = [self.para(ident.superior.upper(), STYLE["superior_size"], **cell),
                    self.para(ident.unit.upper(), STYLE["unit_size"], bold=True, **cell),
                    self.para("*", STYLE["unit_size"], **cell)]
        right_top = [self.para("ĐẢNG CỘNG SẢN VIỆT NAM", STYLE["party_name_size"], bold=True, underline=True,
                               **cell)]
        left_bottom = [self.para(doc_number_line(ident), STYLE["number_size"], **cell)]
        right_bottom = [self.para(place_date_line(ident), STYLE["place_date_size"], italic=True, **cell)]
        return self.layout_table([[left_top, right_top], [left_bottom, right_bottom]],
                                 (STYLE["header_left_width"], STYLE["header_right_width"]))

    def title(self):
        return [
            self.para("BÁO CÁO", STYLE["title_size"], bold=True, align="center",
                      before=STYLE["title_space_before"], keep_next=True),
            self.para(self.data.outline.subject, STYLE["subject_size"], bold=True, align="center",
                      keep_next=True),
            self.para("-----", align="center", after=_pt(STYLE["space_after"]) * 2),
        ]

    def missing_mark(self, text: str):
        markup = f'<font color="#C00000" backColor="yellow">{self.text(text)}</font>'
        return self.para("", markup=markup, bold=True, italic=True, indent=True, after=STYLE["space_after"])

    def text_block(self, text: str) -> list:
        return [self.para(line.strip(), indent=True, after=STYLE["space_after"],
                          keep_next=is_lead_in(line.strip()))
                for line in clean(text).split("\n") if line.strip()]

    def stats_table(self, rows) -> list:
        """rows: (group title, None) or (None, StatField), as in the DOCX."""
        from reportlab.platypus import Table, TableStyle

        size, pad = STYLE["table_size"], _pt(STYLE["table_cell_pad"])
        cell = dict(single=True)
        head = [self.para(t, size, bold=True, align="center", **cell)
                for t in ("TT", "Chỉ tiêu", "Đơn vị tính", "Số liệu")]
        body, spans, n = [head], [], 0
        for group, stat in rows:
            if group is not None:
                spans.append(("SPAN", (0, len(body)), (-1, len(body))))
                body.append([self.para(group, size, bold=True, align="left", **cell), "", "", ""])
                continue
            n += 1
            body.append([
                self.para(str(n), size, align="center", **cell),
                self.para(stat.label, size, align="left", **cell),
                self.para(stat.unit, size, align="center", **cell),
                self.para(stat_cell_text(stat, self.data.view, self.draft), size, align="right",
                          **cell),
            ])
        pad_x = _pt(STYLE["cell_pad_x"])
        # repeatRows: the header row on every page; platypus never splits a row
        table = Table(body, colWidths=[_pt(w) for w in STYLE["table_widths"]], repeatRows=1, hAlign="CENTER")
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), _pt(STYLE["rule_width"]), "black"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), self.fonts.font()),
            ("LEFTPADDING", (0, 0), (-1, -1), pad_x), ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
            ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            *spans,
        ]))
        return [table, self.blank(after=STYLE["space_after"])]

    def section(self, section: Section) -> list:
        if section.level == 1:
            return [self.para(section.number, bold=True, align="center", before=STYLE["part_space_before"],
                              keep_next=True),
                    self.para(section.heading.upper(), bold=True, align="center", after=STYLE["space_after"],
                              keep_next=True)]
        out = [self.para(section.title, bold=True, indent=True, before=STYLE["heading_space_before"],
                         after=STYLE["space_after"], keep_next=True)]
        for f in section.texts:
            text = self.data.answers.get(f.id, "")
            if clean(text).strip():
                lead = text_lead(section, f)
                if lead:
                    out.append(self.para(lead, italic=True, indent=True, after=STYLE["space_after"],
                                         keep_next=True))
                out.extend(self.text_block(text))
            elif self.draft:
                out.append(self.missing_mark(STYLE["missing_text"] + missing_text_label(section, f)))
        if section.stats:
            out.extend(self.stats_table([(None, st) for st in section.stats]))
        return out

    def signature(self) -> list:
        from reportlab.platypus import KeepTogether

        ident = self.data.identity
        cell = dict(single=True)
        left = [self.para("Nơi nhận:", STYLE["recipients_title_size"], underline=True, align="left", **cell)]
        for line in recipient_lines(ident.recipients):
            left.append(self.para(line, STYLE["recipients_size"], align="left", **cell))
        size = STYLE["sign_size"]
        right_width = _pt(STYLE["sign_right_width"]) - 2 * _pt(STYLE["cell_pad_x"])
        right = [self.para(ident.on_behalf.upper(), size, bold=True, align="center", **cell),
                 self.para(ident.position.upper(), size, bold=True, align="center", **cell),
                 _SignSpace(right_width, STYLE["sign_blank_lines"] * _pt(size) * STYLE["single_line"],
                            self.sign_place),
                 self.para(ident.signer, size, bold=True, align="center", **cell)]
        block = [self.layout_table([[left, right]], (STYLE["sign_left_width"], STYLE["sign_right_width"]))]
        if self.data.fingerprint:
            block += [self.blank(), self.para(key_text(self.data.fingerprint), STYLE["fingerprint_size"],
                                              align="left")]
        return [KeepTogether(block)]

    def appendix(self) -> list:
        from reportlab.platypus import PageBreak

        note = appendix_note(self.data.identity)
        rows = []
        for section in self.data.outline.sections:
            if section.stats:
                rows.append((self.data.outline.short_title(section), None))
                rows.extend((None, st) for st in section.stats)
        return [PageBreak(),
                self.para("BIỂU THỐNG KÊ", STYLE["title_size"], bold=True, align="center"),
                self.para(note, italic=True, align="center", after=_pt(STYLE["space_after"]) * 2),
                *self.stats_table(rows)]

    def story(self) -> list:
        story = [self.header_block(), *self.title()]
        for section in self.data.outline.sections:
            story.extend(self.section(section))
        story.append(self.blank(after=STYLE["space_after"]))
        story.extend(self.signature())
        if self.data.outline.statistics_appendix and self.data.outline.stat_fields():
            story.extend(self.appendix())
        return story

    # ---------------------------------------------------------------- pages
    def first_page(self, canvas, doc) -> None:
        if not self.draft:
            return
        size = _pt(STYLE["draft_mark_size"])
        mark = self.fonts.showable(STYLE["draft_mark"])
        font = self.fonts.font(bold=True)
        width = canvas.stringWidth(mark, font, size)
        right = _pt(STYLE["page_width"]) - _pt(STYLE["margin_right"])
        base = _pt(STYLE["page_height"]) - _pt(STYLE["header_distance"]) - size
        canvas.saveState()
        canvas.setFont(font, size)
        canvas.drawRightString(right - 6, base, mark)
        canvas.setLineWidth(1)
        canvas.rect(right - width - 12, base - size * 0.3, width + 12, size * 1.3, stroke=1, fill=0)
        canvas.restoreState()

    def later_page(self, canvas, doc) -> None:
        size = _pt(STYLE["page_number_size"])
        x = _pt(STYLE["margin_left"]) + self.text_width / 2
        y = _pt(STYLE["page_height"]) - _pt(STYLE["header_distance"]) - size * 0.891  # ascent of the serif
        canvas.saveState()
        canvas.setFont(self.fonts.font(), size)
        canvas.drawCentredString(x, y, str(canvas.getPageNumber()))
        canvas.restoreState()

    def build(self) -> PdfRendition:
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        width, height = _pt(STYLE["page_width"]), _pt(STYLE["page_height"])
        left, bottom = _pt(STYLE["margin_left"]), _pt(STYLE["margin_bottom"])
        frame_h = height - _pt(STYLE["margin_top"]) - bottom

        def frame(name):
            return Frame(left, bottom, self.text_width, frame_h, leftPadding=0, rightPadding=0,
                         topPadding=0, bottomPadding=0, id=name)

        buf = io.BytesIO()
        ident = self.data.identity
        doc = BaseDocTemplate(
            buf, pagesize=(width, height), leftMargin=left, rightMargin=_pt(STYLE["margin_right"]),
            topMargin=_pt(STYLE["margin_top"]), bottomMargin=bottom,
            title=self.fonts.showable(f"Báo cáo {self.data.outline.subject}"),
            author=self.fonts.showable(ident.unit), subject=self.fonts.showable(self.data.outline.name),
            creator=f"TongKet {APP_VERSION}", producer=f"TongKet {APP_VERSION}", lang="vi-VN",
            initialFontName=self.fonts.font(), invariant=1, pageCompression=1)
        doc.addPageTemplates([
            PageTemplate(id="first", frames=[frame("first")], onPage=self.first_page, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[frame("later")], onPage=self.later_page),
        ])
        doc.build(self.story())
        place = self.sign_place
        return PdfRendition(buf.getvalue(), doc.page, place.get("page", 0),
                            place.get("box", (0.0, 0.0, 0.0, 0.0)))


@functools.lru_cache(maxsize=None)
def _sign_space_class():
    from reportlab.platypus import Flowable

    class SignSpace(Flowable):
        """The blank lines where the signature goes; notes where it was drawn."""

        def __init__(self, width: float, height: float, place: dict):
            super().__init__()
            self.width, self.height, self.place = width, height, place

        def wrap(self, avail_width, avail_height):
            return self.width, self.height

        def draw(self) -> None:
            x, y = self.canv.absolutePosition(0, 0)
            self.place["page"] = self.canv.getPageNumber() - 1
            self.place["box"] = (x, y, x + self.width, y + self.height)

    return SignSpace


def _SignSpace(width, height, place):  # noqa: N802 - a flowable made on demand (ReportLab loads lazily)
    return _sign_space_class()(width, height, place)


def build_pdf(data: ReportData, draft: bool) -> PdfRendition:
    """The PDF of the report (a draft marks empty sections and says DỰ THẢO)."""
    if not draft:
        check_final(data)
    return _Builder(data, draft).build()
