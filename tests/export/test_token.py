"""Signing on a PKCS#11 token (SoftHSM2) and verifying to a trusted root."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest

from export import token as T
from export.package import MANIFEST, SIGNATURE, write_package
from export.verify import CERT_EXPIRED, CERT_REVOKED, UNKNOWN_SIGNER, VALID, apply_trust, verify_package
from model.errors import UserError
from tests.softhsm import PIN, TOKEN, SoftToken, DemoCA, softhsm_lib

LIB = softhsm_lib()
pytestmark = pytest.mark.skipif(LIB is None, reason="softhsm2 is not installed (apt-get install softhsm2)")
UNIT = "Đảng ủy xã Hòa An"
KEY_ID = b"\x01\x02"


@pytest.fixture
def ca():
    return DemoCA.make()


def _token(tmp_path, monkeypatch, ca, *, unit=UNIT, days=(-30, 365), with_intermediate=True, kind="rsa"):
    tok = SoftToken(tmp_path / "hsm", monkeypatch, LIB)
    public = tok.generate_key(KEY_ID, "Khoa don vi", kind)
    tok.put_cert(ca.issue(public, unit, days=days), KEY_ID, "Chung thu don vi")
    if with_intermediate:
        tok.put_cert(ca.ca, b"\x09", "CA trung gian")
    return tok


@pytest.fixture
def hsm(tmp_path, monkeypatch, ca, data_dir):
    tok = _token(tmp_path, monkeypatch, ca)
    yield tok
    tok.close()


def _package(sample_data, signer, tmp_path, name="out"):
    out = tmp_path / name
    out.mkdir()
    try:
        return write_package(sample_data, signer, out).path
    finally:
        signer.close()


def _openssl_verify(pkg, tmp_path, root_pem):
    import zipfile

    folder = tmp_path / "giai-nen"
    folder.mkdir(exist_ok=True)
    with zipfile.ZipFile(pkg) as zf:
        zf.extractall(folder)
    return subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", SIGNATURE,
                           "-content", MANIFEST, "-CAfile", str(root_pem), "-out", os.devnull],
                          cwd=folder, capture_output=True, text=True)


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_token_signs_and_the_root_vouches_for_it(kind, tmp_path, monkeypatch, ca, data_dir, sample_data):
    hsm = _token(tmp_path, monkeypatch, ca, kind=kind)
    try:
        found = T.list_certificates(LIB)
        assert len(found) == 1  # the CA certificate on the token is not offered for signing
        tc = found[0]
        assert tc.token_label == TOKEN and tc.object_id == KEY_ID
        assert "Hòa An" in tc.describe() and "CA thử nghiệm" in tc.describe() and "hiệu lực từ" in tc.describe()
        signer = T.open_signer(LIB, PIN, object_id=tc.object_id)
        assert [c.subject for c in signer.chain] == [ca.ca.subject]  # the chain found on the token
        pkg = _package(sample_data, signer, tmp_path)
    finally:
        hsm.close()
    # a receiver with the root only, never having seen the unit
    v = apply_trust(verify_package(pkg, anchors=[ca.root], crls=[]), set())
    assert v.code == VALID and v.anchored
    assert v.label == "Hợp lệ — chứng thư số do CA thử nghiệm cấp cho Đảng ủy xã Hòa An"
    assert "chưa kiểm tra chứng thư có bị thu hồi" in v.line()
    # without the root: intact, not vouched for
    v = apply_trust(verify_package(pkg, anchors=[], crls=[]), set())
    assert v.code == UNKNOWN_SIGNER and not v.anchored
    if shutil.which("openssl"):
        r = _openssl_verify(pkg, tmp_path, ca.pem(tmp_path / "root.pem", ca.root))
        assert r.returncode == 0 and "Verification successful" in r.stderr, r.stderr
        other = DemoCA.make("CA khác")
        r = _openssl_verify(pkg, tmp_path, other.pem(tmp_path / "other.pem", other.root))
        assert r.returncode != 0


def test_crl_is_consulted_and_revocation_refused(hsm, ca, sample_data, tmp_path):
    signer = T.open_signer(LIB, PIN)
    cert = signer.cert
    pkg = _package(sample_data, signer, tmp_path)
    v = verify_package(pkg, anchors=[ca.root], crls=[ca.crl()])
    assert v.anchored and "đã đối chiếu danh sách thu hồi chứng thư (CRL)" in v.line()
    v = verify_package(pkg, anchors=[ca.root], crls=[ca.crl([cert])])
    assert v.code == CERT_REVOKED and not v.intact and "thu hồi" in v.line()


def test_wrong_pin(hsm):
    with pytest.raises(UserError, match="Mã PIN của thiết bị ký số không đúng"):
        T.open_signer(LIB, "000000")
    with pytest.raises(UserError, match="nhập mã PIN"):
        T.open_signer(LIB, "")
    T.open_signer(LIB, PIN).close()  # a wrong PIN once does not lock SoftHSM


def test_token_absent(tmp_path, monkeypatch):
    tok = SoftToken(tmp_path / "trong", monkeypatch, LIB, initialise=False)
    try:
        with pytest.raises(UserError, match="Không tìm thấy thiết bị ký số"):
            T.list_certificates(LIB)
        with pytest.raises(UserError, match="Không tìm thấy thiết bị ký số"):
            T.open_signer(LIB, PIN)
    finally:
        tok.close()


def test_driver_file_that_is_not_a_pkcs11_module(tmp_path):
    text = tmp_path / "eToken.dll"
    text.write_text("không phải thư viện", encoding="utf-8")
    for path in [text, next((p for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1")
                             if os.path.exists(p)), text)]:
        with pytest.raises(UserError, match="không phải trình điều khiển thiết bị ký số") as err:
            T.list_certificates(path)
        assert "PKCS11Error" not in err.value.message
    with pytest.raises(UserError, match="Không tìm thấy tệp trình điều khiển"):
        T.list_certificates(tmp_path / "khong-co.dll")


def test_expired_certificate(tmp_path, monkeypatch, ca, data_dir, sample_data):
    tok = _token(tmp_path, monkeypatch, ca, days=(-400, -10))
    try:
        with pytest.raises(UserError, match="đã hết hạn"):
            T.open_signer(LIB, PIN)
        # signed anyway (a laptop whose clock is wrong): the receiver refuses it
        signer = T.open_signer(LIB, PIN, now=T.dt.datetime.now(T.dt.timezone.utc) - dt.timedelta(days=200))
        pkg = _package(sample_data, signer, tmp_path)
    finally:
        tok.close()
    v = verify_package(pkg, anchors=[ca.root], crls=[])
    assert v.code == CERT_EXPIRED and "hết hạn" in v.line()


def test_certificate_of_another_unit(tmp_path, monkeypatch, ca, data_dir, sample_data):
    tok = _token(tmp_path, monkeypatch, ca, unit="Đảng ủy xã Ea Tu")
    try:
        pkg = _package(sample_data, T.open_signer(LIB, PIN), tmp_path)
    finally:
        tok.close()
    v = apply_trust(verify_package(pkg, anchors=[ca.root], crls=[]), set())
    assert not v.anchored and v.code != VALID
    assert "không ghi đúng tên đơn vị báo cáo" in v.line()


def test_chain_missing_its_intermediate(tmp_path, monkeypatch, ca, data_dir, sample_data):
    tok = _token(tmp_path, monkeypatch, ca, with_intermediate=False)
    try:
        pkg = _package(sample_data, T.open_signer(LIB, PIN), tmp_path, "a")
        # the chain given as a file goes into the signature
        chain = ca.pem(tmp_path / "chuoi.pem", ca.ca, ca.root)
        pkg2 = _package(sample_data, T.open_signer(LIB, PIN, chain_file=chain), tmp_path, "b")
    finally:
        tok.close()
    v = apply_trust(verify_package(pkg, anchors=[ca.root], crls=[]), set())
    assert v.code == UNKNOWN_SIGNER and "thiếu chứng thư trung gian" in v.line()
    # the receiver who imported the intermediate too still reaches the root
    assert verify_package(pkg, anchors=[ca.root, ca.ca], crls=[]).anchored
    # an intermediate alone is not a root
    assert not verify_package(pkg, anchors=[ca.ca], crls=[]).anchored
    assert apply_trust(verify_package(pkg2, anchors=[ca.root], crls=[]), set()).code == VALID


def test_remembered_choice_needs_only_the_pin(hsm, data_dir, ca):
    T.remember_module(LIB)
    tc = T.list_certificates(T.chosen_module())[0]
    T.remember_certificate(tc, LIB)
    signer = T.open_remembered(PIN)
    try:
        assert signer.key_id == tc.remembered(LIB)["key_id"]
    finally:
        signer.close()
    assert PIN not in (data_dir / "settings.json").read_text(encoding="utf-8")


@pytest.mark.slow
def test_cli_token_export_and_trust_ca(hsm, ca, tmp_path):
    import sys

    from tests.test_cli import ROOT

    env = dict(os.environ, PYTHONIOENCODING="utf-8")

    def cli(data, *args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / data), *args],
                              capture_output=True, text=True, env=env)

    r = cli("xa", "sample", "--unit", "Xã Hòa An")
    rid = r.stdout.split()[-1]
    pin = tmp_path / "pin.txt"
    pin.write_text("000000\n", encoding="utf-8")
    r = cli("xa", "export", rid, "--out", str(tmp_path / "gui"), "--sign", "--pkcs11-module", LIB,
            "--pin-file", str(pin))
    assert r.returncode == 1 and "Mã PIN của thiết bị ký số không đúng" in r.stderr and "Traceback" not in r.stderr
    pin.write_text(PIN + "\n", encoding="utf-8")
    r = cli("xa", "export", rid, "--out", str(tmp_path / "gui"), "--sign", "--pkcs11-module", LIB,
            "--token-label", TOKEN, "--cert-label", "Chung thu don vi", "--pin-file", str(pin))
    assert r.returncode == 0, r.stderr
    pkg = r.stdout.strip().splitlines()[-1]
    root = ca.pem(tmp_path / "root.cer", ca.root)
    # a one-off anchor
    r = cli("tinh1", "verify", pkg, "--ca", str(root), "--require-trusted")
    assert r.returncode == 0 and "Hợp lệ — chứng thư số do CA thử nghiệm cấp cho" in r.stdout, r.stdout
    # the province imports the root once
    r = cli("tinh", "trust-ca", "list")
    assert r.returncode == 0 and "Chưa có chứng thư gốc" in r.stdout
    r = cli("tinh", "verify", pkg, "--require-trusted")
    assert r.returncode == 1 and "Chưa xác nhận người ký" in r.stdout
    r = cli("tinh", "trust-ca", "add", str(root))
    assert r.returncode == 0 and "Đã thêm chứng thư gốc" in r.stdout, r.stderr
    r = cli("tinh", "trust-ca", "add", str(ca.pem(tmp_path / "ca.crt", ca.ca)))
    assert r.returncode == 0 and "chứng thư trung gian" in r.stdout
    crl = tmp_path / "ca.crl"
    crl.write_bytes(ca.crl())
    r = cli("tinh", "trust-ca", "add", str(crl))
    assert r.returncode == 0 and "danh sách thu hồi" in r.stdout, r.stderr
    r = cli("tinh", "trust-ca", "list")
    lines = r.stdout.strip().splitlines()
    assert [l.split("\t")[1] for l in lines] == ["Chứng thư gốc", "Chứng thư trung gian", "Danh sách thu hồi (CRL)"]
    r = cli("tinh", "verify", pkg, "--require-trusted")
    assert r.returncode == 0 and "Hợp lệ — chứng thư số do" in r.stdout and "đã đối chiếu danh sách thu hồi" in r.stdout
    r = cli("tinh", "trust-ca", "remove", lines[0].split("\t")[0][:10])
    assert r.returncode == 0 and "Đã xóa chứng thư gốc" in r.stdout
    r = cli("tinh", "verify", pkg, "--require-trusted")
    assert r.returncode == 1
    for bad in ["zz", "ABCDEF0123"]:
        r = cli("tinh", "trust-ca", "remove", bad)
        assert r.returncode == 1 and "Traceback" not in r.stderr and r.stderr.strip()
    not_ca = tmp_path / "x.pem"
    not_ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    r = cli("tinh", "trust-ca", "add", str(not_ca))
    assert r.returncode == 1 and "Traceback" not in r.stderr and r.stderr.strip()
