"""Choose the outline of a new report when there are several."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QVBoxLayout

from ui.widgets import ok_cancel_row


class OutlineDialog(QDialog):
    def __init__(self, parent, outlines):
        super().__init__(parent)
        self.setWindowTitle("Chọn đề cương")
        self.resize(640, 320)
        self.outlines = list(outlines)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Báo cáo mới soạn theo đề cương nào?"))
        self.list = QListWidget()
        for o in self.outlines:
            self.list.addItem(f"{o.name} ({len(o.pages)} mục)")
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(self.list, 1)
        layout.addLayout(ok_cancel_row(self)[0])

    def chosen(self):
        row = self.list.currentRow()
        return self.outlines[row] if 0 <= row < len(self.outlines) else None


def ask_outline(parent, outlines):
    dialog = OutlineDialog(parent, outlines)
    try:
        return dialog.chosen() if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()
