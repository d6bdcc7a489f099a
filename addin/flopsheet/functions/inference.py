"""Inference functions: FLOPs per request, compute-bound time, the decode roofline, memory."""

from flopsheet import engine
from flopsheet.functions._common import (
    BATCH, BW_EFFICIENCY, BYTES_PER_PARAM, FLOPS, GPU, GPU_NAME, KV_GB, MFU, PARAMS, PRECISION, TP_GPUS,
)
from flopsheet.engine._checks import count_twin
from flopsheet.functions._model import Arg, Function, engine_default

_ROOFLINE = ("roofline model (Williams et al. 2009) for LLM decode (Pope et al. 2022, Efficiently Scaling "
             "Transformer Inference); bandwidth, memory and peak from the GPU's datasheet (catalog)")
_LABELS = {"peak_tflops": "gpu", "bandwidth_tbs": "gpu", "memory_gb": "gpu"}
PROMPT = Arg("prompt_tokens", "Tokens in the prompt")
OUTPUT = Arg("output_tokens", "Tokens generated in the answer")


# Native twins (flopsheet.handoff.twins), in the engine's operation order. Tensor-parallel
# decode step: the slower of reading weights + KV cache and computing 2*params*batch FLOPs.
_MEMORY_S = "({params}*{bytes_per_param}+{kv_gb}*1E9)/({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency})"
_COMPUTE_S = "2*{params}*{batch}/({gpus}*{peak}*1E12*{mfu})"
_STEP_MS = "(IF(" + _MEMORY_S + ">=" + _COMPUTE_S + "," + _MEMORY_S + "," + _COMPUTE_S + ")*1E3)"


def _fits(value: str) -> str:
    """The engine's FITS condition: weights + KV cache fit in the GPUs' memory, else #N/A."""
    return "IF({params}*{bytes_per_param}/1E9+{kv_gb}<={gpus}*{gpu:memory_gb}," + value + ",NA())"


def _decode_args(b):
    return dict(params=b["params"], peak_tflops=b.gpu(), bandwidth_tbs=b.gpu("bandwidth_tbs"),
                memory_gb=b.gpu("memory_gb"), batch=b["batch"], bytes_per_param=b["bytes_per_param"],
                gpus=b["gpus"], kv_gb=b["kv_gb"], bw_efficiency=b["bw_efficiency"], mfu=b["mfu"])


INFER_FLOPS = Function(
    "INFER_FLOPS", "FLOPs to answer one request: 2 x params per token, plus causal attention if layers and d_model are given.",
    "FLOPs",
    (PARAMS, PROMPT, OUTPUT,
     Arg("layers", "Transformer layers (optional, for the attention term)", default=None),
     Arg("d_model", "Model width (optional, for the attention term)", default=None)),
    "Kaplan et al. 2020, §2.1 (2N FLOPs per token forward); causal attention 2*L*d per key pair",
    ("175B", 20, 300), engine.infer_flops.formula,
    lambda b: {k: b[k] for k in ("params", "prompt_tokens", "output_tokens", "layers", "d_model")},
    twin='2*{params}*({prompt_tokens}+{output_tokens})[[+IF(({layers}="")*({d_model}=""),0,'
         'IF(({layers}<>"")*({d_model}<>""),2*{layers}*{d_model}*{prompt_tokens}*{prompt_tokens}'
         '+4*{layers}*{d_model}*({output_tokens}*{prompt_tokens}+{output_tokens}*({output_tokens}-1)/2),NA()))]]',
)

INFER_SECONDS = Function(
    "INFER_SECONDS", "Compute-bound seconds for flops at mfu of the GPU's peak (the seed's method; a floor, see RESPONSE_SECONDS).",
    "seconds", (FLOPS, GPU, MFU, PRECISION), "dense peak from the GPU's datasheet (catalog)",
    (1.12e14, "A100", 0.462), engine.infer_seconds.formula,
    lambda b: dict(flops=b["flops"], peak_tflops=b.gpu(), mfu=b["mfu"]), {"peak_tflops": "gpu"},
    twin="{flops}/({peak}*1E12*{mfu})",
)

DECODE_MS = Function(
    "DECODE_MS", "Milliseconds per decode step (one token per sequence): memory-bandwidth or compute bound, whichever is slower.",
    "ms", (PARAMS, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB, BW_EFFICIENCY, MFU, PRECISION),
    _ROOFLINE, ("8B", "H100"), engine.decode_ms.formula, _decode_args, _LABELS, twin=_fits(_STEP_MS),
)

RESPONSE_SECONDS = Function(
    "RESPONSE_SECONDS", "Seconds to answer a request: compute-bound prefill of the prompt plus one decode step per output token.",
    "seconds",
    (PARAMS, PROMPT, OUTPUT, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, MFU, KV_GB, BW_EFFICIENCY, PRECISION),
    _ROOFLINE, ("175B", 20, 300, "A100", 1, 2, 8), engine.response_seconds.formula,
    lambda b: dict(_decode_args(b), prompt_tokens=b["prompt_tokens"], output_tokens=b["output_tokens"]), _LABELS,
    twin=_fits("2*{params}*{prompt_tokens}*{batch}/({gpus}*{peak}*1E12*{mfu})+{output_tokens}*" + _STEP_MS + "/1E3"),
)

TOKENS_PER_SECOND = Function(
    "TOKENS_PER_SECOND", "Generated tokens per second, all sequences of the batch together: batch / DECODE_MS x 1000.",
    "tokens/s", (PARAMS, GPU_NAME, BATCH, BYTES_PER_PARAM, TP_GPUS, KV_GB, BW_EFFICIENCY, MFU, PRECISION),
    _ROOFLINE, ("8B", "H100", 64), engine.tokens_per_second.formula, _decode_args, _LABELS,
    twin=_fits("{batch}/" + _STEP_MS + "*1E3"),
)

WEIGHTS_GB = Function(
    "WEIGHTS_GB", "Memory of the weights in GB (1e9 bytes).", "GB", (PARAMS, BYTES_PER_PARAM),
    "bytes per parameter of the number format (BF16 = 2)", ("175B",), engine.weights_gb.formula,
    lambda b: dict(params=b["params"], bytes_per_param=b["bytes_per_param"]),
    twin="{params}*{bytes_per_param}/1E9",
)

TRAIN_MEMORY_GB = Function(
    "TRAIN_MEMORY_GB", "Memory for weights, gradients and Adam states in mixed-precision training, in GB (activations excluded).",
    "GB", (PARAMS, Arg("bytes_per_param", "Bytes per parameter; default 16 (ZeRO: 2+2+12)",
                  default=engine_default(engine.train_memory_gb, "bytes_per_param"))),
    "Rajbhandari et al. 2020, ZeRO, §3.1: 16 bytes per parameter with Adam in mixed precision",
    ("70B",), engine.train_memory_gb.formula,
    lambda b: dict(params=b["params"], bytes_per_param=b["bytes_per_param"]),
    twin="{params}*{bytes_per_param}/1E9",
)

KV_CACHE_GB = Function(
    "KV_CACHE_GB", "KV cache in GB: 2 x layers x kv_heads x head_dim x bytes x context_tokens x batch / 1e9.", "GB",
    (Arg("layers", "Transformer layers"), Arg("kv_heads", "Key/value heads (fewer than query heads with GQA)"),
     Arg("head_dim", "Dimension of one head"), Arg("context_tokens", "Tokens held in the cache per sequence"),
     Arg("batch", "Sequences; default 1", default=engine_default(engine.kv_cache_gb, "batch")),
     Arg("bytes_per_value", "Bytes per cached value; default 2 (BF16)",
         default=engine_default(engine.kv_cache_gb, "bytes_per_value"))),
    "Ainslie et al. 2023 (GQA); one key and one value vector per layer, KV head and token",
    (32, 8, 128, 131072), engine.kv_cache_gb.formula,
    lambda b: {k: b[k] for k in ("layers", "kv_heads", "head_dim", "context_tokens", "batch", "bytes_per_value")},
    twin="2*{layers}*{kv_heads}*{head_dim}*{bytes_per_value}*{context_tokens}*{batch}/1E9",
)

GPUS_TO_FIT = Function(
    "GPUS_TO_FIT", "Whole GPUs whose memory holds gb, using usable_fraction of each (rounded up).", "GPUs",
    (Arg("gb", "Memory to hold, in GB (e.g. WEIGHTS_GB + KV_CACHE_GB)"), GPU_NAME,
     Arg("usable_fraction", "Fraction of each GPU's memory usable; default 0.9",
         default=engine_default(engine.gpus_to_fit, "usable_fraction"))),
    "memory from the GPU's datasheet (catalog)", (350, "A100"), engine.gpus_to_fit.formula,
    lambda b: dict(gb=b["gb"], memory_gb=b.gpu("memory_gb"), usable_fraction=b["usable_fraction"]),
    {"memory_gb": "gpu"}, twin=count_twin("{gb}/({gpu:memory_gb}*{usable_fraction})"),
)

FUNCTIONS = (INFER_FLOPS, INFER_SECONDS, DECODE_MS, RESPONSE_SECONDS, TOKENS_PER_SECOND, WEIGHTS_GB,
             TRAIN_MEMORY_GB, KV_CACHE_GB, GPUS_TO_FIT)
