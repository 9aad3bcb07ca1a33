"""Reports made from other reports: an upper level's own report made from
the reports it received (figures prefilled by the outline's rules, the
units' texts beside each section), and a new report started from an
existing one (copied by id, marked for review).  No Qt; the same functions
serve the GUI and the command line (through export/actions)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from model.errors import UserError
from model.numbers import format_number
from model.outline import AGGREGATES, Outline
from model.receiving import ReceivingStore, Totals, iterate_current, stat_value
from model.report import Identity, default_identity, is_province_committee, unit_in_sentence
from model.store import (MARK_PREFILLED, MARK_REVIEW, ORIGIN_COPY, ORIGIN_RECEIVED, DraftStore,
                         StoredReport)
from model.text import clean, clean_line

# ------------------------------------------------------------ identities ---

# The wording of the header and signature block by level (party-document-format.md).
LEVELS = {
    "tinh": {"doc_code": "BC/TU", "on_behalf": "T/M BAN THƯỜNG VỤ", "position": "BÍ THƯ",
             "recipients": ["Ban Bí thư Trung ương Đảng (để báo cáo)", "Ban Dân vận Trung ương",
                            "Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy", "Lưu Văn phòng Tỉnh ủy"]},
    "xa": {"doc_code": "BC/ĐU", "on_behalf": "T/M BAN THƯỜNG VỤ", "position": "BÍ THƯ", "recipients": []},
}
_COMMUNE_KINDS = ("xã", "phường", "thị trấn", "đặc khu")


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", clean_line(text)).lower()


def _province_of(unit: str) -> str:
    """'Tỉnh ủy Đắk Lắk' -> 'Đắk Lắk'."""
    words = clean_line(unit).split()
    return " ".join(words[2:]) if len(words) > 2 else ""


def identity_for(outline: Outline, unit: str, province: str = "", level: str | None = None,
                 today: dt.date | None = None) -> Identity:
    """The header and signature wording for a unit given as people write it:
    'Tỉnh ủy Đắk Lắk' -> TỈNH ỦY ĐẮK LẮK, T/M BAN THƯỜNG VỤ, BC/TU, no
    superior line; 'Xã Hòa An' -> ĐẢNG ỦY XÃ HÒA AN under ĐẢNG BỘ TỈNH …;
    other units (ban cán sự đảng, đảng đoàn…) as typed, under the province."""
    unit = clean_line(unit)
    if not unit:
        raise UserError("Hãy nhập tên đơn vị báo cáo, ví dụ “Tỉnh ủy Đắk Lắk” hoặc “Xã Hòa An”.")
    ident = default_identity(outline, today)
    low = _lower(unit)
    province = clean_line(province)
    if level is None:
        level = "tinh" if is_province_committee(unit) else ""
    if level == "tinh":
        if not is_province_committee(unit):
            unit = f"Tỉnh ủy {unit}"
        words = LEVELS["tinh"]
        ident.unit = unit.upper()
        ident.superior = ""
        ident.place = province or _province_of(unit)
        ident.deadline = outline.defaults.upper_deadline or ident.deadline
    else:
        words = LEVELS.get(level, {})
        if low.startswith(_COMMUNE_KINDS):
            from model.sample import _commune_name

            ident.unit = f"ĐẢNG ỦY {unit.upper()}"
            ident.place = _commune_name(unit)
        else:
            ident.unit = unit.upper()
        ident.superior = f"ĐẢNG BỘ TỈNH {province.upper()}" if province else ""
    for key, value in words.items():
        setattr(ident, key, list(value) if isinstance(value, list) else value)
    if level == "xa" and not ident.recipients:
        ident.recipients = list(outline.defaults.recipients)
    return ident


# ---------------------------------------------------- from received reports ---

@dataclass
class Prefilled:
    report_id: int
    units: int
    filled: dict[str, str] = field(default_factory=dict)  # statistic id -> text written
    left: list[str] = field(default_factory=list)  # labels of statistics left for the clerk

    def lines(self) -> list[str]:
        out = [f"Đã tạo báo cáo số {self.report_id} từ báo cáo của {self.units} đơn vị; "
               f"điền sẵn {len(self.filled)} chỉ tiêu thống kê."]
        if self.left:
            out.append("Cần tự nhập (không cộng dồn được): " + "; ".join(self.left))
        return out


def _rule_text(st, units: int) -> str:
    return f"Điền sẵn từ tổng hợp {units} đơn vị ({AGGREGATES[st.aggregate]}); có thể sửa."


def consolidated_figures(rs: ReceivingStore, outline: Outline) -> tuple[Totals, int]:
    totals = Totals(outline)
    n = 0
    for rid, _unit in iterate_current(rs, outline):
        totals.add(rs.stats_of(rid))
        n += 1
    return totals, n


def new_from_received(store: DraftStore, outline: Outline, unit: str, province: str = "",
                      level: str = "tinh") -> Prefilled:
    """The level's own report, same outline: its figures prefilled from the
    valid received reports by the outline's rules, each marked with the
    number of units behind it; statistics that do not add up are left empty
    with a note.  The texts are the clerk's (the editor shows the units')."""
    rs = ReceivingStore(store)
    totals, n = consolidated_figures(rs, outline)
    if n == 0:
        raise UserError("Chưa có báo cáo hợp lệ nào đã nhận theo đề cương này. Hãy nhận báo cáo của "
                        "cấp dưới trước.")
    ident = identity_for(outline, unit, province, level)
    answers, marks, result = {}, [], Prefilled(0, n)
    for _s, st in outline.stat_fields():
        behind = totals.units_behind(st)
        value = totals.total(st)
        if value is None:
            if behind:
                result.left.append(st.label)
                marks.append((st.id, MARK_PREFILLED,
                               f"Không cộng dồn ({AGGREGATES[st.aggregate]}): hãy tự nhập; "
                               f"{behind} đơn vị có số liệu này."))
            continue
        text = format_number(value, st.type, unit=False)
        answers[st.id] = text
        result.filled[st.id] = text
        marks.append((st.id, MARK_PREFILLED, _rule_text(st, behind)))
    with store.db.atomic():
        rid = store.create_report(outline, ident, origin=ORIGIN_RECEIVED)
        store.save_answers(rid, answers)
        store.set_marks(rid, marks)
    result.report_id = rid
    return result


@dataclass(frozen=True)
class Contribution:
    unit: str  # 'Đảng ủy xã Hòa An'
    field_id: str
    label: str  # the text's label when the section has several
    text: str


def section_contributions(rs: ReceivingStore, outline: Outline, section_id: str) -> list[Contribution]:
    """What each unit whose report counts wrote for this section, in unit order."""
    section = outline.section(section_id)
    out = []
    for rid, unit in iterate_current(rs, outline):
        for f in section.texts:
            text = rs.text_of(rid, f.id).strip()
            if text:
                out.append(Contribution(unit_in_sentence(unit), f.id,
                                        f.label if len(section.texts) > 1 else "", clean(text)))
    return out


def matching(items: list[Contribution], query: str) -> list[Contribution]:
    """The contributions whose unit or text holds the words searched for
    (case does not matter; Vietnamese marks do)."""
    words = _lower(query).split()
    if not words:
        return list(items)
    return [c for c in items if all(w in _lower(c.unit + " " + c.text) for w in words)]


# -------------------------------------------------------- from a report ---

@dataclass
class Source:
    """A report to start from: a stored one or a received one."""
    title: str  # 'Đảng ủy xã Hòa An, báo cáo số 3'
    answers: dict[str, str]


def stored_source(store: DraftStore, report_id: int) -> Source:
    r: StoredReport = store.get_report(report_id)
    unit = unit_in_sentence(r.identity.unit) or "(chưa ghi đơn vị)"
    return Source(f"báo cáo số {r.id} của {unit}", dict(r.answers))


def received_source(rs: ReceivingStore, outline_of_package: Outline | None, received_id: int) -> Source:
    data = rs.data(received_id)
    if not data:
        raise UserError("Không đọc được dữ liệu của báo cáo đã nhận này. Hãy nhận lại tệp.")
    answers = {k: v for k, v in (data.get("texts") or {}).items() if isinstance(v, str)}
    stats = data.get("statistics") or {}
    kinds = {st.id: st.type for _s, st in outline_of_package.stat_fields()} if outline_of_package else {}
    for sid in stats if isinstance(stats, dict) else ():
        v = stat_value(stats, sid)
        if v is not None:
            answers[sid] = format_number(v, kinds.get(sid, "decimal"), unit=False)
    return Source(f"báo cáo đã nhận của {unit_in_sentence(rs.unit_of(received_id))}", answers)


@dataclass
class Copied:
    report_id: int
    copied: int
    not_copied: list[str]  # ids of the source's answers that the outline has no place for
    review: list[str]  # sections marked for review

    def lines(self) -> list[str]:
        out = [f"Đã tạo báo cáo số {self.report_id}, chép {self.copied} nội dung; "
               f"{len(self.review)} mục được đánh dấu cần xem lại."]
        if self.not_copied:
            out.append("Không chép được (đề cương mới không có mục này): " + ", ".join(self.not_copied))
        return out


def new_from_report(store: DraftStore, outline: Outline, source: Source, ident: Identity,
                    upper_level: bool = False) -> Copied:
    """A new report whose texts and figures start as the source's, matched
    by id; every section that received something is marked for review."""
    fields = {f.id: s for s, f in outline.all_fields()}
    answers = {k: v for k, v in source.answers.items() if k in fields and v.strip()}
    not_copied = sorted(k for k, v in source.answers.items() if k not in fields and v.strip())
    sections = []
    for s in outline.pages:
        if any(f.id in answers for f in s.fields):
            sections.append(s.id)
    note = f"Chép từ {source.title}: hãy đọc lại, sửa cho đúng rồi bấm “Đã xem lại mục này”."
    with store.db.atomic():
        rid = store.create_report(outline, ident, origin=ORIGIN_RECEIVED if upper_level else ORIGIN_COPY)
        store.save_answers(rid, answers)
        store.set_marks(rid, [(sid, MARK_REVIEW, note) for sid in sections])
    return Copied(rid, len(answers), not_copied, sections)


def marks_of(store: DraftStore, report_id: int) -> tuple[dict[str, str], dict[str, str]]:
    """(prefilled figures, sections to review) of a report: id -> note."""
    return store.marks(report_id, MARK_PREFILLED), store.marks(report_id, MARK_REVIEW)


def needs_side_pane(report: StoredReport, store: DraftStore) -> bool:
    if report.origin == ORIGIN_RECEIVED:
        return True
    prefilled, review = marks_of(store, report.id)
    return bool(prefilled or review)
