"""Render the template's main sheets to PNG for the docs: ``python -m flopsheet.template.render docs/``.

LibreOffice opens the workbook and exports a PDF (one page per sheet); ``pdftoppm`` (poppler-utils)
rasterises each page, which is trimmed of its white margin and written as
``template-<sheet>.png``. LibreOffice has no flopsheet add-in, so every function cell would
show #NAME?; by default the render copy (never the template itself) carries the Python
engine's values in those cells instead (``--formulas`` keeps the #NAME? view). The native
INDEX/MATCH lookups stay formulas and are computed by LibreOffice.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from flopsheet.errors import FlopsheetError
from flopsheet.template import styles as st
from flopsheet.template.build import build_workbook
from flopsheet.template.layout import GPUS, INFERENCE, MULTIMODAL, SEED_CHECK, SOURCES, START, TRAINING

# Sheet -> (file slug, landscape?, last row to show or None for the print area)
MAIN_SHEETS = {
    START: ("start", False, "Cell styles"),  # down to the legend: the function list is long
    GPUS: ("gpus", True, None),
    TRAINING: ("training", True, None),
    INFERENCE: ("inference", False, None),
    MULTIMODAL: ("multimodal", True, None),
    SEED_CHECK: ("seed-check", True, None),
}
NOT_RENDERED = (SOURCES,)
PDFTOPPM_MISSING = "pdftoppm was not found: install poppler-utils (apt-get install -y poppler-utils)"
DEFAULT_DPI = 110


def _engine_values(wb, outputs) -> None:
    """Replace each function cell of the render copy by the engine's value (what Excel shows)."""
    for o in outputs:
        cell = wb[o.sheet][o.cell]
        if isinstance(o.value, str):
            if o.value:
                st.set_text(cell, o.value)
            else:
                cell.value = None
        else:
            cell.value = o.value


def _rows_until(ws, section: str) -> int:
    """The row just after the block that follows the section title `section`."""
    start = next(c.row for c in ws["A"] if c.value == section)
    r = start + 1
    while ws.cell(r, 1).value not in (None, ""):
        r += 1
    return r - 1


def _page_setup(wb) -> None:
    """One page per sheet (so page i is sheet i), A3, trimmed to what the docs show."""
    for ws in wb.worksheets:
        spec = MAIN_SHEETS.get(ws.title)
        ws.page_setup.paperSize = ws.PAPERSIZE_A3
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if spec is None:
            continue
        ws.page_setup.orientation = "landscape" if spec[1] else "portrait"
        if spec[2] is not None:
            area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
            first, _, last = area.replace("$", "").split("!")[-1].partition(":")
            col = last.rstrip("0123456789")
            ws.print_area = f"{first}:{col}{_rows_until(ws, spec[2])}"


def _read_ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields, pos = [], 2
    if data[:2] != b"P6":
        raise FlopsheetError(f"{path.name} is not a binary PPM")
    while len(fields) < 3:  # width, height, maxval, separated by whitespace
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(int(data[pos:end]))
        pos = end
    width, height, _ = fields
    return width, height, data[pos + 1:]


def _trim(width: int, height: int, pixels: bytes, pad: int = 12) -> tuple[int, int, list[bytes]]:
    """Crop the white margin (pdftoppm pages are mostly paper)."""
    stride = width * 3
    rows = [pixels[i * stride:(i + 1) * stride] for i in range(height)]
    inked = [i for i, row in enumerate(rows) if row.strip(b"\xff")]
    if not inked:
        return width, height, rows
    top, bottom = max(inked[0] - pad, 0), min(inked[-1] + pad, height - 1)
    left, right = width, 0
    for row in rows[top:bottom + 1]:
        body = row.strip(b"\xff")
        if body:
            left = min(left, (len(row) - len(row.lstrip(b"\xff"))) // 3)
            right = max(right, (len(row.rstrip(b"\xff")) - 1) // 3)
    left, right = max(left - pad, 0), min(right + pad, width - 1)
    cropped = [row[left * 3:(right + 1) * 3] for row in rows[top:bottom + 1]]
    return right - left + 1, bottom - top + 1, cropped


def _write_png(path: Path, width: int, height: int, rows: list[bytes]) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 (none) on every scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                     + chunk(b"IEND", b""))


def render(out_dir: str | Path, *, engine_values: bool = True, dpi: int = DEFAULT_DPI) -> list[Path]:
    """Write docs PNGs of the main sheets into `out_dir` (overwriting earlier renders)."""
    from flopsheet.recalc import to_pdf

    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FlopsheetError(f"output folder {out_dir} does not exist; create it first", "out_dir")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise FlopsheetError(PDFTOPPM_MISSING)
    wb, ctx = build_workbook()
    if engine_values:
        _engine_values(wb, ctx.outputs)
    _page_setup(wb)
    titles = wb.sheetnames
    written = []
    with tempfile.TemporaryDirectory(prefix="flopsheet-render-") as tmp:
        tmp = Path(tmp)
        src = tmp / "flopsheet.xlsm"
        wb.save(src)
        pdf = to_pdf(src, tmp)
        subprocess.run([pdftoppm, "-r", str(dpi), str(pdf), str(tmp / "page")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        pages = sorted(tmp.glob("page-*.ppm"))
        if len(pages) != len(titles):
            raise FlopsheetError(f"expected one PDF page per sheet ({len(titles)}), got {len(pages)}")
        for title, page in zip(titles, pages):
            if title not in MAIN_SHEETS:
                continue
            dst = out_dir / f"template-{MAIN_SHEETS[title][0]}.png"
            _write_png(dst, *_trim(*_read_ppm(page)))
            written.append(dst)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m flopsheet.template.render", description=__doc__.splitlines()[0])
    p.add_argument("out_dir", help="folder for template-<sheet>.png (e.g. docs/)")
    p.add_argument("--formulas", action="store_true",
                   help="show function cells as LibreOffice computes them (#NAME?: no add-in)")
    p.add_argument("--dpi", type=int, default=DEFAULT_DPI, help=f"resolution (default {DEFAULT_DPI})")
    args = p.parse_args(argv)
    try:
        for path in render(args.out_dir, engine_values=not args.formulas, dpi=args.dpi):
            print(path)
    except FlopsheetError as e:
        print(f"flopsheet: {e.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
