"""Recovery in the GUI: a missing database, damage found late, a foreign
database or an unusable folder with "Chọn thư mục dữ liệu khác…", restore
that reports what really happened."""

import sqlite3
import subprocess

import pytest

from model import backup, paths
from model.app import create_sample
from model.outline import default_outline
from model.store import DraftStore
from ui import main_window
from ui.main_window import MainWindow


def _corrupt_error():
    exc = sqlite3.DatabaseError("database disk image is malformed")
    exc.sqlite_errorcode, exc.sqlite_errorname = 11, "SQLITE_CORRUPT"
    return exc


def _store_with_backup(reports=1):
    store = DraftStore(paths.database_path())
    for i in range(reports):
        create_sample(store, default_outline(), f"Xã Thử {i}", "Đắk Lắk", i)
    made = backup.make_backup(store.db.conn, "hang-ngay")
    store.close()
    return made


def _new_window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def test_missing_database_offers_the_backup(qtbot, data_dir, no_dialogs):
    _store_with_backup()
    for f in data_dir.glob("tongket.sqlite3*"):
        f.unlink()
    w = _new_window(qtbot)
    no_dialogs.answers.append(True)  # "Khôi phục"
    assert w.open_store()
    assert no_dialogs[0][0] == "ask" and "không còn" in no_dialogs[0][1] and "1 báo cáo" in no_dialogs[0][1]
    assert w.start.table.rowCount() == 1
    assert no_dialogs[-1] == ("information", "Đã khôi phục dữ liệu.")
    w.close()


def test_zero_byte_database_refused_restore_creates_nothing(qtbot, data_dir, no_dialogs):
    _store_with_backup()
    for f in data_dir.glob("tongket.sqlite3-*"):
        f.unlink()
    paths.database_path().write_bytes(b"")
    w = _new_window(qtbot)
    no_dialogs.answers.append(False)  # "Thoát"
    assert not w.open_store()
    assert "đã bị làm rỗng" in no_dialogs[0][1]
    assert paths.database_path().stat().st_size == 0  # nothing created over it


def test_damage_found_after_the_first_check_offers_restore(qtbot, data_dir, no_dialogs, monkeypatch):
    _store_with_backup()
    db_bytes = paths.database_path().read_bytes()
    calls = []
    real = DraftStore.list_reports

    def damaged_once(self):
        if not calls:
            calls.append(1)
            raise _corrupt_error()
        return real(self)

    monkeypatch.setattr(DraftStore, "list_reports", damaged_once)
    w = _new_window(qtbot)
    no_dialogs.answers.append(True)  # "Khôi phục"
    assert w.open_store()
    assert "bị hỏng" in no_dialogs[0][1]
    assert w.start.table.rowCount() == 1
    aside = list(data_dir.glob("tongket.sqlite3.hong-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == db_bytes  # kept byte for byte
    w.close()


def test_damage_while_saving_offers_restore(qtbot, window, no_dialogs, monkeypatch):
    rid = create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    backup.make_backup(window.store.db.conn, "hang-ngay")
    window.open_report(rid)
    editor = window.editor
    editor.show_page("p1.V")

    def broken(*_a, **_k):
        raise _corrupt_error()

    monkeypatch.setattr(window.store, "save_answers", broken)
    editor.pages["p1.V"].editors["bai_hoc"].setPlainText("Sửa sau khi tệp hỏng")
    no_dialogs.answers.append(True)
    assert not editor.save_now()
    assert window.editor is None and window.start.table.rowCount() == 1
    assert any(kind == "ask" and "bị hỏng" in text for kind, text in no_dialogs)


@pytest.mark.parametrize("kind", ["foreign", "newer"])
def test_unusable_database_offers_another_folder(qtbot, data_dir, tmp_path, no_dialogs, monkeypatch, kind):
    db = paths.database_path()
    if kind == "foreign":
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE cua_chuong_trinh_khac (x)")
        con.commit()
        con.close()
    else:
        DraftStore(db).close()
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 99")
        con.close()
    before = db.read_bytes()
    other = tmp_path / "thu-muc-khac"
    other.mkdir()
    monkeypatch.setattr(main_window, "choose_data_dir", lambda parent: str(other))
    w = _new_window(qtbot)
    moved = []
    w.data_dir_changed = lambda folder: moved.append(folder) or True
    no_dialogs.answers.append(True)  # "Chọn thư mục dữ liệu khác…"
    assert w.open_store()
    assert "thư mục dữ liệu khác" in no_dialogs[0][1] and "hỏng" not in no_dialogs[0][1]
    assert moved == [other] and w.store.path == other / "tongket.sqlite3"
    assert db.read_bytes() == before  # never touched
    w.close()


def test_restore_reports_what_really_happened(qtbot, window, tmp_path, no_dialogs):
    create_sample(window.store, window.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
    from model.trust import TrustList

    TrustList(window.store.db).add("Xã Ea Tu", "AB" * 32, "", "ai đó", "2023-07-01")
    saved = backup.export_backup(window.store.db.conn, tmp_path)
    no_dialogs.answers.append(True)
    assert window.restore_backup(str(saved))
    kind, text = no_dialogs[-1]
    assert kind == "information" and text == "Đã khôi phục dữ liệu từ bản sao lưu."


def test_full_disk_at_start_is_not_damage(qtbot, tmp_path, no_dialogs, monkeypatch):
    from tests.model.test_recovery import _can_mount, _fill

    if not _can_mount():
        pytest.skip("cần quyền root để gắn một ổ tmpfs nhỏ (chạy trong CI)")
    disk = tmp_path / "o-nho"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)]).returncode:
        pytest.skip("không gắn được ổ tmpfs trên máy này")
    try:
        paths.set_data_dir(disk)
        _store_with_backup()
        for f in disk.glob("tongket.sqlite3-*"):
            f.unlink()
        before = paths.database_path().read_bytes()
        _fill(disk, leave=8192)
        w = _new_window(qtbot)
        assert not w.open_store()  # "Thoát"
        kind, text = no_dialogs[0]
        assert kind == "ask" and "đầy" in text and "hỏng" not in text and "cửa sổ khác" not in text
        assert paths.database_path().read_bytes() == before
        assert not list(disk.glob("*.hong-*"))
        from ui.instance import SingleInstance

        (disk / "tongket.lock").unlink(missing_ok=True)
        lock = SingleInstance(disk)
        if not lock.acquire():  # no room even for the lock file: not "another window"
            assert not lock.held_by_other
        else:
            lock.release()
    finally:
        paths.set_data_dir(None)
        subprocess.run(["umount", "-l", str(disk)])
