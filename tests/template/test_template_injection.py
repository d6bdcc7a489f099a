"""Text that looks like a formula stays text: scenario names and notes beginning with = + - @
are stored as strings with Excel's quote prefix, and LibreOffice evaluates none of them."""

import dataclasses

import openpyxl
import pytest

from engine_batch import recalculate, shared_workbook
from flopsheet.template import build_template, set_text
from flopsheet.template.scenarios import TRAINING
from flopsheet.template.sheets.training import LETTER

NOTE = LETTER["note"]  # the notes column (after the inputs and calculations)

HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)", '=HYPERLINK("http://example.invalid","click")', "=2*3 note"]


@shared_workbook("hostile.xlsm", engines=("libreoffice",))
def hostile(d):
    scenarios = [dataclasses.replace(TRAINING[0], name=text, note=f"=NOTE {i}") for i, text in enumerate(HOSTILE)]
    path = d / "hostile.xlsm"
    build_template(path, training_scenarios=scenarios)
    return path


def test_set_text_never_makes_a_formula():
    ws = openpyxl.Workbook().active
    for text in HOSTILE + ["plain", "  =padded"]:
        cell = set_text(ws["A1"], text)
        assert (cell.value, cell.data_type) == (text, "s")
        assert bool(cell.quotePrefix) == text.lstrip().startswith(("=", "+", "-", "@"))
    with pytest.raises(TypeError):
        set_text(ws["A1"], 3.0)


def test_names_and_notes_are_stored_as_text(hostile):
    ws = openpyxl.load_workbook(hostile)["Training"]
    for r, text in enumerate(HOSTILE, start=5):
        name, note = ws[f"A{r}"], ws[f"{NOTE}{r}"]
        assert (name.value, name.data_type, name.quotePrefix) == (text, "s", True)
        assert (note.value, note.data_type, note.quotePrefix) == (f"=NOTE {r - 5}", "s", True)


def test_libreoffice_evaluates_none_of_them(hostile, soffice, tmp_path):
    out = recalculate(hostile, tmp_path / "recalculated.xlsx")
    formulas = openpyxl.load_workbook(out)["Training"]
    values = openpyxl.load_workbook(out, data_only=True)["Training"]
    for r, text in enumerate(HOSTILE, start=5):
        assert formulas[f"A{r}"].data_type == "s" and formulas[f"A{r}"].value == text
        assert values[f"A{r}"].value == text  # not 2, not -2, not a link
        assert values[f"{NOTE}{r}"].value == f"=NOTE {r - 5}"
    # The same file's lookups did compute in LibreOffice: it really recalculated.
    assert values[f"{LETTER['peak']}5"].value == 312
