"""A clerk with a USB token signs from the GUI (driver and certificate chosen
once, then the PIN only); the province imports the root once in 'Chứng thư
gốc tin cậy' and sees 'Hợp lệ' without confirming the unit."""

import pytest

from tests.softhsm import PIN, DemoCA, SoftToken, softhsm_lib
from tests.ui.test_sign_and_verify_gui import _sign, ready_to_sign
from ui import signing_dialogs

LIB = softhsm_lib()
pytestmark = pytest.mark.skipif(LIB is None, reason="softhsm2 is not installed (apt-get install softhsm2)")


@pytest.fixture
def ca():
    return DemoCA.make()


@pytest.fixture
def hsm(tmp_path, monkeypatch, ca):
    tok = SoftToken(tmp_path / "hsm", monkeypatch, LIB)
    tok.put_cert(ca.issue(tok.generate_key(b"\x07", "Khoa"), "Đảng ủy xã Hòa An"), b"\x07", "Chung thu")
    tok.put_cert(ca.ca, b"\x08", "CA")
    yield tok
    tok.close()


def test_token_signing_then_pin_only_then_root_once(qtbot, window, tmp_path, monkeypatch, no_dialogs, hsm, ca):
    editor = ready_to_sign(window, tmp_path, monkeypatch)
    monkeypatch.setattr(signing_dialogs, "ask_setup", lambda p, unit: ("token", "", ""))
    bad_driver = tmp_path / "eToken.dll"
    bad_driver.write_text("x", encoding="utf-8")
    drivers = iter([str(bad_driver), LIB])
    monkeypatch.setattr(signing_dialogs, "choose_driver", lambda p, current="": next(drivers))
    shown = []
    monkeypatch.setattr(signing_dialogs, "ask_token_certificate",
                        lambda p, certs: shown.extend(c.describe() for c in certs) or certs[0])
    pins, messages = iter(["0000", PIN]), []
    monkeypatch.setattr(signing_dialogs, "ask_pin",
                        lambda p, description="", message="": messages.append((description, message)) or next(pins))
    no_dialogs.answers += [True, False]  # "choose another driver", then "Đóng"
    _files, package = _sign(qtbot, editor)
    assert any(k == "ask" and "không phải trình điều khiển thiết bị ký số" in t for k, t in no_dialogs)
    assert len(shown) == 1 and "Hòa An" in shown[0] and "CA thử nghiệm" in shown[0]
    assert messages[0][1] == "" and "Hòa An" in messages[0][0]
    assert messages[1][1].startswith("Mã PIN của thiết bị ký số không đúng")
    assert package.path.exists()

    # next time: the PIN only
    monkeypatch.setattr(signing_dialogs, "ask_setup", lambda *a: pytest.fail("setup asked again"))
    monkeypatch.setattr(signing_dialogs, "choose_driver", lambda *a: pytest.fail("driver asked again"))
    monkeypatch.setattr(signing_dialogs, "ask_token_certificate", lambda *a: pytest.fail("certificate asked"))
    monkeypatch.setattr(signing_dialogs, "ask_pin", lambda p, description="", message="": PIN)
    no_dialogs.answers.append(False)
    _files, package2 = _sign(qtbot, editor)
    assert package2.path.name.endswith("-r2.zip")

    # the province: unconfirmed, then the root imported once, then valid
    verify = window.open_verify()
    got = []
    verify.check([package2.path], done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert verify.table.item(0, 1).text().startswith("Chưa xác nhận người ký")
    from ui.anchors_dialog import AnchorsDialog

    dialog = AnchorsDialog(verify)
    qtbot.addWidget(dialog)
    dialog.add_files([ca.pem(tmp_path / "goc.cer", ca.root)])
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "Chứng thư gốc"
    monkeypatch.setattr("ui.anchors_dialog.show_anchors", lambda parent: None)
    got.clear()
    verify._edit_anchors()
    qtbot.waitUntil(lambda: verify.table.rowCount() == 1 and verify.table.item(0, 1).text().startswith("Hợp lệ"),
                    timeout=10000)
    assert verify.table.item(0, 1).text() == \
        "Hợp lệ — chứng thư số do CA thử nghiệm cấp cho Đảng ủy xã Hòa An"
    # removing the root
    dialog.table.selectRow(0)
    no_dialogs.answers.append(True)
    dialog._remove()
    assert dialog.table.rowCount() == 0
    verify.close()
