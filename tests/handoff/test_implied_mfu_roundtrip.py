"""Issue 20's IMPLIED_MFU trap, closed: IMPLIED_MFU is the MFU at a goodput (GPU_HOURS' default 0.85
unless typed), so fed back to GPU_HOURS as `mfu` with the same goodput it gives back the GPU-hours it
came from, instead of applying goodput twice (hours / 0.85). Checked in Python and in the
hand-off's native twins, recalculated by LibreOffice and by Gnumeric: the GPU_HOURS twin reads the
IMPLIED_MFU twin's cell."""

from __future__ import annotations

import math

import openpyxl
import pytest
from twin_cases import BLANK, arguments_in_row, cases_workbook

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet import functions as F
from flopsheet.functions import REGISTRY
from flopsheet.handoff.gpusheet import ensure_table
from flopsheet.handoff.twins import Expr, render

# (flops, published GPU-hours, gpu, precision, goodput): Llama 3.1 405B, DeepSeek-V3 in FP8, BLOOM, PaLM
RUNS = [
    (3.8e25, 30.84e6, "H100", BLANK, BLANK),
    (3.285e24, 2.788e6, "H800", "fp8", BLANK),
    (3.285e24, 2.788e6, "H800", "fp8", 0.9),
    (6 * 176e9 * 366e9, 1.08e6, "A100", "bf16", 1.0),
    (2.527e24, 8.4e6, "TPU v4", BLANK, 0.66),
]
MFU_COL, HOURS_COL = 7, 8  # G: IMPLIED_MFU's twin; H: GPU_HOURS' twin reading G


def _py(x):
    return None if x is BLANK else x


def test_python_round_trip_gives_the_hours_back():
    for flops, hours, gpu, precision, goodput in RUNS:
        p, g = _py(precision), _py(goodput)
        mfu = F.IMPLIED_MFU(flops, hours, gpu, p, g)
        assert F.GPU_HOURS(flops, gpu, mfu, p, g) == pytest.approx(hours, rel=1e-12)
    # the default goodput is GPU_HOURS': Llama 3.1 405B's implied MFU is within the 38-43% Meta reports,
    # and its whole-run utilisation (goodput 1) is the 0.346 the engine docstring derives
    assert 0.38 <= F.IMPLIED_MFU(3.8e25, 30.84e6, "H100") <= 0.43
    assert F.IMPLIED_MFU(3.8e25, 30.84e6, "H100", "bf16", 1) == pytest.approx(0.346, abs=0.001)


def test_the_trap_is_what_it_was():
    """Fed back with a different goodput than it was implied at, the hours are off by that ratio: the
    argument is what closes the trap, so a test of the round trip can fail."""
    mfu = F.IMPLIED_MFU(3.8e25, 30.84e6, "H100", "bf16", 1)
    assert F.GPU_HOURS(3.8e25, "H100", mfu) == pytest.approx(30.84e6 / 0.85)


@shared_workbook("roundtrip.xlsx")
def workbook(d):
    wb, ws = cases_workbook()
    table = ensure_table(wb)
    for r, (flops, hours, gpu, precision, goodput) in enumerate(RUNS, start=1):
        a = arguments_in_row(ws, r, (flops, hours, gpu, precision, goodput))  # A..E
        ws.cell(r, MFU_COL, "=" + render(REGISTRY["IMPLIED_MFU"], a, table))
        mfu = Expr("ref", ws.cell(r, MFU_COL).coordinate)
        ws.cell(r, HOURS_COL, "=" + render(REGISTRY["GPU_HOURS"], [a[0], a[2], mfu, a[3], a[4]], table))
    src = d / "roundtrip.xlsx"
    wb.save(src)
    return d, src


def _check(path):
    ws = openpyxl.load_workbook(path, data_only=True).active
    wrong = []
    for r, (flops, hours, gpu, precision, goodput) in enumerate(RUNS, start=1):
        mfu, back = ws.cell(r, MFU_COL).value, ws.cell(r, HOURS_COL).value
        want = F.IMPLIED_MFU(flops, hours, gpu, _py(precision), _py(goodput))
        if not (isinstance(mfu, float) and math.isclose(mfu, want, rel_tol=1e-9)):
            wrong.append(f"row {r}: IMPLIED_MFU {mfu!r}, Python {want!r}")
        if not (isinstance(back, (int, float)) and math.isclose(back, hours, rel_tol=1e-9)):
            wrong.append(f"row {r}: GPU_HOURS(IMPLIED_MFU) {back!r}, published {hours!r}")
    return wrong


def test_libreoffice_round_trip(workbook, soffice):
    d, src = workbook
    assert not (wrong := _check(recalculate(src, d / "libreoffice.xlsx"))), "\n".join(wrong)


def test_gnumeric_round_trip(workbook, gnumeric):
    d, src = workbook
    assert not (wrong := _check(recalculate_gnumeric(src, d / "gnumeric.xlsx"))), "\n".join(wrong)
