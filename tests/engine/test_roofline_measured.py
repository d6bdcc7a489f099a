"""The decode roofline against one real H100 SXM (tests/reference/h100-measured.json), using only
datasheet figures and the default efficiency."""

import json
from pathlib import Path

import pytest

from flopsheet import engine
from flopsheet import functions as F

MEASURED = Path(__file__).resolve().parents[1] / "reference" / "h100-measured.json"
# The figures the tests use, as they appear in the file (checked against it below).
PARAMS_8B = 7504658432
BATCH_MS = {1: 5.636, 4: 5.687, 16: 5.832, 64: 6.092}
KV_MS = {0.537: 6.056, 4.295: 7.269, 17.18: 11.367}


def test_copied_figures_match_the_reference():
    data = json.loads(MEASURED.read_text())
    rows = {r["batch"]: r["ms_per_step"] for r in data["decode_step_all_linear_layers_llama3_8b_shape"]["rows"]}
    assert {b: rows[b] for b in BATCH_MS} == BATCH_MS
    kv = {r["kv_gb"]: r["ms_per_step"] for r in data["long_context_llama3_8b_shape"]["decode_with_kv_cache"]}
    assert kv == KV_MS
    assert data["decode_step_all_linear_layers_llama3_8b_shape"]["params"] == PARAMS_8B


def test_batch_one_step_within_15_percent():
    assert F.DECODE_MS(PARAMS_8B, "H100") == pytest.approx(5.636, rel=0.15)


@pytest.mark.parametrize("batch,ms", BATCH_MS.items())
def test_memory_bound_batches(batch, ms):
    assert F.DECODE_MS(PARAMS_8B, "H100", batch) == pytest.approx(ms, rel=0.15)


@pytest.mark.parametrize("kv_gb,ms", KV_MS.items())
def test_kv_cache_read_adds_to_the_step(kv_gb, ms):
    assert F.DECODE_MS(PARAMS_8B, "H100", 1, 2, 1, kv_gb) == pytest.approx(ms, rel=0.15)


def test_kv_cache_formula_matches_measured_size():
    # Llama-3-8B shape: 32 layers, 8 KV heads, head dim 128, bf16; 128k tokens -> 17.18 GB.
    assert F.KV_CACHE_GB(32, 8, 128, 131072) == pytest.approx(17.18, rel=1e-3)


def test_large_batch_turns_compute_bound():
    small = engine.decode_ms(PARAMS_8B, 989.5, 3.35, 80, batch=1)
    big = engine.decode_ms(PARAMS_8B, 989.5, 3.35, 80, batch=1024)
    assert big > 4 * small  # measured: 23.1 ms vs 5.6 ms
