"""The harness the twin-vs-engine test modules share (test_twins_engines.py: issue 10's edges;
test_model_twins_engines.py: model names). Each module writes its cases in one workbook's "Cases"
sheet, a row a case: the arguments in cells (arguments_in_row) and the twin formula in one column.
Here that sheet, recalculated by LibreOffice and by Gnumeric, is compared with what Python returns:
the same number (relative 1e-9), the same text, and #N/A exactly where Python returns an error
(never a number, never #VALUE! in one engine and #N/A in the other)."""

from __future__ import annotations

import math

import openpyxl

from engine_batch import recalculate, recalculate_gnumeric
from flopsheet.handoff.twins import Expr

BLANK = object()  # an empty input cell
SHEET = "Cases"


def cases_workbook():
    """A new workbook and its "Cases" sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    return wb, ws


def arguments_in_row(ws, r: int, args: tuple, literal_at: int | None = None) -> list[Expr]:
    """Row r's arguments typed in columns A, B... (a BLANK one left empty), as the references a twin
    reads; the argument at 1-based position `literal_at`, if any, typed in the formula instead."""
    exprs = []
    for c, a in enumerate(args, start=1):
        if c == literal_at:
            exprs.append(Expr("literal", f'"{a}"', a))
            continue
        if a is not BLANK:
            ws.cell(r, c, a)
        exprs.append(Expr("ref", ws.cell(r, c).coordinate))
    return exprs


def mismatches(path, rows, column: int, sheet: str = SHEET) -> list[str]:
    """The rows whose recalculated twin (in `column` of `sheet` of the workbook at `path`) differs from Python's
    value; rows are (row, function, arguments, Python's value or None for an error)."""
    got = openpyxl.load_workbook(path, data_only=True)[sheet]
    wrong = []
    for r, name, args, expected in rows:
        v = got.cell(r, column).value
        if expected is None:
            ok = v == "#N/A"
        elif isinstance(expected, str):
            ok = v == expected
        else:
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isclose(v, expected, rel_tol=1e-9)
        if not ok:
            wrong.append(f"row {r} {name}{args!r}: Python {expected!r}, engine {v!r}")
    return wrong


def engine_tests(column: int):
    """The two engine tests of a module whose `workbook` fixture returns (folder, cases.xlsx, rows),
    its twins in `column`: one LibreOffice run and one Gnumeric run for the whole module (shared with
    other modules' workbooks when `workbook` is an engine_batch.shared_workbook("cases.xlsx")). Bind
    them in the module under these names so pytest collects them there, with its `workbook`."""

    def test_libreoffice_shows_what_python_returns(workbook, soffice):
        d, src, rows = workbook
        wrong = mismatches(recalculate(src, d / "libreoffice.xlsx"), rows, column)
        assert not wrong, "\n".join(wrong)

    def test_gnumeric_shows_what_python_returns(workbook, gnumeric):
        d, src, rows = workbook
        wrong = mismatches(recalculate_gnumeric(src, d / "gnumeric.xlsx"), rows, column)
        assert not wrong, "\n".join(wrong)

    return test_libreoffice_shows_what_python_returns, test_gnumeric_shows_what_python_returns
