"""Benchmark (run on demand, prints a table): GUI start-up and autosave.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench_gui.py [--runs N]

1. Process start -> start window shown, and -> first wizard page shown,
   against a bare PySide6 window in the same run (fresh processes each time).
2. Autosave of one edited field in a full sample report: median and worst.
3. Longest stall of the Qt event loop while typing continuously into a
   section (a key every 30 ms for 6 s, autosave running as in real use).
4. Spell checking: generating the list of syllables, making a report's
   checker, the first check of a 50,000-word section, the longest stall
   while typing into it with and without the checker (paragraphs of about
   100 words, and the same words as ONE paragraph), and a right-click's
   suggestions.
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
from ui.app import configure, install_keys
configure(app, keys=False)  # as ui/app.run_gui does
from ui.main_window import MainWindow
w = MainWindow(); w.show()
app.processEvents()
print(f"shown {time.time() - t0:.4f}")
w.show_quick_list()
app.processEvents()
print(f"listed {time.time() - t0:.4f}")
install_keys(app)
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
    rows = [("autosave of one edited field (ms)", statistics.median(saves), max(saves)),
            ("longest event-loop stall while typing (ms)", stall, stall)]
    rows += spell_check(app, editor)
    w.close()
    return rows


def spell_check(app, editor) -> list[tuple[str, float, float]]:
    import random

    from bench_common import longest_typing_stall

    from model.sample import phrases
    from model.spelling import checker_for_report
    from model.vn_syllable import syllable_table
    from ui.editor import AUTOSAVE_MS

    syllable_table.cache_clear()
    t = time.perf_counter()
    table = syllable_table()
    generate = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    checker_for_report(editor.session.outline, editor.session.identity)
    make = (time.perf_counter() - t) * 1000
    rows = [(f"generate all {len(table)} syllables (ms)", generate, generate),
            ("make a report's checker (ms)", make, make)]

    rnd = random.Random(1)
    words = " ".join(phrases()).split()
    typos = ["thưc", "quyêt", "vậ", "nghiejp", "hòan", "ddaang"]
    # 50,000 words, one in a hundred misspelt, in paragraphs of about 100 words
    flat = [rnd.choice(typos) if rnd.random() < 0.01 else words[i % len(words)] for i in range(50_000)]
    paragraphs = "\n".join(" ".join(flat[i:i + 100]) for i in range(0, len(flat), 100))
    editor.show_page("p1.III.2")
    page = editor.pages["p1.III.2"]
    field = next(iter(page.editors))
    text_edit = page.editors[field]
    highlighter = page.highlighters[0]
    typing = "Đảng ủy xã lãnh đạo thưc hiện tốt công tác dân vận. "
    for label, text in (("50,000 words in paragraphs", paragraphs),
                        ("50,000 words in one paragraph", " ".join(flat))):
        highlighter.setDocument(text_edit.document())
        t = time.perf_counter()
        text_edit.setPlainText(text)
        app.processEvents()  # the first check of every paragraph runs here
        first = (time.perf_counter() - t) * 1000
        editor.save_now()  # the new text's first save (and its earlier version) out of the way
        cursor = text_edit.textCursor()
        cursor.setPosition(len(text) // 2)
        text_edit.setTextCursor(cursor)
        text_edit.setFocus()
        spent = []  # the checker's own time per key: what it adds to a stall
        check = highlighter.highlightBlock

        def timed(block_text, check=check, spent=spent):
            t0 = time.perf_counter()
            check(block_text)
            spent.append((time.perf_counter() - t0) * 1000)

        highlighter.highlightBlock = timed
        # autosave of a 50,000-word text is a stall of its own (see the rows
        # above): measured apart, so that these rows show what checking adds
        editor.timer.setInterval(10**8)
        checked = longest_typing_stall(app, text_edit, typing, 5)
        del highlighter.highlightBlock
        highlighter.setDocument(None)
        plain = longest_typing_stall(app, text_edit, typing, 5)
        editor.timer.setInterval(AUTOSAVE_MS)
        highlighter.setDocument(text_edit.document())
        app.processEvents()
        saving = longest_typing_stall(app, text_edit, typing, 5)
        rows += [(f"{label}: set text and check all (ms)", first, first),
                 (f"{label}: checking per key (ms)", statistics.median(spent), max(spent)),
                 (f"{label}: stall typing, checked (ms)", checked, checked),
                 (f"{label}: stall typing, not checked (ms)", plain, plain),
                 (f"{label}: stall typing, checked, autosave on (ms)", saving, saving)]
    highlighter.setDocument(text_edit.document())
    checker = editor.spelling.checker
    times = []
    for typo in typos * 5:
        t = time.perf_counter()
        checker.suggest(typo, "dân", "hiện")
        times.append((time.perf_counter() - t) * 1000)
    rows.append(("suggestions for one word (ms)", statistics.median(times), max(times)))
    editor.save_now()
    return rows


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
    print(f"{'measure':<60}{'median':>10}{'worst':>10}")
    for name, med, worst in rows:
        print(f"{name:<60}{med:>10.1f}{worst:>10.1f}")
    print("(start-up rows in ms from process start; same machine, same run)")


if __name__ == "__main__":
    main()
