"""The clerk's whole job with the keyboard alone (issue 16): create, fill,
review, export and sign, by key events only — Alt+letter for buttons, Tab and
Shift+Tab between fields, Ctrl+PgDn between sections, text typed into the
focused widget.  No clicks, no calls that move the focus or press a button.
Only the system's folder dialog is answered by the test, and the signing
dialog is shown without its own event loop (tests never run exec()); it is
still filled and closed by keys.

Alt+letter is a shortcut of the active window: it fires offscreen once the
window is active, and the button then clicks itself after a short animation
(QAbstractButton.animateClick, about 100 ms), hence the waits below."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPlainTextEdit

from export.signing import load_identity
from model.session import IDENTITY_PAGE, REVIEW_PAGE
from ui import export_actions, sign_actions, signing_dialogs
from ui.keys import _letter

PASSPHRASE = "mật khẩu 2026"


def _focus():
    return QApplication.focusWidget()


def _type(text: str) -> None:
    """Typed into the focused widget as a keyboard with Vietnamese input
    sends it (QTest.keyClicks cannot send 'ả')."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(_focus(), QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


def _key(key, modifier=Qt.NoModifier) -> None:
    QTest.keyClick(_focus(), key, modifier)
    QApplication.processEvents()


def _alt(qtbot, button) -> None:
    """Alt and the button's underlined letter, pressed in its window."""
    letter = _letter(button.text())
    assert letter, f"no Alt letter on {button.text()!r}"
    clicked = []
    button.clicked.connect(lambda *_: clicked.append(True))
    QTest.keyClick(_focus() or button.window(), getattr(Qt, f"Key_{letter.upper()}"), Qt.AltModifier)
    qtbot.waitUntil(lambda: bool(clicked), timeout=2000)


def _tab_to(widget, backwards=False) -> None:
    """Tab (or Shift+Tab) until the widget has the focus."""
    for _ in range(40):
        if _focus() is widget or (widget.focusProxy() is not None and _focus() is widget.focusProxy()) \
                or (_focus() is not None and widget.isAncestorOf(_focus())):
            return
        _key(Qt.Key_Tab, Qt.ShiftModifier if backwards else Qt.NoModifier)
    raise AssertionError(f"Tab never reached {widget!r}")


def _fill_page(page) -> None:
    """Every empty text and figure of a section, from its first field down
    with Tab (a text box hands Tab on instead of typing a tab character)."""
    for _ in range(200):
        w = _focus()
        if w is None or not page.isAncestorOf(w):
            return
        if isinstance(w, QPlainTextEdit) and not w.toPlainText():
            _type("Đã triển khai đầy đủ, đúng kế hoạch.")
        elif isinstance(w, QLineEdit) and w.objectName().startswith("stat:") and not w.text():
            _type("1")
        _key(Qt.Key_Tab)
    raise AssertionError("Tab never left the page")


def _setup_by_keys(qtbot):
    """ask_setup, answered by keys: 'create', the passphrase twice, Enter."""

    def ask_setup(parent, unit):
        dialog = signing_dialogs.SetupDialog(parent, unit)
        qtbot.addWidget(dialog)
        dialog.show()  # as exec() would, without its event loop
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
        assert dialog.import_.isChecked() is False
        _alt(qtbot, dialog.create)  # Tạo chữ ký số mới cho đơn vị
        assert dialog.create.isChecked()
        _tab_to(dialog.pass1)
        _type(PASSPHRASE)
        _key(Qt.Key_Tab)
        assert _focus() is dialog.pass2
        _type(PASSPHRASE)
        _key(Qt.Key_Return)  # the default button: Đồng ý
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
        assert dialog.result() == QDialog.Accepted
        return dialog.choice()

    return ask_setup


def test_the_whole_job_by_keyboard(qtbot, window, no_dialogs, monkeypatch, tmp_path):
    out = tmp_path / "ra"
    out.mkdir()
    monkeypatch.setattr(export_actions, "choose_folder", lambda *a: str(out))
    monkeypatch.setattr(sign_actions, "choose_folder", lambda *a: str(out))
    monkeypatch.setattr(signing_dialogs, "ask_setup", _setup_by_keys(qtbot))
    window.activateWindow()  # as the window manager does for a new window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)

    # create: Alt+T
    _alt(qtbot, window.start.new_button)  # Tạo báo cáo mới
    editor = window.editor
    assert editor is not None and editor.session.current == IDENTITY_PAGE

    # the identity: the cursor is in "Đơn vị báo cáo"
    ident = editor.stack.currentWidget()
    assert _focus() is ident.unit
    _type("ĐẢNG ỦY XÃ HÒA AN")
    _key(Qt.Key_Tab, Qt.ShiftModifier)  # back to "Cấp trên"
    _type("ĐẢNG BỘ TỈNH ĐẮK LẮK")
    _tab_to(ident.place)
    _type("Hòa An")
    _tab_to(ident.signer)
    _type("Nguyễn Văn An")

    # fill: every section, Ctrl+PgDn from one to the next
    pages = [s.id for s in editor.session.outline.pages]
    for page_id in pages:
        _key(Qt.Key_PageDown, Qt.ControlModifier)
        assert editor.session.current == page_id
        _fill_page(editor.stack.currentWidget())
    # and Alt+← / Alt+→ go back and forth
    _key(Qt.Key_Left, Qt.AltModifier)
    assert editor.session.current == pages[-2]
    _key(Qt.Key_Right, Qt.AltModifier)
    assert editor.session.current == pages[-1]

    # review: nothing missing
    _key(Qt.Key_PageDown, Qt.ControlModifier)
    assert editor.session.current == REVIEW_PAGE
    review = editor.stack.currentWidget()
    assert review.list.count() == 0, [review.list.item(i).text() for i in range(review.list.count())]
    assert editor.session.identity.unit == "ĐẢNG ỦY XÃ HÒA AN"
    assert editor.session.identity.superior == "ĐẢNG BỘ TỈNH ĐẮK LẮK"

    # export the report (final): Alt+letter of "Xuất báo cáo"
    _alt(qtbot, review.final_button)
    qtbot.waitUntil(lambda: any(k == "ask" and "Đã xuất báo cáo" in t for k, t in no_dialogs), timeout=30000)
    assert list(out.glob("*.docx")) and list(out.glob("*.xlsx"))

    # sign: the signing dialog typed by keys, then the signed package
    _alt(qtbot, review.sign_button)
    qtbot.waitUntil(lambda: any(k == "ask" and "Đã ký số" in t for k, t in no_dialogs), timeout=20000)
    assert list(out.glob("*.zip"))
    assert any(k == "information" and "ĐẢNG ỦY XÃ HÒA AN" in t.upper() for k, t in no_dialogs)
    load_identity(PASSPHRASE).close()  # the key is locked with the passphrase typed twice

    # back to the list, where Enter opens the report again
    _alt(qtbot, editor.back_to_list)
    assert window.editor is None
    _tab_to(window.start.table)
    _key(Qt.Key_Return)
    assert window.editor is not None

    # F1 opens the manual
    _key(Qt.Key_F1)
    from ui.help_window import _window
    assert _window and _window[0].isVisible() and "Ký số" in _window[0].browser.toPlainText()
    _window[0].close()
