"""Sign from the GUI (set up the unit's signature, wrong passphrase, package
shown), then check received files in 'Kiểm tra tệp báo cáo'."""

import zipfile

from model.trust import TrustList, short_id

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from export.signing import has_identity
from model.app import create_sample
from model.session import REVIEW_PAGE
from ui import sign_actions, signing_dialogs

PASS = "mật khẩu đơn vị"




def _sign(qtbot, editor):
    results = []
    sign_actions.sign_and_export(editor, editor, done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=15000)
    return results[0]


def ready_to_sign(window, tmp_path, monkeypatch):
    """A complete sample report open on its last page; the folder chosen."""
    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 2)
    window.open_report(rid)
    editor = window.editor
    editor.show_page(REVIEW_PAGE)
    out = tmp_path / "gui"
    out.mkdir()
    monkeypatch.setattr(sign_actions, "choose_folder", lambda p, t: str(out))
    return editor


def test_sign_first_time_then_with_passphrase(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    editor = ready_to_sign(window, tmp_path, monkeypatch)
    monkeypatch.setattr(signing_dialogs, "ask_setup", lambda p, unit: ("create", "", PASS))
    no_dialogs.answers.append(False)
    files, package = _sign(qtbot, editor)
    assert has_identity()
    assert package.path.exists() and package.path.name.endswith("-r1.zip")
    assert any(k == "information" and "Đảng ủy xã Hòa An" in t for k, t in no_dialogs)
    assert no_dialogs[-1][0] == "ask" and package.path.name in no_dialogs[-1][1]

    # second time: the passphrase is asked; a wrong one gets a clear message and a retry
    tries = iter(["sai rồi", PASS])
    messages = []
    monkeypatch.setattr(signing_dialogs, "ask_passphrase",
                        lambda p, message="": messages.append(message) or next(tries))
    no_dialogs.answers.append(False)
    _files, package2 = _sign(qtbot, editor)
    assert messages[1].startswith("Mật khẩu chữ ký số không đúng")
    assert package2.path.name.endswith("-r2.zip")

    # the upper level checks both files, and a tampered copy
    bad = tmp_path / "sua.zip"
    with zipfile.ZipFile(package.path) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info)
            if info.filename.endswith(".json") and info.filename != "manifest.json":
                blob = blob.replace(b'"revision": 1', b'"revision": 5')
            zout.writestr(info.filename, blob)
    verify = window.open_verify()
    got = []
    verify.check([package.path, bad], done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    labels = [verify.table.item(r, 1).text() for r in range(verify.table.rowCount())]
    assert labels == ["Chưa xác nhận người ký (nội dung nguyên vẹn)", "Đã bị sửa đổi sau khi ký"]
    verify.table.selectRow(0)
    assert verify.trust.isEnabled()
    assert short_id(package.key_id) in verify.details.toPlainText()
    no_dialogs.answers.append(True)  # "Tin cậy"
    verify.trust.click()
    assert verify.table.item(0, 1).text() == "Hợp lệ"
    assert TrustList(window.store.db).keys_for("Xã Hoà An") == {package.key_id}
    verify.close()


def test_sign_refused_while_content_missing(qtbot, window, no_dialogs, monkeypatch):
    window.create_report()
    editor = window.editor
    called = []
    monkeypatch.setattr(signing_dialogs, "ask_setup", lambda *a: called.append(1))
    sign_actions.sign_and_export(editor, editor)
    assert no_dialogs[-1][0] == "warning" and "còn thiếu 59 chỗ" in no_dialogs[-1][1]
    assert not called


def test_drop_files_on_verify_window(qtbot, window, tmp_path):
    junk = tmp_path / "khong-phai.zip"
    junk.write_bytes(b"PK\x03\x04 rac")
    verify = window.open_verify()
    qtbot.addWidget(verify)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(junk))])
    event = QDropEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    verify.dropEvent(event)
    qtbot.waitUntil(lambda: verify.table.rowCount() == 1, timeout=5000)
    assert verify.table.item(0, 1).text() == "Không phải tệp báo cáo"
