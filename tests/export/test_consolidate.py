"""Thirty units send signed packages; the province receives them, together
with tampered ones, duplicates and a newer revision, and adds them up."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from export.consolidate import consolidate
from export.docx_report import ReportData
from export.package import export_signed
from export.receive import import_packages
from export.report_export import load_report_data
from export.signing import create_identity, has_identity, load_identity
from model import paths
from model.app import create_sample
from model.outline import OutlineCatalog, default_outline, load_outline
from model.receiving import STATUS_BAD, STATUS_MISSING, STATUS_OK, ReceivingStore
from model.store import DraftStore

ROOT = Path(__file__).resolve().parents[2]
UNITS = [f"Xã Thử Nghiệm {i:02d}" for i in range(1, 31)]


def _make_unit_package(base: Path, unit: str, seed: int, out: Path, resign: int = 1):
    """What a commune does: sample report, then sign and export (possibly again)."""
    data_dir = base / f"don-vi-{seed}"
    paths.set_data_dir(data_dir)
    store = DraftStore(data_dir / "tongket.sqlite3")
    outline = default_outline()
    rid = create_sample(store, outline, unit, "Đắk Lắk", seed)
    # the same unit signs again with the key it already has
    ident = load_identity("mật khẩu xã") if has_identity() else \
        create_identity(f"ĐẢNG ỦY {unit.upper()}", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "mật khẩu xã")
    made = []
    for _ in range(resign):
        data = load_report_data(store, OutlineCatalog(), rid)
        data.revision = store.bump_revision(rid)
        made.append(export_signed(data, ident, out)[1].path)
        store.save_answers(rid, {"dan_so": str(int(data.answers["dan_so"].replace(".", "")) + 1000)})
    store.close()
    return made


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    base = tmp_path_factory.mktemp("tinh")
    inbox = base / "usb"
    inbox.mkdir()
    packages = {}
    for i, unit in enumerate(UNITS[:27], start=1):
        packages[unit] = _make_unit_package(base, unit, i, inbox)
    # unit 27 signs again after correcting its population: revision 2 replaces revision 1
    packages[UNITS[26]] += _make_unit_package(base, UNITS[26], 27, base / "r2", resign=2)[1:]
    # two more made through the command line, as a clerk's script would
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    pw = base / "pw.txt"
    pw.write_text("mật khẩu xã\n", encoding="utf-8")
    for i, unit in enumerate(UNITS[27:29], start=28):
        main = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(base / f"cli-{i}")]
        rid = subprocess.run(main + ["sample", "--unit", unit, "--seed", str(i)], capture_output=True,
                             text=True, env=env, check=True).stdout.split()[-1]
        out = subprocess.run(main + ["export", rid, "--out", str(inbox), "--sign", "--passphrase-file", str(pw)],
                             capture_output=True, text=True, env=env, check=True)
        packages[unit] = [Path(out.stdout.split()[-1])]
    # unit 30's package never arrives intact (see the test): kept outside the inbox
    packages[UNITS[29]] = _make_unit_package(base, UNITS[29], 30, base / "u30")
    paths.set_data_dir(None)
    return base, inbox, packages


def _tamper(src: Path, dest: Path, edit):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info)))
    return dest


def _stats(pkg: Path) -> dict:
    with zipfile.ZipFile(pkg) as zf:
        return json.loads(zf.read("du-lieu-bao-cao.json"))["statistics"]


@pytest.mark.slow
def test_thirty_units_consolidated(province, tmp_path, data_dir):
    base, inbox, packages = province
    extra = tmp_path / "them"
    extra.mkdir()
    # a tampered copy of unit 1 (its population raised) and of unit 2 (a text changed)
    def raise_population(name, blob):
        if name != "du-lieu-bao-cao.json":
            return blob
        data = json.loads(blob)
        data["statistics"]["dan_so"]["value"] += 90000
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    _tamper(packages[UNITS[0]][0], extra / "sua-so-lieu.zip", raise_population)
    _tamper(packages[UNITS[1]][0], extra / "sua-van-ban.zip",
            lambda n, b: b.replace("Đảng".encode(), "Dang".encode(), 1) if n == "du-lieu-bao-cao.json" else b)
    for name in ("sua-so-lieu.zip", "sua-van-ban.zip"):
        with zipfile.ZipFile(extra / name) as zf:
            assert "Dang" in zf.read("du-lieu-bao-cao.json").decode() or name == "sua-so-lieu.zip"
    # unit 30 only ever sent a tampered package
    _tamper(packages[UNITS[29]][0], extra / "chi-co-ban-sua.zip",
            lambda n, b: b + b" " if n.endswith(".xlsx") else b)
    # duplicates: the same file twice, under another name too
    (extra / "ban-sao.zip").write_bytes(packages[UNITS[3]][0].read_bytes())
    # a package from another outline
    other = load_outline(ROOT / "tests" / "data" / "small-outline.toml")
    paths.set_data_dir(tmp_path / "khac")
    ident = create_identity("ĐẢNG ỦY XÃ KHÁC", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "mật khẩu xã")
    from model.sample import make_sample

    export_signed(ReportData(other, *make_sample(other, "Xã Khác", "Đắk Lắk", 1), uuid="k"), ident, extra)
    paths.set_data_dir(data_dir)

    store = DraftStore(data_dir / "tongket.sqlite3")
    rs = ReceivingStore(store)
    rs.set_expected(UNITS + ["Xã Chưa Nộp"])
    outline = default_outline()
    outcomes = import_packages(rs, [inbox, extra, base / "r2"], outline, trust_new=True)
    again = import_packages(rs, [inbox], outline)
    assert {o.status for o in again} == {"duplicate"}
    by_name = {o.file_name: o for o in outcomes}
    assert by_name["ban-sao.zip"].status == "duplicate"
    assert by_name["sua-so-lieu.zip"].status == "rejected"
    assert by_name["sua-so-lieu.zip"].verdict_label == "Đã bị sửa đổi sau khi ký"
    assert by_name["sua-van-ban.zip"].status == "rejected"
    assert by_name["chi-co-ban-sua.zip"].status == "rejected"
    other_outline = [o for o in outcomes if o.status == "other_outline"]
    assert len(other_outline) == 1 and "không cùng đề cương" in " ".join(other_outline[0].details)

    out = tmp_path / "tong-hop"
    result = consolidate(rs, outline, out)
    valid_units = UNITS[:29]
    assert result.units == len(valid_units)
    assert result.missing == ["Xã Thử Nghiệm 30", "Xã Chưa Nộp"]

    # totals computed independently from the valid packages (newest revision of unit 27)
    counted = [packages[u][-1] for u in valid_units]
    stats = [_stats(p) for p in counted]
    for st_id in ("dan_so", "dang_vien", "don_thu_nhan", "mo_hinh_dvk"):
        assert result.totals[st_id] == sum(s[st_id]["value"] for s in stats)
    assert result.totals["dien_tich"] == pytest.approx(sum(s["dien_tich"]["value"] for s in stats))
    poor = sum(s["ty_le_ho_ngheo"]["value"] * s["so_ho"]["value"] for s in stats) / \
        sum(s["so_ho"]["value"] for s in stats)
    assert result.totals["ty_le_ho_ngheo"] == pytest.approx(poor, abs=0.01)
    naive = sum(s["ty_le_ho_ngheo"]["value"] for s in stats) / len(stats)
    assert abs(poor - naive) > 1e-6  # the test could tell an average of rates apart
    r1, r2 = _stats(packages[UNITS[26]][0]), _stats(packages[UNITS[26]][1])
    assert r2["dan_so"]["value"] == r1["dan_so"]["value"] + 1000

    wb = load_workbook(result.xlsx)
    ws = wb["Tổng hợp"]
    header = [c.value for c in ws[5]]
    col = header.index("dan_so") + 1
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    unit_rows = [r for r in rows if isinstance(r[0], int)]
    assert len(unit_rows) == len(valid_units)
    assert all(isinstance(r[col - 1], int) for r in unit_rows)
    total = next(r for r in rows if r[1] and str(r[1]).startswith("TỔNG CỘNG"))
    assert total[col - 1] == result.totals["dan_so"]
    assert [r[1] for r in wb["Chưa nộp"].iter_rows(min_row=2, values_only=True)] == result.missing
    rejected = {r[0]: r for r in wb["Tệp không tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert rejected["sua-so-lieu.zip"][2] == "Đã bị sửa đổi sau khi ký"
    assert packages[UNITS[26]][0].name in rejected  # the old revision: history, not totals
    # the two list sheets print like the main one: A4, borders, header row on every page, one page wide
    for name, last in (("Chưa nộp", "B"), ("Tệp không tổng hợp", "D")):
        sheet = wb[name]
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4, name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1, name
        assert sheet.print_title_rows == "$1:$1", name
        assert sheet.print_area == f"'{name}'!$A$1:${last}${sheet.max_row}", sheet.print_area
        assert sheet["A1"].border.left.style == "thin" and sheet[f"{last}{sheet.max_row}"].border.right.style == "thin"

    board = {line["unit"]: line for line in rs.board(outline)}
    assert board["Xã Thử Nghiệm 01"]["status"] == STATUS_OK
    assert board["Xã Thử Nghiệm 30"]["status"] == STATUS_BAD
    assert board["Xã Chưa Nộp"]["status"] == STATUS_MISSING

    from docx import Document

    texts = [p.text for p in Document(result.docx).paragraphs]
    assert texts.count("Đảng ủy xã Thử Nghiệm 05:") == sum(len(s.texts) for s in outline.sections)
    assert "- Xã Chưa Nộp" in texts
    store.close()


@pytest.mark.slow
def test_cli_consolidate(province, tmp_path):
    base, inbox, packages = province
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    units = tmp_path / "don-vi.txt"
    units.write_text("\n".join(UNITS), encoding="utf-8")
    main = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "tinh")]
    r = subprocess.run(main + ["consolidate", str(inbox), "--out", str(tmp_path / "o"), "--expected", str(units),
                               "--trust-new"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "29 hợp lệ" in r.stdout and "Chưa nộp (1): Xã Thử Nghiệm 30" in r.stdout
    assert r.stdout.strip().splitlines()[-1].endswith(".docx")
    empty = tmp_path / "rong"
    empty.mkdir()
    (empty / "rac.zip").write_bytes(b"khong phai")
    fresh = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "tinh-moi")]
    r = subprocess.run(fresh + ["consolidate", str(empty), "--out", str(tmp_path / "o2")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "Không có báo cáo hợp lệ" in r.stderr and "Traceback" not in r.stderr


def test_expected_units_from_the_official_list(data_dir):
    from model.units import communes_of

    names = communes_of("Đắk Lắk")
    assert len(names) == 102 and "Xã Hòa Phú" in names
    store = DraftStore(data_dir / "tongket.sqlite3")
    rs = ReceivingStore(store)
    assert rs.set_expected(names) == []
    board = rs.board(default_outline())
    assert len(board) == 102 and all(b["status"] == STATUS_MISSING for b in board)
    store.close()


@pytest.mark.slow
def test_province_report_from_thirty_packages(province, tmp_path, data_dir, qtbot):
    """The province's own report, made from what it received: its exported
    figures are the consolidated workbook's totals, none retyped; the side
    pane holds exactly the valid units' texts."""
    from export import actions
    from model.derive import section_contributions
    from model.session import ReportSession
    from ui.source_pane import SourcePane

    base, inbox, packages = province
    extra = tmp_path / "them"
    extra.mkdir()
    _tamper(packages[UNITS[0]][0], extra / "sua.zip",
            lambda n, b: b.replace("Đảng".encode(), "Dang".encode(), 1) if n == "du-lieu-bao-cao.json" else b)
    store = DraftStore(data_dir / "tongket.sqlite3")
    catalog = OutlineCatalog()
    outline = default_outline()
    actions.expected_units(store, UNITS)
    actions.receive(store, [inbox, extra, base / "r2"], outline, trust_new=True)
    consolidated = actions.consolidate(store, outline, tmp_path / "tong-hop")
    assert consolidated.units == 29

    rid, lines = actions.new_from_received(store, catalog, "Tỉnh ủy Đắk Lắk")
    assert "29 đơn vị" in lines[0] and "Số dân tộc cùng sinh sống" in lines[1]
    report = store.get_report(rid)
    assert report.identity.unit == "TỈNH ỦY ĐẮK LẮK" and report.identity.on_behalf == "T/M BAN THƯỜNG VỤ"
    assert report.identity.doc_code == "BC/TU" and report.identity.superior == ""
    result = actions.write_export(actions.load(store, catalog, rid), tmp_path / "bao-cao-tinh", draft=True)

    ws = load_workbook(result.xlsx).active
    figures = {r[6]: r[4] for r in ws.iter_rows(min_row=6, values_only=True) if r[6]}
    sheet = load_workbook(consolidated.xlsx)["Tổng hợp"]
    ids = [c.value for c in sheet[5]]
    total = next(r for r in sheet.iter_rows(min_row=6, values_only=True)
                 if r[1] and str(r[1]).startswith("TỔNG CỘNG"))
    for _s, st in outline.stat_fields():
        expected = total[ids.index(st.id)]
        if st.aggregate == "none":
            assert expected is None and figures[st.id] is None, st.id
        else:
            assert figures[st.id] == pytest.approx(expected, abs=0.006), st.id
    assert figures["dan_so"] == sum(_stats(packages[u][-1])["dan_so"]["value"] for u in UNITS[:29])

    rs = ReceivingStore(store)
    section = outline.section_of("tinh_hinh_chung")
    items = section_contributions(rs, outline, section.id)
    valid = {f"Đảng ủy xã Thử Nghiệm {i:02d}" for i in range(1, 30)}
    assert {c.unit for c in items} == valid and len(items) == 29 * len(section.texts)
    current = rs.current_ids(outline)
    assert sorted(c.text for c in items) == sorted(
        rs.text_of(rid_, f.id).strip() for rid_ in current.values() for f in section.texts)

    pane = SourcePane(ReportSession(store, catalog.for_report(report), rid))
    qtbot.addWidget(pane)
    pane.show_section(section.id)
    assert {c.unit for c in pane.shown_items()} == valid
    assert "Thử Nghiệm 30" not in pane.view.toPlainText()
    pane.search.setText("thử nghiệm 07")
    assert {c.unit for c in pane.shown_items()} == {"Đảng ủy xã Thử Nghiệm 07"}
    store.close()
