"""Inference functions: FLOPs per request, compute-bound time, the decode roofline, memory.

Each is one keyword declaration; defaults, binding and error labels come from the engine
formula (see `Function`).
"""

import math
from dataclasses import replace

import numpy as np

from flopsheet import engine
from flopsheet.engine.inference import BATCH_CAP as ENGINE_BATCH_CAP
from flopsheet.engine.inference import (
    DECODE_GEMM_HALF_BATCH,
    DEFAULT_LATENCY_MS,
    DEFAULT_LAYER_US,
    DEFAULT_PREFILL_MFU,
    HOST_SERIAL_SHARE,
    KV_BYTES,
    LATENCY_TIE,
    PREFILL_EXPOSED_SHARE,
    TRTLLM_HOST_US,
    USABLE_FRACTION,
    VLLM_HOST_US,
    prefill_phase_weights,
)
from flopsheet.engine.moe import GROUPED_GEMM_HALF_TOKENS, PREFILL_PASS_TOKENS
from flopsheet.engine.tensor_parallel import SCALE_UP_GPUS
from flopsheet.errors import FlopsheetError
from flopsheet.functions._common import (
    ALLREDUCE_US,
    BATCH,
    BW_EFFICIENCY,
    BYTES_PER_PARAM,
    CONTEXT_TOKENS,
    DECODE_MFU,
    FLOPS,
    GPU,
    GPU_NAME,
    KV_GB,
    MFU,
    OPTIONAL_D_MODEL,
    OPTIONAL_LAYERS,
    PARAMS,
    PRECISION,
    PREFILL_MFU,
    RESPONSE_KV_GB,
    SERVED_PARAMS,
    SERVING_BATCH,
    TOTAL_PARAMS,
    TP_GPUS,
    TTFT_MFU,
    WEIGHT_BYTES,
)
from flopsheet.functions.declaration import Arg, Function, declared_in, evaluate
from flopsheet.functions.inputs import texts
from flopsheet.functions.twintext import count_twin, unrolled_bisection

_ROOFLINE = (
    "roofline model (Williams et al. 2009) for LLM decode (Pope et al. 2022, Efficiently Scaling "
    "Transformer Inference); bandwidth, memory and peak from the GPU's datasheet (catalog); efficiencies by "
    "phase and number format, the fixed costs per layer and per all-reduce and AMD CDNA3's achieved shares of its "
    "peak and of its decode bandwidth fitted on published runs (docs/fidelity.md); attention at the cache's number "
    "format, the FP8 peak in an FP4 run (TensorRT-LLM's FP8 attention kernels; Blackwell datasheets); a mixture "
    "of experts' routed GEMMs at the tokens each expert receives (DeepGEMM's grouped-GEMM table) and their experts' "
    "width (fitted on published runs; TensorRT-LLM's MoE-as-dense-GEMM post names the overheads)"
)
PROMPT = Arg("prompt_tokens", "Tokens in the prompt")
OUTPUT = Arg("output_tokens", "Tokens generated in the answer")
# One order of the optional arguments for DECODE_MS, RESPONSE_SECONDS, TOKENS_PER_SECOND (and
# TTFT_SECONDS without kv_gb): DECODE_MS's, so kv_gb comes before bw_efficiency and mfu.
# RESPONSE_SECONDS had mfu 8th and kv_gb 9th until issue 13: a breaking change, in the docs.
_TAIL = (BW_EFFICIENCY, DECODE_MFU, PRECISION, ALLREDUCE_US)
# context_tokens last (issue 20): a call typed before it keeps its meaning.
_DECODE_ARGS = (SERVED_PARAMS, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB) + _TAIL + (CONTEXT_TOKENS,)
MAX_BATCH_ARG = Arg(
    "max_batch",
    "Most sequences the serving engine runs at once (vLLM's max_num_seqs, TensorRT-LLM's max_batch_size, SGLang's "
    "max_running_requests), 1 to 65,536: caps the serving batch searched for; default (blank): only memory and the "
    "latency target bound it",
)

# the arguments of the functions whose decode step counts the server's CPU time (with_host)
HOST_US_ARG = Arg(
    "host_us",
    "Serving engine's CPU time per running sequence per step in microseconds (scheduling, sampling's "
    f"bookkeeping, detokenising); default 0; {VLLM_HOST_US:g} for vLLM v0.11, {TRTLLM_HOST_US:g} per "
    "sequence of each attention-DP rank for TensorRT-LLM (estimates, docs/fidelity.md)",
)
HOST_SERIAL_ARG = Arg(
    "host_serial",
    f"Share of that CPU time on the step's critical path, 0 to 1; default {HOST_SERIAL_SHARE:g} (vLLM's, "
    "estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)",
)


_THROUGHPUT_ARGS = (
    (SERVED_PARAMS, GPU_NAME, SERVING_BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB)
    + _TAIL
    + (
        CONTEXT_TOKENS,
        MAX_BATCH_ARG,
        HOST_US_ARG,
        HOST_SERIAL_ARG,
    )
)


# Native twins (flopsheet.handoff.twins), in the engine's operation order and its general form:
# {model:x} is a figure of the catalog model `params` names (its active parameters are {params});
# a [[...]] section that reads one is dropped for a plain parameter count, where the engine's
# model terms vanish (dense: every weight read; no all-reduces; no attention term), and
# [[A||B]] is A with a catalog model, B without. One text serves both forms.
_BYTES_S = "({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency})"  # bytes/s the tensor-parallel GPUs read
# in a decode step's GEMVs: times the accelerator's share of bw_efficiency there ({bw_share}: 1 but for AMD's CDNA3,
# engine.inference.ACHIEVED_BANDWIDTH_SHARE; a prefill's GEMMs, one row per prompt token, are not GEMVs)
_DECODE_BYTES_S = "({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency}*{bw_share})"
# FLOP/s they compute: `mfu` (a prefill's: prefill_mfu) x the share of the peak at the precision
_FLOPS_S = "({gpus}*{peak}*1E12*{mfu}*{peak_share})"


def _read(tokens: str) -> str:
    """engine.inference.weights_read: a dense model reads every weight; a mixture of experts its
    shared weights and each routed expert some token of `tokens` picks: total - routed x
    (1-share)^tokens, routed = (total - active) / (1-share), written total - (total - active) x
    EXP((tokens-1) x LN(1-share)) so the share is read once. The power would underflow (an error
    in LibreOffice) at a long prompt: its exponent stops at -700, where the term is 1E-304 of the
    weights, far under the 1E-9 the copy keeps (a dense model, share 0, reads the total)."""
    return (
        "[[({model:total_params}-({model:total_params}-{params})*EXP(MAX(-700,(" + tokens + "-1)"
        "*LN(1-{model:share}))))||{params}]]"
    )


def _comm(tokens: str, latency: bool = True) -> str:
    """engine.inference.comm_seconds: two all-reduces per layer over one direction of the link; `latency` False:
    their traffic alone (work riding on a step that already pays the latency: engine.inference.riding_setup)."""
    return (
        "IF({gpus}>1,2*{model:layers}*(" + ("{allreduce_us}*1E-6+" if latency else "") + "2*({gpus}-1)/{gpus}*("
        + tokens + ")*{model:d_model}*2/({gpu:interconnect_gbs}/2*1E9)),0)"
    )  # fmt: skip


# engine.moe.routed_gemm_flops: a mixture of experts' routed GEMMs at the tokens each expert receives, each expert a
# pass runs GROUPED_GEMM_HALF_TOKENS rows more than it has (a constant of the engine typed as the same number)
_GROUPED_ROWS = repr(2.0 * GROUPED_GEMM_HALF_TOKENS)


def routed_gemm_steps(tokens: str, key: str, what: str) -> tuple:
    """The twin steps of engine.inference.routed_gemm_flops for a pass of `tokens` tokens, ending in {step:<key>}
    inside a catalog model's [[...]] section (a plain parameter count: none): 2 x GROUPED_GEMM_HALF_TOKENS x routed x
    (1 - (1 - share)^tokens) + 2 x share x routed x tokens x expert_cost, routed = (total - active) / (1 - share). The
    power is EXP(tokens x LN(1 - share)), its exponent held above -700 so it never underflows to an error
    (LibreOffice's) where the engine's is below 1E-304; the share read once. A dense model's share and expert_cost
    are 0: 0. `what` names the pass."""
    routed = key + "_routed"
    touched = "(1-EXP(MAX(-700,(" + tokens + ")*LN(1-{model:share}))))"
    return (
        (routed, "the model's routed experts' parameters", "[[({model:total_params}-{params})/(1-{model:share})||0]]"),
        (
            key,
            f"FLOPs the routed experts' grouped GEMMs of {what} cost beyond 2 x params a token: each expert it runs "
            f"{GROUPED_GEMM_HALF_TOKENS:g} rows more than it has (its tokens' share of the rate), and their work "
            "expert_cost more (their width's share of the rate)",
            # the width's term a section of its own: a dense catalog model's is dropped (twins: a zero figure)
            f"[[{_GROUPED_ROWS}*{{step:{routed}}}*{touched}||0]]"
            f"[[+2*{{model:share}}*{{step:{routed}}}*({tokens})*{{model:expert_cost}}]]",
        ),
    )


STEP_MS = "{step:step_ms}"
# engine.inference.launch_seconds: a forward pass's fixed cost per layer (DEFAULT_LAYER_US, a constant of the engine
# typed as the same number, as _USABLE below)
_LAUNCH = "{model:layers}*" + repr(DEFAULT_LAYER_US) + "*1E-6"
# The usable share of each GPU's memory (engine.inference.USABLE_FRACTION, a constant of the engine: the copy
# types the same number, so it computes what Python does)
_USABLE = repr(USABLE_FRACTION)
CONTEXT_OF_DECODE = "{context_tokens}"  # DECODE_MS, TOKENS_PER_SECOND, COST_PER_MTOK
CONTEXT_OF_REQUEST = "({prompt_tokens}+{output_tokens}/2)"  # RESPONSE_SECONDS: prompt + half the answer
_HALF = f"{DECODE_GEMM_HALF_BATCH:g}"
# DECODE_MS, TOKENS_PER_SECOND and SERVING_BATCH take no prefill_mfu: the engine's default, a constant typed as the
# same number (as _USABLE)
_PREFILL_DEFAULT = repr(DEFAULT_PREFILL_MFU)


def gemm_mfu(batch: str, prefill_mfu: str = "{prefill_mfu}") -> str:
    """engine.inference.gemm_mfu: the share of the peak a decode step's weight GEMMs reach with `batch` sequences,
    the larger of mfu and prefill_mfu / (1 + DECODE_GEMM_HALF_BATCH / batch), each x the number format's share
    (the batch typed once: SERVING_GPUS' batch is a long expression)."""
    return "MAX({mfu}*{peak_share}," + prefill_mfu + "*{peak_share}/(1+" + _HALF + "/" + batch + "))"


# engine.inference.decode_attention_flops: one decode token's attention against the model's own cache at {step:held}
ATTN_OWN = "4*{model:decode_attn_dim}*{step:held}"


def decode_steps(context: str = CONTEXT_OF_DECODE, prefill_mfu: str = "{prefill_mfu}") -> tuple:
    """The decode step's twin steps. Blank kv_gb (engine.inference.serving_blanks): a catalog model's own cache
    for each sequence at `context` tokens (model_kv_gb: values per token-layer x KV_BYTES, copied where the
    tensor-parallel GPUs outnumber the KV heads) and its attention FLOPs against it (decode_attention_flops);
    none for a plain parameter count. Typed kv_gb: that cache, no attention term. The weights' GEMMs compute at
    gemm_mfu of the batch (`prefill_mfu`: the function's own argument, or the engine's default typed as a number
    where the function takes none); the attention at the decode efficiency."""
    return (
        ("ctx", "tokens a sequence's cache holds on average (its running context)", context),
        (
            "held_full",
            "token-layers of the model's full-attention layers at that context",
            "[[{model:full_layers}*{step:ctx}||0]]",
        ),
        (
            "held",
            "token-layers a sequence's cache holds at its running context",
            "[[{step:held_full}+{model:sliding_layers}*MIN({step:ctx},{model:sliding_window})||0]]",
        ),
        (
            "kv_seq",
            "the model's own KV cache of one sequence (GB)",
            "[[{model:values_per_token_layer}*" + repr(KV_BYTES) + "*{step:held}/1E9"
            "*IF({gpus}>{model:kv_heads},{gpus},{model:kv_heads})/{model:kv_heads}||0]]",
        ),
        ("kv_own", "the model's own KV cache of the batch (GB)", "{batch}*{step:kv_seq}"),
        (
            "kv",
            "KV cache read each step (GB): kv_gb, or blank the model's own at the running context",
            'IF({kv_gb}="",{step:kv_own},{kv_gb})',
        ),
        (
            "attn_d",
            "attention FLOPs of one decode token against the model's own cache",
            '[[IF({kv_gb}="",' + ATTN_OWN + ",0)||0]]",
        ),
        ("bps_d", "bytes/s the GPUs read in a decode step", _DECODE_BYTES_S),
        (
            "memory_s",
            "decode step reading the weights (s)",
            _read("{batch}") + "*{bytes_per_param}/{step:bps_d}",
        ),
        ("cache_s", "decode step reading the KV cache (s)", "{step:kv}*1E9/{step:bps_d}"),
        ("flops_d", "FLOP/s the GPUs compute decoding", _FLOPS_S),
        (
            "gemm_d",
            "share of the peak the decode step's weight GEMMs reach at the batch",
            gemm_mfu("{batch}", prefill_mfu),
        ),
        ("flops_g", "FLOP/s the GPUs' weight GEMMs compute decoding the batch", "{gpus}*{peak}*1E12*{step:gemm_d}"),
        *routed_gemm_steps("{batch}", "gemm_x", "a decode step of the batch"),
        (
            "compute_s",
            "decode step's weight GEMMs computing (s)",
            "(2*{params}*{batch}[[+{step:gemm_x}]])/{step:flops_g}",
        ),
        # (a plain parameter count has no attention term: the section drops, as gemm_x's)
        ("attn_s", "decode step's attention computing (s)", "[[{step:attn_d}*{batch}*{attn_cost}/{step:flops_d}||0]]"),
        ("comm_b", "all-reduces of a decode step (s)", _comm("{batch}")),
        (
            "step_ms",
            "decode step: the GEMMs or the weights' read, then the attention or the cache's read (ms)",
            # two kernels' rooflines in turn (engine.inference.DECODE_KERNELS)
            "(IF({step:memory_s}>={step:compute_s},{step:memory_s},{step:compute_s})"
            "+[[IF({step:cache_s}>={step:attn_s},{step:cache_s},{step:attn_s})||{step:cache_s}]][[+{step:comm_b}+"
            + _LAUNCH
            + "]])*1E3",
        ),
    )


STEPS = decode_steps(prefill_mfu=_PREFILL_DEFAULT)

# The serving engine's CPU time in a decode step (engine.inference.host_step_ms), for the functions that take host_us
# and host_serial (SERVING_GPUS, SERVING_BATCH, TOKENS_PER_SECOND, COST_PER_MTOK): an omitted or empty host_us is no
# CPU time, an omitted or empty host_serial vLLM's share (engine.inference.HOST_SERIAL_SHARE). The step is the GPUs'
# plus the CPU's share on the critical path, or the CPU's whole time if longer, each a Workings cell of its own.
HOST_TEXT = 'IF({host_us}="",0,{host_us})'  # the layout functions' twins read it too (functions.layouttwins)
SERIAL_TEXT = 'IF({host_serial}="",' + repr(HOST_SERIAL_SHARE) + ",{host_serial})"
_HOST_LABEL = "decode step with the server's CPU time, host_us a sequence, host_serial of it on the critical path (ms)"


def with_host(steps: tuple) -> tuple:
    """`steps` with their decode step (step_ms) counting the server's CPU time: the GPUs' step kept as step_gpu_ms."""
    out = []
    for k, label, t in steps:
        if k != "step_ms":
            out.append((k, label, t))
            continue
        out += [
            ("step_gpu_ms", label, t),
            (
                "host_ms",
                "the server's CPU work for the batch's step, batch x host_us (ms)",
                "{batch}*" + HOST_TEXT + "*1E-3",
            ),
            (
                "host_crit_ms",
                "its share on the step's critical path, host_serial of it (ms)",
                "{step:host_ms}*" + SERIAL_TEXT,
            ),
            (
                "step_ms",
                _HOST_LABEL,
                # omitted host_us and host_serial: the GPUs' step, written once (a call over ranges stays in Excel's
                # 8,192 characters)
                "[[?host_us,host_serial:IF({step:step_gpu_ms}+{step:host_crit_ms}>={step:host_ms},"
                "{step:step_gpu_ms}+{step:host_crit_ms},{step:host_ms})||{step:step_gpu_ms}]]",
            ),
        ]
    return tuple(out)


# engine.inference.largest_batch, unrolled for a blank batch (TOKENS_PER_SECOND, COST_PER_MTOK: the serving
# batch; SERVING_BATCH): the largest batch whose cache fits beside the weights (at most BATCH_CAP), then the same
# bisection as Python's, each halving the decode step above at the batch tried (its steps copied with the batch
# replaced, the cache the model's own: batch x kv_seq), compared with the latency target. The interval [1, top]
# of at most 2^16 batches is one batch after 16 halvings; BISECTIONS is one more (Python stops when converged).
BATCH_CAP = int(ENGINE_BATCH_CAP)
BISECTIONS = int(math.log2(BATCH_CAP)) + 1


def _at_batch(base: tuple, batch: str, suffix: str, what: str) -> list:
    """The steps of `base` that depend on the batch, at `batch`, keyed with `suffix` (the cache: the model's own)."""
    base = tuple(
        (k, label, t.replace("{step:kv}", "{batch}*{step:kv_seq}")) for k, label, t in base if k not in ("kv", "kv_own")
    )
    dep: list[str] = []
    for k, _, t in base:
        if "{batch}" in t or any("{step:" + d + "}" in t for d in dep):
            dep.append(k)
    out = []
    for k, label, t in base:
        if k in dep:
            for d in dep:
                t = t.replace("{step:" + d + "}", "{step:" + d + suffix + "}")
            out.append((k + suffix, f"{label}, {what}", t.replace("{batch}", batch)))
    return out


# the ceiling of the serving batch a function with max_batch searches under (engine.inference._cap)
CAP_OF_MAX_BATCH = 'IF({max_batch}="",' + str(BATCH_CAP) + ",{max_batch})"


def serving_batch_steps(base: tuple, latency: str = repr(DEFAULT_LATENCY_MS), cap: str = str(BATCH_CAP)) -> tuple:
    """Steps ending in {step:sb}, the serving batch, from the decode steps `base` (decode_steps), at `latency` ms,
    at most `cap` (BATCH_CAP, or a function's max_batch: CAP_OF_MAX_BATCH)."""
    ok = "<=(" + latency + ")*" + repr(LATENCY_TIE)  # a tie meets the target (engine.inference.meets_latency)
    top = cap if cap.isdigit() else "{step:sb_cap}"
    steps = [
        (
            "sb_free",
            "GB the usable memory leaves beside the weights",
            "{gpus}*{gpu:memory_gb}*" + _USABLE + "-[[{model:total_params}||{params}]]*{bytes_per_param}/1E9",
        ),
        (
            "sb_top",
            f"largest batch whose KV cache fits (at most {BATCH_CAP}, or max_batch)",
            f"IF({{step:kv_seq}}>0,MAX(1,MIN({top},INT({{step:sb_free}}/{{step:kv_seq}}))),{top})",
        ),
    ]
    if not cap.isdigit():  # max_batch: a Workings cell of its own, read twice
        steps.insert(1, ("sb_cap", f"the most the search may give (max_batch, or blank {BATCH_CAP})", cap))
    steps += _at_batch(base, "{step:sb_top}", "_top", "at that batch")
    steps += unrolled_bisection(
        "sb",
        "sb_top",
        lambda batch, suffix, what: _at_batch(base, batch, suffix, what),
        lambda suffix: "{step:step_ms" + suffix + "}" + ok,
        BISECTIONS,
        "sb",
    )
    return tuple(steps)


def kv_seq_at(gpus: str) -> str:
    """The model's own cache of one sequence (GB) on `gpus` tensor-parallel GPUs (decode_steps' kv_seq)."""
    return (
        "[[{model:values_per_token_layer}*" + repr(KV_BYTES) + "*{step:held}/1E9"
        "*IF(" + gpus + ">{model:kv_heads}," + gpus + ",{model:kv_heads})/{model:kv_heads}||0]]"
    )


# What a blank gpus must hold besides the weights, per function (engine.inference.serving_blanks): the batch's
# own cache (one sequence when the batch is blank too), a typed kv_gb, or nothing (TTFT_SECONDS)
KV_OF_BATCH = 'IF({kv_gb}="",{batch}*{kv_seq},{kv_gb})'
KV_OF_SERVING_BATCH = 'IF({kv_gb}="",[[{batch}||1]]*{kv_seq},{kv_gb})'
KV_OF_ONE = "{kv_seq}"


def with_fewest_gpus(steps: tuple, twin: str, kv: str | None) -> tuple[str, tuple]:
    """`twin` and `steps` reading {step:g}: gpus as typed, or blank the fewest valid tensor-parallel GPUs that
    hold the weights and `kv` ({kv_seq}: one sequence's own cache at that count; None: the weights alone), as
    engine.tensor_parallel.fewest_gpus: the first degree of 1..SCALE_UP_GPUS that is valid and holds them.
    Over 1..8 only, as the engine's serving functions (the platform's 72-GPU NVL72 domain is the layouts' alone:
    engine.tensor_parallel's docstring says why, with the catalog models it would change)."""
    moved = tuple((k, label, t.replace("{gpus}", "{step:g}")) for k, label, t in steps)
    added = [("g_w", "GB of the weights", "[[{model:total_params}||{params}]]*{bytes_per_param}/1E9")]
    chain = "NA()"
    for d in range(SCALE_UP_GPUS, 0, -1):
        need = "{step:g_w}" + ("" if kv is None else "+" + kv.replace("{kv_seq}", kv_seq_at(str(d))))
        valid = (
            f"[[(MOD({{model:heads}},{d})=0)*IF({d}<={{model:kv_heads}},MOD({{model:kv_heads}},{d})=0,"
            f"MOD({d},{{model:kv_heads}})=0)||1]]"
        )
        added.append((f"g_need{d}", f"GB the weights and caches need on {d} GPUs", need))
        added.append(
            (
                f"g_ok{d}",
                f"{d} GPUs: a valid tensor-parallel degree that holds them",
                f"{valid}*({{step:g_need{d}}}<={d}*({{gpu:memory_gb}}*{_USABLE}))",
            )
        )
        chain = f"IF({{step:g_ok{d}}},{d},{chain})"
    added.append(("g", "gpus: as typed, or blank the fewest valid that hold the model", "[[{gpus}||" + chain + "]]"))
    return twin.replace("{gpus}", "{step:g}"), tuple(added) + moved


def with_serving_batch(steps: tuple, twin: str, base: tuple = STEPS) -> tuple[str, tuple]:
    """`twin` and `steps` reading {step:b}: the batch typed, or blank the serving batch (serving_batch_steps of the
    decode steps `base`: decode_steps() where the function takes prefill_mfu; at most its max_batch; a typed kv_gb
    with a blank batch is Python's error, #N/A)."""
    b = (("b", "batch: as typed, or blank the serving batch", '[[{batch}||IF({kv_gb}="",{step:sb},NA())]]'),)
    moved = tuple((k, label, t.replace("{batch}", "{step:b}")) for k, label, t in steps)
    return twin.replace("{batch}", "{step:b}"), b + serving_batch_steps(base, cap=CAP_OF_MAX_BATCH) + moved


def fits_twin(value: str) -> str:
    """The engine's FITS condition (`fits_step`): weights + KV cache fit in the GPUs' memory, else #N/A."""
    return "IF({step:fits}," + value + ",NA())"


# engine.tensor_parallel.is_valid_degree: within the NVLink domain, and for a catalog model a divisor of its
# heads whose KV heads split (or are copied) evenly
_VALID_TP = (
    "({gpus}<=" + str(SCALE_UP_GPUS) + ")[[*(MOD({model:heads},{gpus})=0)"
    "*IF({gpus}<={model:kv_heads},MOD({model:kv_heads},{gpus})=0,MOD({gpus},{model:kv_heads})=0)]]"
)


TP_OK = ("tp_ok", "gpus is a valid tensor-parallel degree for the model", _VALID_TP)


def fits_step(kv: str = "{step:kv}", tokens: str = "") -> tuple:
    """The FITS condition and a valid tensor-parallel degree (TP_DEGREE); with `tokens`, a catalog model's
    context must hold them too (CONTEXT)."""
    fits = "[[{model:total_params}||{params}]]*{bytes_per_param}/1E9+" + kv + "<={gpus}*{gpu:memory_gb}*" + _USABLE
    fits = "(" + fits + ")*{step:tp_ok}"
    if tokens:
        fits = fits + "[[*(" + tokens + "<={model:context})]]"
    return (
        TP_OK,
        (
            "fits",
            "a valid tensor-parallel degree whose usable memory holds weights + KV cache"
            + (" (and the request the context)" if tokens else ""),
            fits,
        ),
    )


# Prefill: the slower of its FLOPs (with causal attention for a catalog model) and reading the
# weights its tokens touch once, plus PREFILL_EXPOSED_SHARE of the other (engine.inference.prefill_phases_s), plus
# all-reduces over every prompt token.
PREFILL_S = "{step:prefill_s}"
# max(c, m) + PREFILL_EXPOSED_SHARE x min(c, m) as engine.inference.prefill_phases_s writes it: a sum and a gap, so
# an array formula's twin takes it element by element (MAX and MIN would take the whole array)
_PHASE_SUM, _PHASE_GAP = prefill_phase_weights()


def prefill_steps(mfu: str = "{prefill_mfu}") -> tuple:
    """The prefill's twin steps, computing at `mfu` (TTFT_SECONDS' own `mfu`; prefill_mfu elsewhere)."""
    return (
        ("flops_p", "FLOP/s the GPUs compute in prefill", _FLOPS_S.replace("{mfu}", mfu)),
        (
            "attn",
            "causal attention FLOPs of one prompt",
            "2*{model:layers}*{model:heads}*{model:head_dim}*{prompt_tokens}^2",
        ),
        *routed_gemm_steps("{prompt_tokens}*{batch}", "gemm_xf", "the prefill of the batch's prompts"),
        (
            "prefill_c",
            "prefill computing (s)",
            "((2*{params}*{prompt_tokens}[[+{step:attn}*{attn_cost}]])*{batch}[[+{step:gemm_xf}]])/{step:flops_p}",
        ),
        (
            "prefill_m",
            "prefill reading the weights once (s)",
            _read("{prompt_tokens}*{batch}") + "*{bytes_per_param}/" + _BYTES_S,
        ),
        ("comm_p", "all-reduces of prefill (s)", _comm("{prompt_tokens}*{batch}")),
        (
            "prefill_s",
            "prefill, the slower of the two and " + repr(PREFILL_EXPOSED_SHARE) + " of the other (s)",
            repr(_PHASE_SUM)
            + "*({step:prefill_c}+{step:prefill_m})+"
            + repr(_PHASE_GAP)
            + "*ABS({step:prefill_c}-{step:prefill_m})[[+{step:comm_p}+"
            + _LAUNCH
            + "]]",
        ),
    )


PREFILL_STEPS = prefill_steps()


INFER_FLOPS = Function(
    name="INFER_FLOPS",
    summary="FLOPs to answer one request: 2 x params per token, plus causal attention if layers and d_model are given "
    "(or params names a catalog model: its layers and heads x head_dim).",
    returns="FLOPs",
    nature="estimate",
    nature_why="2 FLOPs per active parameter per token plus attention when the shape is known; no kernel overheads",
    args=(PARAMS, PROMPT, OUTPUT, OPTIONAL_LAYERS, OPTIONAL_D_MODEL),
    source="Kaplan et al. 2020, §2.1 (2N FLOPs per token forward); causal attention 2*L*d per key pair",
    example=("175B", 20, 300),
    formula=engine.infer_flops,
    # the attention term: layers and d_model typed, else (params naming a catalog model) its own shape
    twin='2*{params}*({prompt_tokens}+{output_tokens})[[+IF(({layers}="")*({d_model}=""),0,'
    'IF(({layers}<>"")*({d_model}<>""),2*{layers}*{d_model}*{prompt_tokens}*{prompt_tokens}'
    "+4*{layers}*{d_model}*({output_tokens}*{prompt_tokens}+{output_tokens}*({output_tokens}-1)/2),NA()))]]"
    '[[+IF(({layers}="")*({d_model}=""),2*{step:width}*{prompt_tokens}^2+4*{step:width}'
    "*({output_tokens}*{prompt_tokens}+{output_tokens}*({output_tokens}-1)/2),0)]]",
    twin_steps=(
        (
            "width",
            "attention width: layers x heads x head_dim of the model",
            "{model:layers}*{model:heads}*{model:head_dim}",
        ),
    ),
)

INFER_SECONDS = Function(
    name="INFER_SECONDS",
    summary="Compute-bound seconds for flops at mfu of the GPU's peak (the seed's method; a floor, see RESPONSE_SECONDS).",
    returns="seconds",
    nature="bound",
    nature_why="compute alone at the MFU: a floor, memory reads and communication not counted",
    args=(FLOPS, GPU, MFU, PRECISION),
    source="dense peak from the GPU's datasheet (catalog)",
    example=(1.12e14, "A100", 0.462),
    formula=engine.infer_seconds,
    twin="{flops}/({peak}*1E12*{mfu})",
)

_DECODE_TWIN, _DECODE_STEPS = with_fewest_gpus(
    STEPS + fits_step(tokens=CONTEXT_OF_DECODE), fits_twin(STEP_MS), KV_OF_BATCH
)

DECODE_MS = Function(
    name="DECODE_MS",
    summary="Milliseconds per decode step (one token per sequence): the weights' GEMMs or their read, whichever is "
    "slower, then the attention or the KV cache's read, whichever is slower.",
    returns="ms",
    nature="estimate",
    nature_why=(
        "a roofline (bandwidth or compute) at efficiencies and a fixed all-reduce cost fitted on published runs "
        "(docs/fidelity.md)"
    ),
    args=_DECODE_ARGS,
    source=_ROOFLINE,
    example=("8B", "H100", 1, 2, 1),
    twin_blank_cell_na=("gpus",),
    formula=engine.decode_ms,
    twin=_DECODE_TWIN,
    twin_steps=_DECODE_STEPS,
)

_RESPONSE_TWIN, _RESPONSE_STEPS = with_fewest_gpus(
    prefill_steps() + decode_steps(CONTEXT_OF_REQUEST) + fits_step(tokens="{prompt_tokens}+{output_tokens}"),
    fits_twin(PREFILL_S + "+{output_tokens}*" + STEP_MS + "/1E3"),
    KV_OF_BATCH,
)

RESPONSE_SECONDS = Function(
    name="RESPONSE_SECONDS",
    summary="Seconds to answer a request: compute-bound prefill of the prompt plus one decode step per output token.",
    returns="seconds",
    nature="estimate",
    nature_why="prefill and decode rooflines with efficiencies and fixed all-reduce costs fitted on published runs "
    "(docs/fidelity.md); scheduling and queueing not counted",
    args=(SERVED_PARAMS, PROMPT, OUTPUT, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, RESPONSE_KV_GB)
    + _TAIL
    + (PREFILL_MFU,),
    source=_ROOFLINE,
    example=("175B", 20, 300, "A100", 1, 2, 8),
    twin_blank_cell_na=("gpus",),
    formula=engine.response_seconds,
    twin=_RESPONSE_TWIN,
    twin_steps=_RESPONSE_STEPS,
)

# ITL_MS: RESPONSE_SECONDS' decode steps at the request's running context, plus the prefill of the other requests'
# prompts that rides on each step (engine.inference.itl_ms_unchecked): (batch - 1) / output_tokens prompts a step,
# their FLOPs at prefill_mfu (the prefill twin's own steps, at that count of prompts) and their all-reduce traffic
# without the latency (riding_setup: the step already pays it, its weight read and its launches).
_CHUNK = "{step:chunk_n}"
_ITL_STEPS = (
    tuple(t for t in prefill_steps() if t[0] in ("flops_p", "attn"))
    + (
        (
            "chunk_n",
            "other requests' prompts prefilled between two of one request's tokens",
            "({batch}-1)/{output_tokens}",
        ),
        (
            "chunk_c",
            "their prefill computing (s)",
            "(2*{params}*{prompt_tokens}[[+{step:attn}*{attn_cost}]])*" + _CHUNK + "/{step:flops_p}",
        ),
        (
            "chunk_comm",
            "their all-reduce traffic, the latency paid by the step (s)",
            "[[" + _comm("{prompt_tokens}*" + _CHUNK, latency=False) + "||0]]",
        ),
    )
    + decode_steps(CONTEXT_OF_REQUEST)
    + fits_step(tokens="{prompt_tokens}+{output_tokens}")
    # a mixture of experts: the chunk's tokens join the step's grouped expert GEMMs (engine.inference.itl_ms_unchecked)
    + routed_gemm_steps("{batch}+{prompt_tokens}*" + _CHUNK, "gemm_xj", "the step with the chunk's tokens joined")
)
_ITL_STEPS += (
    (
        "itl_gpu",
        "the GPUs' time between two tokens: the decode step and the prompt chunks on it (ms)",
        STEP_MS + "+({step:chunk_c}+{step:chunk_comm}[[+({step:gemm_xj}-{step:gemm_x})/{step:flops_p}]])*1E3",
    ),
    ("itl_host", "the server's CPU work for the batch's step, batch x host_us (ms)", "{batch}*{host_us}*1E-3"),
    (
        "itl_busy",
        "the GPUs' time plus the CPU's share on the critical path, host_serial of its work (ms)",
        "{step:itl_gpu}+{batch}*{host_us}*(" + SERIAL_TEXT + "*1E-3)",
    ),
    (
        "itl",
        "between two tokens: the longer of that and the CPU's whole work, the rest of which overlaps the GPUs' step "
        "(ms)",
        "IF({step:itl_busy}>={step:itl_host},{step:itl_busy},{step:itl_host})",
    ),
)
_ITL_TWIN, _ITL_TWIN_STEPS = with_fewest_gpus(_ITL_STEPS, fits_twin("{step:itl}"), KV_OF_BATCH)

ITL_MS = Function(
    name="ITL_MS",
    summary="Milliseconds between two tokens of one request on a continuously batched server with batch requests in "
    "flight: a decode step of the batch plus the chunked prefill of the other requests' prompts that lands in it.",
    returns="ms",
    nature="estimate",
    nature_why="DECODE_MS' step plus (batch - 1) x prompt_tokens / output_tokens prompt tokens of prefill a step (the "
    "steady state of a full batch with chunked prefill) at the prefill efficiency, fitted on published runs "
    "(docs/fidelity.md), with the server's CPU time per sequence (host_us) partly overlapped; queueing and preemption "
    "not counted",
    args=(SERVED_PARAMS, PROMPT, OUTPUT, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, RESPONSE_KV_GB)
    + _TAIL
    + (
        PREFILL_MFU,
        Arg(
            "host_us",
            "Server CPU time per running sequence per step in microseconds (scheduling, detokenising, streaming), "
            "overlapped with the GPUs' step but for host_serial of it; default 0; "
            f"{VLLM_HOST_US:g} for vLLM v0.11 (estimate, docs/fidelity.md)",
        ),
        HOST_SERIAL_ARG,
    ),
    source=_ROOFLINE + "; prompts prefilled in chunks inside the decode steps (Agrawal et al. 2024, Sarathi-Serve, "
    "OSDI '24), causal attention (PaLM appendix B); the engine's CPU work overlapped with the GPU's step (vLLM v0.6.0 "
    "performance update, 2024-09-05), but for the share on the critical path when the batch changes (vLLM's async "
    "scheduling, AWS Neuron's vLLM design notes)",
    example=("70B", 5000, 500, "H100", 25, 1, 2),
    twin_blank_cell_na=("gpus",),
    formula=engine.itl_ms,
    twin=_ITL_TWIN,
    twin_steps=_ITL_TWIN_STEPS,
)

_TTFT_TWIN, _TTFT_STEPS = with_fewest_gpus(
    prefill_steps("{mfu}") + fits_step("0", tokens="{prompt_tokens}"), fits_twin(PREFILL_S), None
)

TTFT_SECONDS = Function(
    name="TTFT_SECONDS",
    summary="Seconds to the first token: prefill of the prompt, compute (with causal attention for a model name) "
    "or reading the weights once, whichever is slower, plus 0.9 of the other, plus tensor-parallel all-reduces.",
    returns="seconds",
    nature="estimate",
    nature_why="a prefill roofline at a prefill efficiency fitted on published time-to-first-token runs, its "
    "weight reads and GEMMs overlapped but for 0.9 of the shorter (docs/fidelity.md); queueing not counted",
    args=(
        SERVED_PARAMS,
        PROMPT,
        GPU_NAME,
        BATCH,
        BYTES_PER_PARAM,
        TP_GPUS,
        BW_EFFICIENCY,
        TTFT_MFU,
        PRECISION,
        ALLREDUCE_US,
    ),
    source=_ROOFLINE + "; causal attention 2 x layers x heads x head_dim x prompt^2 (Chowdhery et al. 2022, PaLM, "
    "appendix B); two all-reduces per layer (Shoeybi et al. 2019, Megatron-LM)",
    example=("70B", 4096, "H100", 1, 2, 4),
    twin_blank_cell_na=("gpus",),
    formula=engine.ttft_seconds,
    twin=_TTFT_TWIN,
    twin_steps=_TTFT_STEPS,
)

_TPS_STEPS0, _TPS_TWIN0 = with_serving_batch(
    with_host(STEPS) + fits_step(tokens=CONTEXT_OF_DECODE), fits_twin("{batch}/" + STEP_MS + "*1E3"), with_host(STEPS)
)[::-1]
_TPS_TWIN, _TPS_STEPS = with_fewest_gpus(_TPS_STEPS0, _TPS_TWIN0, KV_OF_SERVING_BATCH)

TOKENS_PER_SECOND = Function(
    name="TOKENS_PER_SECOND",
    summary="Generated tokens per second, all sequences of the batch together: batch / DECODE_MS x 1000; batch left "
    "blank: the serving batch (the largest that fits and keeps a step under 50 ms).",
    returns="tokens/s",
    nature="estimate",
    nature_why="batch over DECODE_MS' step (a roofline at efficiencies fitted on published runs, docs/fidelity.md)",
    args=_THROUGHPUT_ARGS,
    source=_ROOFLINE,
    example=("8B", "H100", 64, 2, 1),
    twin_blank_cell_na=("batch", "gpus"),
    formula=engine.tokens_per_second,
    twin=_TPS_TWIN,
    twin_steps=_TPS_STEPS,
)

# SERVING_BATCH's twin: the search alone, the model's own cache (no kv_gb), at the call's latency_ms
_SB_STEPS = with_host(
    tuple(
        (k, label, "[[" + ATTN_OWN + "||0]]" if k == "attn_d" else t)
        for k, label, t in STEPS
        if k not in ("kv", "kv_own")
    )
)

_SB_TWIN, _SB_TWIN_STEPS = with_fewest_gpus(
    _SB_STEPS
    + serving_batch_steps(_SB_STEPS, "{latency_ms}", CAP_OF_MAX_BATCH)
    + fits_step("{step:kv_seq}", CONTEXT_OF_DECODE),
    fits_twin("{step:sb}"),
    KV_OF_ONE,
)

SERVING_BATCH = Function(
    name="SERVING_BATCH",
    summary="The serving batch: the largest whose KV caches fit in usable memory beside the weights and whose decode "
    "step stays within latency_ms (what TOKENS_PER_SECOND and COST_PER_MTOK take for a blank batch).",
    returns="sequences",
    nature="estimate",
    nature_why="the largest batch under DECODE_MS' step (a roofline at efficiencies fitted on published runs, "
    "docs/fidelity.md) and the model's own cache; a scheduler's limit on sequences only as max_batch, chunked "
    "prefill not counted",
    args=(
        SERVED_PARAMS,
        GPU_NAME,
        BYTES_PER_PARAM,
        TP_GPUS,
        BW_EFFICIENCY,
        DECODE_MFU,
        PRECISION,
        ALLREDUCE_US,
        CONTEXT_TOKENS,
        Arg("latency_ms", "Most milliseconds per generated token (per user); default 50 (estimate: 20 tokens/s)"),
        MAX_BATCH_ARG,
        HOST_US_ARG,
        HOST_SERIAL_ARG,
    ),
    source=_ROOFLINE + "; a catalog model's own KV cache (DeepSeek-V2 §2.1 for MLA) and decode attention FLOPs",
    example=("8B", "H100", 2, 1),
    twin_blank_cell_na=("gpus",),
    formula=engine.serving_batch,
    twin=_SB_TWIN,
    twin_steps=_SB_TWIN_STEPS,
)

# SERVING_GPUS' twin, for a plain parameter count (dense, no all-reduce term, no cache unless typed): step time
# is linear in the batch on both sides of the roofline, so the largest batch under the target is a closed form.
# A catalog model's own cache, attention and all-reduces make it a search: its form below (_SG_MODEL) unrolls it as
# SERVING_BATCH's does.
_CAP = CAP_OF_MAX_BATCH
_KVSEQ = "[[{kv_gb_per_sequence}||0]]"  # blank: no cache for a plain parameter count (the engine's per_sequence)
_S = "{step:read_bps}"  # bytes/s the replica reads
_C = "{step:flops_ps}"  # FLOP/s it computes
# A KV cache under a microbyte (or none) bounds nothing: the quotient passes the cap either way, and the
# floor keeps it finite (x/1E-300 overflows to #NUM! in the spreadsheet).
_KV = "{step:kv_bytes}"
# the server's CPU time a sequence adds to each step on its critical path (s): host_serial of host_us (blank: none)
_SH = HOST_TEXT + "*(" + SERIAL_TEXT + "*1E-3)/1E3"
_B = "MAX(1,MIN(" + _CAP + ",{step:batch_bw},{step:batch_flops},{step:batch_memory},{step:batch_host}))"
# replica-seconds per request: prefill compute + output tokens x (step time / batch)
# (the decode step computes at its batch's GEMM efficiency, gemm_mfu)
# (a step: the weights' GEMMs or their read, the slower, then the cache's read: engine.inference.DECODE_KERNELS;
# with the server's CPU time, host_step_ms: per sequence, the GPUs' share plus the CPU's critical share, or the
# CPU's whole time if longer; MAX, as the GPUs' share is: this plain-count form is a scalar's)
_GPU_TOKEN_S = (
    "MAX({params}*{bytes_per_param}/{step:batch}/" + _S + ",2*{params}/{step:gemm_ps})+" + _KVSEQ + "*1E9/" + _S
)
_BUSY = (
    "2*{params}*{prompt_tokens}/{step:prefill_ps}+{output_tokens}*MAX({step:token_s}+"
    + _SH
    + ","
    + HOST_TEXT
    + "*1E-6)"
)
_ONE_GPU_MS = (
    "(MAX({params}*{bytes_per_param}/"
    + _S
    + ",2*{params}/({gpus}*{peak}*1E12*"
    + gemm_mfu("1")
    + "))+"
    + _KVSEQ
    + "*1E9/"
    + _S
    + ")*1E3"
)
_ONE_STEP_MS = "MAX({step:one_gpu_ms}+" + HOST_TEXT + "*(" + SERIAL_TEXT + "*1E-3)," + HOST_TEXT + "*1E-3)"
_SERVING_STEPS = (
    ("read_bps", "bytes a replica reads per second", "{gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency}*{bw_share}"),
    ("flops_ps", "FLOPs a replica computes per second decoding", "{gpus}*{peak}*1E12*{mfu}*{peak_share}"),
    ("prefill_ps", "FLOPs a replica computes per second in prefill", "{gpus}*{peak}*1E12*{prefill_mfu}*{peak_share}"),
    ("kv_bytes", "KV cache bytes per sequence (floor 1E-6)", "MAX(" + _KVSEQ + "*1E9,1E-6)"),
    ("one_gpu_ms", "one decode step at batch 1 (ms)", _ONE_GPU_MS),
    ("one_step_ms", "one decode step at batch 1, with the server's CPU time (ms)", _ONE_STEP_MS),
    (
        "batch_bw",
        "largest batch whose step reads (and its CPU's critical share) in the latency target",
        "INT(({latency_ms}*"
        + repr(LATENCY_TIE)
        + "/1E3*"
        + _S
        + "-{params}*{bytes_per_param})/("
        + _KV
        + "+"
        + _SH
        + "*"
        + _S
        + "))",
    ),
    ("kv_s", "seconds the replica reads one sequence's KV cache", _KV + "/" + _S),
    (
        "batch_gemm",
        "largest batch whose GEMMs at mfu and cache reads (and its CPU's critical share) take the latency target",
        "INT({latency_ms}*" + repr(LATENCY_TIE) + "/1E3/(2*{params}/" + _C + "+{step:kv_s}+" + _SH + "))",
    ),
    (
        "batch_ramp",
        "largest batch whose GEMMs at prefill_mfu x b / (b + h) and cache reads (and its CPU's critical share) take "
        "the latency target",
        # 2 x params x (b + h) FLOPs at prefill_mfu
        "INT(({latency_ms}*"
        + repr(LATENCY_TIE)
        + "/1E3-2*{params}*"
        + _HALF
        + "/{step:prefill_ps})/(2*{params}/{step:prefill_ps}+{step:kv_s}+"
        + _SH
        + "))",
    ),
    (
        "batch_host",
        "largest batch whose CPU time, batch x host_us, takes the latency target (none: no CPU time)",
        "IF(" + HOST_TEXT + ">0,INT({latency_ms}*" + repr(LATENCY_TIE) + "/1E3/(" + HOST_TEXT + "*1E-6))," + _CAP + ")",
    ),
    (
        "batch_flops",
        "largest batch whose step computes and reads its cache in the latency target",
        "MAX({step:batch_gemm},{step:batch_ramp})",
    ),
    (
        "batch_memory",
        "largest batch whose KV cache fits beside the weights in usable memory",
        "INT(({gpus}*{gpu:memory_gb}*" + _USABLE + "*1E9-{params}*{bytes_per_param})/" + _KV + ")",
    ),
    ("batch", f"largest batch under the latency target that fits (at most max_batch, or blank {BATCH_CAP})", _B),
    (
        "gemm_ps",
        "FLOPs a replica computes per second decoding at that batch",
        "{gpus}*{peak}*1E12*" + gemm_mfu("{step:batch}"),
    ),
    ("token_s", "the GPUs' step at that batch per sequence (s)", _GPU_TOKEN_S),
    ("busy", "replica-seconds per request", _BUSY),
    (
        "replicas",
        "replicas at the peak hour, before rounding up",
        "{requests_per_day}/{const:SecondsPerDay}*{peak_factor}*{step:busy}",
    ),
)


# SERVING_GPUS with a catalog model (engine.inference.serving_gpus in its general form): each request's cache at its
# running context (kv_gb_per_sequence, or blank the model's own) and its decode attention against the model's own
# (per_sequence: charged whether the cache is typed or not), the serving batch searched as SERVING_BATCH's twin does
# (serving_batch_steps at latency_ms), the step at that batch, and each request's prefill as the engine charges it:
# its prompt's FLOPs at prefill_mfu, a mixture of experts' routed GEMMs at the tokens each expert gets in a pass of
# max(prompt, PREFILL_PASS_TOKENS) tokens (serving_prefill_params), causal attention, plus its share of that pass's
# all-reduces (prefill_comm_seconds).
def _sg_step(k: str, label: str, text: str) -> tuple:
    """A decode step as SERVING_GPUS' model form takes it: the model's own cache of one request kept as kv_seq_own
    beside the cache used (kv_gb_per_sequence, or blank that one); the attention always against the model's own
    cache (engine.inference.per_sequence); no batch cache (the search's steps write batch x kv_seq)."""
    if k == "kv_seq":
        used = 'IF({kv_gb_per_sequence}="",{step:kv_seq_own},{kv_gb_per_sequence})'
        what = "KV cache of one request (GB): kv_gb_per_sequence, or blank the model's own at its running context"
        return (("kv_seq_own", label, text), ("kv_seq", what, used))
    if k == "attn_d":
        return ((k, "attention FLOPs of one decode token against the model's own cache", ATTN_OWN),)
    return () if k in ("kv", "kv_own") else ((k, label, text),)


_SG_BASE = with_host(tuple(s for step in decode_steps(CONTEXT_OF_REQUEST) for s in _sg_step(*step)))
_SG_PASS = repr(PREFILL_PASS_TOKENS)
_SG_STEPS = (
    _SG_BASE
    + serving_batch_steps(_SG_BASE, "{latency_ms}", CAP_OF_MAX_BATCH)
    + tuple(_at_batch(_SG_BASE, "{step:sb}", "_sb", "at the serving batch"))
    + tuple(_at_batch(_SG_BASE, "1", "_one", "one sequence"))
    + (
        ("pf_pass", "tokens of the prefill pass the request's prompt runs in", "MAX({prompt_tokens}," + _SG_PASS + ")"),
        *routed_gemm_steps("{step:pf_pass}", "gemm_pf", "a prefill pass"),
        (
            "pf_flops",
            "prefill FLOPs of one request: its tokens' weights, routed experts at their tokens, causal attention",
            "2*{params}*{prompt_tokens}+{step:gemm_pf}*{prompt_tokens}/{step:pf_pass}"
            "+2*{model:layers}*{model:heads}*{model:head_dim}*{prompt_tokens}^2*{attn_cost}",
        ),
        (
            "pf_s",
            "prefill of one request (s): its FLOPs at prefill_mfu, plus its share of its pass's all-reduces",
            "{step:pf_flops}/({gpus}*{peak}*1E12*{prefill_mfu}*{peak_share})+"
            + _comm("{step:pf_pass}")
            + "*{prompt_tokens}/{step:pf_pass}",
        ),
        (
            "busy_m",
            "replica-seconds per request: its prefill and its share of output_tokens steps at the serving batch",
            "{step:pf_s}+{output_tokens}*{step:step_ms_sb}/1E3/{step:sb}",
        ),
        (
            "replicas_m",
            "replicas at the peak hour, before rounding up",
            "{requests_per_day}/{const:SecondsPerDay}*{peak_factor}*{step:busy_m}",
        ),
        ("replicas_up_m", "replicas at the peak hour (rounded up)", count_twin("{step:replicas_m}")),
        TP_OK,
        (
            "fits_m",
            "a valid tensor-parallel degree whose usable memory holds the weights, one request's cache and the "
            "request the context",
            "({model:total_params}*{bytes_per_param}/1E9+{step:kv_seq}<={gpus}*{gpu:memory_gb}*" + _USABLE + ")"
            "*{step:tp_ok}*(({prompt_tokens}+{output_tokens})<={model:context})",
        ),
    )
)
_SG_MODEL = (
    "IF({step:step_ms_one}<={latency_ms}*"
    + repr(LATENCY_TIE)
    + ",IF({step:fits_m},IF({requests_per_day}*({prompt_tokens}+{output_tokens})>0,"
    "{step:replicas_up_m}*{gpus},0),NA()),NA())"
)

_SERVING_TWIN, _SERVING_TWIN_STEPS = with_fewest_gpus(
    _SERVING_STEPS
    + (TP_OK,)
    + (
        (
            "fits",
            "weights + one sequence's KV cache fit in the GPUs' usable memory (a valid tensor-parallel degree)",
            "({params}*{bytes_per_param}/1E9+" + _KVSEQ + "<={gpus}*{gpu:memory_gb}*" + _USABLE + ")*{step:tp_ok}",
        ),
    )
    + (("replicas_up", "replicas at the peak hour (rounded up)", count_twin("{step:replicas}")),)
    + tuple(s for s in _SG_STEPS if s[0] != "tp_ok"),
    (
        "[["
        + _SG_MODEL
        + "||IF({step:one_step_ms}<={latency_ms}*"
        + repr(LATENCY_TIE)
        + ",IF({step:fits},IF({requests_per_day}*({prompt_tokens}+{output_tokens})>0,"
        "{step:replicas_up}*{gpus},0),NA()),NA())]]"
    ),
    # a blank gpus holds the weights and one request's cache: kv_gb_per_sequence, or blank the model's own (none
    # for a plain parameter count)
    'IF({kv_gb_per_sequence}="",{kv_seq},{kv_gb_per_sequence})',
)

SERVING_GPUS = Function(
    name="SERVING_GPUS",
    summary="GPUs to serve a daily load at its peak hour, counting prefill and decode, at the largest batch that "
    "keeps each token under latency_ms and fits in memory.",
    returns="GPUs",
    nature="estimate",
    nature_why="decode steps and prefill at efficiencies, fixed all-reduce costs and a model's own cache fitted or "
    "taken from published runs (docs/fidelity.md); queueing not counted",
    args=(
        Arg("requests_per_day", "Requests a day"),
        PROMPT,
        OUTPUT,
        SERVED_PARAMS,
        GPU_NAME,
        Arg(
            "gpus",
            "GPUs per replica, in tensor parallel (a valid degree: it divides the model's attention heads, "
            "splits its KV heads evenly, stays within an 8-GPU NVLink domain); default (blank): the fewest "
            "valid GPUs that hold the weights and one request's KV cache",
        ),
        Arg("latency_ms", "Most milliseconds per generated token (per user); default 50 (estimate: 20 tokens/s)"),
        Arg("peak_factor", "Busiest hour over the daily average, >= 1; default 2 (estimate)"),
        Arg(
            "kv_gb_per_sequence",
            "KV cache of one request in GB (KV_CACHE_GB); default (blank): a catalog model's own at its "
            "running context, prompt + half the output (BF16); none for a plain parameter count",
        ),
        BYTES_PER_PARAM,
        BW_EFFICIENCY,
        DECODE_MFU,
        PRECISION,
        ALLREDUCE_US,
        PREFILL_MFU,
        MAX_BATCH_ARG,
        HOST_US_ARG,
        HOST_SERIAL_ARG,
    ),
    source=_ROOFLINE + "; prefill compute per request with causal attention (PaLM appendix B), queued prompts "
    "sharing a pass of 8,192 tokens and its all-reduces (TensorRT-LLM's max_num_tokens, vLLM's max_num_batched_tokens "
    "defaults); a catalog "
    "model's own KV cache (DeepSeek-V2 §2.1 for MLA) and decode attention FLOPs (Kaplan et al. 2020, Table 1); "
    "the engine's CPU time overlapped with the GPUs' step but for a share on the critical path (vLLM's async "
    "scheduling; TensorRT-LLM's overlap scheduler, pull request #10273's host_step_time)",
    example=(1e6, 1000, 300, "70B", "H100", 4, 50, 2, 0.4),
    twin_blank_cell_na=("gpus",),
    formula=engine.serving_gpus,
    # the engine's conditions (latency, fit) first, as Python checks them; no load is 0 GPUs (LOG10(0) errs)
    twin=_SERVING_TWIN,
    twin_steps=_SERVING_TWIN_STEPS,
)

WEIGHTS_GB = Function(
    name="WEIGHTS_GB",
    summary="Memory of the weights in GB (1e9 bytes); a model name counts all its weights (every expert).",
    returns="GB",
    nature="exact",
    nature_why="parameters x bytes per weight (4-bit formats' block scales not counted)",
    args=(TOTAL_PARAMS, WEIGHT_BYTES),
    source="bytes per parameter of the number format (BF16 = 2)",
    example=("175B",),
    formula=engine.weights_gb,
    twin="{params}*{bytes_per_param}/1E9",
)

TRAIN_MEMORY_GB = Function(
    name="TRAIN_MEMORY_GB",
    summary="Memory for weights, gradients and Adam states in mixed-precision training, in GB (activations excluded).",
    returns="GB",
    nature="bound",
    nature_why="weights, gradients and Adam states only: a lower bound, activations excluded",
    args=(TOTAL_PARAMS, Arg("bytes_per_param", "Bytes per parameter; default 16 (ZeRO: 2+2+12)")),
    source="Rajbhandari et al. 2020, ZeRO, §3.1: 16 bytes per parameter with Adam in mixed precision",
    example=("70B",),
    formula=engine.train_memory_gb,
    twin="{params}*{bytes_per_param}/1E9",
)


def _is_name(x) -> bool:
    return isinstance(x, str) and bool(x.strip()) and not (x.strip()[:1].isdigit() or x.strip()[:1] in "+-.#")


def _names_a_model(v) -> bool:
    """True when KV_CACHE_GB's first argument names a model: a single cell of text that is not a
    number (an unknown name then gets did-you-mean), or a range holding a catalog name (a range
    of numbers with a stray word stays the numbers form, the word erring alone)."""
    from flopsheet import models

    arr, _ = texts(v, "layers", None)
    arr = np.asarray(arr, dtype=object)
    if arr.ndim == 0:
        return _is_name(arr[()])
    for x in arr.flat:
        if _is_name(x):
            try:
                models.resolve(x)
                return True
            except FlopsheetError:
                pass
    return False


# KV_CACHE_GB(model, context_tokens, [batch], [bytes_per_value], [gpus]): the catalog supplies the
# cache's shape (MLA latent, windowed layers); kept out of the registry, reached through KV_CACHE_GB.
_KV_OF_MODEL = Function(
    name="KV_CACHE_GB",
    summary="KV cache in GB of a catalog model.",
    returns="GB",
    nature="exact",
    nature_why="the cache's shape times its length and bytes (paging and fragmentation not counted)",
    args=(
        Arg("layers", "Catalog model name (see MODEL_NAMES)", kind="model"),
        Arg("context_tokens", "Tokens held in the cache per sequence"),
        Arg("batch", "Sequences; default 1"),
        Arg("bytes_per_value", "Bytes per cached value; default 2 (BF16)"),
        Arg("gpus", "GPUs in tensor parallel (heads or the MLA latent replicated); default 1"),
    ),
    source="DeepSeek-V2 (arXiv:2405.04434) §2.1: MLA caches kv_lora_rank + qk_rope_head_dim per token per layer",
    example=("DeepSeek-V3", 128000),
    formula=engine.model_kv_cache_gb,
    # the engine's figures of the row ({model:x}: MLA latent or 2 x kv_heads x head_dim, full and windowed layers)
    twin="{model:values_per_token_layer}*{bytes_per_value}*{step:held}*{batch}/1E9"
    "*IF({gpus}>{model:kv_heads},{gpus},{model:kv_heads})/{model:kv_heads}",
    twin_steps=(
        (
            "held",
            "token-layers the cache holds",
            "{model:full_layers}*{context_tokens}+{model:sliding_layers}*MIN({context_tokens},{model:sliding_window})",
        ),
    ),
)
_NUMBER_DEFAULTS = (None, 1.0, 2.0)  # what Excel passes for an omitted trailing argument
_NUMBERS_FORM: dict = {}  # KV_CACHE_GB without its dispatch, built on first use


def _kv_cache_gb(*args, **kwargs):
    """KV_CACHE_GB's two forms: (layers, kv_heads, head_dim, context_tokens, ...) in numbers, or
    (model, context_tokens, [batch], [bytes_per_value], [gpus]) when the first argument names a model."""
    names = [a.name for a in KV_CACHE_GB.args]
    given = dict(zip(names, args)) | kwargs
    if not _names_a_model(given.get("layers")):
        # the numbers form: KV_CACHE_GB without its dispatch, built once (a Function takes ~15 us to build)
        numbers_form = _NUMBERS_FORM.get("kv") or _NUMBERS_FORM.setdefault("kv", replace(KV_CACHE_GB, dispatch=None))
        return evaluate(numbers_form, *args, **kwargs)
    slots = [given.get(n) for n in names]  # the model form's five arguments arrive in the first five slots
    if any(not (v is None or (isinstance(v, float) and v in _NUMBER_DEFAULTS)) for v in slots[5:]):
        raise FlopsheetError(
            "with a model name KV_CACHE_GB takes (model, context_tokens, [batch], "
            "[bytes_per_value], [gpus]): at most 5 arguments",
            arg="layers",
        )
    return evaluate(_KV_OF_MODEL, *slots[:5])


KV_CACHE_GB = Function(
    name="KV_CACHE_GB",
    summary="KV cache in GB: 2 x layers x kv_heads x head_dim x bytes x context_tokens x batch / 1e9, or a catalog "
    "model's own cache: KV_CACHE_GB(model, context_tokens, [batch], [bytes_per_value], [gpus]).",
    returns="GB",
    nature="exact",
    nature_why="the cache's shape times its length and bytes (paging and fragmentation not counted)",
    args=(
        Arg(
            "layers",
            "Transformer layers, or a catalog model name: then KV_CACHE_GB(model, context_tokens, "
            "[batch], [bytes_per_value], [gpus]) with the model's own cache (MLA latent, windowed layers)",
        ),
        Arg("kv_heads", "Key/value heads (fewer than query heads with GQA)"),
        Arg("head_dim", "Dimension of one head"),
        Arg("context_tokens", "Tokens held in the cache per sequence"),
        Arg("batch", "Sequences; default 1"),
        Arg("bytes_per_value", "Bytes per cached value; default 2 (BF16)"),
        Arg("gpus", "GPUs in tensor parallel: heads are replicated when gpus > kv_heads; default 1"),
    ),
    source="Ainslie et al. 2023 (GQA); one key and one value vector per layer, KV head and token; "
    "MLA latent: DeepSeek-V2 (arXiv:2405.04434) §2.1",
    example=(32, 8, 128, 131072),
    formula=engine.kv_cache_gb,
    twin="2*{layers}*{kv_heads}*{head_dim}*{bytes_per_value}*{context_tokens}*{batch}/1E9"
    "*IF({gpus}>{kv_heads},{gpus},{kv_heads})/{kv_heads}",
    dispatch=_kv_cache_gb,
    forms=(_KV_OF_MODEL,),
)


GPUS_TO_FIT = Function(
    name="GPUS_TO_FIT",
    summary="Whole GPUs whose memory holds gb, using usable_fraction of each (rounded up).",
    returns="GPUs",
    nature="bound",
    nature_why="the fewest GPUs whose usable memory holds the bytes given: a lower bound",
    args=(
        Arg("gb", "Memory to hold, in GB (e.g. WEIGHTS_GB + KV_CACHE_GB)"),
        GPU_NAME,
        Arg("usable_fraction", "Fraction of each GPU's memory usable; default 0.9"),
    ),
    source="memory from the GPU's datasheet (catalog)",
    example=(350, "A100"),
    formula=engine.gpus_to_fit,
    twin=count_twin("{step:gpus}"),
    twin_steps=(("gpus", "GPUs of memory, before rounding up", "{gb}/({gpu:memory_gb}*{usable_fraction})"),),
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
