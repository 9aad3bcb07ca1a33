"""Export from the GUI: choose a folder (remembered, USB sticks included),
show progress, write off the UI thread, then name the files and offer to
open their folder."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from export import actions
from export.docx_report import MissingContent
from export.report_export import ExportResult
from model import settings
from model.errors import UserError
from model.session import REVIEW_PAGE
from ui import msgbox
from ui.widgets import busy, done_busy
from ui.worker import run_in_thread

log = logging.getLogger("tongket")


def choose_folder(parent, title: str) -> str | None:
    """The system's own dialog where there is one (in the language, date and
    size format of Windows); the files in a folder are shown, not only the
    folders, so that the clerk sees what is already there."""
    start = settings.get("last_export_folder") or str(Path.home())
    if not Path(start).is_dir():
        start = str(Path.home())
    folder = QFileDialog.getExistingDirectory(
        parent, title, start, QFileDialog.Option(0))
    return folder or None


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def saved_report_data(parent, editor, final: bool):
    """Save the editor, read the report back; for a final export, refuse with
    the list of what is missing.  None (after telling the clerk) if not."""
    if not editor.save_now():
        msgbox.error(parent, "Chưa lưu được những thay đổi mới nhất nên chưa xuất báo cáo. "
                             "Hãy xem dòng thông báo ở cuối cửa sổ rồi thử lại.")
        return None
    window = editor.window()
    try:
        data = actions.load(window.store, window.catalog, editor.session.report_id, final=final)
    except MissingContent as exc:
        # the list is on the review page (a box of 40 lines would leave the screen)
        few = "\n".join(f"- {m.text}" for m in exc.items) if len(exc.items) <= 5 else ""
        msgbox.warning(parent, f"Báo cáo còn thiếu {len(exc.items)} chỗ nên chưa xuất bản chính thức được. "
                               "Danh sách ở trang “Kiểm tra nội dung còn thiếu”: chọn từng dòng để đến "
                               "đúng chỗ cần bổ sung. Muốn xin ý kiến ngay, hãy xuất bản nháp để góp ý.", few)
        editor.show_page(REVIEW_PAGE)
        return None
    except UserError as exc:
        msgbox.error(parent, exc.message)
        return None
    return data


def export_report(parent, editor, draft: bool, done=None) -> None:
    """editor: the ReportEditor (its edits are saved first)."""
    data = saved_report_data(parent, editor, final=not draft)
    if data is None:
        return
    title = "Chọn thư mục lưu bản nháp" if draft else "Chọn thư mục lưu báo cáo"
    folder = choose_folder(parent, title)
    if not folder:
        return
    settings.put("last_export_folder", folder)

    progress = busy(parent, "Đang xuất báo cáo…")

    def ok(result: ExportResult) -> None:
        done_busy(progress)
        log.info("exported report %s (draft=%s)", data.report_id, draft)
        kind = "bản nháp" if draft else "báo cáo"
        names = [p.name for p in (result.docx, result.pdf, result.xlsx) if p]
        if msgbox.ask(parent, f"Đã xuất {kind} vào thư mục {result.docx.parent}:\n" + "\n".join(names),
                      yes="Mở thư mục", no="Đóng"):
            open_folder(result.docx.parent)
        if done:
            done(result)

    def fail(exc: Exception) -> None:
        done_busy(progress)
        if isinstance(exc, UserError):
            msgbox.error(parent, exc.message)
        else:
            msgbox.error(parent, "Xuất báo cáo không thành công do lỗi ngoài dự kiến. "
                                 "Bản nháp vẫn còn nguyên; hãy thử lại.")
        if done:
            done(exc)

    run_in_thread(lambda: actions.write_export(data, folder, draft), ok, fail, parent, label="xuat")
