"""Every window and dialog at 1366×768 and 1024×768 (issue 16): none larger
than the screen (less a 40-pixel taskbar), no one-line label cut, and every
button with an Alt letter of its own."""

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox, QWidget

from model.session import REVIEW_PAGE
from ui.keys import _letter, assign_mnemonics

SCREENS = [(1366, 768), (1024, 768)]
TASKBAR = 40


def _dialogs(window):
    """Every dialog the clerk can meet, made (not executed)."""
    from ui import history_dialog, msgbox, outline_dialog, signing_dialogs
    from ui.anchors_dialog import AnchorsDialog
    from ui.help_window import HelpWindow
    from ui.receive_window import ExpectedUnitsDialog, ReceiveWindow, ReportViewer, TrustListDialog
    from ui.verify_window import VerifyWindow

    long_text = "\n".join(f"- Mục {i}: chưa có nội dung" for i in range(40))
    box = msgbox._box(window, QMessageBox.Warning, long_text, long_text)
    box.addButton("Đồng ý", QMessageBox.AcceptRole)
    receive = ReceiveWindow(window.store, window.catalog, window)
    return {
        "hướng dẫn": HelpWindow(None),
        "hộp thông báo dài": box,
        "phiên bản trước": history_dialog.HistoryDialog(window, "Mục 1- Tình hình chung",
                                                        [(i, "2026-01-01T10:00:00", "Nội dung " * 50)
                                                         for i in range(30)]),
        "chọn đề cương": outline_dialog.OutlineDialog(window, [window.catalog.default()] * 3),
        "mật khẩu": signing_dialogs.PassphraseDialog(window, "Mật khẩu chưa đúng."),
        "tạo chữ ký số": signing_dialogs.SetupDialog(window, "Đảng ủy xã Hòa An"),
        "kiểm tra tệp": VerifyWindow(window.store, window),
        "nhận báo cáo": receive,
        "danh sách đơn vị": ExpectedUnitsDialog(window, [f"Xã {i}" for i in range(100)]),
        "xem báo cáo": ReportViewer(window, "Báo cáo", "Dòng\n" * 500),
        "danh sách tin cậy": TrustListDialog(window, receive.rs.trust),
        "chứng thư gốc": AnchorsDialog(window),
    }


def _cut_labels(root: QWidget) -> list[str]:
    cut = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or label.wordWrap() or not label.text() or label.pixmap() is not None \
                and not label.pixmap().isNull():
            continue
        if label.width() + 1 < label.sizeHint().width():
            cut.append(f"{label.text()[:40]!r} {label.width()} < {label.sizeHint().width()}")
    return cut


def _cut_titles(tree) -> list[str]:
    """Sidebar rows too low for their title wrapped at the row's width (the
    style elides what does not fit), measured here apart from the editor's
    own delegate, and titles not written whole."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QTreeWidgetItemIterator

    margin = tree.style().pixelMetric(QStyle.PM_FocusFrameHMargin, None, tree) + 1
    cut = []
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        item = it.value()
        it += 1
        text = item.text(0)
        if item.toolTip(0) and item.toolTip(0).split("\n")[0] not in text:
            cut.append(f"{text[:40]!r}: not the whole title")
        tree.scrollToItem(item)
        rect = tree.visualItemRect(item)
        font = item.data(0, Qt.FontRole) or tree.font()
        need = QFontMetrics(font).boundingRect(QRect(0, 0, rect.width() - 2 * margin, 100000),
                                               Qt.TextWordWrap, text).height()
        if rect.height() < need:
            cut.append(f"{text[:40]!r} {rect.width()}×{rect.height()} < {need}")
    return cut


def _check(name, widget, size, qtbot):
    w, h = size
    avail_h = h - TASKBAR
    widget.show()
    qtbot.waitExposed(widget) if widget.isWindow() else None
    QApplication.processEvents()
    if widget.width() > w or widget.height() > avail_h:
        widget.resize(min(widget.width(), w), min(widget.height(), avail_h))
        QApplication.processEvents()
    hint = widget.minimumSizeHint()
    assert hint.width() <= w and hint.height() <= avail_h, f"{name}: needs {hint.width()}×{hint.height()}"
    assert widget.width() <= w and widget.height() <= avail_h, f"{name}: {widget.width()}×{widget.height()}"
    assert not _cut_labels(widget), f"{name}: {_cut_labels(widget)}"
    assign_mnemonics(widget)
    buttons = [b for b in widget.findChildren(QAbstractButton) if b.isVisibleTo(widget) and b.text()]
    letters = [_letter(b.text()) for b in buttons]
    assert all(letters), f"{name}: no Alt letter on {[b.text() for b in buttons if not _letter(b.text())]}"
    return widget.width(), widget.height()


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_window_and_dialog_fits_the_screen(qtbot, window, size, no_dialogs, capsys):
    sizes = {}
    window.resize(*size)
    sizes["danh sách báo cáo"] = _check("danh sách báo cáo", window, (size[0], size[1]), qtbot)
    window.create_report()
    editor = window.editor
    # the sidebar shows whole titles, also after the window changed size
    other = (1366 + 1024 - size[0], size[1] - TASKBAR)
    for shape in (other, (size[0], size[1] - TASKBAR)):
        window.resize(*shape)
        QApplication.processEvents()
    assert not _cut_titles(editor.sidebar), _cut_titles(editor.sidebar)
    for page_id in ["__identity__", *[s.id for s in window.editor.session.outline.pages], REVIEW_PAGE]:
        editor.show_page(page_id)
        QApplication.processEvents()
        assert window.width() <= size[0] and window.height() <= size[1] - TASKBAR
        assert not _cut_labels(editor.stack.currentWidget()), page_id
    for name, dialog in _dialogs(window).items():
        sizes[name] = _check(name, dialog, size, qtbot)
        dialog.close()
    with capsys.disabled():
        print(f"\n{size[0]}×{size[1]}: " + ", ".join(f"{k} {w}×{h}" for k, (w, h) in sizes.items()))
