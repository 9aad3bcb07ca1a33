"""Small per-user settings (last export folder …) in settings.json in the
data folder.  A damaged file is ignored, never fatal."""

from __future__ import annotations

import json

from model.fileio import atomic_write
from model.paths import data_dir


def _path():
    return data_dir() / "settings.json"


def load() -> dict:
    try:
        raw = _path().read_text(encoding="utf-8")
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def get(key: str, default=None):
    return load().get(key, default)


def put(key: str, value) -> None:
    data = load()
    data[key] = value
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(path, lambda fh: fh.write(blob))
    except OSError:
        pass  # settings are a convenience; losing one is harmless


def tone_style() -> str:
    """Where the report puts tone marks: 'new' (hòa, thủy: the default, as in
    current official texts) or 'old' (hoà, thuỷ).  See model/spelling.py."""
    value = get("tone_style")
    return value if value in ("new", "old") else "new"


def set_tone_style(style: str) -> None:
    if style not in ("new", "old"):
        raise ValueError(style)
    put("tone_style", style)
