"""A model-kind argument (params: a number or a catalog model name) given a range of plain numbers
takes the array path: no per-element model look-up. (Found by the benchmark: 100k-row DECODE_MS took
0.7 s instead of 2 ms when every number went through the name check.) Work is bounded, not timed."""

from __future__ import annotations

import numpy as np
import pytest

from flopsheet.functions import REGISTRY as F
from flopsheet.functions import declaration as _model


@pytest.mark.parametrize(
    "name, args",
    [
        ("WEIGHTS_GB", ()),
        ("CHINCHILLA_TOKENS", ()),
        ("DECODE_MS", ("H100",)),
        ("INFER_FLOPS", (20, 300)),
    ],
)
def test_plain_number_ranges_skip_the_model_lookup(name, args, monkeypatch):
    calls = []
    real = _model.model_number
    monkeypatch.setattr(_model, "model_number", lambda *a, **k: calls.append(a) or real(*a, **k))
    params = np.linspace(1e9, 8e9, 10_000).reshape(-1, 1)  # all fit one H100
    out = F[name](params, *args)
    assert np.shape(out) == (10_000, 1) and np.isfinite(out).all()
    assert calls == []  # not one element went through the name check
    as_lists = F[name](params.tolist(), *args)
    np.testing.assert_allclose(as_lists, out, rtol=0)
    assert calls == []
    # a range with a model name in it still resolves that name, element by element
    mixed = np.array([[7e9], ["Llama 3.1 8B"]], dtype=object)
    assert np.shape(F[name](mixed, *args)) == (2, 1) and calls
