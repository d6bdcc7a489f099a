"""Issue 20, items 4 and 6: blank serving arguments answer the question a user asks.

- kv_gb blank: a catalog model's own KV cache for every sequence of the batch at context_tokens (or, in
  RESPONSE_SECONDS, the request's running context), with its decode attention FLOPs; typed kv_gb wins; a
  plain parameter count has no shape, so no cache.
- batch blank (TOKENS_PER_SECOND, COST_PER_MTOK): the serving batch, the largest that fits in usable memory
  and keeps a step under the 50 ms latency target.
- gpus blank: the fewest valid tensor-parallel GPUs that hold the model; a typed invalid degree is refused.

Expected numbers are worked out here from the catalog's figures and the formula, not pasted from output.
"""

import math

import pytest

from flopsheet import functions as F
from flopsheet.engine import inference
from flopsheet.errors import FlopsheetError

M = "Llama 3.1 70B"


def spec(field):
    return F.MODEL_SPEC(M, field)


def test_the_issue_example_by_hand_tokens_per_second_with_the_models_cache_at_8k():
    # TOKENS_PER_SECOND("Llama 3.1 70B", "H100", 64, 2, 8) at an 8,192-token context, from the formula:
    layers, kv_heads, head_dim, heads = spec("layers"), spec("kv_heads"), spec("head_dim"), spec("heads")
    params, d_model = spec("active_params"), spec("d_model")
    bw, peak, link = (
        F.GPU_SPEC("H100", "bandwidth_tbs"),
        F.GPU_SPEC("H100", "bf16_tflops"),
        F.GPU_SPEC("H100", "interconnect_gbs"),
    )
    batch, gpus, context = 64, 8, 8192
    # keys and values of 8 KV heads x 128, 80 layers, BF16: 2 x 8 x 128 x 2 bytes x 80 = 327,680 bytes a token;
    # 8 GPUs split the 8 KV heads, no copies
    kv_gb = 2 * kv_heads * head_dim * 2 * layers * context * batch / 1e9
    attn = 4 * heads * head_dim * layers * context  # scores and weighted sum against the cache, per token
    memory_s = (params * 2 + kv_gb * 1e9) / (gpus * bw * 1e12 * 0.8)
    compute_s = (2 * params + attn) * batch / (gpus * peak * 1e12 * 0.4)
    allreduce_s = inference.DEFAULT_ALLREDUCE_US * 1e-6  # the fixed cost of an all-reduce, then the per-layer launch
    comm_s = 2 * layers * (allreduce_s + 2 * (gpus - 1) / gpus * batch * d_model * 2 / (link / 2 * 1e9))
    comm_s += layers * inference.DEFAULT_LAYER_US * 1e-6
    want = batch / (max(memory_s, compute_s) + comm_s)
    got = F.TOKENS_PER_SECOND(M, "H100", batch, 2, gpus, context_tokens=context)
    assert got == pytest.approx(want, rel=1e-9)
    # the model's cache now costs: without it (kv_gb typed 0) the same call is faster
    assert F.TOKENS_PER_SECOND(M, "H100", batch, 2, gpus, 0) > 1.4 * got
    # typed kv_gb wins over the model's own, and charges no attention FLOPs beside it
    plain_compute_s = 2 * params * batch / (gpus * peak * 1e12 * 0.4)
    typed = batch / (max(memory_s, plain_compute_s) + comm_s)
    assert F.TOKENS_PER_SECOND(M, "H100", batch, 2, gpus, kv_gb, context_tokens=context) == pytest.approx(
        typed, rel=1e-9
    )


def test_the_default_context_is_the_azure_conversation_median():
    assert inference.DEFAULT_CONTEXT_TOKENS == math.ceil(1020 + 129 / 2) == 1085
    blank = F.DECODE_MS(M, "H100", 16, 2, 4)
    assert blank == F.DECODE_MS(M, "H100", 16, 2, 4, context_tokens=1085)
    kv = F.KV_CACHE_GB(M, 1085, 16, 2, 4)
    # the same cache typed: at batch 16 the step is memory bound, so the attention FLOPs do not show
    assert blank == pytest.approx(F.DECODE_MS(M, "H100", 16, 2, 4, kv), rel=1e-12)
    assert blank < F.DECODE_MS(M, "H100", 16, 2, 4, context_tokens=8192)


def test_a_plain_parameter_count_has_no_cache():
    # "70B" has no layers or heads: no cache, no attention FLOPs, no all-reduces
    assert F.DECODE_MS("70B", "H100", 64, 2, 2) == F.DECODE_MS("70B", "H100", 64, 2, 2, 0)
    assert F.DECODE_MS(M, "H100", 8, 2, 2) > F.DECODE_MS("70.55B", "H100", 8, 2, 2)
    # ... and so its batch is not bounded by a cache: 64 sequences "fit" where the model's own cache holds 8
    assert F.DECODE_MS("70.55B", "H100", 64, 2, 2) > 0
    with pytest.raises(FlopsheetError, match=r"largest batch that fits is 8 .* or use gpus >= 4"):
        F.DECODE_MS(M, "H100", 64, 2, 2)  # 3 GPUs would hold it, but 3 does not divide 64 heads


def test_response_seconds_holds_the_cache_of_the_running_context():
    kv = F.KV_CACHE_GB(M, 2000 + 500 / 2, 8, 2, 4)
    blank = F.RESPONSE_SECONDS(M, 2000, 500, "H100", 8, 2, 4)
    assert blank == pytest.approx(F.RESPONSE_SECONDS(M, 2000, 500, "H100", 8, 2, 4, kv), rel=1e-12)
    assert blank > F.RESPONSE_SECONDS(M, 2000, 500, "H100", 8, 2, 4, 0)
    assert blank < F.RESPONSE_SECONDS(M, 2000, 500, "H100", 8, 2, 4, F.KV_CACHE_GB(M, 2500, 8, 2, 4))


def _largest_batch_by_scan(gpus, latency_ms=50.0):
    """The serving batch found the slow way: every batch from 1 up, until the cache no longer fits or the
    step passes the latency target (DECODE_MS with the model's own cache at the default context)."""
    best = 1
    for b in range(1, 5000):
        try:
            step = F.DECODE_MS(M, "H100", b, 2, gpus)
        except FlopsheetError as e:
            assert "largest batch that fits" in str(e)
            break
        if step > latency_ms:
            break
        best = b
    return best


def test_a_blank_batch_is_the_serving_batch():
    b = _largest_batch_by_scan(4)
    assert 1 < b < 5000
    tps = F.TOKENS_PER_SECOND(M, "H100", None, 2, 4)
    assert tps == pytest.approx(b / F.DECODE_MS(M, "H100", b, 2, 4) * 1e3, rel=1e-12)
    # COST_PER_MTOK: at 2.50 USD per GPU-hour, 4 GPUs, decode of the serving batch
    cost = F.COST_PER_MTOK(M, "H100", 2.5, "output", 1, None, 2, 4)
    assert cost == pytest.approx(4 * 2.5 / (tps * 3600) * 1e6, rel=1e-9)
    assert cost == pytest.approx(F.COST_PER_MTOK(M, "H100", 2.5, "output", 1, b, 2, 4), rel=1e-12)


def test_serving_batch_is_what_a_blank_batch_stands_for():
    b = F.SERVING_BATCH(M, "H100", 2, 4)
    assert b == _largest_batch_by_scan(4)
    assert F.TOKENS_PER_SECOND(M, "H100", None, 2, 4) == F.TOKENS_PER_SECOND(M, "H100", b, 2, 4)
    # a tighter latency target, a smaller batch; a longer context, fewer caches fit
    assert F.SERVING_BATCH(M, "H100", 2, 4, latency_ms=30) < b
    assert F.SERVING_BATCH(M, "H100", 2, 4, context_tokens=32768) < b


def test_a_blank_gpu_count_is_the_fewest_valid_gpus_that_hold_the_model():
    weights = F.WEIGHTS_GB(M, 2)  # 141.1 GB over 72 GB usable per H100: 2 GPUs
    assert math.ceil(weights / 72) == 2
    assert F.DECODE_MS(M, "H100") == F.DECODE_MS(M, "H100", 1, 2, 2)
    assert F.TTFT_SECONDS(M, 1000, "H100") == F.TTFT_SECONDS(M, 1000, "H100", 1, 2, 2)
    assert F.RESPONSE_SECONDS(M, 1000, 100, "H100") == F.RESPONSE_SECONDS(M, 1000, 100, "H100", 1, 2, 2)
    assert F.SERVING_GPUS(1e6, 1000, 300, M, "H100") == F.SERVING_GPUS(1e6, 1000, 300, M, "H100", 2)
    # Llama 3.1 405B in FP8: 406 GB needs 6 by memory, but 6 does not divide 128 heads: 8
    big = "Llama 3.1 405B"
    assert math.ceil(F.WEIGHTS_GB(big, 1) / 72) == 6
    assert F.DECODE_MS(big, "H100", 1, 1) == F.DECODE_MS(big, "H100", 1, 1, 8)
    # in BF16 (812 GB) no 8-GPU H100 group holds it: the error says so and what to do
    with pytest.raises(FlopsheetError, match=r"DECODE_MS: .*8-GPU NVLink domain"):
        F.DECODE_MS(big, "H100")
    # a plain count: any degree in the domain (3 x 72 GB holds 150 GB)
    assert F.DECODE_MS("75B", "H100") == F.DECODE_MS("75B", "H100", 1, 2, 3)


def test_a_typed_invalid_degree_names_the_valid_ones():
    for fn, args in (
        (F.DECODE_MS, (M, "H100", 1, 2, 3)),
        (F.TOKENS_PER_SECOND, (M, "H100", 1, 2, 6)),
        (F.TTFT_SECONDS, (M, 1000, "H100", 1, 2, 3)),
        (F.SERVING_GPUS, (1e6, 1000, 300, M, "H100", 3)),
        (F.COST_PER_MTOK, (M, "H100", 2.5, "output", 1, 1, 2, 3)),
    ):
        with pytest.raises(FlopsheetError, match=r"not a valid tensor-parallel degree .* use 1, 2, 4 or 8"):
            fn(*args)
    with pytest.raises(FlopsheetError, match=r"gpus = 16 .*8-GPU NVLink domain"):
        F.DECODE_MS(M, "H100", 1, 2, 16)


def test_the_batch_cache_must_fit_and_a_context_beyond_the_model_is_refused():
    # 2 H100s: 144 GB usable, 141.1 GB of weights; the cache of one sequence at 8k is 2.68 GB
    per_seq = F.KV_CACHE_GB(M, 8192, 1, 2, 2)
    room = 2 * 80 * 0.9 - F.WEIGHTS_GB(M, 2)
    with pytest.raises(FlopsheetError, match=rf"the largest batch that fits is {math.floor(room / per_seq)}"):
        F.TOKENS_PER_SECOND(M, "H100", 64, 2, 2, context_tokens=8192)
    with pytest.raises(FlopsheetError, match=r"context_tokens = 8000 is beyond the model's context of 4096"):
        F.TOKENS_PER_SECOND("Llama 2 70B", "H100", 8, 2, 4, context_tokens=8000)
