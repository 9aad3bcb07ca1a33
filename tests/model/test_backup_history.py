"""Revision history and backups (model, no Qt)."""

import datetime as dt
import sqlite3

import pytest

from model import backup, paths
from model.app import create_sample
from model.errors import UserError
from model.report import Identity
from model.store import HISTORY_KEEP, SCHEMA_VERSION, DamagedDatabase, DraftStore


class FakeMonotonic:
    """The store's clock that never goes back, moved by hand."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t

    def advance(self, minutes):
        self.t += minutes * 60


def test_versions_kept_bounded_and_on_big_cuts(store, outline):
    clock = store.monotonic = FakeMonotonic()
    rid = store.create_report(outline, Identity())
    store.save_answers(rid, {"bai_hoc": "Bản đầu tiên của bài học kinh nghiệm."})
    assert store.history(rid, "bai_hoc") == []  # nothing earlier yet
    store.save_answers(rid, {"bai_hoc": "Bản đầu tiên của bài học kinh nghiệm. Thêm một câu."})
    assert [v[2] for v in store.history(rid, "bai_hoc")] == ["Bản đầu tiên của bài học kinh nghiệm."]
    # small edits within ten minutes: no new version each keystroke
    for i in range(20):
        store.save_answers(rid, {"bai_hoc": "Bản đầu tiên của bài học kinh nghiệm. Thêm một câu." + "x" * i})
    assert len(store.history(rid, "bai_hoc")) == 1
    # the clerk deletes most of the text by mistake: the text before is kept at once
    long_text = "Bản đầu tiên của bài học kinh nghiệm. Thêm một câu." + "x" * 19
    store.save_answers(rid, {"bai_hoc": "Bản"})
    assert store.history(rid, "bai_hoc")[0][2] == long_text
    # bounded
    for i in range(HISTORY_KEEP + 20):
        clock.advance(11)
        store.save_answers(rid, {"bai_hoc": f"Phiên bản số {i}"})
    assert len(store.history(rid, "bai_hoc")) == HISTORY_KEEP


def test_backup_before_migration(tmp_path, data_dir):
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "data" / "schema-v1.sqlite3"
    db = data_dir / "tongket.sqlite3"
    db.write_bytes(fixture.read_bytes())
    DraftStore(db).close()
    made = [b.path.name for b in backup.backups()]
    assert any("truoc-nang-cap-v1" in n for n in made)


def test_export_and_restore(store, outline, data_dir, tmp_path):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    create_sample(store, outline, "Xã Ea Tu", "Đắk Lắk", 2)
    usb = tmp_path / "usb"
    usb.mkdir()
    saved = backup.export_backup(store.db.conn, usb)
    again = backup.export_backup(store.db.conn, usb)
    assert saved.name.startswith("TongKet-SaoLuu-") and again != saved
    store.delete_report(1)
    store.close()
    result = backup.restore(saved)
    assert result.reports == 2 and result.safety_backup is not None
    reopened = DraftStore(paths.database_path())
    assert reopened.report_ids() == [1, 2]
    assert any("truoc-khoi-phuc" in b.path.name for b in backup.backups())
    reopened.close()


@pytest.mark.parametrize("content, message", [
    (b"", "rỗng"),
    (b"khong phai sqlite" * 100, "không phải bản sao lưu"),
    (b"SQLite format 3\x00" + b"\x00" * 5000, "hỏng|không phải"),
])
def test_restore_refuses_bad_files(tmp_path, data_dir, content, message):
    bad = tmp_path / "sao-luu.sqlite3"
    bad.write_bytes(content)
    with pytest.raises(UserError, match=message):
        backup.restore(bad)


def test_restore_refuses_foreign_and_newer(tmp_path, data_dir):
    foreign = tmp_path / "khac.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE x (a)")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="không phải bản sao lưu"):
        backup.check_backup(foreign)
    newer = tmp_path / "moi.sqlite3"
    DraftStore(newer).close()
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(UserError, match="mới hơn"):
        backup.check_backup(newer)


def test_corrupted_database_is_detected_and_set_aside(store, outline, data_dir):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    backup.make_backup(store.db.conn, "thu")
    store.close()
    db = paths.database_path()
    raw = bytearray(db.read_bytes())
    for pos in range(4096, min(len(raw), 4096 * 6), 7):  # scribble over the first pages
        raw[pos] = 0xFF
    db.write_bytes(bytes(raw))
    with pytest.raises(DamagedDatabase):
        DraftStore(db)
    damaged = db.read_bytes()
    good = backup.newest_good_backup()
    result = backup.restore(good.path, db)
    assert result.set_aside.read_bytes() == damaged and result.safety_backup is None
    s = DraftStore(db)
    assert s.report_ids() == [1]
    s.close()


def test_versions_kept_when_the_wall_clock_goes_back(store, outline):
    """Versions are decided by the monotonic clock, ordered by sequence: a
    laptop clock set back (versions stamped in 2030 already) never stops them."""
    clock = store.monotonic = FakeMonotonic()
    rid = store.create_report(outline, Identity())
    store.save_answers(rid, {"bai_hoc": "Bản một của bài học."})
    store.save_answers(rid, {"bai_hoc": "Bản hai của bài học."})
    store.db.execute("UPDATE answer_history SET saved_at = '2030-01-01T00:00:00.000+00:00'")
    for i in range(3):
        clock.advance(11)
        store.save_answers(rid, {"bai_hoc": f"Bản thứ {i + 3} của bài học."})
    texts = [v[2] for v in store.history(rid, "bai_hoc")]
    assert texts == ["Bản thứ 4 của bài học.", "Bản thứ 3 của bài học.", "Bản hai của bài học.",
                     "Bản một của bài học."]
