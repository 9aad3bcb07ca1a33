"""Child process for the kill test: the real editor, typing on a timer,
printing what it typed and when, until it is killed."""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from model.paths import set_data_dir  # noqa: E402

set_data_dir(sys.argv[1])
report_id = int(sys.argv[2])
tag = sys.argv[3]
app = QApplication([])
from ui.app import configure  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

configure(app)
w = MainWindow()
w.open_store()
w.show()
w.open_report(report_id)
w.editor.show_page("p1.V")
editor = w.editor.pages["p1.V"].editors["bai_hoc"]
editor.setFocus()
count = [0]


def type_word():
    count[0] += 1
    word = f" {tag}từ{count[0]}."
    for ch in word:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(editor, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))
    print(f"{time.time():.3f} {count[0]}", flush=True)


timer = QTimer()
timer.timeout.connect(type_word)
timer.start(40)
print("ready", flush=True)
app.exec()
