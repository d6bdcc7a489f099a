"""CLUSTER_CAPEX over ranges: each distinct GPU cell is resolved, and its purchase price looked
up, once per call, not once per row (found by the benchmark: 100k rows with a blank price took
~0.9 s). Work is bounded by counting look-ups, never by timing; every row still gets what the
scalar call gives it, and a bad row errs alone."""

from __future__ import annotations

import numpy as np
import pytest

from flopsheet import udfs
from flopsheet.catalog import prices
from flopsheet.functions import REGISTRY as F
from flopsheet.functions import economics

N = 3000


@pytest.fixture
def counted(monkeypatch):
    calls = {"gpu": 0, "price": 0}
    real_name, real_price = economics._gpu_name, prices.price

    def gpu_name(g):
        calls["gpu"] += 1
        return real_name(g)

    def price(g, kind):
        calls["price"] += 1
        return real_price(g, kind)

    monkeypatch.setattr(economics, "_gpu_name", gpu_name)
    monkeypatch.setattr(prices, "price", price)
    return calls


def test_a_blank_price_column_looks_each_gpu_up_once(counted):
    gpus = [[float(8 + i % 5)] for i in range(N)]
    names = [["H100"], ["B200"], ["H100 SXM"]] * (N // 3)
    out = udfs.CLUSTER_CAPEX(gpus, names, [[None]] * N)
    assert isinstance(out, list) and len(out) == N
    assert counted == {"gpu": 3, "price": 3}  # "H100" and "H100 SXM" are two cells, one GPU
    for i in (0, 1, 2, N - 1):
        assert out[i][0] == udfs.CLUSTER_CAPEX(gpus[i][0], names[i][0], None)


def test_one_gpu_for_a_column_of_prices_some_blank(counted):
    usd = [[None] if i % 2 else [20000.0 + i] for i in range(N)]
    out = F["CLUSTER_CAPEX"]([[8.0]] * N, "H100", usd)
    assert out.shape == (N, 1)
    assert counted == {"gpu": 1, "price": 1}
    assert out[1, 0] == F["CLUSTER_CAPEX"](8.0, "H100") and out[2, 0] == F["CLUSTER_CAPEX"](8.0, "H100", 20002.0)


def test_typed_prices_need_no_price_look_up(counted):
    usd = np.linspace(20000, 30000, N).reshape(-1, 1)
    out = F["CLUSTER_CAPEX"](np.full((N, 1), 8.0), "H100", usd)
    np.testing.assert_array_equal(out, 8.0 * usd * 1.44)
    assert counted == {"gpu": 1, "price": 0}


def test_bad_rows_err_alone():
    names = [["H100"], ["H999"], [True], ["Ascend 910B"], ["B200"]]
    usd = [[None], [None], [None], [None], [True]]
    out = udfs.CLUSTER_CAPEX([[8.0]] * 5, names, usd)
    assert out[0][0] == udfs.CLUSTER_CAPEX(8.0, "H100")
    assert "H999" in out[1][0] and "gpu must be a GPU name" in out[2][0]
    assert "no sourced purchase price for Ascen" in out[3][0]
    assert out[4][0] == "CLUSTER_CAPEX: usd_per_gpu must be a number, not TRUE"  # a boolean price is refused
    assert all(isinstance(r[0], str) for r in out[1:])
    # NaN, inf and a fractional GPU count err in their own rows too
    out = udfs.CLUSTER_CAPEX([[8.0], [8.5], [8.0], [8.0]], "H100", [[None], [None], [float("nan")], [float("inf")]])
    assert isinstance(out[0][0], float) and all(isinstance(r[0], str) for r in out[1:])


def test_a_bad_row_of_a_range_names_its_own_problem():
    """In a range, a row with an unknown GPU says "unknown GPU" and a row whose GPU has no sourced
    price says so, as the same call on one cell does (not a garbled usd_per_gpu conversion error)."""
    from flopsheet import udfs

    got = udfs.CLUSTER_CAPEX([[100], [200], [300]], [["H100"], ["H999"], ["TPU v5p"]])
    assert isinstance(got[0][0], float)
    assert got[1][0] == udfs.CLUSTER_CAPEX(200, "H999")
    assert got[2][0] == udfs.CLUSTER_CAPEX(300, "TPU v5p")
    assert "usd_per_gpu must be a number" not in got[1][0] + got[2][0]
