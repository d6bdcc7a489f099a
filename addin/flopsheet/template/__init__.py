"""Build the flopsheet .xlsm workbook from xlwings' standalone quickstart template.

Public API:
  build_template(path, force=False, lang="en") -> Summary   write the workbook (never over a file without force)
  build_workbook(lang="en", audience="addin") -> (Workbook, Ctx)   in memory; ctx.outputs = engine values
  write_copy(dst, force=False, recalc=False, lang="en") -> handoff Report   the hand-off copy, copy wording
  copy_path(xlsm), default_output(lang)           where the copy and each edition go
  i18n                                            the editions' words (en, zh-CN) and audiences
  Summary, Output                                 what the formula cells compute, per the Python engine
  set_text(cell, text)                            write text that can never become a formula
  SHEET_ORDER, DEFAULT_OUTPUT

Command: flopsheet.template.cli (add_parser, run). Docs pictures: python -m tools.render docs/
"""

from flopsheet.template.build import (
    DEFAULT_OUTPUT,
    build_template,
    build_workbook,
    copy_path,
    default_output,
    write_copy,
)
from flopsheet.template.layout import SHEET_ORDER
from flopsheet.template.styles import set_text
from flopsheet.template.summary import Output, Summary

__all__ = [
    "DEFAULT_OUTPUT",
    "SHEET_ORDER",
    "Output",
    "Summary",
    "build_template",
    "build_workbook",
    "copy_path",
    "default_output",
    "set_text",
    "write_copy",
]
