"""The report editor: outline sidebar, one page at a time, Quay lại / Tiếp theo,
and autosave at most about a second behind the keyboard."""

from __future__ import annotations

import logging
import sqlite3
import time

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QStyledItemDelegate, QStyleOptionViewItem,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from model.errors import UserError
from model.report import COMPLETE, EMPTY, IN_PROGRESS
from model.session import IDENTITY_PAGE, REVIEW_PAGE, ReportSession
from ui.pages import IdentityPage, ReviewPage, SectionPage

log = logging.getLogger("tongket")
AUTOSAVE_MS = 700

STATE_MARK = {EMPTY: "○", IN_PROGRESS: "◐", COMPLETE: "●"}
STATE_COLOR = {EMPTY: "#757575", IN_PROGRESS: "#e65100", COMPLETE: "#2e7d32"}
STATE_TIP = {EMPTY: "Chưa soạn", IN_PROGRESS: "Đang soạn, còn thiếu", COMPLETE: "Đã đủ nội dung"}
ROW_GAP = 6  # pixels between two wrapped titles of the sidebar


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped title: QTreeView asks a row's height
    without its width, so the width the row will have is given here (the
    column less the indent) and the style wraps the text exactly as it
    will paint it."""

    def sizeHint(self, option, index):  # noqa: N802 - Qt's name
        view = self.parent()
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        option.rect = QRect(0, 0, row_width(view, index), 1)  # height 0 is "no width"
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + ROW_GAP)


def row_width(view, index) -> int:
    """The width of an item's row in a one-column tree: the column less one
    indent per level (and one for the expand arrows at the root)."""
    depth, parent = 0, index.parent()
    while parent.isValid():
        depth, parent = depth + 1, parent.parent()
    if view.rootIsDecorated():
        depth += 1
    return max(60, view.columnWidth(0) - view.indentation() * depth)


class _Sidebar(QTreeWidget):
    """The outline's tree, whose rows are measured again whenever its width
    changes (a resized window, a moved splitter, a scroll bar that appears):
    a row measured once at another width cuts its title."""

    def __init__(self):
        super().__init__()
        self._measured_width = -1

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        width = self.viewport().width()
        if width != self._measured_width:
            self._measured_width = width
            self.scheduleDelayedItemsLayout()  # asks every row's height again


class ReportEditor(QWidget):
    closed = Signal()  # the clerk went back to the list
    damaged = Signal()  # the database turned out damaged while saving

    def __init__(self, session: ReportSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.pages: dict[str, QWidget] = {}
        self.dirty_editors: dict[str, object] = {}
        self.save_error: str | None = None
        self.spelling = None

        self.sidebar = _Sidebar()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setMinimumWidth(280)
        self.sidebar.setIndentation(14)
        # whole titles, wrapped on several lines, never cut (also at 1024 px)
        self.sidebar.setTextElideMode(Qt.ElideNone)
        self.sidebar.setWordWrap(True)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.sidebar.header().setStretchLastSection(True)
        self.sidebar.setItemDelegate(_WrapDelegate(self.sidebar))
        self.sidebar_items: dict[str, QTreeWidgetItem] = {}
        self._fill_sidebar()
        self.sidebar.currentItemChanged.connect(self._sidebar_clicked)

        self.stack = QStackedWidget()
        legend = QLabel("  ".join(f"{STATE_MARK[s]} {STATE_TIP[s].lower()}" for s in (EMPTY, IN_PROGRESS, COMPLETE)))
        legend.setObjectName("sidebar-legend")
        legend.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.sidebar, 1)
        side_layout.addWidget(legend)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        splitter.setChildrenCollapsible(False)
        from ui import source_pane

        self.source_pane = source_pane.attach(self, splitter)  # reports made from other reports

        self.back_to_list = QPushButton("Về &danh sách báo cáo")
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("saved-label")
        self.prev_button = QPushButton("&Quay lại")
        self.next_button = QPushButton("&Tiếp theo")
        self.finish_button = QPushButton("&Hoàn thành")
        self.prev_button.setToolTip("Mục trước (Ctrl+PgUp hoặc Alt+←)")
        self.next_button.setToolTip("Mục sau (Ctrl+PgDn hoặc Alt+→)")
        self.back_to_list.clicked.connect(self.close_report)
        self.prev_button.clicked.connect(self.go_previous)
        self.next_button.clicked.connect(self.go_next)
        self.finish_button.clicked.connect(self.close_report)

        bar = QHBoxLayout()
        bar.addWidget(self.back_to_list)
        bar.addWidget(self.saved_label, 1)
        bar.addWidget(self.prev_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.finish_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter, 1)
        layout.addLayout(bar)

        # between sections from anywhere in the editor, as in a tabbed window
        for keys, slot in ((("Ctrl+PgDown", "Alt+Right"), self.go_next),
                           (("Ctrl+PgUp", "Alt+Left"), self.go_previous)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_now)

        self.show_page(session.current)

    # ----------------------------------------------------------- sidebar ---
    def _fill_sidebar(self) -> None:
        bold = QFont()
        bold.setBold(True)
        parents: dict[int, QTreeWidgetItem] = {}

        def add(page_id, text, level, full_text=None):
            parent = None
            for lv in range(level - 1, 0, -1):
                if lv in parents:
                    parent = parents[lv]
                    break
            item = QTreeWidgetItem([text])
            item.setToolTip(0, full_text or text)
            if level < 3:
                item.setFont(0, bold)
            if page_id is None:
                item.setFlags(Qt.ItemIsEnabled)  # a heading, not a page
            else:
                item.setData(0, Qt.UserRole, page_id)
                self.sidebar_items[page_id] = item
            if parent is None:
                self.sidebar.addTopLevelItem(item)
            else:
                parent.addChild(item)
            return item

        add(IDENTITY_PAGE, "Thông tin chung", 1)
        for s in self.session.outline.sections:
            text = s.title if s.level > 1 else f"{s.number}: {s.heading}"
            item = add(s.id if s.is_page else None, text, s.level, text)
            parents[s.level] = item
            for deeper in [lv for lv in parents if lv > s.level]:
                del parents[deeper]
        parents.clear()
        add(REVIEW_PAGE, "Kiểm tra nội dung còn thiếu", 1)
        self.sidebar.expandAll()
        self.update_states()

    def update_states(self) -> None:
        states = self.session.states()
        for page_id, item in self.sidebar_items.items():
            if page_id == REVIEW_PAGE:
                continue
            state = states.get(page_id, EMPTY)
            base = item.toolTip(0).split("\n")[0]
            item.setText(0, f"{STATE_MARK[state]} {base}")
            item.setForeground(0, QBrush(QColor(STATE_COLOR[state])))
            item.setToolTip(0, f"{base}\n{STATE_TIP[state]}")
            item.setData(0, Qt.UserRole + 1, state)

    def _sidebar_clicked(self, current, _previous) -> None:
        if current is None:
            return
        page_id = current.data(0, Qt.UserRole)
        if page_id and page_id != self.session.current:
            self.show_page(page_id)

    # ------------------------------------------------------------- pages ---
    def _page(self, page_id: str) -> QWidget:
        if page_id not in self.pages:
            if page_id == IDENTITY_PAGE:
                page = IdentityPage(self.session)
            elif page_id == REVIEW_PAGE:
                page = ReviewPage(self.session)
                page.jump.connect(self.jump_to)
                page.draft_button.clicked.connect(lambda: self.export(draft=True))
                page.final_button.clicked.connect(lambda: self.export(draft=False))
                page.sign_button.clicked.connect(self.sign)
                self._connect_pdf_buttons(page)
            else:
                page = SectionPage(self.session, self.session.section(page_id), self._spelling())
                page.text_edited.connect(self._text_edited)
                page.history_requested.connect(self.show_history)
            page.edited.connect(self._edited)
            self.pages[page_id] = page
            self.stack.addWidget(page)
        return self.pages[page_id]

    def _spelling(self):
        """One spell checker for all the report's text boxes, made when the
        first section is shown."""
        if self.spelling is None:
            from model.spelling import checker_for_report
            from ui.spellcheck import Spelling

            self.spelling = Spelling(checker_for_report(self.session.outline, self.session.identity), self)
        return self.spelling

    def show_page(self, page_id: str, field_id: str | None = None) -> None:
        self.save_now()
        try:
            self.session.go(page_id)
        except (UserError, sqlite3.Error) as exc:
            self._report_save_problem(exc)
        page = self._page(page_id)
        page.refresh()
        self.stack.setCurrentWidget(page)
        if self.source_pane is not None:
            self.source_pane.show_section(page_id, page)
        item = self.sidebar_items.get(page_id)
        if item is not None and self.sidebar.currentItem() is not item:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentItem(item)
            self.sidebar.blockSignals(False)
        self.prev_button.setEnabled(self.session.previous_page() is not None)
        self.next_button.setEnabled(self.session.next_page() is not None)
        self.finish_button.setVisible(page_id == REVIEW_PAGE)
        self.next_button.setVisible(page_id != REVIEW_PAGE)
        page.focus_field(field_id)
        from ui.keys import assign_mnemonics

        assign_mnemonics(self.window())  # the buttons of a page made just now get their Alt letters

    def focus_current(self) -> None:
        """The cursor into the page shown (once the editor is on screen: a
        hidden widget cannot take the focus, so show_page's alone is lost)."""
        self.stack.currentWidget().focus_field(None)

    def jump_to(self, section_id, field_id) -> None:
        self.show_page(section_id or IDENTITY_PAGE, field_id)

    def go_next(self) -> None:
        nxt = self.session.next_page()
        if nxt:
            self.show_page(nxt)

    def go_previous(self) -> None:
        prev = self.session.previous_page()
        if prev:
            self.show_page(prev)

    # ---------------------------------------------------------- autosave ---
    def _text_edited(self, field_id: str, editor) -> None:
        # reading a 200,000-character editor on every key would stall typing:
        # remember which editor changed and read it when saving
        self.dirty_editors[field_id] = editor
        self._edited()

    def _edited(self) -> None:
        # not restarted while running: continuous typing is still saved
        # at most AUTOSAVE_MS after its first unsaved key
        if not self.timer.isActive():
            self.timer.start()
        self.saved_label.setText("Đang soạn…" if not self.save_error else self.saved_label.text())

    def save_now(self) -> bool:
        self.timer.stop()
        from ui.pages import fit_wrap

        for field_id, editor in list(self.dirty_editors.items()):
            text = editor.toPlainText()
            fit_wrap(editor, text)  # a pasted run without spaces stops stalling from the next key
            self.session.set_answer(field_id, text)
        self.dirty_editors.clear()
        if not self.session.dirty:
            return True
        started = time.perf_counter()
        try:
            self.session.flush()
        except (UserError, sqlite3.Error, OSError) as exc:
            from model.dberrors import is_damage

            self._report_save_problem(exc)
            if is_damage(exc):
                self.damaged.emit()  # the main window offers the newest good backup
                return False
            self.timer.start(3000)  # try again; the edits stay in memory
            return False
        self.save_error = None
        log.debug("autosave report %s in %.1f ms", self.session.report_id,
                  (time.perf_counter() - started) * 1000)
        self.saved_label.setStyleSheet("color: #2e7d32;")
        self.saved_label.setText(f"Đã lưu lúc {time.strftime('%H:%M:%S')}")
        self.update_states()
        return True

    def _report_save_problem(self, exc: Exception) -> None:
        from model import dberrors

        kind = dberrors.kind_of(exc, self.session.store.path.parent)
        if isinstance(exc, UserError):
            message = exc.message
        elif kind == dberrors.FULL:
            message = "Ổ đĩa đã đầy. Hãy xóa bớt tệp rồi TongKet sẽ tự lưu lại."
        elif kind == dberrors.BUSY:
            message = "Tệp dữ liệu đang bị chương trình khác giữ. TongKet sẽ thử lưu lại."
        elif kind == dberrors.READONLY:
            message = "Thư mục dữ liệu đang ở chế độ chỉ đọc. Hãy bỏ chế độ chỉ đọc; TongKet sẽ thử lưu lại."
        elif kind == dberrors.DAMAGED:
            message = "Tệp dữ liệu bị hỏng; chưa lưu được những thay đổi mới nhất."
        else:
            message = "Chưa lưu được vào tệp dữ liệu. Đừng tắt máy; TongKet sẽ thử lưu lại."
        log.warning("save failed for report %s: %s", self.session.report_id, type(exc).__name__)
        self.save_error = message
        self.saved_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.saved_label.setText(message)

    def show_history(self, field_id: str) -> None:
        from ui import history_dialog

        self.save_now()
        store, rid = self.session.store, self.session.report_id
        section = self.session.outline.section_of(field_id)
        field = self.session.outline.field(field_id)
        title = section.title if field.label == "Nội dung" else f"{section.title} — {field.label}"
        chosen = history_dialog.choose_version(self, title, store.history(rid, field_id))
        if chosen is None:
            return
        editor = self.pages[section.id].editors[field_id]
        store.keep_version(rid, field_id, editor.toPlainText())
        editor.setPlainText(chosen)
        self.save_now()

    def export(self, draft: bool) -> None:
        from ui.export_actions import export_report

        export_report(self, self, draft)

    def sign(self) -> None:
        from ui.sign_actions import sign_and_export

        sign_and_export(self, self)

    def _connect_pdf_buttons(self, page) -> None:
        from ui import preview_window

        page.preview_button.clicked.connect(lambda: preview_window.preview(self, self))
        page.print_button.clicked.connect(lambda: preview_window.print_report(self, self))
        page.pdf_button.clicked.connect(lambda: preview_window.open_report_pdf(self, self))

    def close_report(self) -> None:
        if self.save_now():
            self.closed.emit()
