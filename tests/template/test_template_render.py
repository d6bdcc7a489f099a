"""The docs renders: the PNG writer and margin trimming of `python -m flopsheet.template.render`
(no LibreOffice needed), and the committed renders under docs/ are real PNGs."""

import struct
import zlib
from pathlib import Path

import pytest

from flopsheet.template.render import MAIN_SHEETS, _read_ppm, _trim, _write_png

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _ppm(tmp_path, width, height, box):
    """A white page with one red rectangle (x0, y0, x1, y1 inclusive)."""
    rows = []
    for y in range(height):
        row = bytearray(b"\xff" * width * 3)
        if box[1] <= y <= box[3]:
            for x in range(box[0], box[2] + 1):
                row[x * 3:x * 3 + 3] = b"\xcc\x00\x00"
        rows.append(bytes(row))
    path = tmp_path / "p.ppm"
    path.write_bytes(f"P6\n{width} {height}\n255\n".encode() + b"".join(rows))
    return path


def _decode_png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    return width, height, depth, color, chunks.get(b"IDAT", b"")


def test_trim_keeps_the_ink_plus_padding_and_png_round_trips(tmp_path):
    w, h, rows = _trim(*_read_ppm(_ppm(tmp_path, 200, 100, (50, 20, 89, 39))), pad=5)
    assert (w, h) == (40 + 10, 20 + 10)
    out = tmp_path / "o.png"
    _write_png(out, w, h, rows)
    width, height, depth, color, idat = _decode_png(out)
    assert (width, height, depth, color) == (50, 30, 8, 2)
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + width * 3)
    middle = raw[15 * (1 + width * 3) + 1:][: width * 3]
    assert middle[:15] == b"\xff" * 15 and middle[15:18] == b"\xcc\x00\x00"


@pytest.mark.parametrize("slug", [spec[0] for spec in MAIN_SHEETS.values()])
def test_committed_renders_exist(slug):
    path = DOCS / f"template-{slug}.png"
    assert path.is_file(), f"regenerate with: python -m flopsheet.template.render docs/ ({path.name})"
    width, height, *_ = _decode_png(path)
    assert width > 600 and height > 200
