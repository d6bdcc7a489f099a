"""Memory: weights, training state, KV cache, and GPUs needed to hold them. GB = 1e9 bytes."""

from __future__ import annotations

from flopsheet.engine._checks import FRACTION, MODEL_SIZE, POSITIVE, WHOLE, ceil_whole, quantity


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


@quantity(layers=WHOLE, kv_heads=WHOLE, head_dim=WHOLE, context_tokens=WHOLE, batch=WHOLE,
          bytes_per_value=POSITIVE)
def kv_cache_gb(layers, kv_heads, head_dim, context_tokens, batch=1.0, bytes_per_value=2.0):
    """GB of KV cache: a key and a value vector per layer, KV head and token (grouped-query
    attention stores only kv_heads of them: Ainslie et al. 2023, GQA). Llama-3-8B shape at 128k
    tokens: 2*32*8*128*2*131072 = 17.2 GB, as measured on the H100."""
    return 2.0 * layers * kv_heads * head_dim * bytes_per_value * context_tokens * batch / 1e9


@quantity(gb=POSITIVE, memory_gb=POSITIVE, usable_fraction=FRACTION)
def gpus_to_fit(gb, memory_gb, usable_fraction=0.9):
    """Whole GPUs whose memory holds `gb`, keeping 10% for the framework, CUDA context and
    fragmentation by default."""
    return ceil_whole(gb / (memory_gb * usable_fraction))
