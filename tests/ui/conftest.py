import pytest


@pytest.fixture(scope="session")
def qapp_args():
    return ["tongket-test"]


@pytest.fixture(autouse=True, scope="session")
def _configure_app(qapp):
    from ui.app import configure

    configure(qapp)
    yield


@pytest.fixture
def no_dialogs(monkeypatch):
    """Modal dialogs must never run in a test: record them instead."""
    from ui import msgbox

    class Recorder(list):
        answers: list

    shown = Recorder()
    answers = []

    def record(kind):
        def f(parent, text, *a, **k):
            shown.append((kind, text))
            if kind == "ask":
                return answers.pop(0) if answers else False
            return None
        return f

    for kind in ("information", "warning", "error", "ask"):
        monkeypatch.setattr(msgbox, kind, record(kind))
    shown.answers = answers  # type: ignore[attr-defined]
    return shown


@pytest.fixture
def window(qtbot, data_dir, no_dialogs):
    """The real main window on a fresh data folder, shown, dialogs recorded."""
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_store()
    w.show()
    yield w
    if w.store is not None:
        w.close()
