"""A real PKCS#11 module for the tests: SoftHSM2, with a test certification
authority (root -> issuing CA -> unit certificate) made here.  The unit's key
is generated on the token and never leaves it.  Each test gets its own token
folder through SOFTHSM2_CONF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

LIB_CANDIDATES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                  "/usr/local/lib/softhsm/libsofthsm2.so", "/usr/lib64/pkcs11/libsofthsm2.so"]
PIN = "123456"
SO_PIN = "87654321"
TOKEN = "TongKet thu nghiem"
NOW = dt.datetime.now(dt.timezone.utc)


def softhsm_lib() -> str | None:
    if not shutil.which("softhsm2-util"):
        return None
    return next((p for p in LIB_CANDIDATES if Path(p).is_file()), None)


def _name(cn: str, org: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _ku(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def build_cert(subject: x509.Name, public_key, issuer: x509.Name, issuer_key, *, ca: bool,
               days=(-30, 365), issuer_public=None) -> x509.Certificate:
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
         .serial_number(x509.random_serial_number())
         .not_valid_before(NOW + dt.timedelta(days=days[0]))
         .not_valid_after(NOW + dt.timedelta(days=days[1]))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(_ku(ca), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public or public_key),
                        critical=False))
    return b.sign(issuer_key, hashes.SHA256())


@dataclass
class DemoCA:
    root_key: object
    root: x509.Certificate
    ca_key: object
    ca: x509.Certificate

    @classmethod
    def make(cls, name: str = "CA thử nghiệm") -> "DemoCA":
        root_key = ec.generate_private_key(ec.SECP384R1())
        root_name = _name(f"{name} - gốc", "Tổ chức chứng thực thử nghiệm")
        root = build_cert(root_name, root_key.public_key(), root_name, root_key, ca=True, days=(-60, 3650))
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name(name, "Tổ chức chứng thực thử nghiệm")
        ca = build_cert(ca_name, ca_key.public_key(), root_name, root_key, ca=True, days=(-50, 1800),
                        issuer_public=root_key.public_key())
        return cls(root_key, root, ca_key, ca)

    def issue(self, public_key, unit: str, superior: str = "Đảng bộ tỉnh Đắk Lắk", days=(-30, 365)):
        return build_cert(_name(unit, superior), public_key, self.ca.subject, self.ca_key, ca=False, days=days,
                          issuer_public=self.ca_key.public_key())

    def crl(self, revoked: list[x509.Certificate] = ()) -> bytes:
        b = (x509.CertificateRevocationListBuilder().issuer_name(self.ca.subject)
             .last_update(NOW - dt.timedelta(hours=1)).next_update(NOW + dt.timedelta(days=7)))
        for cert in revoked:
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
                                          .revocation_date(NOW - dt.timedelta(days=400)).build())
        return b.sign(self.ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def pem(self, path: Path, *certs) -> Path:
        path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
        return path


class SoftToken:
    """A SoftHSM2 token in its own folder."""

    def __init__(self, folder: Path, monkeypatch, lib: str, initialise: bool = True):
        import pkcs11

        self.lib_path = lib
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "tokens").mkdir(exist_ok=True)
        conf = folder / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                        "log.level = ERROR\n", encoding="utf-8")
        monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
        pkcs11.unload(lib)  # SoftHSM reads its configuration when it is initialised
        if initialise:
            subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN,
                            "--pin", PIN], check=True, capture_output=True)

    def _session(self):
        import pkcs11

        return pkcs11.lib(self.lib_path).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN)

    def generate_key(self, object_id: bytes, label: str, kind: str = "rsa"):
        """A key pair made on the token; returns the public key."""
        from pkcs11 import Attribute, KeyType, Mechanism
        from pkcs11.util.ec import encode_named_curve_parameters

        with self._session() as s:
            if kind == "rsa":
                pub, _priv = s.generate_keypair(KeyType.RSA, 2048, id=object_id, label=label, store=True)
                return rsa.RSAPublicNumbers(int.from_bytes(pub[Attribute.PUBLIC_EXPONENT], "big"),
                                            int.from_bytes(pub[Attribute.MODULUS], "big")).public_key()
            params = s.create_domain_parameters(KeyType.EC, {
                Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
            pub, _priv = params.generate_keypair(id=object_id, label=label, store=True,
                                                 mechanism=Mechanism.EC_KEY_PAIR_GEN)
            from asn1crypto.core import OctetString

            point = OctetString.load(pub[Attribute.EC_POINT]).native
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)

    def put_cert(self, cert: x509.Certificate, object_id: bytes, label: str) -> None:
        from pkcs11 import Attribute, CertificateType, ObjectClass

        with self._session() as s:
            s.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,
                             Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
                             Attribute.LABEL: label, Attribute.ID: object_id,
                             Attribute.SUBJECT: cert.subject.public_bytes(),
                             Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})

    def close(self) -> None:
        import pkcs11

        pkcs11.unload(self.lib_path)
