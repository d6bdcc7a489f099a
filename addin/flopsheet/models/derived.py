"""Figures derived from a model row: KV-cache size and the share of experts a batch touches.

These are the quantities issue 13 says the engine gets wrong for today's models (a latent KV
cache, sliding-window layers, MoE weights read per decode step); the engine and functions layer
call them with a catalog row.
"""

from __future__ import annotations

import math
from numbers import Real

from flopsheet.errors import FlopsheetError
from flopsheet.models.lookup import resolve
from flopsheet.models.table import Model
from flopsheet.models.values import require


def _positive(value: object, arg: str, *, whole: bool = False, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise FlopsheetError(f"{arg} must be a number (got {value!r})", arg=arg)
    if value < 0 or (value == 0 and not allow_zero):
        raise FlopsheetError(f"{arg} must be {'>= 0' if allow_zero else '> 0'} (got {value!r})", arg=arg)
    if whole and value != int(value):
        raise FlopsheetError(f"{arg} must be a whole number (got {value!r})", arg=arg)
    return float(value)


def kv_values_per_token_per_layer(model: Model | str) -> int:
    """Values cached per token per layer (multiply by bytes per value for bytes).

    MHA/GQA/MQA: a key and a value of head_dim for each KV head, 2 x kv_heads x head_dim
    (Shazeer 2019, arXiv:1911.02150, for MQA; Ainslie et al. 2023, arXiv:2305.13245, for GQA:
    the cache shrinks with the number of KV heads, not query heads).
    MLA: only the compressed latent c_KV and the decoupled RoPE key k_R are cached,
    kv_lora_rank + qk_rope_head_dim (DeepSeek-V2, arXiv:2405.04434, Section 2.1 and Table 1:
    (d_c + d_h^R) elements per token per layer; DeepSeek-V3, arXiv:2412.19437, Section 2.1.1).
    """
    row = resolve(model)
    if row.attention == "MLA":
        purpose = "the MLA KV cache (kv_lora_rank + qk_rope_head_dim)"
        return int(require(row, "kv_lora_rank", purpose) + require(row, "qk_rope_head_dim", purpose))
    purpose = "the KV cache (2 x kv_heads x head_dim)"
    return int(2 * require(row, "kv_heads", purpose) * require(row, "head_dim", purpose))


def kv_bytes_per_token_per_layer(model: Model | str, bytes_per_value: float = 2.0) -> float:
    """KV-cache bytes per token per layer; bytes_per_value 2 for a BF16/FP16 cache, 1 for FP8."""
    return kv_values_per_token_per_layer(model) * _positive(bytes_per_value, "bytes_per_value")


def kv_cache_bytes(model: Model | str, tokens: float, bytes_per_value: float = 2.0) -> float:
    """KV-cache bytes for ONE sequence of `tokens` tokens, all layers.

    Sliding-window layers hold at most `sliding_window` tokens; the other layers hold all of
    them. Not included: paging/allocator slack, and the copies made when tensor parallelism
    exceeds kv_heads (each GPU then keeps whole KV heads, so heads are replicated).
    """
    row = resolve(model)
    tokens = _positive(tokens, "tokens", allow_zero=True)
    per_layer = kv_bytes_per_token_per_layer(row, bytes_per_value)
    layers = require(row, "layers", "the KV cache")
    sliding_layers, window = 0, 0.0
    if row.sliding_window is not None or "sliding_window" in row.unconfirmed + row.not_published:
        # A model with windowed layers we cannot size is refused rather than treated as dense.
        sliding_layers = require(row, "sliding_layers", "the KV cache of its windowed layers")
        window = require(row, "sliding_window", "the KV cache of its windowed layers")
    full_layers = layers - sliding_layers
    return per_layer * (full_layers * tokens + sliding_layers * min(tokens, window))


def fraction_of_experts_touched(experts: int, experts_per_token: int, batch: float) -> float:
    """Expected share of a layer's routed experts that at least one of `batch` tokens uses.

    1 - (1 - k/E)^batch: one token misses a given expert with probability 1 - k/E, and the
    batch misses it if every token does. ASSUMES uniform, independent routing; real routers are
    load-balanced but tokens of one prompt pick correlated experts, which lowers the share, so
    this is an upper estimate of the weights a decode step must read. Shared experts are always
    read and are not part of this fraction.
    """
    e = _positive(experts, "experts", whole=True)
    k = _positive(experts_per_token, "experts_per_token", whole=True)
    b = _positive(batch, "batch", allow_zero=True)
    if k > e:
        raise FlopsheetError(f"experts_per_token ({k:g}) cannot exceed experts ({e:g})", arg="experts_per_token")
    return 1.0 - (1.0 - k / e) ** b


def experts_touched(model: Model | str, batch: float) -> float:
    """`fraction_of_experts_touched` for a catalog MoE model at a batch of tokens per step."""
    row = resolve(model)
    if not row.is_moe:
        raise FlopsheetError(f"{row.name} is a dense model: it has no experts", arg="model")
    purpose = "the share of experts a batch touches"
    return fraction_of_experts_touched(
        int(require(row, "experts", purpose)), int(require(row, "experts_per_token", purpose)), batch
    )
