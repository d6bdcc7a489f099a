"""Inference functions: FLOPs per request, compute-bound time, the decode roofline, memory.

Each is one keyword declaration; defaults, binding and error labels come from the engine
formula (see `Function`).
"""

from dataclasses import replace

import numpy as np

from flopsheet import engine
from flopsheet.engine.inference import (
    DECODE_GEMM_HALF_BATCH,
    DEFAULT_LAYER_US,
    DEFAULT_PREFILL_MFU,
    USABLE_FRACTION,
)
from flopsheet.errors import FlopsheetError
from flopsheet.functions._common import (
    ALLREDUCE_US,
    BATCH,
    BW_EFFICIENCY,
    BYTES_PER_PARAM,
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
    SERVED_PARAMS,
    TOTAL_PARAMS,
    TP_GPUS,
    TTFT_MFU,
    WEIGHT_BYTES,
)
from flopsheet.functions.declaration import Arg, Function, declared_in, evaluate
from flopsheet.functions.inputs import texts
from flopsheet.functions.twintext import count_twin

_ROOFLINE = (
    "roofline model (Williams et al. 2009) for LLM decode (Pope et al. 2022, Efficiently Scaling "
    "Transformer Inference); bandwidth, memory and peak from the GPU's datasheet (catalog); efficiencies by "
    "phase and number format, the fixed costs per layer and per all-reduce and AMD CDNA3's achieved share of its "
    "peak fitted on published runs (docs/fidelity.md)"
)
PROMPT = Arg("prompt_tokens", "Tokens in the prompt")
OUTPUT = Arg("output_tokens", "Tokens generated in the answer")
# One order of the optional arguments for DECODE_MS, RESPONSE_SECONDS, TOKENS_PER_SECOND (and
# TTFT_SECONDS without kv_gb): DECODE_MS's, so kv_gb comes before bw_efficiency and mfu.
# RESPONSE_SECONDS had mfu 8th and kv_gb 9th until issue 13: a breaking change, in the docs.
_TAIL = (BW_EFFICIENCY, DECODE_MFU, PRECISION, ALLREDUCE_US)
_DECODE_ARGS = (SERVED_PARAMS, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB) + _TAIL


# Native twins (flopsheet.handoff.twins), in the engine's operation order and its general form:
# {model:x} is a figure of the catalog model `params` names (its active parameters are {params});
# a [[...]] section that reads one is dropped for a plain parameter count, where the engine's
# model terms vanish (dense: every weight read; no all-reduces; no attention term), and
# [[A||B]] is A with a catalog model, B without. One text serves both forms.
_BYTES_S = "({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency})"  # bytes/s the tensor-parallel GPUs read
# FLOP/s they compute: `mfu` (a prefill's: prefill_mfu) x the share of the peak at the precision
_FLOPS_S = "({gpus}*{peak}*1E12*{mfu}*{peak_share})"


def _read(tokens: str) -> str:
    """engine.inference.weights_read: a dense model reads every weight; a mixture of experts its
    shared weights and each routed expert some token of `tokens` picks: total - routed x
    (1-share)^tokens, routed = (total - active) / (1-share). The power would underflow (an error
    in LibreOffice) at a long prompt: its exponent stops where the term is below 1E-260 of the
    weights, far under the 1E-9 the copy keeps (a dense model, share 0, reads the total)."""
    return (
        "[[({model:total_params}-({model:total_params}-{params})*(1-{model:share})"
        "^MIN(" + tokens + "-1,600/(1E-300-LN(1-{model:share}))))||{params}]]"
    )


def _comm(tokens: str) -> str:
    """engine.inference.comm_seconds: two all-reduces per layer over one direction of the link."""
    return (
        "IF({gpus}>1,2*{model:layers}*({allreduce_us}*1E-6+2*({gpus}-1)/{gpus}*(" + tokens + ")*{model:d_model}"
        "*2/({gpu:interconnect_gbs}/2*1E9)),0)"
    )


STEP_MS = "{step:step_ms}"
# engine.inference.launch_seconds: a forward pass's fixed cost per layer (DEFAULT_LAYER_US, a constant of the engine
# typed as the same number, as _USABLE below)
_LAUNCH = "{model:layers}*" + repr(DEFAULT_LAYER_US) + "*1E-6"
# The usable share of each GPU's memory (engine.inference.USABLE_FRACTION, a constant of the engine: the copy
# types the same number, so it computes what Python does)
_USABLE = repr(USABLE_FRACTION)
_HALF = f"{DECODE_GEMM_HALF_BATCH:g}"


def gemm_mfu(batch: str, prefill_mfu: str = "{prefill_mfu}") -> str:
    """engine.inference.gemm_mfu: the share of the peak a decode step's weight GEMMs reach with `batch` sequences,
    the larger of mfu and prefill_mfu / (1 + DECODE_GEMM_HALF_BATCH / batch), each x the number format's share
    (the batch typed once: SERVING_GPUS' batch is a long expression)."""
    return "MAX({mfu}*{peak_share}," + prefill_mfu + "*{peak_share}/(1+" + _HALF + "/" + batch + "))"


def decode_steps(prefill_mfu: str = "{prefill_mfu}") -> tuple:
    """The decode step's twin steps; `prefill_mfu` is the function's own argument, or the engine's default typed
    as a number where the function takes none (DECODE_MS, TOKENS_PER_SECOND)."""
    return (
        (
            "memory_s",
            "decode step reading weights and KV cache (s)",
            "(" + _read("{batch}") + "*{bytes_per_param}+{kv_gb}*1E9)/" + _BYTES_S,
        ),
        (
            "gemm_d",
            "share of the peak the decode step's weight GEMMs reach at the batch",
            gemm_mfu("{batch}", prefill_mfu),
        ),
        ("flops_d", "FLOP/s the GPUs compute decoding", "({gpus}*{peak}*1E12*{step:gemm_d})"),
        ("compute_s", "decode step computing (s)", "2*{params}*{batch}/{step:flops_d}"),
        ("comm_b", "all-reduces of a decode step (s)", _comm("{batch}")),
        (
            "step_ms",
            "decode step, the slower of the two (ms)",
            "(IF({step:memory_s}>={step:compute_s},{step:memory_s},{step:compute_s})[[+{step:comm_b}+"
            + _LAUNCH
            + "]])*1E3",
        ),
    )


# DECODE_MS and TOKENS_PER_SECOND take no prefill_mfu: the engine's default, a constant typed as the same number
STEPS = decode_steps(repr(DEFAULT_PREFILL_MFU))


def fits_twin(value: str) -> str:
    """The engine's FITS condition (`fits_step`): weights + KV cache fit in the GPUs' memory, else #N/A."""
    return "IF({step:fits}," + value + ",NA())"


def fits_step(kv: str = "{kv_gb}", tokens: str = "") -> tuple:
    """The FITS condition; with `tokens`, a catalog model's context must hold them too (CONTEXT)."""
    fits = "[[{model:total_params}||{params}]]*{bytes_per_param}/1E9+" + kv + "<={gpus}*{gpu:memory_gb}*" + _USABLE
    if tokens:
        fits = "(" + fits + ")[[*(" + tokens + "<={model:context})]]"
    return (
        (
            "fits",
            "weights + KV cache fit in the GPUs' usable memory" + (" (and the request the context)" if tokens else ""),
            fits,
        ),
    )


# Prefill: the slower of its FLOPs (with causal attention for a catalog model) and reading the
# weights its tokens touch once, plus all-reduces over every prompt token.
PREFILL_S = "{step:prefill_s}"


def prefill_steps(mfu: str = "{prefill_mfu}") -> tuple:
    """The prefill's twin steps, computing at `mfu` (TTFT_SECONDS' own `mfu`; prefill_mfu elsewhere)."""
    return (
        ("flops_p", "FLOP/s the GPUs compute in prefill", _FLOPS_S.replace("{mfu}", mfu)),
        (
            "attn",
            "causal attention FLOPs of one prompt",
            "2*{model:layers}*{model:heads}*{model:head_dim}*{prompt_tokens}^2",
        ),
        ("prefill_c", "prefill computing (s)", "(2*{params}*{prompt_tokens}[[+{step:attn}]])*{batch}/{step:flops_p}"),
        (
            "prefill_m",
            "prefill reading the weights once (s)",
            _read("{prompt_tokens}*{batch}") + "*{bytes_per_param}/" + _BYTES_S,
        ),
        ("comm_p", "all-reduces of prefill (s)", _comm("{prompt_tokens}*{batch}")),
        (
            "prefill_s",
            "prefill, the slower of the two (s)",
            "IF({step:prefill_c}>={step:prefill_m},{step:prefill_c},{step:prefill_m})[[+{step:comm_p}+"
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

DECODE_MS = Function(
    name="DECODE_MS",
    summary="Milliseconds per decode step (one token per sequence): memory-bandwidth or compute bound, whichever is slower.",
    returns="ms",
    nature="estimate",
    nature_why=(
        "a roofline (bandwidth or compute) at efficiencies and a fixed all-reduce cost fitted on published runs "
        "(docs/fidelity.md)"
    ),
    args=_DECODE_ARGS,
    source=_ROOFLINE,
    example=("8B", "H100"),
    formula=engine.decode_ms,
    twin=fits_twin(STEP_MS),
    twin_steps=STEPS + fits_step(),
)

RESPONSE_SECONDS = Function(
    name="RESPONSE_SECONDS",
    summary="Seconds to answer a request: compute-bound prefill of the prompt plus one decode step per output token.",
    returns="seconds",
    nature="estimate",
    nature_why="prefill and decode rooflines with efficiencies and fixed all-reduce costs fitted on published runs "
    "(docs/fidelity.md); scheduling and queueing not counted",
    args=(SERVED_PARAMS, PROMPT, OUTPUT, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB) + _TAIL + (PREFILL_MFU,),
    source=_ROOFLINE,
    example=("175B", 20, 300, "A100", 1, 2, 8),
    formula=engine.response_seconds,
    twin=fits_twin(PREFILL_S + "+{output_tokens}*" + STEP_MS + "/1E3"),
    twin_steps=prefill_steps() + decode_steps() + fits_step(tokens="{prompt_tokens}+{output_tokens}"),
)

TTFT_SECONDS = Function(
    name="TTFT_SECONDS",
    summary="Seconds to the first token: prefill of the prompt, compute (with causal attention for a model name) "
    "or reading the weights once, whichever is slower, plus tensor-parallel all-reduces.",
    returns="seconds",
    nature="estimate",
    nature_why="a prefill roofline at a prefill efficiency fitted on published time-to-first-token runs "
    "(docs/fidelity.md); queueing not counted",
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
    formula=engine.ttft_seconds,
    twin=fits_twin(PREFILL_S),
    twin_steps=prefill_steps("{mfu}") + fits_step("0", tokens="{prompt_tokens}"),
)

TOKENS_PER_SECOND = Function(
    name="TOKENS_PER_SECOND",
    summary="Generated tokens per second, all sequences of the batch together: batch / DECODE_MS x 1000.",
    returns="tokens/s",
    nature="estimate",
    nature_why="batch over DECODE_MS' step (a roofline at efficiencies fitted on published runs, docs/fidelity.md)",
    args=_DECODE_ARGS,
    source=_ROOFLINE,
    example=("8B", "H100", 64),
    formula=engine.tokens_per_second,
    twin=fits_twin("{batch}/" + STEP_MS + "*1E3"),
    twin_steps=STEPS + fits_step(),
)

# SERVING_GPUS' twin, for a plain parameter count (dense, no all-reduce term, no cache unless typed): step time
# is linear in the batch on both sides of the roofline, so the largest batch under the target is a closed form.
# A catalog model's own cache, attention and all-reduces make it a search: that call keeps the add-in's value.
_CAP = "65536"
_KVSEQ = "[[{kv_gb_per_sequence}||0]]"  # blank: no cache for a plain parameter count (the engine's per_sequence)
_S = "{step:read_bps}"  # bytes/s the replica reads
_C = "{step:flops_ps}"  # FLOP/s it computes
# A KV cache under a microbyte (or none) bounds nothing: the quotient passes the cap either way, and the
# floor keeps it finite (x/1E-300 overflows to #NUM! in the spreadsheet).
_KV = "{step:kv_bytes}"
_B = "MAX(1,MIN(" + _CAP + ",{step:batch_bw},{step:batch_flops},{step:batch_memory}))"
# replica-seconds per request: prefill compute + output tokens x (step time / batch)
# (the decode step computes at its batch's GEMM efficiency, gemm_mfu)
_BUSY = (
    "2*{params}*{prompt_tokens}/{step:prefill_ps}+{output_tokens}*MAX(({params}*{bytes_per_param}/{step:batch}"
    "+" + _KVSEQ + "*1E9)/" + _S + ",2*{params}/{step:gemm_ps})"
)
_ONE_STEP_MS = (
    "MAX(({params}*{bytes_per_param}+"
    + _KVSEQ
    + "*1E9)/"
    + _S
    + ",2*{params}/({gpus}*{peak}*1E12*"
    + gemm_mfu("1")
    + "))*1E3"
)
_SERVING_STEPS = (
    ("read_bps", "bytes a replica reads per second", "{gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency}"),
    ("flops_ps", "FLOPs a replica computes per second decoding", "{gpus}*{peak}*1E12*{mfu}*{peak_share}"),
    ("prefill_ps", "FLOPs a replica computes per second in prefill", "{gpus}*{peak}*1E12*{prefill_mfu}*{peak_share}"),
    ("kv_bytes", "KV cache bytes per sequence (floor 1E-6)", "MAX(" + _KVSEQ + "*1E9,1E-6)"),
    ("one_step_ms", "one decode step at batch 1 (ms)", _ONE_STEP_MS),
    (
        "batch_bw",
        "largest batch whose step reads in the latency target",
        "INT(({latency_ms}/1E3*" + _S + "-{params}*{bytes_per_param})/" + _KV + ")",
    ),
    (
        "batch_flops",
        "largest batch whose step computes in the latency target",
        # at mfu, or at the GEMMs' prefill_mfu / (1 + h / b), 2 x params x (b + h) FLOPs at prefill_mfu: the larger
        "MAX(INT({latency_ms}/1E3*" + _C + "/(2*{params})),INT({latency_ms}/1E3*{gpus}*{peak}*1E12*{prefill_mfu}"
        "*{peak_share}/(2*{params})-" + _HALF + "))",
    ),
    (
        "batch_memory",
        "largest batch whose KV cache fits beside the weights in usable memory",
        "INT(({gpus}*{gpu:memory_gb}*" + _USABLE + "*1E9-{params}*{bytes_per_param})/" + _KV + ")",
    ),
    ("batch", "largest batch under the latency target that fits (at most " + _CAP + ")", _B),
    (
        "gemm_ps",
        "FLOPs a replica computes per second decoding at that batch",
        "{gpus}*{peak}*1E12*" + gemm_mfu("{step:batch}"),
    ),
    ("busy", "replica-seconds per request", _BUSY),
    (
        "replicas",
        "replicas at the peak hour, before rounding up",
        "{requests_per_day}/{const:SecondsPerDay}*{peak_factor}*{step:busy}",
    ),
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
        Arg("gpus", "GPUs per replica, in tensor parallel; default 1"),
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
    ),
    source=_ROOFLINE + "; prefill compute per request with causal attention (PaLM appendix B); a catalog "
    "model's own KV cache (DeepSeek-V2 §2.1 for MLA) and decode attention FLOPs (Kaplan et al. 2020, Table 1)",
    example=(1e6, 1000, 300, "70B", "H100", 4, 50, 2, 0.4),
    formula=engine.serving_gpus,
    # the engine's conditions (latency, fit) first, as Python checks them; no load is 0 GPUs (LOG10(0) errs)
    twin=(
        "IF({step:one_step_ms}<={latency_ms},IF({step:fits},IF({requests_per_day}*({prompt_tokens}+{output_tokens})>0,"
        "{step:replicas_up}*{gpus},0),NA()),NA())"
    ),
    twin_steps=_SERVING_STEPS
    + (
        (
            "fits",
            "weights + one sequence's KV cache fit in the GPUs' usable memory",
            "{params}*{bytes_per_param}/1E9+" + _KVSEQ + "<={gpus}*{gpu:memory_gb}*" + _USABLE,
        ),
    )
    + (("replicas_up", "replicas at the peak hour (rounded up)", count_twin("{step:replicas}")),),
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
