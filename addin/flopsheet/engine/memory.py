"""Memory: weights, training state, KV cache, and GPUs needed to hold them. GB = 1e9 bytes."""

from __future__ import annotations

import numpy as np

from flopsheet.engine._checks import FRACTION, MODEL_SIZE, POSITIVE, WHOLE, WHOLE_OR_ZERO, ceil_whole, quantity


@quantity(params=MODEL_SIZE, bytes_per_param=POSITIVE)
def weights_gb(params, bytes_per_param=2.0):
    """GB of weights: 2 bytes per parameter in BF16/FP16, 1 in FP8/INT8, 0.5 in 4-bit."""
    return params * bytes_per_param / 1e9


@quantity(params=MODEL_SIZE, bytes_per_param=POSITIVE)
def train_memory_gb(params, bytes_per_param=16.0):
    """GB for weights + gradients + Adam states in mixed precision, activations excluded:
    2 (fp16 weights) + 2 (fp16 grads) + 12 (fp32 master weights, momentum, variance) = 16
    bytes per parameter (Rajbhandari et al. 2020, ZeRO, §3.1)."""
    return params * bytes_per_param / 1e9


def replicated(kv_heads, gpus):
    """Copies of the KV cache tensor parallelism makes: each of `gpus` GPUs holds whole KV heads,
    so with more GPUs than KV heads heads are replicated (Llama 3 70B, 8 KV heads, on 16 GPUs
    stores each head twice): max(kv_heads, gpus) / kv_heads. An MLA latent (one per token, no
    heads) is held whole by every tensor-parallel GPU: kv_heads = 1, so gpus copies."""
    return np.maximum(kv_heads, gpus) / kv_heads


@quantity(
    layers=WHOLE,
    kv_heads=WHOLE,
    head_dim=WHOLE,
    context_tokens=WHOLE,
    batch=WHOLE,
    bytes_per_value=POSITIVE,
    gpus=WHOLE,
)
def kv_cache_gb(layers, kv_heads, head_dim, context_tokens, batch=1.0, bytes_per_value=2.0, gpus=1.0):
    """GB of KV cache: a key and a value vector per layer, KV head and token (grouped-query
    attention stores only kv_heads of them: Ainslie et al. 2023, GQA). Llama-3-8B shape at 128k
    tokens: 2*32*8*128*2*131072 = 17.2 GB, as measured on the H100. Across `gpus`
    tensor-parallel GPUs, heads are replicated when gpus > kv_heads (`replicated`)."""
    return (
        2.0 * layers * kv_heads * head_dim * bytes_per_value * context_tokens * batch / 1e9 * replicated(kv_heads, gpus)
    )


@quantity(
    values_per_token_layer=WHOLE,
    full_layers=WHOLE_OR_ZERO,
    sliding_layers=WHOLE_OR_ZERO,
    sliding_window=WHOLE_OR_ZERO,
    kv_heads=WHOLE,
    context_tokens=WHOLE,
    batch=WHOLE,
    bytes_per_value=POSITIVE,
    gpus=WHOLE,
)
def model_kv_cache_gb(
    values_per_token_layer,
    full_layers,
    sliding_layers,
    sliding_window,
    kv_heads,
    context_tokens,
    batch=1.0,
    bytes_per_value=2.0,
    gpus=1.0,
):
    """GB of KV cache of a catalog architecture (flopsheet.models.kv_cache_bytes, per sequence):
    values per token per layer (2 x kv_heads x head_dim; an MLA latent kv_lora_rank +
    qk_rope_head_dim, DeepSeek-V2 §2.1: 512 + 64 for DeepSeek-V3 and Kimi K2), full layers
    holding every token, windowed layers at most `sliding_window`, times the tensor-parallel
    copies (`replicated`; kv_heads = 1 for MLA)."""
    held = full_layers * context_tokens + sliding_layers * np.minimum(context_tokens, sliding_window)
    return (values_per_token_layer * bytes_per_value * held * batch / 1e9) * replicated(kv_heads, gpus)


@quantity(gb=POSITIVE, memory_gb=POSITIVE, usable_fraction=FRACTION)
def gpus_to_fit(gb, memory_gb, usable_fraction=0.9):
    """Whole GPUs whose memory holds `gb`, keeping 10% for the framework, CUDA context and
    fragmentation by default."""
    return ceil_whole(gb / (memory_gb * usable_fraction))
