"""Verification of a received package, with no external program.

The signature over manifest.json is checked by pyHanko (a maintained CMS
implementation), every member is hashed and compared with the manifest, and
nothing is ever extracted to disk: members are read into memory with bounds,
so a ZIP bomb, a path like ../../x or a truncated file gets a verdict, not
a crash.  Trust in the signer is decided against the receiver's list of
trusted fingerprints (model/trust), not here.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from export.certs import check_certificate, full_fingerprint, key_weakness, load_anchors, load_crls, \
    short_id, weak_hash_name
from export.package import (DATA, DATA_FORMAT, MANIFEST, PACKAGE_FORMAT, PACKAGE_VERSION,
                            SIGNATURE)
from export.signing import cert_unit, subject_text
from model import trust
from model.package_data import DataProblem, check_revision, check_shape
from model.text import shown
from model.unit_identity import cert_names_unit, same_unit, unit_name_problem

log = logging.getLogger("tongket")

MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 80 * 1024 * 1024
MAX_MEMBER_BYTES = 40 * 1024 * 1024
MAX_MEMBERS = 20
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB

INTACT = "intact"  # everything checks out; who signed is for the trust list to say
VALID = "valid"
UNKNOWN_SIGNER = "unknown_signer"
CONFLICT = "conflict"
KEY_MISMATCH = "key_mismatch"
TAMPERED = "tampered"
BAD_SIGNATURE = "bad_signature"
WEAK = "weak_algorithm"
CERT_BROKEN = "cert_broken"
CERT_EXPIRED = "cert_expired"
CERT_NOT_YET_VALID = "cert_not_yet_valid"
CERT_REVOKED = "cert_revoked"
BAD_UNIT = "bad_unit_name"
BAD_DATA = "bad_data"
NOT_PACKAGE = "not_package"

LABELS = {
    INTACT: "Nguyên vẹn, chưa đối chiếu danh sách tin cậy",
    VALID: trust.LABELS[trust.TRUSTED],
    UNKNOWN_SIGNER: trust.LABELS[trust.UNCONFIRMED],
    CONFLICT: trust.LABELS[trust.CONFLICT],
    KEY_MISMATCH: trust.LABELS[trust.MISMATCH],
    TAMPERED: "Đã bị sửa đổi sau khi ký",
    BAD_SIGNATURE: "Chữ ký không hợp lệ",
    WEAK: "Chữ ký dùng thuật toán yếu, không an toàn",
    CERT_BROKEN: "Chứng thư số không hợp lệ",
    CERT_EXPIRED: "Chứng thư số đã hết hạn khi ký",
    CERT_NOT_YET_VALID: "Chứng thư số chưa có hiệu lực khi ký",
    CERT_REVOKED: "Chứng thư số đã bị thu hồi",
    BAD_UNIT: "Tên đơn vị không hợp lệ (nghi giả mạo)",
    BAD_DATA: "Dữ liệu trong gói không hợp lệ",
    NOT_PACKAGE: "Không phải tệp báo cáo",
}
_CERT_CODES = {"weak": WEAK, "broken": CERT_BROKEN, "expired": CERT_EXPIRED,
               "not_yet_valid": CERT_NOT_YET_VALID, "revoked": CERT_REVOKED}
_FROM_STATE = {trust.TRUSTED: VALID, trust.UNCONFIRMED: UNKNOWN_SIGNER, trust.CONFLICT: CONFLICT,
               trust.MISMATCH: KEY_MISMATCH}


@dataclass
class Verdict:
    path: Path
    code: str
    details: list[str] = field(default_factory=list)
    unit: str = ""
    subject: str = ""
    key_id: str = ""  # SHA-256 of the signer's public key, hex
    anchored: bool = False  # the certificate chains to a root the receiver trusts and names the unit
    names_unit: bool = False  # the certificate's name is the unit's (a key may be trusted first only then)
    issuer: str = ""  # the certification authority that issued it (when anchored)
    holder: str = ""  # the common name the certificate was issued to
    signed_at: str = ""  # a claim of the sender's laptop clock
    revision: int | None = None
    report_id: str = ""
    report_date: str = ""
    outline_id: str = ""
    outline_version: int | None = None
    manifest: dict | None = None
    data: dict | None = None
    package_sha256: str = ""
    trust_note: str = ""  # what the trust decision means, set by apply_trust

    @property
    def label(self) -> str:
        if self.code == VALID and self.anchored and self.issuer:
            return f"{LABELS[VALID]} — chứng thư số do {shown(self.issuer)} cấp cho {shown(self.holder or self.unit)}"
        return LABELS[self.code]

    @property
    def fingerprint(self) -> str:
        return full_fingerprint(self.key_id) if self.key_id else ""

    @property
    def short_id(self) -> str:
        return short_id(self.key_id) if self.key_id else ""

    @property
    def intact(self) -> bool:
        """Signature, certificate and every byte check out (trust aside)."""
        return self.code in (INTACT, VALID, UNKNOWN_SIGNER, CONFLICT, KEY_MISMATCH)

    def line(self) -> str:
        who = f" — {shown(self.unit)}" if self.unit else ""
        fp = f" — chữ ký số {self.short_id}" if self.key_id else ""
        notes = self.notes()
        extra = f" ({'; '.join(notes)})" if notes else ""
        return f"{shown(self.path.name)}: {self.label}{who}{fp}{extra}"

    def notes(self) -> list[str]:
        return self.details + ([self.trust_note] if self.trust_note else [])


class _Refuse(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return False
    if any(not ch.isprintable() for ch in name) or len(name) > 200:
        return False
    parts = name.split("/")
    return len(parts) == 1 and parts[0] not in ("", ".", "..")


def _read_members(blob_path: Path) -> tuple[dict[str, bytes], str]:
    try:
        size = blob_path.stat().st_size
    except OSError as exc:
        raise _Refuse(NOT_PACKAGE, "không đọc được tệp") from exc
    if size == 0:
        raise _Refuse(NOT_PACKAGE, "tệp rỗng")
    if size > MAX_PACKAGE_BYTES:
        raise _Refuse(NOT_PACKAGE, "tệp quá lớn để là gói báo cáo")
    try:
        raw = blob_path.read_bytes()
    except OSError as exc:
        raise _Refuse(NOT_PACKAGE, "không đọc được tệp") from exc
    digest = hashlib.sha256(raw).hexdigest()
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise _Refuse(NOT_PACKAGE, "tệp không phải tệp nén ZIP hoặc bị hỏng, thiếu (có thể tải về chưa xong)") from exc
    except Exception as exc:  # any other malformed header
        raise _Refuse(NOT_PACKAGE, "tệp nén bị hỏng") from exc
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if "word/document.xml" in names or "[Content_Types].xml" in names:
            raise _Refuse(NOT_PACKAGE, "đây là tệp Word/Excel, không phải gói báo cáo đã ký số")
        if len(infos) > MAX_MEMBERS:
            raise _Refuse(NOT_PACKAGE, "gói chứa quá nhiều tệp")
        if len(set(names)) != len(names):
            raise _Refuse(NOT_PACKAGE, "gói chứa tên tệp trùng nhau")
        total = 0
        for info in infos:
            if not _safe_name(info.filename) or info.is_dir():
                raise _Refuse(NOT_PACKAGE, f"gói chứa tên tệp hoặc đường dẫn không hợp lệ “{shown(info.filename, 60)}”")
            if info.flag_bits & 0x1:
                raise _Refuse(NOT_PACKAGE, "gói có tệp bị đặt mật khẩu")
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_UNCOMPRESSED:
                raise _Refuse(NOT_PACKAGE, "gói giải nén ra quá lớn (nghi là tệp độc hại)")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _Refuse(NOT_PACKAGE, "tỷ lệ nén bất thường (nghi là tệp độc hại)")
        if MANIFEST not in names or SIGNATURE not in names:
            raise _Refuse(NOT_PACKAGE, "thiếu tệp manifest.json hoặc chữ ký số")
        members = {}
        for info in infos:
            try:
                with zf.open(info) as fh:
                    content = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise _Refuse(TAMPERED, f"tệp “{shown(info.filename)}” trong gói bị hỏng") from exc
            except Exception as exc:  # zlib.error and the like
                raise _Refuse(TAMPERED, f"tệp “{shown(info.filename)}” trong gói bị hỏng") from exc
            if len(content) != info.file_size:
                raise _Refuse(TAMPERED, f"kích thước tệp “{shown(info.filename)}” không khớp")
            members[info.filename] = content
    return members, digest


def _signer_cert(signed_data, certs):
    """The certificate the signer info points to."""
    sid = signed_data["signer_infos"][0]["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            if cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native:
                return cert
        elif sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native:
            return cert
    raise ValueError("signer certificate not included")


def _check_signature(manifest_bytes: bytes, signature: bytes):
    """(intact, valid, signer cert, other certs, signing time claim), after
    refusing weak algorithms by name."""
    from asn1crypto import cms
    from cryptography import x509
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise ValueError("not signed data")
        signed_data = info["content"]
        if len(signed_data["signer_infos"]) != 1:
            raise ValueError("not exactly one signer")
        certs = [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
        if not certs or len(certs) > 10:
            raise ValueError("no certificate")
        signer_asn1 = _signer_cert(signed_data, certs)
        signer = x509.load_der_x509_certificate(signer_asn1.dump())
        others = [x509.load_der_x509_certificate(c.dump()) for c in certs if c is not signer_asn1]
        signer_info = signed_data["signer_infos"][0]
        digest = signer_info["digest_algorithm"]["algorithm"].native
        mechanism = signer_info["signature_algorithm"]["algorithm"].native
    except Exception as exc:
        log.info("signature unreadable: %s", type(exc).__name__)
        raise _Refuse(BAD_SIGNATURE, "chữ ký số bị hỏng hoặc không đọc được") from exc
    weak = weak_hash_name(digest) or next(
        (name for name in map(weak_hash_name, str(mechanism).split("_")) if name), None)
    if weak:
        raise _Refuse(WEAK, f"chữ ký dùng hàm băm {weak} (đã bị phá, không còn an toàn)")
    key_weak = key_weakness(signer)
    if key_weak:
        raise _Refuse(WEAK, "chữ ký dùng " + key_weak)
    try:
        context = ValidationContext(trust_roots=certs, allow_fetching=False)
        status = asyncio.run(async_validate_detached_cms(
            manifest_bytes, signed_data, signer_validation_context=context))
    except Exception as exc:
        log.info("signature not verifiable: %s", type(exc).__name__)
        raise _Refuse(BAD_SIGNATURE, "chữ ký số không khớp với chứng thư đi kèm") from exc
    claimed = status.signer_reported_dt
    return status.intact, status.valid, signer, others, claimed


def _check_pdfs(members: dict[str, bytes], files: dict, package_key: str) -> None:
    """Each PDF in the package carries its own PAdES signature, intact, over
    the whole file, by the key that signed the package (issue 13)."""
    from export.pdf_sign import check_pdf

    for name in sorted(n for n in files if n.lower().endswith(".pdf")):
        check = check_pdf(members[name])
        if check.problem:
            raise _Refuse(BAD_SIGNATURE, f"{check.problem} (“{shown(name)}”)")
        if check.key_id != package_key:
            raise _Refuse(BAD_SIGNATURE, f"tệp “{shown(name)}” được ký bằng chữ ký số khác với chữ ký của gói")


def verify_package(path: str | Path, anchors=None, now=None, crls=None) -> Verdict:
    """Check one received file.  Never raises for a bad file.  anchors: the
    receiver's CA certificates, crls: its offline revocation lists (default:
    those in the data folder)."""
    path = Path(path)
    verdict = Verdict(path=path, code=NOT_PACKAGE)
    try:
        members, digest = _read_members(path)
        verdict.package_sha256 = digest
        manifest_bytes = members[MANIFEST]
        intact, valid, cert, others, claimed = _check_signature(manifest_bytes, members[SIGNATURE])
        verdict.subject = subject_text(cert)
        verdict.holder = cert_unit(cert)
        verdict.signed_at = claimed.isoformat(timespec="seconds") if claimed else ""
        try:
            manifest = json.loads(manifest_bytes.decode("utf-8"))
            if not isinstance(manifest, dict):
                raise ValueError
        except (ValueError, UnicodeDecodeError, RecursionError):
            manifest = None
        unit = manifest.get("unit", "") if manifest else ""
        verdict.unit = unit if isinstance(unit, str) else ""
        self_signed = cert.issuer == cert.subject
        if not (intact and valid):
            if self_signed and verdict.unit and not cert_names_unit(cert_unit(cert), verdict.unit):
                raise _Refuse(BAD_SIGNATURE, f"chữ ký là của “{shown(verdict.subject)}”, không phải của đơn vị báo cáo")
            if not intact:
                raise _Refuse(TAMPERED, "danh mục tệp (manifest.json) đã bị sửa sau khi ký")
            raise _Refuse(BAD_SIGNATURE, "chữ ký số không khớp với chứng thư")
        check = check_certificate(cert, others, load_anchors() if anchors is None else anchors, claimed, now,
                                  load_crls() if crls is None else crls)
        verdict.key_id = check.key_id
        if check.code:
            raise _Refuse(_CERT_CODES[check.code], "; ".join(check.problems))
        verdict.details.extend(check.notes)
        if manifest is None:
            raise _Refuse(NOT_PACKAGE, "manifest.json không đọc được")
        if manifest.get("format") != PACKAGE_FORMAT:
            raise _Refuse(NOT_PACKAGE, "không phải gói báo cáo của TongKet")
        if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > PACKAGE_VERSION:
            raise _Refuse(NOT_PACKAGE, "gói do phiên bản TongKet mới hơn tạo ra; hãy cập nhật TongKet")
        problem = unit_name_problem(verdict.unit)
        if problem:
            raise _Refuse(BAD_UNIT, problem)
        names_unit = cert_names_unit(cert_unit(cert), verdict.unit)
        if self_signed and not names_unit:
            raise _Refuse(BAD_SIGNATURE, f"chữ ký là của “{shown(verdict.subject)}”, không phải của đơn vị báo cáo")
        verdict.names_unit = names_unit
        # a CA vouches only for the name it wrote, in full (a name cut to the
        # certificate's limit could be another unit's that starts the same)
        verdict.anchored = check.anchored and same_unit(cert_unit(cert), verdict.unit)
        verdict.issuer = check.issuer if verdict.anchored else ""
        if not self_signed and not verdict.anchored and not same_unit(cert_unit(cert), verdict.unit):
            verdict.details.append(f"chứng thư cấp cho “{shown(verdict.subject)}”, không ghi đúng tên đơn vị "
                                   "báo cáo; chỉ người nhận mới xác nhận được chữ ký này")
        files = manifest.get("files")
        if not isinstance(files, dict):
            raise _Refuse(NOT_PACKAGE, "manifest.json thiếu danh mục tệp")
        present = set(members) - {MANIFEST, SIGNATURE}
        extra = sorted(present - set(files))
        missing = sorted(set(files) - present)
        if extra:
            raise _Refuse(TAMPERED, "có tệp lạ được thêm vào: " + ", ".join(shown(n, 60) for n in extra[:5]))
        if missing:
            raise _Refuse(TAMPERED, "thiếu tệp: " + ", ".join(shown(n, 60) for n in missing[:5]))
        for name, meta in files.items():
            blob = members[name]
            if not isinstance(meta, dict) or meta.get("size") != len(blob) or \
                    meta.get("sha256") != hashlib.sha256(blob).hexdigest():
                raise _Refuse(TAMPERED, f"tệp “{shown(name)}” đã bị sửa sau khi ký")
        _check_pdfs(members, files, verdict.key_id)
        try:
            data = json.loads(members[DATA].decode("utf-8"))
        except (KeyError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise _Refuse(NOT_PACKAGE, "thiếu dữ liệu báo cáo") from exc
        if not isinstance(data, dict) or data.get("format") != DATA_FORMAT:
            raise _Refuse(NOT_PACKAGE, "dữ liệu báo cáo không đúng định dạng")
        try:
            check_revision(manifest.get("revision"))
            data = check_shape(data, manifest)
        except DataProblem as exc:
            raise _Refuse(BAD_DATA, exc.reason) from exc
        outline = manifest.get("outline") or {}
        if not isinstance(outline, dict) or data["report_id"] != manifest.get("report_id") or \
                data["identity"]["unit"] != verdict.unit or data["outline"]["id"] != outline.get("id") or \
                data["outline"]["version"] != outline.get("version"):
            raise _Refuse(TAMPERED, "dữ liệu báo cáo không khớp với danh mục đã ký")
        verdict.manifest = manifest
        verdict.data = data
        verdict.report_id = data["report_id"]
        verdict.revision = data["revision"]
        verdict.report_date = data["identity"]["date"] or ""
        verdict.outline_id = data["outline"]["id"]
        verdict.outline_version = data["outline"]["version"]
        verdict.code = INTACT
    except _Refuse as refuse:
        verdict.code = refuse.code
        verdict.details.append(refuse.detail)
    except Exception as exc:  # a bug must not hide behind a verdict of 'valid'
        log.exception("verification failed unexpectedly")
        verdict.code = NOT_PACKAGE
        verdict.details.append(f"không kiểm tra được tệp ({type(exc).__name__})")
    return verdict


def apply_trust(verdict: Verdict, trusted: set[str], keys_seen: set[str] | frozenset = frozenset()) -> Verdict:
    """trusted: key ids the receiver trusts for this unit; keys_seen: other
    keys that claim the unit (in this batch or already received)."""
    if not verdict.intact:
        return verdict
    state = trust.state_of(verdict.key_id, verdict.anchored, set(trusted), set(keys_seen))
    verdict.code = _FROM_STATE[state]
    verdict.trust_note = TRUST_NOTES.get(state, "").format(short=verdict.short_id)
    return verdict


TRUST_NOTES = {
    trust.UNCONFIRMED: "chưa xác nhận người ký: hãy so mã chữ ký số {short} với đơn vị (in cuối báo cáo "
                       "giấy hoặc hỏi qua điện thoại) rồi xác nhận",
    trust.MISMATCH: "CẢNH BÁO: đơn vị này đã được xác nhận với chữ ký số khác",
    trust.CONFLICT: "có nhiều chữ ký số khác nhau cùng nhận là của đơn vị này; hãy hỏi đơn vị để "
                    "xác nhận đúng chữ ký",
}
