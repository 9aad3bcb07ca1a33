"""Background work belongs to the application: closing a window while its job
runs never aborts the program, every failure reaches the log, logs can be
sent, jobs can be cancelled."""

import logging
import threading
import time
import zipfile

from ui import verify_window as vw
from ui.worker import run_in_thread, runner


def _idle(qtbot):
    qtbot.waitUntil(lambda: not runner().busy(), timeout=10000)


def test_closing_a_window_while_its_job_runs(qtbot, window, tmp_path, monkeypatch):
    started = threading.Event()

    def slow(paths):
        started.set()
        time.sleep(0.4)
        return []

    monkeypatch.setattr(vw, "verify_all", slow)
    verify = window.open_verify()
    (tmp_path / "a.zip").write_bytes(b"x")
    called = []
    verify.check([tmp_path / "a.zip"], done=called.append)
    assert started.wait(5)
    verify.close()  # deletes itself while its thread still runs
    qtbot.wait(50)
    _idle(qtbot)
    qtbot.wait(50)
    assert called == []  # nobody is called back on a window that is gone
    # and the receive window, which runs imports in a thread of its own
    receive = window.open_receive()
    receive.receive([tmp_path], done=called.append)
    receive.close()
    _idle(qtbot)
    qtbot.wait(50)
    assert window.isVisible()


def test_background_failure_is_logged_with_its_traceback(qtbot, data_dir):
    from model.logs import log_dir, setup_logging

    assert setup_logging() == log_dir() / "tongket.log"
    failures = []

    def broken():
        return {}["khong-co"]

    run_in_thread(broken, lambda r: None, failures.append, label="thu-loi")
    _idle(qtbot)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    for h in logging.getLogger("tongket").handlers:
        h.flush()
    text = (log_dir() / "tongket.log").read_text(encoding="utf-8")
    assert "background job thu-loi failed" in text and "Traceback" in text and "KeyError" in text


def test_a_job_can_be_cancelled(qtbot, data_dir):
    steps, results = [], []

    def long(job):
        for i in range(100):
            job.check()
            steps.append(i)
            time.sleep(0.01)
        return "xong"

    job = run_in_thread(long, results.append, results.append)
    qtbot.waitUntil(lambda: len(steps) > 2, timeout=5000)
    job.cancel()
    _idle(qtbot)
    qtbot.wait(20)
    assert len(steps) < 100 and results == []


def test_send_logs_copies_them_into_a_zip(qtbot, window, tmp_path, no_dialogs):
    from model.logs import setup_logging

    setup_logging()
    logging.getLogger("tongket").info("mot dong nhat ky")
    for h in logging.getLogger("tongket").handlers:
        h.flush()
    out = tmp_path / "gui"
    out.mkdir()
    path = window.send_logs(str(out))
    assert path and path.parent == out
    with zipfile.ZipFile(path) as zf:
        assert "tongket.log" in zf.namelist()
    assert no_dialogs[-1][0] == "information"
    # a folder that cannot be written: a Vietnamese message, no file
    assert window.send_logs(str(tmp_path / "khong-co")) is None
    assert no_dialogs[-1][0] == "error"


def test_cli_failure_goes_to_the_log_folder(tmp_path, monkeypatch, capsys):
    import main
    from model import app as model_app

    def boom(*a, **k):
        raise RuntimeError("lỗi thử")

    monkeypatch.setattr(model_app, "summary_line", boom)
    assert main.main(["--data-dir", str(tmp_path / "d"), "sample"]) == 0
    assert main.main(["--data-dir", str(tmp_path / "d"), "list"]) == 3
    err = capsys.readouterr().err
    assert "lỗi ngoài dự kiến" in err and "Traceback" not in err
    crash = list((tmp_path / "d" / "nhat-ky").glob("loi-*.log"))
    assert crash and "RuntimeError" in crash[0].read_text(encoding="utf-8")
    assert "RuntimeError" in (tmp_path / "d" / "nhat-ky" / "tongket.log").read_text(encoding="utf-8")
    from model.paths import set_data_dir

    set_data_dir(None)


def test_the_list_shows_before_the_store_opens(qtbot, data_dir, no_dialogs):
    """A quick read-only look fills the start window's list; the full open
    then puts in the progress."""
    from model.app import create_sample
    from model.outline import default_outline
    from model.store import DraftStore
    from ui.main_window import MainWindow

    s = DraftStore(data_dir / "tongket.sqlite3")
    create_sample(s, default_outline(), "Xã Hòa An", "Đắk Lắk", 1)
    s.close()
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.show_quick_list()
    assert w.start.table.rowCount() == 1 and w.start.table.item(0, 2).text() == "…"
    assert w.start.table.item(0, 0).text() == "ĐẢNG ỦY XÃ HÒA AN"
    assert w.open_store()
    assert w.start.table.item(0, 2).text().endswith("mục")
    w.close()
    # a database this version cannot read as it is: no quick look, the full open decides
    (data_dir / "khac").mkdir()
    from model.paths import set_data_dir

    set_data_dir(data_dir / "khac")
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert not w2.show_quick_list()
