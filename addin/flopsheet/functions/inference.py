"""Inference functions: FLOPs per request, compute-bound time, the decode roofline, memory.

Each is one keyword declaration; defaults, binding and error labels come from the engine
formula (see `Function`).
"""

from flopsheet import engine
from flopsheet.functions._common import (
    BATCH, BW_EFFICIENCY, BYTES_PER_PARAM, FLOPS, GPU, GPU_NAME, KV_GB, MFU, OPTIONAL_D_MODEL, OPTIONAL_LAYERS,
    PARAMS, PRECISION, TP_GPUS,
)
from flopsheet.functions._model import Arg, Function, declared_in
from flopsheet.functions.twintext import count_twin

_ROOFLINE = ("roofline model (Williams et al. 2009) for LLM decode (Pope et al. 2022, Efficiently Scaling "
             "Transformer Inference); bandwidth, memory and peak from the GPU's datasheet (catalog)")
PROMPT = Arg("prompt_tokens", "Tokens in the prompt")
OUTPUT = Arg("output_tokens", "Tokens generated in the answer")
_DECODE_ARGS = (PARAMS, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB, BW_EFFICIENCY, MFU, PRECISION)


# Native twins (flopsheet.handoff.twins), in the engine's operation order. Tensor-parallel
# decode step: the slower of reading weights + KV cache and computing 2*params*batch FLOPs.
_MEMORY_S = "({params}*{bytes_per_param}+{kv_gb}*1E9)/({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency})"
_COMPUTE_S = "2*{params}*{batch}/({gpus}*{peak}*1E12*{mfu})"
_STEP_MS = "(IF(" + _MEMORY_S + ">=" + _COMPUTE_S + "," + _MEMORY_S + "," + _COMPUTE_S + ")*1E3)"


def _fits(value: str) -> str:
    """The engine's FITS condition: weights + KV cache fit in the GPUs' memory, else #N/A."""
    return "IF({params}*{bytes_per_param}/1E9+{kv_gb}<={gpus}*{gpu:memory_gb}," + value + ",NA())"


INFER_FLOPS = Function(
    name="INFER_FLOPS",
    summary="FLOPs to answer one request: 2 x params per token, plus causal attention if layers and d_model are given.",
    returns="FLOPs",
    args=(PARAMS, PROMPT, OUTPUT, OPTIONAL_LAYERS, OPTIONAL_D_MODEL),
    source="Kaplan et al. 2020, §2.1 (2N FLOPs per token forward); causal attention 2*L*d per key pair",
    example=("175B", 20, 300),
    formula=engine.infer_flops,
    twin='2*{params}*({prompt_tokens}+{output_tokens})[[+IF(({layers}="")*({d_model}=""),0,'
         'IF(({layers}<>"")*({d_model}<>""),2*{layers}*{d_model}*{prompt_tokens}*{prompt_tokens}'
         '+4*{layers}*{d_model}*({output_tokens}*{prompt_tokens}+{output_tokens}*({output_tokens}-1)/2),NA()))]]',
)

INFER_SECONDS = Function(
    name="INFER_SECONDS",
    summary="Compute-bound seconds for flops at mfu of the GPU's peak (the seed's method; a floor, see RESPONSE_SECONDS).",
    returns="seconds",
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
    args=_DECODE_ARGS,
    source=_ROOFLINE,
    example=("8B", "H100"),
    formula=engine.decode_ms,
    twin=_fits(_STEP_MS),
)

RESPONSE_SECONDS = Function(
    name="RESPONSE_SECONDS",
    summary="Seconds to answer a request: compute-bound prefill of the prompt plus one decode step per output token.",
    returns="seconds",
    args=(PARAMS, PROMPT, OUTPUT, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, MFU, KV_GB, BW_EFFICIENCY, PRECISION),
    source=_ROOFLINE,
    example=("175B", 20, 300, "A100", 1, 2, 8),
    formula=engine.response_seconds,
    twin=_fits("2*{params}*{prompt_tokens}*{batch}/({gpus}*{peak}*1E12*{mfu})+{output_tokens}*" + _STEP_MS + "/1E3"),
)

TOKENS_PER_SECOND = Function(
    name="TOKENS_PER_SECOND",
    summary="Generated tokens per second, all sequences of the batch together: batch / DECODE_MS x 1000.",
    returns="tokens/s",
    args=_DECODE_ARGS,
    source=_ROOFLINE,
    example=("8B", "H100", 64),
    formula=engine.tokens_per_second,
    twin=_fits("{batch}/" + _STEP_MS + "*1E3"),
)

WEIGHTS_GB = Function(
    name="WEIGHTS_GB",
    summary="Memory of the weights in GB (1e9 bytes).",
    returns="GB",
    args=(PARAMS, BYTES_PER_PARAM),
    source="bytes per parameter of the number format (BF16 = 2)",
    example=("175B",),
    formula=engine.weights_gb,
    twin="{params}*{bytes_per_param}/1E9",
)

TRAIN_MEMORY_GB = Function(
    name="TRAIN_MEMORY_GB",
    summary="Memory for weights, gradients and Adam states in mixed-precision training, in GB (activations excluded).",
    returns="GB",
    args=(PARAMS, Arg("bytes_per_param", "Bytes per parameter; default 16 (ZeRO: 2+2+12)")),
    source="Rajbhandari et al. 2020, ZeRO, §3.1: 16 bytes per parameter with Adam in mixed precision",
    example=("70B",),
    formula=engine.train_memory_gb,
    twin="{params}*{bytes_per_param}/1E9",
)

KV_CACHE_GB = Function(
    name="KV_CACHE_GB",
    summary="KV cache in GB: 2 x layers x kv_heads x head_dim x bytes x context_tokens x batch / 1e9.",
    returns="GB",
    args=(Arg("layers", "Transformer layers"), Arg("kv_heads", "Key/value heads (fewer than query heads with GQA)"),
          Arg("head_dim", "Dimension of one head"), Arg("context_tokens", "Tokens held in the cache per sequence"),
          Arg("batch", "Sequences; default 1"), Arg("bytes_per_value", "Bytes per cached value; default 2 (BF16)")),
    source="Ainslie et al. 2023 (GQA); one key and one value vector per layer, KV head and token",
    example=(32, 8, 128, 131072),
    formula=engine.kv_cache_gb,
    twin="2*{layers}*{kv_heads}*{head_dim}*{bytes_per_value}*{context_tokens}*{batch}/1E9",
)

GPUS_TO_FIT = Function(
    name="GPUS_TO_FIT",
    summary="Whole GPUs whose memory holds gb, using usable_fraction of each (rounded up).",
    returns="GPUs",
    args=(Arg("gb", "Memory to hold, in GB (e.g. WEIGHTS_GB + KV_CACHE_GB)"), GPU_NAME,
          Arg("usable_fraction", "Fraction of each GPU's memory usable; default 0.9")),
    source="memory from the GPU's datasheet (catalog)",
    example=(350, "A100"),
    formula=engine.gpus_to_fit,
    twin=count_twin("{gb}/({gpu:memory_gb}*{usable_fraction})"),
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
