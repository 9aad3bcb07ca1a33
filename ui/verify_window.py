"""'Kiểm tra tệp báo cáo': drop or choose received files, see at once whether
each is authentic and intact, and trust a unit's signer after comparing its
fingerprint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QTableWidgetItem, QVBoxLayout)

from model.text import shown, when_text
from model.trust import key_text
from ui import msgbox
from ui.widgets import accept_file_drag, dropped_paths, row_table
from ui.worker import run_in_thread

COLORS = {"valid": "#2e7d32", "unknown_signer": "#e65100", "conflict": "#e65100"}
COLUMNS = ["Tệp", "Kết quả", "Đơn vị", "Người ký (chứng thư)", "Lần ký"]


def verify_all(paths):
    """In a worker thread: no database, only the files."""
    from export.receive import verify_files

    return verify_files(paths)


def apply_trust_list(store, verdicts):
    """On the main thread: the receiver's trust decisions, by the same rule
    as the CLI (export/actions.decide)."""
    from export import actions

    return actions.decide(store, verdicts)


class VerifyWindow(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.verdicts = []
        self.setWindowTitle("Kiểm tra tệp báo cáo")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.resize(980, 560)
        self.setAcceptDrops(True)
        hint = QLabel("Kéo thả các tệp .zip nhận được vào đây, hoặc bấm “Chọn tệp…”. "
                      "TongKet kiểm tra chữ ký số và từng tệp bên trong, không cần giải nén.")
        hint.setWordWrap(True)
        self.table = row_table(COLUMNS, "verdicts")
        self.table.itemSelectionChanged.connect(self._show_details)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(150)
        self.choose = QPushButton("Chọn tệp…")
        self.trust = QPushButton("Tin cậy người ký này")
        self.trust.setEnabled(False)
        self.close_button = QPushButton("Đóng")
        self.anchors_button = QPushButton("Chứng thư gốc tin cậy…")
        self.anchors_button.clicked.connect(self._edit_anchors)
        self.choose.clicked.connect(self._choose)
        self.trust.clicked.connect(self._trust)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addWidget(self.trust)
        buttons.addWidget(self.anchors_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)

    # ------------------------------------------------------------- input ---
    def dragEnterEvent(self, event) -> None:
        accept_file_drag(event)

    def dropEvent(self, event) -> None:
        self.check(dropped_paths(event))

    def _edit_anchors(self) -> None:
        """Check the same files again against the new list of roots."""
        from ui.anchors_dialog import show_anchors

        show_anchors(self)
        paths = [v.path for v in self.verdicts]
        if paths:
            self.verdicts = []
            self.check(paths)

    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp báo cáo nhận được", "",
                                                "Gói báo cáo (*.zip);;Tất cả các tệp (*)")
        if names:
            self.check([Path(n) for n in names])

    def check(self, paths, done=None) -> None:
        from export.receive import expand

        files = expand(paths)
        if not files:
            return
        self.choose.setEnabled(False)

        def ok(verdicts):
            self.choose.setEnabled(True)
            self.verdicts.extend(verdicts)
            apply_trust_list(self.store, self.verdicts)
            self._fill()
            if done:
                done(verdicts)

        def fail(exc):
            self.choose.setEnabled(True)
            msgbox.error(self, "Không kiểm tra được các tệp đã chọn. Hãy thử lại.")

        run_in_thread(lambda: verify_all(files), ok, fail, self)

    # ----------------------------------------------------------- display ---
    def _fill(self) -> None:
        self.table.setRowCount(0)
        for v in self.verdicts:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = [shown(v.path.name), v.label, shown(v.unit), shown(v.subject),
                     "" if v.revision is None else str(v.revision)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setForeground(QBrush(QColor(COLORS.get(v.code, "#b00020"))))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        if self.verdicts:
            self.table.selectRow(self.table.rowCount() - 1)

    def _current(self):
        row = self.table.currentRow()
        return self.verdicts[row] if 0 <= row < len(self.verdicts) else None

    def _show_details(self) -> None:
        v = self._current()
        if v is None:
            self.details.clear()
            self.trust.setEnabled(False)
            return
        lines = [f"Tệp: {shown(v.path, 300)}", f"Kết quả: {v.label}"]
        if v.unit:
            lines.append(f"Đơn vị báo cáo: {shown(v.unit)}")
        if v.subject:
            lines.append(f"Chứng thư số: {shown(v.subject)}")
        if v.key_id:
            lines.append(key_text(v.key_id))
        if v.signed_at:
            lines.append(f"Thời điểm ký theo đồng hồ máy gửi (chỉ để tham khảo): {when_text(v.signed_at)}")
        lines += [f"- {d}" for d in v.notes()]
        self.details.setPlainText("\n".join(lines))
        self.trust.setEnabled(v.code in ("unknown_signer", "conflict"))

    def _trust(self) -> None:
        v = self._current()
        if v is None or v.code not in ("unknown_signer", "conflict"):
            return
        if not msgbox.ask(self, f"Xác nhận chữ ký số của “{shown(v.unit)}”?\n\nChỉ đồng ý khi mã chữ ký số "
                                f"{v.short_id} trùng với mã đơn vị báo (in cuối báo cáo giấy hoặc qua "
                                "điện thoại).", yes="Tin cậy", no="Không", detail=key_text(v.key_id)):
            return
        from model.store import now_iso
        from model.trust import TrustList

        TrustList(self.store.db).add(v.unit, v.key_id, v.short_id, v.subject, now_iso())
        apply_trust_list(self.store, self.verdicts)
        self._fill()
