"""Benchmark (run on demand, prints a table): receive and consolidate many
units' packages.

    .venv/bin/python tests/bench_consolidate.py [--counts 150 500]

Packages are real signed packages of distinct units (own key, own data);
to make 500 of them quickly they share one rendered DOCX/XLSX.  Each count
runs in a fresh process so that its peak memory (max RSS) is its own.
Target: 500 packages in under 20 s, memory flat.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_packages(folder: Path, count: int) -> None:
    from export.docx_report import ReportData
    from export.files import atomic_write
    from export.package import build_package_bytes, render_signed
    from export.signing import create_identity
    from model.outline import default_outline
    from model.paths import set_data_dir
    from model.sample import make_sample

    outline = default_outline()
    shared = None
    for i in range(count):
        set_data_dir(folder / "keys" / str(i))
        unit = f"Xã Thử {i:04d}"
        ident = create_identity(f"ĐẢNG ỦY {unit.upper()}", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "mật khẩu")
        data = ReportData(outline, *make_sample(outline, unit, "Đắk Lắk", i), uuid=f"r{i}", revision=1)
        if shared is None:
            shared = render_signed(data, ident)
        blob, _m, name = build_package_bytes(data, ident, rendered=shared)
        atomic_write(folder / "in" / f"{i:04d}-{name}", lambda fh: fh.write(blob))


def child(inbox: str, data: str, out: str) -> None:
    from export.consolidate import consolidate
    from export.receive import import_packages
    from model.outline import default_outline
    from model.paths import set_data_dir
    from model.receiving import ReceivingStore
    from model.store import DraftStore

    set_data_dir(data)
    t0 = time.perf_counter()
    store = DraftStore(Path(data) / "tongket.sqlite3")
    rs = ReceivingStore(store)
    outline = default_outline()
    outcomes = import_packages(rs, [inbox], outline)
    t1 = time.perf_counter()
    result = consolidate(rs, outline, out)
    t2 = time.perf_counter()
    store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": len(outcomes), "units": result.units, "import": t1 - t0,
                      "consolidate": t2 - t1, "peak_mb": peak_mb}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counts", type=int, nargs="+", default=[150, 500])
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for count in args.counts:
            folder = tmp / str(count)
            (folder / "in").mkdir(parents=True)
            make_packages(folder, count)
            out = subprocess.run([sys.executable, __file__, "--child", str(folder / "in"),
                                  str(folder / "data"), str(folder / "out")],
                                 capture_output=True, text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            total = r["import"] + r["consolidate"]
            rows.append((count, r["units"], r["import"], r["consolidate"], total, total / count * 1000,
                         r["peak_mb"]))
    print(f"{'packages':>9}{'units':>7}{'import s':>10}{'consolidate s':>15}{'total s':>9}"
          f"{'ms/pkg':>8}{'peak MB':>9}")
    for row in rows:
        print(f"{row[0]:>9}{row[1]:>7}{row[2]:>10.2f}{row[3]:>15.2f}{row[4]:>9.2f}{row[5]:>8.1f}{row[6]:>9.0f}")


if __name__ == "__main__":
    main()
