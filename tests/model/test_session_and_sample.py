"""The wizard's flow as plain data (no Qt), the completeness rules, samples."""

import datetime as dt
import random
import unicodedata

from model.app import create_sample
from model.report import (COMPLETE, EMPTY, IN_PROGRESS, Identity, doc_number_line, missing_items,
                          party_date, progress, section_state)
from model.sample import make_sample
from model.session import IDENTITY_PAGE, REVIEW_PAGE, ReportSession


def test_party_dates():
    assert party_date(dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert party_date(dt.date(2023, 7, 20)) == "ngày 20 tháng 7 năm 2023"
    assert party_date(dt.date(2024, 1, 1)) == "ngày 01 tháng 01 năm 2024"
    assert party_date(dt.date(2024, 12, 9)) == "ngày 09 tháng 12 năm 2024"


def test_doc_number():
    assert doc_number_line(Identity(doc_number="45")) == "Số 45-BC/ĐU"
    assert doc_number_line(Identity(doc_number="7")) == "Số 07-BC/ĐU"
    assert doc_number_line(Identity(doc_number="")) == "Số     -BC/ĐU"


def test_section_states(outline):
    sec = outline.section("p1.III.4")
    assert section_state(sec, {}) == EMPTY
    answers = {"tiep_dan": "Đã tiếp dân định kỳ."}
    assert section_state(sec, answers) == IN_PROGRESS
    answers.update(buoi_tiep_dan="24", luot_tiep_dan="1.200", don_thu_nhan="40",
                   don_thu_giai_quyet="38", khieu_kien_dong_nguoi="0")
    assert section_state(sec, answers) == COMPLETE
    answers["don_thu_giai_quyet"] = "41"  # more resolved than received
    assert section_state(sec, answers, {"don_thu_nhan": 40}) == IN_PROGRESS


def test_missing_items_name_identity_and_sections(outline):
    items = missing_items(outline, Identity(), {})
    texts = [m.text for m in items]
    assert any("đơn vị báo cáo" in t for t in texts)
    assert any(m.section_id == "p1.II" and m.field_id == "phoi_hop" for m in items)
    assert any(m.field_id == "dan_so" for m in items)
    assert not any(m.field_id == "de_tai_de_an" for m in items)  # optional


def test_samples_are_complete_consistent_and_varied(outline):
    seen = set()
    for seed in range(12):
        unit = random.Random(seed).choice(["Xã Hòa An", "Phường Tân Lợi", "Xã Ea Tu"])
        ident, answers = make_sample(outline, unit, "Đắk Lắk", seed)
        assert missing_items(outline, ident, answers) == []
        assert progress(outline, answers) == (15, 15)
        seen.add(answers["tinh_hinh_chung"] + answers["dan_so"])
        for text in answers.values():
            assert unicodedata.is_normalized("NFC", text)
    assert len(seen) == 12
    a = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    b = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    assert a == b  # the same seed and unit give the same report


def test_session_flow_and_autosave(store, outline):
    rid = store.create_report(outline, Identity())
    s = ReportSession(store, outline, rid)
    assert s.current == IDENTITY_PAGE and s.previous_page() is None
    assert s.page_ids[-1] == REVIEW_PAGE and len(s.page_ids) == 17
    s.go(s.next_page())
    assert s.current == "p1.I.1"
    s.set_answer("tinh_hinh_chung", unicodedata.normalize("NFD", "Xã có 12 thôn, buôn"))
    s.set_answer("dan_so", "12.345")
    s.set_identity(unit="ĐẢNG ỦY XÃ EA TU")
    assert s.dirty
    assert s.flush() and not s.dirty
    again = ReportSession(store, outline, rid)
    assert again.current == "p1.I.1"
    assert again.answers["tinh_hinh_chung"] == "Xã có 12 thôn, buôn"
    assert again.identity.unit == "ĐẢNG ỦY XÃ EA TU"
    assert again.check_stat("dan_so").value == 12345


def test_failed_flush_keeps_edits(store, outline, monkeypatch):
    rid = store.create_report(outline, Identity())
    s = ReportSession(store, outline, rid)
    s.set_answer("bai_hoc", "Bài học quý")

    def boom(*a, **k):
        import sqlite3
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "save_answers", boom)
    try:
        s.flush()
    except Exception:
        pass
    assert s.pending == {"bai_hoc": "Bài học quý"}
    monkeypatch.undo()
    s.flush()
    assert store.get_answers(rid)["bai_hoc"] == "Bài học quý"


def test_create_sample_in_store(store, outline):
    rid = create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 3)
    r = store.get_report(rid)
    assert r.identity.unit == "ĐẢNG ỦY XÃ HÒA AN"
    assert r.identity.superior == "ĐẢNG BỘ TỈNH ĐẮK LẮK"
    assert progress(outline, r.answers) == (15, 15)


def test_a_past_deadline_is_a_hint(outline, monkeypatch):
    from model import report
    from model.report import default_identity, deadline_warning

    ident = default_identity(outline, dt.date(2026, 11, 28))
    assert ident.deadline == dt.date(2023, 7, 20)  # the outline's 2023 plan
    assert deadline_warning(ident, dt.date(2026, 11, 28)) == \
        "Hạn nộp 20/07/2023 đã qua; hãy kiểm tra lại hạn nộp của đợt này."
    assert deadline_warning(ident, dt.date(2023, 7, 20)) == ""  # the day itself is not past
    monkeypatch.setattr(report, "TODAY", lambda: dt.date(2023, 7, 1))  # the model's clock
    assert deadline_warning(ident) == ""
    assert deadline_warning(Identity()) == ""
    # a hint, not a rule: nothing is missing because of it
    assert not [m for m in missing_items(outline, ident, {}) if "hạn nộp" in m.text.lower()]
