"""The outline file: complete, verbatim, strictly validated."""

import re
import unicodedata
from pathlib import Path

import pytest

from model.outline import OutlineError, load_outline, parse_outline

ROOT = Path(__file__).resolve().parents[2]
# a copy of ../shared/reference/ke-hoach-tong-ket-nq25-kl43.txt, the plan as issued
SEED = ROOT / "tests" / "data" / "ke-hoach-tong-ket-nq25-kl43.txt"
SMALL = ROOT / "tests" / "data" / "small-outline.toml"


def _seed_lines() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    text = text[text.index("ĐỀ CƯƠNG BÁO CÁO"):]
    lines = [unicodedata.normalize("NFC", ln.replace("*", "").strip()) for ln in text.splitlines()]
    return [ln for ln in lines if ln]


def _outline_texts(outline) -> list[str]:
    """Every text of the outline in reading order, as the outline prints it."""
    out = [outline.outline_title, outline.outline_subtitle]
    for s in outline.sections:
        if s.level == 1:
            out += [s.number, s.heading]
        else:
            out.append(f"{s.number} {s.heading}")
        for f in s.texts:
            if f.label != "Nội dung":
                out.append(f"- {f.label}")
    return out


def test_every_heading_of_the_seed_outline_is_there_in_order(outline):
    seed = _seed_lines()
    # the part title spans two printed lines; the source misspells NHIỆM VỤ
    joined = []
    for ln in seed:
        if joined and joined[-1].endswith("SỐ 25") and ln.startswith("VÀ 05 NĂM"):
            joined[-1] += " " + ln
        else:
            joined.append(ln)
    joined = [re.sub(r"^HIỆM VỤ", "NHIỆM VỤ", ln) for ln in joined]
    assert joined == _outline_texts(outline)


def test_shape_of_the_builtin_outline(outline):
    ids = [s.id for s in outline.sections]
    assert ids == ["p1", "p1.I", "p1.I.1", "p1.I.2", "p1.II", "p1.III"] + \
        [f"p1.III.{i}" for i in range(1, 9)] + ["p1.IV", "p1.V", "p2", "p2.1", "p2.2"]
    assert len(outline.section("p1.I.1").texts) == 2
    assert len(outline.section("p1.II").texts) == 4
    assert len(outline.pages) == 15
    assert outline.key == "nq25-kl43-dan-van@1"
    assert outline.defaults.deadline.isoformat() == "2023-07-20"
    assert "Ban Thường vụ Tỉnh ủy (để báo cáo)" in outline.defaults.recipients
    assert "Lưu Văn phòng Đảng ủy" in outline.defaults.recipients
    assert outline.section("p2").heading.startswith("NHIỆM VỤ VÀ GIẢI PHÁP")
    assert outline.section("p1.III.1").guidance == "chính trị, tư tưởng, tổ chức cán bộ, kiểm tra, giám sát"


def test_statistics_asked_for_by_the_outline(outline):
    stats = {f.id: f for _s, f in outline.stat_fields()}
    for needed in ["dien_tich", "don_vi_hanh_chinh", "dan_so", "dan_toc", "to_chuc_ton_giao", "tin_do",
                   "to_chuc_dang", "dang_vien", "dang_vien_dtts", "dang_vien_ton_giao",
                   "hoi_nghi_quan_triet", "nguoi_du_quan_triet", "cuoc_kiem_tra", "to_chuc_dang_kt",
                   "dang_vien_kt", "chuong_trinh_phoi_hop", "buoi_doi_thoai", "buoi_tiep_dan",
                   "don_thu_nhan", "don_thu_giai_quyet", "khieu_kien_dong_nguoi", "mo_hinh_dvk",
                   "can_bo_dan_van"]:
        assert needed in stats
    for st in stats.values():
        assert st.label and st.unit and st.type in ("integer", "decimal", "percent")
        assert st.min <= st.max
    assert stats["dien_tich"].type == "decimal"
    assert stats["ty_le_ho_ngheo"].type == "percent" and stats["ty_le_ho_ngheo"].aggregate == "rate" \
        and stats["ty_le_ho_ngheo"].denominator == "so_ho"
    assert stats["dang_vien_dtts"].not_more_than == "dang_vien"


def test_all_text_is_nfc(outline):
    for s in outline.sections:
        for t in [s.heading, s.guidance] + [f.label for f in s.fields]:
            assert unicodedata.is_normalized("NFC", t)


def test_a_second_outline_loads():
    o = load_outline(SMALL)
    assert o.key == "so-ket-ct05@2"
    assert [s.id for s in o.pages] == ["a", "b"]
    assert o.section("b").guidance == "ngắn gọn, sát thực tế"


GOOD = SMALL.read_bytes().decode("utf-8")


@pytest.mark.parametrize("mutate, expect", [
    (lambda t: t.replace('format = "tongket-outline"', 'format = "khac"'), "không phải tệp đề cương"),
    (lambda t: t.replace("schema_version = 1", "schema_version = 9"), "phiên bản TongKet mới hơn"),
    (lambda t: t.replace('type = "integer"', 'type = "so"'), "chỉ tiêu “guong_dien_hinh”"),
    (lambda t: t.replace("min = 0\n", "min = 900\n"), "“min” lớn hơn “max”"),
    (lambda t: t.replace('id = "phuong_huong"', 'id = "ket_qua"'), "mã bị trùng"),
    (lambda t: t.replace('id = "b"', 'id = "a"'), "mã mục bị trùng"),
    (lambda t: t.replace('heading = "PHƯƠNG HƯỚNG THỜI GIAN TỚI"', ""), "thiếu khóa “heading”"),
    (lambda t: t.replace('level = 2\nnumber = "II-"', 'level = 7\nnumber = "II-"'), "“level”"),
    (lambda t: t.replace('unit = "người"', 'unit = "người"\n  not_more_than = "khong_co"'), "khong_co"),
    (lambda t: t.replace('label = "Nội dung"\n\n  [[sections.stats]]', 'label = "Nội dung\n\n  [[sections.stats]]'), "sai cú pháp"),
])
def test_malformed_outlines_name_file_and_item(mutate, expect):
    bad = mutate(GOOD)
    assert bad != GOOD
    with pytest.raises(OutlineError) as err:
        parse_outline(bad.encode("utf-8"), "de-cuong-loi.toml")
    assert "de-cuong-loi.toml" in err.value.message
    assert expect in err.value.message


def test_not_utf8_and_too_large():
    with pytest.raises(OutlineError, match="UTF-8"):
        parse_outline(GOOD.encode("utf-16"), "x.toml")
    with pytest.raises(OutlineError, match="quá lớn"):
        parse_outline(b"#" * (3 * 1024 * 1024), "x.toml")


def test_missing_file(tmp_path):
    with pytest.raises(OutlineError, match="Không đọc được"):
        load_outline(tmp_path / "khong-co.toml")
