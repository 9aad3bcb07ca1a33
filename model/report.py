"""A report being filled: its identity (the header and signature data) and
the completeness rules.  Plain data; the store persists it, the UI shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from model.numbers import parse_stat
from model.outline import Outline, Section
from model.text import day_text, clean_line

POSITIONS = ("BÍ THƯ", "PHÓ BÍ THƯ")
ON_BEHALF = ("T/M ĐẢNG ỦY", "T/M BAN THƯỜNG VỤ", "T/M BAN CHẤP HÀNH")

EMPTY, IN_PROGRESS, COMPLETE = "empty", "in_progress", "complete"
TODAY = dt.date.today  # the laptop clock: for a hint only, never a rule (tests put their own)


@dataclass
class Identity:
    superior: str = ""  # ĐẢNG BỘ TỈNH ĐẮK LẮK
    unit: str = ""  # ĐẢNG ỦY XÃ HÒA AN
    doc_number: str = ""  # 45 (may stay blank)
    doc_code: str = "BC/ĐU"
    place: str = ""  # Hòa An
    date: dt.date | None = None
    signer: str = ""
    position: str = "BÍ THƯ"
    on_behalf: str = "T/M ĐẢNG ỦY"
    recipients: list[str] = field(default_factory=list)
    deadline: dt.date | None = None

    def cleaned(self) -> "Identity":
        return replace(
            self,
            superior=clean_line(self.superior),
            unit=clean_line(self.unit),
            doc_number=clean_line(self.doc_number),
            doc_code=clean_line(self.doc_code),
            place=clean_line(self.place),
            signer=clean_line(self.signer),
            position=clean_line(self.position),
            on_behalf=clean_line(self.on_behalf),
            recipients=[r for r in (clean_line(x) for x in self.recipients) if r],
        )


def default_identity(outline: Outline, today: dt.date | None = None) -> Identity:
    d = outline.defaults
    return Identity(
        doc_code=d.doc_code,
        on_behalf=d.on_behalf,
        position=d.position,
        recipients=list(d.recipients),
        deadline=d.deadline,
        date=today or dt.date.today(),
    )


IDENTITY_LABELS = {
    "superior": "Cấp trên",
    "unit": "Đơn vị báo cáo",
    "place": "Địa danh",
    "date": "Ngày báo cáo",
    "signer": "Người ký",
    "position": "Chức vụ người ký",
    "on_behalf": "Dòng T/M",
    "recipients": "Nơi nhận",
}


def is_province_committee(unit: str) -> bool:
    """'TỈNH ỦY ĐẮK LẮK', 'Thành ủy Huế': a body whose header has no line above it."""
    return clean_line(unit).lower().startswith(("tỉnh ủy", "thành ủy", "tỉnh uỷ", "thành uỷ"))


def identity_missing(ident: Identity) -> list[str]:
    """Labels of identity items that must be filled before the final export."""
    missing = []
    for key, label in IDENTITY_LABELS.items():
        if key == "superior" and is_province_committee(ident.unit):
            continue  # a provincial committee's header has no line above its name
        value = getattr(ident, key)
        if value in (None, "", []):
            missing.append(label)
    return missing


# ------------------------------------------------------------ formatting ---

def party_date(day: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2026': day zero-padded under 10, month padded
    only for January and February (Party and state practice)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(ident: Identity) -> str:
    if ident.date is None:
        return f"{ident.place}, ngày     tháng     năm     "
    return f"{ident.place}, {party_date(ident.date)}"


def doc_number_line(ident: Identity) -> str:
    """'Số 45-BC/ĐU'; numbers under 10 get a leading zero; blank stays blank."""
    number = ident.doc_number.strip()
    if number.isdigit() and len(number) == 1:
        number = "0" + number
    if not number:
        number = "    "
    return f"Số {number}-{ident.doc_code}"


_KINDS = ("xã", "phường", "thị trấn", "đặc khu", "huyện", "quận", "thị xã", "thành phố", "tỉnh")


def unit_in_sentence(unit: str) -> str:
    """'ĐẢNG ỦY XÃ HÒA AN' -> 'Đảng ủy xã Hòa An' (for use inside a sentence)."""
    words = clean_line(unit).lower().split()
    if not words:
        return ""
    out = list(words)
    out[0] = out[0].capitalize()
    for i in range(len(words)):
        for kind in _KINDS:
            k = kind.split()
            if words[i:i + len(k)] == k:
                for j in range(i + len(k), len(words)):
                    out[j] = words[j].capitalize()
                return " ".join(out)
    return " ".join(out)


def short_date(day: dt.date | None) -> str:
    return day_text(day)


def deadline_warning(ident: Identity, today: dt.date | None = None) -> str:
    """A deadline already past (the outline's 2023 date on a report of a
    later round): a hint to check it, never a reason to refuse anything
    (the laptop clock may be wrong).  '' when there is nothing to say."""
    today = today or TODAY()
    if ident.deadline is None or ident.deadline >= today:
        return ""
    return f"Hạn nộp {day_text(ident.deadline)} đã qua; hãy kiểm tra lại hạn nộp của đợt này."


# ---------------------------------------------------------- completeness ---

def stat_values(outline: Outline, answers: dict[str, str]) -> dict[str, float]:
    """The numeric value of every statistic that parses (bounds checked)."""
    values: dict[str, float] = {}
    for _s, st in outline.stat_fields():
        p = parse_stat(answers.get(st.id), st)
        if p.value is not None and p.error is None:
            values[st.id] = p.value
    return values


def has_text(value: str | None) -> bool:
    """Something written (answers are stored clean, so no need to normalise:
    this runs on every autosave, over texts of up to 200,000 characters)."""
    return bool(value) and not value.isspace()


def section_state(section: Section, answers: dict[str, str],
                  values: dict[str, float] | None = None) -> str:
    if values is None:
        values = {}
    filled = 0
    complete = True
    for f in section.texts:
        if has_text(answers.get(f.id)):
            filled += 1
        elif f.required:
            complete = False
    for st in section.stats:
        raw = answers.get(st.id, "")
        if raw.strip():
            filled += 1
            if parse_stat(raw, st, values).error:
                complete = False
        elif st.required:
            complete = False
    if filled == 0:
        return EMPTY
    return COMPLETE if complete else IN_PROGRESS


@dataclass(frozen=True)
class Missing:
    section_id: str | None  # None: the identity page
    field_id: str | None
    text: str


def section_ref(outline: Outline, section: Section) -> str:
    """'Phần thứ hai, 1- Nhiệm vụ, giải pháp': the section with its whole
    number path, so that the '1-' of two parts are told apart."""
    part = ""
    for s in outline.sections:
        if s.id == section.id:
            break
        if s.level == 1:
            part = s.number
    title = _short(outline.short_title(section), 70)
    return f"{part}, {title}" if part else title


def missing_items(outline: Outline, ident: Identity, answers: dict[str, str]) -> list[Missing]:
    """Everything that keeps the report from being final, in outline order."""
    out = [Missing(None, None, f"Thông tin chung: chưa nhập {label.lower()}")
           for label in identity_missing(ident)]
    values = stat_values(outline, answers)
    labels = {st.id: st.label for _s, st in outline.stat_fields()}
    for s in outline.pages:
        ref = section_ref(outline, s)
        for f in s.texts:
            if f.required and not has_text(answers.get(f.id)):
                what = "chưa có nội dung" if len(s.texts) == 1 else f"chưa viết ý “{_short(f.label)}”"
                out.append(Missing(s.id, f.id, f"{ref}: {what}"))
        for st in s.stats:
            raw = answers.get(st.id, "")
            if not raw.strip():
                if st.required:
                    out.append(Missing(s.id, st.id, f"{ref}: chưa nhập “{st.label}”"))
                continue
            err = parse_stat(raw, st, values, labels).error
            if err:
                out.append(Missing(s.id, st.id, f"{ref}: “{st.label}” chưa đúng — {err}"))
    return out


def progress(outline: Outline, answers: dict[str, str]) -> tuple[int, int]:
    values = stat_values(outline, answers)
    pages = outline.pages
    done = sum(1 for s in pages if section_state(s, answers, values) == COMPLETE)
    return done, len(pages)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ------------------------------------------------ wording every rendition uses ---

def missing_text_label(section: Section, text_field) -> str:
    """What follows the 'no content yet' mark of an empty text: nothing when
    the section has one text, else the text's label (cut at 80 characters)."""
    if len(section.texts) == 1:
        return ""
    label = text_field.label
    return f" — {label[:80]}{'…' if len(label) > 80 else ''}"


def text_lead(section: Section, text_field) -> str:
    """The outline's point a text answers, printed in italics above it when the
    section asks for more than one text (so the reader sees which paragraph
    answers which point); nothing when it asks for one."""
    if len(section.texts) < 2:
        return ""
    label = clean_line(text_field.label).rstrip(" .…;:")
    return f"- {label}:"


def is_lead_in(line: str) -> bool:
    """A line introducing what follows ('Một số kết quả nổi bật:'): printed on
    the same page as the next line."""
    line = line.rstrip()
    return line.endswith(":") and len(line) < 200


def recipient_lines(recipients: list[str] | None) -> list[str]:
    """'- Ban Dân vận Tỉnh ủy,' … '- Lưu VP.': a comma after each, a full stop last."""
    items = [r.rstrip(" ,.;") for r in recipients or []]
    return [f"- {r}{'.' if i == len(items) - 1 else ','}" for i, r in enumerate(items)]


def appendix_note(ident: Identity) -> str:
    """The line under 'BIỂU THỐNG KÊ' tying the appendix to its report."""
    date = party_date(ident.date) if ident.date else "ngày     tháng     năm     "
    return f"(Kèm theo Báo cáo {doc_number_line(ident)[0].lower()}{doc_number_line(ident)[1:]} {date} của {unit_in_sentence(ident.unit)})"
