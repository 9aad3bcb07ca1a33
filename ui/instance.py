"""One TongKet per data folder: a QLockFile (a stale lock left by a crash is
taken over: Qt checks whether its process still runs).  A second start
touches a 'wake' file that the running one watches, so that the running
window comes to the front, then explains and exits."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, Signal


class SingleInstance(QObject):
    wake = Signal()

    def __init__(self, folder: Path, parent=None):
        super().__init__(parent)
        self.folder = folder
        self.lock = QLockFile(str(folder / "tongket.lock"))
        self.lock.setStaleLockTime(0)  # only a dead process makes a lock stale
        self.wake_file = folder / "tongket.wake"
        self.watcher = None
        self.held_by_other = False  # after a failed acquire(): another TongKet has it

    def acquire(self) -> bool:
        """True when this process holds the folder.  False with held_by_other
        when another TongKet does; False without it when the lock file cannot
        be written (a full or read-only disk: opening the database says which)."""
        if not self.lock.tryLock(200):
            if self.lock.error() == QLockFile.LockFailedError:
                self.lock.removeStaleLockFile()
                if self.lock.tryLock(200):
                    self._watch()
                    return True
                self.held_by_other = self.lock.error() == QLockFile.LockFailedError
            return False
        self._watch()
        return True

    def _watch(self) -> None:
        try:
            self.wake_file.write_text("", encoding="utf-8")
        except OSError:
            return  # no room to write it: the lock still holds, only waking is lost
        self.watcher = QFileSystemWatcher([str(self.wake_file)], self)
        self.watcher.fileChanged.connect(self._changed)

    def _changed(self, _path: str) -> None:
        if self.watcher is not None and str(self.wake_file) not in self.watcher.files() \
                and self.wake_file.exists():
            self.watcher.addPath(str(self.wake_file))
        self.wake.emit()

    def wake_other(self) -> None:
        try:
            self.wake_file.write_text(str(time.time()), encoding="utf-8")
        except OSError:
            pass

    def release(self) -> None:
        self.lock.unlock()
