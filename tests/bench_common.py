"""Shared by the benchmarks: the longest stall of the Qt event loop while
somebody types continuously into a text editor."""

from __future__ import annotations

import time


def longest_typing_stall(app, widget, text: str, seconds: float = 5.0, key_ms: int = 30,
                         beat_ms: int = 5) -> float:
    """Type text (one key every key_ms) for seconds; return the longest gap, in
    ms, between beats of a timer that should fire every beat_ms."""
    from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    gaps = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat():
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heart = QTimer()
    heart.setInterval(beat_ms)
    heart.timeout.connect(beat)
    pos = [0]

    def key():
        ch = text[pos[0] % len(text)]
        pos[0] += 1
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))

    typer = QTimer()
    typer.setInterval(key_ms)
    typer.timeout.connect(key)
    heart.start()
    typer.start()
    end = time.time() + seconds
    while time.time() < end:
        app.processEvents()
        time.sleep(0.001)
    typer.stop()
    heart.stop()
    return max(gaps) - beat_ms if gaps else 0.0
