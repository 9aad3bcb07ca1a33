"""The keyboard: an Alt mnemonic on every button of every window, and F1 for
the manual.  One application-wide filter does it, so that a button added
later (a new dialog, a message box) gets its letter without anybody
remembering to give one."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget


def _base(ch: str) -> str:
    """'ế' -> 'e', 'Đ' -> 'd': the key on a plain keyboard, or '' for none."""
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if "a" <= base <= "z" else ""


def _letter(text: str) -> str:
    """The mnemonic letter of a text ('' when none)."""
    i = text.find("&")
    while i != -1 and i + 1 < len(text):
        if text[i + 1] != "&":
            return _base(text[i + 1])
        i = text.find("&", i + 2)
    return ""


def with_mnemonic(text: str, used: set[str]) -> str:
    """text with '&' before a letter no other button of the window uses:
    a word's first letter when it can (Alt+T for 'Tiếp theo'), else any
    letter; only letters with a key of their own ('ế' is not one)."""
    if not text or _letter(text):
        return text
    starts = [i for i, ch in enumerate(text) if ch.isalpha() and (i == 0 or not text[i - 1].isalpha())]
    others = [i for i, ch in enumerate(text) if ch.isalpha() and i not in starts]
    for i in starts + others:
        key = _base(text[i])
        if key and key == text[i].lower() and key not in used:
            used.add(key)
            return text[:i] + "&" + text[i:]
    return text


def assign_mnemonics(window: QWidget) -> None:
    """Every button shown in the window gets a letter of its own."""
    # only the buttons shown now: a hidden page's letters do not count (Qt
    # ignores their shortcuts) and its buttons get theirs when it is shown
    buttons = [b for b in window.findChildren(QAbstractButton)
               if b.window() is window and b.text() and b.isVisibleTo(window)]
    used = {_letter(b.text()) for b in buttons} - {""}
    # the buttons with fewest usable letters choose first ('Đóng' has n and g)
    todo = sorted((b for b in buttons if not _letter(b.text())), key=lambda b: len(_keys(b.text())))
    for b in todo:
        b.setText(with_mnemonic(b.text(), used))


def _keys(text: str) -> set[str]:
    return {ch.lower() for ch in text if _base(ch) and _base(ch) == ch.lower()}


class KeyFilter(QObject):
    """Installed on the application: gives windows their mnemonics when they
    are shown, and opens the manual on F1 anywhere."""

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Show and isinstance(obj, QWidget):
            if obj.isWindow():
                assign_mnemonics(obj)
            elif isinstance(obj, QAbstractButton) and obj.text() and not _letter(obj.text()):
                assign_mnemonics(obj.window())  # a button of a page made later
        elif kind == QEvent.ShortcutOverride and event.key() == Qt.Key_F1 and isinstance(obj, QWidget):
            event.accept()  # F1 is ours in every widget
        elif kind == QEvent.KeyPress and event.key() == Qt.Key_F1 and isinstance(obj, QWidget):
            from ui.help_window import show_help

            show_help(obj.window())
            return True
        return False


_filter: list[KeyFilter] = []


def install(app: QApplication) -> None:
    if not _filter:
        _filter.append(KeyFilter(app))
        app.installEventFilter(_filter[0])
