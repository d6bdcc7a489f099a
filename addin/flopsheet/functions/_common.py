"""Arguments several functions share, declared once so their help reads the same everywhere.

Defaults are not written here: each function takes them from its engine formula's signature.
"""

import numpy as np

from flopsheet.engine.inference import PEAK_SHARE_4BIT, PEAK_SHARE_8BIT
from flopsheet.engine.training import training_mfu
from flopsheet.errors import FlopsheetError
from flopsheet.functions.declaration import Arg
from flopsheet.functions.inputs import EXCEL_ERRORS, control_free
from flopsheet.magnitudes import parse_num

FLOPS = Arg("flops", 'Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"')
PARAMS = Arg(
    "params",
    'Parameters (active ones for mixture-of-experts), e.g. 175E+9 or "175B", or a catalog model '
    'name ("Llama 3.1 405B"; see MODEL_NAMES): its active parameters',
    kind="model",
    model_field="active_params",
)
# A model's memory is all its weights: a model name stands for total_params here.
TOTAL_PARAMS = Arg(
    "params",
    'Parameters, e.g. "175B", or a catalog model name (see MODEL_NAMES): its total parameters, every expert included',
    kind="model",
    model_field="total_params",
)
# Inference: FLOPs from the active parameters, memory and bytes read from the total (MoE).
SERVED_PARAMS = Arg(
    "params",
    'Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see '
    "MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, "
    "layers and width for tensor-parallel all-reduces",
    kind="model",
    model_field="active_params",
)
GPU = Arg(
    "gpu",
    'GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number '
    '(text is always a name: "4090" is the RTX 4090)',
    kind="gpu",
)
GPU_NAME = Arg("gpu", 'GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', kind="gpu")
MFU = Arg("mfu", "Model FLOPs utilization, a fraction in (0, 1]; default 0.40")
# Serving: the efficiency of a prefill (TTFT_SECONDS' mfu; prefill_mfu where decode has its own), times the number
# format's share of its peak (engine.inference.PEAK_SHARE_8BIT, PEAK_SHARE_4BIT), said as the engine's numbers
_SHARES = f"times {PEAK_SHARE_8BIT:g} at an FP8 peak, {PEAK_SHARE_4BIT:g} at FP4"
PREFILL_MFU = Arg(
    "prefill_mfu",
    "Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published "
    f"runs); {_SHARES}",
)
TTFT_MFU = Arg(
    "mfu",
    "Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published "
    f"runs); {_SHARES}",
)
DECODE_MFU = Arg(
    "mfu",
    f"Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; {_SHARES} "
    "(estimates, fitted on published runs)",
)
# Training's: blank is the achievable share of the peak at the call's precision (engine.training_mfu)
TRAIN_MFU = Arg(
    "mfu",
    "Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a "
    "BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)",
    default=None,
    by_precision=training_mfu,
)
# The power of a GPU's server per GPU, IT power (flopsheet.engine.economics): blank is the catalog's
# figure for the GPU's platform, as TRAIN_COST's blank price is the catalog's price.
SERVER_W = Arg(
    "server_w",
    "IT power per accelerator of its server or rack in W, 50 to 5000 (DGX H100: 10,200 W / 8 = 1275); "
    "optional; blank: the catalog's figure for the GPU's platform, GPU_SPEC(gpu, \"server_w\"), its source "
    'GPU_SPEC(gpu, "server_source")',
    default=None,
    fallback="server_w",
)
PRECISION = Arg(
    "precision",
    "Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32",
    kind="precision",
    default="bf16",
)
BATCH = Arg("batch", "Sequences decoded together, each getting one token per step; default 1")
# TOKENS_PER_SECOND's and COST_PER_MTOK's: a throughput question is asked at the batch a server runs
SERVING_BATCH = Arg(
    "batch",
    "Sequences decoded together, each getting one token per step; default (blank): the serving batch, the "
    "largest whose KV cache fits in usable memory and whose step stays under 50 ms (as SERVING_GPUS)",
)


def bytes_per_weight(value) -> float:
    """A bytes-per-weight argument: a number of bytes, or the name of the number format the weights
    are stored in ("fp8" -> 1), which is what people type (WEIGHTS_GB("405B", "fp8")). TF32 is a
    compute mode whose values are stored as FP32 (4 bytes); 4-bit formats' block scales are not
    counted (NVFP4 adds 1 byte per 16 values)."""
    if value is None:
        return 2.0
    if isinstance(value, (bool, np.bool_)):
        raise FlopsheetError(f"bytes_per_param must be a number, not {str(bool(value)).upper()}", arg="bytes_per_param")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if not isinstance(value, str):
        raise FlopsheetError(f"bytes_per_param must be a number (got {type(value).__name__})", arg="bytes_per_param")
    key = control_free(value, "bytes_per_param").strip().lower()
    if not key:
        return 2.0
    if key in bytes_per_weight.choices:
        return bytes_per_weight.choices[key]
    if key.upper() in EXCEL_ERRORS:
        raise FlopsheetError(f"bytes_per_param is {key.upper()} (an error value in the input)", arg="bytes_per_param")
    try:
        return parse_num(key, "bytes_per_param")
    except FlopsheetError:
        names = ", ".join(bytes_per_weight.choices)
        raise FlopsheetError(
            f"bytes_per_param must be bytes per weight (2 for bf16) or a number format: {names} "
            f'(got "{value.strip()[:24]}")',
            arg="bytes_per_param",
        ) from None


# the number formats weights are stored in -> bytes per weight (the twin's lookup table)
bytes_per_weight.choices = {
    "fp32": 4.0,
    "tf32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "fp4": 0.5,
    "int4": 0.5,
}

BYTES_PER_PARAM = Arg("bytes_per_param", "Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit")
# WEIGHTS_GB's: the format's name as well ("fp8"), what people type for the memory of the weights
WEIGHT_BYTES = Arg(
    "bytes_per_param",
    "Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit; "
    'or the format\'s name ("fp8", "bf16", "fp4")',
    kind="text",
    default=2.0,
    convert=bytes_per_weight,
)
TP_GPUS = Arg(
    "gpus",
    "GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, "
    "splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs "
    "that hold the weights and the KV cache",
)
KV_GB = Arg(
    "kv_gb",
    "KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model's own "
    'BF16 cache at context_tokens for every sequence, with its attention FLOPs; none for a plain count ("70B")',
)
# RESPONSE_SECONDS': the request's own running context
RESPONSE_KV_GB = Arg(
    "kv_gb",
    "KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model's own "
    'BF16 cache at prompt_tokens + output_tokens / 2 for every sequence; none for a plain count ("70B")',
)
CONTEXT_TOKENS = Arg(
    "context_tokens",
    "Tokens a sequence holds in its cache on average, for a catalog model's own KV cache; default 1085: prompt + "
    "half the answer of the median request of Azure's conversation trace (1,020 + 129 / 2; Splitwise, 2024)",
)
ALLREDUCE_US = Arg(
    "allreduce_us",
    "Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 "
    "(calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when "
    "params is a model name and gpus > 1",
)
BW_EFFICIENCY = Arg(
    "bw_efficiency",
    "Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and "
    "MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)",
)
OPTIONAL_LAYERS = Arg("layers", "Transformer layers (optional, for the attention term)")
OPTIONAL_D_MODEL = Arg(
    "d_model",
    "Attention width, heads x head_dim (optional, for the attention term; d_model for most "
    "models, but PaLM 540B's is 12,288, not 18,432)",
)
GOODPUT = Arg(
    "goodput",
    "Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; "
    "default 0.85 (Llama 3.1 405B); 1 counts compute only",
)
