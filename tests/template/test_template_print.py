"""Print setup of both editions and of their hand-off copies (issue 22): every sheet has a print area, fits
the page width (landscape where wide), repeats its table's header row; the copy's Workings sheet prints its
heading only (it says how to print the rest). Printed to PDF by LibreOffice, the copy stays within 25 pages
(it was 63, 51 of them Workings) and every sheet starts its own page."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from flopsheet.handoff.workings import PRINT_AREA, PRINT_TITLES
from flopsheet.template import build_template, write_copy
from flopsheet.template.base import CONF_SHEET
from flopsheet.template.build import build_workbook
from flopsheet.template.i18n import LANGS
from tools.render import first_pages

MAX_PAGES = 25
TABLES = {"GPUs", "Models", "Training", "Seed check"}  # sheets whose table runs down: header repeated


def _area(ws) -> str:
    area = ws.print_area
    return (area[0] if isinstance(area, list) else area or "").split("!")[-1].replace("$", "")


def _columns(area: str) -> int:
    from openpyxl.utils.cell import range_boundaries

    c1, _, c2, _ = range_boundaries(area)
    return c2 - c1 + 1


def _check_page_setup(wb) -> None:
    for ws in wb.worksheets:
        area = _area(ws)
        # xlwings.conf: its dozen rows on one page, no print area (a name into it would dangle in the copy)
        assert area or ws.title == CONF_SHEET, f"{ws.title}: no print area"
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(setup.fitToWidth) == 1, ws.title
        assert int(setup.fitToHeight or 0) == (1 if ws.title == CONF_SHEET else 0), ws.title  # pages down: as needed
        if area and _columns(area) > 4:
            assert setup.orientation == "landscape", f"{ws.title} is {_columns(area)} columns wide"
        if ws.title in TABLES:
            assert ws.print_title_rows, f"{ws.title}: its header row does not repeat on each page"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", ["addin", "copy"])
def test_every_sheet_of_both_editions_has_its_page_setup(lang, audience):
    wb, _ = build_workbook(lang=lang, audience=audience)
    _check_page_setup(wb)


@pytest.fixture(scope="module", params=LANGS)
def copy(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"print-{request.param}") / "flopsheet.xlsx"
    write_copy(out, lang=request.param)
    return out


def test_the_copys_workings_prints_its_heading_only(copy):
    wb = openpyxl.load_workbook(copy)
    _check_page_setup(wb)
    ws = wb["Workings"]
    assert _area(ws) == PRINT_AREA.replace("$", "")
    assert ws.print_title_rows.replace("$", "") == PRINT_TITLES.replace("$", "")
    assert ws.page_setup.orientation == "landscape"
    assert "Print Area" in ws["A3"].value or "打印区域" in ws["A3"].value
    start = "".join(v for row in wb["Start"].iter_rows(values_only=True) for v in row if isinstance(v, str))
    assert "Workings" in start and ("Clear Print Area" in start or "取消打印区域" in start)  # the Start page says how


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(info.split("Pages:")[1].split()[0])


@pytest.fixture(scope="session")
def pdfinfo():
    import os

    if shutil.which("pdfinfo") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdfinfo (poppler-utils) is missing")
        pytest.skip("needs pdfinfo (poppler-utils)")


def test_the_copy_prints_within_25_pages_each_sheet_on_its_own(copy, soffice, pdfinfo, tmp_path):
    from flopsheet.recalc import to_pdf

    pdf = to_pdf(copy, tmp_path)
    pages = _pages(pdf)
    print(f"\n{copy.parent.name}: the copy prints as {pages} pages")
    assert pages <= MAX_PAGES
    wb = openpyxl.load_workbook(copy, read_only=True)
    titles = {ws.title: next(ws.iter_rows(max_row=1, max_col=1, values_only=True))[0] for ws in wb.worksheets}
    starts = first_pages(pdf, titles)
    assert set(starts) == set(titles), set(titles) - set(starts)
    assert sorted(starts.values()) == [starts[t] for t in titles]  # in the workbook's order


def test_the_template_prints_within_25_pages(soffice, pdfinfo, tmp_path):
    from flopsheet.recalc import to_pdf

    xlsm = tmp_path / "flopsheet.xlsm"
    build_template(xlsm)
    pages = _pages(to_pdf(xlsm, tmp_path))
    print(f"\nthe template prints as {pages} pages")
    assert pages <= MAX_PAGES
