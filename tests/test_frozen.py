"""Build the frozen program with build.spec and run its smoke test, so that a
missing data file or hidden import fails CI, not a clerk (about 30 s)."""

import sys

import pytest


@pytest.mark.slow
def test_frozen_build_passes_its_smoke_test(frozen_build):
    r, dist = frozen_build
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert "ĐẠT — " in r.stdout
    exe = dist / "TongKet" / ("TongKet.exe" if sys.platform == "win32" else "TongKet")
    assert exe.exists()
    internal = exe.parent / "_internal"
    assert (internal / "resources" / "outlines" / "nq25-kl43.toml").exists()
    assert (internal / "resources" / "i18n" / "qt_vi.qm").exists()
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    # the folder is zipped and packed into the installer as it is: nothing the build run left
    assert not (exe.parent / "smoke-test.log").exists()
