"""Drive the real wizard: create, type Vietnamese, numbers, navigate, close,
reopen, find everything again."""

import unicodedata

from PySide6.QtCore import Qt

from model.session import IDENTITY_PAGE, REVIEW_PAGE
from tests.ui.helpers import nfd, type_text
from ui.main_window import MainWindow

TEXT = "Đảng ủy xã đã tổ chức 12 hội nghị quán triệt Nghị quyết số 25-NQ/TW; ỗ ặ ữ ỹ."




def _reopen(qtbot, window):
    window.close()
    assert window.store is None
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.open_store()
    again.show()
    return again


def test_create_type_navigate_close_reopen(qtbot, window):
    qtbot.mouseClick(window.start.new_button, Qt.LeftButton)
    editor = window.editor
    assert editor is not None and editor.session.current == IDENTITY_PAGE
    ident = editor.pages[IDENTITY_PAGE]
    type_text(ident.unit, "ĐẢNG ỦY XÃ HÒA AN")
    type_text(ident.place, nfd("Hòa An"))
    type_text(ident.signer, "Nguyễn Văn Ánh")

    qtbot.mouseClick(editor.next_button, Qt.LeftButton)
    assert editor.session.current == "p1.I.1"
    page = editor.pages["p1.I.1"]
    type_text(page.editors["tinh_hinh_chung"], TEXT + "\n- Dòng gạch đầu dòng thứ hai")
    type_text(page.editors["van_de_lanh_dao"], nfd("Phát triển kinh tế, văn hóa, xã hội"))
    type_text(page.stat_edits["dan_so"], "12.345")
    type_text(page.stat_edits["dien_tich"], "45,7")
    type_text(page.stat_edits["dang_vien"], "3.5")  # ambiguous: refused, explained, kept
    assert page.stat_errors["dang_vien"].isVisibleTo(page)
    assert "Dấu chấm" in page.stat_errors["dang_vien"].text()
    assert page.stat_errors["dan_so"].text() == ""  # the line stays, empty: nothing moves

    # the sidebar jumps anywhere
    editor.sidebar.setCurrentItem(editor.sidebar_items["p1.III.7"])
    assert editor.session.current == "p1.III.7"
    type_text(editor.pages["p1.III.7"].editors["dan_van_kheo"], "Mô hình “Dân vận khéo” ở thôn 3.")
    qtbot.mouseClick(editor.prev_button, Qt.LeftButton)
    assert editor.session.current == "p1.III.6"
    qtbot.mouseClick(editor.next_button, Qt.LeftButton)
    qtbot.mouseClick(editor.next_button, Qt.LeftButton)
    assert editor.session.current == "p1.III.8"
    # the window is closed while the last edits are still waiting for the timer
    type_text(editor.pages["p1.III.8"].editors["to_chuc_bo_may"], "Bộ máy tinh gọn")
    rid = editor.session.report_id

    again = _reopen(qtbot, window)
    assert again.start.table.rowCount() == 1
    assert again.start.table.item(0, 0).text() == "ĐẢNG ỦY XÃ HÒA AN"
    qtbot.mouseClick(again.start.continue_button, Qt.LeftButton)
    ed = again.editor
    assert ed.session.report_id == rid
    assert ed.session.current == "p1.III.8"  # where the clerk left off
    assert ed.pages["p1.III.8"].editors["to_chuc_bo_may"].toPlainText() == "Bộ máy tinh gọn"
    ed.show_page("p1.I.1")
    p = ed.pages["p1.I.1"]
    assert p.editors["tinh_hinh_chung"].toPlainText() == TEXT + "\n- Dòng gạch đầu dòng thứ hai"
    stored = p.editors["van_de_lanh_dao"].toPlainText()
    assert stored == "Phát triển kinh tế, văn hóa, xã hội" and unicodedata.is_normalized("NFC", stored)
    assert p.stat_edits["dan_so"].text() == "12.345"
    assert p.stat_edits["dien_tich"].text() == "45,7"
    assert p.stat_edits["dang_vien"].text() == "3.5"  # kept as typed, nothing lost
    assert ed.session.check_stat("dang_vien").value is None  # never stored as a number
    ed.show_page(IDENTITY_PAGE)
    assert ed.pages[IDENTITY_PAGE].place.text() == "Hòa An"
    assert ed.session.identity.signer == "Nguyễn Văn Ánh"
    again.close()


def test_autosave_within_a_second(qtbot, window):
    window.create_report()
    editor = window.editor
    editor.show_page("p1.V")
    type_text(editor.pages["p1.V"].editors["bai_hoc"], "Lấy dân làm gốc")
    rid = editor.session.report_id
    assert window.store.get_answers(rid).get("bai_hoc") is None  # not yet: debounced
    qtbot.waitUntil(lambda: window.store.get_answers(rid).get("bai_hoc") == "Lấy dân làm gốc",
                    timeout=1500)
    assert editor.saved_label.text().startswith("Đã lưu lúc ")


def test_sidebar_shows_states(qtbot, window):
    window.create_report()
    editor = window.editor
    item = editor.sidebar_items["p1.IV"]
    assert item.data(0, Qt.UserRole + 1) == "empty"
    editor.show_page("p1.IV")
    type_text(editor.pages["p1.IV"].editors["han_che_nguyen_nhan"], "Hạn chế: còn hình thức.")
    editor.save_now()
    assert item.data(0, Qt.UserRole + 1) == "complete"
    assert item.text(0).startswith("●")


def test_review_lists_missing_and_links_to_sections(qtbot, window):
    window.activateWindow()
    qtbot.waitActive(window)
    window.create_report()
    editor = window.editor
    editor.show_page(REVIEW_PAGE)
    review = editor.pages[REVIEW_PAGE]
    assert review.list.count() > 15
    target = next(i for i in range(review.list.count())
                  if review.list.item(i).data(Qt.UserRole) == "p1.III.4"
                  and review.list.item(i).data(Qt.UserRole + 1) == "don_thu_nhan")
    review.list.itemClicked.emit(review.list.item(target))
    assert editor.session.current == "p1.III.4"
    qtbot.waitUntil(lambda: editor.pages["p1.III.4"].stat_edits["don_thu_nhan"].hasFocus(), timeout=1000)
    assert editor.finish_button.isHidden()


def test_delete_asks_first(qtbot, window, no_dialogs):
    window.create_report()
    window.close_editor()
    assert window.start.table.rowCount() == 1
    no_dialogs.answers.append(False)
    qtbot.mouseClick(window.start.delete_button, Qt.LeftButton)
    assert window.start.table.rowCount() == 1
    assert no_dialogs[-1][0] == "ask"
    no_dialogs.answers.append(True)
    qtbot.mouseClick(window.start.delete_button, Qt.LeftButton)
    assert window.start.table.rowCount() == 0


def test_a_second_outline_drives_the_same_wizard(qtbot, window, data_dir):
    from pathlib import Path

    small = Path(__file__).resolve().parents[1] / "data" / "small-outline.toml"
    outline = window.catalog.install(small)
    from model.report import default_identity

    rid = window.store.create_report(outline, default_identity(outline))
    window.open_report(rid)
    editor = window.editor
    assert editor.session.page_ids == [IDENTITY_PAGE, "a", "b", REVIEW_PAGE]
    editor.show_page("b")
    page = editor.pages["b"]
    assert not page.stat_edits
    type_text(page.editors["phuong_huong"], "Tiếp tục học tập và làm theo Bác")
    editor.show_page("a")
    type_text(editor.pages["a"].stat_edits["guong_dien_hinh"], "1.200")
    assert "từ 0 đến 500" in editor.pages["a"].stat_errors["guong_dien_hinh"].text()
    editor.save_now()
    assert window.store.get_answers(rid) == {"phuong_huong": "Tiếp tục học tập và làm theo Bác",
                                             "guong_dien_hinh": "1.200"}


def test_unreadable_database_is_explained(qtbot, data_dir, no_dialogs):
    (data_dir / "tongket.sqlite3").write_bytes(b"\x00garbage" * 500)
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.open_store()  # the clerk answers "Thoát"
    assert no_dialogs and no_dialogs[-1][0] == "ask" and "bị hỏng" in no_dialogs[-1][1]
    assert (data_dir / "tongket.sqlite3").read_bytes() == b"\x00garbage" * 500


def test_install_an_outline_and_choose_it(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    from pathlib import Path

    from ui import outline_dialog

    small = Path(__file__).resolve().parents[1] / "data" / "small-outline.toml"
    broken = tmp_path / "de-cuong-loi.toml"
    broken.write_text(small.read_text(encoding="utf-8").replace('type = "integer"', 'type = "so"'),
                      encoding="utf-8")
    assert window.install_outline(str(broken)) is None
    assert no_dialogs[-1][0] == "error" and "de-cuong-loi.toml" in no_dialogs[-1][1]
    assert window.install_outline(str(small)).key == "so-ket-ct05@2"
    offered = []
    monkeypatch.setattr(outline_dialog, "ask_outline",
                        lambda parent, outlines: offered.append([o.key for o in outlines]) or outlines[1])
    window.create_report()
    assert offered == [["nq25-kl43-dan-van@1", "so-ket-ct05@2"]]
    assert window.editor.session.page_ids[1:3] == ["a", "b"]


def test_outline_dialog(qtbot):
    from model.outline import default_outline
    from ui.outline_dialog import OutlineDialog

    dialog = OutlineDialog(None, [default_outline()])
    qtbot.addWidget(dialog)
    assert dialog.chosen().key == "nq25-kl43-dan-van@1"
    assert "15 mục" in dialog.list.item(0).text()


def test_a_past_deadline_is_said_on_identity_and_review(qtbot, window, monkeypatch):
    import datetime as dt

    from PySide6.QtCore import QDate

    from model import report

    monkeypatch.setattr(report, "TODAY", lambda: dt.date(2026, 11, 28))
    window.create_report()
    editor = window.editor
    page = editor.pages[IDENTITY_PAGE]
    said = "Hạn nộp 20/07/2023 đã qua; hãy kiểm tra lại hạn nộp của đợt này."
    assert page.deadline_note.isVisible() and page.deadline_note.text() == said
    editor.show_page(REVIEW_PAGE)
    review = editor.pages[REVIEW_PAGE]
    assert review.deadline_note.isVisible() and review.deadline_note.text() == said
    assert review.draft_button.isEnabled() and review.sign_button.isEnabled()  # nothing blocked
    # the clerk puts this round's deadline: the note goes
    editor.show_page(IDENTITY_PAGE)
    page.deadline.setDate(QDate(2026, 12, 15))
    assert not page.deadline_note.isVisible()
    editor.show_page(REVIEW_PAGE)
    assert not review.deadline_note.isVisible()
