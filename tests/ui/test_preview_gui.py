"""'Xem trước', 'In báo cáo', 'Mở tệp PDF' on the review page (issue 13):
the pages with their count, printing through QPrinter (the dialog patched,
the printer writing a PDF file), the PDF opened in the system's viewer."""

from model.app import create_sample
from model.session import REVIEW_PAGE
from ui import preview_window


def _review(window, seed=5):
    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", seed)
    window.refresh()
    window.open_report(rid)
    window.editor.show_page(REVIEW_PAGE)
    return window.editor


def test_preview_shows_every_page_with_count(qtbot, window):
    editor = _review(window)
    page = editor.pages[REVIEW_PAGE]
    shown = []
    preview_window.preview(editor, editor, done=shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    win = shown[0]
    assert win.pages >= 5 and len(win.page_labels) == win.pages
    assert f"Báo cáo có {win.pages} trang" in win.count.text() and "chính thức" in win.count.text()
    pixmap = win.page_labels[0].pixmap()
    assert not pixmap.isNull() and abs(pixmap.height() / pixmap.width() - 297 / 210) < 0.01
    assert page.preview_button.text().replace("&", "") == "Xem trước"
    assert page.print_button.text().replace("&", "") == "In báo cáo"
    assert page.pdf_button.text().replace("&", "") == "Mở tệp PDF"
    win.close()


def test_print_goes_through_the_printer_dialog(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    editor = _review(window, seed=6)
    target = tmp_path / "printed.pdf"
    asked = []

    def fake_dialog(parent, printer):
        asked.append(printer.pageLayout().pageSize().id())
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(preview_window, "ask_printer", fake_dialog)
    sent = []
    preview_window.print_report(editor, editor, done=sent.append)
    qtbot.waitUntil(lambda: bool(sent), timeout=30000)
    from PySide6.QtGui import QPageSize

    assert asked == [QPageSize.A4]
    import pypdfium2 as pdfium

    printed = pdfium.PdfDocument(target.read_bytes())
    assert len(printed) == sent[0] >= 5
    printed.close()
    # the clerk cancels: nothing is printed
    monkeypatch.setattr(preview_window, "ask_printer", lambda parent, printer: False)
    sent.clear()
    preview_window.print_report(editor, editor, done=sent.append)
    qtbot.waitUntil(lambda: bool(sent), timeout=30000)
    assert sent == [0]


def test_open_pdf_in_system_viewer(qtbot, window, data_dir, monkeypatch):
    editor = _review(window, seed=7)
    urls = []
    monkeypatch.setattr(preview_window.QDesktopServices, "openUrl", lambda url: urls.append(url) or True)
    names = []
    preview_window.open_report_pdf(editor, editor, done=names.append)
    qtbot.waitUntil(lambda: bool(names), timeout=20000)
    path = data_dir / "xem-truoc" / names[0]
    assert urls[0].toLocalFile() == str(path) and path.read_bytes().startswith(b"%PDF")
    # a draft with missing content is shown as the draft
    editor.show_page("p1.V")
    editor.pages["p1.V"].editors["bai_hoc"].setPlainText("")
    names.clear()
    preview_window.open_report_pdf(editor, editor, done=names.append)
    qtbot.waitUntil(lambda: bool(names), timeout=20000)
    assert names[0].endswith("-ban-nhap.pdf")


def test_no_viewer_is_explained(qtbot, window, monkeypatch, no_dialogs):
    editor = _review(window, seed=8)
    monkeypatch.setattr(preview_window.QDesktopServices, "openUrl", lambda url: False)
    preview_window.open_report_pdf(editor, editor)
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=20000)
    kind, text = no_dialogs[-1]
    assert kind == "error" and "chưa có chương trình đọc tệp PDF" in text
