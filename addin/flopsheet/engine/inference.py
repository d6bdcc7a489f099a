"""Inference: FLOPs per request, the seed's compute-bound time, and the decode roofline.

Generating a token means reading every weight once per step (and the KV cache), so at small
batch decode is bound by memory bandwidth, not by FLOPs: the roofline model (Williams,
Waterman & Patterson 2009, "Roofline", CACM 52(4)) applied to LLM decode as in Pope et al.
2022, "Efficiently Scaling Transformer Inference", §2. Measured on one H100 SXM (shared
reference, 2026-11-27): 5.64 ms per step for an 8B model at batch 1 against 5.60 ms from
15.0 GB / (3.35 TB/s * 0.8).
"""

from __future__ import annotations

import numpy as np

from flopsheet.engine._checks import FRACTION, MODEL_SIZE, NONNEGATIVE, POSITIVE, WHOLE, WHOLE_OR_ZERO, Condition, ceil_whole, quantity, show
from flopsheet.engine.training import DEFAULT_MFU, SECONDS_PER_DAY

DEFAULT_BW_EFFICIENCY = 0.8  # HBM copy kernels reach ~90% of datasheet bandwidth (3.03 of 3.35 TB/s measured); decode ~80%


@quantity(params=MODEL_SIZE, prompt_tokens=WHOLE_OR_ZERO, output_tokens=WHOLE_OR_ZERO, layers=WHOLE, d_model=WHOLE)
def infer_flops(params, prompt_tokens, output_tokens, layers=None, d_model=None):
    """FLOPs for one request: 2 per parameter per token (forward only; Kaplan et al. 2020 §2.1).

    With layers and d_model, add causal attention (scores and weighted sum, 2 multiply-adds per
    key per layer per dimension): the prompt's tokens each see on average half the prompt,
    2*L*d*p^2; each generated token sees the prompt and the tokens before it,
    4*L*d*(o*p + o*(o-1)/2). At a 1M-token prompt on an 8B model this is ~17x the 2N term.
    """
    flops = 2.0 * params * (prompt_tokens + output_tokens)
    if (layers is None) != (d_model is None):
        from flopsheet.errors import FlopsheetError
        raise FlopsheetError("layers and d_model go together for the attention term",
                             arg="layers" if layers is None else "d_model")
    if layers is not None:
        p, o = prompt_tokens, output_tokens
        flops = flops + 2.0 * layers * d_model * p * p + 4.0 * layers * d_model * (o * p + o * (o - 1) / 2)
    return flops


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION)
def infer_seconds(flops, peak_tflops, mfu=DEFAULT_MFU):
    """Compute-bound seconds, the seed report's method: a floor that batch-1 decode never reaches."""
    return flops / (peak_tflops * 1e12 * mfu)


def _fits(params, memory_gb, bytes_per_param, gpus, kv_gb, **_):
    return params * bytes_per_param / 1e9 + kv_gb <= gpus * memory_gb


def _fit_message(params, memory_gb, bytes_per_param, gpus, kv_gb, **_):
    need = params * bytes_per_param / 1e9 + kv_gb
    what = "weights and KV cache" if kv_gb else "weights"
    n = need / memory_gb
    if not np.isfinite(n) or n > 1e9:
        terms = "params x bytes_per_param" + (" + kv_gb" if kv_gb else "")
        return f"{what} ({terms} = {show(need)} GB) are too large for any number of {show(memory_gb)} GB GPUs"
    return (f"{what} ({show(round(need, 1))} GB) do not fit in {show(gpus)} x "
            f"{show(memory_gb)} GB; use gpus >= {show(ceil_whole(n))}")


FITS = Condition("gpus", _fits, _fit_message)


def _decode_ms(params, peak_tflops, bandwidth_tbs, memory_gb, batch, bytes_per_param, gpus, kv_gb,
               bw_efficiency, mfu):
    # Tensor parallelism over `gpus` identical GPUs: bandwidth and peak add up (Pope et al. 2022).
    memory_s = (params * bytes_per_param + kv_gb * 1e9) / (gpus * bandwidth_tbs * 1e12 * bw_efficiency)
    compute_s = 2.0 * params * batch / (gpus * peak_tflops * 1e12 * mfu)
    return np.maximum(memory_s, compute_s) * 1e3


DECODE_RULES = dict(params=MODEL_SIZE, peak_tflops=POSITIVE, bandwidth_tbs=POSITIVE, memory_gb=POSITIVE,
                    batch=WHOLE, bytes_per_param=POSITIVE, gpus=WHOLE, kv_gb=NONNEGATIVE,
                    bw_efficiency=FRACTION, mfu=FRACTION)


@quantity(FITS, **DECODE_RULES)
def decode_ms(params, peak_tflops, bandwidth_tbs, memory_gb, batch=1.0, bytes_per_param=2.0, gpus=1.0,
              kv_gb=0.0, bw_efficiency=DEFAULT_BW_EFFICIENCY, mfu=DEFAULT_MFU):
    """Milliseconds per decode step (one token for each sequence in the batch): the larger of
    reading weights + KV cache at `bw_efficiency` of peak bandwidth and 2*params*batch FLOPs
    at `mfu` of peak."""
    return _decode_ms(params, peak_tflops, bandwidth_tbs, memory_gb, batch, bytes_per_param, gpus, kv_gb,
                      bw_efficiency, mfu)


@quantity(FITS, prompt_tokens=WHOLE_OR_ZERO, output_tokens=WHOLE_OR_ZERO, **DECODE_RULES)
def response_seconds(params, prompt_tokens, output_tokens, peak_tflops, bandwidth_tbs, memory_gb, batch=1.0,
                     bytes_per_param=2.0, gpus=1.0, mfu=DEFAULT_MFU, kv_gb=0.0,
                     bw_efficiency=DEFAULT_BW_EFFICIENCY):
    """Seconds to answer: compute-bound prefill of the prompt (2*params*prompt*batch FLOPs)
    plus `output_tokens` decode steps."""
    prefill_s = 2.0 * params * prompt_tokens * batch / (gpus * peak_tflops * 1e12 * mfu)
    step_ms = _decode_ms(params, peak_tflops, bandwidth_tbs, memory_gb, batch, bytes_per_param, gpus, kv_gb,
                         bw_efficiency, mfu)
    return prefill_s + output_tokens * step_ms / 1e3


@quantity(FITS, **DECODE_RULES)
def tokens_per_second(params, peak_tflops, bandwidth_tbs, memory_gb, batch=1.0, bytes_per_param=2.0, gpus=1.0,
                      kv_gb=0.0, bw_efficiency=DEFAULT_BW_EFFICIENCY, mfu=DEFAULT_MFU):
    """Generated tokens per second, all sequences of the batch together: batch / step time."""
    return batch / _decode_ms(params, peak_tflops, bandwidth_tbs, memory_gb, batch, bytes_per_param, gpus,
                              kv_gb, bw_efficiency, mfu) * 1e3


@quantity(requests_per_day=NONNEGATIVE, output_tokens=WHOLE, tokens_per_second=POSITIVE, load_factor=FRACTION)
def serving_replicas(requests_per_day, output_tokens, tokens_per_second, load_factor):
    """Whole replicas to generate a day's answer tokens: demand (requests x answer tokens) over
    what one replica generates in a day at `load_factor` of its full-batch throughput
    (tokens_per_second, e.g. TOKENS_PER_SECOND's roofline), rounded up by the count rule.
    Decode only: prefill runs on arithmetic that bandwidth-bound decode leaves idle."""
    return ceil_whole(requests_per_day * output_tokens / (tokens_per_second * SECONDS_PER_DAY * load_factor))
