"""A lookup sheet of a catalog (GPUs, models): the parts gpusheet and modelsheet share.

Layout written when a workbook has no such sheet: row 1 the headers (`name`, the catalog's
fields, `aliases`), one row per catalog entry, then two hidden columns `lookup_key` /
`lookup_name` further right mapping every normalised spelling to its row's name. The sheet is
written into an openpyxl workbook of the hand-off's own (never the user's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Spec:
    """One catalog's lookup sheet: gpusheet.SPEC and modelsheet.SPEC."""

    sheet: str  # the title of a sheet the hand-off adds ("GPUs", "Models")
    headers: tuple  # its row 1: name, the fields, aliases
    entries: Callable  # () -> the catalog's rows
    fields: tuple  # the catalog fields, in column order
    key_rows: Callable  # () -> [(normalised spelling, canonical name)]
    find_table: Callable  # wb -> the workbook's own table, or None
    table: Callable  # the Table class (handoff.gpusheet.Table)
    noun: str  # "GPU catalog"
    keys_noun: str  # "GPU names and aliases"
    figures: str  # "GPU figures"


def plan_table(spec: Spec, wb):
    """Where the twins will look figures up: the workbook's own table if it has one, else a sheet
    the hand-off writes if a twin uses it (`materialize`)."""
    n_keys = len(spec.key_rows())
    table = spec.find_table(wb)
    if table is None:
        title, n = spec.sheet, 1
        while title in wb.sheetnames:
            n += 1
            title = f"{spec.sheet} ({n})"
        columns = {h: i for i, h in enumerate(spec.headers, start=1) if h != spec.headers[-1]}
        return spec.table(
            title,
            1,
            2,
            1 + len(spec.entries()),
            columns,
            key_col=len(spec.headers) + 2,
            key_last_row=1 + n_keys,
            pending="sheet",
        )
    if table.key_col is None:
        table.key_col = wb[table.sheet].max_column + 2
        table.key_last_row = table.header_row + n_keys
        table.pending = "keys"
    return table


def materialize(spec: Spec, wb, table) -> None:
    """Write what the plan still owes, if any twin refers to the table."""
    if not table.used or table.pending is None:
        return
    if table.pending == "sheet":
        write_sheet(wb, table.sheet, spec.headers, spec.entries(), spec.fields)
        write_keys(wb[table.sheet], table, spec.key_rows())
        table.notes.append(f'added sheet "{table.sheet}" with the {spec.noun} (the twins look {spec.figures} up there)')
    else:
        write_keys(wb[table.sheet], table, spec.key_rows())
        table.notes.append(f'added hidden lookup columns to sheet "{table.sheet}" ({spec.keys_noun})')
    table.pending = None


def ensure_table(spec: Spec, wb):
    """The workbook's table, written now if missing (as the hand-off does when it is used)."""
    table = plan_table(spec, wb)
    table.used = True
    materialize(spec, wb, table)
    return table


def _cell_text(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def find_table(wb, sheet: str, field_by_key: dict, needed: set, numeric: str, table_cls, header_key):
    """The first sheet (one titled `sheet` first) whose header row, within its first 30 rows, names
    `name` and the `needed` fields right of it (read by `header_key`, in any column order); data rows
    start after any second header row (people's labels under the machine keys: text in the `numeric`
    column). None when the workbook has no such table."""
    for ws in sorted(wb.worksheets, key=lambda ws: ws.title != sheet):
        if getattr(ws, "max_row", 0) < 2:
            continue
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
            columns: dict[str, int] = {}
            key_col = None
            for cell in row:
                k = header_key(_cell_text(cell.value))
                if not k:
                    continue
                if k == header_key(KEY):
                    key_col = cell.column
                fld = field_by_key.get(k)
                if fld and fld not in columns:
                    columns[fld] = cell.column
            if "name" not in columns or not needed <= {f for f in columns if columns[f] > columns["name"]}:
                continue
            header = row[0].row
            first = header + 1
            while first <= ws.max_row and isinstance(ws.cell(first, columns[numeric]).value, str):
                first += 1
            last = header
            for r in range(first, ws.max_row + 1):
                if _cell_text(ws.cell(r, columns["name"]).value):
                    last = r
            if last < first:
                continue
            table = table_cls(ws.title, header, first, last, columns)
            if key_col is not None:
                kl = header
                for r in range(header + 1, ws.max_row + 1):
                    if _cell_text(ws.cell(r, key_col).value):
                        kl = r
                table.key_col, table.key_last_row = key_col, kl
            return table
    return None


def scratch_sheet_xml(spec: Spec, table, with_sheet: bool) -> bytes:
    """What `materialize` writes, as a worksheet part for the user's package. The workbook written
    here is OURS (nothing of the user's passes through openpyxl): openpyxl writes its strings
    inline and this sheet uses no style, so the part drops into the package as it is, leaving
    the user's sharedStrings and styles parts untouched. `with_sheet`: the sheet exists already
    (the key columns are written into an empty one of the same title)."""
    import io
    import re
    import zipfile

    import openpyxl

    from flopsheet.errors import FlopsheetError

    scratch = openpyxl.Workbook()
    scratch.remove(scratch.active)
    if with_sheet:
        scratch.create_sheet(table.sheet)
    materialize(spec, scratch, table)
    buf = io.BytesIO()
    scratch.save(buf)
    with zipfile.ZipFile(buf) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml")
    if re.search(rb' s="[1-9]', sheet_xml) or re.search(rb'\bt="s"', sheet_xml):
        raise FlopsheetError(f"internal error: the {spec.sheet} sheet needs styles or shared strings")
    return sheet_xml
