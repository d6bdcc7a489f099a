"""The accelerator catalog: datasheet figures (dense peaks), prices with their source, name lookup.

Public API (other modules code against these names):
  FIELDS, PRECISIONS, PRECISION_FIELDS   what GPU_SPEC accepts; precision -> field
  GPU                                    one row (frozen dataclass)
  all_gpus(), gpu_names()                every row; names of selectable rows
  resolve(text)                          user-typed name -> GPU, or FlopsheetError. Text is always
                                         a name ("910B", "4090"); only a number is a peak.
  normalise_key(text)                    the exact-match key resolve() tries first (hand-off sheet)
  field_name(field)                      GPU_SPEC's field argument -> catalog field
  peak_tflops(gpu, precision)            dense peak, or FlopsheetError naming what it supports
  spec(gpu, field) (alias field())       one value, or FlopsheetError saying why it is missing
  figure(gpu, field)                     one value, or a `Missing` marker (never None, never 0)
  require(gpu, field, purpose)           a number a calculation needs, or FlopsheetError
"""

from flopsheet.catalog.lookup import gpu_names, normalise_key, resolve
from flopsheet.catalog.model import FIELDS, GPU, PRECISION_FIELDS, PRECISIONS, all_gpus
from flopsheet.catalog.values import (
    Missing,
    field_name,
    figure,
    missing_reason,
    peak_tflops,
    precision_field,
    require,
    spec,
    supported_precisions,
)

field = spec  # GPU_SPEC's name for it: catalog.field(gpu, "price_date")

__all__ = [
    "FIELDS",
    "GPU",
    "Missing",
    "PRECISIONS",
    "PRECISION_FIELDS",
    "all_gpus",
    "field",
    "field_name",
    "figure",
    "gpu_names",
    "missing_reason",
    "normalise_key",
    "peak_tflops",
    "precision_field",
    "require",
    "resolve",
    "spec",
    "supported_precisions",
]
