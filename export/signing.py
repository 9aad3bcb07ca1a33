"""The signing identity of a unit: an X.509 certificate and its private key
in a password-protected PKCS#12 file in the data folder, or on a USB token
(export/token.py), both behind one signer interface (ReportSigner).  The
passphrase is never stored.  Signatures are detached CMS (PKCS#7), DER, with the signer's
certificate inside, so that OpenSSL can check them too."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from export.certs import full_fingerprint, key_id, short_id
from export.files import atomic_write
from model.errors import UserError
from model.paths import data_dir
from model.unit_identity import cert_common_name, unit_name_problem

MAX_P12_BYTES = 256 * 1024
MIN_PASSPHRASE = 8  # for new identities; files made with 6 still open
P12_KDF_ROUNDS = 200_000

WRONG_PASSPHRASE = ("Mật khẩu chữ ký số không đúng. Hãy nhập lại (chú ý chữ hoa, chữ thường "
                    "và bộ gõ tiếng Việt).")


class ReportSigner:
    """The one signer interface of TongKet: every signature (the package's
    CMS, the PDF's) is made through it, whether the key is in a .p12 file
    (SigningIdentity) or on a USB token (export.token.TokenSigner).

    cert: the signer's certificate; chain: CA certificates sent along with
    the signature; pyhanko_signer(): the pyHanko Signer that makes the
    signature where the key is; close(): let go of the key (log out of the
    token)."""

    cert: x509.Certificate
    chain: list

    def pyhanko_signer(self):
        raise NotImplementedError

    def close(self) -> None:
        pass

    @property
    def key_id(self) -> str:
        return key_id(self.cert)

    @property
    def fingerprint(self) -> str:
        """The public key's SHA-256, as the receiver trusts it."""
        return full_fingerprint(self.key_id)

    @property
    def short_id(self) -> str:
        return short_id(self.key_id)

    @property
    def subject(self) -> str:
        return subject_text(self.cert)


@dataclass
class SigningIdentity(ReportSigner):
    """A key and certificate from a PKCS#12 file, in memory."""

    key: object
    cert: x509.Certificate
    chain: list

    def pyhanko_signer(self):
        from asn1crypto import keys as asn1_keys
        from pyhanko.sign.signers.pdf_cms import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        der = self.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
        return SimpleSigner(signing_cert=asn1_cert(self.cert), signing_key=asn1_keys.PrivateKeyInfo.load(der),
                            cert_registry=SimpleCertificateStore.from_certs([asn1_cert(c) for c in self.chain]))


def asn1_cert(cert: x509.Certificate):
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def identity_path() -> Path:
    return data_dir() / "chu-ky-so" / "chu-ky-don-vi.p12"


def has_identity() -> bool:
    return identity_path().is_file()


def _attr(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def subject_text(cert: x509.Certificate) -> str:
    """'Đảng ủy xã Hòa An, Đảng bộ tỉnh Đắk Lắk'."""
    parts = [_attr(cert.subject, NameOID.COMMON_NAME), _attr(cert.subject, NameOID.ORGANIZATION_NAME)]
    return ", ".join(p for p in parts if p) or cert.subject.rfc4514_string()


def cert_unit(cert: x509.Certificate) -> str:
    return _attr(cert.subject, NameOID.COMMON_NAME)


def _pw(passphrase: str) -> bytes:
    """NFC, so that the same passphrase typed with a Unicode-dựng-sẵn or a
    Unicode-tổ-hợp keyboard opens the same file."""
    return unicodedata.normalize("NFC", passphrase or "").encode("utf-8")


def check_passphrase(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise UserError(f"Mật khẩu chữ ký số phải có ít nhất {MIN_PASSPHRASE} ký tự.")


def create_identity(unit: str, superior: str, passphrase: str, *, rsa_key: bool = False,
                    path: Path | None = None, now: dt.datetime | None = None) -> SigningIdentity:
    """A new key and self-signed certificate naming the unit and its superior."""
    check_passphrase(passphrase)
    problem = unit_name_problem(unit)
    if problem:
        raise UserError(f"Không tạo được chữ ký số: {problem}. Hãy sửa tên đơn vị ở trang thông tin "
                        "báo cáo rồi ký lại.")
    unit_name = cert_common_name(unit) or "Đơn vị"
    superior_name = cert_common_name(superior)
    key = rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
             x509.NameAttribute(NameOID.COMMON_NAME, unit_name)]
    if superior_name:
        attrs.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, superior_name))
    name = x509.Name(attrs)
    now = now or dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    # PBES2 with AES-256 and SHA-256, many rounds: not the legacy 3DES/SHA-1
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder()
                  .kdf_rounds(P12_KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                  .hmac_hash(hashes.SHA256())
                  .build(_pw(passphrase)))
    blob = pkcs12.serialize_key_and_certificates(unit_name.encode("utf-8"), key, cert, None, encryption)
    target = path or identity_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, lambda fh: fh.write(blob))
    return SigningIdentity(key, cert, [])


def _load_p12(blob: bytes, passphrase: str) -> SigningIdentity:
    if not blob or len(blob) > MAX_P12_BYTES:
        raise UserError("Tệp chữ ký số không hợp lệ (rỗng hoặc quá lớn). Hãy chọn đúng tệp .p12 hoặc .pfx.")
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(blob, _pw(passphrase))
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "mac" in text or "decrypt" in text or "invalid" in text:
            raise UserError(WRONG_PASSPHRASE) from exc
        raise UserError("Tệp chữ ký số bị hỏng hoặc không đúng định dạng .p12/.pfx.") from exc
    except Exception as exc:
        raise UserError("Tệp chữ ký số bị hỏng hoặc không đúng định dạng .p12/.pfx.") from exc
    if key is None or cert is None:
        raise UserError("Tệp chữ ký số không chứa đủ khóa bí mật và chứng thư số.")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise UserError("Loại khóa trong tệp chữ ký số chưa được hỗ trợ (cần RSA hoặc EC).")
    return SigningIdentity(key, cert, list(chain or []))


def load_identity(passphrase: str, path: Path | None = None) -> SigningIdentity:
    path = path or identity_path()
    try:
        blob = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError("Đơn vị chưa có chữ ký số. Hãy tạo chữ ký số hoặc nhập tệp .p12/.pfx.") from exc
    except OSError as exc:
        raise UserError("Không đọc được tệp chữ ký số của đơn vị. Hãy thử lại.") from exc
    return _load_p12(blob, passphrase)


def import_identity(source: Path, passphrase: str) -> SigningIdentity:
    """Check a .p12/.pfx issued by a certification authority, then keep a copy."""
    try:
        blob = Path(source).read_bytes()[: MAX_P12_BYTES + 1]
    except OSError as exc:
        raise UserError("Không đọc được tệp chữ ký số đã chọn.") from exc
    ident = _load_p12(blob, passphrase)
    target = identity_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, lambda fh: fh.write(blob))
    return ident


def sign_detached(data: bytes, ident: ReportSigner, now: dt.datetime | None = None) -> bytes:
    """Detached CMS signature (DER) over data, certificate(s) included.

    Made by pyHanko rather than cryptography's PKCS7 builder because pyHanko
    binds the certificate to the signature (the ESS signing-certificate-v2
    attribute: nobody can swap in another certificate for the same key) and
    signs through the same Signer interface with a key on a USB token."""
    import asyncio

    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    signer = ident.pyhanko_signer()
    when = now or dt.datetime.now(dt.timezone.utc)
    info = asyncio.run(signer.async_sign_general_data(
        data, "sha256", detached=True, signed_attr_settings=PdfCMSSignedAttributes(signing_time=when)))
    return info.dump()


def pyhanko_signer(ident):
    """The pyHanko Signer of any ReportSigner (a .p12 identity or a USB
    token): one place for every signature (the package's CMS and the PDF's
    PAdES) to get it from."""
    return ident.pyhanko_signer()
