"""Everything the clerk sees is Vietnamese, Qt's own strings included."""

import re

import pytest
from PySide6.QtWidgets import (QAbstractButton, QLabel, QLineEdit, QMessageBox, QPlainTextEdit,
                               QWidget)

from ui.main_window import MainWindow

ENGLISH = re.compile(r"\b(undo|redo|cut|copy|paste|delete|select|all|ok|cancel|yes|no|next|back|"
                     r"finish|save|open|close|file|error|warning)\b", re.IGNORECASE)


def _menu_texts(widget):
    menu = widget.createStandardContextMenu()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    menu.deleteLater()
    return texts


@pytest.mark.parametrize("cls", [QPlainTextEdit, QLineEdit])
def test_context_menus_are_vietnamese(qtbot, cls):
    w = cls()
    qtbot.addWidget(w)
    w.setPlainText("chữ") if cls is QPlainTextEdit else w.setText("chữ")
    texts = _menu_texts(w)
    assert {"Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Chọn tất cả"} <= set(texts)
    for t in texts:
        assert not ENGLISH.search(t), t


def test_message_box_standard_buttons(qtbot):
    box = QMessageBox()
    qtbot.addWidget(box)
    box.setStandardButtons(QMessageBox.Ok | QMessageBox.Cancel | QMessageBox.Yes | QMessageBox.No)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Đồng ý", "Hủy", "Có", "Không"}


def visible_texts(root: QWidget) -> list[str]:
    out = [root.windowTitle()]
    for w in [root] + root.findChildren(QWidget):
        if isinstance(w, (QAbstractButton, QLabel)):
            out.append(w.text())
        if isinstance(w, (QLineEdit, QPlainTextEdit)):
            out.append(w.placeholderText())
        out.append(w.toolTip())
    return [t for t in out if t]


def test_main_windows_have_no_english(qtbot, data_dir, no_dialogs):
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_store()
    w.create_report()
    for page_id in w.editor.session.page_ids:
        w.editor.show_page(page_id)
    for text in visible_texts(w):
        assert not ENGLISH.search(text), text
    w.close_editor()
    from ui.signing_dialogs import PassphraseDialog, SetupDialog

    from model.outline import default_outline
    from ui.outline_dialog import OutlineDialog
    from ui.receive_window import ExpectedUnitsDialog, ReportViewer

    others = [w.open_verify(), SetupDialog(w, "ĐẢNG ỦY XÃ HÒA AN"), PassphraseDialog(w), w.open_receive(),
              ExpectedUnitsDialog(w, ["Xã Hòa An"]), ReportViewer(w, "Báo cáo của xã Hòa An", "Nội dung"),
              OutlineDialog(w, [default_outline()])]
    for dialog in others:
        dialog.show()
        texts = visible_texts(dialog)
        assert texts
        for text in texts:
            assert not ENGLISH.search(text), text
        dialog.close()
    w.close()


def test_file_dialog_and_progress_are_vietnamese(qtbot):
    from PySide6.QtWidgets import QComboBox, QFileDialog, QProgressDialog

    for mode in (QFileDialog.ExistingFiles, QFileDialog.Directory):
        dialog = QFileDialog(None, "Chọn tệp")
        dialog.setOption(QFileDialog.DontUseNativeDialog)
        dialog.setFileMode(mode)
        qtbot.addWidget(dialog)
        dialog.show()
        texts = visible_texts(dialog)
        for combo in dialog.findChildren(QComboBox):
            texts += [combo.itemText(i) for i in range(combo.count())]
        assert any("Tên tệp" in t or "Thư mục" in t for t in texts), texts
        for text in texts:
            if text.startswith("/"):
                continue  # a path, not a word of the interface
            assert not ENGLISH.search(text), text
        dialog.close()
    progress = QProgressDialog("Đang xuất báo cáo…", "", 0, 0)
    qtbot.addWidget(progress)
    progress.setCancelButton(None)
    for text in visible_texts(progress):
        assert not ENGLISH.search(text), text


def test_our_message_boxes(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui import msgbox

    seen = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: seen.append(
        [b.text() for b in self.buttons()] + [self.windowTitle(), self.text()]) or 0)
    msgbox.information(None, "Đã xuất báo cáo.")
    msgbox.ask(None, "Xóa báo cáo?")
    assert seen[0][0] == "Đồng ý" and set(seen[1][:2]) == {"Có", "Không"}
    for texts in seen:
        for text in texts:
            assert not ENGLISH.search(text), text


def test_qt_file_dialog_dates_and_sizes_in_vietnamese(tmp_path):
    """Qt's own file dialog formats with QLocale.system(): on a machine left
    at the C locale, TongKet makes that locale Vietnamese before the
    QApplication exists (a fresh process: the tests' application exists)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from ui.app import vietnamese_system_locale

    env = {"LANG": "C.UTF-8"}
    vietnamese_system_locale(env, "linux")
    assert env == {"LANG": "C.UTF-8", "LC_TIME": "vi_VN.UTF-8", "LC_NUMERIC": "vi_VN.UTF-8"}
    chosen = {"LANG": "en_US.UTF-8"}
    vietnamese_system_locale(chosen, "linux")
    assert chosen == {"LANG": "en_US.UTF-8"}  # a locale the user chose is left alone
    windows = {}
    vietnamese_system_locale(windows, "win32")
    assert windows == {}  # the native dialog speaks the system's language

    script = (
        "from ui.app import vietnamese_system_locale; vietnamese_system_locale()\n"
        "from PySide6.QtCore import QDateTime, QDate, QTime, QLocale\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "s = QLocale.system()\n"
        "print(s.toString(QDateTime(QDate(2026, 11, 28), QTime(9, 5)), QLocale.ShortFormat))\n"
        "print(s.formattedDataSize(20480))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C", QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True,
                         text=True, timeout=60).stdout.split("\n")
    assert out[0] == "28/11/26 09:05", out
    assert out[1] == "20,00 KiB", out  # decimal comma; Qt's Vietnamese data itself says KiB
