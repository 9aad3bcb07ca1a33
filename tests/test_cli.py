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
