"""The action layer: what the CLI and the GUI both call."""

import pytest

from export import actions
from model.errors import UserError
from model.outline import OutlineCatalog

PASS = "mật khẩu đơn vị"


@pytest.fixture
def catalog():
    return OutlineCatalog()


def test_a_failed_signed_export_keeps_the_revision(store, catalog, tmp_path, monkeypatch):
    rid = actions.create_sample(store, catalog, "Xã Hòa An", "Đắk Lắk", 1)
    ident, created = actions.identity_for("Xã Hòa An", "Tỉnh Đắk Lắk", PASS)
    assert created and not actions.identity_for("Xã Hòa An", "Tỉnh Đắk Lắk", PASS)[1]

    import export.package as package

    def full(*a, **k):
        raise UserError("Ổ đĩa đã đầy.")

    monkeypatch.setattr(package, "export_signed", full)
    with pytest.raises(UserError):
        actions.sign(store, catalog, rid, ident, tmp_path)
    assert store.get_report(rid).revision == 0
    monkeypatch.undo()
    result = actions.sign(store, catalog, rid, ident, tmp_path)
    assert result.revision == 1 and store.get_report(rid).revision == 1
    assert result.package.path.name.endswith("-r1.zip")
    assert "lần 1" in result.lines()[0] and "Mã chữ ký số" in result.lines()[1]


def test_consolidate_refuses_when_nothing_valid(store, catalog, tmp_path):
    with pytest.raises(UserError, match="Không có báo cáo hợp lệ"):
        actions.consolidate(store, catalog.default(), tmp_path)


def test_expected_units_from_a_province_or_refused(store):
    assert actions.expected_units(store, ["Xã Hòa An", "Xã Hòa \u0430n"]) == ["Xã Hòa \u0430n"]
    with pytest.raises(UserError, match="Không tìm thấy tỉnh"):
        actions.expected_units(store, province="Tỉnh Không Có")
