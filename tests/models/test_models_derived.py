"""KV-cache size and expected expert share, checked against the formulas' sources and issue 13."""

from __future__ import annotations

import pytest

from flopsheet.errors import FlopsheetError
from flopsheet.models import (
    all_models,
    experts_touched,
    fraction_of_experts_touched,
    kv_bytes_per_token_per_layer,
    kv_cache_bytes,
    kv_values_per_token_per_layer,
    resolve,
)


@pytest.mark.parametrize(
    ("model", "values"),
    [
        ("Llama 3.1 405B", 2 * 8 * 128),  # GQA: 8 KV heads of 128
        ("Llama 2 7B", 2 * 32 * 128),  # MHA: every head cached
        ("PaLM 540B", 2 * 1 * 256),  # MQA: one KV head of 256
        ("DeepSeek-V3", 512 + 64),  # MLA: latent + decoupled RoPE key (arXiv:2405.04434 Table 1)
        ("Kimi K2", 512 + 64),
        ("DeepSeek-V2", 512 + 64),
        ("gpt-oss-120b", 2 * 8 * 64),
    ],
)
def test_values_cached_per_token_per_layer(model, values):
    assert kv_values_per_token_per_layer(model) == values


def test_mla_cache_is_far_smaller_than_per_head_keys_and_values():
    # Issue 13: DeepSeek-V3 caches a 512+64 latent, not 2 x heads x head_dim (2 x 128 x 128).
    v3 = resolve("DeepSeek-V3")
    assert 2 * v3.heads * v3.head_dim / kv_values_per_token_per_layer(v3) == pytest.approx(56.9, abs=0.1)


def test_deepseek_v3_cache_at_128k_tokens():
    # 576 values x 2 bytes x 61 layers x 128,000 tokens = 8.99 GB in BF16 (4.50 GB in FP8).
    assert kv_cache_bytes("DeepSeek-V3", 128_000) == 576 * 2 * 61 * 128_000
    assert kv_cache_bytes("DeepSeek-V3", 128_000) / 1e9 == pytest.approx(8.99, abs=0.01)
    assert kv_cache_bytes("DeepSeek-V3", 128_000, bytes_per_value=1) == kv_cache_bytes("DeepSeek-V3", 128_000) / 2


def test_llama_3_1_70b_cache_matches_the_gqa_formula():
    # 2 x 8 KV heads x 128 x 2 bytes x 80 layers = 320 KiB per token.
    assert kv_bytes_per_token_per_layer("Llama 3.1 70B") * 80 == 327_680
    assert kv_cache_bytes("Llama 3.1 70B", 4096) == 327_680 * 4096


def test_sliding_window_layers_hold_at_most_the_window():
    # gpt-oss-120b: 18 of 36 layers attend over 128 tokens (gpt_oss/torch/model.py).
    per_layer = 2 * 8 * 64 * 2
    assert kv_cache_bytes("gpt-oss-120b", 131_072) == per_layer * (18 * 131_072 + 18 * 128)
    # Gemma 3 27B: 52 of 62 layers with a 1024-token window.
    assert kv_cache_bytes("Gemma 3 27B", 131_072) == 2 * 16 * 128 * 2 * (10 * 131_072 + 52 * 1024)


def test_below_the_window_sliding_layers_cost_the_same_as_full_ones():
    model = resolve("Mistral 7B")
    assert kv_cache_bytes(model, 1000) == kv_bytes_per_token_per_layer(model) * model.layers * 1000
    assert kv_cache_bytes(model, 8192) == kv_bytes_per_token_per_layer(model) * model.layers * 4096


def test_cache_is_refused_when_the_window_is_not_in_the_catalog():
    # GPT-3's locally banded layers have no published band (arXiv:2005.14165 Section 2.1).
    with pytest.raises(FlopsheetError, match="which the KV cache of its windowed layers needs"):
        kv_cache_bytes("GPT-3 175B", 2048)


def test_llama_4_chunked_layers_cache_at_most_one_chunk():
    # 36 of 48 layers attend within 8192-token chunks; 12 are global (config no_rope_layers).
    per_layer = 2 * 8 * 128 * 2
    assert kv_cache_bytes("Llama 4 Scout", 10_000_000) == per_layer * (12 * 10_000_000 + 36 * 8192)


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in all_models()
        if m.sliding_window
        or m.attention == "MLA"
        or (m.sliding_window is None and "sliding_window" not in m.unconfirmed + m.not_published)
    ],
    ids=lambda m: m.name,
)
def test_cache_grows_linearly_until_the_window_and_never_shrinks(model):
    sizes = [kv_cache_bytes(model, t) for t in (0, 1, 100, 10_000, 100_000)]
    assert sizes[0] == 0 and sizes == sorted(sizes)
    assert sizes[1] == kv_bytes_per_token_per_layer(model) * model.layers


@pytest.mark.parametrize(
    ("tokens", "bpv", "arg"),
    [
        (-1, 2, "tokens"),
        (True, 2, "tokens"),
        ("4k", 2, "tokens"),
        (100, 0, "bytes_per_value"),
        (100, float("nan"), "bytes_per_value"),
    ],
)
def test_cache_refuses_bad_numbers(tokens, bpv, arg):
    with pytest.raises(FlopsheetError) as err:
        kv_cache_bytes("Llama 3.1 8B", tokens, bytes_per_value=bpv)
    assert err.value.arg == arg


# ---------------------------------------------------------------- experts touched


def test_deepseek_v3_at_batch_64_touches_about_87_percent_of_its_experts():
    # Issue 13: 1 - (1 - 8/256)^64, "about 87%".
    assert experts_touched("DeepSeek-V3", 64) == pytest.approx(1 - (1 - 8 / 256) ** 64)
    assert experts_touched("DeepSeek-V3", 64) == pytest.approx(0.869, abs=0.001)


def test_one_token_touches_exactly_k_of_e_experts():
    assert experts_touched("DeepSeek-V3", 1) == pytest.approx(8 / 256)
    assert experts_touched("Mixtral 8x7B", 1) == pytest.approx(2 / 8)
    assert fraction_of_experts_touched(384, 8, 0) == 0


def test_share_rises_with_batch_towards_all_experts():
    shares = [fraction_of_experts_touched(128, 4, b) for b in (1, 2, 8, 64, 512, 4096)]
    assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0, abs=1e-9)
    assert fraction_of_experts_touched(8, 8, 1) == 1.0  # every expert every token


def test_dense_models_have_no_experts_to_touch():
    with pytest.raises(FlopsheetError, match="Llama 3.1 405B is a dense model"):
        experts_touched("Llama 3.1 405B", 64)


@pytest.mark.parametrize(
    ("args", "arg"),
    [
        ((8, 16, 1), "experts_per_token"),
        ((8.5, 2, 1), "experts"),
        ((0, 1, 1), "experts"),
        ((8, 2, -1), "batch"),
        ((8, True, 1), "experts_per_token"),
        ((8, 2, None), "batch"),
    ],
)
def test_expert_share_refuses_bad_inputs(args, arg):
    with pytest.raises(FlopsheetError) as err:
        fraction_of_experts_touched(*args)
    assert err.value.arg == arg
