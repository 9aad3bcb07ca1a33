"""`TongKet --smoke-test`: the real program, offscreen, in a temporary data
folder: sample report, the wizard walked to the end, export, sign, verify,
receive and consolidate.  Exits 0, or says what failed and exits 1.

Windowed builds have no console: every line also goes to a log file
(TongKet-smoke-test.log in the temporary folder of the system), whose path
is printed first when there is a console."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path


class _Log:
    def __init__(self, path: Path):
        self.path = path
        self.fh = open(path, "w", encoding="utf-8")

    def __call__(self, line: str) -> None:
        self.fh.write(line + "\n")
        self.fh.flush()
        if sys.stdout is not None:
            try:
                print(line, flush=True)
            except (OSError, ValueError):
                pass


def run_smoke_test(log_path: str | None = None) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    log = _Log(Path(log_path) if log_path else Path(tempfile.gettempdir()) / "TongKet-smoke-test.log")
    log(f"Kiểm tra nhanh TongKet — nhật ký: {log.path}")
    started = time.perf_counter()
    steps = []

    def step(name):
        def wrap(fn):
            steps.append((name, fn))
            return fn
        return wrap

    tmp = Path(tempfile.mkdtemp(prefix="tongket-smoke-"))
    from model.paths import set_data_dir

    set_data_dir(tmp / "du-lieu")
    state: dict = {}

    @step("mở giao diện, bản dịch tiếng Việt của Qt")
    def _():
        from PySide6.QtWidgets import QApplication, QPlainTextEdit

        from ui.app import configure, install_translations

        app = QApplication.instance() or QApplication([])
        configure(app)
        assert install_translations(app), "không nạp được resources/i18n/qt_vi.qm"
        editor = QPlainTextEdit()
        menu = editor.createStandardContextMenu()
        texts = [a.text() for a in menu.actions()]
        menu.deleteLater()
        editor.deleteLater()
        assert any("Dán" in t for t in texts), f"menu chuột phải chưa dịch: {texts}"
        state["app"] = app

    @step("tạo báo cáo mẫu")
    def _():
        from ui.main_window import MainWindow

        w = MainWindow()
        assert w.open_store(), "không mở được cơ sở dữ liệu"
        from model.app import create_sample

        state["rid"] = create_sample(w.store, w.catalog.default(), "Xã Hòa An", "Đắk Lắk", 1)
        w.refresh()
        w.show()
        state["window"] = w

    @step("đi hết các trang của trình soạn")
    def _():
        w = state["window"]
        w.open_report(state["rid"])
        editor = w.editor
        pages = 1
        while editor.session.next_page():
            editor.next_button.click()
            state["app"].processEvents()
            pages += 1
        assert editor.session.current == "__review__", editor.session.current
        page = editor.pages["p1.V"] if "p1.V" in editor.pages else None
        assert page is not None
        page.editors["bai_hoc"].appendPlainText("Kiểm tra nhanh: tiếng Việt có dấu — Ấ Ỗ Ữ.")
        assert editor.save_now()
        missing = editor.session.missing()
        assert not missing, f"còn thiếu {len(missing)} mục"
        state["pages"] = pages

    @step("xuất báo cáo DOCX, PDF và XLSX")
    def _():
        from export.report_export import export_files, load_report_data

        w = state["window"]
        data = load_report_data(w.store, w.catalog, state["rid"])
        result = export_files(data, tmp / "xuat", draft=False)
        assert result.docx.stat().st_size > 10000 and result.xlsx.stat().st_size > 3000
        assert result.pdf.stat().st_size > 20000
        state["data"] = data
        state["pdf"] = result.pdf

    @step("xem trước và in PDF")
    def _():
        from PySide6.QtPrintSupport import QPrinter  # noqa: F401 - bundled for "In báo cáo"

        from export.pdf_fonts import fonts
        from ui.preview_window import page_count, raster_pages

        pdf = state["pdf"].read_bytes()
        assert page_count(pdf) > 3 and raster_pages(pdf, 30, 0, 0)[0][0] > 200
        assert fonts().covered and "Việt" == fonts().showable("Việt")

    @step("ký số, đóng gói và kiểm tra gói")
    def _():
        from export.package import export_signed
        from export.signing import create_identity
        from export.verify import verify_package

        data = state["data"]
        ident = create_identity(data.identity.unit, data.identity.superior, "mật khẩu kiểm tra")
        _files, package = export_signed(data, ident, tmp / "goi")
        verdict = verify_package(package.path)
        assert verdict.intact, verdict.line()
        state["package"] = package.path

    @step("nhận và tổng hợp báo cáo")
    def _():
        from export.consolidate import consolidate
        from export.receive import import_packages
        from model.receiving import ReceivingStore
        from model.units import communes_of

        w = state["window"]
        rs = ReceivingStore(w.store)
        rs.set_expected(communes_of("Đắk Lắk")[:5] + ["Xã Hòa An"])
        outcomes = import_packages(rs, [state["package"]], w.catalog.default(), trust_new=True)
        assert [o.status for o in outcomes] == ["new"], outcomes
        result = consolidate(rs, w.catalog.default(), tmp / "tong-hop")
        assert result.units == 1 and result.docx.exists()

    @step("đóng chương trình")
    def _():
        state["window"].close()

    failed = False
    for name, fn in steps:
        t = time.perf_counter()
        try:
            fn()
        except Exception as exc:
            failed = True
            log(f"LỖI  {name}: {type(exc).__name__}: {exc}")
            log(traceback.format_exc())
            break
        log(f"ĐẠT  {name} ({(time.perf_counter() - t) * 1000:.0f} ms)")
    log(("KHÔNG ĐẠT" if failed else "ĐẠT") + f" — {time.perf_counter() - started:.1f} s")
    set_data_dir(None)
    return 1 if failed else 0
