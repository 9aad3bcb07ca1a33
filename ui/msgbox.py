"""One helper for message boxes: always parented, plain text, Vietnamese
buttons (design notes, example 5).  Tests patch these functions instead of
running modal dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "TongKet"
MAX_LINES = 14  # a box taller than about 14 lines leaves a 768-pixel screen


def fit_lines(text: str, limit: int = MAX_LINES) -> str:
    """At most limit lines (long lists belong in a page of their own, such as
    'Kiểm tra nội dung còn thiếu'), each at most 300 characters."""
    lines = [ln if len(ln) <= 300 else ln[:299] + "…" for ln in text.split("\n")]
    if len(lines) <= limit:
        return "\n".join(lines)
    return "\n".join(lines[:limit - 1] + [f"… và {len(lines) - limit + 1} dòng khác."])


def _box(parent: QWidget | None, icon, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(icon, TITLE, fit_lines(text), QMessageBox.NoButton, parent)
    box.setTextFormat(Qt.PlainText)
    if detail:
        box.setInformativeText(fit_lines(detail, 6))
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
