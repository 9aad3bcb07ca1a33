"""Slow work off the UI thread; results come back on the main thread as
signals.  The function must not touch widgets."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal

_running: set = set()  # keep threads referenced until they finish


class Worker(QThread):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn, parent=None):
        super().__init__(parent)
        self.fn = fn

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the main thread, handled there
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


def run_in_thread(fn, on_success, on_failure, parent=None) -> Worker:
    worker = Worker(fn, parent)
    worker.succeeded.connect(on_success)
    worker.failed.connect(on_failure)
    _running.add(worker)
    worker.finished.connect(lambda: _running.discard(worker))
    worker.finished.connect(worker.deleteLater)
    worker.start()
    return worker
