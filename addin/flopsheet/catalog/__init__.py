"""The accelerator catalog: datasheet figures (dense peaks) and name lookup.

Public API (other modules code against these names):
  FIELDS, PRECISIONS, PRECISION_FIELDS   what GPU_SPEC accepts; precision -> field
  GPU                                    one row (frozen dataclass)
  all_gpus(), gpu_names()                every row; names of selectable rows
  resolve(name)                          user-typed name -> GPU, or FlopsheetError
  peak_tflops(gpu, precision)            dense peak, or FlopsheetError naming what it supports
  spec(gpu, field), require(gpu, field, purpose)
"""

from flopsheet.catalog.lookup import gpu_names, resolve
from flopsheet.catalog.model import FIELDS, GPU, PRECISION_FIELDS, PRECISIONS, all_gpus
from flopsheet.catalog.values import (
    missing_reason,
    peak_tflops,
    precision_field,
    require,
    spec,
    supported_precisions,
)

__all__ = [
    "FIELDS", "GPU", "PRECISIONS", "PRECISION_FIELDS", "all_gpus", "gpu_names", "missing_reason",
    "peak_tflops", "precision_field", "require", "resolve", "spec", "supported_precisions",
]
