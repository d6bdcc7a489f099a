"""The Models sheet a hand-off copy looks model-catalog figures up in (mirrors gpusheet.py).

A twin with a model name (MODEL_SPEC, or a `params` argument holding "DeepSeek-V3") must not
hold the catalog's figure itself: it looks it up on the workbook's Models sheet, as GPU figures
are looked up on the GPUs sheet. Layout written when the workbook has none (`plan_table` +
`materialize`): row 1 `name`, every `models.FIELDS` name, `aliases`; one row per catalog model;
two hidden columns further right, `lookup_key` / `lookup_name`, map every spelling a formula can
normalise (TRIM, then no spaces, hyphens, underscores or dots; VLOOKUP ignores case) to its row.
A workbook that already has a Models sheet (the template's, when it gets one) is read by its
headers (`find_table`). The table object and its VLOOKUP formulas are gpusheet.Table's.

A workbook without one gets the sheet when a call names a catalog model (`add_to_package`,
as gpusheet adds the GPUs sheet: our own worksheet part, the user's parts untouched).
"""

from __future__ import annotations

import functools
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


def find_table(wb) -> Table | None:
    """The first sheet (one called Models first) whose header row, within its first 30 rows,
    names `name` and the figures a twin needs; None when the workbook has none."""
    return catalogsheet.find_table(wb, SHEET, _FIELD_BY_KEY, NEEDED, "total_params", Table, header_key)


SPEC = catalogsheet.Spec(
    SHEET,
    HEADERS,
    models.all_models,
    models.FIELDS,
    key_rows,
    find_table,
    Table,
    "model catalog",
    "model names and aliases",
    "model figures",
)

# where the twins look model figures up; what the plan still owes written; both at once (catalogsheet)
plan_table = functools.partial(catalogsheet.plan_table, SPEC)
materialize = functools.partial(catalogsheet.materialize, SPEC)
ensure_table = functools.partial(catalogsheet.ensure_table, SPEC)


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


def add_to_package(table, edits, report) -> None:
    """The Models sheet (`table`) written, when the translator planned one and a twin looks it up."""
    if table is None or not table.used or table.pending != "sheet":
        return
    edits.new_sheets.append((table.sheet, catalogsheet.scratch_sheet_xml(SPEC, table, with_sheet=False)))
    report.notes.extend(table.notes)
