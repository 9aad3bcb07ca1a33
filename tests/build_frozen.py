"""Build the Windows-style one-folder program with build.spec, run its
smoke test, and measure it against a bare PySide6 window built the same way.

    .venv/bin/python tests/build_frozen.py            # build + smoke test + table
    .venv/bin/python tests/build_frozen.py --no-bare  # build + smoke test only

On Windows the same command builds dist\\TongKet\\TongKet.exe.  Exits 1 if the
build or the frozen smoke test fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if sys.platform == "win32" else ""


def build(bare: bool, dist: Path, work: Path) -> Path:
    env = dict(os.environ, TONGKET_BARE="1" if bare else "0")
    name = "Bare" if bare else "TongKet"
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work / name), str(ROOT / "build.spec")],
                   cwd=ROOT, env=env, check=True)
    return dist / name / f"{name}{EXE}"


def folder_size(path: Path) -> int:
    """Bytes of regular files (PyInstaller links some libraries on Linux:
    a link is not counted twice)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def startup(exe: Path, runs: int, data_dir: Path) -> tuple[float, float]:
    """Median seconds from process start to the start window on screen, and
    to its list of reports filled (the bare window has no list)."""
    times, ready = [], []
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([str(exe), "--data-dir", str(data_dir), "--measure-startup"],
                             capture_output=True, text=True, env=env, timeout=120).stdout
        shown = [float(line.split()[1]) for line in out.splitlines() if line.startswith("shown ")]
        if not shown:
            raise RuntimeError(f"{exe.name} did not report its window")
        times.append(shown[0] - t0)
        filled = [float(line.split()[1]) for line in out.splitlines() if line.startswith("ready ")]
        ready.append((filled or shown)[0] - t0)
    return statistics.median(times), statistics.median(ready)


def smoke(exe: Path, log: Path) -> bool:
    """Run the frozen smoke test; its log goes to `log`, never into the
    program's folder (which is zipped and packed into the installer as is)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    log.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([str(exe), "--smoke-test", "--smoke-log", str(log)], capture_output=True, text=True,
                       env=env, timeout=300)
    print(log.read_text(encoding="utf-8") if log.exists() else r.stdout + r.stderr)
    return r.returncode == 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-bare", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dist", default=str(ROOT / "dist"))
    args = ap.parse_args()
    dist, work = Path(args.dist), ROOT / "build"
    exe = build(False, dist, work)
    if not smoke(exe, work / "smoke-test.log"):
        print("Frozen smoke test FAILED")
        return 1
    size = folder_size(exe.parent)
    data = work / "startup-data"
    data.mkdir(parents=True, exist_ok=True)
    rows = [("TongKet", size, startup(exe, args.runs, data))]
    if not args.no_bare:
        bare = build(True, dist, work)
        rows.append(("bare PySide6 window", folder_size(bare.parent), startup(bare, args.runs, data)))
    print(f"\n{'build':<22}{'folder MB':>11}{'window s':>10}{'list s':>9}")
    for name, sz, (st, rd) in rows:
        print(f"{name:<22}{sz / 1e6:>11.1f}{st:>10.3f}{rd:>9.3f}")
    if len(rows) == 2:
        print(f"{'ratio':<22}{rows[0][1] / rows[1][1]:>11.2f}{rows[0][2][0] / rows[1][2][0]:>10.2f}"
              f"{rows[0][2][1] / rows[1][2][0]:>9.2f}   (targets: size <= 1.2, start-up <= 2.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
