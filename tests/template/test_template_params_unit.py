"""Issue 10: the Training sheet's params column cannot silently make a 70-parameter model: its
header carries the unit (the count itself, 70B = 7E+10), its data validation refuses a number
below 1E+6 with what to type, and TRAIN_FLOPS refuses one too. GPU counts are whole."""

from pathlib import Path

import openpyxl

from flopsheet.errors import FlopsheetError
from flopsheet.functions import TRAIN_FLOPS

WORKBOOK = Path(__file__).resolve().parents[2] / "workbook" / "flopsheet.xlsx"


def _validation(ws, column_letter):
    return [
        dv
        for dv in ws.data_validations.dataValidation
        if any(str(r).startswith(column_letter) for r in dv.sqref.ranges)
    ]


def test_params_column_names_its_unit_and_validates_a_plausible_size():
    ws = openpyxl.load_workbook(WORKBOOK)["Training"]  # read only: the committed, generated template
    header = next(
        c for row in ws.iter_rows(max_row=10) for c in row if isinstance(c.value, str) and c.value.startswith("Params")
    )
    assert "7E+10" in header.value and ", B)" not in header.value
    (dv,) = _validation(ws, header.column_letter)
    assert dv.type == "decimal" and float(dv.formula1) >= 999999 and "7E+10" in dv.error
    try:
        TRAIN_FLOPS(70, "1.4T")
    except FlopsheetError as e:
        assert "type 70B or 7E+10" in e.message
    else:
        raise AssertionError("TRAIN_FLOPS(70, ...) computed a 70-parameter model")


def test_gpu_count_column_takes_whole_numbers():
    ws = openpyxl.load_workbook(WORKBOOK)["Training"]
    header = next(
        c
        for row in ws.iter_rows(max_row=10)
        for c in row
        if isinstance(c.value, str) and c.value.strip().lower().startswith("gpus")
    )
    (dv,) = _validation(ws, header.column_letter)
    assert dv.type == "whole"


def test_tokens_column_keeps_the_units_guard_that_the_function_dropped():
    """Issue 23: TRAIN_FLOPS takes a few tokens (FLOPs per token), so the template's tokens cells
    carry the guard: below 1E+6 is refused there with what to type. The price column takes a
    plausible $/GPU-hour."""
    ws = openpyxl.load_workbook(WORKBOOK)["Training"]
    header = next(
        c
        for row in ws.iter_rows(max_row=10)
        for c in row
        if isinstance(c.value, str) and c.value.startswith("Training tokens")
    )
    (dv,) = _validation(ws, header.column_letter)
    assert dv.type == "decimal" and float(dv.formula1) >= 999999 and "3E+11" in dv.error
    assert TRAIN_FLOPS("70B", 1) == 6 * 70e9
    header = next(
        c
        for row in ws.iter_rows(max_row=10)
        for c in row
        if isinstance(c.value, str) and c.value.startswith("$/GPU-hour")
    )
    (dv,) = _validation(ws, header.column_letter)
    assert (float(dv.formula1), float(dv.formula2)) == (0.01, 100.0) and "type 2.5" in dv.error
