"""Dialogs for the unit's digital signature: set it up (create, import, or
a USB token), ask its passphrase, choose the token's driver and certificate,
ask the token's PIN.  Neither the passphrase nor the PIN is ever stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
import sys

from PySide6.QtWidgets import (QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPushButton, QRadioButton, QVBoxLayout)

from export.signing import MIN_PASSPHRASE
from ui.widgets import ok_cancel_row

USE_TOKEN = object()  # the clerk chose the USB token instead of a passphrase
OTHER = object()  # the clerk wants another certificate or token
DRIVER_TITLE = "Chọn trình điều khiển thiết bị ký số…"


def _buttons(dialog: QDialog, ok_text: str) -> QHBoxLayout:
    row, dialog.ok_button = ok_cancel_row(dialog, ok_text)
    return row


class _SecretDialog(QDialog):
    """A passphrase or a PIN, typed hidden, with one way out to another choice."""

    def __init__(self, parent, title: str, prompt: str, message: str, other_text: str, other_value,
                 description: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        if description:
            who = QLabel("Chứng thư số: " + description)
            who.setWordWrap(True)
            layout.addWidget(who)
        text = QLabel(message or prompt)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.Password)
        layout.addWidget(self.edit)
        self.other_value = other_value
        self.other = False
        other = QPushButton(other_text)
        other.clicked.connect(self._other)
        layout.addWidget(other)
        layout.addLayout(_buttons(self, "Ký số"))

    def _other(self) -> None:
        self.other = True
        self.accept()

    def secret(self):
        return self.other_value if self.other else self.edit.text()


class PassphraseDialog(_SecretDialog):
    def __init__(self, parent=None, message: str = ""):
        super().__init__(parent, "Mật khẩu chữ ký số", "Nhập mật khẩu chữ ký số của đơn vị để ký báo cáo:",
                         message, "Dùng thiết bị ký số (USB token)…", USE_TOKEN)


class PinDialog(_SecretDialog):
    def __init__(self, parent=None, description: str = "", message: str = ""):
        super().__init__(parent, "Mã PIN thiết bị ký số",
                         "Cắm thiết bị ký số vào máy và nhập mã PIN của thiết bị để ký báo cáo:", message,
                         "Chọn chứng thư hoặc thiết bị khác…", OTHER, description)


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
        self.token = QRadioButton("Dùng thiết bị ký số (USB token) do tổ chức chứng thực cấp")
        self.create.setChecked(True)
        layout.addWidget(self.create)
        layout.addWidget(self.import_)
        layout.addWidget(self.token)
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
        self.token.toggled.connect(self._mode)
        self._mode()

    def _mode(self) -> None:
        creating = self.create.isChecked()
        importing = self.import_.isChecked()
        self.file_edit.setEnabled(importing)
        self.browse.setEnabled(importing)
        self.pass1.setEnabled(not self.token.isChecked())
        self.pass2.setVisible(creating)
        self.pass2_label.setVisible(creating)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn tệp chữ ký số", "",
                                              "Tệp chữ ký số (*.p12 *.pfx)")
        if name:
            self.file_edit.setText(name)

    def accept(self) -> None:
        if self.token.isChecked():
            super().accept()
            return
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
        """('create' | 'import' | 'token', file, passphrase)."""
        if self.token.isChecked():
            return ("token", "", "")
        return ("create" if self.create.isChecked() else "import", self.file_edit.text(), self.pass1.text())


class TokenCertificateDialog(QDialog):
    """The certificates on the token: who they name, who issued them, until when."""

    def __init__(self, parent, certificates):
        super().__init__(parent)
        self.setWindowTitle("Chọn chứng thư số trên thiết bị ký số")
        self.setModal(True)
        self.setMinimumWidth(640)
        self.certificates = list(certificates)
        layout = QVBoxLayout(self)
        text = QLabel("Chọn chứng thư số của đơn vị để ký báo cáo:")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.list = QListWidget()
        self.list.setObjectName("token-certificates")
        for tc in self.certificates:
            self.list.addItem(tc.describe())
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list, 1)
        self.other_driver = False
        driver = QPushButton(DRIVER_TITLE)
        driver.clicked.connect(self._driver)
        layout.addWidget(driver)
        layout.addLayout(_buttons(self, "Chọn"))

    def _driver(self) -> None:
        self.other_driver = True
        self.reject()

    def chosen(self):
        row = self.list.currentRow()
        return self.certificates[row] if 0 <= row < len(self.certificates) else None


def _run(dialog, result):
    try:
        return result(dialog) if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.edit.clear()
        dialog.deleteLater()


def ask_pin(parent, description: str = "", message: str = ""):
    """The PIN typed, OTHER, or None if cancelled."""
    return _run(PinDialog(parent, description, message), lambda d: d.secret())


def ask_token_certificate(parent, certificates):
    """The chosen TokenCertificate, OTHER (choose another driver) or None."""
    dialog = TokenCertificateDialog(parent, certificates)
    try:
        if dialog.exec() == QDialog.Accepted:
            return dialog.chosen()
        return OTHER if dialog.other_driver else None
    finally:
        dialog.deleteLater()


def choose_driver(parent, current: str = "") -> str | None:
    """The token's PKCS#11 driver file (a .dll on Windows)."""
    pattern = {"win32": "*.dll", "darwin": "*.dylib *.so"}.get(sys.platform, "*.so *.so.*")
    name, _ = QFileDialog.getOpenFileName(parent, DRIVER_TITLE.rstrip("…"), current,
                                          f"Trình điều khiển thiết bị ký số ({pattern});;Mọi tệp (*)")
    return name or None


def ask_passphrase(parent, message: str = ""):
    """The passphrase typed, USE_TOKEN, or None if cancelled."""
    return _run(PassphraseDialog(parent, message), lambda d: d.secret())


def ask_setup(parent, unit: str):
    dialog = SetupDialog(parent, unit)
    try:
        return dialog.choice() if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()


__all__ = ["ask_passphrase", "ask_setup", "ask_pin", "ask_token_certificate", "choose_driver", "PassphraseDialog",
           "PinDialog", "SetupDialog", "TokenCertificateDialog", "Qt"]
