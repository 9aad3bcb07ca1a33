"""A bare PySide6 window, frozen with the same spec as TongKet, for the
start-up and size benchmark (tests/build_frozen.py)."""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv)
window = QLabel("TongKet")
window.resize(1100, 720)
window.show()
if "--measure-startup" in sys.argv:
    def shown():
        if sys.stdout is not None:
            print(f"shown {time.time():.4f}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
sys.exit(app.exec())
