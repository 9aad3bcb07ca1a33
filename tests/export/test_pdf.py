"""The PDF rendition: the Party format of the DOCX, embedded fonts, correct
Vietnamese text, the draft mark; the PAdES signature and its check in the
package (issue 13)."""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import unicodedata
import zipfile

import pytest

from export.package import MANIFEST, SIGNATURE, build_package_bytes
from export.pdf_fonts import REPLACEMENT, font_files
from export.pdf_report import build_pdf
from export.pdf_sign import check_pdf, sign_pdf, stamp_lines, stamp_pdf
from export.report_export import export_files
from export.signing import SigningIdentity, create_identity, sign_detached
from export.verify import BAD_SIGNATURE, verify_package


def _tool(name):
    """poppler's tools: installed by .ci/run; a developer without them skips."""
    path = shutil.which(name)
    if not path:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (poppler-utils) is missing on CI")
        pytest.skip(f"{name} not installed")
    return path


def page_texts(blob: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(blob)
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def ident(tmp_path_factory):
    return create_identity("Đảng ủy xã Hòa An", "Đảng bộ tỉnh Đắk Lắk", "mat-khau-thu",
                           path=tmp_path_factory.mktemp("id") / "k.p12")


@pytest.fixture
def final_pdf(sample_data):
    return build_pdf(sample_data, draft=False)


def test_format_of_the_final_pdf(final_pdf, sample_data):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(final_pdf.content)
    assert len(doc) == final_pdf.pages >= 5
    w, h = doc[0].get_size()
    assert abs(w - 595.28) < 0.5 and abs(h - 841.89) < 0.5  # A4
    doc.close()
    pages = page_texts(final_pdf.content)
    first = pages[0]
    for line in ("ĐẢNG BỘ TỈNH ĐẮK LẮK", "ĐẢNG ỦY XÃ HÒA AN", "Số 45-BC/ĐU", "ĐẢNG CỘNG SẢN VIỆT NAM",
                 "Hòa An, ngày 15 tháng 7 năm 2023", "BÁO CÁO"):
        assert line in first
    assert "DỰ THẢO" not in first
    # page numbers from page 2 on, none on page 1
    assert not first.lstrip().startswith("1")
    for n, text in enumerate(pages[1:], start=2):
        assert text.lstrip().split("\n")[0].strip() == str(n)
    # every section in the outline's order
    whole = _flat("\n".join(pages))
    at = 0
    for section in sample_data.outline.sections:
        heading = section.heading.upper() if section.level == 1 else section.title
        found = whole.find(_flat(heading), at)
        assert found >= 0, heading
        at = found
    assert whole.find("Nơi nhận:", at) > at and whole.find("BIỂU THỐNG KÊ", at) > at
    # the text copied out is NFC Vietnamese
    assert whole == unicodedata.normalize("NFC", whole)
    assert REPLACEMENT not in whole


def test_signature_block_and_recipients_on_one_page(final_pdf, sample_data):
    page = _flat(page_texts(final_pdf.content)[final_pdf.sign_page])
    ident = sample_data.identity
    for text in ("Nơi nhận:", ident.on_behalf.upper(), ident.position.upper(), ident.signer,
                 *(r.rstrip(" ,.;") for r in ident.recipients)):
        assert _flat(text) in page
    x1, y1, x2, y2 = final_pdf.sign_box
    assert 0 < x1 < x2 < 595.3 and 0 < y1 < y2 < 841.9 and y2 - y1 > 40


def test_statistics_tables_repeat_header_and_never_split_rows(sample_data):
    assert sample_data.outline.statistics_appendix  # the appendix's table runs over two pages
    pdf = build_pdf(sample_data, draft=False)
    pages = page_texts(pdf.content)
    start = next(i for i, t in enumerate(pages) if "BIỂU THỐNG KÊ" in t)
    assert len(pages) - start >= 2, "the appendix table should run over a page"
    for text in pages[start:]:
        assert all(h in text for h in ("TT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"))
    # a row's label is never cut by a page break
    appendix = [_flat(t) for t in pages[start:]]
    for _s, stat in sample_data.outline.stat_fields():
        assert any(_flat(stat.label) in t for t in appendix), stat.label


def test_draft_mark_and_missing_content(sample_data):
    first_text = next(f for s in sample_data.outline.sections for f in s.texts)
    sample_data.answers[first_text.id] = ""
    pdf = build_pdf(sample_data, draft=True)
    pages = page_texts(pdf.content)
    assert "DỰ THẢO" in pages[0]
    assert all("DỰ THẢO" not in p for p in pages[1:])
    assert "[Chưa có nội dung]" in "".join(pages)


def test_fonts_embedded_no_missing_glyph_and_nfc(sample_data):
    field = next(f for s in sample_data.outline.sections for f in s.texts)
    nfd = unicodedata.normalize("NFD", "Việc ứng dụng công nghệ ở Đắk Lắk")
    sample_data.answers[field.id] = f"{nfd} 😀 漢"
    pdf = build_pdf(sample_data, draft=False)
    whole = "".join(page_texts(pdf.content))
    assert "Việc ứng dụng công nghệ ở Đắk Lắk" in whole
    assert "😀" not in whole and "漢" not in whole and REPLACEMENT in whole
    out = subprocess.run([_tool("pdffonts"), "-"], input=pdf.content, capture_output=True)
    if out.returncode:  # older poppler cannot read stdin
        path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"tk-{os.getpid()}.pdf")
        with open(path, "wb") as fh:
            fh.write(pdf.content)
        out = subprocess.run([_tool("pdffonts"), path], capture_output=True)
        os.unlink(path)
    rows = out.stdout.decode().splitlines()[2:]
    assert rows and all(" yes yes " in r for r in rows), out.stdout.decode()


def test_times_new_roman_when_windows_has_it(tmp_path):
    shipped = font_files(tmp_path)[1]
    assert font_files(tmp_path)[0] == "Liberation Serif"
    for name, face in (("times.ttf", "regular"), ("timesbd.ttf", "bold"), ("timesi.ttf", "italic")):
        shutil.copy(shipped[face], tmp_path / name)
    assert font_files(tmp_path)[0] == "Liberation Serif"  # one face missing: all from ours
    shutil.copy(shipped["bolditalic"], tmp_path / "timesbi.ttf")
    source, files = font_files(tmp_path)
    assert source == "Times New Roman" and files["regular"] == tmp_path / "times.ttf"


def test_export_writes_the_pdf_beside_the_docx(sample_data, tmp_path):
    (tmp_path / "BC-TongKet-NQ25-XaHoaAn-2023-07-15.pdf").write_bytes(b"older")
    result = export_files(sample_data, tmp_path, draft=False)
    assert result.pdf.name == "BC-TongKet-NQ25-XaHoaAn-2023-07-15-2.pdf"
    assert result.docx.stem == result.pdf.stem
    assert (tmp_path / "BC-TongKet-NQ25-XaHoaAn-2023-07-15.pdf").read_bytes() == b"older"
    assert result.pdf.read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------- PAdES ---

def _package(sample_data, ident):
    blob, manifest, _name = build_package_bytes(sample_data, ident, now=dt.datetime(2023, 7, 15, 8, 30,
                                                                                     tzinfo=dt.timezone.utc))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}, manifest


def _repack(members, ident, path):
    members = dict(members)
    manifest = json.loads(members[MANIFEST])
    manifest["files"] = {n: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                         for n, b in members.items() if n not in (MANIFEST, SIGNATURE)}
    mbytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
    members[MANIFEST] = mbytes
    members[SIGNATURE] = sign_detached(mbytes, ident)
    with zipfile.ZipFile(path, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return path


def test_signed_pdf_in_package_validates(sample_data, ident, tmp_path):
    members, manifest = _package(sample_data, ident)
    pdf_name = "BC-TongKet-NQ25-XaHoaAn-2023-07-15.pdf"
    assert pdf_name in manifest["files"]
    pdf = members[pdf_name]
    check = check_pdf(pdf)
    assert check.problem == "" and check.key_id == ident.key_id
    assert check.signed_at.startswith("2023-07-15T08:30")  # the claimed time, as on the stamp
    # the report's text is still there, the fingerprint printed at its end
    assert ident.short_id in _flat("".join(page_texts(pdf)))
    path = tmp_path / "p.zip"
    path.write_bytes(_repack(members, ident, tmp_path / "p.zip").read_bytes())
    assert verify_package(path, anchors=[]).intact
    # poppler, as an outside reader, finds it intact
    f = tmp_path / pdf_name
    f.write_bytes(pdf)
    out = subprocess.run([_tool("pdfsig"), str(f)], capture_output=True, text=True)
    assert "Signature is Valid" in out.stdout and "Total document signed" in out.stdout, out.stdout
    assert "ETSI.CAdES.detached" in out.stdout  # PAdES


def test_pdf_signature_checked_by_verify(sample_data, ident, tmp_path):
    members, _manifest = _package(sample_data, ident)
    name = next(n for n in members if n.endswith(".pdf"))
    unsigned = build_pdf(sample_data, draft=False)
    # a PDF signed by another key, in a package signed by the unit
    other = create_identity("Đảng ủy xã Hòa An", "Đảng bộ tỉnh Đắk Lắk", "mat-khau-khac",
                            path=tmp_path / "other.p12")
    by_other = sign_pdf(unsigned.content, unsigned.sign_page, unsigned.sign_box, other,
                        unit="ĐẢNG ỦY XÃ HÒA AN", signer_name="Người khác")
    v = verify_package(_repack({**members, name: by_other}, ident, tmp_path / "a.zip"), anchors=[])
    assert v.code == BAD_SIGNATURE and "chữ ký số khác" in v.details[0]
    # an unsigned PDF
    v = verify_package(_repack({**members, name: unsigned.content}, ident, tmp_path / "b.zip"), anchors=[])
    assert v.code == BAD_SIGNATURE and "chưa được ký số" in v.details[0]
    # the signed PDF edited afterwards (bytes inside the signed range)
    edited = bytearray(members[name])
    at = edited.find(b"/Producer")
    edited[at + 1] = ord("p")
    v = verify_package(_repack({**members, name: bytes(edited)}, ident, tmp_path / "c.zip"), anchors=[])
    assert v.code == BAD_SIGNATURE and "PDF" in v.details[0]
    # something appended after the signature
    appended = members[name] + b"\n% added later\n"
    check = check_pdf(appended)
    assert check.problem


def test_stamp_is_vietnamese_in_an_embedded_font(ident):
    when = dt.datetime(2023, 7, 15, 1, 5, tzinfo=dt.timezone.utc)
    lines = stamp_lines("ĐẢNG ỦY XÃ HÒA AN", "Nguyễn Văn An", ident.key_id, when)
    blob = stamp_pdf(230, 64, lines)
    text = _flat("".join(page_texts(blob)))
    assert "Ký số bởi: ĐẢNG ỦY XÃ HÒA AN" in text and "Người ký: Nguyễn Văn An" in text
    assert "Thời gian ký:" in text and ident.short_id in text
    assert b"/FontFile2" in blob or b"FontFile2" in blob  # the TrueType font is embedded


def test_signing_identity_without_chain_still_signs(sample_data, ident):
    bare = SigningIdentity(ident.key, ident.cert, [])
    pdf = build_pdf(sample_data, draft=False)
    signed = sign_pdf(pdf.content, pdf.sign_page, pdf.sign_box, bare, unit="ĐẢNG ỦY XÃ HÒA AN",
                      signer_name="Nguyễn Văn An")
    assert check_pdf(signed).problem == ""
