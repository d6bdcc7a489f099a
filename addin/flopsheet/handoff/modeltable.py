"""The Models sheet a copy adds when a call names a catalog model and the workbook has no
Models sheet of its own (modelsheet plans and lays it out; this module puts it into the package,
as gputable does the GPUs sheet: our own worksheet part, the user's parts untouched).
"""

from __future__ import annotations

import io
import re
import zipfile

from flopsheet.errors import FlopsheetError
from flopsheet.handoff import modelsheet


def models(job) -> None:
    """The Models sheet written, when the translator planned one and a twin looks it up."""
    table = job.models
    if table is None or not table.used or table.pending != "sheet":
        return
    import openpyxl

    # modelsheet owns the layout and writes it through openpyxl into a workbook of OUR own;
    # its strings are inline and it uses no style, so the part drops into the user's package
    # without touching their sharedStrings or styles parts.
    scratch = openpyxl.Workbook()
    scratch.remove(scratch.active)
    modelsheet.materialize(scratch, table)
    buf = io.BytesIO()
    scratch.save(buf)
    with zipfile.ZipFile(buf) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml")
    if re.search(rb' s="[1-9]', sheet_xml) or re.search(rb'\bt="s"', sheet_xml):
        raise FlopsheetError("internal error: the Models sheet needs styles or shared strings")
    job.new_sheets.append((table.sheet, sheet_xml))
    job.report.notes.extend(table.notes)
