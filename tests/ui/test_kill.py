"""Kill the real app (SIGKILL, not a close) while the clerk types: nothing
older than the autosave delay may be lost, and the database stays intact."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui.editor import AUTOSAVE_MS

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("kill_child.py")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_while_typing_loses_at_most_the_autosave_delay(tmp_path):
    data = tmp_path / "data"
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "sample",
                          "--seed", "7"], capture_output=True, text=True, check=True)
    rid = out.stdout.strip().splitlines()[-1]
    rng = random.Random(1)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for round_ in range(int(os.environ.get("TONGKET_KILL_ROUNDS", "10"))):
        child = subprocess.Popen([sys.executable, str(CHILD), str(data), rid, f"v{round_}"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=env)
        assert child.stdout.readline().strip() == "ready"
        typed = []
        deadline = time.time() + rng.uniform(1.2, 2.5)
        while time.time() < deadline:
            line = child.stdout.readline()
            stamp, n = line.split()
            typed.append((float(stamp), int(n)))
        child.send_signal(signal.SIGKILL)
        killed_at = time.time()
        child.wait()
        child.stdout.close()

        con = sqlite3.connect(data / "tongket.sqlite3")
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        text = con.execute("SELECT value FROM answers WHERE report_id=? AND field_id='bai_hoc'",
                           [rid]).fetchone()[0]
        con.close()
        # every word typed more than the autosave delay (+ slack) before the kill is stored
        margin = AUTOSAVE_MS / 1000 + 0.3
        old_enough = [n for stamp, n in typed if stamp < killed_at - margin]
        assert old_enough, "the child typed too little to test anything"
        for n in old_enough:
            assert f" v{round_}từ{n}." in text, f"round {round_}: word {n} lost"
