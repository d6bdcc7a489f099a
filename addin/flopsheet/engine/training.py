"""Training compute, time, hardware, cost and energy.

All peaks are dense TFLOPS (1e12 FLOP/s) and `mfu` is model FLOPs utilization: the fraction
of peak a real training run sustains (PaLM 540B: 0.462 on TPU v4, Chowdhery et al. 2022 §4;
Llama 3.1 405B: 0.38-0.43, Dubey et al. 2024 Table 4; Epoch AI's median of known runs 0.375).
"""

from __future__ import annotations

from flopsheet.engine._checks import FRACTION, MODEL_SIZE, POSITIVE, TRAINING_TOKENS, WHOLE, Rule, ceil_whole, quantity
from flopsheet.errors import FlopsheetError

DEFAULT_MFU = 0.40
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0


@quantity(
    params=MODEL_SIZE, tokens=TRAINING_TOKENS, flops_per_param_token=POSITIVE,
    layers=WHOLE, d_model=WHOLE, seq_len=WHOLE,
)
def train_flops(params, tokens, flops_per_param_token=6.0, layers=None, d_model=None, seq_len=None):
    """Training FLOPs.

    6 FLOPs per parameter per token: 2 for the forward multiply-add, 4 for the backward pass
    (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", §2.1, C = 6ND). With
    layers, d_model and seq_len, add the attention-score FLOPs that 6ND leaves out:
    12 * L * d * s per token, full (not causal-halved) attention matrix (Chowdhery et al. 2022,
    PaLM, appendix B). Use ACTIVE parameters for mixture-of-experts models.
    """
    given = [n for n, v in (("layers", layers), ("d_model", d_model), ("seq_len", seq_len)) if v is not None]
    if 0 < len(given) < 3:
        # Half an attention term would be a silent under-count: ask for all three.
        raise FlopsheetError(
            f"layers, d_model and seq_len go together for the attention term (got only {', '.join(given)})",
            arg=given[0])
    flops = flops_per_param_token * params * tokens
    if layers is not None:
        flops = flops + 12.0 * layers * d_model * seq_len * tokens
    return flops


@quantity(params=MODEL_SIZE, tokens_per_param=POSITIVE)
def chinchilla_tokens(params, tokens_per_param=20.0):
    """Compute-optimal training tokens: about 20 per parameter (Hoffmann et al. 2022,
    "Training Compute-Optimal Large Language Models", Table 3: 70B params -> 1.4T tokens)."""
    return params * tokens_per_param


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION)
def gpu_seconds(flops, peak_tflops, mfu=DEFAULT_MFU):
    """Seconds one GPU needs: FLOPs over sustained FLOP/s (peak * 1e12 * mfu)."""
    return flops / (peak_tflops * 1e12 * mfu)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION)
def gpu_hours(flops, peak_tflops, mfu=DEFAULT_MFU):
    """GPU-hours: flops / (peak * mfu * 3600)."""
    return flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_HOUR)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION)
def gpu_days(flops, peak_tflops, mfu=DEFAULT_MFU):
    """GPU-days: flops / (peak * mfu * 86400). The seed's GPT-3 on A100: 25,293."""
    return flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_DAY)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, gpus=WHOLE, mfu=FRACTION)
def train_days(flops, peak_tflops, gpus, mfu=DEFAULT_MFU):
    """Wall-clock days on `gpus` GPUs, assuming the MFU already prices in the scaling loss."""
    return flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_DAY) / gpus


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, days=POSITIVE, mfu=FRACTION)
def gpus_needed(flops, peak_tflops, days, mfu=DEFAULT_MFU):
    """Whole GPUs to finish in `days` wall-clock days (rounded up: 0.1 of a GPU is a GPU)."""
    return ceil_whole(flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_DAY) / days)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, usd_per_gpu_hour=POSITIVE, mfu=FRACTION)
def train_cost(flops, peak_tflops, usd_per_gpu_hour, mfu=DEFAULT_MFU):
    """USD: GPU-hours times the rental (or amortised ownership) price per GPU-hour."""
    return flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_HOUR) * usd_per_gpu_hour


DEFAULT_PUE = 1.2  # data-centre power usage effectiveness; hyperscalers report 1.1-1.2
PUE = Rule(">= 1 and <= 3", lo=1.0, hi=3.0)  # below 1 is impossible; above 3 is a typo


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, tdp_w=POSITIVE, mfu=FRACTION,
          pue=PUE)
def train_energy_mwh(flops, peak_tflops, tdp_w, mfu=DEFAULT_MFU, pue=DEFAULT_PUE):
    """MWh at the wall: GPU-hours * board TDP (datasheet) * PUE / 1e6.

    An upper-end estimate for the GPUs alone: boards run below TDP at typical MFU, while host
    CPUs, network and storage (not counted) add back a similar share.
    """
    return flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_HOUR) * tdp_w * pue / 1e6
