"""'Tạo báo cáo mới từ báo cáo có sẵn' and 'Tạo báo cáo của cấp mình từ các
báo cáo đã nhận': ask what is needed, call export/actions, open the report."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from model.errors import UserError
from model.text import shown
from ui import msgbox


def _open(window, rid: int, lines: list[str]) -> None:
    window.refresh()
    msgbox.information(window, lines[0], "\n".join(lines[1:]))
    window.open_report(rid)


def create_from_existing(window) -> int | None:
    """Main window: copy an earlier report (or a received one) into a new one."""
    from export import actions
    from model.derive import stored_source
    from model.receiving import ReceivingStore

    store, catalog = window.store, window.catalog
    choices: list[tuple[str, tuple]] = []
    for r in store.list_reports():
        choices.append((shown(stored_source(store, r.id).title), ("report", r.id)))
    rs = ReceivingStore(store)
    for o in catalog.outlines.values():
        for rid in rs.current_ids(o).values():
            choices.append((shown(f"báo cáo đã nhận của {rs.unit_of(rid)}"), ("received", rid)))
    if not choices:
        msgbox.information(window, "Chưa có báo cáo nào để chép. Hãy tạo báo cáo mới.")
        return None
    picked, ok = QInputDialog.getItem(window, "Tạo báo cáo mới từ báo cáo có sẵn",
                                      "Chọn báo cáo để chép nội dung và số liệu (sau đó xem lại từng mục):",
                                      [c[0] for c in choices], 0, False)
    if not ok:
        return None
    kind, source_id = choices[[c[0] for c in choices].index(picked)][1]
    outline = window.choose_outline()
    if outline is None:
        return None
    try:
        if kind == "report":
            rid, lines = actions.new_report(store, catalog, "", "", outline.key, source_id)
        else:
            unit, ok = QInputDialog.getText(window, "Đơn vị báo cáo", "Tên đơn vị của mình (ví dụ “Xã Hòa An”):")
            if not ok:
                return None
            rid, lines = actions.new_from_received_report(store, catalog, source_id, unit, "", outline.key)
    except UserError as exc:
        msgbox.error(window, exc.message)
        return None
    _open(window, rid, lines)
    return rid


def create_own_report(receive_window, main_window) -> int | None:
    """Receiving window: the level's own report from the received ones."""
    from export import actions

    unit, ok = QInputDialog.getText(receive_window, "Tạo báo cáo của cấp mình",
                                    "Tên cấp ủy báo cáo (ví dụ “Tỉnh ủy Đắk Lắk”):", text="Tỉnh ủy ")
    if not ok:
        return None
    try:
        rid, lines = actions.new_from_received(main_window.store, main_window.catalog, unit, "tinh", "",
                                               receive_window.outline.key)
    except UserError as exc:
        msgbox.error(receive_window, exc.message)
        return None
    receive_window.close()
    _open(main_window, rid, lines)
    return rid
