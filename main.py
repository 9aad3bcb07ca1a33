"""TongKet: start the GUI, or run a headless command.

    python main.py [--data-dir D]                       start the GUI
    python main.py --data-dir D sample [--unit U] [--province P] [--seed N]
    python main.py --data-dir D list
    python main.py --data-dir D export REPORT_ID --out DIR [--draft]
    python main.py --data-dir D export REPORT_ID --out DIR --sign --passphrase-file F
    python main.py --data-dir D verify FILE... [--require-trusted] [--trust-new]
    python main.py --data-dir D consolidate FILE_OR_DIR... --out DIR [--expected units.txt]
    python main.py --data-dir D trust list | add FILE.zip | remove UNIT
    python main.py --data-dir D backup [--out DIR]
    python main.py --data-dir D backups
    python main.py --data-dir D restore FILE
"""

from __future__ import annotations

import sys


def build_parser():
    import argparse

    class _Parser(argparse.ArgumentParser):
        """argparse with Vietnamese errors and no traceback."""

        def error(self, message: str) -> None:
            self.print_usage(sys.stderr)
            print(f"Lỗi tham số dòng lệnh: {message}", file=sys.stderr)
            raise SystemExit(2)

    p = _Parser(prog="TongKet", description="TongKet - soạn báo cáo tổng kết")
    p.add_argument("--data-dir", help="thư mục dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    p.add_argument("--smoke-test", action="store_true",
                   help="tự kiểm tra chương trình (không cần màn hình) rồi thoát")
    p.add_argument("--smoke-log", help="tệp nhật ký của --smoke-test")
    p.add_argument("--measure-startup", action="store_true", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("sample", help="tạo một báo cáo mẫu đầy đủ")
    s.add_argument("--unit", default="Xã Hòa An")
    s.add_argument("--province", default="Đắk Lắk")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--outline", help="tệp đề cương (.toml) khác đề cương mặc định")
    sub.add_parser("list", help="liệt kê các báo cáo")
    e = sub.add_parser("export", help="xuất báo cáo ra DOCX, PDF và XLSX")
    e.add_argument("report_id", type=int)
    e.add_argument("--out", required=True, help="thư mục ghi tệp")
    e.add_argument("--draft", action="store_true", help="xuất bản nháp để góp ý")
    e.add_argument("--sign", action="store_true", help="ký số và xuất gói gửi cấp trên")
    e.add_argument("--passphrase-file", help="tệp chứa mật khẩu chữ ký số (dòng đầu)")
    v = sub.add_parser("verify", help="kiểm tra gói báo cáo nhận được")
    v.add_argument("files", nargs="+")
    v.add_argument("--require-trusted", action="store_true",
                   help="coi người ký chưa được tin cậy là lỗi")
    v.add_argument("--trust-new", action="store_true",
                   help="ghi nhận người ký lần đầu gặp vào danh sách tin cậy")
    c = sub.add_parser("consolidate", help="nhận và tổng hợp báo cáo của cấp dưới")
    c.add_argument("paths", nargs="+", help="tệp .zip hoặc thư mục chứa các tệp .zip")
    c.add_argument("--out", required=True, help="thư mục ghi bảng tổng hợp")
    c.add_argument("--expected", help="tệp danh sách đơn vị phải nộp (mỗi dòng một đơn vị)")
    c.add_argument("--expected-province", help="lấy danh sách xã, phường của tỉnh này")
    c.add_argument("--outline", help="mã đề cương cần tổng hợp, dạng id@phiên-bản")
    c.add_argument("--trust-new", action="store_true",
                   help="ghi nhận người ký lần đầu gặp vào danh sách tin cậy")
    t = sub.add_parser("trust", help="danh sách chữ ký số được tin cậy của các đơn vị")
    tsub = t.add_subparsers(dest="trust_command", required=True)
    tsub.add_parser("list", help="liệt kê")
    ta = tsub.add_parser("add", help="tin cậy chữ ký số của một gói báo cáo (sau khi đã so dấu vân tay)")
    ta.add_argument("file")
    tr = tsub.add_parser("remove", help="bỏ tin cậy mọi chữ ký số của một đơn vị")
    tr.add_argument("unit")
    b = sub.add_parser("backup", help="sao lưu dữ liệu (vào thư mục sao lưu, hoặc vào --out)")
    b.add_argument("--out", help="thư mục ghi bản sao lưu (ví dụ ổ USB)")
    sub.add_parser("backups", help="liệt kê các bản sao lưu trong thư mục dữ liệu")
    r = sub.add_parser("restore", help="khôi phục dữ liệu từ một bản sao lưu")
    r.add_argument("file", help="tệp sao lưu (.sqlite3)")
    return p


def _backup_commands(args) -> int:
    """backup / backups / restore: they work even when the database cannot be
    opened (restore is how it is repaired)."""
    from model import backup
    from model.recovery import open_store

    if args.command == "backups":
        items = backup.backups()
        if not items:
            print("Chưa có bản sao lưu nào.")
        for b in items:
            print(f"{b.seq}\t{b.when_text()}\t{b.report_count()} báo cáo\t{b.reason}\t{b.path}")
        return 0
    if args.command == "restore":
        result = backup.restore(args.file)
        for line in result.lines():
            print(line)
        return 0
    store = open_store()
    try:
        path = (backup.export_backup(store.db.conn, args.out) if args.out
                else backup.make_backup(store.db.conn, "thu-cong"))
    finally:
        store.close()
    print(f"Đã sao lưu toàn bộ dữ liệu vào tệp:\n{path}")
    return 0


def _read_passphrase(path: str | None) -> str:
    from model.errors import UserError

    if not path:
        raise UserError("Cần --passphrase-file: tệp chứa mật khẩu chữ ký số.")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.readline().rstrip("\r\n")
    except OSError as exc:
        raise UserError("Không đọc được tệp mật khẩu chữ ký số.") from exc


def _consolidate(args, store, catalog) -> int:
    from export.consolidate import consolidate
    from export.receive import import_packages, summarise
    from model.errors import UserError
    from model.receiving import ReceivingStore

    if args.outline:
        oid, _, ver = args.outline.partition("@")
        outline = catalog.get(oid, int(ver) if ver.isdigit() else 1)
    else:
        outline = catalog.default()
    rs = ReceivingStore(store)
    refused = []
    if args.expected:
        try:
            with open(args.expected, encoding="utf-8-sig") as fh:
                names = fh.read().splitlines()
        except OSError as exc:
            raise UserError("Không đọc được tệp danh sách đơn vị phải nộp.") from exc
        refused = rs.set_expected(names)
    elif args.expected_province:
        from model.units import communes_of

        names = communes_of(args.expected_province)
        if not names:
            raise UserError(f"Không tìm thấy tỉnh “{args.expected_province}” trong danh mục hành chính.")
        refused = rs.set_expected(names)
    if refused:
        print("Bỏ qua các tên đơn vị có ký tự lạ: " + ", ".join(refused), file=sys.stderr)
    summary = summarise(import_packages(rs, args.paths, outline, trust_new=args.trust_new))
    print(summary.headline)
    for line in summary.lines:
        print("  " + line)
    if not rs.current_ids(outline):
        print("Không có báo cáo hợp lệ nào để tổng hợp.", file=sys.stderr)
        return 1
    result = consolidate(rs, outline, args.out)
    print(f"Tổng hợp {result.units} đơn vị.")
    if result.unconfirmed:
        print(f"Trong đó {len(result.unconfirmed)} đơn vị chưa được xác nhận chữ ký số (tô màu cam trong "
              "bảng tổng hợp): " + ", ".join(result.unconfirmed))
    if result.skipped:
        print("Không dùng được dữ liệu của: " + ", ".join(result.skipped))
    if result.missing:
        print(f"Chưa nộp ({len(result.missing)}): " + ", ".join(result.missing))
    print(result.xlsx)
    print(result.docx)
    return 0


def _trust(args, store) -> int:
    from export.receive import trust_from_file, trust_remove
    from model.trust import TrustList

    trust_list = TrustList(store.db)
    if args.trust_command == "list":
        entries = trust_list.entries()
        if not entries:
            print("Chưa tin cậy chữ ký số của đơn vị nào.")
        for e in entries:
            print(f"{e.unit}\t{e.short_id}\t{e.subject}\t{e.added_at[:10]}")
        return 0
    if args.trust_command == "add":
        v = trust_from_file(trust_list, args.file)
        print(f"Đã tin cậy chữ ký số {v.short_id} của {v.unit}.")
        print(f"Dấu vân tay đầy đủ: {v.fingerprint}")
        return 0
    n = trust_remove(trust_list, args.unit)
    print(f"Đã bỏ tin cậy {n} chữ ký số của “{args.unit}”.")
    return 0


def run_headless(args) -> int:
    from model.errors import UserError
    from model.outline import OutlineCatalog
    from model.dberrors import as_user_error
    from model.paths import data_dir, ensure_data_dir
    from model.recovery import MissingDatabase, open_store

    try:
        try:
            ensure_data_dir()
        except OSError as exc:
            raise as_user_error(exc, "tạo thư mục dữ liệu", data_dir().parent) from exc
        if args.command in ("backup", "backups", "restore"):
            return _backup_commands(args)
        try:
            store = open_store()
        except MissingDatabase as exc:
            raise UserError(f"{exc.message} Dùng lệnh: restore \"{exc.offer.path}\"") from exc
        catalog = OutlineCatalog()
        for problem in catalog.errors:
            print(problem, file=sys.stderr)
        try:
            if args.command == "sample":
                from model.app import create_sample

                outline = catalog.install(args.outline) if args.outline else catalog.default()
                rid = create_sample(store, outline, args.unit, args.province, args.seed)
                print(f"Đã tạo báo cáo mẫu cho {args.unit}.")
                print(rid)
                return 0
            if args.command == "export":
                from export.report_export import export_files, load_report_data

                data = load_report_data(store, catalog, args.report_id)
                if args.sign and args.draft:
                    print("Không ký số bản nháp. Bỏ --draft hoặc --sign.", file=sys.stderr)
                    return 2
                if args.sign:
                    # the passphrase is checked before anything is written
                    from export.signing import create_identity, has_identity, load_identity

                    passphrase = _read_passphrase(args.passphrase_file)
                    if has_identity():
                        ident = load_identity(passphrase)
                    else:
                        ident = create_identity(data.identity.unit, data.identity.superior, passphrase)
                        print(f"Đã tạo chữ ký số cho đơn vị: {ident.subject}", file=sys.stderr)
                    from export.docx_report import check_final
                    from export.package import export_signed

                    check_final(data)
                    data.revision = store.bump_revision(args.report_id)
                    result, package = export_signed(data, ident, args.out)
                    print(result.docx)
                    if result.pdf:
                        print(result.pdf)
                    print(result.xlsx)
                    print(f"Dấu vân tay chữ ký số: {ident.short_id} ({ident.fingerprint})", file=sys.stderr)
                    print(package.path)
                    return 0
                result = export_files(data, args.out, draft=args.draft)
                print(result.docx)
                if result.pdf:
                    print(result.pdf)
                print(result.xlsx)
                return 0
            if args.command == "verify":
                from export.receive import decide_trust, verify_files
                from model.trust import TrustList

                verdicts = verify_files(args.files)
                decide_trust(TrustList(store.db), verdicts, trust_new=args.trust_new)
                all_ok = True
                for verdict in verdicts:
                    ok = verdict.code == "valid" or (verdict.code == "unknown_signer"
                                                     and not args.require_trusted)
                    all_ok = all_ok and ok
                    print(verdict.line())
                return 0 if all_ok else 1
            if args.command == "trust":
                return _trust(args, store)
            if args.command == "consolidate":
                return _consolidate(args, store, catalog)
            if args.command == "list":
                from model.app import summary_line

                for report in store.list_reports():
                    print(summary_line(report, catalog))
                return 0
        finally:
            store.close()
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except Exception:  # a bug: a log file, and a Vietnamese line, no traceback
        import traceback

        where = ""
        try:
            from model.paths import data_dir

            log_dir = data_dir() / "logs"
            log_dir.mkdir(parents=True, exist_ok=True)
            import datetime as dt

            path = log_dir / f"loi-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
            path.write_text(traceback.format_exc(), encoding="utf-8")
            where = f" Chi tiết lỗi đã ghi vào tệp {path}."
        except OSError:
            pass
        print("TongKet gặp lỗi ngoài dự kiến; dữ liệu đã lưu vẫn còn nguyên." + where, file=sys.stderr)
        return 3
    return 2


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 1:
        # a clerk double-clicked the program: straight to the window
        from ui.app import run_gui

        return run_gui()
    args = build_parser().parse_args(argv)
    from model.paths import set_data_dir

    set_data_dir(args.data_dir)
    if args.smoke_test:
        from ui.smoke import run_smoke_test

        return run_smoke_test(args.smoke_log)
    if args.command:
        return run_headless(args)
    from ui.app import run_gui

    return run_gui(measure_startup=args.measure_startup)


if __name__ == "__main__":
    sys.exit(main())
