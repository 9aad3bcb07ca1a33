"""Benchmark (run on demand, prints a table): the cost of keeping work safe.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench_safety.py

1. Autosave in a report whose every text section holds 200,000 characters:
   one edit then save_now() through the real editor (median, worst), and the
   longest event-loop stall while typing into such a section.
2. The longest stall while typing into ONE paragraph of 216,000 characters
   (ordinary words; and a run without spaces, as pasted from a broken file),
   as the editor wraps it now and with the word wrapping it had before.
3. Backup (SQLite backup API) and restore of a database holding 50 full
   sample reports.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from model import backup, paths
    from model.app import create_sample
    from model.outline import default_outline
    from model.store import DraftStore

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths.set_data_dir(tmp / "a")
        app = QApplication.instance() or QApplication([])
        from ui.app import configure
        from ui.main_window import MainWindow

        configure(app)
        w = MainWindow()
        w.show()  # hidden widgets are never laid out: the stalls would not show
        w.open_store()
        outline = default_outline()
        rid = create_sample(w.store, outline, "Xã Hòa An", "Đắk Lắk", 1)
        unit = "Đảng ủy xã lãnh đạo thực hiện tốt công tác dân vận, sát dân, hiểu dân. "
        # paragraphs of about 700 characters, as a clerk writes them
        para = unit * 10
        huge = ("\n".join([para] * (200_000 // (len(para) + 1) + 1)))[:200_000]
        w.store.save_answers(rid, {f.id: huge for s in outline.sections for f in s.texts})
        w.open_report(rid)
        editor = w.editor
        editor.show_page("p1.IV")
        text_edit = editor.pages["p1.IV"].editors["han_che_nguyen_nhan"]
        times = []
        for i in range(25):
            text_edit.appendPlainText(f"Thêm ý {i}.")
            t = time.perf_counter()
            editor.save_now()
            times.append((time.perf_counter() - t) * 1000)
        rows.append(("autosave, 200,000-char sections (ms)", statistics.median(times), max(times)))

        from bench_common import longest_typing_stall

        stall = longest_typing_stall(app, text_edit, "ạ", 5)
        rows.append(("longest stall typing in a 200,000-char section (ms)", stall, stall))

        from PySide6.QtGui import QTextOption

        editor.show_page("p1.V")
        one = editor.pages["p1.V"].editors["bai_hoc"]
        for label, paragraph in (("words", (unit * (216_000 // len(unit) + 1))[:216_000]),
                                 ("no spaces", "ạ" * 216_000)):
            one.setPlainText(paragraph)
            editor.save_now()  # the editor picks its wrapping here
            cursor = one.textCursor()
            cursor.setPosition(1000)
            one.setTextCursor(cursor)
            after = longest_typing_stall(app, one, "ạ", 3)
            import ui.pages

            fit = ui.pages.fit_wrap
            ui.pages.fit_wrap = lambda _editor, _text: None  # as before: word wrapping only
            one.setWordWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
            app.processEvents()
            before = longest_typing_stall(app, one, "ạ", 3)
            ui.pages.fit_wrap = fit
            rows.append((f"stall, one 216,000-char paragraph, {label}: before (ms)", before, before))
            rows.append((f"stall, one 216,000-char paragraph, {label}: now (ms)", after, after))
        w.close()

        paths.set_data_dir(tmp / "b")
        store = DraftStore(paths.database_path())
        for i in range(50):
            create_sample(store, outline, f"Xã Thử {i}", "Đắk Lắk", i)
        page = store.db.execute("PRAGMA page_size").fetchone()[0]
        size = store.db.execute("PRAGMA page_count").fetchone()[0] * page
        b_times, r_times = [], []
        for _ in range(5):
            t = time.perf_counter()
            saved = backup.export_backup(store.db.conn, tmp / "usb")
            b_times.append((time.perf_counter() - t) * 1000)
        store.close()
        for _ in range(5):
            t = time.perf_counter()
            backup.restore(saved)  # checks, fresh copy, safety backup, swap
            r_times.append((time.perf_counter() - t) * 1000)
        rows.append((f"backup, 50 reports ({size / 1e6:.1f} MB) (ms)", statistics.median(b_times), max(b_times)))
        rows.append(("restore, 50 reports, checks included (ms)", statistics.median(r_times), max(r_times)))
        paths.set_data_dir(None)
    print(f"{'measure':<55}{'median':>10}{'worst':>10}")
    for name, med, worst in rows:
        print(f"{name:<55}{med:>10.1f}{worst:>10.1f}")


if __name__ == "__main__":
    main()
