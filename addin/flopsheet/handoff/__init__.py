"""Hand-off to finance: an add-in-free copy of a workbook, and headless evaluation.

  twins          a function's native Excel twin, filled in for one call
  gpusheet       the GPUs sheet twins look GPU figures up in
  modelsheet     the Models sheet twins would look model figures up in (not wired into the copy yet)
  translate      formula text -> the same formula with every flopsheet call replaced by its twin
  copy           `handoff(src, dst)`: the steps below in order, then the copy written
  job            one hand-off in progress: the input package and every change planned
  report         what the hand-off did (Report)
  removals       what the copy leaves out: xlwings settings sheet, VBA project, stale calcChain
  calls          whether a part calls flopsheet functions (cells, conditional formats, validations)
  formulacells   each sheet's formula cells scanned, calling cells and defined names translated
  cellplans      how each changed cell is rendered (translated, frozen, spilled, revalued)
  magnitudecells text magnitudes a call reads turned into numbers, formatted as typed
  gputable       the GPUs sheet or key columns put into the package
  bookparts      the workbook part, its relationships and content types, edited as text
  package        the package's parts, sheets and names as Excel finds them; cells read on demand
  sheetxml       worksheet XML as bytes: find rows and cells, splice in the rewritten ones
  sheetplan      one worksheet part's planned changes, rendered into its new bytes
  bookxml        text helpers for the workbook part (calcPr, ids, escaping)
  styles         a number format appended to the styles part (converted text magnitudes)
  comments       comments on frozen cells, added as new parts
  rawzip         copying a zip member's compressed bytes untouched
  carry          what the rewritten parts hold, counted before and after (a safety net)
  values         cached values: read back what LibreOffice computed
  evaluate       `evaluate(src, out, csv)`: every formula cell's value, computed without Excel
  cli            the `flopsheet handoff` and `flopsheet evaluate` subcommands
"""
