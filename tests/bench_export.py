"""Benchmark (run on demand, prints a table): export of a full sample report.

    .venv/bin/python tests/bench_export.py [--runs N]

Rows: DOCX + XLSX of a full sample report; a bare python-docx document of the
same text without formatting (the floor); the same report with every text
section ten times longer.
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

    rows = [
        (f"bare python-docx, same text ({chars:,} chars)", *timed(bare, runs)),
        ("TongKet DOCX + XLSX, full sample", *timed(full, runs)),
        (f"TongKet DOCX + XLSX, every section 10x ({chars * 10:,} chars)", *timed(lambda: full(long_data), runs)),
    ]
    print(f"{'export':<62}{'median ms':>11}{'worst ms':>10}")
    for name, med, worst in rows:
        print(f"{name:<62}{med:>11.1f}{worst:>10.1f}")


if __name__ == "__main__":
    main()
