"""Receiving packages: one file, several, or a whole folder (a USB stick).
Each is verified; the verdict, signer, revision and time received are stored;
the same package twice is a duplicate; a package from another outline is
refused with an explanation."""

from __future__ import annotations

from pathlib import Path

from export.verify import apply_trust, verify_package
from model.receiving import INTACT, ImportOutcome, ReceivingStore
from model.outline import Outline

MAX_FILES = 5000


def expand(paths) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(x for x in p.iterdir() if x.suffix.lower() == ".zip" and x.is_file()))
        else:
            files.append(p)
    return files[:MAX_FILES]


def import_packages(rs: ReceivingStore, paths, outline: Outline, trust_new: bool = False,
                    progress=None) -> list[ImportOutcome]:
    outcomes = []
    files = expand(paths)
    for n, path in enumerate(files, start=1):
        if progress:
            progress(n, len(files))
        v = verify_package(path)
        if v.package_sha256 and (seen := rs.known(v.package_sha256)):
            outcomes.append(ImportOutcome(path.name, "duplicate", "Trùng với tệp đã nhận",
                                          seen["unit"], [f"đã nhận trước đây: {seen['file_name']}"]))
            continue
        if v.intact:
            known = rs.store.trusted_fingerprints(v.unit)
            if not known and trust_new:
                rs.store.trust_signer(v.unit, v.fingerprint, v.subject)
                known = [v.fingerprint]
            apply_trust(v, known)
        status = "new" if v.code in INTACT else "rejected"
        if v.code in INTACT and (v.outline_id, v.outline_version) != (outline.id, outline.version):
            status = "other_outline"
            v.details.append(f"báo cáo làm theo đề cương “{v.outline_id}” phiên bản {v.outline_version}, "
                             f"không cùng đề cương “{outline.name}” nên không tổng hợp chung")
        if v.package_sha256:
            rs.add(package_sha256=v.package_sha256, file_name=path.name, verdict=v.code,
                   verdict_label=v.label, details=v.details, unit=v.unit, subject=v.subject,
                   fingerprint=v.fingerprint, report_id=v.report_id, revision=v.revision,
                   outline_id=v.outline_id, outline_version=v.outline_version, signed_at=v.signed_at,
                   data=v.data)
        outcomes.append(ImportOutcome(path.name, status, v.label, v.unit, list(v.details)))
    return outcomes
