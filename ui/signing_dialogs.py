"""Dialogs for the unit's digital signature: set it up (create or import),
and ask its passphrase.  The passphrase is never stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QVBoxLayout)

from export.signing import MIN_PASSPHRASE
from ui.widgets import ok_cancel_row


def _buttons(dialog: QDialog, ok_text: str) -> QHBoxLayout:
    row, dialog.ok_button = ok_cancel_row(dialog, ok_text)
    return row


class PassphraseDialog(QDialog):
    def __init__(self, parent=None, message: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Mật khẩu chữ ký số")
        self.setModal(True)
        layout = QVBoxLayout(self)
        text = QLabel(message or "Nhập mật khẩu chữ ký số của đơn vị để ký báo cáo:")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.Password)
        layout.addWidget(self.edit)
        layout.addLayout(_buttons(self, "Ký số"))

    def passphrase(self) -> str:
        return self.edit.text()


class SetupDialog(QDialog):
    """First signature of this unit: create one, or import a .p12/.pfx."""

    def __init__(self, parent=None, unit: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Chữ ký số của đơn vị")
        self.setModal(True)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Đơn vị “{unit}” chưa có chữ ký số trên máy này. Chọn một cách:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.create = QRadioButton("Tạo chữ ký số mới cho đơn vị (do TongKet tạo)")
        self.import_ = QRadioButton("Dùng tệp chữ ký số (.p12, .pfx) do tổ chức chứng thực cấp")
        self.create.setChecked(True)
        layout.addWidget(self.create)
        layout.addWidget(self.import_)
        form = QFormLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.browse = QPushButton("Chọn tệp…")
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse)
        form.addRow("Tệp chữ ký số:", row)
        self.pass1 = QLineEdit()
        self.pass1.setEchoMode(QLineEdit.Password)
        self.pass2 = QLineEdit()
        self.pass2.setEchoMode(QLineEdit.Password)
        form.addRow("Mật khẩu:", self.pass1)
        self.pass2_label = QLabel("Nhập lại mật khẩu:")
        form.addRow(self.pass2_label, self.pass2)
        layout.addLayout(form)
        self.note = QLabel(f"Mật khẩu có ít nhất {MIN_PASSPHRASE} ký tự. TongKet không lưu mật khẩu: "
                           "hãy ghi nhớ, nếu quên phải tạo chữ ký số mới và báo lại cấp trên.")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addLayout(_buttons(self, "Đồng ý"))
        self.browse.clicked.connect(self._browse)
        self.create.toggled.connect(self._mode)
        self._mode()

    def _mode(self) -> None:
        creating = self.create.isChecked()
        self.file_edit.setEnabled(not creating)
        self.browse.setEnabled(not creating)
        self.pass2.setVisible(creating)
        self.pass2_label.setVisible(creating)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn tệp chữ ký số", "",
                                              "Tệp chữ ký số (*.p12 *.pfx)",
                                              options=QFileDialog.DontUseNativeDialog)
        if name:
            self.file_edit.setText(name)

    def accept(self) -> None:
        if self.create.isChecked():
            if len(self.pass1.text()) < MIN_PASSPHRASE:
                self.error.setText(f"Mật khẩu phải có ít nhất {MIN_PASSPHRASE} ký tự.")
                return
            if self.pass1.text() != self.pass2.text():
                self.error.setText("Hai lần nhập mật khẩu không giống nhau.")
                return
        elif not self.file_edit.text():
            self.error.setText("Hãy chọn tệp chữ ký số.")
            return
        super().accept()

    def choice(self) -> tuple[str, str, str]:
        """('create' | 'import', file, passphrase)."""
        return ("create" if self.create.isChecked() else "import", self.file_edit.text(), self.pass1.text())


def ask_passphrase(parent, message: str = "") -> str | None:
    dialog = PassphraseDialog(parent, message)
    try:
        return dialog.passphrase() if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()


def ask_setup(parent, unit: str):
    dialog = SetupDialog(parent, unit)
    try:
        return dialog.choice() if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()


__all__ = ["ask_passphrase", "ask_setup", "PassphraseDialog", "SetupDialog", "Qt"]
