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

from export.package import (DATA, DATA_FORMAT, MANIFEST, PACKAGE_FORMAT, PACKAGE_VERSION,
                            SIGNATURE)
from export.signing import cert_fingerprint, cert_unit, same_unit, subject_text

log = logging.getLogger("tongket")

MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 80 * 1024 * 1024
MAX_MEMBER_BYTES = 40 * 1024 * 1024
MAX_MEMBERS = 20
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB

VALID = "valid"
UNKNOWN_SIGNER = "unknown_signer"
TAMPERED = "tampered"
BAD_SIGNATURE = "bad_signature"
KEY_MISMATCH = "key_mismatch"
NOT_PACKAGE = "not_package"

LABELS = {
    VALID: "Hợp lệ",
    UNKNOWN_SIGNER: "Chưa xác định người ký",
    TAMPERED: "Đã bị sửa đổi sau khi ký",
    BAD_SIGNATURE: "Chữ ký không hợp lệ",
    KEY_MISMATCH: "Chữ ký không hợp lệ: khác chữ ký số đã tin cậy của đơn vị",
    NOT_PACKAGE: "Không phải tệp báo cáo",
}


@dataclass
class Verdict:
    path: Path
    code: str
    details: list[str] = field(default_factory=list)
    unit: str = ""
    subject: str = ""
    fingerprint: str = ""
    signed_at: str = ""  # a claim of the sender's laptop clock
    revision: int | None = None
    report_id: str = ""
    outline_id: str = ""
    outline_version: int | None = None
    manifest: dict | None = None
    data: dict | None = None
    package_sha256: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def intact(self) -> bool:
        """Signature and every byte check out (trust aside)."""
        return self.code in (VALID, UNKNOWN_SIGNER)

    def line(self) -> str:
        who = f" — {self.unit}" if self.unit else ""
        fp = f" — vân tay {self.fingerprint[:23]}…" if self.fingerprint else ""
        extra = f" ({'; '.join(self.details)})" if self.details else ""
        return f"{self.path.name}: {self.label}{who}{fp}{extra}"


class _Refuse(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
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
                raise _Refuse(NOT_PACKAGE, f"gói chứa đường dẫn không hợp lệ “{info.filename[:60]}”")
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
                raise _Refuse(TAMPERED, f"tệp “{info.filename}” trong gói bị hỏng") from exc
            except Exception as exc:  # zlib.error and the like
                raise _Refuse(TAMPERED, f"tệp “{info.filename}” trong gói bị hỏng") from exc
            if len(content) != info.file_size:
                raise _Refuse(TAMPERED, f"kích thước tệp “{info.filename}” không khớp")
            members[info.filename] = content
    return members, digest


def _check_signature(manifest_bytes: bytes, signature: bytes):
    """(ok, intact, signer cert as cryptography object, signing time claim)."""
    from asn1crypto import cms
    from cryptography import x509
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise ValueError("not signed data")
        signed_data = info["content"]
        certs = [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
        if not certs:
            raise ValueError("no certificate")
        context = ValidationContext(trust_roots=certs, allow_fetching=False)
        status = asyncio.run(async_validate_detached_cms(
            manifest_bytes, signed_data, signer_validation_context=context))
    except Exception as exc:
        log.info("signature unreadable: %s", type(exc).__name__)
        raise _Refuse(BAD_SIGNATURE, "chữ ký số bị hỏng hoặc không đọc được") from exc
    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    claimed = status.signer_reported_dt.isoformat(timespec="seconds") if status.signer_reported_dt else ""
    return status.intact and status.valid, status.intact, cert, claimed


def verify_package(path: str | Path) -> Verdict:
    """Check one received file.  Never raises for a bad file."""
    path = Path(path)
    verdict = Verdict(path=path, code=NOT_PACKAGE)
    try:
        members, digest = _read_members(path)
        verdict.package_sha256 = digest
        manifest_bytes = members[MANIFEST]
        ok, intact, cert, claimed = _check_signature(manifest_bytes, members[SIGNATURE])
        verdict.subject = subject_text(cert)
        verdict.fingerprint = cert_fingerprint(cert)
        verdict.signed_at = claimed
        try:
            manifest = json.loads(manifest_bytes.decode("utf-8"))
            if not isinstance(manifest, dict):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            manifest = None
        unit = manifest.get("unit", "") if manifest else ""
        verdict.unit = unit if isinstance(unit, str) else ""
        self_signed = cert.issuer == cert.subject
        if not ok:
            if self_signed and verdict.unit and not same_unit(cert_unit(cert), verdict.unit):
                raise _Refuse(BAD_SIGNATURE, f"chữ ký là của “{verdict.subject}”, không phải của đơn vị báo cáo")
            if not intact:
                raise _Refuse(TAMPERED, "danh mục tệp (manifest.json) đã bị sửa sau khi ký")
            raise _Refuse(BAD_SIGNATURE, "chữ ký số không khớp với chứng thư")
        if manifest is None:
            raise _Refuse(NOT_PACKAGE, "manifest.json không đọc được")
        if manifest.get("format") != PACKAGE_FORMAT:
            raise _Refuse(NOT_PACKAGE, "không phải gói báo cáo của TongKet")
        if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > PACKAGE_VERSION:
            raise _Refuse(NOT_PACKAGE, "gói do phiên bản TongKet mới hơn tạo ra; hãy cập nhật TongKet")
        if self_signed and not same_unit(cert_unit(cert), verdict.unit):
            raise _Refuse(BAD_SIGNATURE, f"chữ ký là của “{verdict.subject}”, không phải của đơn vị báo cáo")
        files = manifest.get("files")
        if not isinstance(files, dict):
            raise _Refuse(NOT_PACKAGE, "manifest.json thiếu danh mục tệp")
        present = set(members) - {MANIFEST, SIGNATURE}
        extra = sorted(present - set(files))
        missing = sorted(set(files) - present)
        if extra:
            raise _Refuse(TAMPERED, "có tệp lạ được thêm vào: " + ", ".join(extra))
        if missing:
            raise _Refuse(TAMPERED, "thiếu tệp: " + ", ".join(missing))
        for name, meta in files.items():
            blob = members[name]
            if not isinstance(meta, dict) or meta.get("size") != len(blob) or \
                    meta.get("sha256") != hashlib.sha256(blob).hexdigest():
                raise _Refuse(TAMPERED, f"tệp “{name}” đã bị sửa sau khi ký")
        try:
            data = json.loads(members[DATA].decode("utf-8"))
        except (KeyError, ValueError, UnicodeDecodeError) as exc:
            raise _Refuse(NOT_PACKAGE, "thiếu dữ liệu báo cáo") from exc
        if not isinstance(data, dict) or data.get("format") != DATA_FORMAT:
            raise _Refuse(NOT_PACKAGE, "dữ liệu báo cáo không đúng định dạng")
        outline = manifest.get("outline") or {}
        if data.get("report_id") != manifest.get("report_id") or \
                (data.get("identity") or {}).get("unit") != verdict.unit or \
                data.get("outline", {}).get("id") != outline.get("id"):
            raise _Refuse(TAMPERED, "dữ liệu báo cáo không khớp với danh mục đã ký")
        verdict.manifest = manifest
        verdict.data = data
        verdict.report_id = str(manifest.get("report_id", ""))
        verdict.revision = manifest.get("revision") if isinstance(manifest.get("revision"), int) else None
        verdict.outline_id = str(outline.get("id", ""))
        verdict.outline_version = outline.get("version") if isinstance(outline.get("version"), int) else None
        if not self_signed:
            verdict.details.append("chứng thư do tổ chức chứng thực cấp")
        verdict.code = UNKNOWN_SIGNER  # until the receiver's trust list says otherwise
    except _Refuse as refuse:
        verdict.code = refuse.code
        verdict.details.append(refuse.detail)
    except Exception as exc:  # a bug must not hide behind a verdict of 'valid'
        log.exception("verification failed unexpectedly")
        verdict.code = NOT_PACKAGE
        verdict.details.append(f"không kiểm tra được tệp ({type(exc).__name__})")
    return verdict


def apply_trust(verdict: Verdict, trusted: list[str]) -> Verdict:
    """trusted: fingerprints the receiver already trusts for this unit."""
    if not verdict.intact:
        return verdict
    if not trusted:
        verdict.code = UNKNOWN_SIGNER
        verdict.details.append("lần đầu nhận báo cáo ký bằng chữ ký số này; hãy so dấu vân tay với đơn vị")
    elif verdict.fingerprint in trusted:
        verdict.code = VALID
    else:
        verdict.code = KEY_MISMATCH
        verdict.details.append("CẢNH BÁO: đơn vị này trước đây ký bằng chữ ký số khác")
    return verdict
