"""PAdES baseline B-B signature of the report's PDF, with pyHanko, by the
same signer as the package (export/signing.pyhanko_signer: a key file today,
a USB token through the same interface tomorrow), and its check.

The visible stamp stands in the blank space of the signature block, on the
page where the block is.  pyHanko's own stamp font cannot show Vietnamese,
so the stamp is drawn by ReportLab with the report's embedded serif into a
one-page PDF of the box's size and used as the signature's appearance.  The
signing time on the stamp and in the signature is what the laptop clock
says: a claim, not a proof.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization

from export.certs import key_id, short_id
from export.pdf_fonts import fonts
from export.style import STYLE

log = logging.getLogger("tongket")

FIELD_NAME = "ChuKySo"


def claimed_time_text(when: dt.datetime) -> str:
    """'14:05 ngày 06/7/2023' in the laptop's own time zone."""
    local = when.astimezone()
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{local.hour:02d}:{local.minute:02d} ngày {local.day:02d}/{month}/{local.year}"


def stamp_lines(unit: str, signer: str, cert_key_id: str, when: dt.datetime) -> list[str]:
    return [
        f"Ký số bởi: {unit}",
        f"Người ký: {signer}",
        f"Thời gian ký: {claimed_time_text(when)} (theo giờ máy tính)",
        f"Mã chữ ký số: {short_id(cert_key_id)}",
    ]


def stamp_pdf(width: float, height: float, lines: list[str]) -> bytes:
    """A one-page PDF of the box's size: a thin frame and the lines, in the
    report's serif (embedded), shrunk to fit when a name is long."""
    from reportlab.pdfgen.canvas import Canvas

    fs = fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(width, height), initialFontName=fs.font(), invariant=1)
    colour = (0.05, 0.2, 0.55)
    c.setStrokeColorRGB(*colour)
    c.setFillColorRGB(*colour)
    c.setLineWidth(1)
    c.roundRect(1, 1, width - 2, height - 2, 4, stroke=1, fill=0)
    size = float(STYLE["stamp_size"].pt)
    pad = 5.0
    texts = [fs.showable(t) for t in lines]
    widest = max(c.stringWidth(t, fs.font(bold=True), size) for t in texts)
    size = min(size, size * (width - 2 * pad) / widest, (height - 2 * pad) / (len(texts) * 1.3))
    y = height - pad - size
    for i, text in enumerate(texts):
        c.setFont(fs.font(bold=(i < 2)), size)
        c.drawString(pad, y, text)
        y -= size * 1.3
    c.showPage()
    c.save()
    return buf.getvalue()


def _stamp_style(blob: bytes):
    from pyhanko.pdf_utils.content import ImportedPdfPage
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    class _Page(ImportedPdfPage):
        """ImportedPdfPage reads a file; this one reads bytes."""

        def render(self) -> bytes:
            import binascii
            import uuid

            from pyhanko.pdf_utils.layout import BoxConstraints

            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(blob)), page_ix=0)
            name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name + b" Do"

    return StaticStampStyle(background=_Page(None), border_width=0, background_opacity=1.0)


def sign_pdf(pdf: bytes, page: int, box: tuple[float, float, float, float], ident, *, unit: str,
             signer_name: str, place: str = "", now: dt.datetime | None = None) -> bytes:
    """The PDF with one PAdES B-B signature (an incremental update), its
    visible stamp in box on page (0-based)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from export.signing import pyhanko_signer

    when = now or dt.datetime.now(dt.timezone.utc)
    x1, y1, x2, y2 = box
    stamp = stamp_pdf(x2 - x1, y2 - y1, stamp_lines(unit, signer_name, ident.key_id, when))

    class _ClaimedTime(signers.PdfSigner):
        """The signing session's clock is `when`, the time the stamp shows."""

        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = when
            return session

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="Ký số báo cáo", location=place or None, name=signer_name or None)
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=(x1, y1, x2, y2))
    pdf_signer = _ClaimedTime(meta, signer=pyhanko_signer(ident), stamp_style=_stamp_style(stamp),
                              new_field_spec=spec)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # room for the CMS without pyHanko's trial signature (which doubles the cost)
    certs = [ident.cert, *ident.chain]
    reserved = 8192 + 2 * sum(len(c.public_bytes(serialization.Encoding.DER)) for c in certs)
    out = asyncio.run(pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved))
    return out.getvalue()


def sign_rendition(rendition, data, ident, now: dt.datetime | None = None) -> None:
    """Sign a PdfRendition of the report in place (export/pdf_report)."""
    ident_data = data.identity
    rendition.content = sign_pdf(rendition.content, rendition.sign_page, rendition.sign_box, ident,
                                 unit=ident_data.unit, signer_name=ident_data.signer,
                                 place=ident_data.place, now=now)
    rendition.signed = True


@dataclass
class PdfCheck:
    """What the PDF's signature says; problem is '' when it checks out."""

    problem: str = ""
    key_id: str = ""
    signed_at: str = ""  # a claim of the signer's laptop clock


def check_pdf(blob: bytes) -> PdfCheck:
    """Exactly one signature, mathematically valid, over the whole file.
    Who signed (the key) is for the caller to compare; never raises."""
    from cryptography import x509 as cx509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(blob), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:
        log.info("pdf unreadable: %s", type(exc).__name__)
        return PdfCheck("tệp PDF bị hỏng, không đọc được")
    if not sigs:
        return PdfCheck("tệp PDF chưa được ký số")
    if len(sigs) > 1:
        return PdfCheck("tệp PDF có nhiều chữ ký số")
    sig = sigs[0]
    try:
        cert = cx509.load_der_x509_certificate(sig.signer_cert.dump())
        certs = [c for c in sig.signed_data["certificates"] or [] if c.name == "certificate"]
        context = ValidationContext(trust_roots=[c.chosen for c in certs], allow_fetching=False)
        status = asyncio.run(async_validate_pdf_signature(sig, context))
    except Exception as exc:
        log.info("pdf signature not verifiable: %s", type(exc).__name__)
        return PdfCheck("chữ ký số trong tệp PDF bị hỏng")
    result = PdfCheck(key_id=key_id(cert))
    claimed = status.signer_reported_dt
    result.signed_at = claimed.isoformat(timespec="seconds") if claimed else ""
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not status.intact:
        result.problem = "tệp PDF đã bị sửa đổi sau khi ký"
    elif not status.valid:
        result.problem = "chữ ký số trong tệp PDF không hợp lệ"
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        result.problem = "tệp PDF có phần được thêm vào sau khi ký"
    return result
