"""The receiver's actions, the same for the CLI and the GUI: check files,
decide trust, receive packages into the database, manage the trust list.

Receiving takes one file, several, or a whole folder (a USB stick).  Each
file is verified on its own: a file that cannot be read, checked or stored
is recorded as refused with its reason, and the next file goes on.  Every
value a package says is validated before it is stored (model/package_data);
the same package twice is a duplicate; a package from another outline is
kept but not added up with this one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from export.verify import BAD_DATA, LABELS, NOT_PACKAGE, Verdict, apply_trust, verify_package
from model.errors import UserError
from model.outline import Outline
from model.package_data import DataProblem, check_against_outline
from model.receiving import INTACT, ImportOutcome, ReceivingStore
from model.store import now_iso
from model.text import shown
from model.trust import CONFLICT, TRUSTED, UNCONFIRMED, TrustList, keys_to_trust_first, speaking_keys
from model.unit_identity import unit_key

log = logging.getLogger("tongket")

MAX_FILES = 5000


def expand(paths) -> list[Path]:
    """Files as given; a folder gives its .zip files (any case), sorted;
    at most MAX_FILES in all."""
    files: list[Path] = []
    for p in map(Path, paths):
        try:
            if p.is_dir():
                found = sorted(x for x in p.iterdir() if x.suffix.lower() == ".zip" and x.is_file())
                files.extend(found[:MAX_FILES])
            else:
                files.append(p)
        except OSError:
            files.append(p)  # verify_package gives it its verdict
        if len(files) >= MAX_FILES:
            break
    return files[:MAX_FILES]


def _verify(path: Path, anchors=None) -> Verdict:
    try:
        return verify_package(path, anchors)
    except Exception:  # verify_package does not raise; this guards the batch anyway
        log.exception("verification of one file failed")
        return Verdict(path=path, code=NOT_PACKAGE, details=["không kiểm tra được tệp"])


def verify_files(paths, anchors=None) -> list[Verdict]:
    """Only the files (no database): safe in a worker thread."""
    return [_verify(p, anchors) for p in expand(paths)]


@dataclass
class KnownKeys:
    """Keys already received, by unit key: those a CA vouches for (anchored,
    they speak for the unit like a trusted key) and the others."""

    anchored: dict[str, set[str]]
    others: dict[str, set[str]]


def known_keys(rs: ReceivingStore | None) -> KnownKeys:
    return KnownKeys(*rs.claimed_keys()) if rs is not None else KnownKeys({}, {})


def decide_trust(trust_list: TrustList, verdicts: list[Verdict], trust_new: bool = False,
                 known: KnownKeys | None = None) -> list[str]:
    """Give every intact verdict its trust state, from the trust list, the
    keys a CA vouches for and every key claiming the same unit (in this batch
    and already received).  trust_new: trust a unit's key first, but only
    when exactly one key claims the unit, none is trusted or vouched for yet,
    and the package names its unit in its certificate.  Returns the units
    trusted now."""
    known = known or KnownKeys({}, {})
    anchored = {k: set(v) for k, v in known.anchored.items()}
    seen = {k: set(v) for k, v in known.others.items()}
    for v in verdicts:
        if v.intact:
            bucket = anchored if v.anchored else seen
            bucket.setdefault(unit_key(v.unit), set()).add(v.key_id)

    def trusted_for(unit: str) -> set[str]:
        return speaking_keys(anchored.get(unit_key(unit), set()), trust_list.keys_for(unit))

    trusted_now = []
    if trust_new:
        candidates = [v for v in verdicts if v.intact and not v.anchored and v.names_unit]
        batch = [(v.unit, kid) for v in candidates for kid in seen.get(unit_key(v.unit), set())]
        first = keys_to_trust_first(batch, trusted_for)
        for v in candidates:
            k = unit_key(v.unit)
            if first.get(k) == v.key_id:
                trust_list.add(v.unit, v.key_id, v.short_id, v.subject, now_iso())
                trusted_now.append(v.unit)
                first.pop(k)
    for v in verdicts:
        if v.intact:
            apply_trust(v, trusted_for(v.unit), seen.get(unit_key(v.unit), set()))
    return trusted_now


def import_packages(rs: ReceivingStore, paths, outline: Outline, trust_new: bool = False,
                    progress=None, anchors=None) -> list[ImportOutcome]:
    files = expand(paths)
    verdicts = []
    for n, path in enumerate(files, start=1):
        if progress:
            progress(n, len(files))
        v = _verify(path, anchors)
        _check_outline(v, outline)  # before any trust decision: a refused file never plants trust
        verdicts.append(v)
    if trust_new:
        # only packages of this outline may be trusted first (one of another is refused here)
        this_outline = [v for v in verdicts
                        if (v.outline_id, v.outline_version) == (outline.id, outline.version)]
        decide_trust(rs.trust, this_outline, trust_new=True, known=known_keys(rs))
    stored: list[tuple[Verdict, int | None, ImportOutcome | None]] = []
    for v in verdicts:
        try:
            stored.append(_store_one(rs, v, outline))
        except Exception:  # one file never stops the others
            log.exception("storing a received file failed")
            stored.append((v, None, ImportOutcome(shown(v.path.name), "rejected", "Không lưu được tệp này",
                                                  shown(v.unit), ["lỗi khi lưu; các tệp khác vẫn được nhận"])))
    states = rs.states(outline)
    return [done or _outcome(v, states[rid], outline) for v, rid, done in stored]


def _check_outline(v: Verdict, outline: Outline) -> None:
    if v.intact and (v.outline_id, v.outline_version) == (outline.id, outline.version):
        try:
            check_against_outline(v.data, outline)
        except DataProblem as exc:
            v.code, v.data = BAD_DATA, None
            v.details.append(exc.reason)


def _store_one(rs: ReceivingStore, v: Verdict, outline: Outline):
    """(verdict, stored row id, outcome already known)."""
    name = shown(v.path.name)
    if v.package_sha256 and (seen := rs.known(v.package_sha256)):
        return v, None, ImportOutcome(name, "duplicate", "Trùng với tệp đã nhận", seen["unit"],
                                      [f"đã nhận trước đây: {seen['file_name']}"])
    if not v.package_sha256:
        return v, None, ImportOutcome(name, "rejected", v.label, shown(v.unit), list(v.details))
    code = INTACT if v.intact else v.code
    rid = rs.add(package_sha256=v.package_sha256, file_name=v.path.name, verdict=code,
                 verdict_label=LABELS[code], details=v.details, unit=v.unit, subject=v.subject,
                 fingerprint=v.key_id, short_id=v.short_id, anchored=v.anchored, report_id=v.report_id,
                 revision=v.revision, report_date=v.report_date, outline_id=v.outline_id,
                 outline_version=v.outline_version, signed_at=v.signed_at, data=v.data)
    return v, rid, None


def _outcome(v: Verdict, state, outline: Outline) -> ImportOutcome:
    details = list(v.details)
    if not v.intact:
        status = "rejected"
    elif (v.outline_id, v.outline_version) != (outline.id, outline.version):
        status = "other_outline"
        details.append(f"báo cáo làm theo đề cương “{shown(v.outline_id)}” phiên bản {v.outline_version}, "
                       f"không cùng đề cương “{outline.name}” nên không tổng hợp chung")
    else:
        status = {TRUSTED: "new", UNCONFIRMED: "unconfirmed", CONFLICT: "conflict"}.get(state.state, "rejected")
    return ImportOutcome(shown(v.path.name), status, state.label, shown(v.unit), details)


@dataclass
class Summary:
    headline: str
    lines: list[str]
    problems: bool


def summarise(outcomes: list[ImportOutcome], paths=()) -> Summary:
    """What the receiver is told after a batch, in the CLI and the GUI;
    paths: what was chosen, named when nothing was found in it."""
    if not outcomes:
        where = ", ".join(shown(str(p)) for p in paths) or "đã chọn"
        return Summary(f"Không tìm thấy tệp báo cáo (.zip) nào trong {where}.",
                       ["Tệp báo cáo do cấp dưới gửi có đuôi .zip. Hãy chọn đúng thư mục chứa các tệp "
                        "đó (ví dụ thư mục trên ổ USB), hoặc bấm “Chọn tệp…” để chọn từng tệp."], True)
    count = {s: sum(1 for o in outcomes if o.status == s)
             for s in ("new", "unconfirmed", "conflict", "rejected", "other_outline", "duplicate")}
    parts = [f"{count['new']} hợp lệ", f"{count['unconfirmed']} chưa xác nhận người ký"]
    if count["conflict"]:
        parts.append(f"{count['conflict']} chờ xác nhận vì nhiều chữ ký số")
    parts += [f"{count['rejected'] + count['other_outline']} bị từ chối", f"{count['duplicate']} trùng"]
    headline = f"Đã nhận {len(outcomes)} tệp: " + ", ".join(parts) + "."
    tags = {"unconfirmed": "CHƯA XÁC NHẬN", "conflict": "CHỜ XÁC NHẬN", "rejected": "TỪ CHỐI",
            "other_outline": "ĐỀ CƯƠNG KHÁC", "duplicate": "TRÙNG"}
    lines = [f"{tags[o.status]} {o.file_name}: {o.verdict_label}"
             + (f" ({'; '.join(o.details)})" if o.details else "")
             for o in outcomes if o.status in tags]
    return Summary(headline, lines, any(o.status != "new" for o in outcomes))


# ------------------------------------------------------------ trust list ---

def trust_from_file(trust_list: TrustList, path, anchors=None) -> Verdict:
    """'trust add FILE.zip': trust the key that signed an intact package."""
    v = _verify(Path(path), anchors)
    if not v.intact:
        raise UserError(f"Không tin cậy được: {v.label}" + (f" ({'; '.join(v.details)})" if v.details else ""))
    trust_list.add(v.unit, v.key_id, v.short_id, v.subject, now_iso())
    apply_trust(v, trust_list.keys_for(v.unit))
    return v


def trust_remove(trust_list: TrustList, unit: str) -> int:
    n = trust_list.remove(unit)
    if not n:
        raise UserError(f"Không có chữ ký số nào được tin cậy cho “{shown(unit)}”.")
    return n
