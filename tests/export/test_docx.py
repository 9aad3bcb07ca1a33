"""Read the exported DOCX back and check the Party format."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from export.docx_report import MissingContent, docx_bytes
from export.style import STYLE


def _doc(data, draft=False):
    return Document(io.BytesIO(docx_bytes(data, draft)))


def _all_runs(doc):
    for p in doc.paragraphs:
        yield from p.runs
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs
    for s in doc.sections:
        for part in (s.header, s.first_page_header):
            for p in part.paragraphs:
                yield from p.runs


def _texts(doc):
    return [p.text for p in doc.paragraphs]


def test_page_and_margins(sample_data):
    sec = _doc(sample_data).sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)
    assert abs(sec.top_margin - Mm(20)) < Mm(0.1) and abs(sec.bottom_margin - Mm(20)) < Mm(0.1)
    assert abs(sec.left_margin - Mm(30)) < Mm(0.1) and abs(sec.right_margin - Mm(15)) < Mm(0.1)


def test_every_run_is_times_new_roman_in_all_four_slots(sample_data):
    doc = _doc(sample_data, draft=True)
    runs = list(_all_runs(doc))
    assert len(runs) > 200
    for run in runs:
        rfonts = run._element.rPr.find(qn("w:rFonts"))
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert rfonts.get(qn(slot)) == "Times New Roman", (run.text, slot)
        assert run.font.size is not None
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "Times New Roman"


def test_header_block(sample_data):
    doc = _doc(sample_data)
    header = doc.tables[0]
    left = [p for p in header.cell(0, 0).paragraphs]
    assert [p.text for p in left] == ["ĐẢNG BỘ TỈNH ĐẮK LẮK", "ĐẢNG ỦY XÃ HÒA AN", "*"]
    assert left[0].runs[0].bold is False and left[0].runs[0].font.size == Pt(14)
    assert left[1].runs[0].bold is True
    party = header.cell(0, 1).paragraphs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.runs[0].bold and party.runs[0].underline and party.runs[0].font.size == Pt(15)
    assert header.cell(1, 0).paragraphs[0].text == "Số 45-BC/ĐU"
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Hòa An, ngày 15 tháng 7 năm 2023"
    assert date.runs[0].italic
    for cell in (header.cell(0, 0), header.cell(0, 1)):
        assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in cell.paragraphs)


@pytest.mark.parametrize("day, text", [
    (dt.date(2026, 2, 5), "Hòa An, ngày 05 tháng 02 năm 2026"),
    (dt.date(2023, 7, 20), "Hòa An, ngày 20 tháng 7 năm 2023"),
    (dt.date(2024, 1, 1), "Hòa An, ngày 01 tháng 01 năm 2024"),
])
def test_date_line(sample_data, day, text):
    sample_data.identity.date = day
    assert _doc(sample_data).tables[0].cell(1, 1).paragraphs[0].text == text


def test_blank_number_stays_blank(sample_data):
    sample_data.identity.doc_number = ""
    assert _doc(sample_data).tables[0].cell(1, 0).paragraphs[0].text == "Số     -BC/ĐU"
    sample_data.identity.doc_number = "7"
    assert _doc(sample_data).tables[0].cell(1, 0).paragraphs[0].text == "Số 07-BC/ĐU"


def test_title_and_headings_in_order(sample_data):
    doc = _doc(sample_data)
    texts = _texts(doc)
    i = texts.index("BÁO CÁO")
    assert texts[i + 1] == sample_data.outline.subject
    assert texts[i + 2] == "-----"
    title = doc.paragraphs[i]
    assert title.runs[0].bold and title.runs[0].font.size == Pt(16)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    expected = []
    for s in sample_data.outline.sections:
        expected += [s.number, s.heading.upper()] if s.level == 1 else [s.title]
    positions = [texts.index(h) for h in expected]
    assert positions == sorted(positions)
    part = doc.paragraphs[texts.index("Phần thứ nhất")]
    assert part.alignment == WD_ALIGN_PARAGRAPH.CENTER and part.runs[0].bold


def test_body_paragraphs_many_lines_and_bullets(sample_data):
    text = "\n".join([f"Đoạn thứ {i}: Đảng ủy lãnh đạo thực hiện tốt công tác dân vận." for i in range(30)]
                     + ["- Gạch đầu dòng một;", "+ Ý phụ;", "", "- Gạch đầu dòng hai."])
    sample_data.answers["bai_hoc"] = text
    doc = _doc(sample_data)
    texts = _texts(doc)
    start = texts.index("V- BÀI HỌC KINH NGHIỆM")
    body = texts[start + 1:start + 34]
    assert body == [ln for ln in text.split("\n") if ln]
    p = doc.paragraphs[start + 1]
    assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(p.paragraph_format.first_line_indent - STYLE["first_line_indent"]) < Mm(0.1)
    assert p.paragraph_format.space_after >= Pt(6)
    assert p.runs[0].font.size == Pt(14)


def test_statistics_in_vietnamese_format(sample_data):
    sample_data.answers.update(dan_so="13.456", ty_le_ho_ngheo="1,51", dien_tich="1.234,5",
                               so_ho="3.000", tin_do="1.000", dang_vien="500")
    doc = _doc(sample_data)
    table = next(t for t in doc.tables if t.cell(0, 1).text == "Chỉ tiêu")
    rows = {r.cells[1].text: r.cells[3] for r in table.rows[1:]}
    assert rows["Dân số"].text == "13.456"
    assert rows["Tỷ lệ hộ nghèo"].text == "1,51%"
    assert rows["Diện tích tự nhiên"].text == "1.234,5"
    assert rows["Dân số"].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert all(r.bold for r in table.rows[0].cells[0].paragraphs[0].runs)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:insideH")).get(qn("w:val")) == "single"


def test_signature_and_recipients(sample_data):
    doc = _doc(sample_data)
    sig = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    left = [p.text for p in sig.cell(0, 0).paragraphs]
    assert left == ["Nơi nhận:", "- Ban Thường vụ Tỉnh ủy (để báo cáo),", "- Ban Dân vận Tỉnh ủy,",
                    "- Lưu Văn phòng Đảng ủy."]
    assert sig.cell(0, 0).paragraphs[0].runs[0].underline
    assert sig.cell(0, 0).paragraphs[1].runs[0].font.size == Pt(12)
    right = [p.text for p in sig.cell(0, 1).paragraphs if p.text]
    assert right == ["T/M ĐẢNG ỦY", sample_data.identity.position, "Nguyễn Văn An"]
    assert sig.cell(0, 1).paragraphs[0].runs[0].bold
    assert sig.cell(0, 1).paragraphs[-1].runs[0].bold


def test_page_numbers_from_page_two(sample_data):
    sec = _doc(sample_data).sections[0]
    assert sec.different_first_page_header_footer
    xml = sec.header._element.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
    assert sec.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in sec.first_page_header._element.xml


def test_draft_marks_empty_sections(sample_data):
    sample_data.answers["bai_hoc"] = ""
    sample_data.answers["phoi_hop"] = "   "
    sample_data.answers["dan_so"] = ""
    doc = _doc(sample_data, draft=True)
    texts = _texts(doc)
    i = texts.index("V- BÀI HỌC KINH NGHIỆM")
    assert texts[i + 1] == "[Chưa có nội dung]"
    assert any(t.startswith("[Chưa có nội dung] — Việc phối hợp") for t in texts)
    table = next(t for t in doc.tables if t.cell(0, 1).text == "Chỉ tiêu")
    assert {r.cells[1].text: r.cells[3].text for r in table.rows[1:]}["Dân số"] == "[Chưa có số liệu]"


def test_final_refuses_and_lists_what_is_missing(sample_data):
    sample_data.answers["bai_hoc"] = ""
    sample_data.answers["dang_vien"] = "3.5"
    with pytest.raises(MissingContent) as err:
        docx_bytes(sample_data, draft=False)
    msg = err.value.message
    assert "V- BÀI HỌC KINH NGHIỆM: chưa có nội dung" in msg
    assert "Số đảng viên" in msg
    assert {m.field_id for m in err.value.items} == {"bai_hoc", "dang_vien"}


def test_appendix(sample_data):
    doc = _doc(sample_data)
    texts = _texts(doc)
    assert "BIỂU THỐNG KÊ" in texts
    sub = texts[texts.index("BIỂU THỐNG KÊ") + 1]
    assert sub == "(Kèm theo Báo cáo số 45-BC/ĐU ngày 15 tháng 7 năm 2023 của Đảng ủy xã Hòa An)"
    appendix = doc.tables[-1]
    labels = [r.cells[1].text for r in appendix.rows]
    assert len([l for l in labels if l]) >= len(sample_data.outline.stat_fields())


def test_nfd_emoji_and_control_characters(sample_data):
    import unicodedata

    sample_data.answers["bai_hoc"] = unicodedata.normalize("NFD", "Bài học: lấy dân làm gốc") + " 🙂\x07\x0b"
    doc = _doc(sample_data)
    texts = _texts(doc)
    i = texts.index("V- BÀI HỌC KINH NGHIỆM")
    assert texts[i + 1] == "Bài học: lấy dân làm gốc 🙂"


# ------------------------------------------------ a document nobody sends back (issue 16)

def test_no_table_row_splits_and_statistics_headers_repeat(sample_data):
    doc = _doc(sample_data)
    for table in doc.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    stats = [t for t in doc.tables if t.rows[0].cells[0].text == "TT"]
    assert stats and all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in stats)


def test_signature_block_is_one_row_kept_whole(sample_data):
    doc = _doc(sample_data)
    sign = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    assert len(sign.rows) == 1 and sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    # the paragraph before it is kept with it
    body = doc.element.body
    before = sign._tbl.getprevious()
    assert before.tag == qn("w:p") and before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    assert body is not None


def test_draft_has_the_draft_mark_and_the_final_has_not(sample_data):
    def first_header_text(doc):
        hdr = doc.sections[0].first_page_header
        return " ".join(c.text for t in hdr.tables for row in t.rows for c in row.cells)
    assert "DỰ THẢO" in first_header_text(_doc(sample_data, draft=True))
    assert "DỰ THẢO" not in first_header_text(_doc(sample_data, draft=False))


def test_vietnamese_language_widow_control_and_no_compatibility_mode(sample_data):
    raw = docx_bytes(sample_data, False)
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(raw))
    styles, settings = z.read("word/styles.xml").decode(), z.read("word/settings.xml").decode()
    assert 'w:lang w:val="vi-VN"' in styles and "en-US" not in styles
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    doc = Document(io.BytesIO(raw))
    assert doc.styles["Normal"].paragraph_format.widow_control is True


def test_lead_in_lines_keep_with_next_and_outline_points_are_printed(sample_data):
    outline = sample_data.outline
    section = next(s for s in outline.pages if len(s.texts) >= 2)
    f = section.texts[0]
    sample_data.answers[f.id] = "Một số kết quả nổi bật:\n- Kết quả một."
    doc = _doc(sample_data)
    paras = {p.text: p for p in doc.paragraphs}
    assert paras["Một số kết quả nổi bật:"].paragraph_format.keep_with_next
    lead = next(p for p in doc.paragraphs if p.text.startswith("- " + f.label[:30]))
    assert lead.paragraph_format.keep_with_next and lead.runs[0].italic


def test_blank_number_in_the_appendix_note(sample_data):
    sample_data.identity.doc_number = ""
    texts = _texts(_doc(sample_data))
    note = next(t for t in texts if t.startswith("(Kèm theo"))
    assert note.startswith("(Kèm theo Báo cáo số     -BC/ĐU ngày 15 tháng 7 năm 2023")
