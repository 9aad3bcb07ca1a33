"""The Party document format in one table (Quy định 66-QĐ/TW, Hướng dẫn
36-HD/VPTW; Quy định 399-QĐ/TW of 2026 repeats the figures as far as known).

Figures marked (≈) were confirmed only by secondary sources: a province may
adjust them here without touching the code that builds the document.
"""

from docx.shared import Mm, Pt

STYLE = {
    # page
    "page_width": Mm(210),
    "page_height": Mm(297),
    "margin_top": Mm(20),  # (≈)
    "margin_bottom": Mm(20),  # (≈)
    "margin_left": Mm(30),  # (≈)
    "margin_right": Mm(15),  # (≈)
    "header_distance": Mm(10),
    "font": "Times New Roman",
    # header block
    "header_left_width": Mm(75),
    "header_right_width": Mm(90),
    "superior_size": Pt(14),
    "unit_size": Pt(14),
    "number_size": Pt(14),
    "party_name_size": Pt(15),
    "place_date_size": Pt(14),
    # title
    "title_size": Pt(16),
    "subject_size": Pt(14),
    "title_space_before": Pt(18),
    # body
    "body_size": Pt(14),
    "first_line_indent": Mm(10),
    "space_after": Pt(6),
    "line_spacing_at_least": Pt(20),  # (≈) Party practice "Exactly" 18–22 pt; at-least never clips Ấ, Ỗ
    "heading_space_before": Pt(6),
    "part_space_before": Pt(12),
    # tables of statistics
    "table_size": Pt(13),
    "table_cell_pad": Pt(2),
    "table_widths": (Mm(12), Mm(88), Mm(30), Mm(35)),  # TT, chỉ tiêu, đơn vị tính, số liệu
    # signature and recipients
    "sign_left_width": Mm(80),
    "sign_right_width": Mm(85),
    "recipients_title_size": Pt(14),
    "recipients_size": Pt(12),
    "sign_size": Pt(14),
    "sign_blank_lines": 4,
    # page numbers: centred in the top margin, not on the first page (≈)
    "page_number_size": Pt(14),
    # marks for missing content in a draft
    "missing_text": "[Chưa có nội dung]",
    "missing_number": "[Chưa có số liệu]",
    "fingerprint_size": Pt(9),
    # the PDF rendition (export/pdf_report.py): what the DOCX leaves to Word
    "single_line": 1.15,  # height of a "single" line in font sizes (Times New Roman)
    "cell_pad_x": Pt(5.4),  # Word's default left and right cell margin (0.19 cm)
    "rule_width": Pt(0.5),  # table borders
    "draft_mark": "DỰ THẢO",  # on the first page of a draft, in a box at the top right
    "draft_mark_size": Pt(14),
    "draft_mark_width": Mm(32),  # the DOCX's box around it
    "language": "vi-VN",  # of every run: Word checks spelling in Vietnamese
    "stamp_size": Pt(9),  # text of the visible digital-signature stamp
}
