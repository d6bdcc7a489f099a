"""The GPU table the twins look figures up in: a new GPUs sheet, or key columns added to the
user's own GPU table (gpusheet decides which; this module puts it into the package).
"""

from __future__ import annotations

from flopsheet.handoff import catalogsheet, gpusheet, sheetxml
from flopsheet.handoff.package import Book, Package


def gpus(job) -> None:
    """The GPUs sheet (or key columns) planned, when a twin looks GPU figures up."""
    table = job.table
    if table is None or not table.used or table.pending is None:
        if table is not None:
            job.report.notes.extend(table.notes)
        return
    pending = table.pending
    sheet_xml = catalogsheet.scratch_sheet_xml(gpusheet.SPEC, table, with_sheet=pending == "keys")
    if pending == "sheet":
        job.new_sheets.append((table.sheet, sheet_xml))
    else:
        _add_keys(job, table, sheet_xml)
    job.report.notes.extend(table.notes)


def _add_keys(job, table, sheet_xml: bytes) -> None:
    """The key columns gpusheet wrote in a scratch sheet, spliced into the user's GPU table."""
    entry = next(s for s in job.pkg.worksheets if s.name == table.sheet)
    plan = job.plan(entry.part, table.sheet)
    pat = sheetxml.pattern_of(sheet_xml)
    existing = job.book[table.sheet]._cells
    for cell in sheetxml.all_cells(sheet_xml, pat):
        xml = sheet_xml[cell.start:cell.end]
        if pat.prefix != plan.pat.prefix:
            xml = xml.replace(b"<", b"<" + plan.pat.prefix).replace(b"<" + plan.pat.prefix + b"/", b"</" + plan.pat.prefix)
        if (cell.r, cell.c) in existing:
            plan.replace[(cell.r, cell.c)] = lambda old, values, xml=xml: xml
        else:
            plan.insert[(cell.r, cell.c)] = lambda values, xml=xml: xml
    plan.hide = (table.key_col, table.key_col + 1)


class TableView:
    """The Book as gpusheet.plan_table sees it: every sheet name, but only the sheets that can
    hold a GPU table (their part mentions the headers a table needs) offered for searching,
    so a workbook's other sheets are never parsed."""

    _NEEDED = ("memory_gb", "bandwidth_tbs", "tdp_w")

    def __init__(self, book: Book, pkg: Package):
        self.book = book
        self.sheetnames = book.sheetnames
        keys = {gpusheet.header_key(n) for n in self._NEEDED}
        sst_hits = [i for i, s in enumerate(pkg.sst()) if gpusheet.header_key(s) in keys] if pkg.shared_strings else []
        marks = [b">%d<" % i for i in sst_hits] + [n.encode() for n in self._NEEDED]
        self.worksheets = []
        for ws in book.worksheets:
            data = pkg.zf.read(ws.entry.part)
            if ws.title == gpusheet.SHEET or any(m in data for m in marks):
                self.worksheets.append(ws)

    def __getitem__(self, title):
        return self.book[title]
