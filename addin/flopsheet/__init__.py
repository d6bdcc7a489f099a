"""flopsheet: what large AI models cost in compute, as Excel functions.

Layers (each only calls the ones above it):
  engine/     pure numpy formulas, one per quantity, with their sources
  catalog/    accelerator datasheet figures and name lookup
  magnitudes  human-typed numbers ("175B", "2.53万", "46.2%")
  functions   the Excel contract: names, arguments, defaults, GPU resolution
  udfs        the xlwings face (what Excel calls)
  cli         the command line
"""

__version__ = "0.1.0"
