"""'Nhận báo cáo của cấp dưới': drop files or choose a folder, see the status
board of the units with the deadline, look at one unit's report (read-only),
trust a signer, and 'Tổng hợp' into a workbook and a consolidated draft."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit,
                               QPushButton, QTableWidgetItem, QVBoxLayout)

from model import settings
from model.errors import UserError
from model.receiving import (STATUS_BAD, STATUS_CONFLICT, STATUS_MISSING, STATUS_OK, STATUS_UNCONFIRMED,
                             STATUSES, ReceivingStore)
from model.text import shown
from model.trust import key_text
from model.report import short_date
from model.text import day_text
from ui import msgbox
from ui.export_actions import choose_folder, open_folder
from ui.widgets import accept_file_drag, busy, done_busy, dropped_paths, ok_cancel_row, row_table
from ui.worker import run_in_thread

log = logging.getLogger("tongket")
STATUS_COLORS = {STATUS_OK: "#2e7d32", STATUS_UNCONFIRMED: "#e65100", STATUS_CONFLICT: "#e65100",
                 STATUS_BAD: "#b00020", STATUS_MISSING: "#757575"}
COLUMNS = ["TT", "Đơn vị", "Hạn nộp", "Tình trạng", "Kết quả kiểm tra", "Số tệp đã nhận"]
STATUS_COLUMN = 3


class ExpectedUnitsDialog(QDialog):
    """Declare the units that must report: from the official list, or typed/pasted."""

    def __init__(self, parent, current: list[str]):
        super().__init__(parent)
        self.setWindowTitle("Danh sách đơn vị phải nộp")
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        hint = QLabel("Chọn tỉnh để lấy danh sách xã, phường (sau sắp xếp từ 01/7/2025), hoặc gõ, dán "
                      "danh sách (mỗi dòng một đơn vị). Đơn vị có hạn nộp riêng (ban cán sự đảng, đảng đoàn, "
                      "ban đảng, cơ quan): ghi hạn sau dấu |, ví dụ “Đảng đoàn HĐND tỉnh | 01/8/2023”.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.province = QComboBox()
        self.province.setEditable(False)
        try:
            from model.units import provinces

            self.province.addItems([""] + provinces())
        except Exception:  # the official list is a convenience
            self.province.setEnabled(False)
        take = QPushButton("Lấy danh sách của tỉnh")
        take.clicked.connect(self._take)
        row.addWidget(self.province, 1)
        row.addWidget(take)
        layout.addLayout(row)
        self.text = QPlainTextEdit("\n".join(current))
        layout.addWidget(self.text, 1)
        layout.addLayout(ok_cancel_row(self)[0])

    def _take(self) -> None:
        from model.units import communes_of

        name = self.province.currentText()
        if name:
            self.text.setPlainText("\n".join(communes_of(name)))

    def names(self) -> list[str]:
        return [n for n in self.text.toPlainText().splitlines() if n.strip()]


def ask_expected_units(parent, current: list[str]) -> list[str] | None:
    dialog = ExpectedUnitsDialog(parent, current)
    try:
        return dialog.names() if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()


class ReportViewer(QDialog):
    """One unit's received report, read-only."""

    def __init__(self, parent, title: str, text: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        layout.addWidget(view)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        layout.addWidget(close, 0, Qt.AlignRight)


def iso_day(text) -> str:
    """'2023-07-07' (or an ISO moment) as '07/07/2023'; other text as it is."""
    import datetime as dt

    try:
        return day_text(dt.date.fromisoformat(str(text)[:10]))
    except ValueError:
        return str(text or "")


def report_as_text(outline, data: dict, info: dict) -> str:
    from model.numbers import format_number

    ident = data.get("identity", {})
    lines = [f"Đơn vị: {ident.get('unit', '')}", f"Cấp trên: {ident.get('superior', '')}",
             f"Số: {ident.get('doc_number', '')}-{ident.get('doc_code', '')}   Ngày: {iso_day(ident.get('date'))}",
             f"Người ký: {ident.get('position', '')} {ident.get('signer', '')}",
             f"Tệp: {info.get('file_name', '')} — lần ký {info.get('revision', '')} — {info.get('verdict_label', '')}",
             key_text(info.get("fingerprint") or "") if info.get("fingerprint") else "", ""]
    texts, stats = data.get("texts", {}), data.get("statistics", {})
    for s in outline.sections:
        lines.append(s.number + " " + s.heading if s.level == 1 else s.title)
        for f in s.texts:
            lines.append(str(texts.get(f.id, "")) or "[Chưa có nội dung]")
        for st in s.stats:
            v = (stats.get(st.id) or {}).get("value")
            shown = format_number(v, st.type) if isinstance(v, (int, float)) else "—"
            lines.append(f"   {st.label}: {shown} {'' if st.type == 'percent' else st.unit}")
        lines.append("")
    return "\n".join(lines)


class TrustListDialog(QDialog):
    """The units whose signing key the receiver trusts; remove one."""

    def __init__(self, parent, trust_list):
        super().__init__(parent)
        self.trust_list = trust_list
        self.setWindowTitle("Danh sách chữ ký số được tin cậy")
        self.resize(820, 420)
        self.table = row_table(["Đơn vị", "Mã chữ ký số", "Chứng thư", "Ngày xác nhận"], "trust-list", stretch=2)
        remove = QPushButton("Bỏ tin cậy đơn vị này")
        remove.clicked.connect(self._remove)
        close = QPushButton("Đóng")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Báo cáo của một đơn vị chỉ được coi là hợp lệ khi ký bằng chữ ký số có trong "
                                "danh sách này (hoặc chứng thư do tổ chức chứng thực cấp)."))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.fill()

    def fill(self) -> None:
        self.entries = self.trust_list.entries()
        self.table.setRowCount(0)
        for e in self.entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate((e.unit, e.short_id, e.subject, iso_day(e.added_at))):
                self.table.setItem(row, col, QTableWidgetItem(shown(text)))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.entries):
            return
        unit = self.entries[row].unit
        if msgbox.ask(self, f"Bỏ tin cậy mọi chữ ký số của “{shown(unit)}”? Báo cáo của đơn vị sẽ trở lại "
                            "trạng thái chưa xác nhận.", yes="Bỏ tin cậy", no="Không"):
            self.trust_list.remove(unit)
            self.fill()


class ReceiveWindow(QDialog):
    def __init__(self, store, catalog, parent=None):
        super().__init__(parent)
        self.store = store
        self.rs = ReceivingStore(store)
        self.catalog = catalog
        self.board_lines: list[dict] = []
        self.setWindowTitle("Nhận báo cáo của cấp dưới")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setAcceptDrops(True)
        self.resize(1000, 640)

        self.outline_box = QComboBox()
        for key, o in sorted(catalog.outlines.items()):
            self.outline_box.addItem(o.name, key)
        default = catalog.default().key
        self.outline_box.setCurrentIndex(max(0, self.outline_box.findData(default)))
        self.outline_box.currentIndexChanged.connect(self.refresh)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        hint = QLabel("Kéo thả các tệp .zip hoặc cả thư mục (ổ USB) vào đây, hoặc dùng các nút bên dưới.")
        hint.setWordWrap(True)

        self.table = row_table(COLUMNS, "status-board", stretch=1)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.view_unit(r))
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.files_button = QPushButton("Chọn tệp…")
        self.folder_button = QPushButton("Chọn thư mục…")
        self.units_button = QPushButton("Danh sách đơn vị phải nộp…")
        self.view_button = QPushButton("Xem báo cáo")
        self.trust_button = QPushButton("Xác nhận người ký…")
        self.trust_list_button = QPushButton("Danh sách tin cậy…")
        self.anchors_button = QPushButton("Chứng thư gốc tin cậy…")
        self.consolidate_button = QPushButton("Tổng hợp")
        self.own_report_button = QPushButton("Tạo báo cáo của cấp mình từ các báo cáo đã nhận…")
        self.own_report_button.clicked.connect(self.create_own_report)
        self.close_button = QPushButton("Đóng")
        self.files_button.clicked.connect(self._choose_files)
        self.folder_button.clicked.connect(self._choose_folder)
        self.units_button.clicked.connect(self._edit_units)
        self.view_button.clicked.connect(lambda: self.view_unit(self.table.currentRow()))
        self.trust_button.clicked.connect(self._trust)
        self.trust_list_button.clicked.connect(self._edit_trust_list)
        self.anchors_button.clicked.connect(self._edit_anchors)
        self.consolidate_button.clicked.connect(self.consolidate)
        self.close_button.clicked.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(QLabel("Đề cương:"))
        top.addWidget(self.outline_box, 1)
        row1 = QHBoxLayout()
        for b in (self.files_button, self.folder_button, self.units_button, self.trust_list_button,
                  self.anchors_button):
            row1.addWidget(b)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        for b in (self.view_button, self.trust_button):
            row2.addWidget(b)
        row2.addStretch(1)
        row2.addWidget(self.own_report_button)
        row2.addWidget(self.consolidate_button)
        row2.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row1)
        layout.addLayout(row2)
        self.refresh()

    @property
    def outline(self):
        key = self.outline_box.currentData()
        return self.catalog.outlines.get(key) or self.catalog.default()

    # ------------------------------------------------------------- board ---
    def refresh(self) -> None:
        outline = self.outline
        self.board_lines = self.rs.board(outline)
        self.table.setRowCount(0)
        for i, line in enumerate(self.board_lines, start=1):
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = line["unit"] + ("" if line["expected"] else " (ngoài danh sách)")
            verdict = "; ".join([line["verdict"], *line["notes"]]) if line["verdict"] else ""
            deadline = short_date(line["deadline"]) + (f" ({line['late']})" if line["late"] else "")
            cells = [str(i), shown(name), deadline, line["status"], verdict, str(line["packages"])]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == STATUS_COLUMN:
                    item.setForeground(QBrush(QColor(STATUS_COLORS[line["status"]])))
                if col == 2 and line["late"]:
                    item.setForeground(QBrush(QColor("#b00020")))
                self.table.setItem(row, col, item)
        counts = {s: sum(1 for b in self.board_lines if b["status"] == s) for s in STATUSES}
        deadline = short_date(outline.defaults.deadline) or "chưa đặt"
        expected = sum(1 for b in self.board_lines if b["expected"])
        late = sum(1 for b in self.board_lines if b["late"])
        self.summary.setText(f"Hạn nộp: {deadline}. Đơn vị phải nộp: {expected}. "
                             + (f"Nộp muộn, quá hạn: {late}. " if late else "")
                             + "; ".join(f"{s}: {counts[s]}" for s in STATUSES if counts[s] or s != STATUS_CONFLICT)
                             + ".")
        self._update_buttons()

    def _line(self):
        row = self.table.currentRow()
        return self.board_lines[row] if 0 <= row < len(self.board_lines) else None

    def _update_buttons(self) -> None:
        line = self._line()
        has = bool(line and line["current_id"])
        self.view_button.setEnabled(has)
        self.trust_button.setEnabled(bool(line and line["confirmable"]))
        self.consolidate_button.setEnabled(any(b["current_id"] for b in self.board_lines))
        self.own_report_button.setEnabled(self.consolidate_button.isEnabled() and self.parent() is not None)

    # ------------------------------------------------------------ import ---
    def dragEnterEvent(self, event) -> None:
        accept_file_drag(event)

    def dropEvent(self, event) -> None:
        self.receive(dropped_paths(event))

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn các tệp báo cáo nhận được", "",
                                                "Gói báo cáo (*.zip)")
        if names:
            self.receive([Path(n) for n in names])

    def _choose_folder(self) -> None:
        # files shown too (greyed): a USB folder of packages must not look empty
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục chứa các tệp báo cáo (.zip)", "",
                                                  QFileDialog.Option(0))
        if folder:
            self.receive([Path(folder)])

    def receive(self, paths, done=None) -> None:
        if not paths:
            return
        progress = busy(self, "Đang kiểm tra các tệp nhận được…")
        outline = self.outline

        def ok(received):
            outcomes, summary = received
            done_busy(progress)
            self.refresh()
            (msgbox.warning if summary.problems else msgbox.information)(
                self, summary.headline, "\n".join(summary.lines))
            if done:
                done(outcomes)

        def fail(exc):
            done_busy(progress)
            msgbox.error(self, exc.message if isinstance(exc, UserError) else
                         "Không nhận được các tệp đã chọn do lỗi ngoài dự kiến. Hãy thử lại.")
            if done:
                done(exc)

        from export import actions

        db_path = self.store.path
        run_in_thread(lambda job: actions.receive_in_own_connection(db_path, paths, outline, job=job),
                      ok, fail, self, label="nhan-bao-cao")

    # ----------------------------------------------------------- actions ---
    def _edit_units(self) -> None:
        names = ask_expected_units(self, self.rs.expected_lines())
        if names is not None:
            refused = self.rs.set_expected(names)
            self.refresh()
            if refused:
                msgbox.warning(self, "Các tên đơn vị sau có ký tự lạ (chữ Kirin, Hy Lạp hoặc ký tự vô hình) "
                                     "nên không được đưa vào danh sách. Hãy gõ lại các tên này.",
                               "\n".join(refused))

    def view_unit(self, row: int):
        if not (0 <= row < len(self.board_lines)) or not self.board_lines[row]["current_id"]:
            return None
        rid = self.board_lines[row]["current_id"]
        viewer = ReportViewer(self, f"Báo cáo của {self.board_lines[row]['unit']}",
                              report_as_text(self.outline, self.rs.data(rid), self.rs.package_info(rid)))
        viewer.show()
        return viewer

    def _trust(self) -> None:
        line = self._line()
        if not line or not line["confirmable"]:
            return
        infos = [self.rs.package_info(rid) for rid in line["confirmable"]]
        keys: dict[str, dict] = {}
        for info in infos:
            keys.setdefault(info["fingerprint"], info)
        if len(keys) > 1:
            from PySide6.QtWidgets import QInputDialog

            choices = [f"{i['short_id']} — {shown(i['subject'])} — {shown(i['file_name'])}" for i in keys.values()]
            picked, ok = QInputDialog.getItem(
                self, "Xác nhận người ký",
                f"Có {len(keys)} chữ ký số khác nhau cùng nhận là của “{line['unit']}”.\n"
                "Hãy hỏi đơn vị mã chữ ký số đúng rồi chọn:", choices, 0, False)
            if not ok:
                return
            info = list(keys.values())[choices.index(picked)]
        else:
            info = next(iter(keys.values()))
        if not msgbox.ask(self, f"Xác nhận chữ ký số của “{line['unit']}”?\n\nChỉ đồng ý khi mã chữ ký số "
                                f"{info['short_id']} trùng với mã đơn vị báo (in cuối báo cáo giấy hoặc qua "
                                "điện thoại).", yes="Tin cậy", no="Không", detail=key_text(info["fingerprint"])):
            return
        self.rs.trust_package(info["id"])
        self.refresh()

    def _edit_trust_list(self) -> None:
        dialog = TrustListDialog(self, self.rs.trust)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.refresh()

    def _edit_anchors(self) -> None:
        from ui.anchors_dialog import show_anchors

        show_anchors(self)
        self.refresh()

    def create_own_report(self):
        from ui.derive_actions import create_own_report

        return create_own_report(self, self.parent())

    def consolidate(self, done=None) -> None:
        unconfirmed = self.rs.unconfirmed_units(self.outline)
        if unconfirmed and not msgbox.ask(
                self, f"{len(unconfirmed)} đơn vị có báo cáo hợp lệ nhưng chưa được xác nhận chữ ký số. "
                      "Vẫn tổng hợp? (Các dòng này được tô màu cam trong bảng tổng hợp; nên xác nhận "
                      "người ký trước khi gửi đi.)", yes="Vẫn tổng hợp", no="Để sau",
                detail="\n".join(shown(u) for u in unconfirmed)):
            return
        folder = choose_folder(self, "Chọn thư mục lưu bảng tổng hợp")
        if not folder:
            return
        settings.put("last_export_folder", folder)
        outline = self.outline
        store_path = self.store.path

        def work():
            from export import actions

            return actions.consolidate_in_own_connection(store_path, outline, folder)

        def ok(result):
            text = (f"Đã tổng hợp {result.units} đơn vị vào thư mục {result.xlsx.parent}:\n"
                    f"{result.xlsx.name}\n{result.docx.name}")
            if result.unconfirmed:
                text += f"\n\nChưa xác nhận người ký: {len(result.unconfirmed)} đơn vị (tô màu cam)."
            if result.skipped:
                text += "\n\nKhông dùng được dữ liệu của: " + ", ".join(result.skipped)
            if result.missing:
                text += f"\n\nChưa nộp hợp lệ: {len(result.missing)} đơn vị."
            if msgbox.ask(self, text, yes="Mở thư mục", no="Đóng"):
                open_folder(result.xlsx.parent)
            if done:
                done(result)

        def fail(exc):
            msgbox.error(self, exc.message if isinstance(exc, UserError) else
                         "Tổng hợp không thành công do lỗi ngoài dự kiến. Hãy thử lại.")
            if done:
                done(exc)

        run_in_thread(work, ok, fail, self, label="tong-hop")
