"""Huge ranges: a whole Excel column (1,048,576 rows) through the face, bad cells scattered in it."""

import numpy as np
import pytest

from flopsheet import udfs
from flopsheet.engine import DEFAULT_GOODPUT

EXCEL_ROWS = 1_048_576


def test_whole_column_with_scattered_bad_cells():
    flops = np.linspace(1e20, 1e24, EXCEL_ROWS).reshape(-1, 1).tolist()
    bad = {7: "#N/A", 500_000: -1.0, EXCEL_ROWS - 1: None, 123_456: "12 parsecs", 654_321: float("nan")}
    for i, v in bad.items():
        flops[i][0] = v
    out = udfs.GPU_DAYS(flops, "H100", 0.4)
    assert isinstance(out, list) and len(out) == EXCEL_ROWS and all(len(r) == 1 for r in out[:10])
    for i in bad:
        cell = out[i][0]
        assert isinstance(cell, str) and cell.startswith("GPU_DAYS: flops"), (i, cell)
    good = [r[0] for i, r in enumerate(out) if i not in bad]
    assert all(isinstance(v, float) and v > 0 for v in good)
    assert out[0][0] == pytest.approx(1e20 / (989.5e12 * 0.4 * DEFAULT_GOODPUT * 86400))


def test_huge_ranges_of_different_shapes_are_one_line():
    col = [[1e23]] * EXCEL_ROWS
    other = [[0.4]] * (EXCEL_ROWS - 1)
    out = udfs.GPU_DAYS(col, "H100", other)
    assert isinstance(out, str) and out.startswith("GPU_DAYS:") and "\n" not in out and "shapes" in out
