"""Headless commands, run as a clerk's script would run them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, data_dir):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)


def test_sample_then_list(tmp_path):
    a = run("sample", "--unit", "Xã Hòa An", "--seed", "1", data_dir=tmp_path)
    b = run("sample", "--unit", "Phường Tân Lợi", "--province", "Nghệ An", "--seed", "2", data_dir=tmp_path)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert a.stdout.strip().splitlines()[-1] == "1"
    assert b.stdout.strip().splitlines()[-1] == "2"
    listing = run("list", data_dir=tmp_path)
    assert listing.returncode == 0
    lines = listing.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("1\tĐẢNG ỦY XÃ HÒA AN\t") and "15/15 mục" in lines[0]
    assert lines[1].startswith("2\tĐẢNG ỦY PHƯỜNG TÂN LỢI\t")


def test_sample_with_another_outline(tmp_path):
    r = run("sample", "--outline", str(ROOT / "tests" / "data" / "small-outline.toml"), data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    listing = run("list", data_dir=tmp_path)
    assert "2/2 mục" in listing.stdout


def test_bad_database_gives_a_vietnamese_message(tmp_path):
    (tmp_path / "tongket.sqlite3").write_bytes(b"garbage" * 1000)
    r = run("list", data_dir=tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "bị hỏng" in r.stderr


def test_bad_arguments_no_traceback(tmp_path):
    r = run("sample", "--seed", "abc", data_dir=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "Lỗi tham số" in r.stderr


def test_backup_backups_restore(tmp_path):
    data = tmp_path / "d"
    assert run("sample", "--seed", "1", data_dir=data).returncode == 0
    made = run("backup", data_dir=data)
    usb = run("backup", "--out", str(tmp_path / "usb"), data_dir=data)
    assert made.returncode == 0 and usb.returncode == 0, made.stderr + usb.stderr
    in_folder = Path(made.stdout.strip().splitlines()[-1])
    on_usb = Path(usb.stdout.strip().splitlines()[-1])
    assert in_folder.parent.name == "sao-luu" and on_usb.parent == tmp_path / "usb"
    listing = run("backups", data_dir=data)
    assert listing.stdout.startswith("1\t") and "1 báo cáo" in listing.stdout
    # the database is lost: list says how to get it back, and creates nothing
    for f in data.glob("tongket.sqlite3*"):
        f.unlink()
    lost = run("list", data_dir=data)
    assert lost.returncode == 1 and "restore" in lost.stderr and "Traceback" not in lost.stderr
    assert not (data / "tongket.sqlite3").exists()
    back = run("restore", str(on_usb), data_dir=data)
    assert back.returncode == 0 and "Đã khôi phục" in back.stdout
    again = run("restore", str(in_folder), data_dir=data)
    first = again.stdout.splitlines()[0]
    assert first.startswith("Dữ liệu trước khi khôi phục được giữ trong bản sao lưu: ")
    assert Path(first.split(": ", 1)[1]).exists()
    assert run("list", data_dir=data).stdout.startswith("1\t")
    bad = run("restore", str(tmp_path / "khong-co.sqlite3"), data_dir=data)
    assert bad.returncode == 1 and "Không đọc được tệp sao lưu" in bad.stderr


def test_bad_outline_file_does_not_stop_the_cli(tmp_path):
    (tmp_path / "outlines").mkdir()
    (tmp_path / "outlines" / "long.toml").write_bytes(b"a = " + b"[" * 1000 + b"]" * 1000)
    r = run("sample", "--seed", "1", data_dir=tmp_path)
    assert r.returncode == 0 and "long.toml" in r.stderr and "Traceback" not in r.stderr


def _faketime(when, *args, data_dir):
    env = dict(os.environ, PYTHONIOENCODING="utf-8", FAKETIME_DONT_FAKE_MONOTONIC="1")
    return subprocess.run(["faketime", when, sys.executable, str(ROOT / "main.py"), "--data-dir",
                           str(data_dir), *args], capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)


def test_wrong_clock_black_box_under_faketime(tmp_path):
    """The real program under a laptop clock that jumps about (faketime)."""
    import shutil

    import pytest

    if shutil.which("faketime") is None:
        pytest.skip("chưa cài faketime (apt-get install faketime; CI cài sẵn)")
    data = tmp_path / "d"
    assert _faketime("2030-06-01 08:00:00", "sample", "--seed", "1", data_dir=data).returncode == 0
    for day in range(1, 8):  # seven backups while the clock is in the future
        assert _faketime(f"2030-06-0{day} 09:00:00", "backup", data_dir=data).returncode == 0
    # the clock is corrected to the past; today's work, then restore the oldest backup
    r = _faketime("2024-03-01 10:00:00", "sample", "--unit", "Xã Ea Tu", "--seed", "2", data_dir=data)
    assert r.returncode == 0, r.stderr
    listing = _faketime("2024-03-01 10:01:00", "backups", data_dir=data).stdout.splitlines()
    oldest = listing[-1].split("\t")[-1]
    restored = _faketime("2024-03-01 10:02:00", "restore", oldest, data_dir=data)
    assert restored.returncode == 0, restored.stderr
    safety = restored.stdout.splitlines()[0].split(": ", 1)[1]
    after = _faketime("2024-03-01 10:03:00", "backups", data_dir=data).stdout.splitlines()
    # the backup just taken is the newest (by sequence) and still there, so is the oldest
    assert after[0].split("\t")[-1] == safety and "2 báo cáo" in after[0]
    assert any(line.split("\t")[-1] == oldest for line in after)
    assert "01/03/2024" in after[0]  # the time is shown as the clock claimed it

