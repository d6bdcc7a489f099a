"""A figure the GPUs sheet lacks (a price, a server power) is never taken for 0 (issue 22): the .xlsm's message says
the price is blank, never "must be > 0 (got 0)"; the copy shows #N/A there, and the column's header says
what #N/A means. Scenarios are typed into the template's first empty Training rows (in its XML), on a GPU
the catalog prices nowhere and on one without a server power (its peak and price typed); the copy is
recalculated by LibreOffice and Gnumeric."""

from __future__ import annotations

import openpyxl
import pytest

from edited_copy import edit_package
from flopsheet import catalog
from flopsheet.handoff.copy import handoff
from flopsheet.template import build_template
from flopsheet.template.build import build_workbook
from flopsheet.template.formula_eval import Evaluator
from flopsheet.template.sheets import training as tr

L = tr.LETTER
# A GPU with a BF16 peak (the default precision) and no catalog price; a GPU without a server power (every
# selectable GPU has one, an estimate at least, so a row without peaks: its peak typed in the override column)
_BF16 = [g for g in catalog.all_gpus() if g.selectable and g.bf16_tflops]
NO_PRICE = next(g.name for g in _BF16 if g.usd_per_gpu_hour is None and g.server_w)
NO_TDP = next(g.name for g in catalog.all_gpus() if g.server_w is None)  # its peak and price typed below
ROWS = {10: NO_PRICE, 11: NO_TDP}


def _inputs() -> dict:
    cells = {}
    for r, gpu in ROWS.items():
        for key, value in (
            ("name", f"70B on {gpu}"),
            ("params", 7e10),
            ("tokens", 1.4e12),
            ("gpu", gpu),
            ("gpus", 1024.0),
        ):
            cells[f"{L[key]}{r}"] = value
    cells[f"{L['usd']}11"] = 2.0
    cells[f"{L['override']}11"] = 300.0
    return cells


def test_the_template_says_the_price_is_blank_not_zero():
    wb, _ = build_workbook()
    for coord, value in _inputs().items():
        wb["Training"][coord] = value  # in memory only: the add-in's evaluation of the edited sheet
    ev = Evaluator(wb)
    price = ev.value("Training", f"{L['usd_used']}10")
    assert price in ("", None)
    cost = str(ev.value("Training", f"{L['cost']}10"))
    assert "blank" in cost and "got 0" not in cost, cost
    assert isinstance(ev.value("Training", f"{L['cost']}11"), float)  # a typed price, no server power: a cost


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    d = tmp_path_factory.mktemp("missing")
    build_template(d / "t.xlsm")
    edited = edit_package(d / "t.xlsm", d / "filled.xlsm", {"Training": _inputs()})
    handoff(edited, d / "copy.xlsx")
    return d / "copy.xlsx"


def _na_cells(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    return wb, [
        (ws.title, c.row, c.column) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == "#N/A"
    ]


@pytest.mark.parametrize("engine", ["recalculate", "recalculate_gnumeric"])
def test_every_na_of_the_copy_says_why_in_its_header(copy, engine, soffice, gnumeric, tmp_path):
    from flopsheet import recalc

    wb, nas = _na_cells(getattr(recalc, engine)(copy, tmp_path / "out.xlsx"))
    assert ("Training", 10, tr.COLUMNS.index(next(c for c in tr.COLUMNS if c.key == "cost")) + 1) in nas
    assert ("Training", 11, tr.COLUMNS.index(next(c for c in tr.COLUMNS if c.key == "energy")) + 1) in nas
    for title, r, c in nas:
        if title == "Workings":  # the quantities behind a cell: labelled in column A
            continue
        ws = wb[title]
        header = str(ws.cell(tr.FIRST_ROW - 1, c).value) if title == "Training" else ""
        assert "#N/A" in header or "#N/A" in str(ws.cell(r, 1).value), (title, ws.cell(r, c).coordinate)
