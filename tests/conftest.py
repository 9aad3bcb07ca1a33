import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


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
