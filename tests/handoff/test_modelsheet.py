"""The hand-off's Models sheet: written from the catalog, read back by headers, looked up by
LibreOffice with any spelling a user types (handoff/modelsheet.py)."""

import openpyxl
import pytest

from flopsheet import models
from flopsheet.handoff import modelsheet
from engine_batch import recalculate, shared_workbook


def test_key_rows_cover_every_spelling_once():
    keys = dict(modelsheet.key_rows())
    assert keys["deepseekv3"] == "DeepSeek-V3" and keys["llama31405b"] == "Llama 3.1 405B"
    assert set(keys.values()) == set(models.names())


def test_written_sheet_is_found_again():
    wb = openpyxl.Workbook()
    table = modelsheet.ensure_table(wb)
    assert table.sheet == "Models" and table.notes
    again = modelsheet.find_table(wb)
    assert again.sheet == "Models" and again.last_row == 1 + len(models.all_models())
    assert again.key_col == table.key_col


CASES = [("DeepSeek-V3", "total_params"), ("llama-3.1-405b", "training_tokens"), (" Kimi K2 ", "layers")]


@shared_workbook("m.xlsx", engines=("libreoffice",))
def lookups(d):
    """The Models sheet and, on the first sheet, each case's name and its lookup formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    table = modelsheet.ensure_table(wb)
    for r, (name, fld) in enumerate(CASES, start=1):
        ws.cell(r, 1, name)
        ws.cell(r, 2, "=" + modelsheet.lookup(table, f"A{r}", fld, literal=False))
    wb.save(d / "m.xlsx")
    return d / "m.xlsx"


def test_libreoffice_looks_figures_up(lookups, tmp_path, soffice):
    out = openpyxl.load_workbook(recalculate(lookups, tmp_path / "r.xlsx"), data_only=True).active
    for r, (name, fld) in enumerate(CASES, start=1):
        assert out.cell(r, 2).value == pytest.approx(float(models.field(name.strip(), fld)))
