"""The hand-off copy of a workbook calling every function, recalculated by LibreOffice, holds in
every former function cell what the Python function returns for the same inputs (one
LibreOffice run for the whole module)."""

from __future__ import annotations

import math
import re

import openpyxl
import pytest
from handoff_cases import PORTABLE, Err, build

from flopsheet.functions import REGISTRY
from flopsheet.handoff.copy import handoff
from flopsheet.recalc import recalculate_gnumeric

EXCEL_ERRORS = {"#N/A"}  # every error Python returns is #N/A in every engine (not #NAME?, #REF!, #VALUE!)
ALLOWED = PORTABLE | {"SUM"}  # what the twins emit, plus what the fixture itself wraps calls in


@pytest.fixture(scope="module")
def fixture(tmp_path_factory, soffice):
    d = tmp_path_factory.mktemp("handoff-fixture")
    src, out = d / "fixture.xlsx", d / "handoff.xlsx"
    cases = build(src)
    report = handoff(src, out, recalc=True)
    return cases, report, out


def _reader(path):
    wb = openpyxl.load_workbook(path, data_only=True)

    def get(ref: str):
        sheet, cell = ref.split("!")
        v = wb[sheet][cell].value
        return None if v == "" else v

    return wb, get


def _matches(expected, actual) -> bool:
    if isinstance(expected, Err):
        # Python returned an error text: the copy shows an Excel error, or (frozen) that text
        return actual in EXCEL_ERRORS or (
            isinstance(actual, str) and ":" in actual and actual == actual.strip() and actual.split(":")[0] in REGISTRY
        )
    if isinstance(expected, str):
        return actual == expected
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return False
    return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=0)


def test_every_function_is_called_every_way(fixture):
    cases, _, _ = fixture
    called = set().union(*(c.functions for c in cases))
    assert called == set(REGISTRY)
    assert {c.sheet for c in cases} == {"Calls", "Spill", "Nested"}
    assert any(c.array for c in cases) and any(c.rows > 1 and not c.array for c in cases)


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_former_function_cells_hold_what_python_returns(fixture, engine, request, tmp_path):
    """LibreOffice's values are the copy's cached ones; Gnumeric recalculates the same copy."""
    cases, _, out = fixture
    if engine == "gnumeric":
        request.getfixturevalue("gnumeric")
        out = recalculate_gnumeric(out, tmp_path / "gnumeric.xlsx")
    wb, get = _reader(out)
    wrong, checked, errors = [], 0, 0
    for case in cases:
        expected = case.expect(get)
        ws = wb[case.sheet]
        col = re.match(r"[A-Z]+", case.cell).group(0)
        row = int(case.cell[len(col) :])
        if case.rows == 1:
            pairs = [(case.cell, expected, ws[case.cell].value)]
        else:
            pairs = [(f"{col}{row + k}", e, ws[f"{col}{row + k}"].value) for k, e in enumerate(expected)]
        for cell, e, a in pairs:
            checked += 1
            errors += isinstance(e, Err)
            if not _matches(e, a):
                wrong.append(f"{case.sheet}!{cell} {case.formula}: Python {e!r}, copy {a!r}")
    print(f"{checked} former function cells checked, {errors} of them errors in Python")
    assert not wrong, "\n".join(wrong)
    assert errors >= 10  # the rejected inputs are really exercised


def test_no_flopsheet_call_survives_and_only_portable_functions(fixture):
    _, report, out = fixture
    wb = openpyxl.load_workbook(out)
    names = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
    used = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                text = getattr(v, "text", v)
                if c.data_type == "f" and isinstance(text, str):
                    stripped = re.sub(r'"(?:[^"]|"")*"', '""', text)
                    used |= {n.upper() for n in names.findall(stripped)}
    assert not used & set(REGISTRY), used & set(REGISTRY)
    assert used <= ALLOWED, used - ALLOWED
    assert report.translated > 100 and len(report.frozen) >= 4


def test_frozen_cells_say_why(fixture):
    _, report, out = fixture
    wb = openpyxl.load_workbook(out)
    for sheet, cell, why in report.frozen:
        comment = wb[sheet][cell].comment
        assert comment is not None and why in comment.text, (sheet, cell)
    assert {"FLOPSHEET_VERSION", "GPU_NAMES"} <= {w.split("(")[0] for _, _, w in report.frozen}


def test_text_magnitudes_became_numbers_that_still_read_as_typed(fixture):
    _, report, out = fixture
    wb = openpyxl.load_workbook(out)
    cell = wb["Vals"]["B1"]  # typed "175B", read by TRAIN_FLOPS
    assert cell.value == 175e9 and cell.number_format == '0,,,"B"'
    assert wb["Vals"]["B8"].value == pytest.approx(0.462) and wb["Vals"]["B8"].number_format == "0.0%"
    assert wb["Vals"]["B3"].value == "nvidia h100"  # a GPU name stays text
    assert report.converted >= 10


def test_gpus_sheet_added_with_catalog_headers(fixture):
    from flopsheet import catalog

    _, _, out = fixture
    ws = openpyxl.load_workbook(out)["GPUs"]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "name" and set(catalog.FIELDS) <= set(headers)
    assert [ws.cell(r, 1).value for r in range(2, 2 + len(catalog.all_gpus()))] == [g.name for g in catalog.all_gpus()]
