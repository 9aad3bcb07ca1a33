"""The receiver's trust decisions: which signing key speaks for which unit.

A person decides: trust is given to the public key of a unit (its SHA-256
key id, see export/certs), after comparing the short fingerprint with the
unit (on paper or by phone).  The rules that turn a checked signature into
a state live here, once, for the CLI and the GUI:

- trusted     the key is trusted for that unit, or its certificate chains to
              a root the receiver trusts and names the unit;
- unconfirmed nobody has decided yet, and this is the only key seen for the
              unit: usable, but marked everywhere as not yet confirmed;
- conflict    no key is trusted for the unit and several keys claim it:
              none counts until a person chooses;
- mismatch    another key is trusted for this unit: refused.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from model.text import clean_line
from model.unit_identity import unit_key

TRUSTED = "trusted"
UNCONFIRMED = "unconfirmed"
CONFLICT = "conflict"
MISMATCH = "mismatch"

LABELS = {
    TRUSTED: "Hợp lệ",
    UNCONFIRMED: "Chưa xác nhận người ký (nội dung nguyên vẹn)",
    CONFLICT: "Chưa dùng được: nhiều chữ ký số khác nhau cùng nhận là của đơn vị này",
    MISMATCH: "Chữ ký không hợp lệ: khác chữ ký số đã tin cậy của đơn vị",
}


def full_fingerprint(key_id: str) -> str:
    """'AB:CD:…' as certificate viewers show digests."""
    return ":".join(key_id[i:i + 2] for i in range(0, len(key_id), 2))


def short_id(key_id: str) -> str:
    """'K7QM-3XPA-…': the first 80 bits of the key's SHA-256 in base32, four
    groups of four letters and digits, to read over the phone."""
    text = base64.b32encode(bytes.fromhex(key_id)[:10]).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


def phone_text(key_id: str) -> str:
    """What the clerk reads to the upper level over the phone: 16 letters and
    digits, not the 95-character fingerprint (that one is printed in the report)."""
    return f"Mã chữ ký số: {short_id(key_id)}"


def key_text(key_id: str) -> str:
    """How a signing key is shown to a person, everywhere."""
    return f"Mã chữ ký số: {short_id(key_id)} (dấu vân tay SHA-256 của khóa công khai: {full_fingerprint(key_id)})"


def speaking_keys(vouched: set[str], listed: set[str]) -> set[str]:
    """The keys that speak for a unit: those a certification authority
    vouches for, once there is one (the CA's word is the stronger: a key
    trusted earlier without it no longer speaks); else the trust list's."""
    return set(vouched) or set(listed)


def state_of(key_id: str, anchored: bool, trusted: set[str], keys_seen: set[str]) -> str:
    """trusted: key ids trusted for the unit; keys_seen: every key id of an
    intact package claiming the unit (this one included)."""
    if anchored or key_id in trusted:
        return TRUSTED
    if trusted:
        return MISMATCH
    if len(keys_seen | {key_id}) > 1:
        return CONFLICT
    return UNCONFIRMED


def keys_to_trust_first(batch: list[tuple[str, str]], trusted_for) -> dict[str, str]:
    """--trust-new: batch holds (unit, key id) of intact packages.  A unit's
    key is trusted only when exactly one key claims it in the batch and no
    key is trusted for it yet.  Returns unit key -> key id."""
    seen: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for unit, kid in batch:
        k = unit_key(unit)
        seen.setdefault(k, set()).add(kid)
        names.setdefault(k, unit)
    return {k: next(iter(kids)) for k, kids in seen.items()
            if len(kids) == 1 and not trusted_for(names[k])}


@dataclass
class TrustedKey:
    unit: str
    key_id: str
    short_id: str
    subject: str
    added_at: str


class TrustList:
    """The trusted_signers table of the receiver's database."""

    def __init__(self, db):
        self.db = db

    def keys_for(self, unit: str) -> set[str]:
        return {r[0] for r in self.db.execute(
            "SELECT fingerprint FROM trusted_signers WHERE unit_key = ?", [unit_key(unit)])}

    def keys_by_unit(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for k, kid in self.db.execute("SELECT unit_key, fingerprint FROM trusted_signers"):
            out.setdefault(k, set()).add(kid)
        return out

    def add(self, unit: str, key_id: str, short_id: str, subject: str, now: str) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO trusted_signers (unit_key, unit, fingerprint, short_id, subject, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [unit_key(unit), clean_line(unit), key_id, short_id, clean_line(subject), now])

    def remove(self, unit: str) -> int:
        """Forget every key trusted for a unit; returns how many."""
        with self.db.atomic():
            return self.db.execute("DELETE FROM trusted_signers WHERE unit_key = ?",
                                   [unit_key(unit)]).rowcount

    def entries(self) -> list[TrustedKey]:
        return [TrustedKey(*r) for r in self.db.execute(
            "SELECT unit, fingerprint, short_id, subject, added_at FROM trusted_signers "
            "ORDER BY unit_key, added_at")]
