"""A lookup sheet of a catalog (GPUs, models): the parts gpusheet and modelsheet share.

Layout written when a workbook has no such sheet: row 1 the headers (`name`, the catalog's
fields, `aliases`), one row per catalog entry, then two hidden columns `lookup_key` /
`lookup_name` further right mapping every normalised spelling to its row's name. The sheet is
written into an openpyxl workbook of the hand-off's own (never the user's).
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

KEY = "lookup_key"
KEY_NAME = "lookup_name"


def write_keys(ws, table, rows: list[tuple[str, str]]) -> None:
    """The two hidden key columns at table.key_col: (normalised spelling, canonical name)."""
    col = table.key_col
    ws.cell(table.header_row, col, KEY)
    ws.cell(table.header_row, col + 1, KEY_NAME)
    for i, (k, name) in enumerate(rows, start=table.header_row + 1):
        ws.cell(i, col, k)
        ws.cell(i, col + 1, name)
    for c in (col, col + 1):
        ws.column_dimensions[get_column_letter(c)].hidden = True


def write_sheet(wb, title: str, headers: tuple, entries, fields: tuple) -> None:
    """A sheet with the whole catalog: name, every field (a blank figure blank), aliases."""
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for e in entries:
        row = [e.name]
        for f in fields:
            v = getattr(e, f)
            row.append(None if v in (None, "") else v)
        row.append("; ".join(e.aliases))
        ws.append(row)
    ws.freeze_panes = "B2"
