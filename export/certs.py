"""What a signer's certificate is worth: its key's identity, whether its
own signature and its chain hold, whether it was valid when it signed, and
whether its algorithms are strong enough.

The identity the receiver trusts is the public key (SHA-256 of the
SubjectPublicKeyInfo), not the certificate's bytes: re-encoding or re-issuing
a certificate for the same key changes nothing.  A short form of it, four
groups of four characters, can be read over the phone.

Trust anchors (root certificates of certification authorities the receiver
has chosen to trust) are given by the caller: TrustAnchors reads them from
the data folder; importing them and USB tokens plug in there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from model.paths import data_dir
from model.text import day_text
from model.trust import full_fingerprint, short_id  # noqa: F401  (one place for how a key is shown)

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
WEAK_HASHES = {"md5": "MD5", "sha1": "SHA-1", "md2": "MD2", "md4": "MD4"}
MAX_CHAIN = 6
MAX_ANCHOR_BYTES = 64 * 1024
MAX_ANCHORS = 200


# ------------------------------------------------------------- identity ---

def key_id(cert: x509.Certificate) -> str:
    """SHA-256 of the public key (SPKI DER), hex, upper case."""
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest().upper()


def describe_key(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size} bit"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    return type(key).__name__


# --------------------------------------------------------------- checks ---

@dataclass
class CertCheck:
    """problems: reasons to refuse the signature; notes: facts to show."""

    key_id: str
    anchored: bool = False  # chains to one of the receiver's trust anchors
    self_signed: bool = False
    code: str = ""  # "" when fine, else "weak" | "broken" | "expired" | "not_yet_valid"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def refuse(self, code: str, text: str) -> None:
        if not self.code:
            self.code = code
        self.problems.append(text)


def weak_hash_name(name: str | None) -> str | None:
    return WEAK_HASHES.get((name or "").lower().replace("-", "").replace("_", ""))


def key_weakness(cert: x509.Certificate) -> str | None:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        return f"khóa RSA chỉ {key.key_size} bit (cần ít nhất {MIN_RSA_BITS} bit)"
    if isinstance(key, dsa.DSAPublicKey):
        return "khóa DSA (không còn được dùng cho chữ ký số)"
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size < MIN_EC_BITS:
        return f"khóa EC chỉ {key.curve.key_size} bit"
    return None


def _cert_hash_weakness(cert: x509.Certificate) -> str | None:
    if isinstance(cert.public_key(), (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        return None
    try:
        algo = cert.signature_hash_algorithm
    except Exception:  # an algorithm cryptography does not know
        return "thuật toán ký của chứng thư không được hỗ trợ"
    weak = weak_hash_name(algo.name if algo else None)
    return f"chứng thư được ký bằng hàm băm {weak} (đã bị phá, không còn an toàn)" if weak else None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _within(cert: x509.Certificate, when: dt.datetime) -> str | None:
    if when < cert.not_valid_before_utc:
        return "not_yet_valid"
    if when > cert.not_valid_after_utc:
        return "expired"
    return None


def _day(when: dt.datetime) -> str:
    return day_text(when.astimezone())


def check_certificate(cert: x509.Certificate, others: list[x509.Certificate],
                      anchors: list[x509.Certificate], signed_at: dt.datetime | None,
                      now: dt.datetime | None = None) -> CertCheck:
    """Check the signer's certificate.  others: certificates that came with
    the signature (possible intermediates); anchors: the receiver's roots."""
    now = now or dt.datetime.now(dt.timezone.utc)
    check = CertCheck(key_id=key_id(cert))
    weak = key_weakness(cert) or _cert_hash_weakness(cert)
    if weak:
        check.refuse("weak", weak)
    check.self_signed = cert.issuer == cert.subject
    if check.self_signed:
        if not _issued_by(cert, cert):
            check.refuse("broken", "chứng thư tự ký có chữ ký hỏng (chứng thư đã bị sửa)")
    else:
        _check_chain(cert, others, anchors, check)
    # validity: when it signed (as the sender's clock claims) and now
    moment = signed_at or now
    state = _within(cert, moment)
    if state == "expired":
        check.refuse("expired", f"chứng thư số đã hết hạn ngày {_day(cert.not_valid_after_utc)}, "
                                "trước thời điểm ký")
    elif state == "not_yet_valid":
        check.refuse("not_yet_valid", f"chứng thư số chỉ có hiệu lực từ ngày "
                                      f"{_day(cert.not_valid_before_utc)}, sau thời điểm ký")
    elif signed_at and signed_at > now + dt.timedelta(days=1):
        check.refuse("not_yet_valid", "thời điểm ký ghi trong chữ ký ở tương lai (đồng hồ máy gửi sai "
                                      "hoặc gói bị làm giả)")
    elif _within(cert, now) == "expired":
        check.notes.append(f"chứng thư số đã hết hạn ngày {_day(cert.not_valid_after_utc)}; "
                           "chữ ký được tạo khi chứng thư còn hạn (theo đồng hồ máy gửi)")
    return check


def _check_chain(cert, others, anchors, check: CertCheck) -> None:
    anchor_ids = {a.public_bytes(serialization.Encoding.DER) for a in anchors}
    pool = list(anchors) + [c for c in others if c.public_bytes(serialization.Encoding.DER) not in anchor_ids]
    current = cert
    for _depth in range(MAX_CHAIN):
        parents = [c for c in pool if c is not current and c.subject == current.issuer]
        if not parents:
            issuer = current.issuer.rfc4514_string()
            check.notes.append(f"chứng thư do “{issuer[:120]}” cấp; máy này chưa có chứng thư gốc của "
                               "tổ chức đó nên chưa kiểm tra được chuỗi chứng thực")
            return
        good = [p for p in parents if _issued_by(current, p)]
        if not good:
            check.refuse("broken", "chữ ký của tổ chức cấp trên chứng thư không khớp (chứng thư giả "
                                   "hoặc đã bị sửa)")
            return
        parent = good[0]
        if not _is_ca(parent):
            check.refuse("broken", "chứng thư cấp trên không phải của tổ chức chứng thực")
            return
        weak = key_weakness(parent) or _cert_hash_weakness(parent)
        if weak:
            check.refuse("weak", "trong chuỗi chứng thực: " + weak)
            return
        if parent.public_bytes(serialization.Encoding.DER) in anchor_ids:
            check.anchored = True
            check.notes.append("chứng thư do tổ chức chứng thực cấp, đã kiểm tra đến chứng thư gốc "
                               f"“{parent.subject.rfc4514_string()[:120]}”")
            return
        current = parent
    check.refuse("broken", "chuỗi chứng thực quá dài")


# -------------------------------------------------------------- anchors ---

def anchors_dir() -> Path:
    return data_dir() / "chung-thu-goc"


def load_anchors(folder: Path | None = None) -> list[x509.Certificate]:
    """Root certificates (.pem, .cer, .crt, .der) the receiver trusts.  A file
    that is not a CA certificate is skipped."""
    folder = folder or anchors_dir()
    out: list[x509.Certificate] = []
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pem", ".cer", ".crt", ".der"))
    except OSError:
        return out
    for path in files[:MAX_ANCHORS]:
        try:
            if path.stat().st_size > MAX_ANCHOR_BYTES:
                continue
            blob = path.read_bytes()
            certs = (x509.load_pem_x509_certificates(blob) if b"-----BEGIN" in blob
                     else [x509.load_der_x509_certificate(blob)])
        except (OSError, ValueError):
            continue
        out.extend(c for c in certs if _is_ca(c))
    return out
