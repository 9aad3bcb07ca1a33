"""Signing with a USB token (or any PKCS#11 device): the private key never
leaves the token, which makes the signature itself.

The token is reached through its driver file (a PKCS#11 module: a .dll on
Windows, a .so on Linux) chosen once by the clerk and remembered in the
settings.  The PIN is asked every time and never stored.  The signature is
made by pyHanko's PKCS11Signer (python-pkcs11 underneath), behind the same
ReportSigner interface as a .p12 key, so the package's CMS and the PDF's
signature are made the same way whichever the unit has.

Every failure of the driver or the token becomes a UserError in Vietnamese
that says what to do; the driver's own words are only logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from export.certs import _is_ca, key_id, name_text, read_certificates
from export.signing import ReportSigner, asn1_cert, subject_text
from model import settings
from model.errors import UserError

log = logging.getLogger("tongket")

SETTING_MODULE = "pkcs11_module"
SETTING_CERT = "pkcs11_certificate"
MAX_CERTS = 50
MAX_CHAIN_FILE_BYTES = 256 * 1024

NO_TOKEN = ("Không tìm thấy thiết bị ký số (USB token). Hãy cắm thiết bị vào máy, chờ đèn của thiết bị "
            "sáng rồi thử lại.")
WRONG_PIN = "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại."
LOCKED = ("Thiết bị ký số đã bị khóa do nhập sai mã PIN quá số lần cho phép. Hãy liên hệ nhà cung cấp "
          "chữ ký số để mở khóa.")
REMOVED = "Thiết bị ký số đã bị rút ra trong khi ký. Hãy cắm lại thiết bị rồi ký lại."


class DriverError(UserError):
    """The driver file itself is the problem: choose another one."""


def _not_a_module(path) -> UserError:
    return DriverError(f"Tệp “{Path(path).name}” không phải trình điều khiển thiết bị ký số (thư viện "
                     "PKCS#11). Hãy chọn đúng tệp do nhà cung cấp chữ ký số cài trên máy.")


@dataclass
class TokenCertificate:
    """A certificate on a token, as the clerk chooses it."""

    token_label: str
    token_serial: str
    label: str  # CKA_LABEL of the certificate object
    object_id: bytes  # CKA_ID: the same on the certificate and its private key
    cert: x509.Certificate

    @property
    def subject(self) -> str:
        return subject_text(self.cert)

    @property
    def issuer(self) -> str:
        return name_text(self.cert.issuer)

    @property
    def valid_from(self) -> str:
        return self.cert.not_valid_before_utc.astimezone().strftime("%d/%m/%Y")

    @property
    def valid_to(self) -> str:
        return self.cert.not_valid_after_utc.astimezone().strftime("%d/%m/%Y")

    @property
    def expired(self) -> bool:
        return self.cert.not_valid_after_utc < dt.datetime.now(dt.timezone.utc)

    def describe(self) -> str:
        state = " (ĐÃ HẾT HẠN)" if self.expired else ""
        return (f"{self.subject} — do {self.issuer} cấp — hiệu lực từ {self.valid_from} "
                f"đến {self.valid_to}{state}")

    def remembered(self, module: str) -> dict:
        return {"module": module, "token": self.token_label, "serial": self.token_serial,
                "label": self.label, "id": self.object_id.hex(), "key_id": key_id(self.cert),
                "description": self.describe()}


@dataclass
class TokenSigner(ReportSigner):
    """A signer whose key is on a token; the session is logged in with the PIN."""

    cert: x509.Certificate
    chain: list = field(default_factory=list)
    session: object = None
    object_id: bytes = b""
    use_raw: bool = False

    def pyhanko_signer(self):
        if self.session is None:
            raise UserError("Phiên làm việc với thiết bị ký số đã đóng. Hãy nhập lại mã PIN.")
        return _signer_class()(self.session, signing_cert=asn1_cert(self.cert),
                               ca_chain=[asn1_cert(c) for c in self.chain], key_id=self.object_id,
                               use_raw_mechanism=self.use_raw)

    def close(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            try:
                session.close()
            except Exception:  # the token was pulled out: nothing left to close
                log.info("closing the token session failed")


@functools.cache
def _signer_class():
    from pyhanko.sign.pkcs11 import PKCS11Signer

    class SafePKCS11Signer(PKCS11Signer):
        """Token errors during signing become Vietnamese messages."""

        async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
            try:
                return await super().async_sign_raw(data, digest_algorithm, dry_run)
            except UserError:
                raise
            except Exception as exc:
                raise _user_error(exc) from exc

    return SafePKCS11Signer


# ------------------------------------------------------------- errors ---

def _user_error(exc: Exception, token=None) -> UserError:
    import pkcs11.exceptions as p11

    log.info("PKCS#11: %s", type(exc).__name__)
    if isinstance(exc, UserError):
        return exc
    if isinstance(exc, p11.PinIncorrect):
        return UserError(WRONG_PIN + _tries_left(token))
    if isinstance(exc, (p11.PinLocked, p11.PinExpired)):
        return UserError(LOCKED)
    if isinstance(exc, (p11.PinLenRange, p11.PinInvalid)):
        return UserError("Mã PIN không đúng độ dài hoặc có ký tự không hợp lệ. Hãy nhập lại.")
    if isinstance(exc, (p11.TokenNotPresent, p11.TokenNotRecognised, p11.NoSuchToken)):
        return UserError(NO_TOKEN)
    if isinstance(exc, (p11.DeviceRemoved, p11.SessionClosed, p11.SessionHandleInvalid)):
        return UserError(REMOVED)
    if isinstance(exc, (p11.DeviceMemory, p11.DeviceError, p11.GeneralError)):
        return UserError("Thiết bị ký số báo lỗi. Hãy rút thiết bị ra, cắm lại rồi thử lại.")
    if isinstance(exc, (p11.MechanismInvalid, p11.KeyFunctionNotPermitted, p11.KeyTypeInconsistent)):
        return UserError("Thiết bị ký số không ký được bằng khóa này (thuật toán không được hỗ trợ). "
                         "Hãy liên hệ nhà cung cấp chữ ký số.")
    return UserError("Không ký được bằng thiết bị ký số. Hãy rút thiết bị ra, cắm lại rồi thử lại; nếu "
                     "vẫn lỗi, hãy kiểm tra đã chọn đúng trình điều khiển của thiết bị chưa.")


def _tries_left(token) -> str:
    """What the token says about the PIN counter (PKCS#11 tells only 'low',
    'last try' and 'locked', never a number)."""
    if token is None:
        return ""
    try:
        from pkcs11 import TokenFlag

        flags = token.slot.get_token().flags
    except Exception:
        return ""
    if flags & TokenFlag.USER_PIN_LOCKED:
        return " " + LOCKED
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return " Chỉ còn 1 lần thử: nếu nhập sai lần nữa, thiết bị sẽ bị khóa."
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return " Đã nhập sai nhiều lần; thiết bị sắp bị khóa, hãy nhập thật cẩn thận."
    return ""


# ------------------------------------------------------------- module ---

def load_module(path, fresh: bool = False):
    """The PKCS#11 library in a driver file.  fresh: initialise it again, to
    see a token plugged in since it was first loaded."""
    import pkcs11

    path = str(path or "")
    if not path:
        raise DriverError("Chưa chọn trình điều khiển thiết bị ký số. Hãy chọn tệp trình điều khiển (tệp .dll "
                        "do nhà cung cấp chữ ký số cài trên máy).")
    p = Path(path)
    if not p.is_file():
        raise DriverError(f"Không tìm thấy tệp trình điều khiển thiết bị ký số “{p}”. Hãy chọn lại tệp "
                        "(có thể phần mềm của thiết bị đã bị gỡ hoặc cài lại ở thư mục khác).")
    try:
        if fresh:
            pkcs11.unload(path)
        return pkcs11.lib(path)
    except Exception as exc:  # not a library, wrong architecture, no C_GetFunctionList…
        log.info("not a PKCS#11 module: %s", type(exc).__name__)
        raise _not_a_module(path) from exc


def _tokens(lib, token_label: str | None = None) -> list:
    import pkcs11.exceptions as p11
    from pkcs11 import TokenFlag

    tokens = []
    try:
        slots = lib.get_slots(token_present=True)
    except p11.PKCS11Error as exc:
        raise _user_error(exc) from exc
    for slot in slots:
        try:
            token = slot.get_token()
        except p11.PKCS11Error:
            continue
        if not token.flags & TokenFlag.TOKEN_INITIALIZED:
            continue
        if token_label and token.label.strip() != token_label.strip():
            continue
        tokens.append(token)
    return tokens


def _find_tokens(module, token_label=None):
    lib = load_module(module)
    tokens = _tokens(lib, token_label)
    if not tokens:  # a token plugged in after the driver was loaded
        tokens = _tokens(load_module(module, fresh=True), token_label)
    if not tokens:
        if token_label:
            raise UserError(f"Không tìm thấy thiết bị ký số có tên “{token_label}”. Hãy cắm đúng thiết bị "
                            "vào máy rồi thử lại.")
        raise UserError(NO_TOKEN)
    return tokens


def _certificates(session, token) -> list[TokenCertificate]:
    from pkcs11 import Attribute, ObjectClass

    out = []
    for obj in list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))[:MAX_CERTS]:
        try:
            cert = x509.load_der_x509_certificate(obj[Attribute.VALUE])
        except Exception:
            continue
        label = _attr(obj, Attribute.LABEL) or ""
        oid = _attr(obj, Attribute.ID) or b""
        out.append(TokenCertificate(token.label.strip(), (token.serial or b"").decode("ascii", "replace").strip()
                                    if isinstance(token.serial, bytes) else str(token.serial or ""),
                                    label, bytes(oid), cert))
    return out


def _attr(obj, attribute):
    try:
        return obj[attribute]
    except Exception:
        return None


def list_certificates(module, token_label: str | None = None) -> list[TokenCertificate]:
    """The signing certificates on the tokens behind a driver (certificates
    are public: no PIN needed).  CA certificates on the token are left out."""
    found = []
    for token in _find_tokens(module, token_label):
        try:
            with token.open() as session:
                found += [c for c in _certificates(session, token) if not _is_ca(c.cert)]
        except UserError:
            raise
        except Exception as exc:
            raise _user_error(exc, token) from exc
    if not found:
        raise UserError("Thiết bị ký số không có chứng thư số nào để ký. Hãy kiểm tra đã cắm đúng thiết bị "
                        "chưa, hoặc liên hệ nhà cung cấp chữ ký số.")
    return found


def _matches(tc: TokenCertificate, cert_label=None, object_id=None, key=None) -> bool:
    if object_id is not None and tc.object_id != object_id:
        return False
    if cert_label is not None and tc.label != cert_label:
        return False
    return key is None or key_id(tc.cert) == key


def read_chain_file(path) -> list[x509.Certificate]:
    """CA certificates given as a file (.pem, .cer, .crt, .p7b in PEM)."""
    try:
        blob = Path(path).read_bytes()[: MAX_CHAIN_FILE_BYTES + 1]
        if len(blob) > MAX_CHAIN_FILE_BYTES:
            raise ValueError
        return read_certificates(blob)
    except OSError as exc:
        raise UserError("Không đọc được tệp chuỗi chứng thư đã chọn.") from exc
    except ValueError as exc:
        raise UserError("Tệp chuỗi chứng thư không đúng định dạng (cần tệp .pem, .cer hoặc .crt).") from exc


def open_signer(module, pin: str, *, token_label: str | None = None, cert_label: str | None = None,
                object_id: bytes | None = None, key: str | None = None, chain_file=None,
                now: dt.datetime | None = None) -> TokenSigner:
    """Log in to the token holding the chosen certificate and return a signer.
    Without a choice, the token must hold exactly one signing certificate.
    A certificate that has expired (or is not yet valid) is refused here,
    before a package the receiver would refuse is made."""
    import pkcs11.exceptions as p11
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

    if not pin:
        raise UserError("Hãy nhập mã PIN của thiết bị ký số.")
    extra = read_chain_file(chain_file) if chain_file else []
    for token in _find_tokens(module, token_label):
        try:
            with token.open() as session:
                certs = _certificates(session, token)
        except Exception as exc:
            raise _user_error(exc, token) from exc
        chosen = [c for c in certs if not _is_ca(c.cert) and _matches(c, cert_label, object_id, key)]
        if not chosen:
            continue
        if len(chosen) > 1:
            raise UserError("Thiết bị ký số có nhiều chứng thư số; hãy chọn một chứng thư để ký "
                            "(--cert-label khi dùng dòng lệnh).")
        tc = chosen[0]
        _check_dates(tc, now or dt.datetime.now(dt.timezone.utc))
        try:
            session = token.open(user_pin=pin)
        except Exception as exc:
            raise _user_error(exc, token) from exc
        try:
            keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: tc.object_id}))
            if len(keys) != 1:
                raise UserError("Không tìm thấy khóa bí mật ứng với chứng thư số đã chọn trên thiết bị ký số. "
                                "Hãy liên hệ nhà cung cấp chữ ký số.")
            use_raw = False
            if keys[0].key_type == KeyType.EC:
                try:
                    use_raw = Mechanism.ECDSA_SHA256 not in token.slot.get_mechanisms()
                except p11.PKCS11Error:
                    use_raw = True
        except UserError:
            session.close()
            raise
        except Exception as exc:
            session.close()
            raise _user_error(exc, token) from exc
        own = key_id(tc.cert)
        chain = [c.cert for c in certs if _is_ca(c.cert)] + [c for c in extra if key_id(c) != own]
        return TokenSigner(cert=tc.cert, chain=_dedupe(chain), session=session, object_id=tc.object_id,
                           use_raw=use_raw)
    raise UserError("Không tìm thấy chứng thư số đã chọn trên thiết bị ký số. Hãy cắm đúng thiết bị, hoặc chọn "
                    "lại chứng thư.")


def _check_dates(tc: TokenCertificate, now: dt.datetime) -> None:
    if tc.cert.not_valid_after_utc < now:
        raise UserError(f"Chứng thư số trên thiết bị đã hết hạn ngày {tc.valid_to}: cấp trên sẽ không nhận "
                        "chữ ký này. Hãy liên hệ nhà cung cấp chữ ký số để gia hạn.")
    if tc.cert.not_valid_before_utc > now:
        raise UserError(f"Chứng thư số trên thiết bị chỉ có hiệu lực từ ngày {tc.valid_from}. Hãy kiểm tra "
                        "ngày giờ của máy tính.")


def _dedupe(certs: list[x509.Certificate]) -> list[x509.Certificate]:
    seen, out = set(), []
    for c in certs:
        fp = c.fingerprint(hashes.SHA256())
        if fp not in seen:
            seen.add(fp)
            out.append(c)
    return out


# ----------------------------------------------------------- settings ---

def chosen_module() -> str:
    value = settings.get(SETTING_MODULE, "")
    return value if isinstance(value, str) else ""


def remember_module(path: str) -> None:
    settings.put(SETTING_MODULE, str(path))


def chosen_certificate() -> dict | None:
    """The token certificate the clerk chose last time (module, labels, ids)."""
    value = settings.get(SETTING_CERT)
    return value if isinstance(value, dict) and value.get("module") == chosen_module() else None


def remember_certificate(tc: TokenCertificate, module: str) -> None:
    settings.put(SETTING_CERT, tc.remembered(module))


def forget_token() -> None:
    settings.put(SETTING_CERT, None)


def remembered_description() -> str:
    choice = chosen_certificate() or {}
    text = choice.get("description")
    return text if isinstance(text, str) else ""


def open_remembered(pin: str) -> TokenSigner:
    """Sign with the certificate chosen before: only the PIN is asked."""
    choice = chosen_certificate()
    if not choice:
        raise UserError("Chưa chọn chứng thư số trên thiết bị ký số.")
    object_id = bytes.fromhex(choice["id"]) if isinstance(choice.get("id"), str) else None
    return open_signer(choice["module"], pin, token_label=choice.get("token") or None,
                       object_id=object_id, key=choice.get("key_id"))
