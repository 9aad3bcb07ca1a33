"""The outline (đề cương) of a review report, loaded from a TOML data file.

Everything the wizard shows for a section and everything the exported report
prints comes from this file, so that a new review plan needs a new file, not
a new release.  The loader checks the file strictly and names the file and the
item in every error, in Vietnamese, because the person who edits an outline
file is an office clerk, not a programmer.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from model.errors import UserError
from model.text import clean, clean_line

FORMAT_NAME = "tongket-outline"
SCHEMA_VERSION = 1
MAX_OUTLINE_BYTES = 2 * 1024 * 1024

STAT_TYPES = {"integer": "số nguyên", "decimal": "số thập phân", "percent": "tỷ lệ %"}
# How a statistic adds up at the upper level (key "aggregate" of a statistic):
AGGREGATES = {
    "sum": "cộng",  # counts and amounts (the default for whole and decimal numbers)
    "rate": "tính lại tỷ lệ",  # a rate: from its numerator and denominator, never an average of rates
    "max": "lấy số lớn nhất",
    "min": "lấy số nhỏ nhất",
    "none": "không cộng",  # left for the upper level to enter
}
# Kinds of units that report to an upper level (expected list, deadlines).
UNIT_KINDS = {
    "co_so": "đảng bộ xã, phường",
    "ban_can_su": "ban cán sự đảng",
    "dang_doan": "đảng đoàn",
    "ban_dang": "ban đảng",
    "co_quan": "cơ quan, đơn vị",
}
UPPER_LEVEL_MAX = 1e12  # bound of an added-up statistic in an upper level's own report
_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class OutlineError(UserError):
    """A malformed outline file; the message names the file and the item."""


@dataclass(frozen=True)
class TextField:
    id: str
    label: str
    guidance: str = ""
    required: bool = True
    kind: str = "text"


@dataclass(frozen=True)
class StatField:
    id: str
    label: str
    unit: str
    type: str  # integer | decimal | percent
    min: float
    max: float
    required: bool = True
    not_more_than: str | None = None
    weight: str | None = None  # older name of denominator
    aggregate: str = "sum"  # a key of AGGREGATES
    numerator: str | None = None  # rate: the statistic counted (optional)
    denominator: str | None = None  # rate: the statistic it is a share of
    kind: str = "stat"

    @property
    def adds_up(self) -> bool:
        return self.aggregate != "none"


@dataclass(frozen=True)
class Section:
    id: str
    level: int
    number: str
    heading: str
    guidance: str = ""
    texts: tuple[TextField, ...] = ()
    stats: tuple[StatField, ...] = ()

    @property
    def is_page(self) -> bool:
        """A section that asks for something gets its own wizard page."""
        return bool(self.texts or self.stats)

    @property
    def fields(self) -> tuple[TextField | StatField, ...]:
        return self.texts + self.stats

    @property
    def title(self) -> str:
        """'1- Tình hình chung', 'Phần thứ nhất'."""
        if self.level == 1:
            return self.number
        return f"{self.number} {self.heading}"


@dataclass(frozen=True)
class Defaults:
    deadline: dt.date | None = None
    upper_deadline: dt.date | None = None  # the upper level's own report (e.g. the province's)
    doc_code: str = "BC/ĐU"
    on_behalf: str = "T/M ĐẢNG ỦY"
    position: str = "BÍ THƯ"
    recipients: tuple[str, ...] = ()
    deadlines: dict = field(default_factory=dict)  # unit kind -> its own deadline

    def deadline_for(self, kind: str) -> dt.date | None:
        return self.deadlines.get(kind, self.deadline)


@dataclass(frozen=True)
class Outline:
    id: str
    version: int
    name: str
    short_name: str
    subject: str
    outline_title: str = ""
    outline_subtitle: str = ""
    plan: str = ""
    statistics_appendix: bool = False
    defaults: Defaults = field(default_factory=Defaults)
    sections: tuple[Section, ...] = ()
    source: str = ""

    @property
    def key(self) -> str:
        """Outline identity as stored with each report: 'id@version'."""
        return f"{self.id}@{self.version}"

    @property
    def pages(self) -> list[Section]:
        return [s for s in self.sections if s.is_page]

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def all_fields(self) -> list[tuple[Section, TextField | StatField]]:
        return [(s, f) for s in self.sections for f in s.fields]

    def stat_fields(self) -> list[tuple[Section, StatField]]:
        return [(s, f) for s in self.sections for f in s.stats]

    def full_number(self, section: Section) -> str:
        """'III.4' for item 4 of section III; 'I' for section I; '' for a part."""
        if section.level == 1:
            return ""
        parent = ""
        for s in self.sections:
            if s.id == section.id:
                break
            if s.level < section.level and s.level == 2:
                parent = s.number.rstrip("-. ")
            if s.level == 1:
                parent = ""
        own = section.number.rstrip("-. ")
        return f"{parent}.{own}" if parent and section.level == 3 else own

    def short_title(self, section: Section) -> str:
        """'III.4- Công tác tiếp dân, tiếp nhận, …': number path and first clause."""
        head = re.split(r"[;(]", section.heading, maxsplit=1)[0].strip(" .;,")
        number = self.full_number(section)
        return f"{number}- {head}" if number else head

    def field(self, field_id: str) -> TextField | StatField:
        for _s, f in self.all_fields():
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def for_upper_level(self) -> "Outline":
        """The same outline for an upper level's own report: a statistic added
        up from many units is not held to the bound of one unit (a province
        has more villages than a commune may have)."""
        def relax(st: StatField) -> StatField:
            return replace(st, max=max(st.max, UPPER_LEVEL_MAX)) if st.aggregate == "sum" else st

        return replace(self, sections=tuple(replace(s, stats=tuple(relax(st) for st in s.stats))
                                            for s in self.sections))

    def section_of(self, field_id: str) -> Section:
        for s, f in self.all_fields():
            if f.id == field_id:
                return s
        raise KeyError(field_id)


# ---------------------------------------------------------------- loading ---


class _Checker:
    """Reads values out of TOML tables with errors that name file and item."""

    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, where: str, what: str) -> OutlineError:
        return OutlineError(
            f"Tệp đề cương “{self.filename}” bị lỗi ở {where}: {what} "
            "Hãy sửa tệp đề cương hoặc xin lại tệp đúng từ cấp trên."
        )

    def text(self, table: dict, key: str, where: str, *, required=True, default="",
             multiline=False) -> str:
        if key not in table:
            if required:
                raise self.fail(where, f"thiếu khóa “{key}”.")
            return default
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(where, f"“{key}” phải là một chuỗi chữ trong dấu ngoặc kép.")
        value = clean(value).strip() if multiline else clean_line(value)
        if required and not value:
            raise self.fail(where, f"“{key}” đang để trống.")
        return value

    def ident(self, table: dict, key: str, where: str) -> str:
        value = self.text(table, key, where)
        if not _ID.match(value):
            raise self.fail(
                where, f"mã “{value}” chỉ được gồm chữ không dấu, số, dấu chấm, gạch dưới."
            )
        return value

    def integer(self, table: dict, key: str, where: str, *, required=True, default=0) -> int:
        if key not in table:
            if required:
                raise self.fail(where, f"thiếu khóa “{key}”.")
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"“{key}” phải là một số nguyên.")
        return value

    def number(self, table: dict, key: str, where: str) -> float:
        if key not in table:
            raise self.fail(where, f"thiếu khóa “{key}”.")
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(where, f"“{key}” phải là một số.")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail(where, f"“{key}” không phải là số hợp lệ.")
        return float(value)

    def boolean(self, table: dict, key: str, where: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(where, f"“{key}” phải là true hoặc false.")
        return value

    def table_list(self, table: dict, key: str, where: str) -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(where, f"“{key}” phải là danh sách các khối [[{key}]].")
        return value


def load_outline(path: str | Path) -> Outline:
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_OUTLINE_BYTES:
            raise OutlineError(
                f"Tệp đề cương “{name}” quá lớn ({size // 1024} KB); "
                "tệp đề cương thật chỉ vài chục KB. Hãy kiểm tra lại tệp."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise OutlineError(
            f"Không đọc được tệp đề cương “{name}”. Hãy kiểm tra tệp còn tồn tại "
            "và không bị chương trình khác khóa."
        ) from exc
    return parse_outline(raw, name)


def parse_outline(raw: bytes, filename: str = "đề cương") -> Outline:
    c = _Checker(filename)
    if len(raw) > MAX_OUTLINE_BYTES:
        raise c.fail("đầu tệp", "tệp quá lớn để là một đề cương.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise c.fail("đầu tệp", "tệp không lưu theo bảng mã UTF-8.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"dòng {line.group(1)}" if line else "một dòng"
        raise c.fail(where, "sai cú pháp (thiếu dấu ngoặc kép, dấu bằng hoặc dấu ngoặc vuông).") from exc
    except RecursionError as exc:  # [[[[…]]]] nested a thousand deep
        raise c.fail("đầu tệp", "các khối lồng vào nhau quá sâu.") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise c.fail("một dòng", "có số quá lớn hoặc giá trị không đọc được.") from exc

    head = "phần đầu tệp"
    if data.get("format") != FORMAT_NAME:
        raise c.fail(head, f"đây không phải tệp đề cương của TongKet (cần format = \"{FORMAT_NAME}\").")
    schema = c.integer(data, "schema_version", head)
    if schema > SCHEMA_VERSION:
        raise c.fail(head, "tệp được làm cho phiên bản TongKet mới hơn. Hãy cập nhật TongKet.")
    if schema < 1:
        raise c.fail(head, "“schema_version” không hợp lệ.")

    defaults_table = data.get("defaults", {})
    if not isinstance(defaults_table, dict):
        raise c.fail("khối [defaults]", "phải là một khối [defaults].")
    def day(key: str) -> dt.date | None:
        value = defaults_table.get(key)
        if value is not None and not isinstance(value, dt.date):
            raise c.fail("khối [defaults]", f"“{key}” phải là ngày dạng 2023-07-20.")
        return value.date() if isinstance(value, dt.datetime) else value

    deadline = day("deadline")
    upper_deadline = day("upper_deadline")
    deadlines = defaults_table.get("deadlines", {})
    if not isinstance(deadlines, dict) or not all(
            k in UNIT_KINDS and isinstance(v, dt.date) for k, v in deadlines.items()):
        raise c.fail("khối [defaults.deadlines]", "mỗi dòng phải là một loại đơn vị ("
                     + ", ".join(UNIT_KINDS) + ") và một ngày dạng 2023-08-01.")
    recipients = defaults_table.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise c.fail("khối [defaults]", "“recipients” phải là danh sách chuỗi chữ.")
    defaults = Defaults(
        deadline=deadline,
        upper_deadline=upper_deadline,
        deadlines={k: (v.date() if isinstance(v, dt.datetime) else v) for k, v in deadlines.items()},
        doc_code=c.text(defaults_table, "doc_code", "khối [defaults]", required=False, default="BC/ĐU"),
        on_behalf=c.text(defaults_table, "on_behalf", "khối [defaults]", required=False, default="T/M ĐẢNG ỦY"),
        position=c.text(defaults_table, "position", "khối [defaults]", required=False, default="BÍ THƯ"),
        recipients=tuple(clean_line(r) for r in recipients if clean_line(r)),
    )

    sections: list[Section] = []
    seen_sections: set[str] = set()
    seen_fields: dict[str, str] = {}
    stats_by_id: dict[str, StatField] = {}
    for index, table in enumerate(c.table_list(data, "sections", head), start=1):
        where = f"mục thứ {index}"
        sid = c.ident(table, "id", where)
        where = f"mục “{sid}” (mục thứ {index})"
        if sid in seen_sections:
            raise c.fail(where, "mã mục bị trùng với một mục khác.")
        seen_sections.add(sid)
        level = c.integer(table, "level", where)
        if level not in (1, 2, 3):
            raise c.fail(where, "“level” phải là 1, 2 hoặc 3.")
        texts = []
        for t in c.table_list(table, "texts", where):
            fid = c.ident(t, "id", where)
            fwhere = f"ô nội dung “{fid}” của {where}"
            if fid in seen_fields:
                raise c.fail(fwhere, f"mã bị trùng (đã dùng ở mục “{seen_fields[fid]}”).")
            seen_fields[fid] = sid
            texts.append(TextField(
                id=fid,
                label=c.text(t, "label", fwhere),
                guidance=c.text(t, "guidance", fwhere, required=False),
                required=c.boolean(t, "required", fwhere, True),
            ))
        stats = []
        for t in c.table_list(table, "stats", where):
            fid = c.ident(t, "id", where)
            fwhere = f"chỉ tiêu “{fid}” của {where}"
            if fid in seen_fields:
                raise c.fail(fwhere, f"mã bị trùng (đã dùng ở mục “{seen_fields[fid]}”).")
            seen_fields[fid] = sid
            kind = c.text(t, "type", fwhere)
            if kind not in STAT_TYPES:
                raise c.fail(fwhere, "“type” phải là \"integer\", \"decimal\" hoặc \"percent\".")
            lo, hi = c.number(t, "min", fwhere), c.number(t, "max", fwhere)
            if lo > hi:
                raise c.fail(fwhere, "“min” lớn hơn “max”.")
            if kind == "percent" and (lo < 0 or hi > 100):
                raise c.fail(fwhere, "tỷ lệ phải nằm trong khoảng 0 đến 100.")
            weight = c.text(t, "weight", fwhere, required=False) or None
            denominator = c.text(t, "denominator", fwhere, required=False) or weight
            default_rule = ("rate" if denominator else "none") if kind == "percent" else "sum"
            aggregate = c.text(t, "aggregate", fwhere, required=False) or default_rule
            if aggregate not in AGGREGATES:
                raise c.fail(fwhere, "“aggregate” phải là \"sum\" (cộng), \"rate\" (tính lại tỷ lệ), "
                                     "\"max\" (lớn nhất), \"min\" (nhỏ nhất) hoặc \"none\" (không cộng).")
            stat = StatField(
                id=fid,
                label=c.text(t, "label", fwhere),
                unit=c.text(t, "unit", fwhere),
                type=kind,
                min=lo,
                max=hi,
                required=c.boolean(t, "required", fwhere, True),
                not_more_than=c.text(t, "not_more_than", fwhere, required=False) or None,
                weight=weight,
                aggregate=aggregate,
                numerator=c.text(t, "numerator", fwhere, required=False) or None,
                denominator=denominator,
            )
            stats.append(stat)
            stats_by_id[fid] = stat
        sections.append(Section(
            id=sid,
            level=level,
            number=c.text(table, "number", where),
            heading=c.text(table, "heading", where),
            guidance=c.text(table, "guidance", where, required=False),
            texts=tuple(texts),
            stats=tuple(stats),
        ))

    if not any(s.is_page for s in sections):
        raise c.fail(head, "đề cương không có mục nào để soạn (thiếu [[sections.texts]] hoặc [[sections.stats]]).")
    for s in sections:
        for st in s.stats:
            for ref_key in ("not_more_than", "weight", "numerator", "denominator"):
                ref = getattr(st, ref_key)
                if ref is None:
                    continue
                if ref not in stats_by_id:
                    raise c.fail(f"chỉ tiêu “{st.id}” của mục “{s.id}”",
                                 f"“{ref_key}” nhắc tới chỉ tiêu “{ref}” không có trong tệp.")
                if ref == st.id:
                    raise c.fail(f"chỉ tiêu “{st.id}” của mục “{s.id}”",
                                 f"“{ref_key}” không được trỏ vào chính nó.")
            if st.weight and st.type != "percent":
                raise c.fail(f"chỉ tiêu “{st.id}” của mục “{s.id}”",
                             "chỉ chỉ tiêu tỷ lệ (percent) mới có “weight”.")
            _check_aggregate(c, s, st, stats_by_id)

    short = c.text(data, "short_name", head)
    return Outline(
        id=c.ident(data, "id", head),
        version=c.integer(data, "version", head),
        name=c.text(data, "name", head),
        short_name=short,
        subject=c.text(data, "subject", head),
        outline_title=c.text(data, "outline_title", head, required=False),
        outline_subtitle=c.text(data, "outline_subtitle", head, required=False),
        plan=c.text(data, "plan", head, required=False),
        statistics_appendix=c.boolean(data, "statistics_appendix", head, False),
        defaults=defaults,
        sections=tuple(sections),
        source=filename,
    )


def _check_aggregate(c: _Checker, s: Section, st: StatField, stats_by_id: dict[str, StatField]) -> None:
    """The rule by which a statistic adds up, and the statistics it names."""
    where = f"chỉ tiêu “{st.id}” của mục “{s.id}”"
    if st.type == "percent" and st.aggregate == "sum":
        raise c.fail(where, "không được cộng các tỷ lệ; dùng aggregate = \"rate\" với “denominator”, "
                            "hoặc \"none\".")
    if st.aggregate == "rate":
        if st.type != "percent":
            raise c.fail(where, "chỉ chỉ tiêu tỷ lệ (percent) mới dùng aggregate = \"rate\".")
        if not st.denominator:
            raise c.fail(where, "aggregate = \"rate\" cần “denominator”: chỉ tiêu làm mẫu số.")
        for key in ("numerator", "denominator"):
            ref = getattr(st, key)
            if ref is None:
                continue
            other = stats_by_id[ref]
            if other.type == "percent" or other.aggregate != "sum":
                raise c.fail(where, f"“{key}” phải trỏ vào một chỉ tiêu được cộng (sum), "
                                    f"không phải “{ref}”.")
        if st.numerator and st.numerator == st.denominator:
            raise c.fail(where, "“numerator” và “denominator” phải là hai chỉ tiêu khác nhau.")
    elif st.numerator or (st.denominator and st.denominator != st.weight):
        raise c.fail(where, "“numerator”, “denominator” chỉ dùng với aggregate = \"rate\".")


def outlines_dir() -> Path:
    from model.paths import resource_dir

    return resource_dir() / "outlines"


def user_outlines_dir() -> Path:
    """Outline files a province sends later go here (no new release needed)."""
    from model.paths import data_dir

    return data_dir() / "outlines"


DEFAULT_FILE = "nq25-kl43.toml"
_default_cache: dict[tuple, Outline] = {}


def default_outline() -> Outline:
    """The shipped outline; parsed once per file version (it never changes
    while the program runs, but tests may point resources elsewhere)."""
    path = outlines_dir() / DEFAULT_FILE
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _default_cache:
        _default_cache.clear()
        _default_cache[key] = load_outline(path)
    return _default_cache[key]


def default_outline_key() -> str:
    return default_outline().key


class OutlineCatalog:
    """Every outline the app knows: shipped ones and those in the data folder.

    A broken file in the data folder is reported, not fatal: the reports made
    from the other outlines still open.
    """

    def __init__(self) -> None:
        self.outlines: dict[str, Outline] = {}
        self.errors: list[str] = []
        for folder in (outlines_dir(), user_outlines_dir()):
            if not folder.is_dir():
                continue
            for p in sorted(folder.glob("*.toml")):
                try:
                    o = load_outline(p)
                except OutlineError as exc:
                    self.errors.append(exc.message)
                    continue
                except Exception:  # noqa: BLE001 - one bad file never stops the others
                    self.errors.append(f"Tệp đề cương “{p.name}” không đọc được nên bị bỏ qua. "
                                       "Hãy xin lại tệp đúng từ cấp trên.")
                    continue
                self.outlines.setdefault(o.key, o)

    def get(self, outline_id: str, version: int) -> Outline:
        key = f"{outline_id}@{version}"
        if key not in self.outlines:
            raise UserError(
                f"Không tìm thấy đề cương “{key}” mà báo cáo này dùng. Hãy chép tệp đề cương "
                "vào thư mục “outlines” trong thư mục dữ liệu của TongKet."
            )
        return self.outlines[key]

    def for_report(self, report) -> Outline:
        """The outline a stored report is written and checked against: an
        upper level's own report holds added-up figures (Outline.for_upper_level)."""
        outline = self.get(report.outline_id, report.outline_version)
        return outline.for_upper_level() if getattr(report, "upper_level", False) else outline

    def install(self, path: str | Path) -> Outline:
        """Check an outline file and copy it into the data folder."""
        outline = load_outline(path)
        target = user_outlines_dir()
        target.mkdir(parents=True, exist_ok=True)
        dest = target / f"{outline.id}-v{outline.version}.toml"
        if outline.key not in self.outlines:
            dest.write_bytes(Path(path).read_bytes())
            self.outlines[outline.key] = outline
        return self.outlines[outline.key]

    def default(self) -> Outline:
        """The shipped outline, parsed once (the catalog already holds it)."""
        shipped = default_outline_key()
        if shipped in self.outlines:
            return self.outlines[shipped]
        return default_outline()
