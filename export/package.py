"""The signed report package: one ZIP that any Windows computer opens, with
the DOCX, the XLSX, the report's data as JSON, manifest.json (hashes and
sizes of every other file) and a detached CMS signature over the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from export.docx_report import ReportData
from export.files import atomic_write, check_folder, unique_path
from export.report_export import ExportResult, Rendered, base_name, export_files, render
from export.signing import SigningIdentity, sign_detached
from model.version import APP_VERSION
from model.trust import key_text

PACKAGE_FORMAT = "tongket-package"
PACKAGE_VERSION = 1
DATA_FORMAT = "tongket-report-data"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.p7s"
DATA = "du-lieu-bao-cao.json"
README = "HUONG-DAN-KIEM-TRA.txt"

INSTRUCTIONS = """HƯỚNG DẪN KIỂM TRA GÓI BÁO CÁO ĐÃ KÝ SỐ
==========================================

Gói này do phần mềm TongKet tạo ra. Bên trong có:
  - {docx}: báo cáo (Word);
{pdf_line}  - {xlsx}: biểu thống kê (Excel);
  - {data}: dữ liệu báo cáo để phần mềm cấp trên tổng hợp;
  - {manifest}: danh sách các tệp kèm mã băm SHA-256 và kích thước;
  - {signature}: chữ ký số (CMS/PKCS#7, dạng DER) của đơn vị trên tệp {manifest}.

Đơn vị báo cáo: {unit}
Người ký (chứng thư số): {subject}
{fingerprint}
Hãy so mã chữ ký số này với mã in cuối báo cáo giấy hoặc hỏi lại đơn vị qua điện thoại.

1. Cách dễ nhất: mở phần mềm TongKet, chọn "Kiểm tra tệp báo cáo" rồi chọn tệp .zip này
   (không cần giải nén).

2. Kiểm tra bằng OpenSSL (khi không có TongKet): giải nén gói vào một thư mục, mở cửa sổ
   dòng lệnh tại thư mục đó rồi chạy:

   openssl cms -verify -binary -inform DER -in {signature} -content {manifest} -noverify -out nul

   (trên Linux thay "nul" bằng /dev/null). Kết quả đúng là: "CMS Verification successful".
   Nếu chứng thư do tổ chức cung cấp dịch vụ chứng thực cấp, thay -noverify bằng
   -CAfile <tệp chứng thư gốc của tổ chức đó>.

3. Kiểm tra từng tệp không bị sửa: tính mã SHA-256 của từng tệp và so với {manifest}.
   Trên Windows:  certutil -hashfile <tên tệp> SHA256
   Trên Linux:    sha256sum <tên tệp>

Nếu một bước nào không đúng, gói đã bị sửa đổi sau khi ký: không dùng số liệu trong gói
và đề nghị đơn vị gửi lại.
"""


@dataclass
class PackageResult:
    path: Path
    manifest: dict
    key_id: str


def report_json(data: ReportData) -> dict:
    """The report as data: what the upper level's software adds up."""
    ident = data.identity
    stats = {key: {"value": e.value, "raw": data.answers.get(key, ""), "label": e.stat.label,
                   "unit": e.stat.unit, "type": e.stat.type}
             for key, e in data.view.stats.items()}
    texts = {f.id: data.answers.get(f.id, "") for s in data.outline.sections for f in s.texts}
    return {
        "format": DATA_FORMAT,
        "format_version": 1,
        "report_id": data.uuid,
        "revision": data.revision,
        "outline": {"id": data.outline.id, "version": data.outline.version, "name": data.outline.name},
        "identity": {
            "superior": ident.superior, "unit": ident.unit, "doc_number": ident.doc_number,
            "doc_code": ident.doc_code, "place": ident.place,
            "date": ident.date.isoformat() if ident.date else None,
            "signer": ident.signer, "position": ident.position, "on_behalf": ident.on_behalf,
            "recipients": ident.recipients,
            "deadline": ident.deadline.isoformat() if ident.deadline else None,
        },
        "texts": texts,
        "statistics": stats,
    }


def _digest(blob: bytes) -> dict:
    return {"sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob)}


def render_signed(data: ReportData, ident: SigningIdentity, now: dt.datetime | None = None) -> Rendered:
    """The final documents, with the signer's fingerprint printed in the DOCX
    and the PDF, and the PDF signed (PAdES) by the same identity."""
    from export.pdf_sign import sign_rendition

    data.fingerprint = ident.key_id
    rendered = render(data, draft=False)
    if rendered.pdf is not None:
        sign_rendition(rendered.pdf, data, ident, now)
    return rendered


def build_package_bytes(data: ReportData, ident: SigningIdentity, now: dt.datetime | None = None,
                        rendered: Rendered | None = None) -> tuple[bytes, dict, str]:
    """The package as bytes, its manifest and its file name (not yet unique)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    rendered = rendered or render_signed(data, ident, now)
    name = base_name(data)
    names = rendered.names(name)  # every rendition, listed in the manifest like every file
    members: dict[str, bytes] = {names[key]: rendered.content(key) for key in names}
    members[DATA] = json.dumps(report_json(data), ensure_ascii=False, indent=1).encode("utf-8")
    docx_name, xlsx_name = names["docx"], names["xlsx"]
    pdf_line = ""
    if "pdf" in names:
        pdf_line = (f"  - {names['pdf']}: báo cáo (PDF) có chữ ký số PAdES của đơn vị, mở bằng "
                    "Adobe Reader hoặc Foxit để xem chữ ký;\n")
    members[README] = INSTRUCTIONS.format(
        docx=docx_name, xlsx=xlsx_name, pdf_line=pdf_line, data=DATA, manifest=MANIFEST, signature=SIGNATURE,
        unit=data.identity.unit, subject=ident.subject, fingerprint=key_text(ident.key_id),
    ).replace("\n", "\r\n").encode("utf-8-sig")  # Notepad on old Windows
    manifest = {
        "format": PACKAGE_FORMAT,
        "format_version": PACKAGE_VERSION,
        "app": "TongKet",
        "app_version": APP_VERSION,
        "outline": {"id": data.outline.id, "version": data.outline.version},
        "unit": data.identity.unit,
        "superior": data.identity.superior,
        "report_id": data.uuid,
        "revision": data.revision,
        "created_at": now.isoformat(timespec="seconds"),
        "files": {n: _digest(b) for n, b in members.items()},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signature = sign_detached(manifest_bytes, ident, now)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in [(MANIFEST, manifest_bytes), (SIGNATURE, signature), *members.items()]:
            info = zipfile.ZipInfo(n, date_time=now.astimezone().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, b)
    return buf.getvalue(), manifest, f"GoiBaoCao-{name}-r{data.revision}.zip"


def write_package(data: ReportData, ident: SigningIdentity, out_dir: str | Path,
                  rendered: Rendered | None = None, now: dt.datetime | None = None) -> PackageResult:
    blob, manifest, name = build_package_bytes(data, ident, now=now, rendered=rendered)
    folder = check_folder(Path(out_dir))
    path = atomic_write(unique_path(folder, name), lambda fh: fh.write(blob))
    return PackageResult(path, manifest, ident.key_id)


def export_signed(data: ReportData, ident: SigningIdentity, out_dir: str | Path
                  ) -> tuple[ExportResult, PackageResult]:
    """The DOCX, the signed PDF and the XLSX beside the package, rendered
    (and signed) once for both."""
    now = dt.datetime.now(dt.timezone.utc)
    rendered = render_signed(data, ident, now)
    files = export_files(data, out_dir, draft=False, rendered=rendered)
    return files, write_package(data, ident, out_dir, rendered=rendered, now=now)
