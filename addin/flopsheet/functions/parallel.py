"""Serving in a parallel layout as deployed (issue 20, items 2 and 5): LAYOUT_TOKENS_PER_SECOND and
LAYOUT_PREFILL_TOKENS_PER_SECOND.

A layout is typed as text, "TP8", "EP32", "TP4 EP8" (engine.parallel.parse_layout): tensor parallel inside the
GPU's scale-up domain, experts spread over EP GPUs with attention data-parallel on each TP group, the expert
all-to-all over NVLink and the platform's scale-out NICs (catalog/platforms.csv). Both functions need a catalog
mixture-of-experts model (or a dense one with a TP-only layout) and a GPU of the catalog; the serving batch is a
search over the step's roofline, all-to-all and overlap. The three have native twins (functions.layouttwins, the
search unrolled in Workings cells as SERVING_GPUS' is) for an expert-parallel layout typed in the formula with its
model, GPU and precision.
"""

from __future__ import annotations

import dataclasses
import math

from flopsheet.engine.inference import DEFAULT_LATENCY_MS, KV_BYTES, VLLM_HOST_US
from flopsheet.errors import FlopsheetError, show_number
from flopsheet.functions._common import bytes_per_weight
from flopsheet.functions.declaration import Arg, Function, declared_in
from flopsheet.functions.hardware import per_element
from flopsheet.functions.inference import HOST_SERIAL_ARG, HOST_US_ARG
from flopsheet.functions.inputs import REQUIRED, control_free, element_number, merge_errors
from flopsheet.functions.layout import ep_decode_ms, ep_prefill, ep_serving
from flopsheet.functions.layouttwins import (
    EP_DECODE_STEPS,
    EP_DECODE_TWIN,
    EP_PREFILL_STEPS,
    EP_PREFILL_TWIN,
    EP_SERVING_STEPS,
    EP_SERVING_TWIN,
)

MODEL = Arg("model", 'A catalog model ("DeepSeek-V3", "Qwen3 235B-A22B"; see MODEL_NAMES)', kind="text")
GPU = Arg("gpu", 'A catalog GPU ("H800", "H100", "GB200"; see GPU_NAMES)', kind="text")
LAYOUT = Arg(
    "layout",
    'The parallel layout of one instance: "TP8" (tensor parallel), "EP32" (experts over 32 GPUs, attention '
    'data-parallel on each), "TP4 EP8" (attention TP4 in two replicas, experts over 8)',
    kind="text",
)
PROMPT = Arg("prompt_tokens", "Tokens in each prompt")
PRECISION = Arg(
    "precision",
    "Number format of the weights and the peak: bf16 (default), fp8 or fp4 (weights of 2, 1 or 0.5 bytes)",
    kind="text",
    default="bf16",
)
# the weights' bytes when they are not the precision's: a checkpoint whose weights are stored in one format and computed
# at another's peak (gpt-oss publishes its experts in MXFP4 only, 0.5 bytes a weight, and Hopper, with no FP4 tensor
# cores, computes them at the BF16 peak: precision "bf16", bytes_per_param 0.5), as the serving functions take them
WEIGHT_BYTES = Arg(
    "bytes_per_param",
    "Bytes per weight when the checkpoint stores them in another format than precision computes at (an MXFP4 "
    'checkpoint on Hopper: 0.5 or "fp4" with "bf16"), at most 4; default (blank) the precision\'s: 2, 1 or 0.5',
    kind="text",  # a number, or a number format's name (layout_weight_bytes)
    default=None,
)
# the serving functions' CPU-time arguments, blank as theirs (none; vLLM's share), so a twin keeps its formula as it
# was when both are omitted ([[?host_us,host_serial:...]])
LAYOUT_HOST_US = dataclasses.replace(HOST_US_ARG, default=None)
LAYOUT_HOST_SERIAL = dataclasses.replace(HOST_SERIAL_ARG, default=None)
_SOURCE = (
    "DeepSeek's inference-system note (layouts, FP8 dispatch / BF16 combine), DeepEP's measured all-to-all "
    "bandwidths, DeepGEMM's grouped-GEMM rates, vendor platform guides (catalog/platforms.csv); docs/parallelism.md"
)
_WHY = (
    "a roofline of the busiest GPU with the expert all-to-all, routing imbalance, grouped-GEMM efficiency and "
    "micro-batch overlap fitted on published runs (docs/parallelism.md); queueing not counted"
)


def _text(v, name: str) -> str:
    if v is None or (isinstance(v, str) and not v.strip()):
        raise FlopsheetError(f"{name} is required (it is blank)", arg=name)
    if not isinstance(v, str):
        what = 'a layout such as "TP8", "EP32" or "TP4 EP8"' if name == "layout" else "a name (text)"
        got = show_number(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else type(v).__name__
        raise FlopsheetError(f"{name} must be {what} (got {got})", arg=name)
    return control_free(v, name).strip()


def _number(v, name: str, default=REQUIRED, *, whole=False, positive=False):
    if default is None and (v is None or (isinstance(v, str) and not v.strip())):
        return None  # optional, blank
    x, err = element_number(v, name, default)
    if err:
        raise FlopsheetError(err, arg=name)
    if not math.isfinite(x):
        raise FlopsheetError(f"{name} must be a finite number (got {show_number(x)})", arg=name)
    if x < 0 or (positive and x <= 0) or (whole and x != int(x)):
        need = "a whole number" if whole else "a number"
        raise FlopsheetError(f"{name} must be {need} {'> 0' if positive else '>= 0'} (got {show_number(x)})", arg=name)
    return x


def _kv_bytes(v) -> float:
    x = _number(v, "kv_bytes", KV_BYTES, positive=True)
    if x > 4:
        raise FlopsheetError(
            f"kv_bytes must be at most 4 (FP32) bytes per cached value (got {show_number(x)}); 2 is BF16, 1 FP8",
            arg="kv_bytes",
        )
    return x


def layout_weight_bytes(v) -> float | None:
    """bytes_per_param of a layout: blank (the precision's), or bytes per weight above 0 and at most 4 (FP32), typed as
    a number or a number format's name ("fp4": 0.5), as WEIGHTS_GB takes it (functions._common.bytes_per_weight)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    x = bytes_per_weight(v)
    if not (math.isfinite(x) and x > 0):
        raise FlopsheetError(f"bytes_per_param must be a number > 0 (got {show_number(x)})", arg="bytes_per_param")
    if x > 4:
        raise FlopsheetError(
            f"bytes_per_param must be at most 4 (FP32) bytes per weight (got {show_number(x)}); 2 is BF16, 1 FP8, "
            "0.5 a 4-bit format",
            arg="bytes_per_param",
        )
    return x


def _host_serial(v) -> float | None:
    """host_serial: blank (vLLM's share), or a share from 0 to 1 of the CPU time on the step's critical path."""
    x = _number(v, "host_serial", None)
    if x is not None and x > 1:
        raise FlopsheetError(
            f"host_serial must be a share from 0 to 1 (got {show_number(x)}); 0.5 is vLLM's, 0 TensorRT-LLM's",
            arg="host_serial",
        )
    return x


def _impl(one, names):
    def impl(**given):
        values = {n: given.get(n) for n in names}
        out, errors = per_element(values, one, out_dtype=float)
        if out.ndim == 0:
            if errors is not None:
                raise FlopsheetError(str(errors[()]))
            return float(out[()]), None, True
        return out, merge_errors(errors), False

    return impl


def _serving_one(
    model,
    gpu,
    layout,
    prompt_tokens,
    output_tokens,
    precision=None,
    batch=None,
    latency_ms=None,
    context_tokens=None,
    kv_bytes=None,
    bytes_per_param=None,
    host_us=None,
    host_serial=None,
):
    got = ep_serving(
        _text(model, "model"),
        _text(gpu, "gpu"),
        control_free(layout, "layout") if isinstance(layout, str) else _text(layout, "layout"),  # blank: parse_layout
        _number(prompt_tokens, "prompt_tokens", whole=True),
        _number(output_tokens, "output_tokens", whole=True, positive=True),
        precision=_text(precision, "precision") if precision not in (None, "") else "bf16",
        batch=_number(batch, "batch", None, whole=True, positive=True),
        latency_ms=_number(latency_ms, "latency_ms", DEFAULT_LATENCY_MS, positive=True),
        context=_number(context_tokens, "context_tokens", None, positive=True),
        kv_bytes=_kv_bytes(kv_bytes),
        bytes_per_param=layout_weight_bytes(bytes_per_param),
        host_us=_number(host_us, "host_us", None),
        host_serial=_host_serial(host_serial),
    )
    return got["tokens_per_s"]


def _prefill_one(model, gpu, layout, prompt_tokens, precision=None, batch=None, bytes_per_param=None):
    got = ep_prefill(
        _text(model, "model"),
        _text(gpu, "gpu"),
        control_free(layout, "layout") if isinstance(layout, str) else _text(layout, "layout"),
        _number(prompt_tokens, "prompt_tokens", whole=True, positive=True),
        precision=_text(precision, "precision") if precision not in (None, "") else "bf16",
        batch=_number(batch, "batch", 1.0, whole=True, positive=True),
        bytes_per_param=layout_weight_bytes(bytes_per_param),
    )
    return got["tokens_per_s"]


_SERVING_ARGS = (
    MODEL,
    GPU,
    LAYOUT,
    PROMPT,
    Arg("output_tokens", "Tokens generated in each answer"),
    PRECISION,
    Arg(
        "batch",
        "Sequences the instance decodes together; default (blank): the largest whose step stays within latency_ms "
        "and whose KV cache fits beside the weights",
        default=None,
    ),
    Arg(
        "latency_ms",
        "Most milliseconds per generated token (per user) for the default batch; default 50",
        default=DEFAULT_LATENCY_MS,
    ),
    Arg(
        "context_tokens",
        "Cached tokens per sequence while decoding, when known (DeepSeek: 4,989); default the prompt + half the answer",
        default=None,
    ),
    Arg(
        "kv_bytes",
        "Bytes per cached key/value: 2 (BF16, default, as the other serving functions) or 1 (an FP8 cache)",
        default=KV_BYTES,
    ),
    WEIGHT_BYTES,
    LAYOUT_HOST_US,
    LAYOUT_HOST_SERIAL,
)

LAYOUT_TOKENS_PER_SECOND = Function(
    name="LAYOUT_TOKENS_PER_SECOND",
    summary='Output tokens per second of one instance of a parallel layout ("EP144", "TP4 EP8") serving requests, '
    "prefill included: expert parallelism with its all-to-all, routing imbalance and overlap.",
    returns="tokens/s (the instance's GPUs together)",
    nature="estimate",
    nature_why=_WHY,
    args=_SERVING_ARGS,
    source=_SOURCE,
    example=("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8"),
    impl=_impl(_serving_one, [a.name for a in _SERVING_ARGS]),
    twin=EP_SERVING_TWIN,
    twin_steps=EP_SERVING_STEPS,
    twin_blank_cell_na=("batch", "context_tokens"),
)

_PREFILL_ARGS = (
    MODEL,
    GPU,
    LAYOUT,
    PROMPT,
    PRECISION,
    Arg("batch", "Prompts each GPU prefills at once; default 1", default=1.0),
    WEIGHT_BYTES,
)

LAYOUT_PREFILL_TOKENS_PER_SECOND = Function(
    name="LAYOUT_PREFILL_TOKENS_PER_SECOND",
    summary='Prompt tokens per second one instance of a parallel layout ("EP32") prefills: expert parallelism '
    "with its all-to-all, routing imbalance and overlap.",
    returns="prompt tokens/s (the instance's GPUs together)",
    nature="estimate",
    nature_why=_WHY,
    args=_PREFILL_ARGS,
    source=_SOURCE,
    example=("DeepSeek-V3", "H800", "EP32", 4989, "fp8"),
    impl=_impl(_prefill_one, [a.name for a in _PREFILL_ARGS]),
    twin=EP_PREFILL_TWIN,
    twin_steps=EP_PREFILL_STEPS,
)


def _decode_one(
    model,
    gpu,
    layout,
    batch,
    context_tokens,
    precision=None,
    kv_bytes=None,
    host_us=None,
    bytes_per_param=None,
    host_serial=None,
):
    return ep_decode_ms(
        _text(model, "model"),
        _text(gpu, "gpu"),
        control_free(layout, "layout") if isinstance(layout, str) else _text(layout, "layout"),
        _number(batch, "batch", whole=True, positive=True),
        _number(context_tokens, "context_tokens", whole=True),
        precision=_text(precision, "precision") if precision not in (None, "") else "bf16",
        kv_bytes=_kv_bytes(kv_bytes),
        host_us=_number(host_us, "host_us", 0.0),
        bytes_per_param=layout_weight_bytes(bytes_per_param),
        host_serial=_host_serial(host_serial),
    )


_DECODE_ARGS = (
    MODEL,
    GPU,
    LAYOUT,
    Arg("batch", "Sequences the instance decodes together (all its GPUs)"),
    Arg("context_tokens", "Cached tokens per sequence (prompt + the answer so far)"),
    PRECISION,
    Arg(
        "kv_bytes",
        "Bytes per cached key/value: 2 (BF16, default, as the other serving functions) or 1 (an FP8 cache)",
        default=KV_BYTES,
    ),
    Arg(
        "host_us",
        "Server CPU time per running sequence per step in us, for a loaded server's time between tokens (as ITL_MS'; "
        f"each attention replica's CPU over its own sequences); default 0, the GPUs' step alone; {VLLM_HOST_US:g} for "
        "vLLM v0.11 (estimate)",
        default=0.0,
    ),
    WEIGHT_BYTES,
    LAYOUT_HOST_SERIAL,
)

LAYOUT_DECODE_MS = Function(
    name="LAYOUT_DECODE_MS",
    summary='Milliseconds of one decode step of an instance of a parallel layout ("TP8 EP8", "EP144") holding a batch '
    "of sequences: expert parallelism with its all-to-all, routing imbalance and overlap; host_us adds a loaded "
    "server's CPU time per sequence.",
    returns="ms",
    nature="estimate",
    nature_why=_WHY,
    args=_DECODE_ARGS,
    source=_SOURCE,
    example=("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8"),
    impl=_impl(_decode_one, [a.name for a in _DECODE_ARGS]),
    twin=EP_DECODE_TWIN,
    twin_steps=EP_DECODE_STEPS,
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
