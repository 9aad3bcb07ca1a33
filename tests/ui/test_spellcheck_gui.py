"""Spell checking as the clerk types: red wavy underline, the right-click
menu's suggestions, "Bỏ qua", "Thêm vào từ điển", and the tone style on the
review page."""

import unicodedata

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication

from model import settings
from model.session import REVIEW_PAGE
from tests.ui.helpers import nfd, type_text
from ui.main_window import MainWindow

# a popup menu grabs the keyboard, which the offscreen platform cannot do
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


def _underlined(editor) -> list[str]:
    """The words shown with the spelling underline, in order."""
    out = []
    block = editor.document().firstBlock()
    while block.isValid():
        text = block.text()
        for r in block.layout().formats():
            if r.format.underlineStyle() == QTextCharFormat.SpellCheckUnderline:
                out.append(unicodedata.normalize("NFC", text[r.start:r.start + r.length]))
        block = block.next()
    return out


def _section_editor(window):
    window.create_report()
    editor = window.editor
    editor.show_page("p1.III.7")
    return editor, editor.pages["p1.III.7"].editors["dan_van_kheo"]


def _settle(qtbot):
    qtbot.wait(20)  # the highlighter's first pass runs from the event loop


def _right_click(qtbot, text_edit, word):
    """Right-click the first occurrence of word; returns the menu shown."""
    doc_text = text_edit.toPlainText()
    at = doc_text.index(word) + 1
    cursor = QTextCursor(text_edit.document())
    cursor.setPosition(at)
    pos = text_edit.cursorRect(cursor).center()
    text_edit.customContextMenuRequested.emit(pos)
    menu = QApplication.activePopupWidget()
    assert menu is not None and menu.objectName() == "spelling-menu"
    return menu


def _texts(menu):
    return [a.text() for a in menu.actions() if a.text()]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_typos_are_underlined_as_the_clerk_types(qtbot, window, form):
    editor, text_edit = _section_editor(window)
    typed = "Đảng ủy lãnh đạo thưc hiện nghị quyêt về công tác dân vậ"
    type_text(text_edit, unicodedata.normalize(form, typed))
    _settle(qtbot)
    assert _underlined(text_edit) == ["thưc", "quyêt"]  # "vậ" is still being typed
    type_text(text_edit, unicodedata.normalize(form, "; Hòa, hoà, UBND, khuỷu, gìn giữ."))
    _settle(qtbot)
    assert _underlined(text_edit) == ["thưc", "quyêt", "vậ"]


def test_the_word_being_typed_is_underlined_once_left(qtbot, window):
    _editor, text_edit = _section_editor(window)
    type_text(text_edit, "ngh")
    _settle(qtbot)
    assert _underlined(text_edit) == []
    text_edit.moveCursor(QTextCursor.Start)  # the cursor leaves the half-typed word
    _settle(qtbot)
    assert _underlined(text_edit) == ["ngh"]
    text_edit.moveCursor(QTextCursor.End)
    type_text(text_edit, " vậ")
    _settle(qtbot)
    assert _underlined(text_edit) == ["ngh"]
    QApplication.sendEvent(text_edit, QFocusEvent(QEvent.FocusOut))  # the clerk clicks elsewhere
    _settle(qtbot)
    assert _underlined(text_edit) == ["ngh", "vậ"]


def test_right_click_a_typo_and_pick_a_suggestion(qtbot, window):
    editor, text_edit = _section_editor(window)
    type_text(text_edit, "Công tác dân vậ ở xã được thưc hiện tốt.")
    _settle(qtbot)
    menu = _right_click(qtbot, text_edit, "thưc")
    texts = _texts(menu)
    assert texts[0] == "Gợi ý" and texts[1] == "thực"  # the words around rank it first
    assert "Bỏ qua" in texts and "Thêm vào từ điển" in texts
    assert {"Hoàn tác", "Cắt", "Sao chép", "Dán"} <= {t.split("\t")[0].replace("&", "") for t in texts}
    next(a for a in menu.actions() if a.text() == "thực").trigger()
    menu.close()
    assert text_edit.toPlainText() == "Công tác dân vậ ở xã được thực hiện tốt."
    menu = _right_click(qtbot, text_edit, "vậ")
    assert _texts(menu)[1] == "vận"
    next(a for a in menu.actions() if a.text() == "vận").trigger()
    menu.close()
    _settle(qtbot)
    assert text_edit.toPlainText() == "Công tác dân vận ở xã được thực hiện tốt."
    assert _underlined(text_edit) == []
    editor.save_now()  # the replacement is an ordinary edit: saved
    rid = editor.session.report_id
    assert window.store.get_report(rid).answers["dan_van_kheo"] == text_edit.toPlainText()


def test_a_correct_word_gets_only_the_usual_menu(qtbot, window):
    _editor, text_edit = _section_editor(window)
    type_text(text_edit, "Đảng ủy xã Hòa An. ")
    menu = _right_click(qtbot, text_edit, "Hòa")
    assert "Gợi ý" not in _texts(menu) and "Bỏ qua" not in _texts(menu)
    menu.close()


def test_add_to_dictionary_survives_a_restart(qtbot, window, data_dir):
    editor, text_edit = _section_editor(window)
    type_text(text_edit, nfd("Buôn Kđăm và buôn Kđăm, Gmail. "))
    _settle(qtbot)
    assert _underlined(text_edit) == ["Kđăm", "Kđăm", "Gmail"]
    menu = _right_click(qtbot, text_edit, nfd("Kđăm"))
    next(a for a in menu.actions() if a.text() == "Thêm vào từ điển").trigger()
    menu.close()
    menu = _right_click(qtbot, text_edit, "Gmail")
    next(a for a in menu.actions() if a.text() == "Bỏ qua").trigger()
    menu.close()
    _settle(qtbot)
    assert _underlined(text_edit) == []
    assert (data_dir / "tu-dien-rieng.txt").read_text(encoding="utf-8") == "Kđăm\n"
    # the other text boxes of the report know it too
    other = editor.pages["p1.III.7"]
    editor.show_page("p1.III.8")
    box = editor.pages["p1.III.8"].editors["to_chuc_bo_may"]
    type_text(box, "Kđăm, Gmail. ")
    _settle(qtbot)
    assert _underlined(box) == []
    assert other is not None

    rid = editor.session.report_id
    window.close()
    again = MainWindow()  # TongKet started again
    qtbot.addWidget(again)
    assert again.open_store()
    again.show()
    again.open_report(rid)
    again.editor.show_page("p1.III.7")
    text_edit = again.editor.pages["p1.III.7"].editors["dan_van_kheo"]
    _settle(qtbot)
    assert _underlined(text_edit) == ["Gmail"]  # skipped only for that session
    again.close()


def test_review_page_lists_tone_changes_and_sets_the_style(qtbot, window):
    editor, text_edit = _section_editor(window)
    type_text(text_edit, "Đảng uỷ xã Hoà An chỉ đạo hòa giải; Đảng uỷ họp. ")
    editor.show_page(REVIEW_PAGE)
    page = editor.pages[REVIEW_PAGE]
    items = [page.tone_changes.item(i).text() for i in range(page.tone_changes.count())]
    assert items == ["uỷ → ủy (2 chỗ)", "Hoà → Hòa (1 chỗ)"]
    assert "3 chữ" in page.tone_summary.text()
    page.tone_style.setCurrentIndex(page.tone_style.findData("old"))
    assert settings.tone_style() == "old"
    items = [page.tone_changes.item(i).text() for i in range(page.tone_changes.count())]
    assert items == ["hòa → hoà (1 chỗ)"]
    for i in range(page.tone_style.count()):
        assert "mới" not in page.tone_style.itemText(i) and "cũ" not in page.tone_style.itemText(i)
    # the draft is kept as typed
    assert "Đảng uỷ xã Hoà An" in editor.session.answers["dan_van_kheo"]


def test_a_word_list_that_cannot_be_saved_is_said(qtbot, window, no_dialogs, monkeypatch):
    from model.spelling import PersonalWords

    monkeypatch.setattr(PersonalWords, "add", lambda self, word: False)  # e.g. a read-only folder
    _editor, text_edit = _section_editor(window)
    type_text(text_edit, "Buôn Kđăm. ")
    menu = _right_click(qtbot, text_edit, "Kđăm")
    next(a for a in menu.actions() if a.text() == "Thêm vào từ điển").trigger()
    menu.close()
    _settle(qtbot)
    assert _underlined(text_edit) == []  # known for as long as the report is open
    assert [kind for kind, _text in no_dialogs] == ["warning"]
    assert "Không lưu được từ điển riêng" in no_dialogs[0][1]
