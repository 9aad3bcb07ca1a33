"""The one way TongKet puts a file in place: written beside its target under
a temporary name, flushed to the disk, then renamed over the target in one
step, so that a power cut or a pulled USB stick leaves either the old file
or the new one, never half of one.  Raises OSError; the callers turn it
into a Vietnamese message (export/files.py, model/dberrors.py)."""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable


def fsync_file(path) -> None:
    """Flush a closed file to the disk (read-write: Windows refuses to
    flush a read-only handle)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder) -> None:
    """Make a rename in folder durable (POSIX; Windows has no such call)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(src, target, retries: int = 10) -> None:
    """os.replace, retried a moment on Windows, where an antivirus or the
    indexer may hold the target briefly."""
    for attempt in range(retries):
        try:
            os.replace(src, target)
            return
        except PermissionError:
            if attempt == retries - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


@contextmanager
def file_beside(target: Path, prefix: str = "~tongket-", suffix: str = ".tmp", retries: int = 10):
    """Yields a temporary path beside target.  When the block ends without an
    error, the file is flushed and moved into place; otherwise removed."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=str(target.parent))
    os.close(fd)
    try:
        yield Path(tmp)
        fsync_file(tmp)
        replace(tmp, target, retries)
        tmp = None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def atomic_write(target: Path, write: Callable[[object], None], retries: int = 10) -> Path:
    """write(binary file object) into target, atomically."""
    with file_beside(target, retries=retries) as tmp:
        with open(tmp, "wb") as fh:
            write(fh)
    return Path(target)
