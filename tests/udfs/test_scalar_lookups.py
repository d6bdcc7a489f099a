"""A scalar call works out what its text arguments mean (a GPU's figures, a model's) once per
distinct text: a sheet repeats "H100" and "Llama 3.1 70B" in thousands of cells. Found by the
benchmark: DECODE_MS made nine catalog look-ups (and parsed "70B" five times) on every call, ~100 us.
Work is bounded by counting look-ups, never by timing."""

from __future__ import annotations

import pytest

from flopsheet import catalog, models, udfs
from flopsheet.catalog import lookup
from flopsheet.functions import REGISTRY as F
from flopsheet.functions import declaration as _model


@pytest.fixture
def lookups(monkeypatch):
    """Counts GPU resolutions, model resolutions and magnitude parses made by the registry."""
    calls: list[str] = []
    real_gpu, real_model, real_parse = catalog.resolve, models.resolve, _model.parse_num
    monkeypatch.setattr(catalog, "resolve", lambda *a, **k: calls.append("gpu") or real_gpu(*a, **k))
    monkeypatch.setattr(models, "resolve", lambda *a, **k: calls.append("model") or real_model(*a, **k))
    monkeypatch.setattr(_model, "parse_num", lambda *a, **k: calls.append("parse") or real_parse(*a, **k))
    _model._MEMO.clear()
    yield calls
    _model._MEMO.clear()


SERVING = [
    ("DECODE_MS", lambda b: ("Llama 3.1 70B", "H100", b, 2.0, 4.0)),  # its own cache: 39 sequences fit on 4
    ("DECODE_MS", lambda b: ("70B", "H100", b, 2.0, 2.0)),
    ("TOKENS_PER_SECOND", lambda b: ("DeepSeek-V3", "H200", b, 1.0, 8.0)),
    ("TTFT_SECONDS", lambda b: ("70B", 4096.0, "H100", b, 2.0, 4.0)),
    ("RESPONSE_SECONDS", lambda b: ("Mixtral 8x7B", 20.0, 300.0, "A100", b, 2.0, 2.0)),
    ("SERVING_GPUS", lambda b: (1e6 * b, 1000.0, 300.0, "Llama 3.1 70B", "H100", 4.0, 50.0, 2.0, 0.4)),
    ("COST_PER_MTOK", lambda b: ("70B", "H100", 2.5, "blended", 1.0, b, 2.0, 4.0)),
]


@pytest.mark.parametrize("name, args", SERVING)
def test_repeated_scalar_calls_look_their_texts_up_once(name, args, lookups):
    first = getattr(udfs, name)(*args(1.0))
    assert isinstance(first, float), first
    assert lookups  # the first call did resolve its texts
    lookups.clear()
    results = [getattr(udfs, name)(*args(float(b))) for b in range(2, 40)]
    assert all(isinstance(r, float) for r in results), results
    assert lookups == []  # 38 more calls with other numbers: not one more look-up or parse
    _model._MEMO.clear()  # and the remembered figures give what a fresh look-up gives
    assert [getattr(udfs, name)(*args(float(b))) for b in range(2, 40)] == results


def test_a_bad_text_errs_on_every_call_without_a_second_look_up(lookups):
    first = udfs.DECODE_MS("Llama 3.1 70B", "H999", 8.0)
    assert first.startswith("DECODE_MS:") and "H999" in first
    lookups.clear()
    assert udfs.DECODE_MS("Llama 3.1 70B", "H999", 16.0) == first
    assert udfs.DECODE_MS("Lama 3.1 70B", "H100") == udfs.DECODE_MS("Lama 3.1 70B", "H100")
    lookups.clear()
    assert udfs.DECODE_MS("Lama 3.1 70B", "H100").startswith("DECODE_MS: params must be a number or a catalog model")
    assert lookups == []


def test_numbers_in_text_arguments_are_not_remembered(lookups):
    # A GPU given as its peak and a model as a plain number vary per cell: never memo keys.
    for peak in range(100, 160):
        assert isinstance(udfs.INFER_SECONDS(1e14, float(peak)), float)
    for params in range(1, 36):  # BF16 weights within one H100's usable 72 GB
        assert isinstance(udfs.DECODE_MS(params * 1e9, "H100"), float)
    # H100's four figures, the precision's share, the GPU's decode bandwidth share and attention's cost at the
    # precision; not one entry per number
    assert len(_model._MEMO) <= 7


def test_the_memo_is_emptied_when_a_catalog_index_is_rebuilt(lookups):
    udfs.DECODE_MS("Llama 3.1 70B", "H100", 8.0)
    lookups.clear()
    udfs.DECODE_MS("Llama 3.1 70B", "H100", 16.0)
    assert lookups == []
    lookup._index.cache_clear()  # what a test that patches the catalog does
    udfs.DECODE_MS("Llama 3.1 70B", "H100", 16.0)
    assert "gpu" in lookups


def test_the_memo_is_bounded(lookups, monkeypatch):
    monkeypatch.setattr(_model, "_MEMO_MAX", 50)
    for i in range(200):
        udfs.DECODE_MS("70B", f"H100 {i}")  # 200 distinct (bad) texts
    assert 0 < len(_model._MEMO) <= 50


def test_the_scalar_path_matches_the_range_path():
    # the remembered binding and the per-element binding give the same numbers
    for name, args in SERVING:
        one = [F[name](*args(float(b))) for b in (1.0, 8.0, 64.0)]
        col = F[name](*[[[a]] if not isinstance(a, str) and a is not None else a for a in args(8.0)])
        assert col.shape == (1, 1) and col[0, 0] == pytest.approx(one[1], rel=1e-12)
