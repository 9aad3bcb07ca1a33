"""What a signer's certificate is worth: its key's identity, whether its
own signature and its chain hold, whether it was valid when it signed, and
whether its algorithms are strong enough.

The identity the receiver trusts is the public key (SHA-256 of the
SubjectPublicKeyInfo), not the certificate's bytes: re-encoding or re-issuing
a certificate for the same key changes nothing.  A short form of it, four
groups of four characters, can be read over the phone.

Trust anchors (root certificates of certification authorities the receiver
has chosen to trust, and intermediate CA certificates that help to reach
them) are given by the caller; export/anchors.py keeps them in the data
folder with optional offline revocation lists (CRL).  The path from a
signer's certificate to a root is built and validated by
pyhanko-certvalidator, offline, at the claimed signing time.
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
from cryptography.x509.oid import NameOID

from model.paths import data_dir
from model.text import day_text
from model.trust import full_fingerprint, short_id  # noqa: F401  (one place for how a key is shown)

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
WEAK_HASHES = {"md5": "MD5", "sha1": "SHA-1", "md2": "MD2", "md4": "MD4"}
MAX_CHAIN = 6
MAX_ANCHOR_BYTES = 64 * 1024
MAX_ANCHORS = 200
MAX_CRL_BYTES = 20 * 1024 * 1024


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
    code: str = ""  # "" when fine, else "weak" | "broken" | "expired" | "not_yet_valid" | "revoked"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    issuer: str = ""  # the certification authority that issued it, when anchored
    revocation: str = ""  # whether a revocation list was consulted, when anchored

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


def is_root(cert: x509.Certificate) -> bool:
    """A self-signed CA certificate: a trust root.  Other CA certificates the
    receiver imports only help to build the path to a root."""
    return cert.issuer == cert.subject and _issued_by(cert, cert)


def _within(cert: x509.Certificate, when: dt.datetime) -> str | None:
    if when < cert.not_valid_before_utc:
        return "not_yet_valid"
    if when > cert.not_valid_after_utc:
        return "expired"
    return None


def _day(when: dt.datetime) -> str:
    return day_text(when.astimezone())


def name_text(name: x509.Name) -> str:
    """The common name of a certificate's subject or issuer, else the whole name."""
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def check_certificate(cert: x509.Certificate, others: list[x509.Certificate],
                      anchors: list[x509.Certificate], signed_at: dt.datetime | None,
                      now: dt.datetime | None = None, crls: list | None = None) -> CertCheck:
    """Check the signer's certificate.  others: certificates that came with
    the signature (possible intermediates); anchors: the receiver's CA
    certificates (self-signed ones are the roots, the others intermediates);
    crls: offline revocation lists (DER bytes), default none."""
    now = now or dt.datetime.now(dt.timezone.utc)
    check = CertCheck(key_id=key_id(cert))
    weak = key_weakness(cert) or _cert_hash_weakness(cert)
    if weak:
        check.refuse("weak", weak)
    check.self_signed = cert.issuer == cert.subject
    if check.self_signed:
        if not _issued_by(cert, cert):
            check.refuse("broken", "chứng thư tự ký có chữ ký hỏng (chứng thư đã bị sửa)")
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
    if not check.self_signed and not check.code:
        _check_chain(cert, others, anchors, moment, crls or [], check)
    return check


def _forged_parent(cert, candidates) -> bool:
    """A certificate named like the issuer came along but did not sign this one."""
    parents = [c for c in candidates if c.subject == cert.issuer]
    return bool(parents) and not any(_issued_by(cert, p) for p in parents)


def _path_refusal(exc, cv) -> tuple[str, str]:
    """(code, reason) for a chain pyhanko-certvalidator refused."""
    for kind, code, reason in (
            (cv.RevokedError, "revoked",
             "chứng thư số đã bị tổ chức cấp thu hồi (theo danh sách thu hồi CRL trên máy)"),
            (cv.DisallowedAlgorithmError, "weak",
             "trong chuỗi chứng thực có chứng thư dùng thuật toán yếu (đã bị phá, không còn an toàn)"),
            (cv.ExpiredError, "expired",
             "chứng thư của tổ chức chứng thực trong chuỗi đã hết hạn trước thời điểm ký"),
            (cv.NotYetValidError, "not_yet_valid",
             "chứng thư của tổ chức chứng thực trong chuỗi chưa có hiệu lực tại thời điểm ký")):
        if isinstance(exc, kind):
            return code, reason
    if "CA" in str(exc):
        return "broken", "chứng thư cấp trên không phải của tổ chức chứng thực"
    return "broken", "chuỗi chứng thực không hợp lệ"


def _listed_in(cert, crls):
    """The revocation date when a CRL of the certificate's issuer that we
    hold (checked as signed by that issuer when it was imported; DER bytes)
    lists this certificate; else None."""
    for blob in crls:
        try:
            crl = x509.load_der_x509_crl(blob) if isinstance(blob, (bytes, bytearray)) else blob
            if crl.issuer != cert.issuer:
                continue
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        except ValueError:
            continue
        if entry is not None:
            return entry.revocation_date_utc
    return None


# what a signing certificate may be for: ESS/document signing, not TLS or encryption only
_SIGNING_EKU = {"1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2", "1.3.6.1.4.1.311.10.3.12", "1.2.840.113583.1.1.5",
                "1.3.6.1.5.5.7.3.36", "2.5.29.37.0"}


def _usage_problem(cert) -> str | None:
    """A certificate a CA issued for another use (a web server, encryption)."""
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (ku.digital_signature or ku.content_commitment):
            return "chứng thư số này không được cấp để ký (chỉ dùng để mã hóa hoặc trao đổi khóa)"
    except x509.ExtensionNotFound:
        pass
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if not any(oid.dotted_string in _SIGNING_EKU for oid in eku):
            return "chứng thư số này được cấp cho việc khác (ví dụ máy chủ web), không phải để ký văn bản"
    except x509.ExtensionNotFound:
        pass
    return None


def _check_chain(cert, others, anchors, moment, crls, check: CertCheck) -> None:
    """Path building and validation to the receiver's roots by
    pyhanko-certvalidator, at the claimed signing time, offline."""
    import asyncio

    from asn1crypto import x509 as ax
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator import errors as cv

    if _forged_parent(cert, list(others) + list(anchors)):
        check.refuse("broken", "chữ ký của tổ chức cấp trên chứng thư không khớp (chứng thư giả "
                               "hoặc đã bị sửa)")
        return
    roots = [a for a in anchors if is_root(a)]
    helpers = [c for c in list(others) + [a for a in anchors if not is_root(a)] if _is_ca(c)][:MAX_CHAIN * 2]
    if not roots:
        check.notes.append(_no_root_note(cert))
        return

    def der(c):
        return ax.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    leaf_crls = [c for c in crls if _crl_issuer(c) == cert.issuer]

    def run(require_crl: bool):
        from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                                       RevocationCheckingRule)

        rule = RevocationCheckingRule.CRL_REQUIRED if require_crl else RevocationCheckingRule.NO_CHECK
        policy = CertRevTrustPolicy(RevocationCheckingPolicy(rule, RevocationCheckingRule.NO_CHECK))
        context = ValidationContext(trust_roots=[der(r) for r in roots], other_certs=[der(c) for c in helpers],
                                    moment=moment, allow_fetching=False, crls=leaf_crls if require_crl else [],
                                    revinfo_policy=policy, retroactive_revinfo=True,
                                    weak_hash_algos={"md2", "md5", "sha1"})
        validator = CertificateValidator(der(cert), validation_context=context)
        return asyncio.run(validator.async_validate_path())

    revocation = REVOCATION_NOT_CHECKED
    try:
        try:
            path = run(require_crl=bool(leaf_crls))
            if leaf_crls:
                revocation = _crl_note(leaf_crls)
        except cv.InsufficientRevinfoError:
            path = run(require_crl=False)
            revocation = ("danh sách thu hồi chứng thư (CRL) trên máy không dùng được cho chứng thư này "
                          "(đã cũ hoặc không khớp); chưa kiểm tra được chứng thư có bị thu hồi hay không")
        # The signing time is the sender's claim: a certificate listed in any
        # CRL of its issuer that we hold is refused, whatever moment it claims.
        if _listed_in(cert, leaf_crls) is not None:
            check.refuse("revoked", "chứng thư số đã bị tổ chức cấp thu hồi (theo danh sách thu hồi CRL trên "
                                    "máy; thời điểm ký ghi trong gói là lời của máy gửi nên không được tính)")
            return
    except cv.PathBuildingError:
        check.notes.append(_no_root_note(cert))
        return
    except (cv.PathValidationError, cv.ValidationError, ValueError) as exc:
        check.refuse(*_path_refusal(exc, cv))
        return
    for c in path:
        parsed = x509.load_der_x509_certificate(c.dump())
        weak = key_weakness(parsed) or _cert_hash_weakness(parsed)
        if weak:
            check.refuse("weak", "trong chuỗi chứng thực: " + weak)
            return
        # an intermediate CA revoked by its own issuer takes its certificates with it
        if parsed.issuer != parsed.subject and _listed_in(parsed, crls) is not None:
            check.refuse("revoked", "chứng thư của tổ chức chứng thực cấp trên trong chuỗi đã bị thu hồi "
                                    "(theo danh sách thu hồi CRL trên máy)")
            return
    root = x509.load_der_x509_certificate(path.trust_anchor.authority.certificate.dump()) \
        if getattr(path.trust_anchor.authority, "certificate", None) is not None else None
    usage = _usage_problem(cert)
    if usage:
        check.refuse("broken", usage)
        return
    check.anchored = True
    check.issuer = name_text(cert.issuer)
    check.revocation = revocation
    root_name = root.subject.rfc4514_string() if root is not None else ""
    check.notes.append(f"chứng thư do tổ chức chứng thực cấp, đã kiểm tra đến chứng thư gốc “{root_name[:120]}”")
    check.notes.append(revocation)


REVOCATION_NOT_CHECKED = ("chưa kiểm tra chứng thư có bị thu hồi hay không (máy không có danh sách thu hồi "
                          "CRL của tổ chức cấp)")


def _no_root_note(cert) -> str:
    issuer = cert.issuer.rfc4514_string()
    return (f"chứng thư do “{issuer[:120]}” cấp; máy này chưa có chứng thư gốc của tổ chức đó (hoặc thiếu "
            "chứng thư trung gian) nên chưa kiểm tra được chuỗi chứng thực")


def _crl_issuer(blob: bytes):
    try:
        return x509.load_der_x509_crl(blob).issuer
    except ValueError:
        return None


def _crl_note(crls) -> str:
    crl = x509.load_der_x509_crl(crls[0])
    return (f"đã đối chiếu danh sách thu hồi chứng thư (CRL) của “{name_text(crl.issuer)[:80]}” ban hành "
            f"ngày {_day(crl.last_update_utc)}: chứng thư chưa bị thu hồi")


# -------------------------------------------------------------- anchors ---

def anchors_dir() -> Path:
    return data_dir() / "chung-thu-goc"


def crls_dir() -> Path:
    return anchors_dir() / "thu-hoi"


def read_certificates(blob: bytes) -> list[x509.Certificate]:
    """The certificates of a .pem/.cer/.crt/.der file (PEM or DER)."""
    if b"-----BEGIN" in blob:
        return x509.load_pem_x509_certificates(blob)
    return [x509.load_der_x509_certificate(blob)]


def read_crl(blob: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN" in blob:
        return x509.load_pem_x509_crl(blob)
    return x509.load_der_x509_crl(blob)


CERT_SUFFIXES = (".pem", ".cer", ".crt", ".der")


def read_folder(folder: Path, suffixes, limit: int, parse) -> list[tuple[Path, object]]:
    """(file, parse(bytes)) for the files of a folder with these suffixes,
    sorted; files too big, unreadable or that parse refuses are skipped."""
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in suffixes)
    except OSError:
        return []
    out = []
    for path in files[:MAX_ANCHORS]:
        try:
            if path.stat().st_size > limit:
                continue
            out.append((path, parse(path.read_bytes())))
        except (OSError, ValueError):
            continue
    return out


def load_anchors(folder: Path | None = None) -> list[x509.Certificate]:
    """CA certificates (.pem, .cer, .crt, .der) the receiver trusts: the
    self-signed ones are roots, the others intermediates.  A file that is
    not a CA certificate is skipped."""
    found = read_folder(folder or anchors_dir(), CERT_SUFFIXES, MAX_ANCHOR_BYTES, read_certificates)
    return [c for _path, certs in found for c in certs if _is_ca(c)]


def load_crls(folder: Path | None = None) -> list[bytes]:
    """Offline revocation lists (DER) the receiver has put in the data folder."""
    found = read_folder(folder or crls_dir(), (".crl",), MAX_CRL_BYTES, read_crl)
    return [crl.public_bytes(serialization.Encoding.DER) for _path, crl in found]
