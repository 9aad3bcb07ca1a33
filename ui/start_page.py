"""The start window: the reports on this computer, and what to do with them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from ui.widgets import row_table


COLUMNS = ["Đơn vị báo cáo", "Ngày báo cáo", "Tiến độ", "Hạn nộp", "Sửa lần cuối"]


# Qt.ItemDataRole.UserRole as a number: the first use of PySide's Qt namespace
# costs about 25 ms, which the start window pays only after its list is shown.
USER_ROLE = 256


class ButtonRows(QVBoxLayout):
    """Buttons added one by one, laid out in rows of per_row, left-aligned."""

    def __init__(self, per_row: int = 4):
        super().__init__()
        self.per_row = per_row
        self.rows: list[QHBoxLayout] = []
        self.count_in_row = per_row

    def addWidget(self, widget, *args) -> None:  # noqa: N802 - Qt's name
        if self.count_in_row >= self.per_row:
            row = QHBoxLayout()
            row.addStretch(1)
            self.addLayout(row)
            self.rows.append(row)
            self.count_in_row = 0
        row = self.rows[-1]
        row.insertWidget(row.count() - 1, widget, *args)
        self.count_in_row += 1


class StartPage(QWidget):
    create_requested = Signal()
    open_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        title = QLabel("Báo cáo tổng kết")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.table = row_table(COLUMNS, "reports-table", stretch=0)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._open_row(row))
        # Enter (or Return) on a row opens it, as a double click does
        self.table.activated.connect(lambda index: self._open_key(index.row()))
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.new_button = QPushButton("Tạo báo cáo mới")
        self.continue_button = QPushButton("Tiếp tục soạn")
        self.delete_button = QPushButton("Xóa")
        self.new_button.clicked.connect(self.create_requested)
        self.continue_button.clicked.connect(lambda: self._open_row(self.table.currentRow()))
        self.delete_button.clicked.connect(self._delete_current)
        self.extra_buttons = ButtonRows(per_row=4)  # later features add buttons here

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        # rows of their own, four a row: in one row they need over 1,200 px (a 1024 px screen cut them)
        extra = self.extra_buttons

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(extra)
        self._update_buttons()

    def populate(self, reports, catalog) -> None:
        from model.report import progress, short_date
        from model.text import when_text

        rows = []
        for report in reports:
            try:
                outline = catalog.for_report(report)
                done, total = progress(outline, report.answers)
                prog = f"{done}/{total} mục"
            except Exception:
                prog = "Thiếu tệp đề cương"
            rows.append((report.id, [report.identity.unit or "(chưa ghi đơn vị)", short_date(report.identity.date),
                                     prog, short_date(report.identity.deadline), when_text(report.updated_at)]))
        self._fill(rows)

    def populate_quick(self, rows: list[dict]) -> None:
        """The list as a quick look at the database gives it (model.schema.
        peek_reports), before the store is open: progress follows a moment later."""
        import datetime as dt

        from model.text import day_text, when_text

        def day(text):
            try:
                return day_text(dt.date.fromisoformat(text)) if text else ""
            except ValueError:
                return ""

        self._fill([(r["id"], [r["unit"] or "(chưa ghi đơn vị)", day(r["date"]), "…", day(r["deadline"]),
                               when_text(r["updated_at"])]) for r in rows], center=False)

    def _fill(self, rows: list[tuple[int, list[str]]], center: bool = True) -> None:
        self.table.setRowCount(0)
        for report_id, cells in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(USER_ROLE, report_id)
                if col in (2,) and center:
                    from PySide6.QtCore import Qt

                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        if rows:
            self.table.selectRow(0)
            self.hint.setText("Chọn một báo cáo rồi bấm “Tiếp tục soạn”, hoặc bấm đúp vào dòng đó.")
        else:
            self.hint.setText("Chưa có báo cáo nào. Bấm “Tạo báo cáo mới” để bắt đầu.")
        self._update_buttons()

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        if row < 0 or self.table.item(row, 0) is None:
            return None
        return self.table.item(row, 0).data(USER_ROLE)

    def select_id(self, report_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(USER_ROLE) == report_id:
                self.table.selectRow(row)

    def _open_key(self, row: int) -> None:
        from PySide6.QtWidgets import QApplication

        from PySide6.QtCore import Qt

        if QApplication.mouseButtons() == Qt.MouseButton.NoButton:  # a double click opens through cellDoubleClicked
            self._open_row(row)

    def _open_row(self, row: int) -> None:
        if row >= 0 and self.table.item(row, 0) is not None:
            self.open_requested.emit(self.table.item(row, 0).data(USER_ROLE))

    def _delete_current(self) -> None:
        rid = self.selected_id()
        if rid is not None:
            self.delete_requested.emit(rid)

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.continue_button.setEnabled(has)
        self.delete_button.setEnabled(has)
