"""The clerk's job with the keyboard alone (issue 16): key events only, no
clicks and no calls of the window's methods; only the folder dialog (the
system's own) is answered by the test."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from model.session import IDENTITY_PAGE, REVIEW_PAGE
from ui import export_actions
from ui.keys import _letter


def _alt(widget, button):
    """The button has an Alt letter; it is pressed from the keyboard (focus,
    Space). Alt+letter itself is not delivered by QTest on the offscreen
    platform, so the test presses the button as Tab would reach it."""
    assert _letter(button.text()), button.text()
    button.setFocus()
    QTest.keyClick(button, Qt.Key_Space)
    QApplication.processEvents()


def test_create_fill_review_and_export_by_keyboard(qtbot, window, no_dialogs, monkeypatch, tmp_path):
    monkeypatch.setattr(export_actions, "choose_folder", lambda *a: str(tmp_path))
    window.activateWindow()
    qtbot.waitActive(window)
    window.start.table.setFocus()
    _alt(window, window.start.new_button)  # Tạo báo cáo mới
    editor = window.editor
    assert editor is not None and editor.session.current == IDENTITY_PAGE
    # a section: Ctrl+PgDn, type, and back with Alt+←, forward with Alt+→
    QTest.keyClick(QApplication.focusWidget() or editor, Qt.Key_PageDown, Qt.ControlModifier)
    first = editor.session.current
    assert first != IDENTITY_PAGE
    page = editor.stack.currentWidget()
    box = next(iter(page.editors.values()))
    box.setFocus()
    QTest.keyClicks(box, "Tinh hinh chung cua xa")
    QTest.keyClick(box, Qt.Key_Left, Qt.AltModifier)
    assert editor.session.current == IDENTITY_PAGE
    QTest.keyClick(QApplication.focusWidget() or editor, Qt.Key_Right, Qt.AltModifier)
    assert editor.session.current == first
    assert editor.session.answers[next(iter(page.editors))].startswith("Tinh hinh chung")
    # to the review page: Ctrl+PgDn until the last page
    for _ in range(len(editor.session.outline.pages) + 1):
        QTest.keyClick(QApplication.focusWidget() or editor, Qt.Key_PageDown, Qt.ControlModifier)
    assert editor.session.current == REVIEW_PAGE
    review = editor.stack.currentWidget()
    _alt(window, review.draft_button)  # Xuất bản nháp để góp ý
    qtbot.waitUntil(lambda: any(k == "ask" for k, _t in no_dialogs), timeout=30000)
    assert list(tmp_path.glob("*.docx"))
    # and back to the list, where Enter opens the report again
    _alt(window, editor.back_to_list)
    assert window.editor is None
    table = window.start.table
    table.setFocus()
    table.selectRow(0)
    QTest.keyClick(table, Qt.Key_Return)
    assert window.editor is not None
    # F1 opens the manual
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key_F1)
    from ui.help_window import _window
    assert _window and _window[0].isVisible() and "Ký số" in _window[0].browser.toPlainText()
    _window[0].close()
