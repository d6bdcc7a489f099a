"""The files the scripted-edit tests start from (tests/economics/test_money_price_edits.py,
tests/template/test_template_copy_edits.py): the add-in template, its hand-off copy, and that copy
with a test's edits made by openpyxl, as a user's edits would be saved."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from flopsheet.template import build_template, write_copy


def template_and_edited_copy(folder: Path, edit) -> tuple[Path, Path, Path]:
    """Write flopsheet.xlsm (the template), flopsheet.xlsx (its copy) and edited.xlsx (the copy after
    `edit(workbook)`) in `folder`; return their paths in that order."""
    xlsm, xlsx = folder / "flopsheet.xlsm", folder / "flopsheet.xlsx"
    build_template(xlsm)
    write_copy(xlsx)
    edited = folder / "edited.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    edit(wb)
    wb.save(edited)
    return xlsm, xlsx, edited
