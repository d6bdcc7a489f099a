"""The engine: every quantity once, as a pure numpy function of numbers (no Excel, no names).

Scalars in -> float out; arrays of broadcastable shapes in -> the broadcast shape out; bad
input -> one FlopsheetError naming the argument. Each formula's `.formula` holds its argument
rules, which the Excel face uses to error per element.
"""

from flopsheet.engine._checks import (  # the money rules: also the template's input validation
    COUNT_DIGITS,
    HELD_DIGITS,
    USD_PER_GPU,
    USD_PER_GPU_HOUR,
    USD_PER_KWH,
    YEARS,
    Formula,
    ceil_whole,
    run_masked,
    run_scalar,
)
from flopsheet.engine.economics import (
    cluster_capex,
    cost_per_mtok,
    energy_cost_usd,
    fleet_power_mw,
    gpu_tco_per_hour,
    gross_margin,
    train_cost_amortised,
)
from flopsheet.engine.inference import (
    DEFAULT_ALLREDUCE_US,
    DEFAULT_LATENCY_MS,
    DEFAULT_PEAK_FACTOR,
    comm_seconds,
    decode_ms,
    infer_flops,
    infer_seconds,
    largest_batch,
    response_seconds,
    serving_gpus,
    serving_replicas,
    tokens_per_second,
    ttft_seconds,
    weights_read,
)
from flopsheet.engine.memory import gpus_to_fit, kv_cache_gb, model_kv_cache_gb, replicated, train_memory_gb, weights_gb
from flopsheet.engine.tokens import TOKENS_PER_UNIT, image_tokens, text_tokens, tokens_to_words, video_tokens
from flopsheet.engine.training import (
    DEFAULT_GOODPUT,
    DEFAULT_MFU,
    DEFAULT_PUE,
    chinchilla_tokens,
    gpu_days,
    gpu_hours,
    gpu_seconds,
    gpus_needed,
    implied_mfu,
    train_cost,
    train_days,
    train_energy_mwh,
    train_flops,
)

__all__ = [
    "COUNT_DIGITS", "USD_PER_GPU", "USD_PER_GPU_HOUR", "USD_PER_KWH", "YEARS", "HELD_DIGITS", "Formula",
    "ceil_whole", "run_masked", "run_scalar", "DEFAULT_GOODPUT", "DEFAULT_MFU",
    "DEFAULT_PUE", "implied_mfu", "TOKENS_PER_UNIT",
    "train_flops", "chinchilla_tokens", "gpu_seconds", "gpu_hours", "gpu_days", "train_days", "gpus_needed",
    "train_cost", "train_energy_mwh",
    "infer_flops", "infer_seconds", "decode_ms", "response_seconds", "tokens_per_second", "serving_replicas",
    "ttft_seconds", "serving_gpus", "largest_batch", "weights_read", "comm_seconds", "DEFAULT_ALLREDUCE_US",
    "DEFAULT_LATENCY_MS", "DEFAULT_PEAK_FACTOR",
    "weights_gb", "train_memory_gb", "kv_cache_gb", "model_kv_cache_gb", "replicated", "gpus_to_fit",
    "image_tokens", "video_tokens", "text_tokens", "tokens_to_words",
    "cluster_capex", "fleet_power_mw", "energy_cost_usd", "gpu_tco_per_hour", "train_cost_amortised", "cost_per_mtok",
    "gross_margin",
]
