"""The summary's values (taken from the cells each formula references) equal the registry and
the engine called directly on the scenarios' own inputs: an oracle that shares nothing with
the formula evaluator, so a formula pointing at the wrong cell fails here."""

import math

import pytest

from flopsheet import engine
from flopsheet.functions import REGISTRY
from flopsheet.template import build_workbook
from flopsheet.template import scenarios as sc
from flopsheet.template.assumptions import assumptions

A = {a.name: a.value for a in assumptions()}


@pytest.fixture(scope="module")
def values():
    wb, ctx = build_workbook()
    return {(o.sheet, key): o.value for o in ctx.outputs
            for (sheet, key), cell in ctx.cells.items() if sheet == o.sheet and cell.replace("$", "") == o.cell}


def test_inference_request_and_memory(values):
    q, f = sc.Request(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    flops = f["INFER_FLOPS"](q.params, q.prompt_tokens, q.output_tokens)
    kv = f["KV_CACHE_GB"](q.layers, q.kv_heads, q.head_dim, q.prompt_tokens + q.output_tokens, q.batch)
    assert v("flops") == flops and v("kv") == kv
    assert v("infer_s") == f["INFER_SECONDS"](flops, q.gpu, q.mfu, q.precision)
    response = f["RESPONSE_SECONDS"](q.params, q.prompt_tokens, q.output_tokens, q.gpu, q.batch, q.bytes_per_param,
                                     q.gpus, kv, A["BwEfficiency"], q.mfu, q.precision)  # issue 13's one order
    assert v("response_s") == response
    weights = f["WEIGHTS_GB"](q.params, q.bytes_per_param)
    assert v("fit") == f["GPUS_TO_FIT"](weights + kv, q.gpu, A["UsableMemory"])


def test_serving_fleet_is_the_engine_count(values):
    s, f = sc.Serving(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    kv = f["KV_CACHE_GB"](s.layers, s.kv_heads, s.head_dim, s.prompt_tokens + s.output_tokens, s.batch)
    tps = f["TOKENS_PER_SECOND"](s.params, s.gpu, s.batch, s.bytes_per_param, s.gpus_per_replica, kv,
                                 A["BwEfficiency"], A["DefaultMFU"], s.precision)
    assert v("s_tps") == tps
    replicas = engine.serving_replicas(s.requests_per_day, s.output_tokens, tps, s.load_factor)
    assert v("s_replicas") == replicas == math.ceil(s.requests_per_day * s.output_tokens / (tps * 86400 * s.load_factor))
    assert v("s_gpus") == replicas * s.gpus_per_replica


def test_long_context(values):
    k, f = sc.LongContext(), REGISTRY
    v = lambda key: values[("Inference", key)]  # noqa: E731
    tokens = f["TEXT_TOKENS"](k.characters, k.unit)
    assert v("k_tokens") == tokens == 1.2e6
    kv = f["KV_CACHE_GB"](k.layers, k.kv_heads, k.head_dim, tokens, k.batch, k.bytes_per_value)
    fit = f["GPUS_TO_FIT"](f["WEIGHTS_GB"](k.params, k.bytes_per_value) + kv, k.gpu, A["UsableMemory"])
    assert v("k_fit") == fit
    assert v("k_decode_ms") == f["DECODE_MS"](k.params, k.gpu, k.batch, k.bytes_per_value, fit, kv,
                                             A["BwEfficiency"], A["DefaultMFU"], k.precision)


def test_serving_replicas_counts_as_the_engine_does():
    # the count rule: float noise is not a replica, a real excess is
    assert engine.serving_replicas(3, 1, 1 / 86400, 1.0) == 3
    assert engine.serving_replicas(3.0000001, 1, 1 / 86400, 1.0) == 4
    with pytest.raises(Exception, match="load_factor must be > 0 and <= 1"):
        engine.serving_replicas(1e6, 500, 1e4, 50)
