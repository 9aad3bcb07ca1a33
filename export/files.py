"""Writing files that leave the machine: ASCII names that survive e-mail,
never overwriting silently, atomically (temporary file beside the target,
flush, fsync, replace), and a Vietnamese message for every way a USB stick
or a disk can refuse."""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import Callable

from model import fileio
from model.errors import UserError
from model.text import ascii_slug, clean_line

WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}
MAX_PATH = 240  # stay under Windows' classic 260-character limit


def unit_slug(unit: str) -> str:
    """'ĐẢNG ỦY XÃ HÒA AN' -> 'XaHoaAn'."""
    words = clean_line(unit).split()
    if len(words) >= 2 and [w.upper() for w in words[:2]] == ["ĐẢNG", "ỦY"]:
        words = words[2:]
    return ascii_slug(" ".join(w.capitalize() for w in words)) or "DonVi"


def safe_name(name: str) -> str:
    """A file name any Windows computer accepts."""
    name = WINDOWS_FORBIDDEN.sub("-", name).strip(" .")
    stem = name.split(".")[0].upper()
    if stem in WINDOWS_RESERVED:
        name = "_" + name
    return name or "tep"


def unique_path(folder: Path, name: str) -> Path:
    """folder/name, or name-2, name-3 … when a file of that name exists."""
    name = safe_name(name)
    target = folder / name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while target.exists():
        target = folder / (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
        n += 1
    return target


def unique_stem(folder: Path, stem: str, extensions: tuple[str, ...]) -> str:
    """stem, or stem-2, stem-3 … so that no folder/stem+ext exists for any of
    the extensions: files that belong together keep one base name."""
    stem = safe_name(stem)
    candidate, n = stem, 2
    while any((folder / f"{candidate}{ext}").exists() for ext in extensions):
        candidate = f"{stem}-{n}"
        n += 1
    return candidate


def describe_os_error(exc: OSError, target: Path) -> str:
    """What happened and what to do, in Vietnamese."""
    code = exc.errno
    win = getattr(exc, "winerror", None)
    if code in (errno.ENOSPC, errno.EDQUOT) or win in (39, 112):
        return (f"Không ghi được tệp “{target.name}” vì ổ đĩa đã đầy. "
                "Hãy xóa bớt tệp hoặc chọn ổ khác.")
    if code == errno.EROFS or win == 19:
        return (f"Không ghi được tệp vào “{target.parent}” vì ổ đang ở chế độ chỉ đọc. "
                "Hãy chọn thư mục khác.")
    if win in (32, 33):
        return (f"Tệp “{target.name}” đang được mở trong chương trình khác (ví dụ Word). "
                "Hãy đóng tệp đó rồi thử lại.")
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return (f"Không có quyền ghi vào “{target.parent}” (thư mục chỉ đọc hoặc tệp đang mở). "
                "Hãy chọn thư mục khác hoặc đóng tệp đang mở.")
    if code == errno.ENAMETOOLONG or win == 206:
        return "Đường dẫn thư mục quá dài. Hãy chọn thư mục nằm gần gốc ổ đĩa hơn."
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or win in (2, 3, 15, 21, 1167):
        return (f"Không tìm thấy thư mục “{target.parent}”. Có thể ổ USB đã bị rút ra. "
                "Hãy cắm lại ổ hoặc chọn thư mục khác.")
    if code == errno.EIO or win in (23, 1117):
        return ("Lỗi khi ghi ra ổ đĩa (ổ USB bị lỗi hoặc bị rút ra khi đang ghi). "
                "Hãy thử lại hoặc dùng ổ khác.")
    if code == errno.EINVAL or win == 123:
        return "Tên tệp hoặc thư mục có ký tự không hợp lệ. Hãy chọn thư mục khác."
    return f"Không ghi được tệp “{target.name}”. Hãy thử lại hoặc chọn thư mục khác."


def check_folder(folder: Path) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(describe_os_error(exc, folder / "x")) from exc
    return folder


def atomic_write(target: Path, write: Callable[[object], None], retries: int = 10) -> Path:
    """model.fileio.atomic_write, with a Vietnamese message for every way a
    folder or a USB stick can refuse.  Nothing half-written is left behind."""
    target = Path(target)
    if len(str(target.resolve())) > MAX_PATH:
        raise UserError("Đường dẫn thư mục quá dài. Hãy chọn thư mục nằm gần gốc ổ đĩa hơn.")
    try:
        return fileio.atomic_write(target, write, retries)
    except OSError as exc:
        raise UserError(describe_os_error(exc, target)) from exc
