"""The signed package: made, verified, and every tampering caught."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile

import pytest

from export.package import DATA, MANIFEST, SIGNATURE, build_package_bytes, write_package
from export.signing import create_identity, import_identity, load_identity, sign_detached
from export.verify import (BAD_SIGNATURE, INTACT, KEY_MISMATCH, NOT_PACKAGE, TAMPERED, UNKNOWN_SIGNER,
                           VALID, apply_trust, verify_package)
from model.errors import UserError
from model.sample import make_sample
from export.docx_report import ReportData

PASS = "mật khẩu đơn vị"


@pytest.fixture
def ident(data_dir):
    return create_identity("ĐẢNG ỦY XÃ HÒA AN", "ĐẢNG BỘ TỈNH ĐẮK LẮK", PASS)


@pytest.fixture
def other_ident(tmp_path):
    return create_identity("ĐẢNG ỦY XÃ EA TU", "ĐẢNG BỘ TỈNH ĐẮK LẮK", PASS, path=tmp_path / "b.p12")


@pytest.fixture
def package(sample_data, ident, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    return write_package(sample_data, ident, out).path


def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _rewrite(path, members, target=None):
    target = target or path.with_name("sua-" + path.name)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return target


def test_package_contents_and_manifest(package, sample_data):
    m = _members(package)
    assert package.name == "GoiBaoCao-TongKet-NQ25-XaHoaAn-2023-07-15-r0.zip"
    assert set(m) == {MANIFEST, SIGNATURE, DATA, "HUONG-DAN-KIEM-TRA.txt",
                      "BC-TongKet-NQ25-XaHoaAn-2023-07-15.docx",
                      "BieuThongKe-TongKet-NQ25-XaHoaAn-2023-07-15.xlsx",
                      "BC-TongKet-NQ25-XaHoaAn-2023-07-15.pdf"}
    manifest = json.loads(m[MANIFEST])
    assert manifest["format"] == "tongket-package" and manifest["unit"] == "ĐẢNG ỦY XÃ HÒA AN"
    assert manifest["outline"] == {"id": "nq25-kl43-dan-van", "version": 1}
    assert set(manifest["files"]) == set(m) - {MANIFEST, SIGNATURE}
    for name, meta in manifest["files"].items():
        assert meta == {"sha256": hashlib.sha256(m[name]).hexdigest(), "size": len(m[name])}
    data = json.loads(m[DATA])
    assert data["statistics"]["dan_so"]["value"] == int(sample_data.answers["dan_so"].replace(".", ""))
    assert data["texts"]["bai_hoc"] == sample_data.answers["bai_hoc"]
    readme = m["HUONG-DAN-KIEM-TRA.txt"].decode("utf-8-sig")
    assert "openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -noverify" in readme


def test_fingerprint_printed_in_the_docx(package, ident):
    from docx import Document

    m = _members(package)
    doc = Document(io.BytesIO(next(b for n, b in m.items() if n.endswith(".docx"))))
    assert any(ident.fingerprint in p.text for p in doc.paragraphs)


def test_verify_intact_and_trust(package, ident, other_ident, sample_data, tmp_path):
    v = verify_package(package)
    assert v.code == INTACT and v.intact
    assert v.unit == "ĐẢNG ỦY XÃ HÒA AN"
    assert v.subject == "Đảng ủy xã Hòa An, Đảng bộ tỉnh Đắk Lắk"
    assert v.fingerprint == ident.fingerprint and v.key_id == ident.key_id and v.signed_at
    assert v.data["report_id"] == sample_data.uuid
    assert apply_trust(verify_package(package), {ident.key_id}).code == VALID
    unconfirmed = apply_trust(verify_package(package), set())
    assert unconfirmed.code == UNKNOWN_SIGNER and "chưa xác nhận" in unconfirmed.line()
    # the same unit, later, signed with another key: flagged loudly
    forged_key = create_identity("ĐẢNG ỦY XÃ HÒA AN", "ĐẢNG BỘ TỈNH ĐẮK LẮK", PASS, path=tmp_path / "c.p12")
    out = tmp_path / "c"
    out.mkdir()
    second = write_package(sample_data, forged_key, out).path
    v2 = apply_trust(verify_package(second), {ident.key_id})
    assert v2.code == KEY_MISMATCH and "CẢNH BÁO" in v2.line()


@pytest.mark.parametrize("member", [DATA, "HUONG-DAN-KIEM-TRA.txt", "docx", "xlsx", MANIFEST])
def test_any_byte_of_any_member_changed(package, member):
    m = _members(package)
    name = next(n for n in m if n.endswith(member) or n == member)
    for pos in (0, len(m[name]) // 2, len(m[name]) - 1):
        blob = bytearray(m[name])
        blob[pos] ^= 0x01
        changed = dict(m, **{name: bytes(blob)})
        v = verify_package(_rewrite(package, changed))
        assert v.code == TAMPERED, (name, pos, v.line())


def test_signature_bytes_changed(package):
    m = _members(package)
    blob = bytearray(m[SIGNATURE])
    blob[len(blob) - 5] ^= 0xFF  # inside the signature value
    v = verify_package(_rewrite(package, dict(m, **{SIGNATURE: bytes(blob)})))
    assert v.code in (BAD_SIGNATURE, TAMPERED) and not v.intact


def test_member_removed_or_added(package):
    m = _members(package)
    docx = next(n for n in m if n.endswith(".docx"))
    assert verify_package(_rewrite(package, {k: b for k, b in m.items() if k != docx})).code == TAMPERED
    assert verify_package(_rewrite(package, dict(m, **{"them.txt": b"x"}))).code == TAMPERED
    assert verify_package(_rewrite(package, {k: b for k, b in m.items() if k != SIGNATURE})).code == NOT_PACKAGE


def test_manifest_edited(package):
    m = _members(package)
    manifest = json.loads(m[MANIFEST])
    manifest["revision"] = 99
    edited = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    v = verify_package(_rewrite(package, dict(m, **{MANIFEST: edited})))
    assert v.code == TAMPERED and "manifest.json" in v.line()


def test_signature_replaced_by_another_units(package, other_ident, sample_data, tmp_path):
    m = _members(package)
    # another unit signs this very manifest
    resigned = sign_detached(m[MANIFEST], other_ident)
    v = verify_package(_rewrite(package, dict(m, **{SIGNATURE: resigned})))
    assert v.code == BAD_SIGNATURE and "Ea Tu" in v.line()
    # another unit's signature file copied in
    out = tmp_path / "b"
    out.mkdir()
    sample_b = ReportData(sample_data.outline, *make_sample(sample_data.outline, "Xã Ea Tu", "Đắk Lắk", 9))
    other_pkg = write_package(sample_b, other_ident, out).path
    v = verify_package(_rewrite(package, dict(m, **{SIGNATURE: _members(other_pkg)[SIGNATURE]})))
    assert v.code == BAD_SIGNATURE


def test_two_packages_data_swapped(package, ident, sample_data, tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    ident_b, answers_b = make_sample(sample_data.outline, "Xã Hòa An", "Đắk Lắk", 5)
    other = write_package(ReportData(sample_data.outline, ident_b, answers_b, uuid="u-2"), ident, out).path
    m = _members(package)
    v = verify_package(_rewrite(package, dict(m, **{DATA: _members(other)[DATA]})))
    assert v.code == TAMPERED


@pytest.mark.parametrize("evil", ["../../thoat.txt", "/etc/evil.txt", "C:/Windows/x.txt", "thu-muc/con.txt",
                                  "..\\..\\x.txt"])
def test_path_traversal_refused_and_nothing_extracted(package, tmp_path, evil):
    m = _members(package)
    before = sorted(p for p in tmp_path.rglob("*"))
    bad = _rewrite(package, dict(m, **{evil: b"x"}))
    v = verify_package(bad)
    assert v.code == NOT_PACKAGE and "đường dẫn" in v.line()
    after = sorted(p for p in tmp_path.rglob("*"))
    assert set(after) - set(before) == {bad}
    assert not (tmp_path.parent / "thoat.txt").exists()


def test_zip_bomb_and_oversized(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, b"{}")
        zf.writestr(SIGNATURE, b"x")
        zf.writestr("bom.bin", b"\0" * (60 * 1024 * 1024))
    assert bomb.stat().st_size < 200_000
    v = verify_package(bomb)
    assert v.code == NOT_PACKAGE and ("quá lớn" in v.line() or "bất thường" in v.line())
    big = tmp_path / "big.zip"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)
    assert "quá lớn" in verify_package(big).line()


def test_broken_files(package, tmp_path):
    raw = package.read_bytes()
    cases = {
        "rong.zip": b"",
        "cut.zip": raw[: len(raw) // 2],
        "text.zip": "Đây không phải tệp nén".encode(),
        "tail.zip": raw[:-10],
    }
    for name, blob in cases.items():
        p = tmp_path / name
        p.write_bytes(blob)
        v = verify_package(p)
        assert v.code == NOT_PACKAGE, (name, v.line())
    assert verify_package(tmp_path / "khong-co.zip").code == NOT_PACKAGE


def test_docx_renamed_to_package(package, tmp_path):
    docx_bytes = next(b for n, b in _members(package).items() if n.endswith(".docx"))
    p = tmp_path / package.name
    p.write_bytes(docx_bytes)
    v = verify_package(p)
    assert v.code == NOT_PACKAGE and "tệp Word" in v.line()


def test_wrong_passphrase_and_nfd_passphrase(ident):
    import unicodedata

    with pytest.raises(UserError, match="Mật khẩu chữ ký số không đúng"):
        load_identity("sai mật khẩu")
    assert load_identity(unicodedata.normalize("NFD", PASS)).fingerprint == ident.fingerprint
    with pytest.raises(UserError, match="ít nhất"):
        create_identity("ĐẢNG ỦY XÃ A", "", "ngan")


def test_import_a_ca_issued_p12(tmp_path, data_dir):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID
    import datetime as dt

    ca_key = rsa.generate_private_key(65537, 2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thử nghiệm")])
    now = dt.datetime.now(dt.timezone.utc)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(65537, 2048)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đảng ủy xã Hòa An")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .sign(ca_key, hashes.SHA256()))
    p12 = tmp_path / "don-vi.pfx"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", key, cert, [ca], serialization.BestAvailableEncryption(PASS.encode())))
    with pytest.raises(UserError, match="không đúng"):
        import_identity(p12, "sai")
    imported = import_identity(p12, PASS)
    assert load_identity(PASS).fingerprint == imported.fingerprint
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    # a package signed with it verifies, here and with openssl -CAfile
    ident, answers = make_sample(__import__("model.outline", fromlist=["x"]).default_outline(),
                                 "Xã Hòa An", "Đắk Lắk", 2)
    from model.outline import default_outline

    out = tmp_path / "out"
    out.mkdir()
    pkg = write_package(ReportData(default_outline(), ident, answers, uuid="ca-1"), imported, out).path
    # without the CA's root the chain cannot be checked: intact, not vouched for
    v = verify_package(pkg, anchors=[])
    assert v.intact and not v.anchored and "chưa kiểm tra được chuỗi chứng thực" in v.line()
    assert apply_trust(v, set()).code == UNKNOWN_SIGNER
    # with the root among the receiver's anchors: valid without anyone trusting the key first
    v = verify_package(pkg, anchors=[ca])
    assert v.anchored and "đã kiểm tra đến chứng thư gốc" in v.line()
    assert apply_trust(v, set()).code == VALID
    if shutil.which("openssl"):
        folder = tmp_path / "x"
        folder.mkdir()
        for name, blob in _members(pkg).items():
            (folder / name).write_bytes(blob)
        r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", SIGNATURE,
                            "-content", MANIFEST, "-CAfile", str(ca_file), "-purpose", "any",
                            "-out", os.devnull], cwd=folder, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_and_sha256sum_agree(package, tmp_path):
    folder = tmp_path / "giai-nen"
    folder.mkdir()
    m = _members(package)
    for name, blob in m.items():
        (folder / name).write_bytes(blob)
    r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", SIGNATURE,
                        "-content", MANIFEST, "-noverify", "-out", os.devnull],
                       cwd=folder, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Verification successful" in r.stderr
    manifest = json.loads(m[MANIFEST])
    if shutil.which("sha256sum"):
        for name, meta in manifest["files"].items():
            out = subprocess.run(["sha256sum", name], cwd=folder, capture_output=True, text=True).stdout
            assert out.split()[0] == meta["sha256"]
    # and openssl notices an edited manifest
    (folder / MANIFEST).write_bytes(m[MANIFEST].replace(b'"revision": 0', b'"revision": 7'))
    r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", SIGNATURE,
                        "-content", MANIFEST, "-noverify", "-out", os.devnull], cwd=folder,
                       capture_output=True, text=True)
    assert r.returncode != 0


def test_final_content_required(sample_data, ident):
    from export.docx_report import MissingContent

    sample_data.answers["bai_hoc"] = ""
    with pytest.raises(MissingContent):
        build_package_bytes(sample_data, ident)
