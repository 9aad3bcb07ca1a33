"""Start the GUI: one QApplication, Vietnamese locale and translations, an
explicit style, a crash handler that writes a log and shows a Vietnamese
message, then the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from model.paths import resource_dir

# Only what the start window needs is imported here: everything else loads
# after it is on screen (the frozen program imports from a compressed archive).
_keep: list = []  # translators must stay referenced while the app runs
_keep_window: list = []  # the main window, for damage found by the crash handler


def install_translations(app: QApplication) -> bool:
    """Qt ships no Vietnamese: load our own translation of Qt's strings."""
    QLocale.setDefault(QLocale(QLocale.Vietnamese, QLocale.Vietnam))
    translator = QTranslator(app)
    ok = translator.load(str(resource_dir() / "i18n" / "qt_vi.qm"))
    if ok:
        app.installTranslator(translator)
        _keep.append(translator)
    return ok


UNSET_LOCALES = ("", "C", "POSIX", "C.UTF-8", "C.utf8")


def vietnamese_system_locale(environ=None, platform: str = sys.platform) -> None:
    """Before the QApplication exists: where no locale is set (a Linux
    machine left at C), make Qt's *system* locale Vietnamese.  Qt's own file
    dialog lists dates and sizes with QLocale.system(), not with the default
    set in install_translations, so without this it shows '28 Nov' and
    '20.00 KiB'.  Windows and macOS have native dialogs in the system's own
    language, and a locale the user chose is left alone."""
    import os

    environ = os.environ if environ is None else environ
    if platform.startswith(("win", "darwin")) or environ.get("LC_ALL"):
        return
    if environ.get("LANG", "") not in UNSET_LOCALES:
        return
    for name in ("LC_TIME", "LC_NUMERIC"):  # dates, and the decimal comma of sizes
        if environ.get(name, "") in UNSET_LOCALES:
            environ[name] = "vi_VN.UTF-8"


def configure(app: QApplication, keys: bool = True) -> None:
    """keys=False: the keyboard filter (Alt letters, F1) is installed later by
    the caller, once the start window is on screen (install_keys)."""
    app.setApplicationName("TongKet")
    app.setApplicationDisplayName("TongKet")
    app.setOrganizationName("TongKet")
    app.setStyle("Fusion")  # the same look on every Windows version
    install_translations(app)
    if keys:
        install_keys(app)
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(resource_dir() / "icon" / "tongket.png")))
    font = app.font()
    if font.pointSize() < 10:
        font.setPointSize(10)
        app.setFont(font)


def install_keys(app: QApplication) -> None:
    """Alt mnemonics on every button (the windows already shown get theirs
    now), F1 for the manual."""
    from ui import keys

    keys.install(app)
    for window in app.topLevelWidgets():
        if window.isVisible():
            keys.assign_mnemonics(window)


def _excepthook(exc_type, exc, tb) -> None:
    """Last resort for bugs: log the traceback to a file (windowed builds have
    no console), tell the clerk in Vietnamese; saved work stays in the database."""
    import traceback

    from model.logs import write_crash

    path = write_crash(exc_type, exc, tb)
    if sys.stderr is not None:
        try:
            sys.stderr.write("".join(traceback.format_exception(exc_type, exc, tb)))
        except Exception:
            pass
    from ui import msgbox

    import sqlite3

    from model.dberrors import is_damage

    if isinstance(exc, sqlite3.DatabaseError) and is_damage(exc) and _keep_window:
        # damage the start-up check did not see, surfacing anywhere: offer restore
        try:
            _keep_window[0].damage_found()
            return
        except Exception:  # noqa: BLE001 - fall back to the last-resort message
            pass
    where = f" Chi tiết lỗi đã được ghi vào tệp {path}." if path else ""
    try:
        msgbox.error(
            QApplication.activeWindow(),
            "TongKet gặp lỗi ngoài dự kiến. Những gì đã lưu vẫn còn nguyên." + where,
            "Hãy đóng rồi mở lại chương trình. Nếu lỗi lặp lại, gửi tệp ghi lỗi cho cán bộ kỹ thuật.",
        )
    except Exception:
        pass


def run_gui(measure_startup: bool = False) -> int:
    if QApplication.instance() is None:
        vietnamese_system_locale()
    app = QApplication.instance() or QApplication(sys.argv)
    configure(app, keys=False)  # the keyboard filter once the list is on screen
    sys.excepthook = _excepthook
    from model.logs import setup_logging

    setup_logging()
    from ui.main_window import MainWindow

    import time

    from model.paths import ensure_data_dir
    from ui.instance import SingleInstance

    held: list = []

    def take_lock(folder) -> bool:
        """One TongKet per data folder; a folder whose lock cannot be written
        (full or read-only disk) is left to open_store() to explain."""
        from ui import msgbox

        instance = SingleInstance(folder)
        if instance.acquire():
            for old in held:
                old.release()
            held[:] = [instance]
            setup_logging()  # the log lives in the data folder in use
            if _keep_window:
                instance.wake.connect(_keep_window[0].bring_to_front)
            return True
        if instance.held_by_other:
            instance.wake_other()
            msgbox.information(_keep_window[0] if _keep_window else None,
                               "TongKet đang mở ở một cửa sổ khác trên thư mục dữ liệu này; cửa sổ "
                               "đó đã được đưa lên trước. Hãy dùng cửa sổ đó.")
            return False
        return True

    _keep_window.clear()
    try:
        folder = ensure_data_dir()
    except OSError:
        folder = None  # open_store() says why and offers another folder
    if folder is not None and not take_lock(folder):
        return 0
    window = MainWindow()
    _keep_window[:] = [window]
    for instance in held:
        instance.wake.connect(window.bring_to_front)
    window.show()
    app.processEvents()  # the start window is on screen now
    shown = time.time()
    window.show_quick_list()  # its list too, from a quick look at the database
    app.processEvents()
    listed = time.time()
    install_keys(app)
    window.data_dir_changed = take_lock
    if not window.open_store():  # then the database and the list of reports
        for instance in held:
            instance.release()
        return 1
    if measure_startup:
        # benchmarks: when the window was on screen, when its list was filled
        if sys.stdout is not None:
            print(f"shown {shown:.4f}", flush=True)
            print(f"listed {listed:.4f}", flush=True)
            print(f"ready {time.time():.4f}", flush=True)
        window.close()
        for instance in held:
            instance.release()
        return 0
    from model import settings

    if settings.get("running"):
        window.after_unclean_exit(settings.get("last_report"))
    settings.put("running", True)
    # logging off or shutting Windows down: save first
    app.commitDataRequest.connect(lambda _manager: window.save_editor())
    app.aboutToQuit.connect(window.save_editor)
    code = app.exec()
    settings.put("running", False)
    for instance in held:
        instance.release()
    return code
