"""'Ký số và xuất tệp gửi cấp trên': refuse while content is missing, set up
or unlock the unit's signature, write DOCX + XLSX + signed package off the UI
thread, show the package and the fingerprint."""

from __future__ import annotations

import logging

from model import settings
from model.errors import UserError
from model.trust import key_text
from ui import msgbox, signing_dialogs
from ui.export_actions import choose_folder, open_folder, saved_report_data
from ui.widgets import busy, done_busy
from ui.worker import run_in_thread

log = logging.getLogger("tongket")


def unlock_identity(parent, unit: str, superior: str):
    """The unit's signing identity, set up on first use; None if cancelled."""
    from export.signing import create_identity, has_identity, import_identity, load_identity

    if not has_identity():
        choice = signing_dialogs.ask_setup(parent, unit)
        if choice is None:
            return None
        mode, path, passphrase = choice
        try:
            if mode == "create":
                ident = create_identity(unit, superior, passphrase)
            else:
                ident = import_identity(path, passphrase)
        except UserError as exc:
            msgbox.error(parent, exc.message)
            return None
        msgbox.information(parent, "Đã có chữ ký số của đơn vị:\n" + ident.subject,
                           "Báo mã này cho cấp trên để đối chiếu:\n" + key_text(ident.key_id))
        return ident
    message = ""
    for _attempt in range(5):
        passphrase = signing_dialogs.ask_passphrase(parent, message)
        if passphrase is None:
            return None
        try:
            return load_identity(passphrase)
        except UserError as exc:
            message = exc.message
    msgbox.error(parent, "Nhập sai mật khẩu nhiều lần. Hãy thử lại sau.")
    return None


def sign_and_export(parent, editor, done=None) -> None:
    data = saved_report_data(parent, editor, final=True)
    if data is None:
        return
    from export import actions

    store = editor.window().store
    rid = editor.session.report_id
    ident = unlock_identity(parent, data.identity.unit, data.identity.superior)
    if ident is None:
        return
    folder = choose_folder(parent, "Chọn thư mục lưu tệp gửi cấp trên")
    if not folder:
        return
    settings.put("last_export_folder", folder)
    # the revision is used up only once the files exist (actions.commit_signing)
    data = actions.prepare_signing(store, editor.window().catalog, rid)

    progress = busy(parent, "Đang ký số và đóng gói báo cáo…")

    def ok(result) -> None:
        done_busy(progress)
        actions.commit_signing(store, rid, result)
        log.info("signed report %s revision %s", rid, result.revision)
        package = result.package
        if msgbox.ask(parent, f"Đã ký số và xuất tệp gửi cấp trên:\n{package.path.name}\n"
                              f"(trong thư mục {package.path.parent})\n\n"
                              "Gửi tệp .zip này qua thư điện tử hoặc ổ USB.",
                      yes="Mở thư mục", no="Đóng",
                      detail=key_text(package.key_id)):
            open_folder(package.path.parent)
        if done:
            done((result.files, result.package))

    def fail(exc) -> None:
        done_busy(progress)
        msgbox.error(parent, exc.message if isinstance(exc, UserError) else
                     "Ký số không thành công do lỗi ngoài dự kiến. Bản nháp vẫn còn nguyên; hãy thử lại.")
        if done:
            done(exc)

    run_in_thread(lambda: actions.write_signed(data, ident, folder), ok, fail, parent, label="ky-so")
