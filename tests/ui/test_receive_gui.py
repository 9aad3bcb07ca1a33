"""The upper level in the GUI: receive a folder, status board, read-only
view, trust a signer, consolidate."""

import pytest

from export.docx_report import ReportData
from export.package import export_signed
from export.signing import create_identity
from model import paths
from model.outline import default_outline
from model.receiving import STATUS_MISSING, STATUS_OK, STATUS_UNCONFIRMED
from model.sample import make_sample
from ui import receive_window
from ui.main_window import MainWindow


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    outline = default_outline()
    for i, unit in enumerate(["Xã Hòa An", "Xã Ea Tu"]):
        paths.set_data_dir(tmp_path / f"xa{i}")
        ident = create_identity(f"ĐẢNG ỦY {unit.upper()}", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "mật khẩu")
        export_signed(ReportData(outline, *make_sample(outline, unit, "Đắk Lắk", i), uuid=f"u{i}"), ident, folder)
    (folder / "hong.zip").write_bytes(b"PK\x03\x04 hong")
    return folder


@pytest.fixture
def window(qtbot, inbox, data_dir, no_dialogs):
    paths.set_data_dir(data_dir)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_store()
    yield w
    if w.store is not None:
        w.close()


def test_receive_board_view_trust_consolidate(qtbot, window, inbox, tmp_path, monkeypatch, no_dialogs):
    rw = window.open_receive()
    rw.rs.set_expected(["Xã Hòa An", "Xã Ea Tu", "Xã Hòa Phú"])
    rw.refresh()
    assert [rw.table.item(r, 3).text() for r in range(3)] == [STATUS_MISSING] * 3
    got = []
    rw.receive([inbox], done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=15000)
    kind, text = no_dialogs[-1]
    assert kind == "warning" and "0 hợp lệ, 2 chưa xác nhận người ký, 1 bị từ chối" in text
    status = {rw.table.item(r, 1).text(): rw.table.item(r, 3).text() for r in range(rw.table.rowCount())}
    # nobody has confirmed these signers yet: never shown as plainly valid
    assert status == {"Xã Hòa An": STATUS_UNCONFIRMED, "Xã Ea Tu": STATUS_UNCONFIRMED,
                      "Xã Hòa Phú": STATUS_MISSING}
    assert "Hạn nộp: 20/07/2023" in rw.summary.text()

    rw.table.selectRow(0)
    viewer = rw.view_unit(0)
    text = viewer.findChild(receive_window.QPlainTextEdit).toPlainText()
    assert "ĐẢNG ỦY XÃ HÒA AN" in text and "Dân số:" in text
    assert viewer.findChild(receive_window.QPlainTextEdit).isReadOnly()
    viewer.close()

    assert rw.trust_button.isEnabled()
    no_dialogs.answers.append(True)
    rw.trust_button.click()
    assert rw.table.item(0, 4).text() == "Hợp lệ" and rw.table.item(0, 3).text() == STATUS_OK

    out = tmp_path / "tong-hop"
    monkeypatch.setattr(receive_window, "choose_folder", lambda p, t: str(out))
    monkeypatch.setattr(receive_window, "open_folder", lambda p: None)
    done = []
    no_dialogs.answers.append(False)  # "Để sau": one unit is still unconfirmed
    rw.consolidate(done=done.append)
    assert not done and "1 đơn vị có báo cáo hợp lệ nhưng chưa được xác nhận" in no_dialogs[-1][1]
    no_dialogs.answers += [True, False]  # "Vẫn tổng hợp", then do not open the folder
    rw.consolidate(done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=15000)
    result = done[0]
    assert result.units == 2 and result.missing == ["Xã Hòa Phú"]
    assert len(result.unconfirmed) == 1 and "EA TU" in result.unconfirmed[0].upper()
    assert result.xlsx.exists() and result.docx.exists()
    rw.close()


def test_expected_units_dialog_takes_the_official_list(qtbot, window):
    dialog = receive_window.ExpectedUnitsDialog(window, [])
    qtbot.addWidget(dialog)
    dialog.province.setCurrentText("Đắk Lắk")
    dialog._take()
    assert len(dialog.names()) == 102
