"""The template's Models sheet: one row per catalog model, the catalog's fields as columns (units
in the headers, a reason beside every unpublished figure), findable by the hand-off, and looked
up by Inference by name, including models a user adds below the table."""

import openpyxl
import pytest
from template_formula_eval import Evaluator

from flopsheet import models
from flopsheet.handoff import modelsheet
from flopsheet.template import build_template
from flopsheet.template.sheets import models as sheet


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "flopsheet.xlsm"
    build_template(path)
    return openpyxl.load_workbook(path)


def _cols(ws):
    return {c.value: c.column for c in ws[sheet.KEY_ROW] if c.value}


def test_one_row_per_model_every_field_a_column(saved):
    ws = saved["Models"]
    cols = _cols(ws)
    assert set(models.FIELDS) <= set(cols) and "name" in cols and "missing" in cols
    rows = {
        ws.cell(r, cols["name"]).value: r
        for r in range(sheet.FIRST_ROW, ws.max_row + 1)
        if ws.cell(r, cols["name"]).value is not None
    }  # (the hidden key columns run further down)
    assert list(rows) == models.names()
    for m in models.all_models():
        for f in models.FIELDS:
            value = ws.cell(rows[m.name], cols[f]).value
            assert value == (None if getattr(m, f) in (None, "") else getattr(m, f)), (m.name, f)
    headers = {k: ws.cell(sheet.HEADER_ROW, c).value for k, c in cols.items()}
    assert (
        headers["total_params"] == "Total (parameters)"
        and headers["gpu_hours"].endswith("(accelerator-hours)")
        and headers["context"].endswith("(tokens)")
    )
    assert "GPT-3" in ws.cell(sheet.FIRST_ROW, cols["name"]).value


def test_every_unpublished_figure_says_why(saved):
    ws = saved["Models"]
    cols = _cols(ws)
    for r, m in enumerate(models.all_models(), start=sheet.FIRST_ROW):
        reason = ws.cell(r, cols["missing"]).value or ""
        for f in (*m.not_published, *m.unconfirmed):
            assert ws.cell(r, cols[f]).value is None and f in reason, (m.name, f)
    gpt3 = ws.cell(sheet.FIRST_ROW, cols["missing"]).value
    assert gpt3.startswith("not published by the developer") and "gpu_hours" in gpt3


def test_the_hand_off_finds_the_template_table(saved):
    table = modelsheet.find_table(saved)
    assert table is not None and table.sheet == "Models" and table.header_row == sheet.KEY_ROW
    assert table.last_row == sheet.FIRST_ROW + len(models.all_models()) - 1


def test_edits_and_added_models_flow_into_inference(saved):
    """Inference's Models-sheet lookups follow an edited figure and a model added below the table."""
    wb = saved
    ws, inf = wb["Models"], wb["Inference"]
    cols = {k: openpyxl.utils.get_column_letter(c) for k, c in _cols(ws).items()}
    ds = next(c.row for c in ws["A"] if c.value == "DeepSeek-V3")
    ws[f"{cols['experts']}{ds}"] = 512
    new = next(c.row for c in ws["A"][sheet.FIRST_ROW :] if c.value is None)  # first empty row under the table
    ws[f"A{new}"], ws[f"{cols['total_params']}{new}"], ws[f"{cols['active_params']}{new}"] = "Acme MoE", 2e12, 5e10
    label = {}
    for c in inf["A"]:  # the first row of each label: DeepSeek-V3's block comes before Kimi K2's
        if isinstance(c.value, str):
            label.setdefault(c.value, c.row)
    model_cell = {r: inf[f"B{r}"] for r in range(1, inf.max_row + 1) if inf[f"B{r}"].value == "DeepSeek-V3"}
    ev = Evaluator(wb)
    assert ev.value("Inference", f"B{label['Routed experts (Models sheet)']}") == 512
    (row,) = model_cell
    inf[f"B{row}"] = "Acme MoE"
    ev = Evaluator(wb)
    assert ev.value("Inference", f"B{label['Total parameters (Models sheet)']}") == 2e12
    assert ev.value("Inference", f"B{label['Active parameters per token (Models sheet)']}") == 5e10


def test_hidden_key_columns_map_every_spelling(saved):
    """The hand-off's twins resolve a typed alias ("deepseek v3") through these, as models.resolve does."""
    ws = saved["Models"]
    cols = _cols(ws)
    k, n = cols[modelsheet.KEY], cols[modelsheet.KEY_NAME]
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(k)].hidden
    pairs = [
        (ws.cell(r, k).value, ws.cell(r, n).value)
        for r in range(sheet.FIRST_ROW, ws.max_row + 1)
        if ws.cell(r, k).value is not None
    ]
    assert pairs == modelsheet.key_rows() and ("deepseekv3", "DeepSeek-V3") in pairs
