"""Whole counts (GPUS_NEEDED, GPUS_TO_FIT) round up identically in Python and in a spreadsheet,
right at the edges where float noise and the spreadsheet's own snapping live."""

import math

import numpy as np
import openpyxl
import pytest

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet.engine import ceil_whole
from flopsheet.functions.twintext import count_twin


def edge_values():
    values = []
    for n in (1.0, 3.0, 7.0, 12345.0, 388884.0, 398663125.0, 7777777777.0, 1e11):
        for rel in (0, 1e-16, 3e-16, 1e-15, 1e-14, 1e-13, 2e-13, 5e-13, 1e-12, 1.5e-12, 2e-12, 4e-12, 1e-11, 1e-9):
            values += [n * (1 + rel), n * (1 - rel)]
    values += [398663125.00048, 3.0000000000000004, 0.3, 2.5e-7, 1.0000000001]
    # Ties at the 13th significant digit: the rule rounds the shortest decimal half away from
    # zero, as ROUND does in every spreadsheet (issue 10: 216.00000000036 GB on 72 GB is 4 GPUs).
    for n in (1.0, 2.0, 3.0, 7.0, 12.0, 999.0, 12345.0, 388884.0, 7777777777.0):
        e = math.floor(math.log10(n))
        tie = float(f"{n:.0f}" + "." + "0" * (11 - e) + "5") if e < 11 else n + 0.5
        values += [tie, float(np.nextafter(tie, 0)), float(np.nextafter(tie, 10 * tie))]
    rng = np.random.default_rng(10)
    for n in rng.integers(1, 10 ** rng.integers(1, 10, 60), dtype=np.int64):  # ties at random magnitudes
        e = math.floor(math.log10(n))
        tie = float(n) + 5 * 10.0 ** (e - 12)
        below = float(np.nextafter(tie, 0))
        values += [tie, below, float(np.nextafter(below, 0)), float(np.nextafter(tie, 10 * tie))]
    values += [216.00000000036 / 72, 2.5000000000005, 9.999999999995, 99.99999999995, 0.30000000000005]
    return values


def test_ceil_whole_ignores_float_noise_only():
    assert ceil_whole(3.0000000000000004) == 3
    assert ceil_whole(2.9999999999999996) == 3
    assert ceil_whole(4.0000000001) == 5  # a real excess of 1e-10 is a GPU
    assert ceil_whole(0.3) == 1 and ceil_whole(1e-300) == 1
    assert np.array_equal(ceil_whole(np.array([1.5, 2.0, 2.0000000000001])), [2, 2, 2])


def test_the_rule_rounds_ties_half_away_from_zero():
    assert ceil_whole(216.00000000036 / 72) == 4  # 3.000000000005: the 12-digit value is above 3
    assert ceil_whole(3.000000000005) == 4 and ceil_whole(2.0000000000049) == 2
    assert ceil_whole(np.array([3.000000000005, 2.0000000000049])).tolist() == [4, 2]


@shared_workbook("counts.xlsx")
def counts(d):
    """The edge values in column A, the count twin of each beside it."""
    values = edge_values()
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, q in enumerate(values, start=1):
        ws.cell(r, 1, q)
        ws.cell(r, 2, "=" + count_twin(f"A{r}"))
    wb.save(d / "counts.xlsx")
    return d / "counts.xlsx", values


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_twin_rounds_up_as_the_engine(counts, tmp_path, engine, request):
    request.getfixturevalue("soffice" if engine == "libreoffice" else "gnumeric")
    run = recalculate if engine == "libreoffice" else recalculate_gnumeric
    src, values = counts
    got = openpyxl.load_workbook(run(src, tmp_path / "counts-recalc.xlsx"), data_only=True).active
    mismatches = [
        (q, got.cell(r, 2).value, float(ceil_whole(q)))
        for r, q in enumerate(values, start=1)
        if got.cell(r, 2).value != float(ceil_whole(q))
    ]
    assert not mismatches, mismatches[:10]
    # and the edge cases are real: plain ceil would disagree with the engine on some of them
    assert any(math.ceil(q) != ceil_whole(q) for q in values)


def test_scalar_and_array_paths_agree():
    values = edge_values() + [1e-300, 5e-324, 1e300, 1.7e308]
    assert [ceil_whole(float(q)) for q in values] == ceil_whole(np.array(values)).tolist()
