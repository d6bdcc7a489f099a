"""The Models sheet a hand-off copy looks model-catalog figures up in (mirrors gpusheet.py).

A twin with a model name (MODEL_SPEC, or a `params` argument holding "DeepSeek-V3") must not
hold the catalog's figure itself: it looks it up on the workbook's Models sheet, as GPU figures
are looked up on the GPUs sheet. Layout written when the workbook has none (`plan_table` +
`materialize`): row 1 `name`, every `models.FIELDS` name, `aliases`; one row per catalog model;
two hidden columns further right, `lookup_key` / `lookup_name`, map every spelling a formula can
normalise (TRIM, then no spaces, hyphens, underscores or dots; VLOOKUP ignores case) to its row.
A workbook that already has a Models sheet (the template's, when it gets one) is read by its
headers (`find_table`). The table object and its VLOOKUP formulas are gpusheet.Table's.

A workbook without one gets the sheet from handoff/modeltable.py when a call names a model.
"""

from __future__ import annotations

import re

from flopsheet import models
from flopsheet.handoff import catalogsheet
from flopsheet.handoff.gpusheet import Table, header_key

SHEET = "Models"
NAME = "name"
ALIASES = "aliases"
KEY = catalogsheet.KEY
KEY_NAME = catalogsheet.KEY_NAME
HEADERS = (NAME, *models.FIELDS, ALIASES)
# What a formula does to a cell's text before looking it up (VLOOKUP is case-insensitive).
NORMALISE = 'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({0})," ",""),"-",""),"_",""),".","")'
_FIELD_BY_KEY = {header_key(f): f for f in (*models.FIELDS, NAME)}
_FIELD_BY_KEY["model"] = NAME
_FIELD_BY_KEY["missing"] = "missing"  # 'Empty because': a windowed model whose window is not published (KV cache)
NEEDED = {"total_params", "active_params", "layers"}


def formula_key(text: str) -> str:
    """What NORMALISE makes of a spelling, lower-cased (the key column holds these)."""
    return re.sub(r"[\s\-_.]", "", text.strip()).lower()


def key_rows() -> list[tuple[str, str]]:
    """(normalised spelling, canonical name) for every name, full name and alias, sorted; two
    rows claiming one spelling is a catalog bug (models.lookup refuses it at load too)."""
    seen: dict[str, str] = {}
    for m in models.all_models():
        for label in (m.name, m.full_name, *m.aliases):
            k = formula_key(label)
            if seen.setdefault(k, m.name) != m.name:
                raise ValueError(f'"{label}" names both {seen[k]} and {m.name}')
    return sorted(seen.items())


def _cell_text(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def find_table(wb) -> Table | None:
    """The first sheet (one called Models first) whose header row, within its first 30 rows,
    names `name` and the figures a twin needs; None when the workbook has none."""
    for ws in sorted(wb.worksheets, key=lambda ws: ws.title != SHEET):
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
                fld = _FIELD_BY_KEY.get(k)
                if fld and fld not in columns:
                    columns[fld] = cell.column
            if NAME not in columns or not NEEDED <= {f for f in columns if columns[f] > columns[NAME]}:
                continue
            header = row[0].row
            last = header
            for r in range(header + 1, ws.max_row + 1):
                if _cell_text(ws.cell(r, columns[NAME]).value):
                    last = r
            if last <= header:
                continue
            table = Table(ws.title, header, header + 1, last, columns)
            if key_col is not None:
                kl = header
                for r in range(header + 1, ws.max_row + 1):
                    if _cell_text(ws.cell(r, key_col).value):
                        kl = r
                table.key_col, table.key_last_row = key_col, kl
            return table
    return None


def _write_keys(ws, table: Table) -> None:
    catalogsheet.write_keys(ws, table, key_rows())


def _write_sheet(wb, title: str) -> None:
    catalogsheet.write_sheet(wb, title, HEADERS, models.all_models(), models.FIELDS)


def plan_table(wb) -> Table:
    """Where twins will look model figures up: the workbook's own Models table, else a Models
    sheet the hand-off writes if a twin uses it (`materialize`)."""
    n_keys = len(key_rows())
    table = find_table(wb)
    if table is None:
        title, n = SHEET, 1
        while title in wb.sheetnames:
            n += 1
            title = f"{SHEET} ({n})"
        columns = {h: i for i, h in enumerate(HEADERS, start=1) if h != ALIASES}
        return Table(title, 1, 2, 1 + len(models.all_models()), columns, key_col=len(HEADERS) + 2,
                     key_last_row=1 + n_keys, pending="sheet")
    if table.key_col is None:
        table.key_col = wb[table.sheet].max_column + 2
        table.key_last_row = table.header_row + n_keys
        table.pending = "keys"
    return table


def materialize(wb, table: Table) -> None:
    """Write what the plan still owes, if any twin refers to the table."""
    if not table.used or table.pending is None:
        return
    if table.pending == "sheet":
        _write_sheet(wb, table.sheet)
        _write_keys(wb[table.sheet], table)
        table.notes.append(f'added sheet "{table.sheet}" with the model catalog (the twins look model figures up there)')
    else:
        _write_keys(wb[table.sheet], table)
        table.notes.append(f'added hidden lookup columns to sheet "{table.sheet}" (model names and aliases)')
    table.pending = None


def lookup(table: Table, name_expr: str, fld: str, literal: bool) -> str:
    """A catalog figure of the model named by `name_expr` (a quoted canonical name when
    `literal`), through the key columns for any other expression. A blank figure is blank in
    the sheet, which a twin must refuse (NA()) as models.require does in Python."""
    t = table.table_ref()
    col = table.col_index(fld)
    if literal or table.key_col is None:
        return f"VLOOKUP({name_expr},{t},{col},FALSE)"
    canonical = f"VLOOKUP({NORMALISE.format(name_expr)},{table.key_ref()},2,FALSE)"
    return f"VLOOKUP({canonical},{t},{col},FALSE)"


def ensure_table(wb) -> Table:
    """The workbook's Models table, written now if missing."""
    table = plan_table(wb)
    table.used = True
    materialize(wb, table)
    return table
