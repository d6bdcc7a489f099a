"""A sheet with cells at the far corners of Excel's grid (issue 25, item 7): a few cells, not the
17 billion of their bounding box. The hand-off copies it, both engines compute the call, and
`evaluate` reads the computed values cell by cell instead of as a grid."""

from __future__ import annotations

import math

import pytest
import xlsxwriter

from flopsheet.functions import REGISTRY as F
from flopsheet.handoff import values
from flopsheet.handoff.copy import handoff
import engine_batch
from engine_batch import shared_workbook


def _corners(path):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 3.15e23)
    ws.write_string("XFD1", "far right")
    ws.write_string("A1048576", "far down")
    ws.write_formula("XFD1048576", '=GPU_DAYS(A1,"H100",0.4)')
    wb.close()


@shared_workbook("copy.xlsx")
def corners(d):
    """The corner cells' workbook and its copy (copy.xlsx), recalculated in the session batch."""
    src, dst = d / "corners.xlsx", d / "copy.xlsx"
    _corners(src)
    return dst, handoff(src, dst)


def test_corner_cells_hand_off_and_compute(corners, tmp_path, soffice):
    dst, report = corners
    computed = tmp_path / "computed.xlsx"
    assert report.translated == 1
    engine_batch.recalculate(dst, computed)
    got = values.read(computed)["Calc"]  # the grid would be 17,179,869,184 cells
    v = got.get(1_048_576, 16_384)
    assert math.isclose(v, F["GPU_DAYS"](3.15e23, "H100", 0.4), rel_tol=1e-9)
    assert got.get(1, 16_384) == "far right"


def test_corner_cells_in_gnumeric(corners, tmp_path, gnumeric):
    dst, _ = corners
    computed = tmp_path / "computed.xlsx"
    engine_batch.recalculate_gnumeric(dst, computed)
    got = values.read_cached(computed)["Calc"]
    v = got.get(1_048_576, 16_384)
    if v is None:
        pytest.skip("Gnumeric's grid stops short of Excel's last row and column")
    assert math.isclose(v, F["GPU_DAYS"](3.15e23, "H100", 0.4), rel_tol=1e-9)
