"""'Ký số và xuất tệp gửi cấp trên': refuse while content is missing, set up
or unlock the unit's signature (a .p12 key or a USB token), write DOCX + XLSX +
signed package off the UI thread, show the package and the fingerprint."""

from __future__ import annotations

import logging

from model import settings
from model.errors import UserError
from model.trust import phone_text, short_id
from ui import msgbox, signing_dialogs
from ui.export_actions import choose_folder, open_folder, saved_report_data
from ui.widgets import busy, done_busy
from ui.worker import run_in_thread

log = logging.getLogger("tongket")


def unlock_identity(parent, unit: str, superior: str):
    """The unit's signer (a ReportSigner), set up on first use; None if
    cancelled.  The caller closes it after signing."""
    from export import token
    from export.signing import create_identity, has_identity, import_identity, load_identity

    if token.chosen_certificate():
        return unlock_token(parent)
    if not has_identity():
        choice = signing_dialogs.ask_setup(parent, unit)
        if choice is None:
            return None
        mode, path, passphrase = choice
        if mode == "token":
            return setup_token(parent)
        try:
            if mode == "create":
                ident = create_identity(unit, superior, passphrase)
            else:
                ident = import_identity(path, passphrase)
        except UserError as exc:
            msgbox.error(parent, exc.message)
            return None
        msgbox.information(parent, "Đã có chữ ký số của đơn vị:\n" + ident.subject,
                           "Báo mã này cho cấp trên qua điện thoại để đối chiếu:\n" + phone_text(ident.key_id))
        return ident
    message = ""
    for _attempt in range(5):
        passphrase = signing_dialogs.ask_passphrase(parent, message)
        if passphrase is None:
            return None
        if passphrase is signing_dialogs.USE_TOKEN:
            return setup_token(parent)
        try:
            return load_identity(passphrase)
        except UserError as exc:
            message = exc.message
    msgbox.error(parent, "Nhập sai mật khẩu nhiều lần. Hãy thử lại sau.")
    return None


def setup_token(parent):
    """First use of a token: its driver file (once), then the certificate
    on it, then the PIN.  The choices are remembered, the PIN never."""
    from export import token

    module = token.chosen_module()
    while True:
        if not module:
            module = signing_dialogs.choose_driver(parent)
            if not module:
                return None
        try:
            certificates = token.list_certificates(module)
        except UserError as exc:
            driver = isinstance(exc, token.DriverError)
            if not msgbox.ask(parent, exc.message, yes=signing_dialogs.DRIVER_TITLE if driver else "Thử lại",
                              no="Hủy"):
                return None
            module = "" if driver else module
            continue
        token.remember_module(module)
        chosen = signing_dialogs.ask_token_certificate(parent, certificates)
        if chosen is None:
            return None
        if chosen is signing_dialogs.OTHER:
            module = ""
            continue
        token.remember_certificate(chosen, module)
        return unlock_token(parent)


def unlock_token(parent):
    """The remembered token certificate, unlocked with the PIN."""
    from export import token

    message = ""
    while True:  # the token counts wrong PINs itself and locks
        pin = signing_dialogs.ask_pin(parent, token.remembered_description(), message)
        if pin is None:
            return None
        if pin is signing_dialogs.OTHER:
            token.forget_token()
            return setup_token(parent)
        try:
            return token.open_remembered(pin)
        except UserError as exc:
            if token.LOCKED in exc.message:
                msgbox.error(parent, exc.message)
                return None
            message = exc.message


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
        ident.close()
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
                      detail="Báo mã này cho cấp trên qua điện thoại: " + short_id(package.key_id)):
            open_folder(package.path.parent)
        if done:
            done((result.files, result.package))

    def fail(exc) -> None:
        done_busy(progress)
        msgbox.error(parent, exc.message if isinstance(exc, UserError) else
                     "Ký số không thành công do lỗi ngoài dự kiến. Bản nháp vẫn còn nguyên; hãy thử lại.")
        if done:
            done(exc)

    def work():
        try:
            return actions.write_signed(data, ident, folder)
        finally:
            ident.close()  # the token's session ends even if the window is gone by then

    run_in_thread(work, ok, fail, parent, label="ky-so")
