"""The template's hand-off: recalculated by LibreOffice it holds, in every former function cell,
what the add-in computes; and workbook/flopsheet.xlsx is that hand-off of today's template.

One LibreOffice run: a fresh template is built, handed off with --recalc, and both tests read it
(conftest's template_handed_off, shared with test_excel_opens.py).
"""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path

import openpyxl
import pytest

from flopsheet.functions import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook" / "flopsheet.xlsx"
COMMITTED_COPIES = {"en": COMMITTED, "zh-CN": ROOT / "workbook" / "flopsheet-zh-CN.xlsx"}
REGENERATE = "workbook/flopsheet.xlsx (or -zh-CN.xlsx) is stale: run `python -m tools.regenerate`"
CALLS = re.compile(r"(?<![A-Za-z0-9_.])(" + "|".join(REGISTRY) + r")\(")
EXCEL_ERRORS = {"#N/A", "#VALUE!", "#DIV/0!", "#NUM!"}


def _template_evaluator():
    """tests/template/template_formula_eval.py: the template's own formula evaluator."""
    path = ROOT / "tests" / "template" / "template_formula_eval.py"
    spec = importlib.util.spec_from_file_location("template_formula_eval_for_handoff", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh(template_handed_off, soffice):
    return template_handed_off


@pytest.fixture(scope="module", params=list(COMMITTED_COPIES))
def fresh_copy(request, recalculated_copy, soffice):
    """What `flopsheet template` writes beside the .xlsm: the hand-off of the template built with the
    copy's wording (flopsheet.template.write_copy, with --recalc; conftest's recalculated_copy)."""
    return request.param, recalculated_copy(request.param)


def test_template_copy_holds_what_the_addin_computes(fresh):
    template, out, report = fresh
    ev_module = _template_evaluator()
    original = openpyxl.load_workbook(template)
    computed = openpyxl.load_workbook(out, data_only=True)

    class FromCopy(ev_module.Evaluator):
        """Evaluates an original formula, every cell it reads taken from the recalculated copy."""

        def value(self, sheet, coord):
            v = computed[sheet][coord].value
            if isinstance(v, str) and v in EXCEL_ERRORS:
                return ev_module.NA(v)
            return None if v == "" else v

    ev = FromCopy(original)
    wrong, checked = [], 0
    for ws in original.worksheets:
        if ws.title == "xlwings.conf":
            continue
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if cell.data_type != "f" or not CALLS.search(text or ""):
                    continue
                if text == "=FLOPSHEET_VERSION()":  # the add-in status: the copy says what it is instead
                    assert isinstance(computed[ws.title][cell.coordinate].value, str)
                    continue
                checked += 1
                try:
                    expected = ev.formula(ws.title, text)
                except ArithmeticError as e:  # arithmetic on a function's error text: #VALUE!
                    expected = ev_module.NA(str(e))
                actual = computed[ws.title][cell.coordinate].value
                if not _same(expected, actual):
                    wrong.append(f"{ws.title}!{cell.coordinate} {text}: add-in {expected!r}, copy {actual!r}")
    assert checked >= 100
    assert not wrong, "\n".join(wrong)
    # the Multimodal sheet's calls naming a tokenizer translate to their rules' twins (issue 21), as every
    # other call; the status cell gets the copy's line (not frozen)
    assert report.frozen == [], report.frozen


def _same(expected, actual) -> bool:
    if expected in (None, "") and actual in (None, ""):
        return True
    if isinstance(expected, str):
        is_error = expected.startswith("#") or expected.split(":")[0] in REGISTRY
        if is_error and not (expected.startswith("FLOPSHEET_VERSION")):
            return actual in EXCEL_ERRORS or actual == expected
        return actual == expected
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return False
    return math.isclose(float(actual), float(expected), rel_tol=1e-9)


def _cells(path, data_only):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    out = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = getattr(c.value, "text", c.value)
                if v is not None:
                    out[(ws.title, c.coordinate)] = (v, c.number_format, bool(c.comment))
    return out


def test_committed_handoff_is_current(fresh_copy):
    lang, out = fresh_copy
    committed = COMMITTED_COPIES[lang]
    assert committed.is_file(), REGENERATE
    for data_only in (False, True):  # formulas and constants; then the cached values
        old, new = _cells(committed, data_only), _cells(out, data_only)
        stale = sorted(set(old) ^ set(new), key=str)[:5]
        assert not stale, f"{REGENERATE}; cells differ: {stale}"
        for key in new:
            a, b = old[key], new[key]
            if a != b and not (
                isinstance(a[0], float)
                and isinstance(b[0], float)
                and math.isclose(a[0], b[0], rel_tol=1e-12)
                and a[1:] == b[1:]
            ):
                pytest.fail(f"{REGENERATE}; {key}: committed {a!r}, now {b!r}")


def test_committed_handoff_has_values_and_no_macros():
    import zipfile

    assert COMMITTED.is_file(), REGENERATE
    with zipfile.ZipFile(COMMITTED) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    assert "xl/vbaProject.bin" not in names and "macroEnabled" not in types
    wb = openpyxl.load_workbook(COMMITTED)
    assert "xlwings.conf" not in wb.sheetnames
    formulas = sum(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    with zipfile.ZipFile(COMMITTED) as z:
        sheets = [z.read(n) for n in names if n.startswith("xl/worksheets/sheet")]
    cached = sum(len(re.findall(rb"</f><v>", x)) for x in sheets)
    empty = sum(len(re.findall(rb"</f>(?:<v\s*/>|</c>)", x)) for x in sheets)
    assert formulas > 100 and cached == formulas and not empty, REGENERATE
