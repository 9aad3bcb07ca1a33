"""The main window: the start page or the report editor."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QStackedWidget

from model.errors import UserError
from model.paths import database_path, ensure_data_dir
from ui.start_page import StartPage

# The store (sqlite-utils), the outline files and the editor are loaded after
# the start window is on screen (see ui/app.py), so that it appears at once.


def choose_data_dir(parent) -> str:
    """'Chọn thư mục dữ liệu khác…' (tests patch this)."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, "Chọn thư mục dữ liệu của TongKet", "",
                                            QFileDialog.Option(0))


MAIN_TITLE = "Soạn báo cáo tổng kết"


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(MAIN_TITLE)  # Qt adds " – TongKet" (the display name)
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
        self.outline_button = QPushButton("Nạp đề cương mới…")
        self.outline_button.setToolTip("Dùng tệp đề cương (.toml) do cấp trên gửi cho đợt tổng kết khác")
        self.outline_button.clicked.connect(lambda: self.install_outline())
        self.start.extra_buttons.addWidget(self.outline_button)
        self.copy_button = QPushButton("Tạo báo cáo mới từ báo cáo có sẵn…")
        self.copy_button.clicked.connect(self.create_from_existing)
        self.start.extra_buttons.addWidget(self.copy_button)
        self.backup_button = QPushButton("Sao lưu")
        self.restore_button = QPushButton("Khôi phục")
        self.backup_button.clicked.connect(self.make_backup)
        self.restore_button.clicked.connect(lambda: self.restore_backup())
        self.start.extra_buttons.addWidget(self.backup_button)
        self.start.extra_buttons.addWidget(self.restore_button)
        self.start.extra_buttons.addWidget(self.verify_button)
        self.start.extra_buttons.addWidget(self.receive_button)
        self.logs_button = QPushButton("Gửi nhật ký lỗi…")
        self.logs_button.setToolTip("Chép nhật ký hoạt động và lỗi của TongKet vào một thư mục để gửi "
                                    "cán bộ kỹ thuật (không chứa nội dung báo cáo)")
        self.logs_button.clicked.connect(lambda: self.send_logs())
        self.start.extra_buttons.addWidget(self.logs_button)
        self.help_button = QPushButton("Hướng dẫn")
        self.help_button.setToolTip("Hướng dẫn sử dụng ngắn (phím F1)")
        self.help_button.clicked.connect(self.open_help)
        self.start.extra_buttons.addWidget(self.help_button)
        self.verify_window = None
        self.receive_window = None
        # called with the new folder when the clerk picks another data folder;
        # returns False when it cannot be used (ui/app.py moves the one-instance lock)
        self.data_dir_changed = None

    def open_help(self) -> None:
        from ui.help_window import show_help

        show_help(self)

    # -------------------------------------------------------------- data ---
    def show_quick_list(self) -> bool:
        """The list of reports at once, from a quick read-only look, while the
        store opens (and checks, migrates, backs up) just after."""
        from model.schema import peek_reports

        rows = peek_reports(database_path())
        if rows is None:
            return False
        self.start.populate_quick(rows)
        return True

    def open_store(self) -> bool:
        """Open the data folder's database, or say truthfully why not and offer
        what helps: the newest backup holding reports (damaged, missing or
        0-byte database), another data folder (full or read-only disk, a
        foreign or newer database).  Never sets a healthy file aside."""
        import sqlite3

        from model import backup
        from model.dberrors import as_user_error, is_damage
        from model.outline import OutlineCatalog
        from model.recovery import MissingDatabase, open_store
        from model.store import DamagedDatabase

        try:
            try:
                ensure_data_dir()
            except OSError as exc:
                raise as_user_error(exc, "tạo thư mục dữ liệu", database_path().parent.parent) from exc
            self.store = open_store()
        except MissingDatabase as exc:
            if not self._offer_restore(exc.message, exc.offer, damaged=False):
                return False
        except DamagedDatabase as exc:
            if not self._recover_damaged(exc.message):
                return False
        except UserError as exc:  # full or read-only disk, foreign or newer database
            return self._other_folder(exc.message)
        try:
            backup.daily_backup(self.store.db.conn)
        except UserError as exc:
            self.start.hint.setText(exc.message)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            return self.damage_found()
        self.catalog = OutlineCatalog()
        if self.catalog.errors:
            from ui import msgbox

            msgbox.warning(self, "Có tệp đề cương bị lỗi nên chưa dùng được; các đề cương khác vẫn dùng bình thường.",
                           "\n".join(self.catalog.errors))
        try:
            self.refresh()
        except sqlite3.DatabaseError as exc:  # damage quick_check did not see
            if not is_damage(exc):
                raise
            return self.damage_found()
        return True

    def _other_folder(self, message: str) -> bool:
        """The data folder cannot be used: offer another one (--data-dir in the GUI)."""
        from ui import msgbox

        if not msgbox.ask(self, message, yes="Chọn thư mục dữ liệu khác…", no="Thoát"):
            return False
        folder = choose_data_dir(self)
        if not folder:
            return False
        from model.paths import set_data_dir

        set_data_dir(folder)
        if self.data_dir_changed is not None and not self.data_dir_changed(database_path().parent):
            return False
        return self.open_store()

    def _offer_restore(self, message: str, offer, damaged: bool) -> bool:
        from ui import msgbox

        from model import backup

        if not msgbox.ask(self, f"{message}\n\nKhôi phục bản sao lưu {backup.describe(offer)}?",
                          yes="Khôi phục", no="Thoát"):
            return False
        return self._restore_and_reopen(offer.path, damaged)

    def _restore_and_reopen(self, source, damaged: bool) -> bool:
        from ui import msgbox

        from model import backup
        from model.recovery import open_store

        try:
            result = backup.restore(source, database_path(), damaged=damaged)
            self.store = open_store()
        except UserError as exc:
            msgbox.error(self, exc.message)
            return False
        msgbox.information(self, "Đã khôi phục dữ liệu.", "\n".join(result.lines()))
        return True

    def _recover_damaged(self, message: str) -> bool:
        """A damaged database is never overwritten: it is set aside, and the
        newest good backup holding reports is restored if the clerk agrees."""
        from ui import msgbox

        from model import backup
        from model.recovery import open_store

        good = backup.newest_good_backup()
        if good is not None:
            return self._offer_restore(message, good, damaged=True)
        if not msgbox.ask(self, f"{message}\n\nChưa có bản sao lưu nào. Tạo tệp dữ liệu mới? "
                                "Tệp bị hỏng được giữ lại bên cạnh, không bị xóa.",
                          yes="Tạo tệp mới", no="Thoát"):
            return False
        try:
            aside = backup.set_aside(database_path())
            self.store = open_store()
        except (UserError, OSError) as err:
            msgbox.error(self, getattr(err, "message", "Không đặt được tệp bị hỏng sang bên cạnh. "
                                                       "Hãy liên hệ cán bộ kỹ thuật."))
            return False
        msgbox.information(self, "Đã tạo tệp dữ liệu mới.", f"Tệp bị hỏng được giữ tại: {aside}")
        return True

    def damage_found(self) -> bool:
        """Damage that surfaced after the start-up check (reading a report,
        saving): close everything and offer the newest good backup."""
        from model.dberrors import DAMAGED_MESSAGE

        if self.editor is not None:
            editor, self.editor = self.editor, None
            self.stack.removeWidget(editor)
            editor.deleteLater()
        if self.store is not None:
            try:
                self.store.db.close()
            except Exception:  # noqa: BLE001 - a damaged file may fail even to close
                pass
            self.store = None
        if not self._recover_damaged(DAMAGED_MESSAGE):
            self.start.populate([], self.catalog) if self.catalog else None
            self.start.hint.setText("Tệp dữ liệu bị hỏng và chưa được khôi phục. Hãy đóng rồi mở lại "
                                    "TongKet để khôi phục từ bản sao lưu.")
            self.start.setEnabled(False)
            return False
        if self.catalog is None:
            from model.outline import OutlineCatalog

            self.catalog = OutlineCatalog()
        self.refresh()
        return True

    def make_backup(self) -> None:
        from ui import msgbox
        from ui.export_actions import choose_folder

        from model import backup

        folder = choose_folder(self, "Chọn thư mục lưu bản sao lưu")
        if not folder:
            return
        self.save_editor()
        try:
            path = backup.export_backup(self.store.db.conn, folder)
        except UserError as exc:
            msgbox.error(self, exc.message)
            return
        msgbox.information(self, f"Đã sao lưu toàn bộ dữ liệu vào tệp:\n{path}")

    def send_logs(self, folder: str | None = None):
        """'Gửi nhật ký lỗi': the log files, zipped into a chosen folder."""
        from model.logs import copy_logs
        from ui import msgbox
        from ui.export_actions import choose_folder

        folder = folder or choose_folder(self, "Chọn thư mục lưu nhật ký lỗi")
        if not folder:
            return None
        try:
            path = copy_logs(folder)
        except UserError as exc:
            msgbox.error(self, exc.message)
            return None
        msgbox.information(self, f"Đã chép nhật ký vào tệp:\n{path}\n\nHãy gửi tệp này cho cán bộ kỹ thuật.")
        return path

    def restore_backup(self, path: str | None = None) -> bool:
        from PySide6.QtWidgets import QFileDialog

        from ui import msgbox

        from model import backup
        from model.recovery import open_store

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp sao lưu", "",
                                                  "Bản sao lưu TongKet (*.sqlite3)")
            if not path:
                return False
        try:
            info = backup.check_backup(path)
        except UserError as exc:
            msgbox.error(self, exc.message)
            return False
        if not msgbox.ask(self, f"Khôi phục dữ liệu từ bản sao lưu này ({info.reports} báo cáo)? "
                                "Dữ liệu hiện tại được giữ thành một bản sao lưu khác trước khi thay.",
                          yes="Khôi phục", no="Không"):
            return False
        self.close_editor()
        self.store.close()
        self.store = None
        try:
            result = backup.restore(info.path)
        except UserError as exc:
            result = None
            problem = exc.message
        try:
            self.store = open_store()
        except UserError as exc:
            msgbox.error(self, exc.message)
            return False
        self.refresh()
        if result is None:
            msgbox.error(self, problem)
            return False
        msgbox.information(self, "Đã khôi phục dữ liệu từ bản sao lưu.", "\n".join(result.lines()))
        return True

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def after_unclean_exit(self, last_report) -> None:
        """TongKet was killed or lost power last time: say so in one line and
        reopen the report where the clerk was."""
        self.start.hint.setText("Lần trước TongKet bị tắt đột ngột. Mọi nội dung đã được lưu tự động; "
                                "báo cáo đang soạn được mở lại đúng chỗ.")
        if isinstance(last_report, int) and last_report in self.store.report_ids():
            self.open_report(last_report)
            if self.editor is not None:
                self.editor.saved_label.setText("Đã mở lại sau lần tắt đột ngột; không mất nội dung đã lưu.")

    def save_editor(self) -> bool:
        return self.editor.save_now() if self.editor is not None else True

    def refresh(self) -> None:
        self.start.populate(self.store.list_reports(), self.catalog)

    # ----------------------------------------------------------- actions ---
    def choose_outline(self):
        """The outline of the new report: the only one, or the clerk's choice
        when the province has sent others (outline files in the data folder)."""
        outlines = sorted(self.catalog.outlines.values(), key=lambda o: (o.id != self.catalog.default().id, o.name))
        if len(outlines) == 1:
            return outlines[0]
        from ui.outline_dialog import ask_outline

        return ask_outline(self, outlines)

    def install_outline(self, path: str | None = None):
        """'Nạp đề cương mới': check an outline file and keep it in the data folder."""
        from PySide6.QtWidgets import QFileDialog

        from ui import msgbox

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp đề cương", "", "Tệp đề cương (*.toml)")
            if not path:
                return None
        try:
            outline = self.catalog.install(path)
        except UserError as exc:
            msgbox.error(self, exc.message)
            return None
        except OSError:
            msgbox.error(self, "Không chép được tệp đề cương vào thư mục dữ liệu. Hãy thử lại.")
            return None
        msgbox.information(self, f"Đã nạp đề cương: {outline.name}",
                           f"{len(outline.pages)} mục cần soạn. Khi tạo báo cáo mới, hãy chọn đề cương này.")
        return outline

    def create_report(self) -> None:
        from model.report import default_identity

        outline = self.choose_outline()
        if outline is None:
            return
        rid = self.store.create_report(outline, default_identity(outline))
        import logging

        logging.getLogger("tongket").info("created report %s", rid)
        self.open_report(rid)

    def create_from_existing(self):
        from ui.derive_actions import create_from_existing

        return create_from_existing(self)

    def open_report(self, report_id: int) -> None:
        from ui import msgbox

        from model.session import ReportSession
        from ui.editor import ReportEditor

        import sqlite3

        from model.dberrors import is_damage

        try:
            report = self.store.get_report(report_id)
            outline = self.catalog.for_report(report)
            session = ReportSession(self.store, outline, report_id)
        except UserError as exc:
            msgbox.error(self, exc.message)
            return
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            self.damage_found()
            return
        self.close_editor()
        self.editor = ReportEditor(session)
        self.editor.damaged.connect(self.damage_found)
        from model import settings

        settings.put("last_report", report_id)
        self.editor.closed.connect(self.close_editor)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        self.editor.focus_current()  # typing starts in the page, not in the sidebar
        unit = report.identity.unit or "báo cáo mới"
        self.setWindowTitle(unit)

    def close_editor(self) -> None:
        if self.editor is None:
            return
        editor, self.editor = self.editor, None
        editor.save_now()
        from model import settings

        settings.put("last_report", None)
        self.stack.removeWidget(editor)
        editor.deleteLater()
        self.setWindowTitle(MAIN_TITLE)
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
