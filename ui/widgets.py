"""Small widget helpers shared by the windows."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QProgressDialog, QTableWidget


# Enums by their full names (QHeaderView.ResizeMode.Stretch, not
# QHeaderView.Stretch): the short form makes PySide build every enum of the
# class on first use, which cost the start window 40 ms.


def row_table(columns: list[str], name: str, stretch: int | None = None) -> QTableWidget:
    """A read-only table selecting whole rows, columns sized to their content,
    one column (or the last) taking the rest of the width."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def busy(parent, text: str) -> QProgressDialog:
    """A modal 'please wait' with no button (the work cannot be half done)."""
    from PySide6.QtCore import Qt

    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setWindowTitle("TongKet")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModal)
    progress.setMinimumDuration(0)
    progress.show()
    return progress


def done_busy(progress: QProgressDialog) -> None:
    """Close the 'please wait'; if it had the keyboard, the window that
    opened it gets it back (not every window manager does so itself, and
    without an active window the Alt letters of its buttons do nothing)."""
    had_keyboard = progress.isActiveWindow()
    owner = progress.parentWidget()
    progress.close()
    progress.deleteLater()
    if had_keyboard and owner is not None:
        owner.window().activateWindow()


def ok_cancel_row(dialog, ok_text: str = "Đồng ý"):
    """The dialog's own Vietnamese buttons, right-aligned; returns (layout, ok)."""
    from PySide6.QtWidgets import QHBoxLayout, QPushButton

    ok = QPushButton(ok_text)
    cancel = QPushButton("Hủy")
    ok.setDefault(True)
    ok.clicked.connect(dialog.accept)
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(ok)
    row.addWidget(cancel)
    return row, ok


def accept_file_drag(event) -> None:
    if event.mimeData().hasUrls():
        event.acceptProposedAction()


def dropped_paths(event) -> list:
    """Local files and folders dropped on a window."""
    from pathlib import Path

    event.acceptProposedAction()
    return [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
