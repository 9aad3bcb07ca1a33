"""'Chứng thư gốc tin cậy': the certification authorities the receiver
trusts, kept as files in the data folder (chung-thu-goc/), with optional
offline revocation lists (chung-thu-goc/thu-hoi/*.crl).

A root (self-signed CA certificate) vouches for every unit whose
certificate chains to it; an intermediate CA certificate only helps to
reach a root.  The same actions serve the CLI (trust-ca) and the GUI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from export.certs import (CERT_SUFFIXES, MAX_ANCHOR_BYTES, MAX_CRL_BYTES, _cert_hash_weakness, _is_ca,
                          anchors_dir, crls_dir, is_root, key_weakness, name_text, read_certificates,
                          read_crl, read_folder)
from export.files import atomic_write
from model.errors import UserError
from model.text import shown

ROOT = "root"
INTERMEDIATE = "intermediate"
CRL = "crl"
KIND_TEXT = {ROOT: "Chứng thư gốc", INTERMEDIATE: "Chứng thư trung gian", CRL: "Danh sách thu hồi (CRL)"}


@dataclass
class Anchor:
    path: Path
    kind: str  # ROOT | INTERMEDIATE | CRL
    fingerprint: str  # SHA-256 of the certificate (or CRL) DER, hex upper case
    subject: str  # the CA's name (for a CRL: who issued it)
    issuer: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None

    @property
    def fingerprint_text(self) -> str:
        return ":".join(self.fingerprint[i:i + 2] for i in range(0, len(self.fingerprint), 2))

    @property
    def expired(self) -> bool:
        return self.valid_to is not None and self.valid_to < dt.datetime.now(dt.timezone.utc)

    def validity(self) -> str:
        start = self.valid_from.astimezone().strftime("%d/%m/%Y")
        if self.valid_to is None:
            return f"từ {start}"
        end = self.valid_to.astimezone().strftime("%d/%m/%Y")
        word = "cập nhật tiếp trước" if self.kind == CRL else "đến"
        return f"{'ban hành' if self.kind == CRL else 'từ'} {start} {word} {end}" + \
            (" (ĐÃ HẾT HẠN)" if self.expired else "")

    def line(self) -> str:
        return f"{self.fingerprint[:16]}\t{KIND_TEXT[self.kind]}\t{shown(self.subject)}\t{self.validity()}"


def _der_sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest().upper()


def _cert_anchor(path: Path, cert: x509.Certificate) -> Anchor:
    return Anchor(path, ROOT if is_root(cert) else INTERMEDIATE,
                  _der_sha256(cert.public_bytes(serialization.Encoding.DER)), name_text(cert.subject),
                  name_text(cert.issuer), cert.not_valid_before_utc, cert.not_valid_after_utc)


def _crl_anchor(path: Path, crl: x509.CertificateRevocationList) -> Anchor:
    return Anchor(path, CRL, _der_sha256(crl.public_bytes(serialization.Encoding.DER)), name_text(crl.issuer),
                  name_text(crl.issuer), crl.last_update_utc, crl.next_update_utc)


def entries() -> list[Anchor]:
    """Roots first, then intermediates, then revocation lists."""
    out = [_cert_anchor(p, c) for p, certs in read_folder(anchors_dir(), CERT_SUFFIXES, MAX_ANCHOR_BYTES,
                                                         read_certificates)
           for c in certs if _is_ca(c)]
    out += [_crl_anchor(p, crl) for p, crl in read_folder(crls_dir(), (".crl",), MAX_CRL_BYTES, read_crl)]
    order = {ROOT: 0, INTERMEDIATE: 1, CRL: 2}
    return sorted(out, key=lambda a: (order[a.kind], a.subject.casefold()))


def _read(source) -> bytes:
    try:
        blob = Path(source).read_bytes()[: MAX_CRL_BYTES + 1]
    except OSError as exc:
        raise UserError(f"Không đọc được tệp “{Path(source).name}”.") from exc
    if not blob or len(blob) > MAX_CRL_BYTES:
        raise UserError(f"Tệp “{Path(source).name}” rỗng hoặc quá lớn.")
    return blob


def add_file(source) -> list[Anchor]:
    """Import CA certificates (.cer/.crt/.pem/.der, one or several in a file)
    or a revocation list (.crl).  Returns what was added."""
    blob = _read(source)
    try:
        certs = read_certificates(blob)
    except ValueError:
        certs = []
    if certs:
        return [_add_cert(c) for c in certs]
    try:
        crl = read_crl(blob)
    except ValueError as exc:
        raise UserError(f"Tệp “{Path(source).name}” không phải chứng thư số (.cer, .crt, .pem) hay danh sách "
                        "thu hồi chứng thư (.crl).") from exc
    return [_add_crl(crl)]


def _add_cert(cert: x509.Certificate) -> Anchor:
    who = shown(name_text(cert.subject))
    if not _is_ca(cert):
        raise UserError(f"“{who}” không phải chứng thư của tổ chức chứng thực (chứng thư gốc hoặc trung gian) "
                        "nên không thêm vào danh sách chứng thư gốc tin cậy.")
    if cert.issuer == cert.subject and not is_root(cert):
        raise UserError(f"Chứng thư “{who}” có chữ ký hỏng (đã bị sửa); không thêm.")
    weak = key_weakness(cert) or _cert_hash_weakness(cert)
    if weak:
        raise UserError(f"Chứng thư “{who}” không an toàn: {weak}; không thêm.")
    der = cert.public_bytes(serialization.Encoding.DER)
    folder = anchors_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_der_sha256(der)[:16]}.pem"
    pem = cert.public_bytes(serialization.Encoding.PEM)
    atomic_write(target, lambda fh: fh.write(pem))
    return _cert_anchor(target, cert)


def _add_crl(crl: x509.CertificateRevocationList) -> Anchor:
    issuers = [c for c in _known_cas() if c.subject == crl.issuer]
    if not any(crl.is_signature_valid(c.public_key()) for c in issuers):
        raise UserError(f"Danh sách thu hồi do “{shown(name_text(crl.issuer))}” ban hành, nhưng máy chưa có "
                        "chứng thư của tổ chức này (hoặc chữ ký của danh sách không khớp). Hãy thêm chứng thư "
                        "gốc và chứng thư trung gian của tổ chức trước.")
    folder = crls_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in entries():  # one list per issuer: the newest
        if old.kind == CRL and old.subject == name_text(crl.issuer) and old.valid_from <= crl.last_update_utc:
            old.path.unlink(missing_ok=True)
    der = crl.public_bytes(serialization.Encoding.DER)
    target = folder / f"{_der_sha256(der)[:16]}.crl"
    atomic_write(target, lambda fh: fh.write(der))
    return _crl_anchor(target, crl)


def _known_cas() -> list[x509.Certificate]:
    from export.certs import load_anchors

    return load_anchors()


def _hex(text: str) -> str:
    return re.sub(r"[\s:\-]", "", text or "").upper()


def remove(fingerprint: str) -> Anchor:
    """Remove the certificate or revocation list whose fingerprint starts
    with the given hex digits (at least 8, colons allowed)."""
    want = _hex(fingerprint)
    if len(want) < 8 or not re.fullmatch(r"[0-9A-F]+", want):
        raise UserError("Hãy ghi dấu vân tay của chứng thư cần xóa (ít nhất 8 chữ số hệ 16, như trong lệnh "
                        "trust-ca list).")
    found = [a for a in entries() if a.fingerprint.startswith(want)]
    if not found:
        raise UserError(f"Không có chứng thư gốc tin cậy nào có dấu vân tay {fingerprint}.")
    if len({a.fingerprint for a in found}) > 1:
        raise UserError("Có nhiều chứng thư cùng bắt đầu bằng dấu vân tay này; hãy ghi dài hơn.")
    anchor = found[0]
    try:
        blob = anchor.path.read_bytes()
        rest = [c for c in read_certificates(blob)
                if _der_sha256(c.public_bytes(serialization.Encoding.DER)) != anchor.fingerprint] \
            if anchor.kind != CRL else []
        if rest:  # a file with several certificates: keep the others
            pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in rest)
            atomic_write(anchor.path, lambda fh: fh.write(pem))
        else:
            anchor.path.unlink()
    except OSError as exc:
        raise UserError("Không xóa được tệp chứng thư trong thư mục dữ liệu. Hãy thử lại.") from exc
    return anchor


def one_off(path) -> list[x509.Certificate]:
    """'verify --ca FILE': CA certificates from a file, for this check only."""
    try:
        certs = [c for c in read_certificates(_read(path)) if _is_ca(c)]
    except ValueError:
        certs = []
    if not certs:
        raise UserError(f"Tệp “{Path(path).name}” không chứa chứng thư của tổ chức chứng thực.")
    return certs
