"""A complete, realistic sample report, for training clerks, demos, tests and
benchmarks.  Different seeds and units give different reports; the numbers
are consistent with each other (Party members never outnumber residents)."""

from __future__ import annotations

import datetime as dt
import random

from model.numbers import format_number
from model.outline import Outline, StatField
from model.report import Identity, default_identity
from model.text import clean_line

_OPENERS = [
    "Ngay sau khi có {doc}, Đảng ủy {xa} đã chỉ đạo các chi bộ trực thuộc tổ chức triển khai nghiêm túc, kịp thời.",
    "Trong 10 năm qua, Ban Chấp hành Đảng bộ {xa} luôn xác định đây là nhiệm vụ trọng tâm, thường xuyên của cả hệ thống chính trị.",
    "Thực hiện {doc}, cấp ủy, chính quyền {xa} đã cụ thể hóa bằng các chương trình, kế hoạch phù hợp với tình hình thực tế của địa phương.",
    "Quán triệt sâu sắc quan điểm \"dân là gốc\", Đảng bộ {xa} đã lãnh đạo thực hiện đồng bộ các giải pháp trên lĩnh vực này.",
]
_BODY = [
    "Các chi bộ đã đưa nội dung này vào sinh hoạt định kỳ hằng tháng, gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội của xã đã phối hợp chặt chẽ, tuyên truyền sâu rộng đến đoàn viên, hội viên và nhân dân.",
    "Đội ngũ cán bộ, đảng viên gương mẫu, gần dân, trọng dân, có trách nhiệm với dân; tác phong \"nói đi đôi với làm\" ngày càng rõ nét.",
    "Công tác nắm tình hình tư tưởng của nhân dân được duy trì thường xuyên qua các buổi sinh hoạt thôn, tổ dân phố và hội nghị đối thoại.",
    "Nhiều vướng mắc liên quan đến đất đai, giải phóng mặt bằng và chính sách an sinh xã hội đã được giải quyết dứt điểm ngay từ cơ sở.",
    "Quy chế dân chủ ở cơ sở được thực hiện nghiêm túc theo phương châm \"dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng\".",
    "Phong trào \"Dân vận khéo\" được triển khai rộng khắp, gắn với phong trào xây dựng nông thôn mới và đô thị văn minh.",
    "Việc ứng dụng công nghệ thông tin trong tiếp nhận, xử lý phản ánh, kiến nghị của người dân bước đầu mang lại hiệu quả rõ rệt.",
    "Đồng bào các dân tộc, các tôn giáo trên địa bàn đoàn kết, tin tưởng vào sự lãnh đạo của Đảng, tích cực tham gia các phong trào thi đua yêu nước.",
    "Đời sống vật chất và tinh thần của nhân dân từng bước được nâng lên; khối đại đoàn kết toàn dân tộc được củng cố vững chắc.",
]
_LIMITS = [
    "Tuy nhiên, một số chi bộ chưa thường xuyên kiểm tra, giám sát việc thực hiện; nội dung sinh hoạt có lúc còn chung chung.",
    "Một bộ phận cán bộ, đảng viên chưa nhận thức đầy đủ vai trò của công tác dân vận; năng lực vận động quần chúng còn hạn chế.",
    "Nguyên nhân chủ yếu là địa bàn rộng, giao thông đi lại khó khăn; kinh phí hoạt động cho công tác dân vận còn ít.",
    "Việc nhân rộng các mô hình hay, cách làm hiệu quả có nơi còn chậm, chưa tạo sức lan tỏa mạnh mẽ.",
]
_BULLETS = [
    "- Tăng cường sự lãnh đạo của cấp ủy đối với công tác dân vận;",
    "- Nâng cao chất lượng hoạt động của Mặt trận Tổ quốc và các đoàn thể;",
    "- Đẩy mạnh cải cách hành chính, công khai, minh bạch các thủ tục;",
    "- Phát huy vai trò giám sát, phản biện xã hội của nhân dân;",
    "- Xây dựng, nhân rộng các mô hình \"Dân vận khéo\" trên các lĩnh vực.",
]

PROVINCES = ["Đắk Lắk", "Nghệ An", "Thanh Hóa", "Quảng Ngãi", "Lâm Đồng", "Gia Lai", "Cà Mau"]


def _commune_name(unit: str) -> str:
    """'Xã Hòa An' -> 'Hòa An'; 'Phường Tân Lợi' -> 'Tân Lợi'."""
    words = clean_line(unit).split()
    if words and words[0].lower() in ("xã", "phường", "thị", "đặc"):
        words = words[1:]
        if words and words[0].lower() in ("trấn", "khu"):
            words = words[1:]
    return " ".join(words) or clean_line(unit)


def sample_identity(outline: Outline, unit: str, province: str, rng: random.Random) -> Identity:
    unit = clean_line(unit)
    name = _commune_name(unit)
    kind = unit.split()[0] if unit.split() else "Xã"
    ident = default_identity(outline)
    ident.superior = f"ĐẢNG BỘ TỈNH {clean_line(province).upper()}"
    ident.unit = f"ĐẢNG ỦY {kind.upper()} {name.upper()}"
    ident.doc_number = str(rng.randint(1, 120))
    ident.place = name
    base = outline.defaults.deadline or dt.date.today()
    ident.date = base - dt.timedelta(days=rng.randint(3, 20))
    family = rng.choice(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"])
    middle = rng.choice(["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh"])
    given = rng.choice(["An", "Bình", "Cường", "Dũng", "Hạnh", "Hùng", "Lan", "Phúc", "Sơn", "Tâm"])
    ident.signer = f"{family} {middle} {given}"
    ident.position = rng.choice(["BÍ THƯ", "PHÓ BÍ THƯ"])
    return ident


def sample_stats(rng: random.Random) -> dict[str, float]:
    dan_so = rng.randint(6000, 45000)
    so_ho = int(dan_so / rng.uniform(3.4, 4.6))
    dang_vien = rng.randint(180, min(1200, dan_so // 15))
    can_bo = rng.randint(8, 25)
    don_nhan = rng.randint(10, 160)
    return {
        "dien_tich": round(rng.uniform(15, 320), 1),
        "don_vi_hanh_chinh": rng.randint(5, 32),
        "dan_so": dan_so,
        "so_ho": so_ho,
        "ty_le_ho_ngheo": round(rng.uniform(0.4, 14), 2),
        "dan_toc": rng.randint(1, 22),
        "to_chuc_ton_giao": rng.randint(0, 9),
        "tin_do": rng.randint(0, dan_so // 3),
        "to_chuc_dang": rng.randint(10, 45),
        "dang_vien": dang_vien,
        "dang_vien_dtts": rng.randint(0, dang_vien // 3),
        "dang_vien_ton_giao": rng.randint(0, dang_vien // 20),
        "hoi_nghi_quan_triet": rng.randint(2, 30),
        "nguoi_du_quan_triet": rng.randint(300, 4000),
        "vb_nghi_quyet": rng.randint(1, 8),
        "vb_ke_hoach": rng.randint(3, 25),
        "vb_khac": rng.randint(2, 40),
        "de_tai_de_an": rng.randint(0, 2),
        "cuoc_kiem_tra": rng.randint(2, 30),
        "to_chuc_dang_kt": rng.randint(5, 60),
        "dang_vien_kt": rng.randint(10, 200),
        "chuong_trinh_phoi_hop": rng.randint(1, 15),
        "cuoc_giam_sat_mttq": rng.randint(3, 50),
        "hoi_nghi_phan_bien": rng.randint(0, 12),
        "y_kien_gop_y": rng.randint(50, 1500),
        "buoi_tiep_dan": rng.randint(20, 240),
        "luot_tiep_dan": rng.randint(50, 2500),
        "don_thu_nhan": don_nhan,
        "don_thu_giai_quyet": rng.randint(don_nhan * 8 // 10, don_nhan),
        "khieu_kien_dong_nguoi": rng.randint(0, 3),
        "buoi_doi_thoai": rng.randint(2, 40),
        "nguoi_doi_thoai": rng.randint(100, 3000),
        "mo_hinh_dvk": rng.randint(2, 45),
        "dien_hinh_dvk": rng.randint(1, 30),
        "can_bo_dan_van": rng.randint(1, 6),
        "can_bo_mttq_ctxh": can_bo,
        "ty_le_can_bo_dai_hoc": round(100 * rng.randint(can_bo // 2, can_bo) / can_bo, 2),
    }


def _stat_value(st: StatField, known: dict[str, float], rng: random.Random) -> float:
    if st.id in known:
        return known[st.id]
    # an outline we do not know: a plausible number inside the bounds
    lo, hi = st.min, min(st.max, max(st.min, st.min + (st.max - st.min) / 10))
    if st.type == "integer":
        return rng.randint(int(lo), int(hi))
    return round(rng.uniform(lo, hi), 2)


def _paragraphs(rng: random.Random, xa: str, doc: str, is_limits: bool) -> str:
    paras = [rng.choice(_OPENERS).format(xa=xa, doc=doc)]
    body = rng.sample(_BODY, k=rng.randint(2, 4))
    paras.append(" ".join(body))
    if is_limits:
        paras.append(" ".join(rng.sample(_LIMITS, k=3)))
    if rng.random() < 0.4:
        paras.append("Một số kết quả nổi bật:")
        paras.extend(rng.sample(_BULLETS, k=rng.randint(2, 4)))
    paras.append(rng.choice([
        f"Nhìn chung, những kết quả trên đã góp phần quan trọng vào việc hoàn thành nhiệm vụ chính trị của {xa}.",
        f"Những kết quả đạt được đã tạo sự đồng thuận cao trong nhân dân {xa}, củng cố niềm tin vào Đảng.",
        f"Qua đó, mối quan hệ mật thiết giữa Đảng với nhân dân ở {xa} ngày càng được tăng cường.",
    ]))
    return "\n".join(paras)


def sample_answers(outline: Outline, unit: str, rng: random.Random) -> dict[str, str]:
    xa = clean_line(unit)
    xa = xa[:1].lower() + xa[1:]  # mid-sentence: "xã Hòa An"
    doc = "Nghị quyết số 25-NQ/TW và Kết luận số 43-KL/TW"
    known = sample_stats(rng)
    answers: dict[str, str] = {}
    for section in outline.pages:
        for f in section.texts:
            limits = "HẠN CHẾ" in section.heading.upper()
            answers[f.id] = _paragraphs(rng, xa, doc, limits)
        for st in section.stats:
            answers[st.id] = format_number(_stat_value(st, known, rng), st.type, unit=False)
    return answers


def make_sample(outline: Outline, unit: str = "Xã Hòa An", province: str = "Đắk Lắk",
                seed: int | None = None) -> tuple[Identity, dict[str, str]]:
    rng = random.Random(f"{seed}|{clean_line(unit)}|{clean_line(province)}")
    ident = sample_identity(outline, unit, province, rng)
    return ident, sample_answers(outline, unit, rng)


def phrases() -> list[str]:
    """The sentences samples are made of: realistic report Vietnamese (the
    spell checker ranks its suggestions by them)."""
    return [s for group in (_OPENERS, _BODY, _LIMITS, _BULLETS) for s in group]
