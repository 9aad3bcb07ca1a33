"""TongKet: start the GUI, or run a headless command.

    python main.py [--data-dir D]                       start the GUI
    python main.py --data-dir D sample [--unit U] [--province P] [--seed N]
    python main.py --data-dir D list
    python main.py --data-dir D new --unit U --province P [--outline ID] [--from REPORT_ID]
    python main.py --data-dir D new-from-received --unit U [--level tinh] [--province P] [--outline ID]
    python main.py --data-dir D export REPORT_ID --out DIR [--draft]
    python main.py --data-dir D export REPORT_ID --out DIR --sign --passphrase-file F
    python main.py --data-dir D export REPORT_ID --out DIR --sign --pkcs11-module DRIVER --pin-file F
                   [--token-label L] [--cert-label C] [--chain-file CHAIN.pem]
    python main.py --data-dir D verify FILE... [--require-trusted] [--trust-new] [--ca ROOT.cer]
    python main.py --data-dir D consolidate FILE_OR_DIR... --out DIR [--expected units.txt]
    python main.py --data-dir D trust list | add FILE.zip | remove UNIT
    python main.py --data-dir D trust-ca list | add FILE.cer | remove FINGERPRINT
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
    n = sub.add_parser("new", help="tạo báo cáo mới (trống, hoặc từ một báo cáo có sẵn); in số báo cáo")
    n.add_argument("--unit", required=True, help="đơn vị báo cáo, ví dụ “Xã Hòa An”, “Tỉnh ủy Đắk Lắk”")
    n.add_argument("--province", default="", help="tỉnh (dòng cấp trên ĐẢNG BỘ TỈNH …)")
    n.add_argument("--outline", help="mã đề cương, dạng id@phiên-bản (mặc định: đề cương kèm theo)")
    n.add_argument("--from", dest="from_report", type=int, help="số của báo cáo có sẵn để chép nội dung")
    nr = sub.add_parser("new-from-received",
                        help="tạo báo cáo của cấp mình từ các báo cáo đã nhận; in số báo cáo")
    nr.add_argument("--unit", required=True, help="đơn vị báo cáo, ví dụ “Tỉnh ủy Đắk Lắk”")
    nr.add_argument("--level", default="tinh", choices=["tinh", "xa"], help="cấp của đơn vị (mặc định: tinh)")
    nr.add_argument("--province", default="", help="tỉnh (địa danh; cấp trên với cấp xã)")
    nr.add_argument("--outline", help="mã đề cương đã nhận, dạng id@phiên-bản")
    e = sub.add_parser("export", help="xuất báo cáo ra DOCX, PDF và XLSX")
    e.add_argument("report_id", type=int)
    e.add_argument("--out", required=True, help="thư mục ghi tệp")
    e.add_argument("--draft", action="store_true", help="xuất bản nháp để góp ý")
    e.add_argument("--sign", action="store_true", help="ký số và xuất gói gửi cấp trên")
    e.add_argument("--passphrase-file", help="tệp chứa mật khẩu chữ ký số (dòng đầu)")
    _token_arguments(e)
    v = sub.add_parser("verify", help="kiểm tra gói báo cáo nhận được")
    v.add_argument("files", nargs="+")
    v.add_argument("--require-trusted", action="store_true",
                   help="coi người ký chưa được tin cậy là lỗi")
    v.add_argument("--trust-new", action="store_true",
                   help="ghi nhận người ký lần đầu gặp vào danh sách tin cậy")
    v.add_argument("--ca", help="tệp chứng thư gốc dùng cho lần kiểm tra này (ngoài các chứng thư đã thêm)")
    c = sub.add_parser("consolidate", help="nhận và tổng hợp báo cáo của cấp dưới")
    c.add_argument("paths", nargs="+", help="tệp .zip hoặc thư mục chứa các tệp .zip")
    c.add_argument("--out", required=True, help="thư mục ghi bảng tổng hợp")
    c.add_argument("--expected", help="tệp danh sách đơn vị phải nộp (mỗi dòng một đơn vị)")
    c.add_argument("--expected-province", help="lấy danh sách xã, phường của tỉnh này")
    c.add_argument("--outline", help="mã đề cương cần tổng hợp, dạng id@phiên-bản")
    c.add_argument("--trust-new", action="store_true",
                   help="ghi nhận người ký lần đầu gặp vào danh sách tin cậy")
    _list_add_remove(sub, "trust", "danh sách chữ ký số được tin cậy của các đơn vị", "liệt kê",
                     "tin cậy chữ ký số của một gói báo cáo (sau khi đã so dấu vân tay)",
                     ("unit", "bỏ tin cậy mọi chữ ký số của một đơn vị"))
    _list_add_remove(sub, "trust-ca", "chứng thư gốc tin cậy (của các tổ chức chứng thực)",
                     "liệt kê chứng thư gốc, chứng thư trung gian và danh sách thu hồi",
                     "thêm chứng thư (.cer, .crt, .pem) hoặc danh sách thu hồi (.crl)",
                     ("fingerprint", "xóa theo dấu vân tay (ít nhất 8 ký tự đầu)"))
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


def _first_line(path: str | None, option: str, what: str) -> str:
    """The first line of a file holding a secret (a passphrase, a PIN)."""
    from model.errors import UserError

    if not path:
        raise UserError(f"Cần {option}: tệp chứa {what}.")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.readline().rstrip("\r\n")
    except OSError as exc:
        raise UserError(f"Không đọc được tệp {what}.") from exc


def _read_passphrase(path: str | None) -> str:
    return _first_line(path, "--passphrase-file", "mật khẩu chữ ký số")


def _token_arguments(e) -> None:
    e.add_argument("--pkcs11-module", help="trình điều khiển thiết bị ký số (tệp .dll/.so PKCS#11)")
    e.add_argument("--token-label", help="tên thiết bị ký số (khi cắm nhiều thiết bị)")
    e.add_argument("--cert-label", help="tên chứng thư trên thiết bị (khi có nhiều chứng thư)")
    e.add_argument("--pin-file", help="tệp chứa mã PIN của thiết bị ký số (dòng đầu)")
    e.add_argument("--chain-file", help="tệp chuỗi chứng thư của tổ chức chứng thực (.pem, .cer)")


def _token_signer(args):
    from export.token import open_signer

    pin = _first_line(args.pin_file, "--pin-file", "mã PIN của thiết bị ký số")
    return open_signer(args.pkcs11_module, pin, token_label=args.token_label, cert_label=args.cert_label,
                       chain_file=args.chain_file)


def _list_add_remove(sub, name: str, help_: str, list_help: str, add_help: str, remove) -> None:
    """A command with list / add FILE / remove KEY (trust, trust-ca); the
    chosen one in args.<name>_command ('trust-ca' -> trust_ca_command)."""
    parser = sub.add_parser(name, help=help_)
    commands = parser.add_subparsers(dest=f"{name.replace('-', '_')}_command", required=True)
    commands.add_parser("list", help=list_help)
    commands.add_parser("add", help=add_help).add_argument("file")
    key, remove_help = remove
    commands.add_parser("remove", help=remove_help).add_argument(key)


def _trust_ca(args) -> int:
    from export import anchors

    if args.trust_ca_command == "list":
        items = anchors.entries()
        if not items:
            print("Chưa có chứng thư gốc tin cậy nào.")
        for a in items:
            print(a.line())
        return 0
    if args.trust_ca_command == "add":
        for a in anchors.add_file(args.file):
            print(f"Đã thêm {anchors.KIND_TEXT[a.kind].lower()}: {a.subject} ({a.validity()})")
            print(f"Dấu vân tay SHA-256: {a.fingerprint_text}")
        return 0
    a = anchors.remove(args.fingerprint)
    print(f"Đã xóa {anchors.KIND_TEXT[a.kind].lower()}: {a.subject}")
    return 0


def _one_off_anchors(path):
    """verify --ca FILE: the receiver's anchors and this one."""
    if not path:
        return None
    from export.anchors import one_off
    from export.certs import load_anchors

    return load_anchors() + one_off(path)


def _print(lines, err: bool = False) -> None:
    for line in lines:
        print(line, file=sys.stderr if err else sys.stdout)


# One small function per command: the work is in export/actions.py, shared
# with the GUI.  Each takes (args, store, catalog) and returns the exit code.

def cmd_sample(args, store, catalog) -> int:
    from export import actions

    rid = actions.create_sample(store, catalog, args.unit, args.province, args.seed, args.outline)
    print(f"Đã tạo báo cáo mẫu cho {args.unit}.")
    print(rid)
    return 0


def cmd_list(args, store, catalog) -> int:
    from export import actions

    _print(actions.report_lines(store, catalog))
    return 0


def cmd_new(args, store, catalog) -> int:
    from export import actions

    rid, lines = actions.new_report(store, catalog, args.unit, args.province, args.outline, args.from_report)
    _print(lines, err=True)
    print(rid)
    return 0


def cmd_new_from_received(args, store, catalog) -> int:
    from export import actions

    rid, lines = actions.new_from_received(store, catalog, args.unit, args.level, args.province, args.outline)
    _print(lines, err=True)
    print(rid)
    return 0


def cmd_export(args, store, catalog) -> int:
    from export import actions

    if args.sign and args.draft:
        print("Không ký số bản nháp. Bỏ --draft hoặc --sign.", file=sys.stderr)
        return 2
    if not args.sign:
        result = actions.write_export(actions.load(store, catalog, args.report_id), args.out, args.draft)
        _print(result.paths())
        return 0
    # the passphrase (or PIN) and the content are checked before anything is written
    data = actions.prepare_signing(store, catalog, args.report_id)
    if args.pkcs11_module:
        ident = _token_signer(args)
    else:
        ident, created = actions.identity_for(data.identity.unit, data.identity.superior,
                                              _read_passphrase(args.passphrase_file))
        if created:
            print(f"Đã tạo chữ ký số cho đơn vị: {ident.subject}", file=sys.stderr)
    try:
        result = actions.write_signed(data, ident, args.out)
    finally:
        ident.close()
    actions.commit_signing(store, args.report_id, result)
    _print(result.files.paths())
    _print(result.lines()[1:], err=True)
    print(result.package.path)
    return 0


def cmd_verify(args, store, catalog) -> int:
    from export import actions

    result = actions.verify(store, args.files, args.trust_new, args.require_trusted, _one_off_anchors(args.ca))
    _print(result.lines())
    return 0 if result.ok else 1


def cmd_consolidate(args, store, catalog) -> int:
    from export import actions
    from model.errors import UserError

    outline = actions.outline_for(catalog, args.outline)
    refused = []
    if args.expected:
        try:
            with open(args.expected, encoding="utf-8-sig") as fh:
                refused = actions.expected_units(store, fh.read().splitlines())
        except OSError as exc:
            raise UserError("Không đọc được tệp danh sách đơn vị phải nộp.") from exc
    elif args.expected_province:
        refused = actions.expected_units(store, province=args.expected_province)
    if refused:
        print("Bỏ qua các tên đơn vị có ký tự lạ: " + ", ".join(refused), file=sys.stderr)
    _outcomes, summary = actions.receive(store, args.paths, outline, args.trust_new)
    print(summary.headline)
    _print("  " + line for line in summary.lines)
    result = actions.consolidate(store, outline, args.out)
    _print(actions.consolidation_lines(result))
    _print([result.xlsx, result.docx])
    return 0


def cmd_trust(args, store, catalog) -> int:
    from export import actions

    if args.trust_command == "list":
        _print(actions.trust_lines(store))
    elif args.trust_command == "add":
        _print(actions.trust_add(store, args.file))
    else:
        _print(actions.trust_remove(store, args.unit))
    return 0


COMMANDS = {"sample": cmd_sample, "list": cmd_list, "new": cmd_new, "new-from-received": cmd_new_from_received,
            "export": cmd_export, "verify": cmd_verify,
            "consolidate": cmd_consolidate, "trust": cmd_trust}


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
        from model.logs import setup_logging

        setup_logging()
        if args.command in ("backup", "backups", "restore"):
            return _backup_commands(args)
        if args.command == "trust-ca":
            return _trust_ca(args)
        try:
            store = open_store()
        except MissingDatabase as exc:
            raise UserError(f"{exc.message} Dùng lệnh: restore \"{exc.offer.path}\"") from exc
        catalog = OutlineCatalog()
        for problem in catalog.errors:
            print(problem, file=sys.stderr)
        try:
            return COMMANDS[args.command](args, store, catalog)
        finally:
            store.close()
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except Exception:  # a bug: a log file, and a Vietnamese line, no traceback
        from model.logs import write_crash

        path = write_crash(*sys.exc_info())
        where = f" Chi tiết lỗi đã ghi vào tệp {path}." if path else ""
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
