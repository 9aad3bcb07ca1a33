"""The user-level actions, one function each, the same for the command line
(main.py) and the GUI (ui/): they take the same inputs, take the same
decisions and return the same results and messages.  No Qt here; the GUI
adds only presentation (dialogs, progress, which thread runs what).

Actions that write files are split where the GUI runs the slow part in a
background thread: prepare on the main thread (database), write in the
background (files only), commit on the main thread (database).  The CLI
calls the three in a row.  The package lives in export/ because its actions
verify and write what leaves the machine; model/ stays below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from model.errors import UserError
from model.outline import Outline, OutlineCatalog
from model.store import DraftStore

# ----------------------------------------------------------- the reports ---


def create_sample(store: DraftStore, catalog: OutlineCatalog, unit: str, province: str,
                  seed: int | None = None, outline_file: str | None = None) -> int:
    from model.app import create_sample as make

    outline = catalog.install(outline_file) if outline_file else catalog.default()
    return make(store, outline, unit, province, seed)


def new_report(store: DraftStore, catalog: OutlineCatalog, unit: str, province: str,
               outline_key: str | None = None, from_report: int | None = None):
    """'Tạo báo cáo mới' (empty), or 'Tạo báo cáo mới từ báo cáo có sẵn'
    (from_report: texts and figures copied by id, every section marked for
    review).  Returns (report id, lines to tell)."""
    from model.derive import identity_for, new_from_report, stored_source

    outline = outline_for(catalog, outline_key)
    if from_report is not None and not unit.strip():
        ident = carried_identity(store, outline, from_report)  # the same unit, another year
    else:
        ident = identity_for(outline, unit, province)
    if from_report is None:
        rid = store.create_report(outline, ident)
        return rid, [f"Đã tạo báo cáo mới số {rid}."]
    copied = new_from_report(store, outline, stored_source(store, from_report), ident)
    return copied.report_id, copied.lines()


def carried_identity(store: DraftStore, outline: Outline, report_id: int):
    """The identity of an existing report for a new one: same unit, signer
    and recipients; today's date, no number yet, this outline's deadline."""
    import datetime as dt
    from dataclasses import replace

    ident = store.get_report(report_id).identity
    return replace(ident, date=dt.date.today(), doc_number="", deadline=outline.defaults.deadline)


def new_from_received_report(store: DraftStore, catalog: OutlineCatalog, received_id: int, unit: str,
                             province: str = "", outline_key: str | None = None):
    """A new report started from a received one (a neighbour's, a unit's)."""
    from model.derive import identity_for, new_from_report, received_source
    from model.receiving import ReceivingStore

    outline = outline_for(catalog, outline_key)
    rs = ReceivingStore(store)
    info = rs.package_info(received_id)
    try:
        theirs = catalog.get(info.get("outline_id") or "", info.get("outline_version") or 0)
    except UserError:
        theirs = None
    copied = new_from_report(store, outline, received_source(rs, theirs, received_id),
                             identity_for(outline, unit, province))
    return copied.report_id, copied.lines()


def new_from_received(store: DraftStore, catalog: OutlineCatalog, unit: str, level: str = "tinh",
                      province: str = "", outline_key: str | None = None):
    """'Tạo báo cáo của cấp mình từ các báo cáo đã nhận': (report id, lines)."""
    from model.derive import LEVELS, new_from_received as make

    if level not in LEVELS:
        raise UserError("Cấp báo cáo phải là “tinh” (Tỉnh ủy) hoặc “xa” (Đảng ủy xã, phường).")
    made = make(store, outline_for(catalog, outline_key), unit, province, level)
    return made.report_id, made.lines()


def report_lines(store: DraftStore, catalog: OutlineCatalog) -> list[str]:
    from model.app import summary_line

    return [summary_line(report, catalog) for report in store.list_reports()]


def load(store: DraftStore, catalog: OutlineCatalog, report_id: int, final: bool = False):
    """The report as export sees it; final: refuse (MissingContent) while
    required content is missing."""
    from export.docx_report import check_final
    from export.report_export import load_report_data

    data = load_report_data(store, catalog, report_id)
    if final:
        check_final(data)
    return data


def write_export(data, out_dir, draft: bool):
    """Files only (safe in a worker thread): the DOCX and XLSX."""
    from export.report_export import export_files

    return export_files(data, out_dir, draft=draft)


# --------------------------------------------------------------- signing ---

def identity_for(unit: str, superior: str, passphrase: str):
    """The unit's signing identity, made on first use.  (identity, created)."""
    from export.signing import create_identity, has_identity, load_identity

    if has_identity():
        return load_identity(passphrase), False
    return create_identity(unit, superior, passphrase), True


@dataclass
class SignResult:
    files: object  # export.report_export.ExportResult
    package: object  # export.package.PackageResult
    revision: int

    def lines(self) -> list[str]:
        from model.trust import key_text

        return [f"Đã ký số lần {self.revision} và xuất tệp gửi cấp trên: {self.package.path}",
                key_text(self.package.key_id)]


def prepare_signing(store: DraftStore, catalog: OutlineCatalog, report_id: int):
    """Main thread: the final report with the revision it will carry.  The
    revision is not used up until commit_signing (a failed export keeps it)."""
    data = load(store, catalog, report_id, final=True)
    data.revision = store.get_report(report_id).revision + 1
    return data


def write_signed(data, ident, out_dir) -> SignResult:
    """Files only: DOCX, XLSX and the signed package, rendered once."""
    from export.package import export_signed

    files, package = export_signed(data, ident, out_dir)
    return SignResult(files, package, data.revision)


def commit_signing(store: DraftStore, report_id: int, result: SignResult) -> None:
    """Main thread, after the files exist: the revision is now used."""
    store.set_revision(report_id, result.revision)


def sign(store: DraftStore, catalog: OutlineCatalog, report_id: int, ident, out_dir) -> SignResult:
    data = prepare_signing(store, catalog, report_id)
    result = write_signed(data, ident, out_dir)
    commit_signing(store, report_id, result)
    return result


# ------------------------------------------------------------ receiving ---

@dataclass
class VerifyResult:
    verdicts: list
    ok: bool  # every file intact and validly signed (and trusted, if required)

    def lines(self) -> list[str]:
        return [v.line() for v in self.verdicts]


def decide(store: DraftStore, verdicts: list, trust_new: bool = False) -> list:
    """The receiver's trust decisions on verified files (main thread): the
    trust list, the keys a CA vouches for, and the keys already received (a
    second key for a unit is a conflict)."""
    from export.receive import decide_trust, known_keys
    from model.receiving import ReceivingStore
    from model.trust import TrustList

    decide_trust(TrustList(store.db), verdicts, trust_new=trust_new, known=known_keys(ReceivingStore(store)))
    return verdicts


def verify(store: DraftStore, paths, trust_new: bool = False, require_trusted: bool = False,
           anchors=None) -> VerifyResult:
    """anchors: root certificates to check chains against (default: the
    receiver's, in the data folder)."""
    from export.receive import verify_files

    verdicts = verify_files(paths, anchors)
    decide(store, verdicts, trust_new)
    ok = all(v.code == "valid" or (v.code == "unknown_signer" and not require_trusted) for v in verdicts)
    return VerifyResult(verdicts, ok)


def expected_units(store: DraftStore, names: list[str] | None = None, province: str | None = None) -> list[str]:
    """Declare the units that must report (names, or the official list of a
    province).  Returns the names refused as look-alikes."""
    from model.receiving import ReceivingStore

    if province:
        from model.units import communes_of

        names = communes_of(province)
        if not names:
            raise UserError(f"Không tìm thấy tỉnh “{province}” trong danh mục hành chính.")
    return ReceivingStore(store).set_expected(names or [])


def receive(store: DraftStore, paths, outline: Outline, trust_new: bool = False, job=None):
    """Import packages (files, folders); the summary the receiver is told."""
    from export.receive import import_packages, summarise
    from model.receiving import ReceivingStore

    progress = (lambda n, total: job.check()) if job is not None else None
    outcomes = import_packages(ReceivingStore(store), paths, outline, trust_new=trust_new, progress=progress)
    return outcomes, summarise(outcomes, paths)


def receive_in_own_connection(db_path: Path, paths, outline: Outline, trust_new: bool = False, job=None):
    """receive() for a worker thread: its own connection to the database."""
    store = DraftStore(db_path)
    try:
        return receive(store, paths, outline, trust_new, job)
    finally:
        store.close()


def consolidate(store: DraftStore, outline: Outline, out_dir):
    from export.consolidate import consolidate as run
    from model.receiving import ReceivingStore

    rs = ReceivingStore(store)
    if not rs.counted_ids(outline):
        raise UserError("Không có báo cáo hợp lệ nào để tổng hợp.")
    return run(rs, outline, out_dir)


def consolidate_in_own_connection(db_path: Path, outline: Outline, out_dir):
    store = DraftStore(db_path)
    try:
        return consolidate(store, outline, out_dir)
    finally:
        store.close()


def consolidation_lines(result) -> list[str]:
    lines = [f"Tổng hợp {result.units} đơn vị."]
    if result.unconfirmed:
        lines.append(f"Trong đó {len(result.unconfirmed)} đơn vị chưa được xác nhận chữ ký số (tô màu cam "
                     "trong bảng tổng hợp): " + ", ".join(result.unconfirmed))
    if result.skipped:
        lines.append("Không dùng được dữ liệu của: " + ", ".join(result.skipped))
    if result.missing:
        lines.append(f"Chưa nộp ({len(result.missing)}): " + ", ".join(result.missing))
    return lines


def outline_for(catalog: OutlineCatalog, key: str | None) -> Outline:
    """'id@version' (or the default outline)."""
    if not key:
        return catalog.default()
    oid, _, ver = key.partition("@")
    return catalog.get(oid, int(ver) if ver.isdigit() else 1)


# ---------------------------------------------------------------- trust ---

def trust_lines(store: DraftStore) -> list[str]:
    from model.trust import TrustList

    entries = TrustList(store.db).entries()
    if not entries:
        return ["Chưa tin cậy chữ ký số của đơn vị nào."]
    return [f"{e.unit}\t{e.short_id}\t{e.subject}\t{e.added_at[:10]}" for e in entries]


def trust_add(store: DraftStore, path) -> list[str]:
    from export.receive import trust_from_file
    from model.trust import TrustList

    v = trust_from_file(TrustList(store.db), path)
    return [f"Đã tin cậy chữ ký số {v.short_id} của {v.unit}.", f"Dấu vân tay đầy đủ: {v.fingerprint}"]


def trust_remove(store: DraftStore, unit: str) -> list[str]:
    from export.receive import trust_remove as remove
    from model.trust import TrustList

    n = remove(TrustList(store.db), unit)
    return [f"Đã bỏ tin cậy {n} chữ ký số của “{unit}”."]
