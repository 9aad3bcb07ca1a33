import datetime as dt
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from model.errors import UserError
from model.report import Identity, default_identity
from model.store import SCHEMA_VERSION, DraftStore

FIXTURES = Path(__file__).resolve().parents[1] / "data"
NFD = unicodedata.normalize("NFD", "Đảng ủy xã Hòa An lãnh đạo thực hiện Nghị quyết")


def test_round_trip_and_nfc(store, outline):
    ident = default_identity(outline, dt.date(2026, 2, 5))
    ident.unit = unicodedata.normalize("NFD", "ĐẢNG ỦY XÃ HÒA AN")
    ident.recipients = ["Ban Thường vụ Tỉnh ủy (để báo cáo)", "  ", "Lưu Văn phòng Đảng ủy"]
    rid = store.create_report(outline, ident)
    assert store.save_answers(rid, {"bai_hoc": NFD, "dan_so": "3.456"}) == 2
    assert store.save_answers(rid, {"bai_hoc": NFD}) == 0  # unchanged: no write
    r = store.get_report(rid)
    assert r.identity.unit == "ĐẢNG ỦY XÃ HÒA AN"
    assert unicodedata.is_normalized("NFC", r.answers["bai_hoc"])
    assert r.answers["bai_hoc"] == unicodedata.normalize("NFC", NFD)
    assert r.answers["dan_so"] == "3.456"
    assert r.identity.date == dt.date(2026, 2, 5)
    assert r.identity.recipients == ["Ban Thường vụ Tỉnh ủy (để báo cáo)", "Lưu Văn phòng Đảng ủy"]
    assert r.outline_key == outline.key


def test_several_reports_and_delete(store, outline):
    ids = [store.create_report(outline, Identity(unit=f"ĐẢNG ỦY XÃ {n}")) for n in ("A", "B", "C")]
    store.save_answers(ids[1], {"bai_hoc": "x"})
    assert [r.identity.unit for r in store.list_reports()] == ["ĐẢNG ỦY XÃ A", "ĐẢNG ỦY XÃ B", "ĐẢNG ỦY XÃ C"]
    store.delete_report(ids[1])
    assert store.report_ids() == [ids[0], ids[2]]
    assert store.db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0
    with pytest.raises(UserError, match="Không tìm thấy báo cáo"):
        store.get_report(ids[1])


def test_wal_and_full_sync(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.schema_version == SCHEMA_VERSION


def test_current_section_is_remembered(store, outline, data_dir):
    rid = store.create_report(outline, Identity())
    store.set_current_section(rid, "p1.III.4")
    store.close()
    again = DraftStore(data_dir / "tongket.sqlite3")
    assert again.get_report(rid).current_section == "p1.III.4"
    again.close()


def test_refuses_a_newer_database(tmp_path):
    path = tmp_path / "new.sqlite3"
    DraftStore(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()
    before = path.read_bytes()
    with pytest.raises(UserError, match="phiên bản TongKet mới hơn"):
        DraftStore(path)
    assert path.read_bytes() == before


def test_refuses_a_foreign_database(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="không phải của TongKet"):
        DraftStore(path)


def test_refuses_garbage(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(UserError, match="bị hỏng"):
        DraftStore(path)
    assert path.read_bytes().startswith(b"this is not")


def test_every_released_schema_upgrades(tmp_path, outline):
    """A database file of every released schema is kept as a fixture."""
    fixtures = sorted(FIXTURES.glob("schema-v*.sqlite3"))
    assert fixtures, "keep a database of each released schema in tests/data"
    for fixture in fixtures:
        path = tmp_path / fixture.name
        path.write_bytes(fixture.read_bytes())
        s = DraftStore(path)
        assert s.schema_version == SCHEMA_VERSION
        reports = s.list_reports()
        assert reports and reports[0].identity.unit == "ĐẢNG ỦY XÃ HÒA AN"
        assert reports[0].answers["dan_so"] == "12.345"
        s.close()
    assert {f.name for f in fixtures} >= {f"schema-v{n}.sqlite3" for n in range(1, SCHEMA_VERSION + 1)}


def test_tests_never_see_the_real_data_folder(tmp_path_factory):
    """Without the data_dir fixture, the data folder is still a temporary one
    (tests/conftest.py); and backups go beside their own database."""
    from model import backup, paths
    from tests.conftest import REAL_DATA_DIR

    assert paths.data_dir() != REAL_DATA_DIR
    assert str(paths.data_dir()).startswith(str(tmp_path_factory.getbasetemp()))
    elsewhere = tmp_path_factory.mktemp("noi-khac")
    s = DraftStore(elsewhere / "tongket.sqlite3")
    made = backup.make_backup(s.db.conn, "thu")
    s.close()
    assert made.parent == elsewhere / "sao-luu"
