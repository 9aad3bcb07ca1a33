"""Draw TongKet's icon with Qt (no image editor needed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icon/make_icon.py

A red rounded square (the Party's red), a yellow star, and the ruled lines of
a report.  Writes tongket.png (256 px) and tongket.ico (256, 48, 32, 16 px
as separate files merged into one .ico)."""

import math
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen, QPolygonF

HERE = Path(__file__).resolve().parent


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format_ARGB32)
    img.fill(Qt.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.Antialiasing)
    s = size / 256
    path = QPainterPath()
    path.addRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    p.fillPath(path, QColor("#c62828"))
    # the page
    p.setBrush(QColor("#fffdf5"))
    p.setPen(Qt.NoPen)
    p.drawRoundedRect(QRectF(58 * s, 40 * s, 140 * s, 180 * s), 10 * s, 10 * s)
    # the star
    cx, cy, r_out, r_in = 128 * s, 92 * s, 38 * s, 15 * s
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        pts.append(QPointF(cx + r * math.cos(a), cy + r * math.sin(a)))
    p.setBrush(QColor("#fbc02d"))
    p.drawPolygon(QPolygonF(pts))
    # lines of text
    pen = QPen(QColor("#8d6e63"))
    pen.setWidthF(max(1.0, 9 * s))
    pen.setCapStyle(Qt.RoundCap)
    p.setPen(pen)
    for y in (150, 172, 194):
        p.drawLine(QPointF(80 * s, y * s), QPointF(176 * s, y * s))
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    img.save(buf, "PNG")
    return bytes(data)


def write_ico(path: Path, sizes=(256, 48, 32, 16)) -> None:
    """An .ico holding PNG images of several sizes (Windows Vista and later)."""
    images = [png_bytes(draw(n)) for n in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for n, blob in zip(sizes, images):
        entries += struct.pack("<BBBBHHII", n % 256, n % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    path.write_bytes(header + entries + b"".join(images))


if __name__ == "__main__":
    app = QGuiApplication(sys.argv)
    draw(256).save(str(HERE / "tongket.png"))
    write_ico(HERE / "tongket.ico")
    print(HERE / "tongket.ico")
