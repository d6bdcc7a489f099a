"""Money: buying, powering and owning GPUs, training cost two ways, serving cost per token.

Prices are arguments (the dated, sourced price table is flopsheet.catalog.prices); the figures
here are the cited multiples that turn a GPU price and a TDP into a cluster's:

- CAPEX_OVERHEAD 1.44: servers (host CPUs, memory, chassis) and cluster interconnect on top of
  the accelerators. Derived from Cottier, Rahman et al. 2024, "The rising costs of training
  frontier AI models" (Epoch AI, arXiv:2405.21015), abstract: of amortised hardware + energy,
  server components are 15-22%, cluster-level interconnect 9-13%, energy 2-6%, the rest chips;
  at the midpoints chips are 66.5% and servers + network 29.5%, so (66.5 + 29.5) / 66.5 = 1.44
  (1.32-1.59 across the ranges). An estimate; the building is not in it.
- Power is per accelerator of its server or rack (`server_w`, W): the platform's maximum system
  power over its accelerators, host CPUs, NICs, switches and fans included (the catalog's server_w:
  DGX H100 10.2 kW / 8 = 1275 W; DGX B200 14.3 kW / 8; GB200 NVL72 132 kW / 72). That is IT power;
  facility power is IT power x PUE (cooling, power conversion). The "150 MW for 100k H100s"
  analysts quote is IT power of the whole cluster (storage and the network's switches too):
  100,000 x 1275 W = 127.5 MW of servers, 153 MW x PUE 1.2. Maxima, so upper bounds (a DGX
  H100's typical draw is lower, 6.5-8.5 kW as reported).
- SERVER_POWER_FACTOR 1.82: a server's power per watt of GPU TDP for a chip whose platform has no
  vendor figure (the catalog marks such server_w "ESTIMATE"): the DGX H100's 10200 / (8 x 700).
- DEFAULT_YEARS 3.1: Epoch AI's amortisation. Cottier et al. depreciate hardware at 0.14
  orders of magnitude per year (ML GPU price-performance), amortised cost = value x hours /
  8760 x r ln 10 = value x hours / (8760 x 3.10 years); 3.1 here.
"""

from __future__ import annotations

import numpy as np

from flopsheet.engine._checks import (
    FRACTION,
    NONNEGATIVE,
    POSITIVE,
    RATE,
    SERVER_W,
    SHARE,
    USD_PER_GPU,
    USD_PER_GPU_HOUR,
    USD_PER_KW_MONTH,
    USD_PER_KWH,
    WHOLE,
    WHOLE_OR_ZERO,
    YEARS,
    Rule,
    quantity,
)
from flopsheet.engine.inference import (
    BATCH_SEARCHABLE,
    BLANK_CONDITIONS,
    CONTEXT_HELD,
    CONTEXT_TOKENS,
    DECODE_RULES,
    DEFAULT_ALLREDUCE_US,
    DEFAULT_BW_EFFICIENCY,
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_PREFILL_MFU,
    HOST_SERIAL_SHARE,
    MAX_BATCH,
    Serving,
    decode_ms_unchecked,
    host_serial_share,
    host_step_ms,
    host_us_used,
    prefill_s_unchecked,
    serving_blanks,
    serving_setup,
)
from flopsheet.engine.training import (
    DEFAULT_GOODPUT,
    DEFAULT_MFU,
    DEFAULT_PUE,
    PUE,
    SECONDS_PER_HOUR,
    TRAIN_MFU,
    gpu_hours,
)

HOURS_PER_YEAR = 8760.0
CAPEX_OVERHEAD = 1.44
SERVER_POWER_FACTOR = 10200.0 / (8 * 700.0)  # 1.821...: DGX H100 10.2 kW for 8 x 700 W GPUs
DEFAULT_YEARS = 3.1  # Epoch AI's 0.14 OOM/year depreciation: 1 / (0.14 ln 10) = 3.102 years, rounded
BLENDED_OUTPUT_SHARE = 0.25  # "blended" price: 3 input tokens per output token (Artificial Analysis)

MULTIPLE = Rule(">= 1 and <= 10", lo=1.0, hi=10.0)  # an overhead below 1 would drop the GPUs themselves

# The serving cost calls the engine's decode step and prefill (flopsheet.engine.inference), not a
# copy of their arithmetic, so it follows any change to the serving model (issue 13: MoE, prefill,
# tensor-parallel all-reduces).
_gpu_hours = gpu_hours.formula.fn


@quantity(gpus=WHOLE, usd_per_gpu=USD_PER_GPU, overhead=MULTIPLE)
def cluster_capex(gpus, usd_per_gpu, overhead=CAPEX_OVERHEAD):
    """USD to buy a cluster: GPUs x price per GPU x overhead (servers and network, see module)."""
    return gpus * usd_per_gpu * overhead


@quantity(gpus=WHOLE, server_w=SERVER_W, pue=PUE)
def fleet_power_mw(gpus, server_w, pue=DEFAULT_PUE):
    """Facility power in MW: GPUs x their server's power per GPU (IT power) x PUE / 1e6."""
    return gpus * server_w * pue / 1e6


@quantity(gpus=WHOLE, server_w=SERVER_W)
def it_power_mw(gpus, server_w):
    """IT power in MW: GPUs x their server's power per GPU / 1e6 (no cooling: PUE 1)."""
    return gpus * server_w / 1e6


@quantity(mw=NONNEGATIVE, usd_per_kwh=USD_PER_KWH, hours=POSITIVE)
def energy_cost_usd(mw, usd_per_kwh, hours=HOURS_PER_YEAR):
    """USD of electricity: MW x 1000 kW/MW x hours x $/kWh (default hours: a year, 8760)."""
    return mw * 1000.0 * hours * usd_per_kwh


def _tco(usd_per_gpu, years, server_w, usd_per_kwh, overhead, pue, utilization):
    capex_per_hour = usd_per_gpu * overhead / (years * HOURS_PER_YEAR)
    energy_per_hour = server_w * pue / 1000.0 * usd_per_kwh
    return (capex_per_hour + energy_per_hour) / utilization


def capital_recovery(rate, years):
    """The share of a price paid back each year over `years` at cost of capital `rate`: the
    annuity factor r / (1 - (1 + r)^-years) (Brealey, Myers & Allen, Principles of Corporate
    Finance, the equivalent annual cost); 1 / years when rate is 0 (straight line)."""
    if type(rate) is float and type(years) is float:  # the scalar path: plain floats
        return rate / (1.0 - (1.0 + rate) ** -years) if rate > 0 else 1.0 / years
    rate, years = np.asarray(rate, dtype=float), np.asarray(years, dtype=float)
    r = np.where(rate > 0, rate, 1.0)  # a stand-in where the rate is 0 (that branch is not taken)
    with np.errstate(all="ignore"):
        return np.where(rate > 0, r / (1.0 - (1.0 + r) ** -years), 1.0 / years)


@quantity(
    usd_per_gpu=USD_PER_GPU,
    years=YEARS,
    server_w=SERVER_W,
    usd_per_kwh=USD_PER_KWH,
    overhead=MULTIPLE,
    pue=PUE,
    utilization=FRACTION,
    cost_of_capital=RATE,
    usd_per_kw_month=USD_PER_KW_MONTH,
)
def gpu_tco_per_hour(
    usd_per_gpu,
    years,
    server_w,
    usd_per_kwh,
    overhead=CAPEX_OVERHEAD,
    pue=DEFAULT_PUE,
    utilization=1.0,
    cost_of_capital=0.0,
    usd_per_kw_month=0.0,
):
    """USD per useful GPU-hour of owning a GPU: its share of the cluster's capex over `years`
    (straight line, or with a capital charge at `cost_of_capital`: the equivalent annual cost),
    plus its server's energy at the wall, plus data-centre space and power at `usd_per_kw_month`
    per kW of the server's power, divided by the share of hours it works. The figure to set
    beside a rental price (Cottier et al. 2024's amortised hardware + energy, and a finance
    team's capital charge and colocation)."""
    capex_per_hour = usd_per_gpu * overhead * capital_recovery(cost_of_capital, years) / HOURS_PER_YEAR
    kw = server_w / 1000.0
    energy_per_hour = kw * pue * usd_per_kwh
    space_per_hour = kw * usd_per_kw_month * 12.0 / HOURS_PER_YEAR
    return (capex_per_hour + energy_per_hour + space_per_hour) / utilization


@quantity(
    flops=POSITIVE,
    peak_tflops=POSITIVE,
    usd_per_gpu=USD_PER_GPU,
    server_w=SERVER_W,
    usd_per_kwh=USD_PER_KWH,
    years=YEARS,
    mfu=FRACTION,
    overhead=MULTIPLE,
    pue=PUE,
    goodput=FRACTION,
)
def train_cost_amortised(
    flops,
    peak_tflops,
    usd_per_gpu,
    server_w,
    usd_per_kwh,
    years=DEFAULT_YEARS,
    mfu=TRAIN_MFU,
    overhead=CAPEX_OVERHEAD,
    pue=DEFAULT_PUE,
    goodput=DEFAULT_GOODPUT,
):
    """USD to train on owned hardware (Epoch AI's method, Cottier et al. 2024): GPU-hours (GPU_HOURS,
    with its goodput: wall-clock hours lost to failures and restarts are paid too) x the
    amortised hardware cost per GPU-hour plus energy, every hour of the run counted."""
    return _gpu_hours(flops, peak_tflops, mfu, goodput) * _tco(
        usd_per_gpu, years, server_w, usd_per_kwh, overhead, pue, 1.0
    )


def _cost_per_mtok(
    setup: Serving,
    usd_per_gpu_hour,
    output_share,
    load,
    batch,
    kv_gb,
    prompt_tokens,
    attn_flops=0.0,
    host_us=0.0,
    host_serial=HOST_SERIAL_SHARE,
):
    fleet_usd_per_hour = setup.gpus * usd_per_gpu_hour
    # Output: one decode step of the serving model (DECODE_MS: the weights the batch touches,
    # MoE-aware, and the KV cache, or the FLOPs, whichever is slower, plus the tensor-parallel
    # all-reduces) gives `batch` tokens; with the server's CPU time, host_us a sequence (host_step_ms).
    step_ms = host_step_ms(decode_ms_unchecked(setup, batch, kv_gb, attn_flops), batch, host_us, host_serial)
    decode_tps = batch / (step_ms / 1e3)
    # Input: the prefill of `batch` prompts of `prompt_tokens` (TTFT_SECONDS: their FLOPs with causal
    # attention for a catalog model, or reading the weights they touch, plus the all-reduces).
    prefill_tps = prompt_tokens * batch / prefill_s_unchecked(setup, prompt_tokens, batch)
    output = fleet_usd_per_hour / (decode_tps * SECONDS_PER_HOUR * load) * 1e6
    input_ = fleet_usd_per_hour / (prefill_tps * SECONDS_PER_HOUR * load) * 1e6
    return output_share * output + (1.0 - output_share) * input_


DEFAULT_PROMPT_TOKENS = 1000.0  # the Inference sheet's chat prompt; the prefill's per-token cost barely moves with it


@quantity(
    CONTEXT_HELD,
    BATCH_SEARCHABLE,
    *BLANK_CONDITIONS,
    context_tokens=CONTEXT_TOKENS,
    usd_per_gpu_hour=USD_PER_GPU_HOUR,
    output_share=SHARE,
    load=FRACTION,
    prompt_tokens=WHOLE,
    attn_dim=WHOLE_OR_ZERO,
    prefill_mfu=FRACTION,
    max_batch=MAX_BATCH,
    host_us=NONNEGATIVE,
    host_serial=SHARE,
    **DECODE_RULES,
)
def cost_per_mtok(
    params,
    peak_tflops,
    bandwidth_tbs,
    memory_gb,
    usd_per_gpu_hour,
    output_share=1.0,
    load=1.0,
    batch=None,
    bytes_per_param=2.0,
    gpus=None,
    kv_gb=None,
    bw_efficiency=DEFAULT_BW_EFFICIENCY,
    mfu=DEFAULT_MFU,
    total_params=0.0,
    expert_share=0.0,
    expert_cost=0.0,
    layers=0.0,
    d_model=0.0,
    attn_dim=0.0,
    interconnect_gbs=0.0,
    allreduce_us=DEFAULT_ALLREDUCE_US,
    prompt_tokens=DEFAULT_PROMPT_TOKENS,
    prefill_mfu=DEFAULT_PREFILL_MFU,
    peak_share=1.0,
    bw_share=1.0,
    attn_cost=1.0,
    context_tokens=DEFAULT_CONTEXT_TOKENS,
    heads=0.0,
    kv_heads=0.0,
    values_per_token_layer=0.0,
    full_layers=0.0,
    sliding_layers=0.0,
    sliding_window=0.0,
    decode_attn_dim=0.0,
    context=0.0,
    max_batch=None,
    host_us=None,
    host_serial=None,
):
    """USD per million tokens served by one replica of `gpus` GPUs (tensor parallel) at
    `usd_per_gpu_hour` each, busy `load` of the time, on the serving model of flopsheet.engine.inference:
    output tokens at DECODE_MS's step (MoE weights read, KV cache, all-reduces), input (prompt) tokens
    at TTFT_SECONDS' prefill (prefill_mfu) of `batch` prompts of `prompt_tokens`, mixed by `output_share` (1 output,
    0 input, 0.25 blended 3:1). Fleet cost per hour = cost per token x tokens served per hour. Blank batch: the
    serving batch (at most max_batch, the serving engine's limit); blank gpus: the fewest valid GPUs that hold the model; blank kv_gb: a catalog model's own
    cache at context_tokens (engine.inference.serving_blanks). host_us: the serving engine's CPU time per running
    sequence per step, host_serial of it on the step's critical path (host_step_ms; blank: none, and vLLM's share)."""
    kw = serving_blanks(locals())
    b = kw["batch"]
    host = host_us_used(host_us), host_serial_share(host_serial)
    return _cost_per_mtok(
        serving_setup(kw), usd_per_gpu_hour, output_share, load, b, kw["kv_gb"], prompt_tokens, kw["attn_flops"], *host
    )


@quantity(price=POSITIVE, cost=NONNEGATIVE)
def gross_margin(price, cost):
    """Gross margin as a fraction of the price: (price - cost) / price (negative: a loss)."""
    return (price - cost) / price


__all__ = [
    "BLENDED_OUTPUT_SHARE",
    "CAPEX_OVERHEAD",
    "DEFAULT_PROMPT_TOKENS",
    "DEFAULT_YEARS",
    "HOURS_PER_YEAR",
    "SERVER_POWER_FACTOR",
    "cluster_capex",
    "cost_per_mtok",
    "energy_cost_usd",
    "fleet_power_mw",
    "gpu_tco_per_hour",
    "gross_margin",
    "it_power_mw",
    "train_cost_amortised",
]
