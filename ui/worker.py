"""Background work owned by the application, not by a window.

run_in_thread() hands a function to the application's Runner: the thread has
no parent widget, the Runner keeps it referenced until it finishes, and the
application waits for running jobs before it quits, so closing a window
while its job runs never destroys a running QThread.  The result comes back
on the main thread; when the window that asked is gone by then, nobody is
called.  Every failure is logged with its traceback before it is handed on.
A job can be cancelled: the function, if it takes a `job` argument, checks
job.cancelled (or calls job.check()) between steps.
"""

from __future__ import annotations

import inspect
import logging

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QApplication

log = logging.getLogger("tongket")


class Cancelled(Exception):
    """Raised by job.check() once the job is cancelled."""


class Job(QThread):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn, label: str = ""):
        super().__init__()  # no parent: a window closing never takes the thread with it
        self.fn = fn
        self.label = label
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def run(self) -> None:
        try:
            wants_job = "job" in inspect.signature(self.fn).parameters
        except (TypeError, ValueError):
            wants_job = False
        try:
            result = self.fn(job=self) if wants_job else self.fn()
        except Cancelled as exc:
            log.info("job %s cancelled", self.label or "?")
            self.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 - logged here, handled on the main thread
            log.error("background job %s failed", self.label or "?", exc_info=exc)
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class Runner(QObject):
    """One per application: the jobs that are running."""

    def __init__(self, app):
        super().__init__(app)
        self.jobs: set[Job] = set()
        app.aboutToQuit.connect(self.wait_all)

    def start(self, fn, on_success, on_failure, owner=None, label: str = "") -> Job:
        job = Job(fn, label)

        def deliver(callback):
            def call(value):
                if owner is not None and not shiboken6.isValid(owner):
                    log.info("job %s finished after its window closed", label or "?")
                    return
                if isinstance(value, Cancelled):
                    return
                try:
                    callback(value)
                except Exception:  # noqa: BLE001 - a handler's bug goes to the crash handler
                    import sys

                    sys.excepthook(*sys.exc_info())
            return call

        job.succeeded.connect(deliver(on_success))
        job.failed.connect(deliver(on_failure))
        self.jobs.add(job)
        job.finished.connect(lambda: self._done(job))
        job.start()
        return job

    def _done(self, job: Job) -> None:
        self.jobs.discard(job)
        job.deleteLater()

    def busy(self) -> bool:
        return bool(self.jobs)

    def wait_all(self, timeout_ms: int = 30000) -> None:
        """At quit: let running jobs finish (their files are written atomically)."""
        for job in list(self.jobs):
            job.wait(timeout_ms)


def runner() -> Runner:
    app = QApplication.instance()
    existing = getattr(app, "_tongket_runner", None)
    if existing is None or not shiboken6.isValid(existing):
        existing = Runner(app)
        app._tongket_runner = existing
    return existing


def run_in_thread(fn, on_success, on_failure, parent=None, label: str = "") -> Job:
    """Run fn in the background; on_success(result) or on_failure(exception)
    on the main thread, unless parent (the asking window) is gone by then."""
    return runner().start(fn, on_success, on_failure, owner=parent, label=label)
