"""The Models sheet a copy adds when a call names a catalog model and the workbook has no
Models sheet of its own (modelsheet plans and lays it out; this module puts it into the package,
as gputable does the GPUs sheet: our own worksheet part, the user's parts untouched).
"""

from __future__ import annotations

from flopsheet.handoff import catalogsheet, modelsheet


def models(job) -> None:
    """The Models sheet written, when the translator planned one and a twin looks it up."""
    table = job.models
    if table is None or not table.used or table.pending != "sheet":
        return
    job.new_sheets.append((table.sheet, catalogsheet.scratch_sheet_xml(modelsheet.SPEC, table, with_sheet=False)))
    job.report.notes.extend(table.notes)
