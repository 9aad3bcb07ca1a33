"""Opening the draft store at start-up without ever creating an empty
database over lost work: a missing or 0-byte tongket.sqlite3 while backups
holding reports exist is reported (with the backup to offer), not replaced
silently by a new empty file."""

from __future__ import annotations

from pathlib import Path

from model import backup
from model.errors import UserError
from model.paths import database_path


class MissingDatabase(UserError):
    """The database file is gone or empty, but a backup holds reports."""

    def __init__(self, message: str, offer: backup.BackupInfo):
        super().__init__(message)
        self.offer = offer


def missing_or_empty(path: Path) -> bool:
    try:
        return not path.exists() or path.stat().st_size == 0
    except OSError:
        return False  # unreadable: opening it will say why


def open_store(path: Path | None = None):
    """The DraftStore, or MissingDatabase / DamagedDatabase / StorageProblem /
    ForeignDatabase / NewerDatabase (all UserError) saying why not."""
    from model.store import DraftStore

    path = Path(path or database_path())
    if missing_or_empty(path):
        offer = backup.newest_good_backup()
        if offer is not None and offer.reports > 0:
            state = "đã bị làm rỗng" if path.exists() else "không còn"
            raise MissingDatabase(
                f"Tệp dữ liệu của TongKet {state}, nhưng có bản sao lưu ({backup.describe(offer)}). "
                "Hãy khôi phục từ bản sao lưu đó để lấy lại các báo cáo.", offer)
    return DraftStore(path)
