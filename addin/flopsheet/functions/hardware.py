"""Catalog and utility functions: GPU_SPEC, GPU_NAMES, PARSE_NUM, FLOPSHEET_VERSION.

These look things up rather than compute a formula, so each has its own small implementation
(`impl`) returning (result, errors, scalar) like `evaluate`.
"""

from __future__ import annotations

import numpy as np

import flopsheet
from flopsheet import catalog
from flopsheet.errors import FlopsheetError
from flopsheet.functions.declaration import Arg, Function, declared_in
from flopsheet.functions.inputs import EXCEL_ERRORS, control_free, merge_errors, texts
from flopsheet.magnitudes import parse_num


def per_element(values: dict, one, out_dtype=object):
    """Apply `one(**scalars)` over broadcast object arrays; errors per element."""
    arrays = {k: np.asarray(v, dtype=object) for k, v in values.items()}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    out = np.empty(shape, dtype=out_dtype)
    errors = None
    for idx in np.ndindex(*shape):
        try:
            out[idx] = one(**{k: np.broadcast_to(a, shape)[idx] for k, a in arrays.items()})
        except FlopsheetError as e:
            out[idx] = np.nan if out_dtype is float else None
            if errors is None:
                errors = np.full(shape, None, dtype=object)
            errors[idx] = e.message
    return out, errors


def _gpu_spec_one(gpu, field):
    if not isinstance(gpu, str):
        raise FlopsheetError(f"gpu must be a GPU name (got {gpu!r})", arg="gpu")
    if gpu.strip().upper() in EXCEL_ERRORS:
        raise FlopsheetError(f"gpu is {gpu.strip().upper()} (an error value in the input)", arg="gpu")
    if field is not None and not isinstance(field, str):
        raise FlopsheetError(f'field must be text such as "memory_gb" (got {field!r})', arg="field")
    if field is not None:
        control_free(field, "field")
    return catalog.spec(catalog.resolve(control_free(gpu, "gpu"), selectable_only=False), field)


def spec_lookup(arg: str, default_field: str, one):
    """The `impl` of a catalog look-up (GPU_SPEC, MODEL_SPEC): `one(name, field)` for one cell of
    the argument named `arg` and a field (blank: `default_field`), over ranges element by element."""

    def impl(field=None, **given):
        n, ne = texts(given.get(arg), arg)
        f, fe = texts(field, "field", default_field)
        if n.ndim == 0 and f.ndim == 0:
            if ne is not None:
                raise FlopsheetError(str(ne[()]), arg=arg)
            return one(n[()], f[()]), None, True
        out, errors = per_element({arg: n, "field": f}, one)
        return out, merge_errors(ne, fe, errors), False

    return impl


GPU_SPEC = Function(
    name="GPU_SPEC",
    summary="One figure of a GPU from the catalog: a dense peak, memory, bandwidth, TDP, vendor, year or source.",
    returns="as the field says",
    nature="exact",
    nature_why="a datasheet figure as published (the catalog marks estimated or unconfirmed ones)",
    args=(
        Arg("gpu", 'GPU name from the catalog ("H100", "MI300X"; see GPU_NAMES)', kind="gpu"),
        Arg(
            "field",
            "bf16_tflops (default), fp16/fp8/fp4/tf32/fp32_tflops, int8_tops, memory_gb, bandwidth_tbs, tdp_w, "
            "server_w (its server's power per GPU, W), interconnect_gbs, sparsity_factor, vendor, year or source",
            kind="text",
            default="bf16_tflops",
        ),
    ),
    source="vendor datasheets; each row's URL is its source field",
    example=("H100", "memory_gb"),
    impl=spec_lookup("gpu", "bf16_tflops", _gpu_spec_one),
    twin="{gpu:field}",  # a look-up on the GPUs sheet; a blank figure shows #N/A (an error in Python too)
)


def _gpu_names():
    names = catalog.gpu_names()
    return np.array(names, dtype=object).reshape(-1, 1), None, False


GPU_NAMES = Function(
    name="GPU_NAMES",
    summary="The catalog's GPU names as a column (spills).",
    returns="names",
    nature="exact",
    nature_why="the catalog's list",
    args=(),
    source="the catalog (vendor datasheets)",
    example=(),
    impl=_gpu_names,
)


def _parse_one(text):
    if isinstance(text, bool):
        raise FlopsheetError(f"text must be a number or a magnitude, not {str(text).upper()}", arg="text")
    if text is None:
        raise FlopsheetError("text is required (it is blank)", arg="text")
    if isinstance(text, str) and text.strip().upper() in EXCEL_ERRORS:
        raise FlopsheetError(f"text is {text.strip().upper()} (an error value in the input)", arg="text")
    return parse_num(text, "text")


def _parse_num(text=None):
    if not isinstance(text, (list, tuple, np.ndarray)):
        return _parse_one(text), None, True
    arr = np.asarray(text, dtype=object) if not isinstance(text, np.ndarray) else text
    out, errors = per_element({"text": arr}, _parse_one, out_dtype=float)
    return out, errors, False


PARSE_NUM = Function(
    name="PARSE_NUM",
    summary='The number a human-typed magnitude means: "175B" -> 1.75E+11, "2.53万" -> 25300, "46.2%" -> 0.462.',
    returns="number",
    nature="exact",
    nature_why="the number the text means",
    args=(Arg("text", 'Text such as "175B", "1.4T", "7e10", "3.5亿", "40%" or "1,000"'),),
    source="suffixes K M B=G T P E, 万 亿 万亿, %",
    example=("2.53万",),
    impl=_parse_num,
    # The hand-off turns a typed "175B" (literal or referenced cell) into the number itself.
    twin="{text}",
)


def _version():
    return flopsheet.__version__, None, True


FLOPSHEET_VERSION = Function(
    name="FLOPSHEET_VERSION",
    summary="The flopsheet add-in's version; a cell showing it proves the functions are live.",
    returns="text",
    nature="exact",
    nature_why="the add-in's version",
    args=(),
    source="flopsheet",
    example=(),
    impl=_version,
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
