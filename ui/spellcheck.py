"""Spell checking as the clerk types: a red wavy underline under words that
are not Vietnamese (model/spelling.py decides), and the right-click menu's
"Gợi ý", "Bỏ qua", "Thêm vào từ điển".

QSyntaxHighlighter re-checks only the paragraph being edited, and the
checker caches every verdict, so a long section costs nothing per key.  The
word being typed is not underlined until the cursor leaves it (a half-typed
"ngh" is not a mistake yet).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from model import settings
from model.spelling import LONG_PARAGRAPH, SpellChecker

NO_SUGGESTION = "(Không có gợi ý)"


class Spelling(QObject):
    """One checker shared by every text box of a report."""

    word_added = Signal(str)  # a word is correct from now on: re-check where it occurs

    def __init__(self, checker: SpellChecker, parent=None):
        super().__init__(parent)
        self.checker = checker

    def attach(self, editor: QPlainTextEdit) -> "SpellHighlighter":
        highlighter = SpellHighlighter(editor, self)
        editor.setContextMenuPolicy(Qt.CustomContextMenu)
        editor.customContextMenuRequested.connect(
            lambda pos, e=editor: show_menu(e, spelling_menu(e, pos, self), pos))
        return highlighter

    def ignore(self, word: str) -> None:
        self.checker.ignore(word)
        self.word_added.emit(word)

    def add(self, word: str, parent=None) -> None:
        saved = self.checker.add_to_personal(word)
        self.word_added.emit(word)
        if not saved:
            from ui import msgbox

            msgbox.warning(parent, "Không lưu được từ điển riêng vào thư mục dữ liệu. "
                                   "Từ này chỉ được coi là đúng đến khi đóng báo cáo.")


class SpellHighlighter(QSyntaxHighlighter):
    def __init__(self, editor: QPlainTextEdit, spelling: Spelling):
        super().__init__(editor.document())
        self.editor = editor
        self.spelling = spelling
        self.format = QTextCharFormat()
        self.format.setUnderlineStyle(QTextCharFormat.SpellCheckUnderline)
        self.format.setUnderlineColor(QColor("#d00000"))
        self._typing = True  # a call from a change of the text, not a re-check
        self._held: tuple[int, int] | None = None  # (block, end) of the word being typed
        self._long: dict[int, tuple[str, list]] = {}  # block -> (text, spans) of long paragraphs
        spelling.word_added.connect(self.recheck_word)
        editor.cursorPositionChanged.connect(self._cursor_moved)
        editor.installEventFilter(self)  # leaving the text box ends the word being typed

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        checker = self.spelling.checker
        if len(text) > LONG_PARAGRAPH:
            # a very long paragraph: check again only around what changed
            number = block.blockNumber()
            before = self._long.pop(number, None)
            spans = checker.respan(*before, text) if before else checker.misspelt_spans(text)
            if len(self._long) >= 16:
                self._long.clear()
            self._long[number] = (text, spans)
        else:
            spans = checker.misspelt_spans(text)
        if not spans:
            return
        hold_end = -1
        if self._typing and self.editor.hasFocus():
            cursor = self.editor.textCursor()
            if cursor.block() == block:
                hold_end = cursor.positionInBlock()
        for start, length in spans:
            if start + length == hold_end:
                self._held = (block.blockNumber(), hold_end)
                continue
            self.setFormat(start, length, self.format)

    def _recheck(self, block) -> None:
        self._typing = False
        try:
            self.rehighlightBlock(block)
        finally:
            self._typing = True

    def _cursor_moved(self) -> None:
        if self._held is None:
            return
        cursor = self.editor.textCursor()
        number, end = self._held
        if cursor.blockNumber() == number and cursor.positionInBlock() == end:
            return  # still typing that word
        self._release()

    def _release(self) -> None:
        """Underline the word that was being typed, if it is misspelt."""
        number, _end = self._held
        self._held = None
        block = self.document().findBlockByNumber(number)
        if block.isValid():
            self._recheck(block)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.FocusOut and self._held is not None:
            self._release()
        return False

    def recheck_word(self, word: str) -> None:
        """Re-check the paragraphs where word occurs (not the whole text)."""
        import unicodedata

        self._long.clear()  # their spans were found with the old word list
        forms = {unicodedata.normalize(f, word).casefold() for f in ("NFC", "NFD")}
        block = self.document().firstBlock()
        while block.isValid():
            folded = block.text().casefold()
            if any(f in folded for f in forms):
                self._recheck(block)
            block = block.next()


def _word_around(editor: QPlainTextEdit, pos, spelling: Spelling):
    """(cursor selecting the word at pos, the word, previous and next word,
    paragraph text), or None when pos is on no word."""
    cursor = editor.cursorForPosition(pos)
    block = cursor.block()
    text = block.text()
    checker = spelling.checker
    span = checker.word_at(text, cursor.positionInBlock())
    if span is None:
        return None
    start, end = span
    select = QTextCursor(block)
    select.setPosition(block.position() + start)
    select.setPosition(block.position() + end, QTextCursor.KeepAnchor)
    before = checker.word_at(text, start - 2) if start >= 2 else None
    after = checker.word_at(text, end + 1) if end + 1 < len(text) else None
    prev = text[before[0]:before[1]] if before and before[1] < start else None
    nxt = text[after[0]:after[1]] if after and after[0] > end else None
    return select, text[start:end], prev, nxt, text


def spelling_menu(editor: QPlainTextEdit, pos, spelling: Spelling) -> QMenu:
    """The right-click menu: for a misspelt word its suggestions, "Bỏ qua"
    and "Thêm vào từ điển" above Qt's own (Vietnamese) actions."""
    menu = editor.createStandardContextMenu(pos)
    menu.setObjectName("spelling-menu")
    found = _word_around(editor, pos, spelling)
    if found is None or editor.isReadOnly():
        return menu
    select, word, prev, nxt, paragraph = found
    if spelling.checker.is_correct(word):
        return menu
    first = menu.actions()[0] if menu.actions() else None
    items = []
    header = menu.addSection("Gợi ý")
    items.append(header)
    suggestions = spelling.checker.suggest(word, prev, nxt, settings.tone_style(),
                                           context_text=paragraph)
    for s in suggestions:
        act = menu.addAction(s)
        act.setObjectName("suggestion")
        act.triggered.connect(lambda _=False, c=QTextCursor(select), s=s: _replace(editor, c, s))
        items.append(act)
    if not suggestions:
        none = menu.addAction(NO_SUGGESTION)
        none.setEnabled(False)
        items.append(none)
    ignore = menu.addAction("Bỏ qua")
    ignore.setToolTip("Không gạch chân từ này nữa cho đến khi đóng báo cáo")
    ignore.triggered.connect(lambda _=False, w=word: spelling.ignore(w))
    add = menu.addAction("Thêm vào từ điển")
    add.setToolTip("Lưu từ này vào từ điển riêng trong thư mục dữ liệu")
    add.triggered.connect(lambda _=False, w=word: spelling.add(w, editor))
    items += [ignore, add, menu.addSeparator()]
    if first is not None:  # move them above Qt's actions
        for act in items:
            menu.removeAction(act)
        menu.insertActions(first, items)
    return menu


def _replace(editor: QPlainTextEdit, cursor: QTextCursor, text: str) -> None:
    cursor.insertText(text)  # one step of Hoàn tác; the text box saves as after any edit
    editor.setTextCursor(cursor)


def show_menu(editor: QPlainTextEdit, menu: QMenu, pos) -> None:
    """Not exec(): the menu pops up and deletes itself when closed (tests
    trigger its actions while it is open).  pos: in the viewport, as Qt
    gives it to a text box's customContextMenuRequested."""
    menu.setAttribute(Qt.WA_DeleteOnClose)
    menu.popup(editor.viewport().mapToGlobal(pos))
