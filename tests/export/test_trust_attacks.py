"""An attacker's tries against the receiving side: forged, replayed,
look-alike and malformed packages, and certificates that should not pass.
Every package here is forged in the test, with keys and certificates made
with cryptography."""

import datetime as dt
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from openpyxl import load_workbook

from export import verify as V
from export.consolidate import consolidate
from export.docx_report import ReportData
from export.package import DATA, MANIFEST, SIGNATURE, build_package_bytes
from export.receive import decide_trust, import_packages, summarise, trust_from_file, verify_files
from export.signing import SigningIdentity, create_identity, sign_detached
from model.errors import UserError
from model.outline import default_outline
from model.receiving import STATUS_CONFLICT, STATUS_OK, STATUS_UNCONFIRMED, ReceivingStore
from model.sample import make_sample
from model.store import DraftStore
from model.trust import TrustList, short_id
from model.unit_identity import cert_common_name, same_unit, unit_key, unit_name_problem

ROOT = Path(__file__).resolve().parents[2]
PASS = "mật khẩu đơn vị"
NOW = dt.datetime.now(dt.timezone.utc)


# ------------------------------------------------------------- helpers ---

def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _cert(key, cn, *, issuer_key=None, issuer_name=None, days=(-1, 365), algo=None, serial=None,
          ca=False):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
         .public_key(key.public_key()).serial_number(serial or x509.random_serial_number())
         .not_valid_before(NOW + dt.timedelta(days=days[0])).not_valid_after(NOW + dt.timedelta(days=days[1])))
    if ca:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return b.sign(issuer_key or key, algo or hashes.SHA256())


def _ident(cn="Đảng ủy xã Hòa An", key=None, **kw):
    key = key or _key()
    return SigningIdentity(key, _cert(key, cn, **kw), [])


@pytest.fixture(scope="module")
def base_members(tmp_path_factory):
    """One genuine package's members, rendered once; forgeries re-sign them
    (without the PDF, which carries the genuine key's own PAdES signature:
    test_package.py checks that a PDF by another key is refused)."""
    outline = default_outline()
    ident, answers = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 3)
    ident.date = dt.date(2023, 7, 15)
    data = ReportData(outline=outline, identity=ident, answers=answers, uuid="bao-cao-hoa-an", revision=1)
    blob, _m, _n = build_package_bytes(data, _ident())
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.filename.endswith(".pdf")}


def forge(members, ident, folder: Path, name: str, *, unit=None, edit=None, manifest_edit=None,
          extra=None, raw_data=None) -> Path:
    """A package whose data says what the test wants, signed by ident."""
    members = dict(members)
    data = json.loads(members[DATA])
    if unit is not None:
        data["identity"]["unit"] = unit
    if edit:
        edit(data)
    members[DATA] = raw_data if raw_data is not None else \
        json.dumps(data, ensure_ascii=False, allow_nan=True).encode()
    manifest = json.loads(members[MANIFEST])
    manifest["unit"] = data["identity"]["unit"] if isinstance(data.get("identity"), dict) else unit
    manifest["revision"] = data.get("revision")
    manifest["report_id"] = data.get("report_id")
    manifest["files"] = {n: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                         for n, b in members.items() if n not in (MANIFEST, SIGNATURE)}
    if manifest_edit:
        manifest_edit(manifest)
    mbytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
    members[MANIFEST] = mbytes
    members[SIGNATURE] = sign_detached(mbytes, ident)
    members.update(extra or {})
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return path


def _set_stat(stat_id, value):
    def edit(data):
        data["statistics"][stat_id]["value"] = value
    return edit


@pytest.fixture
def rs(data_dir):
    store = DraftStore(data_dir / "tongket.sqlite3")
    yield ReceivingStore(store)
    store.close()


@pytest.fixture
def inbox(tmp_path):
    d = tmp_path / "usb"
    d.mkdir()
    return d


# ---------------------------------------------------------- unit names ---

@pytest.mark.parametrize("a,b", [
    ("Xã Hòa An", "ĐẢNG ỦY XÃ HÒA AN"),
    ("Xã Hòa An", "ĐẢNG ỦY XÃ HOÀ AN"),  # old tone placement
    ("Xã Hòa An", "xã  hoà   an"),
    ("Xã Hòa An", "Đảng uỷ xã Hoà An"),
    ("Xã Hòa An", "Đảng bộ xã Hòa An"),
    ("Xã Hòa An", "Xa\u0303 Ho\u0300a An"),  # NFD input
    ("Phường Thủy Phương", "phường thuỷ phương"),
    ("Xã Quỳnh Lưu", "XÃ QUỲNH LƯU"),
    ("Xã Hoàng Hoa", "Xã Hòang Hoa"),
])
def test_same_unit_spellings(a, b):
    assert unit_key(a) == unit_key(b) and same_unit(a, b)


@pytest.mark.parametrize("a,b", [
    ("Xã Hòa An", "Xã Hòa Ân"),  # another vowel, another commune
    ("Xã Hòa An", "Phường Hòa An"),
    ("Xã Hòa An", "Xã Hóa An"),  # another tone
    ("Xã Ea Tu", "Xã Ea Tul"),
])
def test_different_units(a, b):
    assert unit_key(a) != unit_key(b)


@pytest.mark.parametrize("name,why", [
    ("Xã Hòa \u0410n", "Kirin"),  # Cyrillic capital A
    ("Xã Hòa \u0430n", "Kirin"),  # Cyrillic small a
    ("Xã H\u03bfa An", "Hy Lạp"),  # Greek omicron
    ("Xã Hòa\u200b An", "vô hình"),  # zero width space
    ("Xã Hòa An\u202e", "vô hình"),  # right-to-left override
    ("=HYPERLINK(\"http://x\")", "không thuộc"),
])
def test_look_alike_names_refused(name, why):
    problem = unit_name_problem(name)
    assert problem and why in problem and unit_key(name) != unit_key("Xã Hòa An")


def test_every_official_commune_name_is_accepted():
    from model.units import communes_of, provinces

    for province in provinces():
        for name in communes_of(province):
            assert unit_name_problem(name) is None, name


# ----------------------------------------------- forged and replayed ---

@pytest.mark.parametrize("forged_unit", ["Xã Hòa An", "ĐẢNG ỦY XÃ HOÀ AN", "đảng uỷ xã hoà an"])
def test_forged_package_never_replaces_a_trusted_units_figures(base_members, rs, inbox, tmp_path, forged_unit):
    genuine = _ident()
    real = forge(base_members, genuine, inbox, "a-that.zip", unit="ĐẢNG ỦY XÃ HÒA AN")
    outline = default_outline()
    assert [o.status for o in import_packages(rs, [real], outline, trust_new=True)] == ["new"]
    real_pop = rs.stats_of(next(iter(rs.current_ids(outline).values())))["dan_so"]["value"]
    # a fresh key, a later date and a higher revision: it would win if it were believed
    fake = forge(base_members, _ident(forged_unit), inbox, "b-gia.zip", unit=forged_unit,
                 edit=lambda d: (d["statistics"]["dan_so"].update(value=1_999_999),
                                 d["identity"].update(date="2023-07-19"), d.update(revision=9)))
    outcome = import_packages(rs, [fake], outline, trust_new=True)[0]
    assert outcome.status == "rejected" and "khác chữ ký số đã tin cậy" in outcome.verdict_label
    result = consolidate(rs, outline, tmp_path / "th")
    assert result.units == 1 and result.totals["dan_so"] == real_pop
    board = rs.board(outline)
    assert len(board) == 1 and board[0]["status"] == STATUS_OK
    assert "chữ ký số khác" in " ".join(board[0]["notes"])


def test_trust_new_with_two_keys_for_one_unit_waits_for_a_person(base_members, rs, inbox, tmp_path):
    outline = default_outline()
    forge(base_members, _ident(), inbox, "0-gia-truoc.zip", unit="Xã Hòa An",
          edit=_set_stat("dan_so", 1))
    forge(base_members, _ident(), inbox, "1-that.zip", unit="ĐẢNG ỦY XÃ HÒA AN")
    outcomes = import_packages(rs, [inbox], outline, trust_new=True)
    assert [o.status for o in outcomes] == ["conflict", "conflict"]
    assert TrustList(rs.db).entries() == []
    assert rs.current_ids(outline) == {}
    board = rs.board(outline)
    assert board[0]["status"] == STATUS_CONFLICT and len(board[0]["confirmable"]) == 2
    # a person picks the genuine one: it counts, the other is refused
    genuine_id = max(board[0]["confirmable"])
    rs.trust_package(genuine_id)
    assert list(rs.current_ids(outline).values()) == [genuine_id]
    assert rs.board(outline)[0]["status"] == STATUS_OK
    # and the CLI's verify takes the same decision from the same code
    verdicts = verify_files([inbox])
    decide_trust(TrustList(rs.db), verdicts)
    assert [v.code for v in verdicts] == [V.KEY_MISMATCH, V.VALID]


def test_replayed_older_report_never_replaces_a_newer_one(base_members, rs, inbox):
    outline = default_outline()
    ident = _ident()
    new = forge(base_members, ident, inbox, "moi.zip", edit=lambda d: (d.update(revision=2),
                                                                       _set_stat("dan_so", 2000)(d)))
    old = forge(base_members, ident, inbox, "cu.zip", edit=lambda d: (d.update(revision=1),
                                                                      _set_stat("dan_so", 1000)(d)))
    import_packages(rs, [new], outline, trust_new=True)
    import_packages(rs, [old], outline)  # arrives later
    current = rs.current_ids(outline)
    assert rs.stats_of(next(iter(current.values())))["dan_so"]["value"] == 2000
    assert "cũ hơn" in " ".join(rs.board(outline)[0]["notes"])
    # another report of the unit, dated earlier, received later: still the newer one counts
    earlier = forge(base_members, ident, inbox, "khac.zip",
                    edit=lambda d: (d.update(report_id="bao-cao-khac", revision=5),
                                    d["identity"].update(date="2023-07-01"), _set_stat("dan_so", 5)(d)))
    import_packages(rs, [earlier], outline)
    assert rs.stats_of(next(iter(rs.current_ids(outline).values())))["dan_so"]["value"] == 2000


# ----------------------------------------------------- malformed data ---

@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10 ** 400, [1, 2], {"a": 1}, "12", True,
                                   -5, 10 ** 16])
def test_bad_numbers_are_refused_and_never_stop_consolidation(base_members, rs, inbox, tmp_path, value):
    outline = default_outline()
    good = forge(base_members, _ident("Xã Ea Tu"), inbox, "a.zip", unit="Xã Ea Tu")
    if value == 10 ** 400:  # json.dumps cannot write it: put the digits in by hand
        raw = json.loads(base_members[DATA])
        raw["statistics"]["dan_so"]["value"] = 0
        blob = json.dumps(raw, ensure_ascii=False).replace('"value": 0', '"value": ' + "9" * 400, 1).encode()
        bad = forge(base_members, _ident(), inbox, "b.zip", raw_data=blob)
    else:
        bad = forge(base_members, _ident(), inbox, "b.zip", edit=_set_stat("dan_so", value))
    outcomes = import_packages(rs, [bad, good], outline, trust_new=True)
    assert outcomes[0].status == "rejected" and outcomes[0].verdict_label == V.LABELS[V.BAD_DATA]
    assert outcomes[1].status == "new"
    result = consolidate(rs, outline, tmp_path / "th")
    assert result.units == 1 and result.xlsx.exists() and result.docx.exists()


def test_rows_stored_by_an_older_version_cannot_stop_consolidation(base_members, rs, inbox, tmp_path):
    """Data that slipped in before these checks (NaN, a list, control
    characters) is skipped or cleaned, never a crash."""
    outline = default_outline()
    import_packages(rs, [forge(base_members, _ident(), inbox, "a.zip")], outline, trust_new=True)
    rid = next(iter(rs.current_ids(outline).values()))
    data = rs.data(rid)
    data["statistics"]["dan_so"]["value"] = float("nan")
    data["statistics"]["so_ho"] = [1]
    data["texts"]["bai_hoc"] = "chữ\x01lạ\x0b và \ud800"
    rs.db.execute("UPDATE received SET data_json = ?, unit = ? WHERE id = ?",
                  [json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                   "Xã Hòa An\x01", rid])
    result = consolidate(rs, outline, tmp_path / "th")
    assert result.units == 1 and result.totals["dan_so"] is None
    from docx import Document

    assert any("chữlạ" in p.text for p in Document(result.docx).paragraphs)


def test_extra_member_with_a_control_character(base_members, rs, inbox, tmp_path):
    outline = default_outline()
    pkg = forge(base_members, _ident(), inbox, "a.zip", extra={"a\x01b.txt": b"x"})
    v = V.verify_package(pkg)
    assert not v.intact and "U+0001" in v.line()
    import_packages(rs, [pkg, forge(base_members, _ident("Xã Ea Tu"), inbox, "b.zip", unit="Xã Ea Tu")],
                    outline, trust_new=True)
    for _ in range(2):  # and every later consolidation still works
        result = consolidate(rs, outline, tmp_path / "th")
        load_workbook(result.xlsx)


def test_huge_revision_and_lone_surrogate_never_stop_the_next_file(base_members, rs, inbox):
    outline = default_outline()
    forge(base_members, _ident(), inbox, "1-rev.zip", edit=lambda d: d.update(revision=2 ** 63 + 1))
    raw = json.dumps(json.loads(base_members[DATA]), ensure_ascii=True).replace(
        "Đ", "\\ud800", 1).encode()  # a lone surrogate, as JSON may write it
    forge(base_members, _ident("Xã Ea Kao"), inbox, "2-surrogate.zip", raw_data=raw, unit=None)
    forge(base_members, _ident("Xã Ea Tu"), inbox, "3-good.zip", unit="Xã Ea Tu")
    outcomes = import_packages(rs, [inbox], outline, trust_new=True)
    assert [o.status for o in outcomes] == ["rejected", "rejected", "new"]
    assert len(rs.rows()) == 3


def test_formulas_and_control_characters_never_reach_the_workbook_live(base_members, rs, inbox, tmp_path):
    outline = default_outline()
    forge(base_members, _ident(), inbox, "=HYPERLINK(\"x\",\"bam\").zip", extra={"lạ.txt": b"x"})
    forge(base_members, _ident("Xã Ea Tu"), inbox, "@SUM(1+1)!A0.zip", unit="Xã Ea Tu",
          manifest_edit=lambda m: m.update(unit="Xã Ea Tu"))
    forge(base_members, _ident("=cmd|' /C calc'!A0"), inbox, "c.zip", unit="=cmd|' /C calc'!A0")
    import_packages(rs, [inbox], outline, trust_new=True)
    result = consolidate(rs, outline, tmp_path / "th")
    wb = load_workbook(result.xlsx)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.quotePrefix, cell.value
    names = [r[0].value for r in wb["Tệp không tổng hợp"].iter_rows(min_row=2)]
    assert any(str(n).startswith("=HYPERLINK") for n in names)
    assert any("Kirin" in str(r[3].value) or "không thuộc" in str(r[3].value)
               for r in wb["Tệp không tổng hợp"].iter_rows(min_row=2))


def test_look_alike_unit_is_not_an_extra_unit_in_the_totals(base_members, rs, inbox, tmp_path):
    outline = default_outline()
    rs.set_expected(["Xã Hòa An", "Xã Ea Tu"])
    assert rs.set_expected(["Xã Hòa An", "Xã Ea Tu", "Xã Hòa \u0430n"]) == ["Xã Hòa \u0430n"]
    forge(base_members, _ident(), inbox, "a.zip")
    forge(base_members, _ident("Xã Hòa \u0430n"), inbox, "b.zip", unit="Xã Hòa \u0430n",
          edit=_set_stat("dan_so", 5_000_000))
    outcomes = import_packages(rs, [inbox], outline, trust_new=True)
    assert outcomes[1].status == "rejected" and "Kirin" in " ".join(outcomes[1].details)
    result = consolidate(rs, outline, tmp_path / "th")
    assert result.units == 1 and result.totals["dan_so"] < 5_000_000


# --------------------------------------------------------- certificates ---

def test_certificate_with_a_broken_self_signature(base_members, tmp_path):
    key, other = _key(), _key()
    cert = _cert(key, "Đảng ủy xã Hòa An", issuer_key=other)  # says self-signed, is not
    v = V.verify_package(forge(base_members, SigningIdentity(key, cert, []), tmp_path, "a.zip"))
    assert v.code == V.CERT_BROKEN and "chữ ký hỏng" in v.line()


def test_issuer_without_chain_is_not_called_ca_issued(base_members, tmp_path):
    ca_key = _key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA giả")])
    key = _key()
    cert = _cert(key, "Đảng ủy xã Hòa An", issuer_key=ca_key, issuer_name=ca_name)
    v = V.verify_package(forge(base_members, SigningIdentity(key, cert, []), tmp_path, "a.zip"), anchors=[])
    assert v.intact and not v.anchored and "chưa kiểm tra được chuỗi" in v.line()
    assert V.apply_trust(v, set()).code == V.UNKNOWN_SIGNER
    # a forged intermediate: named like the CA, signed by someone else
    fake_ca = _cert(_key(), "CA giả", ca=True)
    cert2 = _cert(key, "Đảng ủy xã Hòa An", issuer_key=ca_key, issuer_name=ca_name)
    pkg = forge(base_members, SigningIdentity(key, cert2, [fake_ca]), tmp_path, "b.zip")
    assert V.verify_package(pkg, anchors=[]).code == V.CERT_BROKEN


@pytest.mark.parametrize("days,code,words", [((-400, -30), V.CERT_EXPIRED, "hết hạn"),
                                             ((30, 400), V.CERT_NOT_YET_VALID, "chỉ có hiệu lực từ")])
def test_expired_and_not_yet_valid(base_members, tmp_path, days, code, words):
    v = V.verify_package(forge(base_members, _ident(days=days), tmp_path, "a.zip"))
    assert v.code == code and words in v.line()


def test_expired_now_but_valid_when_signed_is_only_noted(base_members, tmp_path):
    key = _key()
    ident = SigningIdentity(key, _cert(key, "Đảng ủy xã Hòa An", days=(-10, 5)), [])
    pkg = forge(base_members, ident, tmp_path, "a.zip")
    v = V.verify_package(pkg, now=NOW + dt.timedelta(days=30))
    assert v.intact and "còn hạn" in v.line()


def _sha1_cert(key, cn):
    """cryptography no longer signs certificates with SHA-1: sign the TBS by hand."""
    from asn1crypto import x509 as ax
    from cryptography.hazmat.primitives.asymmetric import ec as ecc

    good = ax.Certificate.load(_cert(key, cn).public_bytes(serialization.Encoding.DER))
    tbs = good["tbs_certificate"]
    tbs["signature"] = {"algorithm": "sha1_ecdsa"}
    tbs_der = tbs.dump(force=True)
    signed = ax.Certificate({"tbs_certificate": ax.TbsCertificate.load(tbs_der),
                             "signature_algorithm": {"algorithm": "sha1_ecdsa"},
                             "signature_value": key.sign(tbs_der, ecc.ECDSA(hashes.SHA1()))})
    return x509.load_der_x509_certificate(signed.dump())


def test_weak_algorithms_are_named(base_members, tmp_path):
    key = _key()
    sha1 = V.verify_package(forge(base_members, SigningIdentity(key, _sha1_cert(key, "Đảng ủy xã Hòa An"), []),
                                  tmp_path, "a.zip"))
    assert sha1.code == V.WEAK and "SHA-1" in sha1.line()
    small = rsa.generate_private_key(65537, 1024)
    rsa1024 = V.verify_package(forge(base_members, SigningIdentity(small, _cert(small, "Đảng ủy xã Hòa An"), []),
                                     tmp_path, "b.zip"))
    assert rsa1024.code == V.WEAK and "1024" in rsa1024.line() and "hỏng" not in rsa1024.line()


def test_trust_follows_the_key_not_the_certificate_bytes(base_members, rs, inbox):
    """A certificate re-issued or re-encoded for the same key keeps the unit trusted."""
    key = _key()
    first = forge(base_members, SigningIdentity(key, _cert(key, "Đảng ủy xã Hòa An", serial=1), []),
                  inbox, "a.zip")
    second = forge(base_members, SigningIdentity(key, _cert(key, "ĐẢNG ỦY XÃ HOÀ AN", serial=2), []),
                   inbox, "b.zip", edit=lambda d: d.update(revision=2))
    trust_from_file(rs.trust, first)
    verdicts = verify_files([second])
    decide_trust(rs.trust, verdicts)
    assert verdicts[0].code == V.VALID and verdicts[0].short_id == short_id(verdicts[0].key_id)
    assert len(verdicts[0].short_id) == 19 and verdicts[0].short_id.count("-") == 3


def test_signature_binds_the_certificate(base_members, tmp_path):
    """ESS signing-certificate-v2: the same key's other certificate cannot be swapped in."""
    from asn1crypto import cms

    key = _key()
    pkg = forge(base_members, SigningIdentity(key, _cert(key, "Đảng ủy xã Hòa An"), []), tmp_path, "a.zip")
    with zipfile.ZipFile(pkg) as zf:
        sig = cms.ContentInfo.load(zf.read(SIGNATURE))
    attrs = {a["type"].native for a in sig["content"]["signer_infos"][0]["signed_attrs"]}
    assert "signing_certificate_v2" in attrs
    # swap in another certificate for the same key
    other = _cert(key, "Đảng ủy xã Hòa An")
    from asn1crypto import x509 as ax

    sig["content"]["certificates"] = [ax.Certificate.load(other.public_bytes(serialization.Encoding.DER))]
    sid = sig["content"]["signer_infos"][0]["sid"].chosen
    sid["serial_number"] = other.serial_number
    members = {}
    with zipfile.ZipFile(pkg) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members[SIGNATURE] = sig.dump(force=True)
    swapped = tmp_path / "b.zip"
    with zipfile.ZipFile(swapped, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    assert not V.verify_package(swapped).intact


# ----------------------------------------------------- signing side ---

def test_a_long_unit_name_can_sign(data_dir, base_members, tmp_path):
    unit = ("Đảng ủy cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam và các đoàn thể chính trị - xã hội tỉnh "
            "Đắk Lắk")
    assert len(unit) > 78
    ident = create_identity(unit, "Đảng bộ tỉnh Đắk Lắk", PASS)
    cn = ident.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert len(cn.encode()) <= 64 and cn == cert_common_name(unit)
    v = V.verify_package(forge(base_members, ident, tmp_path, "a.zip", unit=unit))
    assert v.intact and v.unit == unit


def test_new_identity_uses_a_modern_kdf_and_a_longer_passphrase(data_dir):
    with pytest.raises(UserError, match="ít nhất 8"):
        create_identity("Xã Hòa An", "Tỉnh Đắk Lắk", "ngan")
    create_identity("Xã Hòa An", "Tỉnh Đắk Lắk", PASS)
    blob = (data_dir / "chu-ky-so" / "chu-ky-don-vi.p12").read_bytes()
    pbes2 = bytes.fromhex("06092a864886f70d01050d")  # OID 1.2.840.113549.1.5.13
    aes256 = bytes.fromhex("060960864801650304012a")  # OID 2.16.840.1.101.3.4.1.42
    assert pbes2 in blob and aes256 in blob
    with pytest.raises(UserError, match="Tên đơn vị|tên đơn vị"):
        create_identity("Xã Hòa \u0430n", "Tỉnh Đắk Lắk", PASS)


# -------------------------------------------------------- trust command ---

def test_cli_trust_list_add_remove(base_members, tmp_path):
    pkg = forge(base_members, _ident(), tmp_path, "a.zip")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    cli = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "tinh"), "trust"]
    r = subprocess.run(cli + ["list"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "Chưa tin cậy" in r.stdout
    r = subprocess.run(cli + ["add", str(pkg)], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "Đã tin cậy chữ ký số" in r.stdout
    r = subprocess.run(cli + ["list"], capture_output=True, text=True, env=env)
    assert "ĐẢNG ỦY XÃ HÒA AN" in r.stdout.upper()
    r = subprocess.run(cli + ["remove", "xã hoà an"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "Đã bỏ tin cậy 1" in r.stdout
    r = subprocess.run(cli + ["remove", "xã hoà an"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"khong phai")
    r = subprocess.run(cli + ["add", str(bad)], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "Không tin cậy được" in r.stderr


def test_unconfirmed_rows_are_marked_in_the_workbook(base_members, rs, inbox, tmp_path):
    outline = default_outline()
    forge(base_members, _ident(), inbox, "a.zip")
    outcomes = import_packages(rs, [inbox], outline)
    assert outcomes[0].status == "unconfirmed"
    assert "chưa xác nhận" in summarise(outcomes).headline
    assert rs.board(outline)[0]["status"] == STATUS_UNCONFIRMED
    result = consolidate(rs, outline, tmp_path / "th")
    assert result.unconfirmed and result.units == 1
    ws = load_workbook(result.xlsx)["Tổng hợp"]
    row = next(r for r in ws.iter_rows(min_row=6) if r[0].value == 1)
    assert row[0].fill.fgColor.rgb.endswith("FFE0B2")
    assert any("chưa xác nhận" in str(c.value).lower() for c in row)


# -------------------------------------------------------------- random ---

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                    max_leaves=20)


BASE = {}


@pytest.fixture(autouse=True, scope="module")
def _keep_base(base_members):
    BASE["members"] = base_members


@pytest.mark.slow
@hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
           derandomize=os.environ.get("TONGKET_HYPOTHESIS_RANDOM") != "1")
@given(path=st.sampled_from(["statistics", "texts", "identity", "outline", "revision", "report_id",
                             "statistics.dan_so", "statistics.dan_so.value", "identity.unit",
                             "identity.date", "format_version"]),
       value=JSON)
def test_random_data_never_crashes_nor_moves_other_units(tmp_path_factory, path, value):
    from model import paths

    base_members = BASE["members"]

    folder = tmp_path_factory.mktemp("ngau-nhien")
    paths.set_data_dir(folder)
    store = DraftStore(folder / "tongket.sqlite3")
    try:
        rs = ReceivingStore(store)
        outline = default_outline()
        good = forge(base_members, GOOD, folder, "a.zip", unit="Xã Ea Tu")
        import_packages(rs, [good], outline, trust_new=True)
        before = consolidate(rs, outline, folder / "t1").totals

        def edit(data):
            *parents, last = path.split(".")
            target = data
            for p in parents:
                target = target[p]
            target[last] = value

        random_pkg = forge(base_members, RANDOM, folder, "b.zip", edit=edit)
        import_packages(rs, [random_pkg], outline)
        rid_good = rs.current_ids(outline)[unit_key("Xã Ea Tu")]
        assert rs.stats_of(rid_good)["dan_so"]["value"] == before["dan_so"]
        after = consolidate(rs, outline, folder / "t2")
        assert after.xlsx.exists() and after.docx.exists()
    finally:
        store.close()
        paths.set_data_dir(None)


GOOD = _ident("Xã Ea Tu")
RANDOM = _ident()


# ------------------------------------------------ found by an attacker's review ---

def test_verify_trust_new_sees_the_keys_already_received(base_members, rs, inbox, tmp_path):
    """The genuine package is received (not yet confirmed); a forgery with a
    later date is then checked with verify --trust-new: a conflict, no trust."""
    from export import actions

    outline = default_outline()
    import_packages(rs, [forge(base_members, _ident(), inbox, "that.zip")], outline)
    fake = forge(base_members, _ident(), tmp_path, "gia.zip",
                 edit=lambda d: (d["identity"].update(date="2023-07-30"), _set_stat("dan_so", 999_999)(d)))
    result = actions.verify(rs.store, [fake], trust_new=True)
    assert result.verdicts[0].code == V.CONFLICT and TrustList(rs.db).entries() == []


def test_trust_new_never_trusts_a_second_key_beside_a_ca_vouched_one(base_members, rs, inbox, tmp_path):
    ca_key = _key()
    ca = _cert(ca_key, "CA thử", ca=True)
    key = _key()
    real = _cert(key, "Đảng ủy xã Hòa An", issuer_key=ca_key, issuer_name=ca.subject)
    outline = default_outline()
    good = forge(base_members, SigningIdentity(key, real, [ca]), inbox, "a.zip")
    import_packages(rs, [good], outline, anchors=[ca])
    assert rs.board(outline)[0]["status"] == STATUS_OK
    fake = forge(base_members, _ident(), inbox, "b.zip",
                 edit=lambda d: (d["identity"].update(date="2023-07-30"), _set_stat("dan_so", 999_999)(d)))
    outcome = import_packages(rs, [fake], outline, trust_new=True, anchors=[ca])[0]
    assert outcome.status == "rejected" and TrustList(rs.db).entries() == []
    assert rs.stats_of(next(iter(rs.current_ids(outline).values())))["dan_so"]["value"] != 999_999


def test_a_ca_certificate_never_speaks_for_a_longer_name_that_starts_like_it(base_members, tmp_path):
    from model.unit_identity import cert_names_unit

    assert not cert_names_unit("Xã Hòa An", "Xã Hòa An Tây")  # a name that fits is never cut
    short = "Chi bộ Trường Trung học phổ thông chuyên Nguyễn Du"
    ca_key = _key()
    ca = _cert(ca_key, "CA thử", ca=True)
    key = _key()
    cert = _cert(key, short, issuer_key=ca_key, issuer_name=ca.subject)
    pkg = forge(base_members, SigningIdentity(key, cert, [ca]), tmp_path, "a.zip", unit=short + " Tây")
    v = V.verify_package(pkg, anchors=[ca])
    assert v.intact and not v.anchored  # the CA wrote the shorter name: it vouches for that one only


def test_a_corrected_date_keeps_the_newer_revision(base_members, rs, inbox):
    outline = default_outline()
    ident = _ident()
    rev2 = forge(base_members, ident, inbox, "r2.zip", edit=lambda d: (
        d.update(revision=2), d["identity"].update(date="2023-07-15"), _set_stat("dan_so", 2222)(d)))
    rev1 = forge(base_members, ident, inbox, "r1.zip", edit=lambda d: (
        d.update(revision=1), d["identity"].update(date="2023-07-25"), _set_stat("dan_so", 1111)(d)))
    import_packages(rs, [rev2], outline, trust_new=True)
    import_packages(rs, [rev1], outline)
    assert rs.stats_of(next(iter(rs.current_ids(outline).values())))["dan_so"]["value"] == 2222
    assert "cũ hơn" in " ".join(rs.board(outline)[0]["notes"])


def test_a_refused_package_never_plants_trust(base_members, rs, inbox):
    outline = default_outline()
    bad = forge(base_members, _ident(), inbox, "a.zip",
                edit=lambda d: d["statistics"].update(chi_tieu_la={"value": 1, "raw": "1"}))
    outcome = import_packages(rs, [bad], outline, trust_new=True)[0]
    assert outcome.status == "rejected" and TrustList(rs.db).entries() == []


def test_a_certificate_naming_another_unit_is_never_trusted_first(base_members, rs, inbox):
    ca_key = _key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA không rõ")])
    key = _key()
    cert = _cert(key, "Đảng ủy xã Ea Tu", issuer_key=ca_key, issuer_name=ca_name)
    pkg = forge(base_members, SigningIdentity(key, cert, []), inbox, "a.zip")
    outcome = import_packages(rs, [pkg], default_outline(), trust_new=True, anchors=[])[0]
    assert outcome.status == "unconfirmed" and TrustList(rs.db).entries() == []


def test_a_key_usage_for_tls_only_is_refused(base_members, tmp_path):
    from cryptography.x509.oid import ExtendedKeyUsageOID

    ca_key = _key()
    ca = _cert(ca_key, "CA thử", ca=True)
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đảng ủy xã Hòa An")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(7).not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(NOW + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    v = V.verify_package(forge(base_members, SigningIdentity(key, cert, [ca]), tmp_path, "a.zip"), anchors=[ca])
    assert v.code == V.CERT_BROKEN and "không phải để ký" in v.line()


def test_a_mark_on_a_consonant_is_a_look_alike_and_units_outside_the_list_never_count(
        base_members, rs, inbox, tmp_path):
    outline = default_outline()
    assert unit_name_problem("Xã Hòa An\u0323") and unit_name_problem("Xã Hòa A\u031bn")
    rs.set_expected(["Xã Hòa An", "Xã Ea Tu"])
    forge(base_members, _ident(), inbox, "a.zip")
    # a unit not on the list (any name that slips past the name check) is shown, never added up
    forge(base_members, _ident("Xã Không Có Tên"), inbox, "b.zip", unit="Xã Không Có Tên",
          edit=_set_stat("dan_so", 1_500_000))
    import_packages(rs, [inbox], outline, trust_new=True)
    result = consolidate(rs, outline, tmp_path / "th")
    assert result.units == 1 and result.totals["dan_so"] < 1_500_000
    line = next(b for b in rs.board(outline) if not b["expected"])
    assert "không đưa vào tổng hợp" in " ".join(line["notes"])


# ------------------------------------------------------ the second review ---

def _ca_with_crl(revoked_serials=(), issuer_key=None, issuer=None):
    from cryptography.x509 import CertificateRevocationListBuilder, RevokedCertificateBuilder

    b = CertificateRevocationListBuilder().issuer_name(issuer.subject).last_update(NOW) \
        .next_update(NOW + dt.timedelta(days=30))
    for serial in revoked_serials:
        b = b.add_revoked_certificate(RevokedCertificateBuilder().serial_number(serial)
                                      .revocation_date(NOW - dt.timedelta(days=5)).build())
    return b.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def test_a_revoked_certificate_is_refused_whatever_time_it_claims(base_members, tmp_path):
    ca_key = _key()
    ca = _cert(ca_key, "CA thử", ca=True)
    key = _key()
    leaf = _cert(key, "Đảng ủy xã Hòa An", issuer_key=ca_key, issuer_name=ca.subject, serial=4242,
                 days=(-100, 300))
    crl = _ca_with_crl([4242], ca_key, ca)
    members = dict(base_members)
    pkg = forge(members, SigningIdentity(key, leaf, [ca]), tmp_path, "a.zip")
    # a signature that claims to be 30 days old, before the revocation and the CRL

    data = json.loads(zipfile.ZipFile(pkg).read(MANIFEST))
    backdated = sign_detached(json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
                              SigningIdentity(key, leaf, [ca]), NOW - dt.timedelta(days=30))
    with zipfile.ZipFile(pkg) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    parts[MANIFEST] = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    parts[SIGNATURE] = backdated
    old = tmp_path / "cu.zip"
    with zipfile.ZipFile(old, "w") as zout:
        for n, b in parts.items():
            zout.writestr(n, b)
    for p in (pkg, old):
        v = V.verify_package(p, anchors=[ca], crls=[crl])
        assert v.code == V.CERT_REVOKED, (p.name, v.line())


def test_an_intermediate_revoked_by_its_root_takes_its_certificates_with_it(base_members, tmp_path):
    root_key = _key()
    root = _cert(root_key, "Gốc thử", ca=True)
    sub_key = _key()
    sub = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA con")]))
           .issuer_name(root.subject).public_key(sub_key.public_key()).serial_number(77)
           .not_valid_before(NOW - dt.timedelta(days=10)).not_valid_after(NOW + dt.timedelta(days=300))
           .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
           .sign(root_key, hashes.SHA256()))
    key = _key()
    leaf = _cert(key, "Đảng ủy xã Hòa An", issuer_key=sub_key, issuer_name=sub.subject)
    crl = _ca_with_crl([77], root_key, root)
    pkg = forge(base_members, SigningIdentity(key, leaf, [sub]), tmp_path, "a.zip")
    assert V.verify_package(pkg, anchors=[root]).anchored
    assert V.verify_package(pkg, anchors=[root], crls=[crl]).code == V.CERT_REVOKED


def test_apostrophes_and_dashes_as_people_type_them():
    assert unit_key("Xã Ea H'leo") == unit_key("Xã Ea H’leo") == unit_key("XÃ EA H’LEO.")
    assert unit_key("Xã Ea-Kar") == unit_key("Xã Ea Kar")
    for doubled in ("Xã Krô\u0302ng", "Xã Hư\u031bng", "Xã Hă\u0302n"):
        assert unit_name_problem(doubled)


def test_a_ca_vouched_key_outranks_a_key_trusted_first(base_members, rs, inbox):
    outline = default_outline()
    fake = forge(base_members, _ident(), inbox, "a.zip", edit=lambda d: (
        d.update(report_id="gia"), d["identity"].update(date="2030-01-01"), _set_stat("dan_so", 999_999)(d)))
    import_packages(rs, [fake], outline, trust_new=True)
    assert TrustList(rs.db).entries()  # trusted first: nothing else claimed the unit yet
    ca_key = _key()
    ca = _cert(ca_key, "CA thử", ca=True)
    key = _key()
    real = _cert(key, "Đảng ủy xã Hòa An", issuer_key=ca_key, issuer_name=ca.subject)
    import_packages(rs, [forge(base_members, SigningIdentity(key, real, [ca]), inbox, "b.zip")], outline,
                    anchors=[ca])
    counted = rs.current_ids(outline)
    assert rs.stats_of(next(iter(counted.values())))["dan_so"]["value"] != 999_999
    assert any(st.state == "mismatch" for st in rs.states(outline).values())


def test_an_old_report_replayed_never_outranks_a_newer_one_corrected_backwards(base_members, rs, inbox):
    outline = default_outline()
    ident = _ident()
    old = forge(base_members, ident, inbox, "w.zip", edit=lambda d: (
        d.update(report_id="W", revision=1), d["identity"].update(date="2023-07-20"), _set_stat("dan_so", 111)(d)))
    x1 = forge(base_members, ident, inbox, "x1.zip", edit=lambda d: (
        d.update(report_id="X", revision=1), d["identity"].update(date="2023-07-25"), _set_stat("dan_so", 222)(d)))
    x2 = forge(base_members, ident, inbox, "x2.zip", edit=lambda d: (
        d.update(report_id="X", revision=2), d["identity"].update(date="2023-07-18"), _set_stat("dan_so", 333)(d)))
    import_packages(rs, [x1, x2], outline, trust_new=True)
    import_packages(rs, [old], outline)
    assert rs.stats_of(next(iter(rs.current_ids(outline).values())))["dan_so"]["value"] == 333


def test_a_package_of_another_outline_never_plants_trust(base_members, rs, inbox):
    other = forge(base_members, _ident(), inbox, "a.zip",
                  edit=lambda d: d["outline"].update(version=2), manifest_edit=lambda m: m["outline"].update(version=2))
    outcome = import_packages(rs, [other], default_outline(), trust_new=True)[0]
    assert outcome.status == "other_outline" and TrustList(rs.db).entries() == []
