"""Issue 14, item 4: one place to edit a price. The GPUs sheet's $/GPU-hour column shows the
Economics sheet's price table (formulas), so editing a rental price there moves the GPUs sheet,
the Training sheet's cost and the Economics sheet's rented-training column alike: in the add-in
template (evaluated through the registry) and in the hand-off copy (LibreOffice and Gnumeric)."""

from __future__ import annotations

import openpyxl
import pytest

from edited_copy import template_and_edited_copy
from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet.template.formula_eval import Evaluator
from flopsheet.template.sheets import training as tr

LABEL = "H100 SXM: rental default (Spheron)"  # the catalog's H100 SXM price row
NEW_PRICE = 7.0


def _edit(wb) -> None:
    econ = wb["Economics"]
    row = next(c.row for c in econ["A"] if c.value == LABEL)
    econ[f"B{row}"] = NEW_PRICE


def _h100_rows(wb):
    gpus = wb["GPUs"]
    keys = {c.value: c.column_letter for c in gpus[5] if c.value}
    g_row = next(c.row for c in gpus["A"] if c.value == "H100 SXM")
    t_rows = [c.row for c in wb["Training"][tr.LETTER["gpu"]] if c.value == "H100 SXM"]
    return f"{keys['usd_per_gpu_hour']}{g_row}", t_rows


@shared_workbook("edited.xlsx")
def files(d):
    xlsm, _, edited = template_and_edited_copy(d, _edit)
    return xlsm, edited


def test_the_gpus_price_column_is_the_price_table():
    from flopsheet.template import build_workbook

    wb, _ = build_workbook()
    cell, _ = _h100_rows(wb)
    assert wb["GPUs"][cell].value.startswith("=Economics!$B$")  # a formula, not a second copy of the price


def _check(value, cell, t_rows):
    assert value("GPUs", cell) == pytest.approx(NEW_PRICE)
    assert t_rows, "a shipped scenario trains on H100 SXM"
    econ_rented = []
    for r in t_rows:
        assert value("Training", f"{tr.LETTER['usd_used']}{r}") == pytest.approx(NEW_PRICE)
        econ_rented.append(value("Training", f"{tr.LETTER['cost']}{r}"))
    return econ_rented


def test_the_template_follows_a_price_edit(files):
    xlsm, _ = files
    wb = openpyxl.load_workbook(xlsm)
    cell, t_rows = _h100_rows(wb)
    before = Evaluator(wb)
    old = [before.value("Training", f"{tr.LETTER['cost']}{r}") for r in t_rows]
    _edit(wb)
    ev = Evaluator(wb)
    new = _check(ev.value, cell, t_rows)
    old_price = before.value("GPUs", cell)
    assert old_price != NEW_PRICE
    for o, n in zip(old, new):
        assert n == pytest.approx(o * NEW_PRICE / old_price, rel=1e-9)
    # the Economics sheet's rented-training column (section 4) shows the moved Training cost
    rented = [
        ev.value("Economics", f"B{c.row}")
        for c in wb["Economics"]["A"]
        if isinstance(c.value, str) and "Training" in c.value and c.value.startswith("=")
    ]
    for n in new:
        assert any(v == pytest.approx(n, rel=1e-9) for v in rented)


@pytest.mark.parametrize("engine", ["soffice", "gnumeric"])
def test_the_copy_follows_a_price_edit(files, engine, request, tmp_path):
    request.getfixturevalue(engine)
    _, edited = files
    run = recalculate if engine == "soffice" else recalculate_gnumeric
    out = openpyxl.load_workbook(run(edited, tmp_path / "out.xlsx"), data_only=True)
    cell, t_rows = _h100_rows(openpyxl.load_workbook(edited))
    new = _check(lambda sheet, coord: out[sheet][coord].value, cell, t_rows)
    econ_b = [out["Economics"][f"B{r}"].value for r in range(1, out["Economics"].max_row + 1)]
    for n in new:  # the Economics sheet's rented column shows the moved Training cost
        assert any(isinstance(v, (int, float)) and v == pytest.approx(n, rel=1e-9) for v in econ_b)
