"""'Xem trước', 'In báo cáo', 'Mở tệp PDF': the report's PDF, exactly the
pages that export writes, shown, printed or opened without leaving TongKet.

The PDF is built and its pages rasterised off the UI thread; PDFium (through
pypdfium2) draws them.  Chosen over QtPdf: QtPdf is not in PySide6-Essentials
(it comes with the 200 MB PySide6-Addons wheel) while the frozen program
grows by about the same 5–6 MB with either, and pypdfium2 is plain Python
bindings over one DLL, testable without a display.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from model.errors import UserError
from ui import msgbox
from ui.widgets import busy, done_busy
from ui.worker import run_in_thread

log = logging.getLogger("tongket")

PREVIEW_DPI = 96
PRINT_DPI_MAX = 300


# ----------------------------------------------------- no Qt widgets here ---

def raster_pages(pdf: bytes, dpi: float, first: int = 0, last: int | None = None) -> list[tuple]:
    """Pages first..last (0-based, inclusive) as (width, height, stride, RGB bytes)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        last = len(doc) - 1 if last is None else min(last, len(doc) - 1)
        out = []
        for i in range(first, last + 1):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, may_draw_forms=True)
            out.append((bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
            bitmap.close()
            page.close()
        return out
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def _image(raster) -> QImage:
    width, height, stride, data = raster
    return QImage(data, width, height, stride, QImage.Format_RGB888).copy()  # owns its pixels


def report_pdf(data):
    """The PDF the clerk would export now: final when nothing is missing,
    otherwise the draft (with 'DỰ THẢO' and the missing parts marked)."""
    from export.pdf_report import build_pdf
    from model.report import missing_items

    draft = bool(missing_items(data.outline, data.identity, data.answers))
    return build_pdf(data, draft=draft), draft


def pdf_file_name(data, draft: bool) -> str:
    from export.report_export import base_name

    return f"BC-{base_name(data)}{'-ban-nhap' if draft else ''}.pdf"


# --------------------------------------------------------------- actions ---

def ask_printer(parent, printer) -> bool:
    """The system's print dialog (patched in tests: a modal dialog never runs there)."""
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In báo cáo")
    return dialog.exec() == QDialog.Accepted


def print_pdf(parent, pdf: bytes) -> int:
    """Print through the system's printer dialog; the number of pages sent
    (0 if the clerk cancelled)."""
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter
    from PySide6.QtPrintSupport import QPrinter

    pages = page_count(pdf)
    printer = QPrinter(QPrinter.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.A4))
    printer.setPageOrientation(QPageLayout.Portrait)
    printer.setFullPage(True)  # the PDF carries its own margins
    printer.setFromTo(1, pages)
    printer.setDocName("Báo cáo")
    if not ask_printer(parent, printer):
        return 0
    first, last = 0, pages - 1
    if printer.printRange() == QPrinter.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(printer.toPage(), pages) - 1
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("Không in được: máy in chưa sẵn sàng hoặc chưa được cài. Hãy kiểm tra máy in rồi thử lại.")
    sent = 0
    try:
        for i in range(first, last + 1):
            if sent:
                printer.newPage()
            image = _image(raster_pages(pdf, dpi, i, i)[0])
            target = painter.viewport()
            scaled = image.size().scaled(target.size(), Qt.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
            sent += 1
    finally:
        painter.end()
    return sent


def save_for_viewer(pdf: bytes, name: str):
    """The PDF in the data folder's 'xem-truoc' folder, for the system viewer."""
    from export.files import atomic_write, check_folder, unique_path
    from model.paths import data_dir

    folder = check_folder(data_dir() / "xem-truoc")
    try:
        return atomic_write(folder / name, lambda fh: fh.write(pdf))
    except UserError:  # the older copy is open in a viewer (Windows holds it)
        return atomic_write(unique_path(folder, name), lambda fh: fh.write(pdf))


def open_in_viewer(pdf: bytes, name: str) -> None:
    path = save_for_viewer(pdf, name)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        raise UserError(f"Máy tính chưa có chương trình đọc tệp PDF. Tệp đã được lưu tại {path}.")


def _try(parent, fn) -> None:
    try:
        fn()
    except UserError as exc:
        msgbox.error(parent, exc.message)
    except Exception as exc:  # a bug: a Vietnamese message, the name in the log
        log.error("pdf action failed: %s", type(exc).__name__)
        msgbox.error(parent, "Không thực hiện được do lỗi ngoài dự kiến. Báo cáo vẫn còn nguyên; hãy thử lại.")


# ---------------------------------------------------------------- window ---

class PreviewWindow(QDialog):
    """The pages as they will print, with their count; print or open them."""

    def __init__(self, pdf: bytes, draft: bool, file_name: str, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setWindowTitle("Xem trước báo cáo")
        self.setModal(False)
        self.pdf, self.file_name = pdf, file_name
        self.pages = page_count(pdf)
        kind = "bản nháp (dự thảo)" if draft else "bản chính thức"
        self.count = QLabel(f"Báo cáo có {self.pages} trang — {kind}, khổ A4, đúng như khi in.")
        self.print_button = QPushButton("In báo cáo")
        self.open_button = QPushButton("Mở tệp PDF")
        self.close_button = QPushButton("Đóng")
        self.print_button.clicked.connect(lambda: _try(self, lambda: print_pdf(self, self.pdf)))
        self.open_button.clicked.connect(lambda: _try(self, lambda: open_in_viewer(self.pdf, self.file_name)))
        self.close_button.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        for b in (self.print_button, self.open_button, self.close_button):
            top.addWidget(b)
        self.page_labels: list[QLabel] = []
        column = QWidget()
        column.setStyleSheet("background: #808080;")
        pages_layout = QVBoxLayout(column)
        pages_layout.setAlignment(Qt.AlignHCenter)
        for i in range(self.pages):
            label = QLabel(f"Trang {i + 1}")
            label.setAlignment(Qt.AlignCenter)
            label.setStyleSheet("background: white;")
            label.setMinimumSize(int(595 * PREVIEW_DPI / 72), int(842 * PREVIEW_DPI / 72))
            pages_layout.addWidget(label)
            self.page_labels.append(label)
        self.scroll = QScrollArea()
        self.scroll.setWidget(column)
        self.scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        self.resize(int(595 * PREVIEW_DPI / 72) + 80, 900)

    def show_pages(self, rasters: list[tuple]) -> None:
        for label, raster in zip(self.page_labels, rasters):
            label.setPixmap(QPixmap.fromImage(_image(raster)))


def _with_pdf(parent, editor, busy_text: str, then, pages_dpi: float | None = None) -> None:
    """Save, read the report back, build its PDF (and its page images at
    pages_dpi) off the UI thread, then then(pdf, draft, file name, images)."""
    from ui.export_actions import saved_report_data

    data = saved_report_data(parent, editor, final=False)
    if data is None:
        return
    progress = busy(parent, busy_text)

    def work():
        rendition, draft = report_pdf(data)
        rasters = raster_pages(rendition.content, pages_dpi) if pages_dpi else []
        return rendition.content, draft, pdf_file_name(data, draft), rasters

    def ok(result) -> None:
        done_busy(progress)
        _try(parent, lambda: then(*result))

    def fail(exc) -> None:
        done_busy(progress)
        if isinstance(exc, UserError):
            msgbox.error(parent, exc.message)
        else:
            log.error("pdf build failed: %s", type(exc).__name__)
            msgbox.error(parent, "Không tạo được tệp PDF do lỗi ngoài dự kiến. Bản nháp vẫn còn nguyên; hãy thử lại.")

    run_in_thread(work, ok, fail, parent)


def preview(parent, editor, done=None) -> None:
    """'Xem trước': the window opens with its pages drawn."""
    def show(pdf, draft, name, rasters):
        window = PreviewWindow(pdf, draft, name, parent)
        window.show_pages(rasters)
        window.show()
        editor.preview_window = window  # kept referenced while open
        if done:
            done(window)

    _with_pdf(parent, editor, "Đang chuẩn bị bản xem trước…", show, pages_dpi=PREVIEW_DPI)


def print_report(parent, editor, done=None) -> None:
    """'In báo cáo' straight from the report."""
    def go(pdf, _draft, _name, _rasters):
        sent = print_pdf(parent, pdf)
        if done:
            done(sent)

    _with_pdf(parent, editor, "Đang chuẩn bị bản in…", go)


def open_report_pdf(parent, editor, done=None) -> None:
    """'Mở tệp PDF' in the system's viewer."""
    def go(pdf, _draft, name, _rasters):
        open_in_viewer(pdf, name)
        if done:
            done(name)

    _with_pdf(parent, editor, "Đang tạo tệp PDF…", go)
