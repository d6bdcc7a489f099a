"""Build the flopsheet .xlsm workbook from xlwings' standalone quickstart template.

Public API:
  build_template(path, force=False) -> Summary   write the workbook (never over a file without force)
  build_workbook() -> (Workbook, Ctx)             the same in memory; ctx.outputs = engine values
  Summary, Output                                 what the formula cells compute, per the Python engine
  set_text(cell, text)                            write text that can never become a formula
  SHEET_ORDER, DEFAULT_OUTPUT

Command: flopsheet.template.cli (add_parser, run). Docs pictures: python -m flopsheet.template.render docs/
"""

from flopsheet.template.build import DEFAULT_OUTPUT, build_template, build_workbook
from flopsheet.template.layout import SHEET_ORDER
from flopsheet.template.styles import set_text
from flopsheet.template.summary import Output, Summary

__all__ = ["DEFAULT_OUTPUT", "SHEET_ORDER", "Output", "Summary", "build_template", "build_workbook", "set_text"]
