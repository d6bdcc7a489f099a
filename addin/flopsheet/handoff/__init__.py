"""Hand-off to finance: an add-in-free copy of a workbook, and headless evaluation.

The twins: each function's native Excel formula, written once in its declaration
  twins          a twin filled in for one call, the guards, a catalog model's figures, cell mode
  translate      formula text -> the same formula with every flopsheet call replaced by its twin
  workings       the Workings sheet: the labelled quantities cell-mode twins read
  catalogsheet   a catalog as a sheet twins look figures up in (the machinery both use)
  gpusheet       the GPUs sheet, put into the package
  modelsheet     the Models sheet, put into the package when a call names a catalog model

The package editor: one module per part of the OOXML package, every other byte copied
  package        the package's parts, sheets and names as Excel finds them; raw zip copies
  workbookpart   the workbook part, its relationships and content types; named assumptions
  worksheetpart  a worksheet part as bytes: cells found, planned changes spliced in
  styles         a number format appended to the styles part (converted text magnitudes)
  comments       comments on frozen cells, added as new parts
  values         cached values: read back what LibreOffice computed

The pipeline
  copy           `handoff(src, dst)`: options, the input read once, edits planned step by step, checked, written
  formulacells   each sheet's formula cells scanned; calls translated; magnitudes they read converted
  evaluate       `evaluate(src, out, csv)`: every formula cell's value, computed without Excel
  cli            the `flopsheet handoff` and `flopsheet evaluate` subcommands
"""
