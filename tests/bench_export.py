"""Benchmark (run on demand, prints a table): export of a full sample report.

    .venv/bin/python tests/bench_export.py [--runs N]

Rows: DOCX + PDF + XLSX files of a full sample report; a bare python-docx document of the
same text without formatting (the floor); the same report with every text
section ten times longer.  The PDF (issue 13): the full sample and the 10x
report to PDF (targets 0.3 s and 2 s), and what the PAdES signature adds
(target 0.1 s); the first PDF of a process also pays for reading the fonts,
shown on its own row.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402

from export.docx_report import ReportData  # noqa: E402
from export.pdf_report import build_pdf  # noqa: E402
from export.pdf_sign import sign_pdf  # noqa: E402
from export.report_export import export_files  # noqa: E402
from model.outline import default_outline  # noqa: E402
from model.sample import make_sample  # noqa: E402


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, max(times) * 1000


def main():
    from export.docx_report import docx_bytes
    from export.xlsx_stats import xlsx_bytes

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    runs = ap.parse_args().runs
    outline = default_outline()
    ident, answers = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    data = ReportData(outline, ident, answers)
    long_answers = {k: ("\n".join([v] * 10) if outline.field(k).kind == "text" else v)
                    for k, v in answers.items()}
    long_data = ReportData(outline, ident, long_answers)
    chars = sum(len(v) for k, v in answers.items() if outline.field(k).kind == "text")

    def bare():
        doc = Document()
        for s in outline.sections:
            doc.add_paragraph(s.title)
            for f in s.texts:
                for line in answers.get(f.id, "").split("\n"):
                    doc.add_paragraph(line)
        with tempfile.TemporaryDirectory() as d:
            doc.save(Path(d) / "bare.docx")

    def full(d=data):
        with tempfile.TemporaryDirectory() as out:
            export_files(d, out, draft=False)

    first_pdf = timed(lambda: build_pdf(data, False), 1)
    pdf = build_pdf(data, False)
    long_pages = build_pdf(long_data, False).pages
    ident = _identity(data)

    def signed():
        sign_pdf(pdf.content, pdf.sign_page, pdf.sign_box, ident, unit=data.identity.unit,
                 signer_name=data.identity.signer)

    signed()  # pyHanko's imports
    rows = [
        (f"bare python-docx, same text ({chars:,} chars)", *timed(bare, runs)),
        ("TongKet DOCX + XLSX rendered, full sample  [target 300]",
         *timed(lambda: (docx_bytes(data, False), xlsx_bytes(data)), runs)),
        ("TongKet DOCX + PDF + XLSX files, full sample", *timed(full, runs)),
        (f"TongKet DOCX + PDF + XLSX files, every section 10x ({chars * 10:,} chars)", *timed(lambda: full(long_data), runs)),
        ("PDF, full sample, first in the process (fonts read)", *first_pdf),
        (f"PDF, full sample ({pdf.pages} pages)  [target 300]", *timed(lambda: build_pdf(data, False), runs)),
        (f"PDF, every section 10x ({long_pages} pages)  [target 2000]",
         *timed(lambda: build_pdf(long_data, False), max(3, runs // 3))),
        ("PAdES signature of the sample PDF  [target 100]", *timed(signed, runs)),
    ]
    print(f"{'export':<70}{'median ms':>11}{'worst ms':>10}")
    for name, med, worst in rows:
        print(f"{name:<70}{med:>11.1f}{worst:>10.1f}")


def _identity(data):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import datetime as dt

    from export.signing import SigningIdentity

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đảng ủy xã Hòa An")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    return SigningIdentity(key, cert, [])


if __name__ == "__main__":
    main()
