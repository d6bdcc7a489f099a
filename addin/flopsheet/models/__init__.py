"""The model catalog: architectures and published training runs, each figure with its source.

Public API (other modules code against these names):
  FIELDS                         field -> FieldSpec(unit, doc, numeric), in MODEL_SPEC order
  Model, all_models(), names()   one row (frozen dataclass); every row; canonical names
  resolve(name)                  user-typed name -> Model, or FlopsheetError naming the input
  field(model, name)             one figure, or FlopsheetError saying why it is missing
  missing_reason(model, name), require(model, name, purpose)
  kv_values_per_token_per_layer(model), kv_bytes_per_token_per_layer(model, bytes_per_value)
  kv_cache_bytes(model, tokens, bytes_per_value)
  fraction_of_experts_touched(experts, experts_per_token, batch), experts_touched(model, batch)
"""

from flopsheet.models.derived import (
    experts_touched,
    fraction_of_experts_touched,
    kv_bytes_per_token_per_layer,
    kv_cache_bytes,
    kv_values_per_token_per_layer,
)
from flopsheet.models.fields import FIELDS, FieldSpec
from flopsheet.models.lookup import names, resolve
from flopsheet.models.table import Model, all_models
from flopsheet.models.values import field, field_name, missing_reason, require

__all__ = [
    "FIELDS",
    "FieldSpec",
    "Model",
    "all_models",
    "experts_touched",
    "field",
    "field_name",
    "fraction_of_experts_touched",
    "kv_bytes_per_token_per_layer",
    "kv_cache_bytes",
    "kv_values_per_token_per_layer",
    "missing_reason",
    "names",
    "require",
    "resolve",
]
