"""Nothing lost, in the GUI: versions, backups, a damaged database, one
instance, an unclean exit, huge and odd text."""

import os
import unicodedata

from PySide6.QtCore import QMimeData

from model import backup, paths, settings
from model.app import create_sample
from ui import history_dialog
from ui.instance import SingleInstance
from ui.main_window import MainWindow




def test_bring_back_text_deleted_by_mistake(qtbot, window, monkeypatch):
    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    window.open_report(rid)
    editor = window.editor
    editor.show_page("p1.V")
    text_edit = editor.pages["p1.V"].editors["bai_hoc"]
    original = text_edit.toPlainText()
    text_edit.setPlainText("Xóa nhầm")
    assert editor.save_now()
    shown = []

    def pick(parent, title, versions):
        shown.append((title, versions))
        return versions[0][2]

    monkeypatch.setattr(history_dialog, "choose_version", pick)
    editor.pages["p1.V"].history_buttons["bai_hoc"].click()
    assert shown[0][0].startswith("V- BÀI HỌC KINH NGHIỆM")
    assert text_edit.toPlainText() == original
    assert window.store.get_answers(rid)["bai_hoc"] == original
    # the text it replaced was kept too
    assert any(v[2] == "Xóa nhầm" for v in window.store.history(rid, "bai_hoc"))


def test_history_dialog_lists_and_restores(qtbot):
    dialog = history_dialog.HistoryDialog(None, "V- BÀI HỌC", [(2, "2026-11-27T08:00:00+00:00", "bản hai"),
                                                               (1, "2026-11-26T08:00:00+00:00", "bản một")])
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2 and dialog.preview.toPlainText() == "bản hai"
    dialog.list.setCurrentRow(1)
    dialog.restore_button.click()
    assert dialog.chosen == "bản một"


def test_backup_button_and_restore(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    from ui import export_actions

    create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(export_actions, "choose_folder", lambda p, t: str(usb))
    window.backup_button.click()
    files = list(usb.glob("TongKet-SaoLuu-*.sqlite3"))
    assert len(files) == 1 and no_dialogs[-1][0] == "information"
    window.store.delete_report(1)
    window.refresh()
    assert window.start.table.rowCount() == 0
    no_dialogs.answers.append(True)
    assert window.restore_backup(str(files[0]))
    assert window.start.table.rowCount() == 1
    # a file that is not a backup is refused and nothing changes
    junk = tmp_path / "rac.sqlite3"
    junk.write_bytes(b"rac" * 100)
    assert not window.restore_backup(str(junk))
    assert no_dialogs[-1][0] == "error"
    assert window.start.table.rowCount() == 1


def test_damaged_database_restored_from_backup(qtbot, data_dir, no_dialogs):
    from model.store import DraftStore
    from model.outline import default_outline

    store = DraftStore(paths.database_path())
    create_sample(store, default_outline(), "Xã Hòa An", "Đắk Lắk", 1)
    backup.make_backup(store.db.conn, "hang-ngay")
    store.close()
    db = paths.database_path()
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    damaged = db.read_bytes()
    w = MainWindow()
    qtbot.addWidget(w)
    no_dialogs.answers.append(True)  # "Khôi phục"
    assert w.open_store()
    assert w.start.table.rowCount() == 1
    kept = list(db.parent.glob("tongket.sqlite3.hong-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    w.close()


def test_one_instance_and_wake(qtbot, tmp_path):
    first = SingleInstance(tmp_path)
    assert first.acquire()
    second = SingleInstance(tmp_path)
    assert not second.acquire()
    with qtbot.waitSignal(first.wake, timeout=3000):
        second.wake_other()
    first.release()
    assert second.acquire()
    second.release()


def test_stale_lock_after_a_crash_is_taken_over(tmp_path):
    # a lock file left by a process that no longer exists
    (tmp_path / "tongket.lock").write_text("999999\nTongKet\nmay-cu\n", encoding="utf-8")
    inst = SingleInstance(tmp_path)
    assert inst.acquire()
    inst.release()


def test_after_unclean_exit_reopens_where_it_was(qtbot, window):
    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    window.open_report(rid)
    window.editor.show_page("p1.III.4")
    assert settings.get("last_report") == rid
    # power cut: no close; a new start finds the marks
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.open_store()
    again.after_unclean_exit(settings.get("last_report"))
    assert "tắt đột ngột" in again.start.hint.text()
    assert again.editor is not None and again.editor.session.current == "p1.III.4"
    again.close()


def test_huge_and_odd_text(qtbot, window):
    from export.report_export import export_files, load_report_data

    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    window.open_report(rid)
    editor = window.editor
    editor.show_page("p1.IV")
    text_edit = editor.pages["p1.IV"].editors["han_che_nguyen_nhan"]
    paragraph = "Hạn chế: một số chi bộ sinh hoạt còn hình thức, chưa sâu sát cơ sở. "
    huge = (paragraph * (200_000 // len(paragraph) + 1))[:200_000]
    odd = unicodedata.normalize("NFD", "Ấp Đồng Tiến – ") + "🙂🇻🇳 \x07\x1b[31m tab\tend"
    text_edit.setPlainText(huge + "\n" + odd)
    assert editor.save_now()
    stored = window.store.get_answers(rid)["han_che_nguyen_nhan"]
    assert len(stored) > 200_000 and stored.startswith(huge[:1000])
    assert unicodedata.is_normalized("NFC", stored) and "\x07" not in stored and "\x1b" not in stored
    assert "🙂🇻🇳" in stored and "Ấp Đồng Tiến" in stored
    # pasted rich text from Word arrives as plain text with its line breaks
    mime = QMimeData()
    mime.setHtml("<p><b>Đoạn một</b> in đậm</p><p>Đoạn <i>hai</i></p>")
    mime.setText("Đoạn một in đậm\nĐoạn hai")
    editor.show_page("p1.V")
    other = editor.pages["p1.V"].editors["bai_hoc"]
    other.clear()
    # what Ctrl+V does with the clipboard's content (the clipboard itself is
    # left alone: handing it a Python-made QMimeData crashes at exit)
    other.insertFromMimeData(mime)
    assert other.toPlainText() == "Đoạn một in đậm\nĐoạn hai"
    assert editor.save_now()
    data = load_report_data(window.store, window.catalog, rid)
    out = export_files(data, window.store.path.parent / "xuat", draft=False)
    from docx import Document

    texts = [p.text for p in Document(out.docx).paragraphs]
    assert any(t.startswith("Hạn chế: một số chi bộ") and len(t) > 100_000 for t in texts)
    assert "Đoạn hai" in texts


def test_a_long_run_without_spaces_wraps_anywhere(qtbot, window):
    """Qt searches a word boundary that is not there on every key (≈1 s a key
    for 216,000 characters): such text wraps anywhere; ordinary text by words."""
    from PySide6.QtGui import QTextOption

    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    window.open_report(rid)
    editor = window.editor
    editor.show_page("p1.V")
    text_edit = editor.pages["p1.V"].editors["bai_hoc"]
    assert text_edit.wordWrapMode() == QTextOption.WrapAtWordBoundaryOrAnywhere
    text_edit.setPlainText("ạ" * 216_000)
    assert editor.save_now()
    assert text_edit.wordWrapMode() == QTextOption.WrapAnywhere
    assert len(window.store.get_answers(rid)["bai_hoc"]) == 216_000
    text_edit.setPlainText("Đảng ủy xã lãnh đạo thực hiện tốt công tác dân vận. " * 4000)
    assert editor.save_now()
    assert text_edit.wordWrapMode() == QTextOption.WrapAtWordBoundaryOrAnywhere
