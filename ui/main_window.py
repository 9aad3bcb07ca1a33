"""The main window: the start page or the report editor."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QStackedWidget

from model.errors import UserError
from model.paths import database_path, ensure_data_dir
from ui.start_page import StartPage

# The store (sqlite-utils), the outline files and the editor are loaded after
# the start window is on screen (see ui/app.py), so that it appears at once.


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("TongKet - Soạn báo cáo tổng kết")
        self.resize(1100, 720)
        self.store = None  # model.store.DraftStore
        self.catalog = None  # model.outline.OutlineCatalog
        self.editor = None  # ui.editor.ReportEditor
        self.stack = QStackedWidget()
        self.start = StartPage()
        self.stack.addWidget(self.start)
        self.setCentralWidget(self.stack)
        self.start.create_requested.connect(self.create_report)
        self.start.open_requested.connect(self.open_report)
        self.start.delete_requested.connect(self.delete_report)
        from PySide6.QtWidgets import QPushButton

        self.verify_button = QPushButton("Kiểm tra tệp báo cáo")
        self.verify_button.clicked.connect(self.open_verify)
        self.receive_button = QPushButton("Nhận báo cáo của cấp dưới")
        self.receive_button.clicked.connect(self.open_receive)
        self.start.extra_buttons.addWidget(self.verify_button)
        self.start.extra_buttons.addWidget(self.receive_button)
        self.verify_window = None
        self.receive_window = None

    # -------------------------------------------------------------- data ---
    def open_store(self) -> bool:
        from ui import msgbox

        from model.outline import OutlineCatalog
        from model.store import DraftStore

        try:
            ensure_data_dir()
            self.store = DraftStore(database_path())
        except UserError as exc:
            msgbox.error(self, exc.message)
            return False
        except OSError:
            msgbox.error(self, "Không tạo được thư mục dữ liệu của TongKet. "
                               "Hãy kiểm tra quyền ghi trên máy hoặc chọn thư mục khác.")
            return False
        self.catalog = OutlineCatalog()
        if self.catalog.errors:
            msgbox.warning(self, "Có tệp đề cương bị lỗi nên chưa dùng được.",
                           "\n".join(self.catalog.errors))
        self.refresh()
        return True

    def refresh(self) -> None:
        self.start.populate(self.store.list_reports(), self.catalog)

    # ----------------------------------------------------------- actions ---
    def create_report(self) -> None:
        from model.report import default_identity

        outline = self.catalog.default()
        rid = self.store.create_report(outline, default_identity(outline))
        import logging

        logging.getLogger("tongket").info("created report %s", rid)
        self.open_report(rid)

    def open_report(self, report_id: int) -> None:
        from ui import msgbox

        from model.session import ReportSession
        from ui.editor import ReportEditor

        try:
            report = self.store.get_report(report_id)
            outline = self.catalog.get(report.outline_id, report.outline_version)
            session = ReportSession(self.store, outline, report_id)
        except UserError as exc:
            msgbox.error(self, exc.message)
            return
        self.close_editor()
        self.editor = ReportEditor(session)
        self.editor.closed.connect(self.close_editor)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        unit = report.identity.unit or "báo cáo mới"
        self.setWindowTitle(f"TongKet - {unit}")

    def close_editor(self) -> None:
        if self.editor is None:
            return
        editor, self.editor = self.editor, None
        editor.save_now()
        self.stack.removeWidget(editor)
        editor.deleteLater()
        self.setWindowTitle("TongKet - Soạn báo cáo tổng kết")
        self.refresh()
        self.start.select_id(editor.session.report_id)

    def open_verify(self):
        from ui.verify_window import VerifyWindow

        from shiboken6 import isValid

        # the window deletes itself when closed (WA_DeleteOnClose)
        if self.verify_window is None or not isValid(self.verify_window):
            self.verify_window = VerifyWindow(self.store, self)
        self.verify_window.show()
        self.verify_window.raise_()
        return self.verify_window

    def open_receive(self):
        from shiboken6 import isValid

        from ui.receive_window import ReceiveWindow

        if self.receive_window is None or not isValid(self.receive_window):
            self.receive_window = ReceiveWindow(self.store, self.catalog, self)
        self.receive_window.show()
        self.receive_window.raise_()
        return self.receive_window

    def delete_report(self, report_id: int) -> None:
        from ui import msgbox

        report = self.store.get_report(report_id)
        name = report.identity.unit or "chưa ghi đơn vị"
        if not msgbox.ask(self, f"Xóa báo cáo của “{name}”? Không thể lấy lại sau khi xóa.",
                          yes="Xóa", no="Không xóa"):
            return
        self.store.delete_report(report_id)
        self.refresh()

    def closeEvent(self, event) -> None:
        from ui import msgbox

        if self.editor is not None and not self.editor.save_now():
            if not msgbox.ask(self, "Chưa lưu được những thay đổi mới nhất. Vẫn đóng TongKet?",
                              yes="Vẫn đóng", no="Ở lại"):
                event.ignore()
                return
        if self.store is not None:
            self.store.close()
            self.store = None
        event.accept()
