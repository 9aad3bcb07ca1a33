"""Make dist/TongKet-<version>-setup.exe from the one-folder build dist/TongKet/.

    python tests/build_frozen.py --no-bare       # first: dist/TongKet/
    python installer/build_installer.py          # then:  dist/TongKet-0.2.0-setup.exe

Needs makensis (NSIS 3: `apt-get install nsis` on Debian, `choco install nsis`
or nsis.sourceforge.io on Windows).  Warnings are errors (-WX).  Name, version
and publisher come from model/version.py.  When a code-signing certificate is
configured (installer/codesign.py), TongKet.exe, the uninstaller and the
installer are signed; without one the build says so and goes on.

On Linux this packs the Linux build: the result does not run on Windows, but
the script, its pages, its language file and its file list are checked the
same way (tests/test_installer.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from installer import codesign  # noqa: E402
from model.version import APP_NAME, APP_TITLE, APP_VERSION, PUBLISHER  # noqa: E402

SCRIPT = ROOT / "installer" / "tongket.nsi"
ICON = ROOT / "resources" / "icon" / "tongket.ico"


@dataclass
class Result:
    setup: Path
    files: list[str]       # every file of the folder, relative, with "/"
    log: str               # makensis output
    seconds: float


def folder_files(folder: Path) -> tuple[list[str], list[str]]:
    """Every file (a link to a file counts as a file: it is installed as a
    copy) and every directory under `folder`, relative, sorted."""
    files, dirs = [], []
    for cur, dirnames, filenames in os.walk(folder):
        base = Path(cur)
        for d in dirnames:
            if (base / d).is_symlink():
                raise ValueError(f"a link to a folder cannot be installed: {base / d}")
            dirs.append((base / d).relative_to(folder).as_posix())
        files += [(base / f).relative_to(folder).as_posix() for f in filenames]
    return sorted(files), sorted(dirs)


def _check_name(text: str) -> None:
    """A path inside an NSIS string.  Quotes and wildcards cannot be in a
    Windows file name; $ (NSIS's sign for variables, which File's source
    path cannot escape) is not in any file PyInstaller makes."""
    if any(c in text for c in '"*?$\r\n'):
        raise ValueError(f"file name NSIS cannot install: {text!r}")


def file_lists(folder: Path, files: list[str], dirs: list[str]) -> tuple[str, str]:
    """The installer's File lines and the uninstaller's Delete/RMDir lines,
    from one walk."""
    for name in files + dirs:
        _check_name(name)
    win = {p: "\\" + p.replace("/", "\\") for p in files + dirs}
    install, uninstall = [], []
    by_dir: dict[str, list[str]] = {}
    for f in files:
        by_dir.setdefault(f.rpartition("/")[0], []).append(f)
    for d in sorted(set(dirs) | set(by_dir)):
        install.append(f'SetOutPath "$INSTDIR{win[d] if d else ""}"')
        install += [f'File "{folder / f}"' for f in by_dir.get(d, [])]
    uninstall += [f'Delete "$INSTDIR{win[f]}"' for f in files]
    # deepest first, and never RMDir /r: a folder keeps what TongKet did not put there
    uninstall += [f'RMDir "$INSTDIR{win[d]}"' for d in sorted(dirs, key=lambda d: (-d.count("/"), d))]
    return "\n".join(install) + "\n", "\n".join(uninstall) + "\n"


def vi_version(version: str) -> str:
    """"0.2.0" -> "0.2.0.0" (a Windows version resource has four numbers)."""
    nums = [int(x) for x in version.split(".")][:4]
    return ".".join(str(n) for n in nums + [0] * (4 - len(nums)))


def build(folder: Path, out_dir: Path, work: Path, makensis: str = "makensis", verbosity: int = 3,
          store: bool = False) -> Result:
    """`store`: no compression (a bigger file in seconds instead of a minute
    or two of solid LZMA), for checks of everything else."""
    exe = folder / (APP_NAME + ".exe")
    if not exe.exists() and not (folder / APP_NAME).exists():
        raise FileNotFoundError(f"{folder} holds no {APP_NAME} program: run tests/build_frozen.py first")
    if exe.exists():
        codesign.sign(exe)                    # before packing: the installer carries the signed program
    files, dirs = folder_files(folder)
    install, uninstall = file_lists(folder, files, dirs)
    work.mkdir(parents=True, exist_ok=True)
    (work / "install-files.nsh").write_text(install, encoding="utf-8-sig")
    (work / "uninstall-files.nsh").write_text(uninstall, encoding="utf-8-sig")
    out_dir.mkdir(parents=True, exist_ok=True)
    setup = out_dir / f"{APP_NAME}-{APP_VERSION}-setup.exe"
    size_kb = sum((folder / f).stat().st_size for f in files) // 1024
    defines = {
        "APP_NAME": APP_NAME, "APP_VERSION": APP_VERSION, "APP_TITLE": APP_TITLE, "PUBLISHER": PUBLISHER,
        "VI_VERSION": vi_version(APP_VERSION), "ICON": str(ICON), "ESTIMATED_SIZE_KB": str(size_kb),
        "INSTALL_FILES": str(work / "install-files.nsh"), "UNINSTALL_FILES": str(work / "uninstall-files.nsh"),
        "OUTFILE": str(setup),
    }
    cmd = [makensis, f"-V{verbosity}", "-WX", "-INPUTCHARSET", "UTF8"]
    if sys.platform == "win32":
        cmd += ["-OUTPUTCHARSET", "UTF8"]
    if store:
        defines["STORE"] = "1"
    if codesign.available():
        defines["SIGN_WITH"] = sys.executable      # makensis signs the uninstaller with codesign.py
    cmd += [f"-D{k}={v}" for k, v in defines.items()]
    cmd.append(str(SCRIPT))
    started = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace")
    seconds = time.perf_counter() - started
    (work / "makensis.log").write_text(r.stdout + r.stderr, encoding="utf-8")
    if r.returncode != 0:
        raise RuntimeError(f"makensis failed ({r.returncode}); log: {work / 'makensis.log'}\n"
                           + (r.stdout + r.stderr)[-4000:])
    codesign.sign(setup)
    return Result(setup, files, r.stdout + r.stderr, seconds)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", default=str(ROOT / "dist"), help="folder holding TongKet/ (default: dist)")
    ap.add_argument("--out", help="where the setup file goes (default: the --dist folder)")
    ap.add_argument("--work", default=str(ROOT / "build" / "installer"))
    ap.add_argument("--makensis", default=os.environ.get("MAKENSIS", "makensis"))
    ap.add_argument("--store", action="store_true", help="no compression (bigger file, for checks)")
    args = ap.parse_args()
    if shutil.which(args.makensis) is None:
        print(f"makensis not found ({args.makensis}): apt-get install nsis / choco install nsis")
        return 1
    dist = Path(args.dist)
    try:
        res = build(dist / APP_NAME, Path(args.out or dist), Path(args.work), args.makensis,
                    store=args.store)
    except (OSError, ValueError, RuntimeError) as e:
        print(e)
        return 1
    size = res.setup.stat().st_size
    print(f"{res.setup}  {size / 1e6:.1f} MB  {len(res.files)} files  makensis {res.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
