"""One helper for message boxes: always parented, plain text, Vietnamese
buttons (design notes, example 5).  Tests patch these functions instead of
running modal dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "TongKet"


def _box(parent: QWidget | None, icon, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(icon, TITLE, text, QMessageBox.NoButton, parent)
    box.setTextFormat(Qt.PlainText)
    if detail:
        box.setInformativeText(detail)
    return box


def information(parent, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Information, text, detail)
    box.addButton("Đồng ý", QMessageBox.AcceptRole)
    box.exec()


def warning(parent, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Warning, text, detail)
    box.addButton("Đồng ý", QMessageBox.AcceptRole)
    box.exec()


def error(parent, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Critical, text, detail)
    box.addButton("Đồng ý", QMessageBox.AcceptRole)
    box.exec()


def ask(parent, text: str, yes: str = "Có", no: str = "Không", detail: str = "") -> bool:
    box = _box(parent, QMessageBox.Question, text, detail)
    yes_button = box.addButton(yes, QMessageBox.YesRole)
    no_button = box.addButton(no, QMessageBox.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
