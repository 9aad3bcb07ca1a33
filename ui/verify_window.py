"""'Kiểm tra tệp báo cáo': drop or choose received files, see at once whether
each is authentic and intact, and trust a unit's signer after comparing its
fingerprint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QTableWidgetItem, QVBoxLayout)

from ui import msgbox
from ui.widgets import accept_file_drag, dropped_paths, row_table
from ui.worker import run_in_thread

COLORS = {"valid": "#2e7d32", "unknown_signer": "#e65100"}
COLUMNS = ["Tệp", "Kết quả", "Đơn vị", "Người ký (chứng thư)", "Lần ký"]


def verify_all(paths):
    """In a worker thread: no database, only the files."""
    from export.verify import verify_package

    return [verify_package(p) for p in paths]


def apply_trust_list(store, verdicts):
    """On the main thread: the receiver's trusted signers decide."""
    from export.verify import apply_trust

    for v in verdicts:
        if v.intact:
            apply_trust(v, store.trusted_fingerprints(v.unit))
    return verdicts


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
        self.choose.clicked.connect(self._choose)
        self.trust.clicked.connect(self._trust)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addWidget(self.trust)
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

    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp báo cáo nhận được", "",
                                                "Gói báo cáo (*.zip);;Tất cả các tệp (*)",
                                                options=QFileDialog.DontUseNativeDialog)
        if names:
            self.check([Path(n) for n in names])

    def check(self, paths, done=None) -> None:
        files = []
        for p in paths:
            files.extend(sorted(p.glob("*.zip")) if p.is_dir() else [p])
        if not files:
            return
        self.choose.setEnabled(False)

        def ok(verdicts):
            self.choose.setEnabled(True)
            self.verdicts.extend(apply_trust_list(self.store, verdicts))
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
            cells = [v.path.name, v.label, v.unit, v.subject,
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
        lines = [f"Tệp: {v.path}", f"Kết quả: {v.label}"]
        if v.unit:
            lines.append(f"Đơn vị báo cáo: {v.unit}")
        if v.subject:
            lines.append(f"Chứng thư số: {v.subject}")
        if v.fingerprint:
            lines.append(f"Dấu vân tay (SHA-256): {v.fingerprint}")
        if v.signed_at:
            try:
                import datetime as dt

                when = dt.datetime.fromisoformat(v.signed_at).astimezone().strftime("%H:%M ngày %d/%m/%Y")
            except ValueError:
                when = v.signed_at
            lines.append(f"Thời điểm ký theo đồng hồ máy gửi (chỉ để tham khảo): {when}")
        lines += [f"- {d}" for d in v.details]
        self.details.setPlainText("\n".join(lines))
        self.trust.setEnabled(v.code == "unknown_signer")

    def _trust(self) -> None:
        v = self._current()
        if v is None or v.code != "unknown_signer":
            return
        if not msgbox.ask(self, f"Tin cậy chữ ký số của “{v.unit}”?\n\nChỉ đồng ý khi dấu vân tay dưới "
                                "đây trùng với dấu vân tay đơn vị báo (in cuối báo cáo giấy hoặc qua điện thoại).",
                          yes="Tin cậy", no="Không", detail=v.fingerprint):
            return
        self.store.trust_signer(v.unit, v.fingerprint, v.subject)
        from export.verify import VALID

        for other in self.verdicts:
            if other.code == "unknown_signer" and other.fingerprint == v.fingerprint:
                other.code = VALID
                other.details = [d for d in other.details if not d.startswith("lần đầu")]
        self._fill()
