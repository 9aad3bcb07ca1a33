"""The pane beside a section of a report made from other reports: what this
section's figures were prefilled with, whether the section was copied and
waits for review, and (an upper level's own report) what each unit wrote
for the section — read-only, with a search box and "Chèn đoạn đã chọn"
to copy a passage into the draft.  The decisions are in model/derive."""

from __future__ import annotations

from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from model import derive
from model.receiving import ReceivingStore
from model.store import MARK_REVIEW


class SourcePane(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.section_id: str | None = None
        self.items: list[derive.Contribution] = []
        self.target = None  # the text box a passage goes into
        self.setObjectName("source-pane")
        self.setMinimumWidth(260)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.reviewed_button = QPushButton("Đã xem lại mục này")
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.title = QLabel("Báo cáo của các đơn vị về mục này")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm trong báo cáo của các đơn vị…")
        self.search.textChanged.connect(self._fill)
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.insert_button = QPushButton("Chèn đoạn đã chọn")
        self.insert_button.setToolTip("Chép đoạn đang bôi đen vào ô đang soạn của báo cáo")
        self.insert_button.clicked.connect(self.insert_selection)
        self.count = QLabel("")
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.insert_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notes)
        layout.addWidget(self.reviewed_button)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        report = session.store.get_report(session.report_id)
        self.upper_level = report.upper_level
        for w in (self.title, self.search, self.view, self.insert_button, self.count):
            w.setVisible(self.upper_level)

    # ------------------------------------------------------------ section ---
    def show_section(self, page_id: str, page=None) -> None:
        """page: the section's page (its text boxes receive passages)."""
        self.section_id = page_id
        self.page = page
        editors = getattr(page, "editors", None) or {}
        self.editors = editors
        for editor in editors.values():
            editor.installEventFilter(self)
        self.target = next(iter(editors.values()), None)
        try:
            section = self.session.outline.section(page_id)
        except KeyError:  # the identity and review pages
            self.setVisible(False)
            return
        self.setVisible(True)
        prefilled, review = derive.marks_of(self.session.store, self.session.report_id)
        notes = [review[page_id]] if page_id in review else []
        for st in section.stats:
            if st.id in prefilled:
                notes.append(f"{st.label}: {prefilled[st.id]}")
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.reviewed_button.setVisible(page_id in review)
        if self.upper_level:
            rs = ReceivingStore(self.session.store)
            self.items = derive.section_contributions(rs, self.session.outline, page_id)
        self._fill()

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.FocusIn and obj in getattr(self, "editors", {}).values():
            self.target = obj
        return False

    def shown_items(self) -> list[derive.Contribution]:
        return derive.matching(self.items, self.search.text())

    def _fill(self) -> None:
        items = self.shown_items()
        blocks = []
        for c in items:
            head = c.unit + (f" — {c.label[:60]}" if c.label else "")
            blocks.append(f"■ {head}\n{c.text}")
        self.view.setPlainText("\n\n".join(blocks))
        units = len({c.unit for c in items})
        self.count.setText(f"{units} đơn vị" if items else "Không có nội dung phù hợp")

    # ------------------------------------------------------------ actions ---
    def insert_selection(self) -> bool:
        text = self.view.textCursor().selectedText().replace("\u2029", "\n").strip()
        if not text or self.target is None:
            from ui import msgbox

            msgbox.information(self, "Hãy bôi đen một đoạn trong báo cáo của đơn vị, bấm vào ô cần chèn "
                                     "rồi bấm “Chèn đoạn đã chọn”.")
            return False
        cursor = self.target.textCursor()
        before = self.target.toPlainText()[:cursor.position()]
        if before and not before.endswith("\n"):
            text = "\n" + text
        cursor.insertText(text)
        self.target.setTextCursor(cursor)
        self.target.setFocus()
        return True

    def mark_reviewed(self) -> None:
        if self.section_id:
            self.session.store.clear_mark(self.session.report_id, self.section_id, MARK_REVIEW)
            self.show_section(self.section_id, self.page)


def attach(editor, splitter) -> SourcePane | None:
    """The pane at the right of the editor's splitter, for a report that has
    something to show in it; None otherwise."""
    session = editor.session
    report = session.store.get_report(session.report_id)
    if not derive.needs_side_pane(report, session.store):
        return None
    pane = SourcePane(session)
    splitter.addWidget(pane)
    splitter.setSizes([260, 620, 380])
    return pane
