"""The short manual (resources/help/huong-dan.md), opened by F1 and by the
"Hướng dẫn" button: one window, kept while the program runs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from model.paths import resource_dir

TITLE = "Hướng dẫn sử dụng"
_window: list["HelpWindow"] = []


def manual_text() -> str:
    return (resource_dir() / "help" / "huong-dan.md").read_text(encoding="utf-8")


class HelpWindow(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setWindowModality(Qt.NonModal)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setMarkdown(manual_text())
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)
        self.resize(640, 560)


def show_help(_parent: QWidget | None = None) -> HelpWindow:
    if not _window:
        _window.append(HelpWindow(None))  # its own window: outlives the one that asked
    w = _window[0]
    w.show()
    w.raise_()
    w.activateWindow()
    return w
