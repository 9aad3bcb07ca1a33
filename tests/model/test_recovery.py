"""Recovery paths that never destroy work: backups ordered by sequence under a
wrong clock, restore as a transaction, damage told from a full or read-only
disk, missing and 0-byte databases, hostile backups, broken outline files."""

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from model import backup, dberrors, paths, recovery
from model.app import create_sample
from model.errors import UserError
from model.store import DamagedDatabase, DraftStore


class Clock:
    """The laptop clock, set by the test."""

    def __init__(self, when):
        self.when = when

    def __call__(self):
        return self.when

    def days(self, n):
        self.when += dt.timedelta(days=n)


@pytest.fixture
def clock(monkeypatch):
    c = Clock(dt.datetime(2026, 11, 27, 9, 0))
    monkeypatch.setattr(backup, "CLOCK", c)
    return c


def _reports(path):
    s = DraftStore(path)
    try:
        return s.report_ids()
    finally:
        s.close()


def test_clock_in_the_past_restore_keeps_todays_work(store, outline, clock):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    for _ in range(7):  # seven daily backups made while the clock was right
        backup.make_backup(store.db.conn, "hang-ngay")
        clock.days(1)
    clock.when = dt.datetime(2019, 1, 1, 8, 0)  # the battery died: the clock is in the past
    create_sample(store, outline, "Xã Ea Tu", "Đắk Lắk", 2)  # today's work
    oldest = backup.backups()[-1]
    store.close()
    result = backup.restore(oldest.path)
    # the backup just taken holds today's work and is the newest; the restored one is still there
    assert result.safety_backup.exists() and oldest.path.exists()
    assert backup.backups()[0].path == result.safety_backup
    assert _reports(result.safety_backup) == [1, 2]
    assert _reports(paths.database_path()) == [1]
    assert any("giữ trong bản sao lưu" in line for line in result.lines())


def test_daily_backups_survive_a_clock_going_back(store, outline, clock):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    clock.when = dt.datetime(2030, 6, 1, 8, 0)  # once in the future
    future = backup.daily_backup(store.db.conn)
    clock.when = dt.datetime(2026, 1, 1, 8, 0)  # corrected, then real days pass
    made = []
    for day in range(10):
        store.save_answers(1, {"bai_hoc": f"Ngày {day}"})
        made.append(backup.daily_backup(store.db.conn))
        clock.days(1)
    assert all(made)  # a backup every day although 2030 is "later"
    names = [b.path for b in backup.backups()]
    assert names[:7] == made[::-1][:7]  # the last seven, by sequence
    info = backup.newest_good_backup()
    assert info.path == made[-1] != future  # the 2030 backup is not the newest for ever
    # at most 7 + one per day for 7 days + the newest holding reports
    assert len(names) <= 15


def test_restoring_the_oldest_backup_keeps_it(store, outline, clock):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    for _ in range(7):
        backup.make_backup(store.db.conn, "thu")
    oldest = backup.backups()[-1]
    store.close()
    result = backup.restore(oldest.path)
    assert oldest.path.exists() and result.source == oldest.path and result.reports == 1
    assert _reports(paths.database_path()) == [1]


def test_empty_database_never_pushes_out_reports(store, outline, clock, data_dir):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    held = backup.daily_backup(store.db.conn)
    store.delete_report(1)  # the database now holds nothing
    for _ in range(10):
        clock.days(1)
        assert backup.daily_backup(store.db.conn) is None
    for _ in range(10):  # even backups made by hand keep the one holding reports
        backup.make_backup(store.db.conn, "thu")
    assert held.exists() and backup.newest_good_backup().path == held


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_missing_or_zero_byte_database_offers_the_backup(store, outline, clock, how):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    held = backup.make_backup(store.db.conn, "hang-ngay")
    backup.make_backup(store.db.conn, "thu")
    store.close()
    db = paths.database_path()
    if how == "missing":
        db.unlink()
    else:
        db.write_bytes(b"")
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    with pytest.raises(recovery.MissingDatabase) as caught:
        recovery.open_store()
    assert caught.value.offer.reports == 1 and "sao lưu" in caught.value.message
    assert not db.exists() or db.stat().st_size == 0  # nothing created over it
    result = backup.restore(caught.value.offer.path)
    assert result.safety_backup is None and held.exists()
    assert "chưa có dữ liệu" in " ".join(result.lines())
    assert recovery.open_store().report_ids() == [1]


def test_first_start_creates_a_database(data_dir):
    s = recovery.open_store()
    assert s.report_ids() == []
    s.close()


def _hostile_copy(source, target, sql):
    target.write_bytes(Path(source).read_bytes())
    con = sqlite3.connect(target)
    con.executescript(sql)
    con.commit()
    con.close()
    return target


@pytest.mark.parametrize("sql, message", [
    ("CREATE TRIGGER xoa AFTER UPDATE ON answers BEGIN DELETE FROM answers; END;", "thành phần lạ"),
    ("CREATE VIEW v AS SELECT 1;", "thành phần lạ"),
    ("CREATE TABLE may_doc (x);", "bảng dữ liệu không phải"),
])
def test_hostile_backup_is_refused_and_nothing_changes(store, outline, tmp_path, clock, sql, message):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    good = backup.export_backup(store.db.conn, tmp_path)
    store.close()
    before = paths.database_path().read_bytes()
    hostile = _hostile_copy(good, tmp_path / "doc.sqlite3", sql)
    with pytest.raises(UserError, match=message):
        backup.restore(hostile)
    assert paths.database_path().read_bytes() == before
    assert backup.backups() == []


def test_restore_never_brings_trusted_signers(store, outline, tmp_path, clock):
    from model.receiving import ReceivingStore
    from model.trust import TrustList

    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    trust = TrustList(store.db)
    trust.add("Xã Ea Tu", "AB" * 32, "", "kẻ giả mạo", "2023-07-01")
    # and a received row planted under the key the receiver really trusts
    ReceivingStore(store).add(package_sha256="00" * 32, file_name="gia.zip", verdict="intact",
                              verdict_label="", details=[], unit="Xã Hòa An", subject="",
                              fingerprint="CD" * 32, anchored=True, report_id="r", revision=99,
                              report_date="2099-01-01", outline_id=outline.id,
                              outline_version=outline.version, signed_at="",
                              data={"statistics": {"dan_so": {"value": 1}}, "texts": {}})
    planted = backup.export_backup(store.db.conn, tmp_path)
    trust.remove("Xã Ea Tu")
    trust.add("Xã Hòa An", "CD" * 32, "", "đơn vị thật", "2023-07-02")  # the receiver's own decision
    store.close()
    result = backup.restore(planted)
    assert result.trust_dropped == 1 and result.recheck == 1
    assert any("không được khôi phục" in line for line in result.lines())
    assert any("cần được nhận lại" in line for line in result.lines())
    s = DraftStore(paths.database_path())
    assert TrustList(s.db).keys_for("Xã Ea Tu") == set()
    assert TrustList(s.db).keys_for("Xã Hòa An") == {"CD" * 32}
    assert ReceivingStore(s).current_ids(outline) == {}  # the planted row counts for nothing
    assert s.report_ids() == [1]
    s.close()


def test_restore_copies_into_a_fresh_database(store, outline, tmp_path, clock):
    """The restored file is ours, not the file given: extra columns, indexes
    and odd types in the backup do not come along."""
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    good = backup.export_backup(store.db.conn, tmp_path)
    store.close()
    odd = _hostile_copy(good, tmp_path / "la.sqlite3",
                        "CREATE INDEX la ON answers (value);"
                        "ALTER TABLE reports ADD COLUMN them TEXT;"
                        "UPDATE answers SET value = CAST(value AS BLOB) WHERE field_id = 'bai_hoc';")
    backup.restore(odd)
    con = sqlite3.connect(paths.database_path())
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    cols = {r[1] for r in con.execute("PRAGMA table_info(reports)")}
    kind = con.execute("SELECT typeof(value) FROM answers WHERE field_id = 'bai_hoc'").fetchone()[0]
    con.close()
    assert "la" not in names and "them" not in cols and kind == "text"


def test_set_aside_never_overwrites_an_earlier_one(data_dir, clock):
    db = paths.database_path()
    first_bytes, second_bytes = b"hong mot" * 10, b"hong hai" * 10
    db.write_bytes(first_bytes)
    first = backup.set_aside(db)
    db.write_bytes(second_bytes)
    second = backup.set_aside(db)  # same second on the clock
    assert first != second and first.read_bytes() == first_bytes and second.read_bytes() == second_bytes


def test_legacy_backup_names_still_count(data_dir, store, outline, clock):
    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    old = backup.backup_dir() / "tongket-20240101-101010-123456-hang-ngay.sqlite3"
    backup.export_backup(store.db.conn, backup.backup_dir()).rename(old)
    new = backup.make_backup(store.db.conn, "thu")
    items = backup.backups()
    assert [b.path for b in items] == [new, old] and items[1].report_count() == 1


def _sqlite_error(cls, code, name):
    exc = cls("thông điệp không được dùng để phân loại")
    exc.sqlite_errorcode, exc.sqlite_errorname = code, name
    return exc


@pytest.mark.parametrize("code, kind", [
    (13, dberrors.FULL), (8, dberrors.READONLY), (1032, dberrors.READONLY), (14, dberrors.CANTOPEN),
    (11, dberrors.DAMAGED), (26, dberrors.DAMAGED), (779, dberrors.DAMAGED), (5, dberrors.BUSY),
    (10, dberrors.IO), (4874, dberrors.IO), (1, dberrors.OTHER),
])
def test_errors_told_apart_by_their_codes(code, kind):
    assert dberrors.kind_of(_sqlite_error(sqlite3.OperationalError, code, "X")) == kind


# ------------------------------------------------------ a real small disk ---
def _can_mount():
    return os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KB tmpfs (root only, as in CI); skipped elsewhere."""
    if not _can_mount():
        pytest.skip("cần quyền root để gắn một ổ tmpfs nhỏ (chạy trong CI)")
    where = tmp_path / "o-nho"
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(where)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("không gắn được ổ tmpfs trên máy này")
    yield where
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder, leave=0):
    fd = os.open(folder / "day-o", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    if leave:
        os.truncate(folder / "day-o", os.path.getsize(folder / "day-o") - leave)


def test_full_disk_is_not_damage(small_disk, outline, monkeypatch, clock):
    paths.set_data_dir(small_disk)
    try:
        s = DraftStore(paths.database_path())
        create_sample(s, outline, "Xã Hòa An", "Đắk Lắk", 1)
        good = backup.make_backup(s.db.conn, "hang-ngay")
        s.close()
        for side in ("-wal", "-shm"):
            Path(str(paths.database_path()) + side).unlink(missing_ok=True)
        before = paths.database_path().read_bytes()
        _fill(small_disk, leave=8192)  # about 8 KB left
        with pytest.raises(dberrors.StorageProblem) as caught:
            recovery.open_store()
        assert caught.value.kind == dberrors.FULL and "đầy" in caught.value.message
        assert "hỏng" not in caught.value.message
        # "Khôi phục" on a full disk: refused, nothing set aside, nothing claimed
        with pytest.raises(dberrors.StorageProblem, match="đầy"):
            backup.restore(good)
        assert paths.database_path().read_bytes() == before
        assert not list(small_disk.glob("*.hong-*")) and not list(small_disk.glob("~khoi-phuc-*"))
        os.unlink(small_disk / "day-o")
        assert _reports(paths.database_path()) == [1]
    finally:
        paths.set_data_dir(None)


def test_read_only_disk_is_not_damage(small_disk, outline, clock):
    paths.set_data_dir(small_disk)
    try:
        s = DraftStore(paths.database_path())
        create_sample(s, outline, "Xã Hòa An", "Đắk Lắk", 1)
        s.close()
        for side in ("-wal", "-shm"):
            Path(str(paths.database_path()) + side).unlink(missing_ok=True)
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        with pytest.raises(dberrors.StorageProblem) as caught:
            recovery.open_store()
        assert caught.value.kind == dberrors.READONLY and "chỉ đọc" in caught.value.message
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
        assert _reports(paths.database_path()) == [1]
    finally:
        paths.set_data_dir(None)


def test_damage_is_still_damage(data_dir):
    paths.database_path().write_bytes(b"SQLite format 3\x00" + b"\x01" * 8192)
    with pytest.raises(DamagedDatabase):
        recovery.open_store()


# ------------------------------------------------------------- outlines ---
@pytest.mark.parametrize("content", [
    b"a = " + b"[" * 1000 + b"]" * 1000,
    b"format = \"tongket-outline\"\nschema_version = " + b"7" * 5000,
])
def test_bad_outline_file_is_skipped_by_name(data_dir, content):
    from model.outline import OutlineCatalog, user_outlines_dir

    folder = user_outlines_dir()
    folder.mkdir(parents=True)
    (folder / "hong.toml").write_bytes(content)
    catalog = OutlineCatalog()
    assert catalog.default().key in catalog.outlines
    assert len(catalog.errors) == 1 and "hong.toml" in catalog.errors[0]


def test_a_restored_file_blocks_no_genuine_package_and_plants_no_unit(store, outline, tmp_path, clock):
    """A backup carrying a 'tampered' row with the genuine package's hash and
    a look-alike expected unit: after the restore the genuine file can be
    received again and the look-alike is gone."""
    from model.receiving import ReceivingStore

    create_sample(store, outline, "Xã Hòa An", "Đắk Lắk", 1)
    rs = ReceivingStore(store)
    rs.add(package_sha256="ab" * 32, file_name="x" * 40000, verdict="tampered", verdict_label="Hợp lệ",
           details=[], unit="Xã Hòa An", subject="", fingerprint="", report_id="r", revision=1,
           outline_id=outline.id, outline_version=outline.version, signed_at="", data=None)
    store.db.execute("INSERT INTO expected_units (unit_key, unit, position) VALUES ('gia', 'Xã Hòa \u0430n', 9)")
    planted = backup.export_backup(store.db.conn, tmp_path)
    store.close()
    result = backup.restore(planted)
    assert result.recheck == 1
    s = DraftStore(paths.database_path())
    rs = ReceivingStore(s)
    assert rs.known("ab" * 32) is None  # the genuine file is welcome again
    assert [u for _k, u in rs.expected()] == []
    assert len(rs.rows()[0]["file_name"]) <= 255
    s.close()
