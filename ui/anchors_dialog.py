"""'Chứng thư gốc tin cậy': the certification authorities whose certificates
the receiver trusts (export/anchors does the work)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout

from export import anchors
from model.errors import UserError
from model.text import shown
from ui import msgbox
from ui.widgets import row_table

TITLE = "Chứng thư gốc tin cậy"


class AnchorsDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.resize(900, 420)
        self.table = row_table(["Loại", "Tổ chức chứng thực", "Hiệu lực", "Dấu vân tay SHA-256"], "anchors",
                               stretch=1)
        intro = QLabel("Báo cáo ký bằng chứng thư số do các tổ chức dưới đây cấp, ghi đúng tên đơn vị báo cáo, "
                       "được coi là hợp lệ ngay, không cần xác nhận từng đơn vị. Thêm chứng thư gốc (và chứng "
                       "thư trung gian) của tổ chức chứng thực từ tệp .cer, .crt, .pem; có thể thêm danh sách "
                       "thu hồi (.crl) để kiểm tra chứng thư bị thu hồi khi không có mạng.")
        intro.setWordWrap(True)
        self.add_button = QPushButton("Thêm chứng thư…")
        self.remove_button = QPushButton("Xóa")
        close = QPushButton("Đóng")
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.fill()

    def fill(self) -> None:
        self.entries = anchors.entries()
        self.table.setRowCount(0)
        for a in self.entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate((anchors.KIND_TEXT[a.kind], a.subject, a.validity(), a.fingerprint_text)):
                self.table.setItem(row, col, QTableWidgetItem(shown(text)))
        self.remove_button.setEnabled(bool(self.entries))

    def add_files(self, paths) -> None:
        added, problems = [], []
        for path in paths:
            try:
                added += anchors.add_file(path)
            except UserError as exc:
                problems.append(exc.message)
        self.fill()
        if problems:
            msgbox.error(self, "\n".join(problems))
        elif added:
            msgbox.information(self, "Đã thêm: " + "; ".join(f"{anchors.KIND_TEXT[a.kind].lower()} {a.subject}"
                                                            for a in added))

    def _add(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Chọn tệp chứng thư của tổ chức chứng thực", "",
            "Chứng thư số hoặc danh sách thu hồi (*.cer *.crt *.pem *.der *.crl);;Mọi tệp (*)")
        if names:
            self.add_files(names)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.entries):
            msgbox.information(self, "Hãy chọn một dòng trong danh sách để xóa.")
            return
        a = self.entries[row]
        if msgbox.ask(self, f"Xóa {anchors.KIND_TEXT[a.kind].lower()} “{shown(a.subject)}”? Báo cáo ký bằng "
                            "chứng thư do tổ chức này cấp sẽ phải xác nhận người ký từng đơn vị.",
                      yes="Xóa", no="Không"):
            try:
                anchors.remove(a.fingerprint)
            except UserError as exc:
                msgbox.error(self, exc.message)
            self.fill()


def show_anchors(parent) -> None:
    dialog = AnchorsDialog(parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
