"""Hand-off to finance: an add-in-free copy of a workbook, and headless evaluation.

  twins      a function's native Excel twin, filled in for one call
  gpusheet   the GPUs sheet twins look GPU figures up in
  translate  formula text -> the same formula with every flopsheet call replaced by its twin
  copy       `handoff(src, dst)`: the whole workbook, checked, translated, written atomically
  values     cached values: read back what LibreOffice computed, write them into a copy
  evaluate   `evaluate(src, out, csv)`: every formula cell's value, computed without Excel
  cli        the `flopsheet handoff` and `flopsheet evaluate` subcommands
"""
