"""Hand-off to finance: an add-in-free copy of a workbook, and headless evaluation.

  twins      a function's native Excel twin, filled in for one call
  gpusheet   the GPUs sheet twins look GPU figures up in
  translate  formula text -> the same formula with every flopsheet call replaced by its twin
  copy       `handoff(src, dst)`: the input package with only what must change rewritten
  package    the package's parts, sheets and names as Excel finds them; cells read on demand
  sheetxml   worksheet XML as bytes: find rows and cells, splice in the rewritten ones
  sheetplan  one worksheet part's planned changes, rendered into its new bytes
  bookxml    edits of the workbook part as text (calcPr, ids, escaping)
  styles     a number format appended to the styles part (converted text magnitudes)
  comments   comments on frozen cells, added as new parts
  rawzip     copying a zip member's compressed bytes untouched
  carry      what the rewritten parts hold, counted before and after (a safety net)
  values     cached values: read back what LibreOffice computed
  evaluate   `evaluate(src, out, csv)`: every formula cell's value, computed without Excel
  cli        the `flopsheet handoff` and `flopsheet evaluate` subcommands
"""
