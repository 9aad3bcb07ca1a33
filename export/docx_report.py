"""The report as a DOCX in the Party document format, built with python-docx.

All figures come from export/style.py.  Every run carries Times New Roman in
all four OOXML font slots, so that Word never falls back to a theme font.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import cached_property

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

from export.style import STYLE
from model.outline import Outline, Section
from model.report_view import ReportView
from model.report import (Identity, Missing, appendix_note, doc_number_line, is_lead_in,
                          missing_items, missing_text_label, place_date_line, recipient_lines,
                          text_lead)
from model.errors import UserError
from model.text import clean, xml_safe
from model.trust import key_text

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


class MissingContent(UserError):
    """The final export refuses while required content is missing."""

    def __init__(self, items: list[Missing]):
        self.items = items
        lines = "\n".join(f"- {m.text}" for m in items[:30])
        more = f"\n… và {len(items) - 30} chỗ khác." if len(items) > 30 else ""
        super().__init__(
            "Báo cáo còn thiếu nội dung nên chưa xuất bản chính thức được. "
            "Hãy bổ sung các chỗ sau (hoặc xuất bản nháp để góp ý):\n" + lines + more
        )


@dataclass
class ReportData:
    """Everything the exporters need, read from the store in one go."""

    outline: Outline
    identity: Identity
    answers: dict[str, str]
    uuid: str = ""
    report_id: int = 0
    revision: int = 0
    fingerprint: str = ""  # key id of the signer's public key, printed small at the end

    @cached_property
    def view(self) -> ReportView:
        """The report parsed once, for every rendition (model/report_view)."""
        return ReportView(self.outline, self.answers)


# ------------------------------------------------------------ primitives ---

def _fonts(rpr_parent) -> None:
    """Times New Roman in w:ascii, w:hAnsi, w:eastAsia and w:cs; no theme fonts."""
    rpr = rpr_parent.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), STYLE["font"])
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(theme)) is not None:
            del rfonts.attrib[qn(theme)]


def _run(paragraph, text: str, size, bold=None, italic=None, underline=None, color=None):
    """A run in Times New Roman; a property left None is inherited (black,
    regular: set once on the Normal style), which keeps the XML small."""
    run = paragraph.add_run(xml_safe(text))
    _fonts(run._element)
    f = run.font
    f.size = size
    if bold is not None:
        f.bold = bold
    if italic:
        f.italic = True
    if underline:
        f.underline = True
    if color is not None:
        f.color.rgb = color
    return run


def _para(container, text: str = "", *, size=None, bold=None, italic=False, underline=False,
          align="justify", indent=False, before=None, after=None, color=None, keep_next=False):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    p.alignment = ALIGN[align]
    fmt.first_line_indent = STYLE["first_line_indent"] if indent else 0
    fmt.space_before = before if before is not None else 0
    fmt.space_after = after if after is not None else 0
    fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    fmt.line_spacing = STYLE["line_spacing_at_least"]
    fmt.keep_with_next = keep_next
    if text:
        _run(p, text, size or STYLE["body_size"], bold, italic, underline, color)
    return p


def _cell_para(cell, text, *, size, bold=None, italic=False, underline=False, align="center",
               first=False, pad=0):
    """A paragraph in a table cell (the cell's own empty paragraph first)."""
    if first and cell.paragraphs and not cell.paragraphs[0].text:
        p = cell.paragraphs[0]
    else:
        p = cell.add_paragraph()
    p.alignment = ALIGN[align]
    fmt = p.paragraph_format
    fmt.space_before = pad
    fmt.space_after = pad
    fmt.first_line_indent = 0
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if text:
        _run(p, text, size, bold, italic, underline)
    return p


def _borders(table, visible: bool = True) -> None:
    """Thin black borders on every edge, or none at all (layout tables)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if visible else "nil")
        if visible:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, widths, rows=None) -> None:
    """Column widths on the table's grid and on the cells of rows (default:
    every row)."""
    table.autofit = False
    for row in table.rows if rows is None else rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    for col, w in zip(table.columns, widths):
        col.width = w


def _page_number_header(section) -> None:
    section.different_first_page_header_footer = True
    header = section.header
    p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = _run(p, "", STYLE["page_number_size"])
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            run.text = text
    # the first page's header stays empty: no number on page 1
    first = section.first_page_header
    if not first.paragraphs:
        first.add_paragraph()


def _setup(doc) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width = STYLE["page_width"]
    sec.page_height = STYLE["page_height"]
    sec.top_margin = STYLE["margin_top"]
    sec.bottom_margin = STYLE["margin_bottom"]
    sec.left_margin = STYLE["margin_left"]
    sec.right_margin = STYLE["margin_right"]
    sec.header_distance = STYLE["header_distance"]
    normal = doc.styles["Normal"]
    normal.font.name = STYLE["font"]
    normal.font.size = STYLE["body_size"]
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(normal.element)
    # document defaults too, so that tables and headers inherit the font
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPr"))
            if rpr is not None:
                rfonts = rpr.find(qn("w:rFonts"))
                if rfonts is None:
                    rfonts = OxmlElement("w:rFonts")
                    rpr.insert(0, rfonts)
                for attr in list(rfonts.attrib):
                    del rfonts.attrib[attr]
                for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                    rfonts.set(qn(slot), STYLE["font"])
    normal.paragraph_format.widow_control = True  # no line alone at a page's foot or head
    _language(doc)
    props = doc.core_properties
    props.author = "TongKet"
    props.comments = ""


def _language(doc) -> None:
    """Vietnamese as the language of every run (Word checks spelling in
    Vietnamese, not English), and Word 2013+ layout (no compatibility mode)."""
    for lang in doc.styles.element.iter(qn("w:lang")):
        for attr in ("w:val", "w:eastAsia"):
            lang.set(qn(attr), STYLE["language"])
    settings = doc.settings.element
    for font_lang in settings.iter(qn("w:themeFontLang")):
        font_lang.set(qn("w:val"), STYLE["language"])
        font_lang.set(qn("w:eastAsia"), STYLE["language"])
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    for proof in settings.findall(qn("w:proofState")):  # "already checked" would hide the check
        settings.remove(proof)


def _keep_rows(table, together: bool = False) -> None:
    """No row of the table split across two pages; with together, the whole
    table on one page (each row kept with the next)."""
    rows = table.rows
    for i, row in enumerate(rows):
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))
        if together and i < len(rows) - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def _draft_mark(section) -> None:
    """'DỰ THẢO' in a box at the top right of the first page, as in the PDF."""
    header = section.first_page_header
    table = header.add_table(rows=1, cols=1, width=STYLE["draft_mark_width"])
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    _borders(table)
    _widths(table, (STYLE["draft_mark_width"],))
    _cell_para(table.rows[0].cells[0], STYLE["draft_mark"], size=STYLE["draft_mark_size"], bold=True,
               first=True, pad=STYLE["table_cell_pad"])


# -------------------------------------------------------------- blocks ---

def _header_block(doc, ident: Identity) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, visible=False)
    left_w, right_w = STYLE["header_left_width"], STYLE["header_right_width"]
    _widths(table, (left_w, right_w))
    top_left, top_right = table.rows[0].cells
    bottom_left, bottom_right = table.rows[1].cells
    _cell_para(top_left, ident.superior.upper(), size=STYLE["superior_size"], bold=False, first=True)
    _cell_para(top_left, ident.unit.upper(), size=STYLE["unit_size"], bold=True)
    _cell_para(top_left, "*", size=STYLE["unit_size"])
    _cell_para(top_right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=STYLE["party_name_size"], bold=True,
               underline=True, first=True)
    _cell_para(bottom_left, doc_number_line(ident), size=STYLE["number_size"], first=True)
    _cell_para(bottom_right, place_date_line(ident), size=STYLE["place_date_size"], italic=True,
               first=True)
    _keep_rows(table, together=True)


def _title(doc, outline: Outline) -> None:
    _para(doc, "BÁO CÁO", size=STYLE["title_size"], bold=True, align="center",
          before=STYLE["title_space_before"], keep_next=True)
    _para(doc, outline.subject, size=STYLE["subject_size"], bold=True, align="center", keep_next=True)
    _para(doc, "-----", align="center", after=STYLE["space_after"] * 2)


def _missing_mark(doc, text: str) -> None:
    p = _para(doc, "", indent=True, after=STYLE["space_after"])
    run = _run(p, text, STYLE["body_size"], bold=True, italic=True, color=RGBColor(0xC0, 0, 0))
    highlight = OxmlElement("w:highlight")
    highlight.set(qn("w:val"), "yellow")
    run._element.get_or_add_rPr().append(highlight)


def _text_block(doc, text: str) -> None:
    for line in clean(text).split("\n"):
        line = line.strip()
        if line:  # "Một số kết quả nổi bật:" stays with what it introduces
            _para(doc, line, indent=True, after=STYLE["space_after"], keep_next=is_lead_in(line))


def stat_cell_text(stat, view, draft: bool) -> str:
    return view.cell_text(stat.id, draft, STYLE["missing_number"])


def _stats_table(doc, rows: list[tuple[str | None, object]], view, draft: bool) -> None:
    """rows: (group title, None) for a group row, or (None, StatField)."""
    size, pad = STYLE["table_size"], STYLE["table_cell_pad"]
    table = doc.add_table(rows=1, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    for cell, text in zip(table.rows[0].cells, ("TT", "Chỉ tiêu", "Đơn vị tính", "Số liệu")):
        _cell_para(cell, text, size=size, bold=True, first=True, pad=STYLE["table_cell_pad"])
    # repeat the header row on every page
    _keep_rows(table)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    _widths(table, STYLE["table_widths"], [table.rows[0]])
    # The first row of each kind is built through python-docx; the others are
    # copies of its XML with their texts put in (a sample's tables have 240
    # rows: this keeps the export within its time).
    templates: dict[str, object] = {}

    def add(kind: str, texts: list[str]) -> None:
        if kind in templates:
            tr = copy.deepcopy(templates[kind])
            for t, text in zip(tr.iter(qn("w:t")), texts):
                t.text = xml_safe(text)
                t.set(qn("xml:space"), "preserve")
            table._tbl.append(tr)
            return
        row = table.add_row()
        cells = row.cells
        if kind == "group":
            merged = cells[0].merge(cells[3])
            _cell_para(merged, texts[0] or " ", size=size, bold=True, align="left", first=True, pad=pad)
        else:
            for cell, text, align in zip(cells, texts, ("center", "left", "center", "right")):
                _cell_para(cell, text or " ", size=size, align=align, first=True, pad=pad)
        _widths(table, STYLE["table_widths"], [row])
        _keep_rows(table)
        templates[kind] = copy.deepcopy(row._tr)
        for t, text in zip(row._tr.iter(qn("w:t")), texts):
            t.text = xml_safe(text)

    n = 0
    for group, stat in rows:
        if group is not None:
            add("group", [group])
            continue
        n += 1
        add("stat", [str(n), stat.label, stat.unit, stat_cell_text(stat, view, draft)])
    _para(doc, "", after=STYLE["space_after"])


def _section(doc, section: Section, data: ReportData, draft: bool) -> None:
    if section.level == 1:
        _para(doc, section.number, bold=True, align="center", before=STYLE["part_space_before"],
              keep_next=True)
        _para(doc, section.heading.upper(), bold=True, align="center", after=STYLE["space_after"],
              keep_next=True)
        return
    _para(doc, section.title, bold=True, indent=True, before=STYLE["heading_space_before"],
          after=STYLE["space_after"], keep_next=True)
    for f in section.texts:
        text = data.answers.get(f.id, "")
        if clean(text).strip():
            lead = text_lead(section, f)
            if lead:  # which point of the outline this text answers
                _para(doc, lead, italic=True, indent=True, after=STYLE["space_after"], keep_next=True)
            _text_block(doc, text)
        elif draft:
            _missing_mark(doc, STYLE["missing_text"] + missing_text_label(section, f))
    if section.stats:
        _stats_table(doc, [(None, st) for st in section.stats], data.view, draft)


def _appendix(doc, data: ReportData, draft: bool) -> None:
    p = _para(doc, "")
    _run(p, "", STYLE["body_size"]).add_break(WD_BREAK.PAGE)
    _para(doc, "BIỂU THỐNG KÊ", size=STYLE["title_size"], bold=True, align="center")
    _para(doc, appendix_note(data.identity), italic=True, align="center", after=STYLE["space_after"] * 2)
    rows = []
    for section in data.outline.sections:
        if section.stats:
            rows.append((data.outline.short_title(section), None))
            rows.extend((None, st) for st in section.stats)
    _stats_table(doc, rows, data.view, draft)


def _signature(doc, ident: Identity, fingerprint: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, visible=False)
    _widths(table, (STYLE["sign_left_width"], STYLE["sign_right_width"]))
    left, right = table.rows[0].cells
    _cell_para(left, "Nơi nhận:", size=STYLE["recipients_title_size"], underline=True, align="left",
               first=True)
    for line in recipient_lines(ident.recipients):
        _cell_para(left, line, size=STYLE["recipients_size"], align="left")
    _cell_para(right, ident.on_behalf.upper(), size=STYLE["sign_size"], bold=True, first=True)
    _cell_para(right, ident.position.upper(), size=STYLE["sign_size"], bold=True)
    for _ in range(STYLE["sign_blank_lines"]):
        _cell_para(right, "", size=STYLE["sign_size"])
    _cell_para(right, ident.signer, size=STYLE["sign_size"], bold=True)
    _keep_rows(table, together=True)  # the block is one row: never split across pages
    if fingerprint:
        _para(doc, "", after=0)
        _para(doc, key_text(fingerprint),
              size=STYLE["fingerprint_size"], align="left")


# ---------------------------------------------------------------- build ---

def check_final(data: ReportData) -> None:
    missing = missing_items(data.outline, data.identity, data.answers)
    if missing:
        raise MissingContent(missing)


def build_docx(data: ReportData, draft: bool):
    """The python-docx Document of the report (draft marks empty sections)."""
    if not draft:
        check_final(data)
    doc = Document()
    _setup(doc)
    _page_number_header(doc.sections[0])
    if draft:
        _draft_mark(doc.sections[0])
    # Document() starts with no paragraphs; the header table comes first
    _header_block(doc, data.identity)
    _title(doc, data.outline)
    for section in data.outline.sections:
        _section(doc, section, data, draft)
    _para(doc, "", after=STYLE["space_after"], keep_next=True)
    _signature(doc, data.identity, data.fingerprint)
    if data.outline.statistics_appendix and data.outline.stat_fields():
        _appendix(doc, data, draft)
    return doc


def docx_bytes(data: ReportData, draft: bool) -> bytes:
    buf = io.BytesIO()
    build_docx(data, draft).save(buf)
    return buf.getvalue()
