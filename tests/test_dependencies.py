"""Locked, hashed dependencies: pyproject.toml names the direct ones, lock/
pins everything for Linux and Windows with hashes, and the tests run on
exactly the locked versions."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ["linux.txt", "linux-dev.txt", "windows.txt", "windows-dev.txt"]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(name: str) -> dict[str, str]:
    text = (ROOT / "lock" / name).read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)((?:\s*\\\n\s*--hash=sha256:[0-9a-f]{64})+)", text, re.M)
    pins = {_norm(n): v for n, v, _h in entries}
    requirements = [ln for ln in text.splitlines() if re.match(r"^[A-Za-z0-9]", ln)]
    assert len(requirements) == len(entries), f"{name}: a requirement without a hash"
    return pins


def _direct(extra: bool) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = list(project["dependencies"]) + (project["optional-dependencies"]["dev"] if extra else [])
    return {_norm(d.split("==")[0]): d.split("==")[1].split(";")[0].strip() for d in deps}


def test_version_is_one():
    from model.version import APP_VERSION

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == APP_VERSION


@pytest.mark.parametrize("lock", LOCKS)
def test_every_lock_pins_every_direct_dependency_with_hashes(lock):
    pins = _lock(lock)
    for name, version in _direct(extra=lock.endswith("-dev.txt")).items():
        assert pins.get(name) == version, (lock, name)


def test_windows_lock_has_what_pyinstaller_needs_there():
    pins = _lock("windows-dev.txt")
    assert "pywin32-ctypes" in pins and "pefile" in pins


def test_the_tests_run_on_the_locked_versions():
    for name, version in _lock("linux-dev.txt").items():
        if name in ("pip", "setuptools"):
            continue
        assert _norm(name) and metadata.version(name) == version, name
