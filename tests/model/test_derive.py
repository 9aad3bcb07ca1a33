"""Reports made from other reports (model/derive), expected units of several
kinds with their deadlines, and the headless commands new / new-from-received."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from export import actions
from model.derive import identity_for, section_contributions
from model.outline import OutlineCatalog, default_outline, load_outline
from model.receiving import ReceivingStore
from model.report import identity_missing
from model.store import MARK_PREFILLED, MARK_REVIEW

ROOT = Path(__file__).resolve().parents[2]


def _received(rs, unit, stats, texts, n):
    """A package as export/receive stores it once verified (intact, key not yet confirmed)."""
    o = default_outline()
    return rs.add(package_sha256=f"{n:064x}", file_name=f"{n}.zip", verdict="intact", verdict_label="",
                  details=[], unit=unit, subject=unit, fingerprint=f"fp{n}", report_id=f"r{n}", revision=1,
                  report_date="2023-07-10", outline_id=o.id, outline_version=o.version, signed_at="",
                  data={"statistics": {k: {"value": v} for k, v in stats.items()}, "texts": texts})


def test_identity_wording_by_level():
    o = default_outline()
    tinh = identity_for(o, "Tỉnh ủy Đắk Lắk")
    assert (tinh.unit, tinh.superior, tinh.on_behalf, tinh.doc_code) == \
        ("TỈNH ỦY ĐẮK LẮK", "", "T/M BAN THƯỜNG VỤ", "BC/TU")
    assert tinh.deadline == dt.date(2023, 8, 20) and "Lưu Văn phòng Tỉnh ủy" in tinh.recipients
    assert "Cấp trên" not in identity_missing(tinh)  # no line above a provincial committee
    xa = identity_for(o, "Xã Hòa An", "Đắk Lắk")
    assert (xa.unit, xa.superior, xa.on_behalf) == ("ĐẢNG ỦY XÃ HÒA AN", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "T/M ĐẢNG ỦY")
    assert "Cấp trên" in identity_missing(identity_for(o, "Xã Hòa An"))


def test_own_report_from_received(store):
    rs = ReceivingStore(store)
    _received(rs, "ĐẢNG ỦY XÃ A", {"dan_so": 1000, "so_ho": 250, "ty_le_ho_ngheo": 10.0, "dan_toc": 12},
              {"tinh_hinh_chung": "Xã A có nhiều dân tộc."}, 1)
    _received(rs, "ĐẢNG ỦY XÃ B", {"dan_so": 3000, "so_ho": 750, "ty_le_ho_ngheo": 2.0, "dan_toc": 9},
              {"tinh_hinh_chung": "Xã B ven sông."}, 2)
    catalog = OutlineCatalog()
    rid, lines = actions.new_from_received(store, catalog, "Tỉnh ủy Đắk Lắk")
    answers = store.get_report(rid).answers
    assert answers["dan_so"] == "4.000" and answers["so_ho"] == "1.000"
    assert answers["ty_le_ho_ngheo"] == "4"  # (10×250 + 2×750) / 1000, not the average 6
    assert "dan_toc" not in answers and "Số dân tộc cùng sinh sống" in lines[1]
    marks = store.marks(rid, MARK_PREFILLED)
    assert "2 đơn vị" in marks["dan_so"] and "tự nhập" in marks["dan_toc"]
    report = store.get_report(rid)
    outline = catalog.for_report(report)
    assert report.upper_level and outline.field("don_vi_hanh_chinh").max > 500  # a province has more
    items = section_contributions(rs, outline, outline.section_of("tinh_hinh_chung").id)
    assert [(c.unit, c.text) for c in items] == [("Đảng ủy xã A", "Xã A có nhiều dân tộc."),
                                                  ("Đảng ủy xã B", "Xã B ven sông.")]
    data = actions.load(store, catalog, rid)
    assert data.identity.unit == "TỈNH ỦY ĐẮK LẮK"


def test_nothing_received_is_told(store):
    from model.errors import UserError

    with pytest.raises(UserError, match="Chưa có báo cáo hợp lệ"):
        actions.new_from_received(store, OutlineCatalog(), "Tỉnh ủy Đắk Lắk")


def test_new_report_from_another_outline_copies_by_id(store):
    catalog = OutlineCatalog()
    small = catalog.install(ROOT / "tests" / "data" / "small-outline.toml")
    source = actions.create_sample(store, catalog, "Xã Hòa An", "Đắk Lắk", 1,
                                   str(ROOT / "tests" / "data" / "small-outline.toml"))
    rid, lines = actions.new_report(store, catalog, "Xã Hòa An", "Đắk Lắk", None, source)
    copied = store.get_report(rid).answers
    assert copied == {}  # nothing of the small outline has the same id in the shipped one
    assert "Không chép được" in lines[1] and "ket_qua" in lines[1]
    same = actions.create_sample(store, catalog, "Xã Hòa An", "Đắk Lắk", 2)
    rid2, lines2 = actions.new_report(store, catalog, "", "", None, same)
    new = store.get_report(rid2)
    assert new.answers == store.get_report(same).answers and new.identity.doc_number == ""
    assert new.identity.unit == "ĐẢNG ỦY XÃ HÒA AN"
    review = store.marks(rid2, MARK_REVIEW)
    assert set(review) == {s.id for s in default_outline().pages} and "đọc lại" in review["p1.I.1"]
    assert small.key != default_outline().key


def test_units_of_several_kinds_and_their_deadlines(store):
    rs = ReceivingStore(store)
    refused = rs.set_expected(["Xã Hòa An", "Ban cán sự đảng UBND tỉnh", "Đảng đoàn HĐND tỉnh | 05/8/2023",
                               "Sở Tài chính | không phải ngày"])
    assert refused == ["Sở Tài chính | không phải ngày"]
    board = {b["unit"]: b for b in rs.board(default_outline(), today=dt.date(2023, 7, 25))}
    assert board["Xã Hòa An"]["deadline"] == dt.date(2023, 7, 20)
    assert board["Xã Hòa An"]["late"] == "quá hạn 5 ngày"
    assert board["Ban cán sự đảng UBND tỉnh"]["kind"] == "ban_can_su"
    assert board["Ban cán sự đảng UBND tỉnh"]["deadline"] == dt.date(2023, 8, 1)
    assert board["Ban cán sự đảng UBND tỉnh"]["late"] == ""
    assert board["Đảng đoàn HĐND tỉnh"]["deadline"] == dt.date(2023, 8, 5)
    assert rs.expected_lines()[2] == "Đảng đoàn HĐND tỉnh | 05/08/2023"
    _received(rs, "Xã Hòa An", {"dan_so": 5}, {}, 9)  # received today: long after 20/7/2023
    assert rs.board(default_outline())[0]["late"].startswith("nộp muộn")


def test_headless_new_and_new_from_received(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    main = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "d")]

    def run(*args):
        return subprocess.run(main + list(args), capture_output=True, text=True, env=env)

    first = run("sample", "--unit", "Xã Hòa An").stdout.split()[-1]
    r = run("new", "--unit", "Xã Hòa Phú", "--province", "Đắk Lắk", "--from", first)
    assert r.returncode == 0 and r.stdout.strip().isdigit() and "chép" in r.stderr
    r = run("export", r.stdout.strip(), "--out", str(tmp_path / "o"), "--draft")
    assert r.returncode == 0, r.stderr
    r = run("new", "--unit", "Tỉnh ủy Đắk Lắk", "--province", "Đắk Lắk")
    assert r.returncode == 0 and r.stdout.strip().isdigit()
    r = run("new-from-received", "--unit", "Tỉnh ủy Đắk Lắk")
    assert r.returncode == 1 and "Chưa có báo cáo hợp lệ" in r.stderr and "Traceback" not in r.stderr
