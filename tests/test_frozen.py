"""Build the frozen program with build.spec and run its smoke test, so that a
missing data file or hidden import fails CI, not a clerk (about 30 s)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(os.environ.get("TONGKET_SKIP_FROZEN") == "1", reason="TONGKET_SKIP_FROZEN=1")
def test_frozen_build_passes_its_smoke_test(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "build_frozen.py"), "--no-bare", "--runs", "1",
                        "--dist", str(tmp_path / "dist")], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert "ĐẠT — " in r.stdout
    exe = tmp_path / "dist" / "TongKet" / ("TongKet.exe" if sys.platform == "win32" else "TongKet")
    assert exe.exists()
    internal = exe.parent / "_internal"
    assert (internal / "resources" / "outlines" / "nq25-kl43.toml").exists()
    assert (internal / "resources" / "i18n" / "qt_vi.qm").exists()
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
