"""The program's log: one rotating file in the data folder (nhat-ky/), crash
reports beside it, and a copy for support ("Gửi nhật ký lỗi").

What goes in: events (a report id, an export, a verdict code), and the
traceback of every failure.  What never goes in: what the clerk typed (texts,
numbers, passphrases).  Log lines name ids and types, not content."""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import sys
import traceback
import zipfile
from pathlib import Path

from model.paths import data_dir

LOGGER = "tongket"
FILE = "tongket.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 4
_handler: logging.Handler | None = None


def log_dir() -> Path:
    return data_dir() / "nhat-ky"


def setup_logging() -> Path | None:
    """Send the 'tongket' logger to the rotating file of the current data
    folder (again after the data folder changes).  None when the folder
    cannot be written: the program works on without a log."""
    global _handler
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / FILE, maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    logger.addHandler(handler)
    _handler = handler
    return folder / FILE


def write_crash(exc_type, exc, tb) -> Path | None:
    """A failure nobody handled: its traceback in the log and in a file of its
    own (the one to send).  Returns that file, or None when it could not be
    written."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    logging.getLogger(LOGGER).error("unhandled %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"loi-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.log"
        path.write_text(f"TongKet {_version()} — Python {sys.version.split()[0]} — {sys.platform}\n\n{text}",
                        encoding="utf-8")
        return path
    except OSError:
        return None


def _version() -> str:
    from model.version import APP_VERSION

    return APP_VERSION


def copy_logs(destination: str | Path) -> Path:
    """'Gửi nhật ký lỗi': every log file in one ZIP in the chosen folder."""
    from model.errors import UserError

    folder = log_dir()
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        raise UserError("Chưa có nhật ký nào để gửi.")
    target = Path(destination) / f"TongKet-nhat-ky-{dt.datetime.now():%Y%m%d-%H%M%S}.zip"
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in files:
                zf.write(p, p.name)
    except OSError as exc:
        try:
            target.unlink()
        except OSError:
            pass
        raise UserError("Không ghi được tệp nhật ký vào thư mục đã chọn (ổ đầy, chỉ đọc hoặc đã rút "
                        "ra). Hãy chọn thư mục khác.") from exc
    return target
