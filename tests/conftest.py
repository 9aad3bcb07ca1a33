import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


def _real_data_dir() -> Path:
    """Where TongKet would keep the user's data on this machine."""
    from model import paths

    saved = os.environ.pop("TONGKET_DATA_DIR", None)
    try:
        return paths.data_dir()
    finally:
        if saved is not None:
            os.environ["TONGKET_DATA_DIR"] = saved


def _snapshot(folder: Path):
    if not folder.exists():
        return None
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob("*"))


REAL_DATA_DIR = _real_data_dir()
_REAL_BEFORE = _snapshot(REAL_DATA_DIR)


@pytest.fixture(autouse=True, scope="session")
def _never_the_real_data_folder(tmp_path_factory):
    """Every test, with or without the data_dir fixture, and every program it
    starts, sees a data folder under the test's temporary folder."""
    nowhere = tmp_path_factory.mktemp("du-lieu-mac-dinh")
    os.environ["TONGKET_DATA_DIR"] = str(nowhere)
    yield nowhere


def pytest_sessionfinish(session, exitstatus):
    """The proof: the user's real data folder is exactly as it was."""
    if _snapshot(REAL_DATA_DIR) != _REAL_BEFORE:
        session.exitstatus = 1
        print(f"\nTHE TESTS CHANGED THE REAL DATA FOLDER {REAL_DATA_DIR}", file=sys.stderr)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder for each test; never the user's real one."""
    from model import paths

    d = tmp_path / "data"
    d.mkdir()
    paths.set_data_dir(d)
    yield d
    paths.set_data_dir(None)


@pytest.fixture
def outline():
    from model.outline import default_outline

    return default_outline()


@pytest.fixture
def store(data_dir):
    from model.store import DraftStore

    s = DraftStore(data_dir / "tongket.sqlite3")
    yield s
    s.close()


@pytest.fixture(scope="session")
def frozen_build(tmp_path_factory):
    """tests/build_frozen.py run once per session (tests/test_frozen.py checks
    it, tests/test_installer.py packs it): (its completed process, dist folder)."""
    import subprocess

    if os.environ.get("TONGKET_SKIP_FROZEN") == "1":
        pytest.skip("TONGKET_SKIP_FROZEN=1")
    dist = tmp_path_factory.mktemp("frozen") / "dist"
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "build_frozen.py"), "--no-bare", "--runs", "1",
                        "--dist", str(dist)], capture_output=True, text=True, timeout=900)
    return r, dist
