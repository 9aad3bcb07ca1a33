"""Export from the GUI: folder chooser remembered, files written off the UI
thread, the message names the file; the final export refuses while content
is missing."""

from pathlib import Path


from model import settings
from model.session import REVIEW_PAGE
from model.app import create_sample
from model.session import REVIEW_PAGE
from ui import export_actions




def _export(qtbot, editor, draft):
    results = []
    export_actions.export_report(editor, editor, draft, done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    return results[0]


def test_draft_and_final_export(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 2)
    window.refresh()
    window.open_report(rid)
    editor = window.editor
    editor.show_page(REVIEW_PAGE)
    out = tmp_path / "usb"
    out.mkdir()
    asked = []
    monkeypatch.setattr(export_actions, "choose_folder", lambda p, t: asked.append(t) or str(out))
    opened = []
    monkeypatch.setattr(export_actions, "open_folder", opened.append)
    no_dialogs.answers.append(True)  # "Mở thư mục"
    result = _export(qtbot, editor, draft=False)
    assert result.docx.exists() and result.xlsx.exists()
    assert result.docx.parent == out
    kind, text = no_dialogs[-1]
    assert kind == "ask" and result.docx.name in text and result.xlsx.name in text
    assert opened == [out]
    assert settings.get("last_export_folder") == str(out)

    # the clerk deletes a section's text: the final export refuses and says what is missing
    editor.show_page("p1.V")
    editor.pages["p1.V"].editors["bai_hoc"].setPlainText("")
    export_actions.export_report(editor, editor, draft=False)
    kind, text = no_dialogs[-1]
    assert kind == "warning" and "còn thiếu 1 chỗ" in text
    # the list itself is on the review page, where the editor now is (a box fits the screen)
    review = editor.stack.currentWidget()
    assert review is editor.pages[REVIEW_PAGE]
    assert "V- BÀI HỌC KINH NGHIỆM" in review.list.item(0).text()
    assert len(list(out.glob("*.docx"))) == 1
    # the draft still exports, with the empty section marked
    no_dialogs.answers.append(False)
    draft = _export(qtbot, editor, draft=True)
    assert draft.docx.name.endswith("-ban-nhap.docx")


def test_export_error_is_explained_and_draft_untouched(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    rid = create_sample(window.store, window.catalog.default(), "Xã Ea Tu", "Đắk Lắk", 3)
    window.open_report(rid)
    editor = window.editor
    before = window.store.get_answers(rid)
    monkeypatch.setattr(export_actions, "choose_folder", lambda p, t: str(tmp_path))

    def full(*a, **k):
        from model.errors import UserError
        raise UserError("Không ghi được tệp vì ổ đĩa đã đầy. Hãy xóa bớt tệp hoặc chọn ổ khác.")

    from export import actions

    monkeypatch.setattr(actions, "write_export", full)
    result = _export(qtbot, editor, draft=True)
    assert no_dialogs[-1] == ("error", "Không ghi được tệp vì ổ đĩa đã đầy. Hãy xóa bớt tệp hoặc chọn ổ khác.")
    assert window.store.get_answers(rid) == before
    assert not list(Path(tmp_path).glob("*.docx"))
    assert result is not None
