"""Parallel layouts as deployed, and mixture-of-experts serving over expert parallelism (issue 20, items 2 and 5).

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
  routing imbalance (DEFAULT_EXPERT_IMBALANCE);
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

import numpy as np

from flopsheet.engine.inference import USABLE_FRACTION, comm_seconds
from flopsheet.errors import FlopsheetError, show_number

# Share of a link's bandwidth an expert all-to-all reaches. DeepEP (deepseek-ai/DeepEP README, read 2026-12-06),
# H800 with one ConnectX-7 400 Gb/s (~50 GB/s) per GPU, DeepSeek-V3 settings (7168 hidden, top-8, FP8 dispatch,
# BF16 combine): low-latency kernels at 128 tokens 39-48 GB/s from EP32 to EP256 (0.78-0.96 of 50 GB/s), normal
# kernels 43-58 GB/s "bottleneck bandwidth" (RDMA), intranode 153-158 GB/s of ~160 GB/s NVLink. 0.8 is the low
# end of the scale-out figures (the low-latency kernels decode runs).
A2A_EFFICIENCY = 0.8
# Bytes per activation value sent: DeepSeek's inference system "dispatch transmissions adopt the FP8 format ...
# combine transmissions use the BF16 format" (open-infra-index, day 6, 2025-03-01); DeepEP's FP8 dispatch carries
# one FP32 scale per 128 values (4 / 128 bytes a value). With 16-bit weights the dispatch is BF16 too.
DISPATCH_BYTES_FP8 = 1.0 + 4.0 / 128.0
COMBINE_BYTES = 2.0
# Routing imbalance: tokens routed to the busiest GPU's experts over the mean. Routers do not spread tokens
# evenly: Switch Transformer (Fedus et al. 2021, arXiv:2101.03961, §2.1 and Table 1) sizes expert buffers with
# capacity factors 1.0-1.25 (and drops overflow, which serving cannot), GShard (Lepikhin et al. 2020,
# arXiv:2006.16668) 2.0; DeepSeek replicate heavy experts to even the GPUs' load (EPLB; "32 redundant experts"
# in prefill, open-infra-index day 6) and SGLang report EPLB's balance gains on measured loads (lmsys.org
# 2025-05-05). ESTIMATE: 1.25 after such balancing (Switch's larger capacity factor); it is also the best fit
# over the nine expert-parallel rows of tests/reference/measured.csv (summed |ln(predicted / measured)| 1.74,
# against 2.21 at 1.0, 1.86 at 1.15, 1.76 at 1.4, 1.83 at 1.6).
DEFAULT_EXPERT_IMBALANCE = 1.25
# Share of the shorter of compute and all-to-all the micro-batch overlap hides. Complete overlap would hide all
# of it; the published gains of two-batch overlap are smaller: SGLang report 27-35% more prefill throughput from
# it (lmsys.org 2025-05-05, as summarised at hackersqueeze.com, SECONDARY). ESTIMATE: half, which gives their
# setting (DeepSeek-V3, EP32 on H100 nodes, 2,000-token prompts) a 1.30x gain from the overlap
# (tests/engine/test_parallel.py); hiding 0.3 would give 1.16x, 0.7 1.45x.
OVERLAP_SHARE = 0.5
# Grouped GEMMs run below a large GEMM's rate at the tokens each expert receives (m): DeepGEMM's masked-layout
# grouped GEMMs (deepseek-ai/DeepGEMM README, H800, FP8, read 2026-12-06) reach 932, 1040 and 1233 TFLOPS at m =
# 256, 512 and 1024 tokens per expert (N 4096, K 7168) against 1288-1297 TFLOPS contiguous at 4096-8192: 0.72,
# 0.80, 0.95; not from memory traffic (at m = 256 the weights take half the kernel's time). m / (m + m_half)
# with m_half = 100 tokens passes through 0.72, 0.84, 0.91 (fit across the three).
GROUPED_GEMM_HALF_TOKENS = 100.0
MICRO_BATCHES = 2  # DeepSeek's dual micro-batch / SGLang's two-batch overlap (see the module docstring)

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
            f"TP GPUs each (e.g. TP{tp} EP{tp * max(1, round(ep / tp))})",
            arg="layout",
        )
    return Layout(tp=tp, ep=ep)


def valid_tp_degrees(heads: int, kv_heads: int, scaleup_gpus: int | None) -> list[int]:
    """Tensor-parallel degrees the engines accept: a divisor of the attention heads, and of the KV heads or a
    multiple of them (vLLM and TensorRT-LLM shard KV heads or replicate them whole; an MLA latent (one shared
    head) is replicated), within the scale-up domain (all-reduces every layer run over NVLink only)."""
    top = heads if scaleup_gpus is None else min(heads, scaleup_gpus)
    out = []
    for t in range(1, int(top) + 1):
        if heads % t:
            continue
        if kv_heads and kv_heads % t and t % kv_heads:
            continue
        out.append(t)
    return out


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
    if heads:
        valid = valid_tp_degrees(heads, kv_heads, scaleup_gpus)
        if layout.tp not in valid:
            domain = f" and fit the {scaleup_gpus}-GPU scale-up domain of the {gpu}" if scaleup_gpus else ""
            kv = f" (and divide or be a multiple of its {kv_heads} KV heads)" if 1 < kv_heads != heads else ""
            raise FlopsheetError(
                f"TP{layout.tp} is not a valid tensor-parallel degree for {model}: it must divide its {heads} "
                f"attention heads{kv}{domain}; valid: {', '.join(f'TP{t}' for t in valid)}",
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


def grouped_gemm_efficiency(tokens_per_expert):
    """Share of a large GEMM's rate a grouped expert GEMM reaches at `tokens_per_expert` rows:
    m / (m + GROUPED_GEMM_HALF_TOKENS) (DeepGEMM's measured masked-layout table)."""
    return tokens_per_expert / (tokens_per_expert + GROUPED_GEMM_HALF_TOKENS)


def moe_split(params, total_params, expert_share):
    """(dense, routed) parameters of a mixture of experts: active = dense + share x routed and total = dense +
    routed, so routed = (total - active) / (1 - share) (engine.inference.weights_read). DeepSeek-V3 (37B of 671B,
    8 of 256 routed experts): routed 654.5B, dense 16.5B (attention, 3 dense layers, shared experts, embeddings)."""
    total = np.where(total_params > 0, total_params, params)
    share = np.asarray(expert_share, dtype=float)
    with np.errstate(all="ignore"):
        routed = np.where(share > 0, (total - params) / (1.0 - np.where(share < 1, share, 0.5)), 0.0)
    return total - routed, routed


def remote_domains(experts_per_token, gpus, scaleup_gpus):
    """Expected scale-up domains other than its own that one token's experts_per_token experts fall in, experts
    spread evenly over the instance's gpus / scaleup_gpus domains and chosen independently: (n - 1) x
    (1 - (1 - 1/n)^k). A hierarchical all-to-all sends a token once to each such domain over the scale-out NIC
    and forwards it over NVLink inside (DeepEP's normal kernels: "forwarding data from NVLink domain to RDMA
    domain"; DeepSeek-V3 §3.2.2). EP32 on 8-GPU nodes, top-8: 2.7 copies leave the node instead of 6."""
    n = np.maximum(gpus / scaleup_gpus, 1.0)
    return (n - 1.0) * (1.0 - (1.0 - 1.0 / n) ** experts_per_token)


def all_to_all_seconds(
    tokens_per_gpu,
    experts_per_token,
    d_model,
    moe_layers,
    gpus,
    scaleup_gpus,
    nvlink_gbs,
    scaleout_gbs,
    dispatch_bytes=DISPATCH_BYTES_FP8,
    imbalance=DEFAULT_EXPERT_IMBALANCE,
):
    """Seconds of one step's expert all-to-alls on the busiest GPU: in each MoE layer a dispatch (each token to
    its experts_per_token experts, dispatch_bytes a value) and a combine (the results back, BF16). Every copy
    crosses NVLink once (nvlink_gbs, the catalog's bidirectional figure, halved); one copy per remote scale-up
    domain (remote_domains) crosses the scale-out NIC (scaleout_gbs, one direction); both at A2A_EFFICIENCY, the
    NIC and NVLink in parallel. The busiest GPU receives `imbalance` times the mean."""
    per_copy = tokens_per_gpu * imbalance * d_model * (dispatch_bytes + COMBINE_BYTES)
    with np.errstate(all="ignore"):
        nv = np.where(nvlink_gbs > 0, per_copy * experts_per_token / (nvlink_gbs / 2.0 * 1e9 * A2A_EFFICIENCY), np.inf)
        remote = remote_domains(experts_per_token, gpus, scaleup_gpus)
        out = np.where(
            remote > 0,
            per_copy * remote / (np.where(scaleout_gbs > 0, scaleout_gbs, np.nan) * 1e9 * A2A_EFFICIENCY),
            0.0,
        )
    return np.where(gpus > 1, moe_layers * np.maximum(nv, out), 0.0)


def ep_forward_seconds(
    *,
    params,
    total_params,
    expert_share,
    experts_per_token,
    d_model,
    layers,
    moe_layers,
    tokens,
    attn_flops,
    kv_gb,
    tp,
    gpus,
    peak_tflops,
    bandwidth_tbs,
    bytes_per_param,
    bw_efficiency,
    mfu,
    scaleup_gpus,
    nvlink_gbs,
    scaleout_gbs,
    allreduce_us,
    imbalance=DEFAULT_EXPERT_IMBALANCE,
    overlap=True,
    expert_parallel=True,
):
    """Seconds of one forward pass of an expert-parallel instance of `gpus` GPUs (attention TP over `tp`) that
    moves `tokens` tokens through the model (a decode step: the batch; a prefill: prompts x batch), with
    `attn_flops` of attention and `kv_gb` of KV cache read over the whole instance (see the module docstring).
    expert_parallel False: a TP-only layout (gpus = tp), each expert sharded over the group: no all-to-all, no
    imbalance between GPUs, no micro-batch overlap; the TP all-reduces only."""
    dense, routed = moe_split(params, total_params, expert_share)
    replicas = gpus / tp
    # one GPU or a TP-only layout: no imbalance between GPUs, no all-to-all, nothing to overlap
    spread = (gpus > 1) & bool(expert_parallel)
    imbalance = np.where(spread, imbalance, 1.0)
    overlap = overlap & spread
    with np.errstate(all="ignore"):
        touched = 1.0 - (1.0 - expert_share) ** tokens  # a local expert is read if some token picks it
    weight_bytes = (dense / tp + routed / gpus * touched) * bytes_per_param
    kv_bytes = kv_gb * 1e9 / gpus
    rate = bandwidth_tbs * 1e12 * bw_efficiency
    # the busiest GPU's experts: imbalance x the mean tokens an expert receives (tokens x k / E), each grouped GEMM
    # at the efficiency of its rows
    per_expert = tokens * expert_share * imbalance
    expert_flops = 2.0 * expert_share * routed * tokens * imbalance / gpus
    with np.errstate(all="ignore"):
        expert_s = np.where(
            expert_flops > 0, expert_flops / (peak_tflops * 1e12 * mfu * grouped_gemm_efficiency(per_expert)), 0.0
        )
    compute_s = (2.0 * dense * tokens + attn_flops) / gpus / (peak_tflops * 1e12 * mfu) + expert_s
    dispatch = np.where(bytes_per_param < 2, DISPATCH_BYTES_FP8, 2.0)
    a2a = np.where(spread, all_to_all_seconds(
        tokens / gpus, experts_per_token, d_model, moe_layers, gpus, scaleup_gpus, nvlink_gbs, scaleout_gbs,
        dispatch, imbalance,
    ), 0.0)  # fmt: skip
    # fixed cost of each collective (launch, synchronisation): the all-reduce's calibrated figure, per all-to-all
    fixed = np.where(spread, 2.0 * moe_layers * allreduce_us * 1e-6, 0.0)
    tp_comm = comm_seconds(layers, d_model, tokens / replicas, tp, nvlink_gbs, allreduce_us)
    # one batch: work, then the all-to-all. Two micro-batches (where the engine overlaps, as the published
    # expert-parallel systems do when it pays): each reads the weights again, and OVERLAP_SHARE of the shorter of
    # work and all-to-all is hidden. The engine runs whichever is faster.
    work = np.maximum((weight_bytes + kv_bytes) / rate, compute_s)
    serial = work + a2a
    work2 = np.maximum((MICRO_BATCHES * weight_bytes + kv_bytes) / rate, compute_s)
    overlapped = np.maximum(work2, a2a) + (1.0 - OVERLAP_SHARE) * np.minimum(work2, a2a)
    body = np.where(overlap, np.minimum(serial, overlapped), serial)
    return body + fixed + tp_comm


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

    def step_s(batch):
        return float(
            ep_forward_seconds(
                tokens=batch,
                attn_flops=batch * attn_flops_per_sequence,
                kv_gb=batch * kv_gb_per_sequence,
                mfu=decode_mfu,
                **kw,
            )
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
    prefill = 0.0
    if prompt_tokens > 0:
        prefill = (
            float(
                ep_forward_seconds(
                    tokens=prompt_tokens * gpus,
                    attn_flops=gpus * prefill_attn_flops,
                    kv_gb=0.0,
                    mfu=prefill_mfu,
                    **kw,
                )
            )
            / gpus
        )
    busy = prefill + output_tokens * step / batch  # instance-seconds per request
    return batch, step, prefill, output_tokens / busy


def ep_prefill_tokens_per_second(*, prompt_tokens, batch, prefill_attn_flops, prefill_mfu, **model_and_platform):
    """Prompt tokens per second an expert-parallel instance prefills, `batch` prompts on each GPU at once."""
    gpus = model_and_platform["gpus"]
    n = batch * gpus
    seconds = ep_forward_seconds(
        tokens=prompt_tokens * n, attn_flops=n * prefill_attn_flops, kv_gb=0.0, mfu=prefill_mfu, **model_and_platform
    )
    return prompt_tokens * n / float(seconds)


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
    "ep_prefill_tokens_per_second",
    "ep_serving",
    "grouped_gemm_efficiency",
    "GROUPED_GEMM_HALF_TOKENS",
    "largest_ep_batch",
    "moe_split",
    "parse_layout",
    "remote_domains",
    "valid_tp_degrees",
    "weights_per_gpu_gb",
]
