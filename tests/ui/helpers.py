"""Typing Vietnamese into widgets: qtbot.keyClicks cannot send non-ASCII
characters, so send the key events with their text directly, as an input
method would."""

import unicodedata

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication


def type_text(widget, text: str) -> None:
    widget.setFocus()
    for ch in text:
        key = Qt.Key_Return if ch == "\n" else Qt.Key_unknown
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.NoModifier, ch))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)
