"""The checks of a range call, made cheaper without being weakened.

A clean range is passed by reductions (min/max per argument, one sum over the result) instead of
full-size masks; only when a reduction says "some element fails" does the element path run and
mark which. Found by the benchmark: CHINCHILLA_TOKENS on a 100k ndarray ran 5.7x bare numpy, most
of it in masks. Work is bounded by counting mask checks, never by timing; every check must still
refuse its element (booleans, NaN and inf, ranges, overflow), with the element path's message.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from flopsheet import engine, udfs
from flopsheet.engine import _checks
from flopsheet.engine._checks import Rule, all_finite
from flopsheet.functions import REGISTRY as F


def _rules() -> list[Rule]:
    found = []
    for name in engine.__all__:
        formula = getattr(getattr(engine, name), "formula", None)
        if formula is not None:
            found += [r for r in formula.rules.values() if r not in found]
    return found


SPECIAL = [
    math.nan,
    math.inf,
    -math.inf,
    0.0,
    -0.0,
    1.0,
    0.5,
    0.999999,
    1.0000001,
    1e6,
    1e6 - 1,
    999999.5,
    1e6 + 0.5,
    -1.0,
    1e308,
    5e-324,
    2.0,
    3.5,
    100.0,
    1e16,
    1e15 + 0.5,
]


def test_reductions_agree_with_the_masks():
    rules = _rules()
    assert len(rules) >= 10
    rng = np.random.default_rng(0)
    for rule in rules:
        for x in SPECIAL:  # one value, as the scalar path sees it, and as a 0-d array
            assert rule.ok_scalar(x) == Rule.ok_scalar(rule, x) == bool(rule.ok(np.asarray(x))), (rule, x)
            assert rule.all_ok(np.asarray(x)) == bool(rule.ok(np.asarray(x)))
        for _ in range(200):  # ranges: mostly valid values, sometimes one special value
            x = rng.choice([1.0, 2.0, 3.0, 0.5, 1e6, 2e6, 7e10], size=(rng.integers(1, 6), 1))
            if rng.random() < 0.6:
                x[rng.integers(0, len(x)), 0] = rng.choice(SPECIAL)
            assert rule.all_ok(x) == bool(rule.ok(x).all()), (rule, x.ravel())
        assert rule.all_ok(np.empty((0, 1)))


def test_all_finite_is_isfinite_all():
    big = np.full(4, 1.7e308)  # every element finite, their sum is not: the elementwise test decides
    assert all_finite(big)
    for bad in (math.inf, -math.inf, math.nan):
        x = big.copy()
        x[2] = bad
        assert not all_finite(x)
        assert not all_finite(np.array([1.0, bad, 2.0]).reshape(-1, 1))
    assert all_finite(np.empty(0)) and all_finite(np.arange(5.0).reshape(5, 1)[::2])
    assert all_finite(np.asarray(3.0)) and not all_finite(np.asarray(math.nan))


@pytest.fixture
def masks(monkeypatch):
    """Counts the element path: Rule.ok masks and isfinite masks in the engine's checks."""
    calls: list[str] = []
    real_ok, real_isfinite = Rule.ok, np.isfinite

    def ok(self, x):
        calls.append("rule mask")
        return real_ok(self, x)

    class Numpy:
        def __getattr__(self, name):
            return getattr(np, name)

        @staticmethod
        def isfinite(x, *a, **k):
            calls.append("isfinite")
            return real_isfinite(x, *a, **k)

    monkeypatch.setattr(Rule, "ok", ok)
    monkeypatch.setattr(_checks, "np", Numpy())
    return calls


@pytest.mark.parametrize(
    "name, args",
    [
        ("CHINCHILLA_TOKENS", ()),
        ("TEXT_TOKENS", ()),
        ("GPU_HOURS", ("H100",)),
        ("TRAIN_FLOPS", (1e12,)),
        ("ENERGY_COST_USD", (0.08,)),
        ("WEIGHTS_GB", (2.0,)),
    ],
)
def test_a_clean_range_takes_no_mask(name, args, masks):
    x = np.linspace(1e9, 7e10, 100_000).reshape(-1, 1)
    out = F[name](x, *args)
    assert out.shape == (100_000, 1) and np.isfinite(out).all()
    assert masks == []


def test_every_check_still_refuses_its_element(masks):
    cells = [7e10, math.nan, math.inf, -math.inf, 1e5, -7e10, 1e308, True, 8e10]
    out = udfs.CHINCHILLA_TOKENS([[c] for c in cells])
    assert isinstance(out[0][0], float) and isinstance(out[-1][0], float)
    for cell, (got,) in zip(cells[1:-1], out[1:-1]):
        alone = udfs.CHINCHILLA_TOKENS(cell)  # the scalar call's message for the same cell
        assert isinstance(got, str) and got == alone, (cell, got, alone)
    assert "rule mask" in masks and "isfinite" in masks  # the element path ran, and marked them
    # a fraction over 1 and a fractional count, on ndarrays (the API)
    with pytest.raises(ValueError, match="mfu must be > 0 and <= 1"):
        F["GPU_HOURS"](np.full((3, 1), 1e21), "H100", np.array([[0.4], [1.5], [0.4]]))
    with pytest.raises(ValueError, match="a count is whole"):
        F["KV_CACHE_GB"](np.array([[32.0], [32.5]]), 8, 128, 1024)


def test_booleans_among_numbers_are_refused_not_read_as_one():
    # np.asarray([[True], [2.0]]) is [[1.0], [2.0]]: the range's fast path must not take it
    assert udfs.GPU_HOURS([[True], [1e20]], "H100")[0][0] == "GPU_HOURS: flops must be a number, not TRUE"
    assert udfs.WEIGHTS_GB([[7e10], [False]])[1][0] == "WEIGHTS_GB: params must be a number or a model name, not FALSE"
    assert udfs.GPU_HOURS([[1e20, 1e21]], "H100", [[0.4, True]])[0][1] == "GPU_HOURS: mfu must be a number, not TRUE"
    assert udfs.CHINCHILLA_TOKENS([7e10, 1])[1][0].startswith("CHINCHILLA_TOKENS: params 1 is not a plausible")
    assert isinstance(udfs.GPU_HOURS([[1e20], [1.0]], "H100", [[0.4], [1]])[1][0], float)  # 1 and 1.0 are numbers
