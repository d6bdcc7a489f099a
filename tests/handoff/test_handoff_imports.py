"""A workbook without flopsheet calls is handed off as a zip copy: the command loads neither
openpyxl nor numpy, nor the translator, the twins, the function registry or the template
builder (together they cost more than such a copy's work). A workbook with one call loads
them, so the check can fail. This bounds what is loaded, not seconds: the modules are read
from `python -X importtime`, which lists every module a process imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

# What only translating needs: a module is unwanted when its name is one of these or under one.
HEAVY = (
    "openpyxl",
    "numpy",
    "flopsheet.functions",
    "flopsheet.engine",
    "flopsheet.template",
    "flopsheet.handoff.translate",
    "flopsheet.handoff.twins",
    "flopsheet.handoff.formulacells",
)


def _imported(*args: str) -> set[str]:
    """Every module `python -m flopsheet ARGS` imports (it must succeed)."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flopsheet", *args], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    names = set()
    for line in r.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                names.add(name)
    assert "flopsheet.handoff.copy" in names  # the listing is real
    return names


def _heavy(names: set[str]) -> set[str]:
    return {n for n in names if any(n == h or n.startswith(h + ".") for h in HEAVY)}


def _workbook(path, formulas: dict, names: dict | None = None):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"use_future_functions": True})
    ws = wb.add_worksheet("Data")
    for i in range(1, 4):
        ws.write_number(f"A{i}", i * 1e22)
        ws.write_string(f"B{i}", "H100")
    ws.write_string("D1", "=TRAIN_FLOPS(1,2) as text is not a call")
    for cell, formula in formulas.items():
        ws.write_formula(cell, formula)
    for name, ref in (names or {}).items():
        wb.define_name(name, ref)
    wb.close()
    return path


# Formulas that look like calls to a pattern that is not exact: a longer name ending in a
# function's name, an underscore-prefixed future function, a name without its parenthesis.
NO_CALLS = {
    "C1": "=SUM(A1:A3)",
    "C2": "=MY_GPU_DAYS(A1)",
    "C3": "=STDEV.S(A1:A3)",
    "C4": '=IF(B1="GPU_DAYS",1,2)',
    "C5": "=XLOOKUP(B1,B1:B3,A1:A3)",
}


def test_a_workbook_without_calls_loads_no_translator(tmp_path):
    src = _workbook(tmp_path / "plain.xlsx", NO_CALLS, {"Total": "=Data!$A$1+Data!$A$2"})
    names = _imported("handoff", str(src), "-o", str(tmp_path / "copy.xlsx"))
    assert _heavy(names) == set()
    assert (tmp_path / "copy.xlsx").stat().st_size > 0


@pytest.mark.parametrize(
    "formulas, names",
    [
        ({**NO_CALLS, "E1": '=GPU_DAYS(A1,"H100",0.4)'}, None),
        ({"E1": '=gpu_days(A1,"H100",0.4)'}, None),  # any case Excel accepts
        (NO_CALLS, {"Days": '=GPU_DAYS(Data!$A$1,"H100",0.4)'}),  # a call in a defined name only
    ],
    ids=["cell", "lower-case", "defined-name"],
)
def test_a_workbook_with_a_call_loads_the_translator(tmp_path, formulas, names):
    src = _workbook(tmp_path / "calls.xlsx", formulas, names)
    loaded = _imported("handoff", str(src), "-o", str(tmp_path / "copy.xlsx"))
    assert {"numpy", "flopsheet.functions", "flopsheet.handoff.translate"} <= _heavy(loaded)
