"""Parallel layouts as deployed, and mixture-of-experts serving over expert parallelism (issue 20, items 2 and 5).
The step's physics and its constants are engine.moe's (a leaf module the serving bundle also uses); this module
types and checks layouts and searches the serving batch of an expert-parallel instance.

A layout is typed as text, the way serving engines and papers name it:
- "TP8": one tensor-parallel group of 8 GPUs (attention and MLP sharded; two all-reduces per layer, Megatron-LM).
- "EP32": 32 GPUs, experts spread over them (expert parallelism), attention data-parallel: each GPU holds its own
  attention, dense layers and shared experts and serves its own sequences (DeepSeek's "Routed Expert EP32,
  MLA/Shared Expert DP32"; SGLang's and TensorRT-LLM's "DP attention").
- "TP4 EP8": 8 GPUs; attention tensor-parallel over 4 GPUs in 8 / 4 = 2 data-parallel replicas, experts over 8.
The instance has EP GPUs when EP is given (EP a multiple of TP), else TP. DeepSeek's published layouts are "EP32"
(prefill, 4 nodes of 8 H800) and "EP144" (decode, 18 nodes).

A step of an expert-parallel instance, on its busiest GPU (every GPU waits for it at each all-to-all):
- reads its share of the weights: the dense part (attention, dense layers, shared experts, embeddings) over the TP
  group, its routed experts (routed / EP, each read if some token picks it), and its sequences' KV cache;
- computes its share of the dense FLOPs and attention, and the expert FLOPs of the tokens routed to it, times the
  routing imbalance (DEFAULT_EXPERT_IMBALANCE); the GEMMs take the longer of their FLOPs and the weights' read, then
  the attention the longer of its FLOPs and the cache's (two kernels in turn, engine.inference.DECODE_KERNELS);
- sends and receives each MoE layer's dispatch (FP8 activations, one copy per chosen expert) and combine (BF16)
  all-to-all: over NVLink to the GPUs of its scale-up domain, over its scale-out NIC to the others
  (catalog/platforms.csv), at A2A_EFFICIENCY of the link;
- overlaps the all-to-all with compute by splitting the batch into MICRO_BATCHES micro-batches where that pays, as
  the published expert-parallel systems do (DeepSeek's dual micro-batch in prefill and 5-stage pipeline in decode,
  SGLang's two-batch overlap): OVERLAP_SHARE of the shorter of work and all-to-all is hidden, and each micro-batch
  reads the weights again; the faster of one batch and two micro-batches is taken.
The tensor-parallel all-reduces inside each attention replica (TP > 1) are the dense path's (comm_seconds).

Grouped GEMMs at few tokens per expert: a routed expert that receives m tokens in a step costs the larger of
reading its weights and 2 x its parameters x m FLOPs, so at small m the expert kernels are bound by bandwidth
(reading weights for a handful of tokens), far below the peak; the roofline of the expert part captures it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flopsheet.engine.inference import USABLE_FRACTION, comm_seconds
from flopsheet.engine.moe import (
    A2A_EFFICIENCY,
    COMBINE_BYTES,
    DEFAULT_EXPERT_IMBALANCE,
    DISPATCH_BYTES_FP8,
    GROUPED_GEMM_HALF_TOKENS,
    MICRO_BATCHES,
    OVERLAP_SHARE,
    all_to_all_seconds,
    expert_parallel_seconds,
    grouped_gemm_efficiency,
    moe_split,
    remote_domains,
)
from flopsheet.engine.tensor_parallel import SCALE_UP_GPUS, degrees_text, is_valid_degree
from flopsheet.errors import FlopsheetError, show_number

_TOKEN = re.compile(r"^(TP|EP)(\d+)$", re.IGNORECASE)
EXAMPLES = '"TP8", "EP32" or "TP4 EP8"'


@dataclass(frozen=True)
class Layout:
    """A parallel layout: tensor-parallel degree of attention (tp) and expert-parallel degree (ep; 0 = none)."""

    tp: int = 1
    ep: int = 0

    @property
    def gpus(self) -> int:
        """GPUs in one instance: EP when experts are spread, else the TP group."""
        return max(self.tp, self.ep)

    @property
    def replicas(self) -> int:
        """Data-parallel attention replicas in the instance (EP / TP)."""
        return self.gpus // self.tp

    def __str__(self) -> str:
        return " ".join(
            ([f"TP{self.tp}"] if self.tp > 1 or not self.ep else []) + ([f"EP{self.ep}"] if self.ep else [])
        )


def parse_layout(text: str) -> Layout:
    """The Layout a user typed: "TP<n>", "EP<n>" or both, separated by spaces or commas (case ignored)."""
    if not isinstance(text, str) or not text.strip():
        raise FlopsheetError(f"layout is empty; type {EXAMPLES}", arg="layout")
    found: dict[str, int] = {}
    for token in re.split(r"[\s,;]+", text.strip()):
        m = _TOKEN.match(token)
        if not m:
            raise FlopsheetError(
                f"layout {text!r}: {token!r} is not a degree; type TP<n> (tensor parallel) and/or EP<n> "
                f"(expert parallel), e.g. {EXAMPLES}",
                arg="layout",
            )
        kind, n = m.group(1).upper(), int(m.group(2))
        if kind in found:
            raise FlopsheetError(f"layout {text!r} gives {kind} twice; type each degree once", arg="layout")
        if n < 1:
            raise FlopsheetError(f"layout {text!r}: {kind}{n} must be at least 1", arg="layout")
        found[kind] = n
    tp, ep = found.get("TP", 1), found.get("EP", 0)
    if ep and ep % tp:
        raise FlopsheetError(
            f"layout {text!r}: EP{ep} is not a multiple of TP{tp}; the EP GPUs hold whole attention replicas of "
            f"TP GPUs each (e.g. TP{max(d for d in range(1, tp + 1) if ep % d == 0)} EP{ep}, keeping EP{ep}, or "
            f"TP{tp} EP{tp * max(1, round(ep / tp))})",
            arg="layout",
        )
    return Layout(tp=tp, ep=ep)


def check_layout(
    layout: Layout,
    *,
    model: str,
    heads: int,
    kv_heads: int,
    experts: int,
    gpu: str,
    scaleup_gpus: int | None,
    scaleout_gbs: float | None,
) -> None:
    """Refuse a layout the model or the platform cannot run, naming the valid degrees (arg "layout")."""
    # engine.tensor_parallel's rule, the serving functions' own: heads and KV heads split evenly, inside the
    # platform's scale-up domain (no platform row: its SCALE_UP_GPUS, an 8-GPU HGX node)
    domain = float(scaleup_gpus or 0)
    if not is_valid_degree(float(layout.tp), float(heads or 0), float(kv_heads or 0), domain):
        where = (
            f"scale-up domain: {scaleup_gpus} GPUs, catalog/platforms.csv"
            if scaleup_gpus
            else f"no platform row in catalog/platforms.csv: a {SCALE_UP_GPUS}-GPU scale-up domain assumed"
        )
        raise FlopsheetError(
            f"TP{layout.tp} is not a valid tensor-parallel degree for {model} on the {gpu} ({where}); valid: "
            + degrees_text(heads or 0, kv_heads or 0, domain, prefix="TP"),
            arg="layout",
        )
    if not layout.ep:
        return
    if not experts:
        raise FlopsheetError(f"EP{layout.ep} needs a mixture of experts; {model} is dense: use TP only", arg="layout")
    if layout.ep > experts:
        raise FlopsheetError(
            f"EP{layout.ep} spreads {model}'s {experts} experts over more GPUs than it has experts; use EP <= {experts}",
            arg="layout",
        )
    if scaleup_gpus is None:
        raise FlopsheetError(
            f"the {gpu} has no row in the platform catalog (catalog/platforms.csv), so the network an expert "
            "all-to-all crosses is unknown; use a layout without EP or a GPU with a platform row",
            arg="layout",
        )
    if layout.ep > scaleup_gpus and not scaleout_gbs:
        raise FlopsheetError(
            f"EP{layout.ep} spans more than one {scaleup_gpus}-GPU scale-up domain, and the {gpu}'s scale-out "
            f"network is not published for its platform (catalog/platforms.csv): use EP <= {scaleup_gpus}",
            arg="layout",
        )


def ep_forward_seconds(*, layers, d_model, tokens, tp, gpus, nvlink_gbs, allreduce_us, **kw):
    """Seconds of one forward pass of an expert-parallel instance (engine.moe.expert_parallel_seconds), with the
    TP group's all-reduces over each attention replica's tokens (engine.inference.comm_seconds)."""
    tp_comm = comm_seconds(layers, d_model, tokens / (gpus / tp), tp, nvlink_gbs, allreduce_us)
    return expert_parallel_seconds(
        layers=layers,
        d_model=d_model,
        tokens=tokens,
        tp=tp,
        gpus=gpus,
        nvlink_gbs=nvlink_gbs,
        allreduce_us=allreduce_us,
        tp_comm_s=tp_comm,
        **kw,
    )


def weights_per_gpu_gb(params, total_params, expert_share, bytes_per_param, tp, gpus):
    """GB of weights each GPU of the instance holds: the dense part over the TP group, routed experts over EP."""
    dense, routed = moe_split(params, total_params, expert_share)
    return (dense / tp + routed / gpus) * bytes_per_param / 1e9


def largest_ep_batch(step_s, free_gb_per_gpu, kv_gb_per_sequence, gpus, latency_s, cap=1 << 20):
    """The largest whole batch of the instance whose step (step_s(batch), seconds) stays within latency_s and whose
    KV cache (kv_gb_per_sequence each, spread over the instance's GPUs) fits the memory left beside the weights."""
    by_memory = cap if kv_gb_per_sequence <= 0 else math.floor(free_gb_per_gpu * gpus / kv_gb_per_sequence)
    hi = max(1, min(cap, by_memory))
    if step_s(hi) <= latency_s:
        return float(hi)
    lo = 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if step_s(mid) <= latency_s:
            lo = mid
        else:
            hi = mid - 1
    return float(lo)


def ep_serving(
    *,
    prompt_tokens,
    output_tokens,
    kv_gb_per_sequence,
    attn_flops_per_sequence,
    prefill_attn_flops,
    memory_gb,
    latency_ms,
    prefill_mfu,
    decode_mfu,
    batch=None,
    step_s=None,
    prefill_s=None,
    **model_and_platform,
):
    """An expert-parallel instance serving requests of prompt_tokens in and output_tokens out, as SERVING_GPUS
    sizes a replica (engine.inference.serving_gpus): it decodes at the largest batch whose step stays within
    latency_ms and whose KV cache (kv_gb_per_sequence each, the running context's) fits beside each GPU's weights
    in usable memory; each request also costs the instance its prefill (one prompt per GPU at a time, compute at
    prefill_mfu; prefill_attn_flops: one prompt's causal attention). `model_and_platform`: ep_forward_seconds'
    other arguments (params ... allreduce_us, not tokens/attn_flops/kv_gb/mfu). A published `batch` (of the
    instance) replaces the search: it must fit in memory, and the latency target does not apply.
    Returns (batch, decode step s, instance-seconds of prefill per request, output tokens/s of the instance)."""
    kw = model_and_platform
    gpus, tp = kw["gpus"], kw["tp"]
    if step_s is None:  # the step of `n` sequences; the serving bundle hands its own (engine.inference)

        def step_s(n):
            return float(
                ep_forward_seconds(
                    tokens=n, attn_flops=n * attn_flops_per_sequence, kv_gb=n * kv_gb_per_sequence, mfu=decode_mfu, **kw
                )
            )

    if prefill_s is None:  # seconds to prefill `n` prompts of `p` tokens

        def prefill_s(p, n):
            return float(
                ep_forward_seconds(tokens=p * n, attn_flops=n * prefill_attn_flops, kv_gb=0.0, mfu=prefill_mfu, **kw)
            )

    weights = weights_per_gpu_gb(kw["params"], kw["total_params"], kw["expert_share"], kw["bytes_per_param"], tp, gpus)
    free = memory_gb * USABLE_FRACTION - float(weights)
    if free <= 0:
        raise FlopsheetError(
            f"the weights take {float(weights):.1f} GB of each GPU, more than the usable {USABLE_FRACTION:g} of "
            f"{memory_gb:g} GB; spread the experts over more GPUs (a larger EP)",
            arg="layout",
        )
    if kv_gb_per_sequence > free * gpus:
        raise FlopsheetError(
            f"one sequence's KV cache ({kv_gb_per_sequence:.2f} GB at prompt_tokens + half the output_tokens) does not "
            f"fit in the {free * gpus:.1f} GB the weights leave; use a larger EP or a shorter request",
            arg="layout",
        )
    if batch is not None:  # a published batch: it must fit; no latency target
        if batch * kv_gb_per_sequence > free * gpus:
            raise FlopsheetError(
                f"a batch of {show_number(batch)} sequences needs {show_number(round(batch * kv_gb_per_sequence, 1))} GB "
                f"of KV cache, more than the {free * gpus:.1f} GB the weights leave; the largest that fits is "
                f"{int(free * gpus / kv_gb_per_sequence)}",
                arg="batch",
            )
        step = step_s(batch)
    else:
        batch = largest_ep_batch(step_s, free, kv_gb_per_sequence, gpus, latency_ms / 1e3)
        step = step_s(batch)
        if step > latency_ms / 1e3:
            raise FlopsheetError(
                f"even one sequence takes {step * 1e3:.2f} ms per token in this layout, over the {latency_ms:g} ms "
                "target; raise latency_ms",
                arg="latency_ms",
            )
    prefill = prefill_s(prompt_tokens, gpus) / gpus if prompt_tokens > 0 else 0.0  # one prompt per GPU at a time
    busy = prefill + output_tokens * step / batch  # instance-seconds per request
    return batch, step, prefill, output_tokens / busy


__all__ = [
    "A2A_EFFICIENCY",
    "COMBINE_BYTES",
    "DEFAULT_EXPERT_IMBALANCE",
    "DISPATCH_BYTES_FP8",
    "MICRO_BATCHES",
    "OVERLAP_SHARE",
    "USABLE_FRACTION",
    "Layout",
    "all_to_all_seconds",
    "check_layout",
    "ep_forward_seconds",
    "ep_serving",
    "grouped_gemm_efficiency",
    "GROUPED_GEMM_HALF_TOKENS",
    "largest_ep_batch",
    "moe_split",
    "parse_layout",
    "remote_domains",
    "weights_per_gpu_gb",
]
