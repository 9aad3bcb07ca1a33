"""The Vietnamese syllable grammar, the spell checker and the one tone style."""

import unicodedata
from pathlib import Path

import pytest

from model.spelling import (NEW, OLD, PersonalWords, SpellChecker, outline_words,
                            report_in_style, telex_decode, text_in_style, vni_decode)
from model.vn_syllable import place_tone, strip_tone, syllable_table, tone_index

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "ke-hoach-tong-ket-nq25-kl43.txt"


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.fixture(scope="module")
def checker():
    from model.outline import default_outline
    from model.sample import phrases

    return SpellChecker(outline_words(default_outline()) + "\n" + "\n".join(phrases()))


# ----------------------------------------------------------------- grammar ---
VALID = """
a ba cá cà cả cã cạ nghiêng khuỷu khuỵu quýnh quỳnh gìn gì giặt giữ giũ giếng giường già
hòa hoà thủy thuỷ hóa hoá khỏe khoẻ lũy luỹ tùy tuỳ quý quỳ qui quốc quyết quyền thuở quở
người ngoài mười gửi ngửi của cửa mưa mía múa kìa khuya yêu yên yết yểng ỉa ý y oà òa
xoong boong moóc goòng buýt tuýp suýt huých huỵch khuếch nguệch huênh khuâng khuấy quây
ngoạm oạp hoắm ngoằn ngoèo ngoẹo xoăn hoẵng loằng ngoằng kẻng leng séc phuy huơ quơ
kỹ kĩ lý lí mỹ mĩ sỹ sĩ tỷ tỉ hy kỳ kì đi ghi nghỉ kể kiên kiểu ghiền nghiệp thương được
đảng ủy nghị quyết dân vận thực hiện chính trị xã hội tiếng việt những trường điện
"""
INVALID = """
ddaang nghiejp thuwowng vậ thưc quyêt hòan gìa qúa tíên muón múôn hoạnh̀ kà ge nge ghu
nghu ca̋ thuộcc ăn̉ ânh ăi âi ưp ơc ôch ich̀ tiêngg đâ vă nghiêc̀ qa kua
"""


@pytest.mark.parametrize("word", VALID.split())
def test_valid_syllables_are_in_the_table(word):
    table = syllable_table()
    assert unicodedata.normalize("NFC", word) in table
    assert word.upper().lower() in table


@pytest.mark.parametrize("word", INVALID.split())
def test_invalid_syllables_are_not(word):
    assert unicodedata.normalize("NFC", word) not in syllable_table()


def test_the_complete_list_of_syllables():
    table = syllable_table()
    # a generated list of every written syllable, both tone styles
    assert 16000 < len(table) < 17500
    for word in table.valid:
        assert word == unicodedata.normalize("NFC", word) and word == word.lower()
        base, tone = strip_tone(word)
        # a stop coda takes only sắc or nặng
        if base.endswith(("c", "ch", "p", "t")):
            assert tone in (1, 5), word
        # the tone is where one of the styles puts it
        assert word in (place_tone(base, tone, NEW), place_tone(base, tone, OLD)), word
        # spelling rules
        assert not base.startswith(("ce", "cê", "ci", "cy", "ka", "ko", "ku", "ghu", "gha",
                                    "ngha", "ngho", "ge", "gê", "nge", "ngê", "ngi")), word
        if base.endswith(("ch", "nh")):
            assert base[-3] in "aêiy", word
        assert not base.endswith(("ă", "â")), word
    # the styles differ only in open oa, oe, uy
    for old, new in table.to_new.items():
        assert strip_tone(old)[0].endswith(("oa", "oe", "uy")), old
        assert old in table.valid and new in table.valid
    assert table.to_new["hoà"] == "hòa" and table.to_old["thủy"] == "thuỷ"
    assert "quý" not in table.to_old  # after q both styles agree


def test_tone_placement_rules():
    assert place_tone("hoan", 2) == "hoàn"
    assert place_tone("hoa", 2, NEW) == "hòa" and place_tone("hoa", 2, OLD) == "hoà"
    assert place_tone("thuy", 3, NEW) == "thủy" and place_tone("thuy", 3, OLD) == "thuỷ"
    assert place_tone("qua", 1) == "quá" and place_tone("gia", 2) == "già"
    assert place_tone("gin", 2) == "gìn" and place_tone("khuyu", 3) == "khuỷu"
    assert place_tone("thương", 2) == "thường" and place_tone("mua", 1) == "múa"
    assert place_tone("ngoai", 2) == "ngoài" and place_tone("xoong", 1) == "xoóng"
    assert tone_index("bcd") is None


# ------------------------------------------------------------------- checker ---
@pytest.mark.parametrize("word,suggestion", [
    ("ddaang", "đang"),          # Telex: dd and a doubled by mistake
    ("nghiejp", "nghiệp"),       # Telex: j for nặng, ee missed
    ("thuwowng", "thương"),      # Telex: w not turned into horns
    ("tieengs", "tiếng"),
    ("dduwowcj", "được"),
    ("nghie65p", "nghiệp"),      # VNI
    ("hòan", "hoàn"),            # tone in the wrong place
    ("gìa", "già"),
    ("qúa", "quá"),
    ("tíên", "tiến"),
    ("quyêt", "quyết"),          # a stop coda without sắc or nặng
    ("thưc", "thực"),
    ("Quyêt", "Quyết"),          # the case is kept
    ("ĐẢNGG", "ĐẢNG"),
])
def test_misspelt_words_and_their_suggestions(checker, word, suggestion):
    for form in (word, nfd(word)):
        assert not checker.is_correct(form), form
        assert unicodedata.normalize("NFC", suggestion) in checker.suggest(form)[:3], \
            (form, checker.suggest(form))


def test_suggestions_use_the_words_around(checker):
    assert checker.suggest("vậ", prev="dân")[0] == "vận"
    assert checker.suggest("thưc", nxt="hiện")[0] == "thực"
    assert checker.suggest("hòan", style=NEW)[0] == "hoàn"
    assert checker.suggest("hoaf", style=NEW)[0] == "hòa"  # in the report's style
    assert checker.suggest("hoaf", style=OLD)[0] == "hoà"


@pytest.mark.parametrize("word", (VALID + """
NQ TW MTTQ CT-XH HĐND UBND ĐU KL43 25-NQ/TW Đắk Lắk Krông Facebook Zalo wifi Windows
jazz Internet email a b c đ UBND ĐẢNG ỦY Hòa Thủy HOÀ
""").split())
def test_correct_words_are_not_flagged(checker, word):
    for form in (word, nfd(word)):
        assert checker.misspelt_spans(form) == [], form


def test_the_plan_as_issued_has_no_flagged_word():
    """2,000 words of an official text: nothing flagged (no outline known)."""
    text = SEED.read_text(encoding="utf-8")
    assert SpellChecker().misspelt_words(text) == []
    assert SpellChecker().misspelt_words(nfd(text)) == []


def test_spans_index_the_text_as_given(checker):
    text = "Đảng ủy đã lãnh đạo thưc hiện nghị quyêt về công tác dân vậ."
    for form in (text, nfd(text)):
        words = [form[s:s + n] for s, n in checker.misspelt_spans(form)]
        assert [unicodedata.normalize("NFC", w) for w in words] == ["thưc", "quyêt", "vậ"]


def test_outline_abbreviations_are_known_and_others_not():
    plain = SpellChecker()
    assert not plain.is_correct("Nghịquyết")
    assert not plain.is_correct("HĐNĐ")  # not ASCII, not known
    assert plain.is_correct("HĐND")  # the small list
    learned = SpellChecker("Ban Dân vận Tỉnh ủy (BDVTU), Ủy ban MTTQ, Hội LHPN, HĐNĐ")
    assert learned.is_correct("HĐNĐ") and learned.is_correct("hđnđ")


def test_input_method_decoders():
    assert telex_decode("thuwowng") == "thương"
    assert telex_decode("nghieejp") == "nghiệp"
    assert telex_decode("hoaf") == "hòa"
    assert telex_decode("facebook") is None
    assert vni_decode("thu7o7ng") == "thương"
    assert vni_decode("d9a6ng") == "đâng"
    assert vni_decode("ho2a") == "hòa"


# -------------------------------------------------------------- word lists ---
def test_personal_words_survive_a_restart(data_dir):
    first = SpellChecker(personal=PersonalWords())
    assert not first.is_correct("Mgar")
    assert first.add_to_personal("Mgar")
    assert first.add_to_personal(nfd("Kđăm"))
    assert first.is_correct("Mgar") and first.is_correct("MGAR")
    path = data_dir / "tu-dien-rieng.txt"
    assert path.read_text(encoding="utf-8").split() == ["Mgar", "Kđăm"]
    again = SpellChecker(personal=PersonalWords())  # a new start of TongKet
    assert again.is_correct("Mgar") and again.is_correct(nfd("Kđăm")) and again.is_correct("Kđăm")


def test_a_damaged_or_unwritable_word_list_is_no_failure(tmp_path):
    (tmp_path / "tu-dien-rieng.txt").write_bytes(b"\xff\xfe\x00bad")
    words = PersonalWords(tmp_path)
    assert words.words == []
    ro = tmp_path / "missing" / "file-not-folder"
    ro.parent.mkdir()
    ro.write_text("x")
    broken = SpellChecker(personal=PersonalWords(ro))  # the folder is a file
    assert broken.add_to_personal("Mgar") is False
    assert broken.is_correct("Mgar")  # still known for this session


def test_skipped_words_are_correct_for_the_session(checker):
    c = SpellChecker()
    assert not c.is_correct("Gmail")
    c.ignore("Gmail")
    assert c.is_correct("Gmail") and c.is_correct("GMAIL")


# ------------------------------------------------------------ one tone style ---
def test_text_in_one_style():
    text = "Đảng uỷ xã Hoà An, HOÀ BÌNH, thủy lợi, hòa giải, quý, khỏe, khoẻ, Thuỵ"
    assert text_in_style(text, NEW) == \
        "Đảng ủy xã Hòa An, HÒA BÌNH, thủy lợi, hòa giải, quý, khỏe, khỏe, Thụy"
    assert text_in_style(nfd(text), OLD) == \
        "Đảng uỷ xã Hoà An, HOÀ BÌNH, thuỷ lợi, hoà giải, quý, khoẻ, khoẻ, Thuỵ"
    # words that are not syllables, and the others, are left as they are
    assert text_in_style("Hoàn thành; NQ-TW; hoà.", NEW) == "Hoàn thành; NQ-TW; hòa."


def test_report_in_style_changes_texts_not_numbers(outline):
    tid = outline.pages[0].texts[0].id
    sid = outline.pages[0].stats[0].id
    answers = {tid: "Đảng uỷ chỉ đạo hoà giải; Đảng uỷ họp.", sid: "12,5"}
    toned = report_in_style(outline, answers, NEW)
    assert toned.answers == {tid: "Đảng ủy chỉ đạo hòa giải; Đảng ủy họp.", sid: "12,5"}
    assert [(c.before, c.after, c.count) for c in toned.changes] == [("uỷ", "ủy", 2), ("hoà", "hòa", 1)]
    assert answers[tid] == "Đảng uỷ chỉ đạo hoà giải; Đảng uỷ họp."  # not changed in place
    assert report_in_style(outline, toned.answers, NEW).changes == []


def test_the_style_setting(data_dir, outline):
    from model import settings

    assert settings.tone_style() == NEW  # the default
    settings.set_tone_style(OLD)
    assert settings.tone_style() == OLD
    tid = outline.pages[0].texts[0].id
    assert report_in_style(outline, {tid: "hòa"}).answers[tid] == "hoà"
    with pytest.raises(ValueError):
        settings.set_tone_style("khác")


def test_long_paragraphs_are_checked_alike(checker):
    """Above LONG_PARAGRAPH characters the words are found by set: the same
    spans as one by one, in NFC and NFD, misspelt words touching punctuation,
    inside codes and next to words they begin."""
    import random

    from model import spelling
    from model.sample import phrases

    rnd = random.Random(7)
    words = " ".join(phrases()).split() + ["vậ", "vận", "thưc,", "(quyêt)", "vậ-vậ", "KL43",
                                            "ab_vậ", "nghiejp.", "Thưc", "THƯC"]
    text = " ".join(rnd.choice(words) for _ in range(3000))
    assert len(text) > spelling.LONG_PARAGRAPH
    for form in (text, nfd(text)):
        by_set = checker.misspelt_spans(form)
        one_by_one = []
        for m in spelling.WORD.finditer(form):
            if not checker.is_correct(m.group()):
                one_by_one.append((m.start(), m.end() - m.start()))
        assert by_set == one_by_one and by_set


def test_respan_after_any_edit_equals_a_full_check(checker):
    """A paragraph edited anywhere (a key, a deletion, a paste, a run with no
    space, NFD): re-checking only around the change finds the same spans."""
    import random

    from model.sample import phrases

    rnd = random.Random(3)
    words = " ".join(phrases()).split() + ["vậ", "thưc", "quyêt,", "nghiejp", "KL43", "x" * 200,
                                            nfd("hòan"), nfd("Nghị quyết")]
    pieces = ["", " ", "ạ", "n", "vậ", "thưc hiện", "\u0323", " dân vậ ", "y" * 150, ".", "ngh"]
    text = " ".join(rnd.choice(words) for _ in range(400))
    spans = checker.misspelt_spans(text)
    for _ in range(600):
        at = rnd.randrange(len(text) + 1)
        cut = rnd.choice([0, 0, 1, 2, 5, 40])
        new = text[:at] + rnd.choice(pieces) + text[at + cut:]
        got = checker.respan(text, spans, new)
        assert got == checker.misspelt_spans(new), (text[at - 20:at + 20], new[at - 20:at + 20])
        text, spans = new, got


def test_any_word_list_file_and_any_text_are_safe(tmp_path):
    """The personal word list comes from a file anybody can edit, the texts
    from anywhere: nothing raises, every span lies inside the text."""
    from hypothesis import given, settings as hsettings, strategies as st

    @hsettings(max_examples=150, derandomize=True, deadline=None)
    @given(raw=st.binary(max_size=300), text=st.text(max_size=300))
    def check(raw, text):
        (tmp_path / "tu-dien-rieng.txt").write_bytes(raw)
        c = SpellChecker(personal=PersonalWords(tmp_path))
        for start, length in c.misspelt_spans(text):
            assert 0 <= start and length > 0 and start + length <= len(text)
        for word in c.misspelt_words(text)[:3]:
            c.suggest(word)
        text_in_style(text, OLD)

    check()
