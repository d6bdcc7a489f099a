"""Render the template's main sheets to PNG for the docs: ``python -m tools.render docs/``.

LibreOffice opens the workbook and exports a PDF (one page per sheet); ``pdftoppm`` (poppler-utils)
rasterises each page, which Pillow trims of its white margin and writes as
``template-<sheet>.png``. LibreOffice has no flopsheet add-in, so every function cell would
show #NAME?; by default the render copy (never the template itself) carries the Python
engine's values in those cells instead (``--formulas`` keeps the #NAME? view). The native
INDEX/MATCH lookups stay formulas and are computed by LibreOffice.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from flopsheet.errors import FlopsheetError
from flopsheet.template import i18n
from flopsheet.template import styles as st
from flopsheet.template.build import build_workbook
from flopsheet.template.layout import (
    ECONOMICS,
    GPUS,
    INFERENCE,
    MODELS,
    MULTIMODAL,
    SEED_CHECK,
    START,
    TRAINING,
)

# Sheet -> (file slug, landscape?, last row to show or None for the print area)
MAIN_SHEETS = {
    START: ("start", False, "Cell styles"),  # down to the legend: the function list is long
    GPUS: ("gpus", True, None),
    MODELS: ("models", True, None),
    TRAINING: ("training", True, None),
    INFERENCE: ("inference", False, None),
    ECONOMICS: ("economics", True, None),
    MULTIMODAL: ("multimodal", True, None),
    SEED_CHECK: ("seed-check", True, None),
}
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


def _page_setup(wb, lang: str = "en") -> None:
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
            with i18n.edition(lang):
                section = i18n.tr(spec[2])
            ws.print_area = f"{first}:{col}{_rows_until(ws, section)}"


def trim(image, pad: int = 12):
    """`image` cropped to its ink plus `pad` pixels of white (pdftoppm pages are mostly paper)."""
    from PIL import Image, ImageChops

    image = image.convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, (255, 255, 255))).getbbox()
    if box is None:
        return image
    left, top, right, bottom = box  # right and bottom exclusive
    return image.crop(
        (max(left - pad, 0), max(top - pad, 0), min(right + pad, image.width), min(bottom + pad, image.height))
    )


def render(out_dir: str | Path, *, engine_values: bool = True, dpi: int = DEFAULT_DPI, lang: str = "en") -> list[Path]:
    """Write docs PNGs of the main sheets into `out_dir` (overwriting earlier renders):
    template-<sheet>.png, or template-<lang>-<sheet>.png for another language's edition (its CJK
    text needs a CJK font such as fonts-wqy-microhei or fonts-noto-cjk)."""
    from PIL import Image

    from flopsheet.recalc import to_pdf

    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FlopsheetError(f"output folder {out_dir} does not exist; create it first", "out_dir")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise FlopsheetError(PDFTOPPM_MISSING)
    wb, ctx = build_workbook(lang=lang)
    if engine_values:
        _engine_values(wb, ctx.outputs)
    _page_setup(wb, lang)
    prefix = "template-" if lang == "en" else f"template-{lang}-"
    titles = wb.sheetnames
    written = []
    with tempfile.TemporaryDirectory(prefix="flopsheet-render-") as tmp:
        tmp = Path(tmp)
        src = tmp / "flopsheet.xlsm"
        wb.save(src)
        pdf = to_pdf(src, tmp)
        subprocess.run(
            [pdftoppm, "-r", str(dpi), str(pdf), str(tmp / "page")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        pages = sorted(tmp.glob("page-*.ppm"))
        if len(pages) != len(titles):
            raise FlopsheetError(f"expected one PDF page per sheet ({len(titles)}), got {len(pages)}")
        for title, page in zip(titles, pages):
            if title not in MAIN_SHEETS:
                continue
            dst = out_dir / f"{prefix}{MAIN_SHEETS[title][0]}.png"
            with Image.open(page) as img:
                # A sheet uses few colours: a 256-colour palette looks the same and is a third
                # of the size (the renders are committed).
                trim(img).quantize(256, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)
            written.append(dst)
    return written


PRINT_DPI = 80


def first_pages(pdf: Path, titles: dict[str, str]) -> dict[str, int]:
    """{sheet: the PDF page its print starts on}: the first page whose first line is the sheet's title (its A1;
    a sheet's later pages start with its repeated header row instead)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise FlopsheetError(PDFTOPPM_MISSING)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    found = {}
    for number, page in enumerate(text.split("\f"), start=1):
        first = next((line.strip() for line in page.splitlines() if line.strip()), "")
        for sheet, title in titles.items():
            if sheet not in found and title and first.startswith(title[:40]):
                found[sheet] = number
    return found


def render_print(out_dir: str | Path, *, lang: str = "en", dpi: int = PRINT_DPI) -> list[Path]:
    """The first printed page of every sheet of the template's hand-off copy, as it prints (A4, its own page
    setup; cached values computed by LibreOffice): print-<sheet>.png in `out_dir`."""
    import openpyxl
    from PIL import Image

    from flopsheet.recalc import to_pdf
    from flopsheet.template.build import write_copy

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise FlopsheetError(PDFTOPPM_MISSING)
    out_dir = Path(out_dir)
    prefix = "print-" if lang == "en" else f"print-{lang}-"
    written = []
    with tempfile.TemporaryDirectory(prefix="flopsheet-print-") as tmp:
        tmp = Path(tmp)
        copy = tmp / "flopsheet.xlsx"
        write_copy(copy, recalc=True, lang=lang)
        wb = openpyxl.load_workbook(copy, read_only=True)
        titles = {ws.title: next(ws.iter_rows(max_row=1, max_col=1, values_only=True))[0] for ws in wb.worksheets}
        wb.close()
        pdf = to_pdf(copy, tmp)
        pages = first_pages(pdf, {k: v for k, v in titles.items() if isinstance(v, str)})
        missing = [t for t in titles if t not in pages]
        if missing:
            raise FlopsheetError(f"no printed page starts with the title of {', '.join(missing)}")
        for title, number in pages.items():
            stem = tmp / f"page-{number}"
            subprocess.run(
                [
                    pdftoppm,
                    "-r",
                    str(dpi),
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    "-singlefile",
                    "-png",
                    str(pdf),
                    str(stem),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            dst = out_dir / f"{prefix}{title.lower().replace(' ', '-')}.png"
            with Image.open(stem.with_suffix(".png")) as img:
                trim(img).quantize(256, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)
            written.append(dst)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.render", description=__doc__.splitlines()[0])
    p.add_argument("out_dir", help="folder for template-<sheet>.png (e.g. docs/)")
    p.add_argument(
        "--formulas", action="store_true", help="show function cells as LibreOffice computes them (#NAME?: no add-in)"
    )
    p.add_argument("--dpi", type=int, default=DEFAULT_DPI, help=f"resolution (default {DEFAULT_DPI})")
    p.add_argument("--lang", default="en", choices=i18n.LANGS, help="the edition to render (default en)")
    args = p.parse_args(argv)
    try:
        for path in render(args.out_dir, engine_values=not args.formulas, dpi=args.dpi, lang=args.lang):
            print(path)
    except FlopsheetError as e:
        print(f"flopsheet: {e.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
