"""One module for paths (design notes, example 7).

The data folder is the platform's per-user data folder (%APPDATA%\\TongKet on
Windows), overridable with --data-dir or the TONGKET_DATA_DIR variable for
tests and portable use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "TongKet"
_override: Path | None = None


def set_data_dir(path: str | Path | None) -> None:
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    if _override is not None:
        base = _override
    elif os.environ.get("TONGKET_DATA_DIR"):
        base = Path(os.environ["TONGKET_DATA_DIR"]).expanduser().resolve()
    elif sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_NAME
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / APP_NAME
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_NAME
    return base


def ensure_data_dir() -> Path:
    d = data_dir()
    d.mkdir(parents=True, exist_ok=True)
    return d


def database_path() -> Path:
    return data_dir() / "tongket.sqlite3"


def resource_dir() -> Path:
    """resources/ beside the code, or inside a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
