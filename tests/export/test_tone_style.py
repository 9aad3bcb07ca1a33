"""Export writes every text of the report in the clerk's one tone style."""

import unicodedata

from docx import Document

from export.report_export import export_files, load_report_data
from model import settings
from model.outline import OutlineCatalog
from model.report import default_identity

MIXED = "Đảng uỷ xã Hoà An lãnh đạo công tác hòa giải; Đảng ủy chỉ đạo thủy lợi, thuỷ sản."


def _report(store, outline):
    ident = default_identity(outline)
    ident.unit = "Xã Hoà An"
    rid = store.create_report(outline, ident)
    tid = outline.pages[0].texts[0].id
    store.save_answers(rid, {tid: unicodedata.normalize("NFD", MIXED)})
    return rid, tid


def _docx_text(path):
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_export_writes_one_style(store, outline, tmp_path):
    rid, tid = _report(store, outline)
    data = load_report_data(store, OutlineCatalog(), rid)
    assert data.answers[tid] == "Đảng ủy xã Hòa An lãnh đạo công tác hòa giải; Đảng ủy chỉ đạo thủy lợi, thủy sản."
    text = _docx_text(export_files(data, tmp_path / "new", draft=True).docx)
    assert "Đảng ủy xã Hòa An lãnh đạo" in text and "thủy sản" in text

    settings.set_tone_style("old")
    data = load_report_data(store, OutlineCatalog(), rid)
    assert data.answers[tid] == "Đảng uỷ xã Hoà An lãnh đạo công tác hoà giải; Đảng uỷ chỉ đạo thuỷ lợi, thuỷ sản."
    # the stored draft itself is never rewritten
    assert store.get_report(rid).answers[tid] == unicodedata.normalize("NFC", MIXED)


def test_signed_package_carries_the_same_texts(store, outline, tmp_path):
    rid, tid = _report(store, outline)
    data = load_report_data(store, OutlineCatalog(), rid)
    from export.package import report_json

    texts = report_json(data)["texts"]
    assert texts[tid].startswith("Đảng ủy xã Hòa An")
