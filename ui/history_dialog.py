"""'Xem các phiên bản trước': earlier versions of one text, to bring back
text deleted by mistake."""

from __future__ import annotations


from model.text import when_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout)


_when = when_text


class HistoryDialog(QDialog):
    def __init__(self, parent, title: str, versions: list[tuple[int, str, str]]):
        super().__init__(parent)
        self.setWindowTitle("Các phiên bản trước")
        self.resize(900, 560)
        self.chosen: str | None = None
        self.versions = versions
        layout = QVBoxLayout(self)
        head = QLabel(title)
        head.setWordWrap(True)
        head.setStyleSheet("font-weight: bold;")
        layout.addWidget(head)
        if not versions:
            layout.addWidget(QLabel("Chưa có phiên bản trước nào của nội dung này."))
        self.list = QListWidget()
        for _id, stamp, text in versions:
            item = QListWidgetItem(f"{_when(stamp)} — {len(text):,} ký tự".replace(",", "."))
            self.list.addItem(item)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setSizes([280, 600])
        layout.addWidget(split, 1)
        self.restore_button = QPushButton("Khôi phục phiên bản này")
        self.restore_button.setEnabled(False)
        close = QPushButton("Đóng")
        row = QHBoxLayout()
        row.addWidget(QLabel("Nội dung hiện tại được giữ lại thành một phiên bản trước khi khôi phục."))
        row.addStretch(1)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.list.currentRowChanged.connect(self._show)
        self.restore_button.clicked.connect(self._restore)
        close.clicked.connect(self.reject)
        if versions:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        ok = 0 <= row < len(self.versions)
        self.preview.setPlainText(self.versions[row][2] if ok else "")
        self.restore_button.setEnabled(ok)

    def _restore(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.versions):
            self.chosen = self.versions[row][2]
            self.accept()


def choose_version(parent, title: str, versions) -> str | None:
    dialog = HistoryDialog(parent, title, versions)
    try:
        dialog.exec()
        return dialog.chosen
    finally:
        dialog.deleteLater()


__all__ = ["HistoryDialog", "choose_version", "Qt"]
