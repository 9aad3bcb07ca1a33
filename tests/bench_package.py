"""Benchmark (run on demand, prints a table): signing and verification.

    .venv/bin/python tests/bench_package.py [--count 500]

Rows: export DOCX+XLSX alone; export + sign + package; verify one package;
verify COUNT packages in a row (median per package).  Targets: packaging adds
under 0.3 s to the export; verification under 50 ms per package.
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

from export.docx_report import ReportData  # noqa: E402
from export.package import export_signed  # noqa: E402
from export.report_export import export_files  # noqa: E402
from export.signing import create_identity  # noqa: E402
from export.verify import verify_package  # noqa: E402
from model.outline import default_outline  # noqa: E402
from model.paths import set_data_dir  # noqa: E402
from model.sample import make_sample  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        set_data_dir(tmp / "data")
        outline = default_outline()
        ident = create_identity("ĐẢNG ỦY XÃ HÒA AN", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "mật khẩu thử")
        data = ReportData(outline, *make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1), uuid="b-1")
        plain, signed = [], []
        for i in range(args.runs):
            out = tmp / f"o{i}"
            t = time.perf_counter()
            export_files(data, out, draft=False)
            plain.append(time.perf_counter() - t)
            t = time.perf_counter()
            pkg = export_signed(data, ident, out)[1].path
            signed.append(time.perf_counter() - t)
        verify_package(pkg)  # warm imports
        one = []
        for _ in range(args.runs):
            t = time.perf_counter()
            verify_package(pkg)
            one.append(time.perf_counter() - t)
        many_dir = tmp / "many"
        many_dir.mkdir()
        blob = pkg.read_bytes()
        for i in range(args.count):
            (many_dir / f"p{i:04d}.zip").write_bytes(blob)
        per = []
        t0 = time.perf_counter()
        for p in sorted(many_dir.iterdir()):
            t = time.perf_counter()
            v = verify_package(p)
            per.append(time.perf_counter() - t)
            assert v.intact
        total = time.perf_counter() - t0
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    rows = [
        ("export DOCX + XLSX", ms(plain), max(plain) * 1000),
        ("export + sign + package", ms(signed), max(signed) * 1000),
        ("packaging adds", ms(signed) - ms(plain), None),
        ("verify one package", ms(one), max(one) * 1000),
        (f"verify {args.count} packages in a row, per package", ms(per), max(per) * 1000),
        (f"verify {args.count} packages in a row, total", total * 1000, None),
    ]
    print(f"{'measure':<50}{'median ms':>11}{'worst ms':>10}")
    for name, med, worst in rows:
        print(f"{name:<50}{med:>11.1f}{'' if worst is None else f'{worst:.1f}':>10}")


if __name__ == "__main__":
    main()
