"""Code signing of TongKet.exe and the installer, when a certificate is at hand.

    python installer/codesign.py FILE...     # sign each file, or say why not

Configured by environment variables (nothing is signed without them):

    TONGKET_SIGN_PFX         a .pfx/.p12 file with the code-signing key
    TONGKET_SIGN_PASSWORD    its password (never printed)
    TONGKET_SIGN_THUMBPRINT  or: the SHA-1 thumbprint of a certificate in the
                             user's certificate store (a USB token's, whose
                             key stays on the token)
    TONGKET_SIGN_TIMESTAMP   RFC 3161 time-stamp server (default below; "" for
                             none: then the signature dies with the certificate)
    TONGKET_SIGNTOOL         signtool.exe (default: on PATH, else the newest
                             one in the Windows SDK)

Without a certificate, or off Windows, it says so and the build goes on.  With a
certificate, a failed signature stops the build: an unsigned file is never
shipped when a signed one was asked for.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_TIMESTAMP = "http://timestamp.digicert.com"


def configured() -> bool:
    return bool(os.environ.get("TONGKET_SIGN_PFX") or os.environ.get("TONGKET_SIGN_THUMBPRINT"))


def signtool() -> str | None:
    if os.environ.get("TONGKET_SIGNTOOL"):
        return os.environ["TONGKET_SIGNTOOL"]
    found = shutil.which("signtool")
    if found:
        return found
    kits = os.path.join(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"), "Windows Kits", "10", "bin")
    candidates = sorted(glob.glob(os.path.join(kits, "10.*", "x64", "signtool.exe")),
                        key=lambda p: [int(x) for x in Path(p).parts[-3].split(".")])
    return candidates[-1] if candidates else None


def command(path: Path, tool: str) -> list[str]:
    cmd = [tool, "sign", "/fd", "sha256", "/d", "TongKet"]
    if os.environ.get("TONGKET_SIGN_PFX"):
        cmd += ["/f", os.environ["TONGKET_SIGN_PFX"]]
        if os.environ.get("TONGKET_SIGN_PASSWORD"):
            cmd += ["/p", os.environ["TONGKET_SIGN_PASSWORD"]]
    else:
        cmd += ["/sha1", os.environ["TONGKET_SIGN_THUMBPRINT"]]
    timestamp = os.environ.get("TONGKET_SIGN_TIMESTAMP", DEFAULT_TIMESTAMP)
    if timestamp:
        cmd += ["/tr", timestamp, "/td", "sha256"]
    return cmd + [str(path)]


def available() -> str | None:
    """signtool's path when a certificate is configured and signtool found,
    else None."""
    if not configured() or sys.platform != "win32":
        return None
    return signtool()


def sign(path: Path) -> bool:
    """Sign `path` in place; False (and a line saying why) when not signed.
    Raises RuntimeError when a configured signature fails."""
    tool = available()
    if tool is None:
        why = ("chưa có chứng thư ký mã (TONGKET_SIGN_PFX hoặc TONGKET_SIGN_THUMBPRINT)" if not configured()
               else "không tìm thấy signtool.exe (chỉ ký được trên Windows)")
        print(f"Không ký số {path.name}: {why} — not signed")
        return False
    r = subprocess.run(command(path, tool), capture_output=True, text=True)
    if r.returncode != 0:
        # signtool's own output names the problem; the command line (password) is not printed
        raise RuntimeError(f"signtool could not sign {path}:\n{r.stdout}{r.stderr}")
    print(f"Đã ký số {path}")
    return True


def main(argv: list[str]) -> int:
    try:
        for name in argv:
            sign(Path(name))
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
