"""Benchmark (run on demand, prints a table): GUI start-up and autosave.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench_gui.py [--runs N]

1. Process start -> start window shown, and -> first wizard page shown,
   against a bare PySide6 window in the same run (fresh processes each time).
2. Autosave of one edited field in a full sample report: median and worst.
3. Longest stall of the Qt event loop while typing continuously into a
   section (a key every 30 ms for 6 s, autosave running as in real use).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE = r"""
import time, sys
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("TongKet"); w.resize(1100, 720); w.show()
app.processEvents()
print(f"shown {time.time() - t0:.4f}")
"""

APP = r"""
import time, sys
t0 = float(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from model.paths import set_data_dir
set_data_dir(sys.argv[3])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.app import configure
configure(app)
from ui.main_window import MainWindow
w = MainWindow(); w.show()
app.processEvents()
print(f"shown {time.time() - t0:.4f}")
w.show_quick_list()
app.processEvents()
print(f"listed {time.time() - t0:.4f}")
w.open_store()
print(f"ready {time.time() - t0:.4f}")
w.open_report(int(sys.argv[4]))
app.processEvents()
print(f"page {time.time() - t0:.4f}")
w.close()
"""


def _child(code: str, *args: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code, str(t0), *args], capture_output=True,
                         text=True, env=env, check=True).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.strip()}


def startup(runs: int, data: Path, rid: int) -> list[tuple[str, float, float]]:
    bare, shown, listed, ready, page = [], [], [], [], []
    for _ in range(runs):
        bare.append(_child(BARE)["shown"])
        r = _child(APP, str(ROOT), str(data), str(rid))
        shown.append(r["shown"])
        listed.append(r["listed"])
        ready.append(r["ready"])
        page.append(r["page"])
    return [("bare PySide6 window", statistics.median(bare), max(bare)),
            ("TongKet start window shown", statistics.median(shown), max(shown)),
            ("TongKet start window with its list", statistics.median(listed), max(listed)),
            ("  ... its list / bare window (target <= 1.5)",
             statistics.median(listed) / statistics.median(bare) / 1000,
             max(listed) / max(bare) / 1000),
            ("TongKet store open (checked, backed up)", statistics.median(ready), max(ready)),
            ("TongKet first wizard page", statistics.median(page), max(page))]


def autosave_and_typing(data: Path, rid: int) -> list[tuple[str, float, float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from model.paths import set_data_dir

    set_data_dir(data)
    app = QApplication.instance() or QApplication([])
    from ui.app import configure
    from ui.main_window import MainWindow

    configure(app)
    w = MainWindow()
    w.open_store()
    w.show()
    w.open_report(rid)
    editor = w.editor
    editor.show_page("p1.III.1")
    text_edit = editor.pages["p1.III.1"].editors["xay_dung_dang"]

    saves = []
    for i in range(60):
        text_edit.appendPlainText(f"Thêm một câu số {i} về công tác xây dựng Đảng.")
        t = time.perf_counter()
        editor.save_now()
        saves.append((time.perf_counter() - t) * 1000)

    # continuous typing: one key every 30 ms, measure gaps in a 5 ms heartbeat
    from bench_common import longest_typing_stall

    stall = longest_typing_stall(app, text_edit, "Đảng ủy xã lãnh đạo thực hiện tốt công tác dân vận. ", 6)
    w.close()
    return [("autosave of one edited field (ms)", statistics.median(saves), max(saves)),
            ("longest event-loop stall while typing (ms)", stall, stall)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", tmp, "sample",
                              "--seed", "1"], capture_output=True, text=True, check=True)
        rid = int(out.stdout.strip().splitlines()[-1])
        rows = [(n, a * 1000, b * 1000) for n, a, b in startup(args.runs, data, rid)]
        rows += autosave_and_typing(data, rid)
    print(f"{'measure':<45}{'median':>12}{'worst':>12}")
    for name, med, worst in rows:
        print(f"{name:<45}{med:>12.1f}{worst:>12.1f}")
    print("(start-up rows in ms from process start; same machine, same run)")


if __name__ == "__main__":
    main()
