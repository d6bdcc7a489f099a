"""Model-catalog functions: MODEL_SPEC and MODEL_NAMES, mirroring GPU_SPEC and GPU_NAMES.

They look figures up rather than compute a formula, so each has its own small implementation
(`impl`) returning (result, errors, scalar) like `evaluate`.
"""

from __future__ import annotations

import numpy as np

from flopsheet import models
from flopsheet.errors import FlopsheetError
from flopsheet.functions.declaration import Arg, Function, declared_in
from flopsheet.functions.hardware import spec_lookup
from flopsheet.functions.inputs import EXCEL_ERRORS


def _model_spec_one(model, field):
    if not isinstance(model, str):
        raise FlopsheetError(f"model must be a model name (got {model!r}); see MODEL_NAMES()", arg="model")
    if model.strip().upper() in EXCEL_ERRORS:
        raise FlopsheetError(f"model is {model.strip().upper()} (an error value in the input)", arg="model")
    if field is not None and not isinstance(field, str):
        raise FlopsheetError(f'field must be text such as "total_params" (got {field!r})', arg="field")
    row = models.resolve(model)
    if field is not None and field.strip().lower() not in models.FIELDS:
        raise FlopsheetError(
            f'field "{field.strip()}" is not a model-catalog field; use total_params, active_params, '
            "layers, training_tokens, gpu_hours... (MODEL_SPEC's help lists them)",
            arg="field",
        )
    value = models.field(row, field)
    return float(value) if isinstance(value, (int, float)) else value


MODEL_SPEC = Function(
    name="MODEL_SPEC",
    summary="One figure of a model from the catalog: total or active parameters, layers, heads, experts, "
    "training tokens, GPU-hours, or its source.",
    returns="as the field says",
    nature="exact",
    nature_why="a figure as the model's paper or card publishes it",
    args=(
        Arg("model", 'Model name from the catalog ("Llama 3.1 405B", "DeepSeek-V3"; see MODEL_NAMES)', kind="text"),
        Arg(
            "field",
            "total_params (default), active_params, layers, d_model, heads, kv_heads, head_dim, attention, "
            "experts, experts_per_token, vocab, context, training_tokens, training_flops, gpu_hours, mfu, "
            "source... (docs list all)",
            kind="text",
            default="total_params",
        ),
    ),
    source="papers, model cards and config.json files; each row's source field names them",
    example=("DeepSeek-V3", "active_params"),
    impl=spec_lookup("model", "total_params", _model_spec_one),
    twin="{model:field}",  # a look-up on the Models sheet; a blank figure shows #N/A (an error in Python too)
)


def _model_names():
    return np.array(models.names(), dtype=object).reshape(-1, 1), None, False


MODEL_NAMES = Function(
    name="MODEL_NAMES",
    summary="The model catalog's names as a column (spills).",
    returns="names",
    nature="exact",
    nature_why="the catalog's list",
    args=(),
    source="the model catalog (papers, model cards)",
    example=(),
    impl=_model_names,
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
