"""Tensor-parallel degrees a serving engine accepts, and the fewest GPUs that hold a model.

One rule, used by every serving function (issue 20, items 2 and 6) and by expert/data-parallel layouts:

- A degree must divide the model's attention heads: each GPU computes heads / degree of them. vLLM refuses
  anything else ("Total number of attention heads (64) must be divisible by tensor parallel size (3)",
  vllm/config.py ModelConfig.verify_with_parallel_config; TensorRT-LLM and LMDeploy assert the same).
- Its key/value heads must split evenly or be replicated evenly: kv_heads % degree == 0 when the degree is
  at most kv_heads, else degree % kv_heads == 0 (each KV head copied on degree / kv_heads GPUs; vLLM's
  QKVParallelLinear and every GQA model file, e.g. vllm/model_executor/models/llama.py LlamaAttention).
  An MLA model caches one latent per token (kv_heads = 1), which any degree replicates.
- A degree stays inside one scale-up (NVLink) domain: the all-reduces of every layer run over NVLink, not the
  scale-out network. An HGX/DGX node joins 8 GPUs by NVLink (NVIDIA DGX H100/B200 user guides: 8 GPUs, 4th/5th
  generation NVSwitch), so SCALE_UP_GPUS = 8 unless the GPU catalog gives the part's own domain
  (`scale_up_gpus`, e.g. 72 for a GB200 NVL72 rack) . Read 2026-12-06.

A plain parameter count ("70B") has no heads: only the domain bounds its degree (heads = 0: unknown).

Where the domain comes from (2026-12-06):
- the layouts (engine.parallel.check_layout, "TP16" on a GB200): the GPU's platform row (catalog/platforms.csv,
  72 for an NVL72 rack); a GPU with no row: SCALE_UP_GPUS.
- the serving functions (DECODE_MS ... COST_PER_MTOK: the typed-degree check TP_DEGREE and the blank-gpus default
  of engine.inference.serving_blanks): SCALE_UP_GPUS for every GPU, for now. Their hand-off twins must give the
  same numbers, and a 72-GPU domain adds degrees above 8 that catalog models need: DeepSeek-V3/R1 in BF16 (1,342
  GB) is held by no 8 GB200s (8 x 0.9 x 186 = 1,339.2 GB) but by 16, Kimi K2 (2,000 GB) by 16. The twins' blank
  chain (functions.inference.with_fewest_gpus) tries each degree in turn (two cells a degree), so 72 degrees
  would be 144 cells per function, and the hand-off GPUs sheet holds no platform column for the twins' typed
  check to read. So the serving functions keep the 8-GPU domain (their message says so and names FP8 as the way
  out); tests/engine/test_tensor_parallel.py pins both the reason and the behaviour.
"""

from __future__ import annotations

import math

import numpy as np

from flopsheet.engine._checks import show

SCALE_UP_GPUS = 8  # GPUs one NVLink domain joins in an HGX/DGX node (see the module docstring)


def domain_of(scale_up_gpus) -> np.ndarray | float:
    """The scale-up domain: the catalog's figure, or SCALE_UP_GPUS where it has none (0)."""
    if isinstance(scale_up_gpus, (int, float, np.floating)) and not isinstance(scale_up_gpus, np.ndarray):
        return float(scale_up_gpus) if scale_up_gpus and scale_up_gpus > 0 else float(SCALE_UP_GPUS)
    s = np.asarray(0.0 if scale_up_gpus is None else scale_up_gpus, dtype=float)
    return np.where(s > 0, s, float(SCALE_UP_GPUS))


_PLAIN = (float, int, np.float64)


def _valid_one(d: float, h: float, k: float, domain: float) -> bool:
    """is_valid_degree on plain numbers (a scalar call builds no array)."""
    if not (d >= 1 and d == int(d) and d <= domain):
        return False
    if h > 0 and h % d:
        return False
    return not (k > 0 and (k % d if d <= k else d % k))


def is_valid_degree(degree, heads=0.0, kv_heads=0.0, scale_up_gpus=0.0):
    """True where `degree` GPUs may hold one tensor-parallel copy of a model with `heads` attention heads and
    `kv_heads` key/value heads (0: unknown, not checked) in a scale-up domain of `scale_up_gpus` (0: the
    default 8). Elementwise over arrays."""
    heads = 0.0 if heads is None else heads
    kv_heads = 0.0 if kv_heads is None else kv_heads
    if all(type(x) in _PLAIN for x in (degree, heads, kv_heads, scale_up_gpus)):
        return _valid_one(float(degree), float(heads), float(kv_heads), domain_of(float(scale_up_gpus)))
    d = np.asarray(degree, dtype=float)
    h = np.asarray(0.0 if heads is None else heads, dtype=float)
    k = np.asarray(0.0 if kv_heads is None else kv_heads, dtype=float)
    with np.errstate(all="ignore"):
        whole = (d >= 1) & (d == np.floor(d))
        safe = np.where(whole, d, 1.0)
        heads_ok = (h <= 0) | (np.fmod(h, safe) == 0)
        ksafe = np.where(k > 0, k, 1.0)
        kv_ok = (k <= 0) | np.where(safe <= k, np.fmod(k, safe) == 0, np.fmod(safe, ksafe) == 0)
        ok = whole & heads_ok & kv_ok & (d <= domain_of(scale_up_gpus))
    return bool(ok) if ok.ndim == 0 else ok


def valid_tp_degrees(heads=0.0, kv_heads=0.0, scale_up_gpus=0.0) -> list[int]:
    """The tensor-parallel degrees one model accepts (one model: scalars), smallest first."""
    top = int(domain_of(float(scale_up_gpus or 0.0)))
    return [d for d in range(1, top + 1) if is_valid_degree(float(d), heads, kv_heads, scale_up_gpus)]


def degree_rule(heads=0.0, kv_heads=0.0, scale_up_gpus=0.0) -> str:
    """The rule in words, for one model: "a tensor-parallel degree must divide its 64 attention heads, ..."."""
    why = []
    if heads and heads > 0:
        why.append(f"divide its {int(heads)} attention heads")
    if kv_heads and kv_heads > 1:
        why.append(f"split or replicate its {int(kv_heads)} KV heads evenly")
    why.append(f"stay within one {int(domain_of(float(scale_up_gpus or 0.0)))}-GPU NVLink domain")
    return "a tensor-parallel degree must " + ", ".join(why)


def degrees_text(heads=0.0, kv_heads=0.0, scale_up_gpus=0.0, prefix: str = "") -> str:
    """The valid degrees as a message lists them, with the reason: "1, 2, 4 or 8 (a tensor-parallel degree
    must ...)"; `prefix` before each ("TP" for a layout: "TP1, TP2 or TP4")."""
    degrees = [prefix + str(d) for d in valid_tp_degrees(heads, kv_heads, scale_up_gpus)]
    listed = degrees[0] if len(degrees) == 1 else ", ".join(degrees[:-1]) + " or " + degrees[-1]
    return f"{listed} ({degree_rule(heads, kv_heads, scale_up_gpus)})"


def degree_message(gpus, heads=0.0, kv_heads=0.0, scale_up_gpus=0.0) -> str:
    """Why a typed degree is refused, naming the valid ones."""
    return f"gpus = {show(float(gpus))} is not a valid tensor-parallel degree for this model; use " + degrees_text(
        heads, kv_heads, scale_up_gpus
    )


def fewest_gpus(need_gb, usable_gb, heads=0.0, kv_heads=0.0, scale_up_gpus=0.0):
    """The fewest valid tensor-parallel GPUs whose usable memory (`usable_gb` each) holds `need_gb`, a callable
    of the degree (the weights, plus a cache that tensor parallelism may replicate) or a number; NaN where no
    valid degree in the domain holds it. Elementwise over arrays."""
    need = need_gb if callable(need_gb) else (lambda d, n=need_gb: n)
    heads = 0.0 if heads is None else heads
    kv_heads = 0.0 if kv_heads is None else kv_heads
    if all(type(x) in _PLAIN for x in (usable_gb, heads, kv_heads, scale_up_gpus)):
        first = need(1.0)
        if type(first) in _PLAIN:  # one model, one GPU: the smallest valid degree that holds it, or NaN
            domain = domain_of(float(scale_up_gpus))
            for d in range(1, int(domain) + 1):
                if _valid_one(float(d), float(heads), float(kv_heads), domain) and need(float(d)) <= d * usable_gb:
                    return float(d)
            return math.nan
    dom = domain_of(scale_up_gpus)
    top = int(np.max(dom))
    out = None
    for d in range(top, 0, -1):  # from the largest, so the smallest valid degree that fits wins
        with np.errstate(all="ignore"):
            fits = is_valid_degree(float(d), heads, kv_heads, scale_up_gpus) & (need(float(d)) <= d * usable_gb)
        if out is None:
            out = np.where(fits, float(d), np.nan)
        else:
            out = np.where(fits, float(d), out)
    return out if np.ndim(out) else float(out)


__all__ = [
    "SCALE_UP_GPUS",
    "degree_message",
    "degree_rule",
    "degrees_text",
    "domain_of",
    "fewest_gpus",
    "is_valid_degree",
    "valid_tp_degrees",
]
