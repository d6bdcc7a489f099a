"""The GPUs sheet a hand-off copy looks GPU figures up in, and the formulas that look them up.

A twin never holds a datasheet figure itself: it looks the figure up on the workbook's GPUs
sheet, so a finance team can see (and, at their own risk, edit) where each number comes from.

Layout written when the workbook has no usable GPUs sheet (`write_sheet`):
  row 1: `name`, then every `catalog.FIELDS` name, then `aliases` (for people, not formulas);
  one row per catalog GPU; two hidden columns further right, `lookup_key` / `lookup_name`,
  map every normalised spelling of a name (alias, full name, vendor prefix) to its row.
A workbook that already has a GPUs sheet (the template's) is read by its headers instead
(`find_table`): whatever row holds `name` and the FIELDS as headers, in any column order;
the lookup columns are added beside it if missing.

Lookups use VLOOKUP rather than INDEX/MATCH because VLOOKUP works element by element inside
an array formula in Excel 2010 (CSE), LibreOffice and Google Sheets (ARRAYFORMULA), whereas
legacy Excel's INDEX returns only the first element when its row argument is an array.

The table goes into the package as a new GPUs sheet, or as key columns added to the user's own
GPU table.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from flopsheet import catalog
from flopsheet.catalog import normalise_key
from flopsheet.exceltext import a1, column_letter, sheet_prefix, string_literal
from flopsheet.handoff import catalogsheet, worksheetpart
from flopsheet.handoff.package import Book, Package

SHEET = "GPUs"
NAME = "name"
ALIASES = "aliases"
KEY = catalogsheet.KEY
KEY_NAME = catalogsheet.KEY_NAME
HEADERS = (NAME, *catalog.FIELDS, ALIASES)
# Prefixes a cell may put before a model name, per vendor (catalog.lookup drops any of
# _PREFIXES in any order; a formula cannot, so the key table lists the likely spellings).
_VENDOR_PREFIXES = {
    "nvidia": ("nvidia", "tesla", "geforce", "nvidiatesla", "nvidiageforce"),
    "amd": ("amd", "instinct", "amdinstinct"),
    "intel": ("intel", "habana", "intelhabana"),
    "google": ("google", "cloud", "googlecloud"),
    "huawei": ("huawei",),
    "cambricon": ("cambricon",),
}
# What a formula does to a cell's text before looking it up; `normalise_key` does the same in Python
# except for dropping vendor words (the key table lists those spellings instead).
_NORMALISE = 'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({0})," ",""),"-",""),"_","")'


def header_key(text) -> str:
    """A header as compared: lower case, letters and digits only ("Memory (GB)" == "memory_gb")."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


_FIELD_BY_KEY = {header_key(f): f for f in (*catalog.FIELDS, NAME)}
_FIELD_BY_KEY["gpu"] = NAME
# The template's key row names peak columns by precision ("bf16", "int8").
_FIELD_BY_KEY.update({header_key(p): f for p, f in catalog.PRECISION_FIELDS.items()})


# Form-factor and memory words people type after a model number ("B200 SXM", "H100 80GB"): Python
# resolves them by model number (catalog.names); the key table lists each spelling Python resolves
# to that very GPU, so a formula finds it too.
_FORM_WORDS = ("sxm", "sxm4", "sxm5", "sxm6", "pcie", "oam", "nvl", "hbm3", "hbm3e")


def key_rows() -> list[tuple[str, str]]:
    """(normalised spelling, canonical name) for every name, alias and full name, sorted."""
    seen: dict[str, str] = {}
    for gpu in catalog.all_gpus():
        prefixes = ("", *_VENDOR_PREFIXES.get(gpu.vendor.lower(), ()))
        for label in (gpu.name, gpu.full_name, *gpu.aliases):
            base = normalise_key(label)
            for prefix in prefixes:
                seen.setdefault(prefix + base, gpu.name)
    for gpu in catalog.all_gpus():
        words = [*_FORM_WORDS, f"{gpu.memory_gb:g}gb" if gpu.memory_gb else None]
        for label in (gpu.name, *gpu.aliases):
            for word in filter(None, words):
                spelling = f"{label} {word}"
                key = normalise_key(spelling)
                if key in seen:
                    continue
                try:
                    if catalog.resolve(spelling, selectable_only=False).name == gpu.name:
                        seen[key] = gpu.name
                except Exception:  # noqa: BLE001 - a spelling Python refuses is simply not listed
                    pass
    return sorted(seen.items())


@dataclass
class Table:
    """Where a workbook's GPU figures are: sheet, header row, data rows, a column per field."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int
    columns: dict[str, int]  # field (or "name") -> column number
    key_col: int | None = None  # lookup_key column; lookup_name is the next one
    key_last_row: int = 0
    pending: str | None = None  # what the hand-off still has to write: "sheet", "keys" or nothing
    used: bool = False  # a twin refers to it (so a pending sheet or key columns get written)
    notes: list[str] = field(default_factory=list)

    # -- ranges --------------------------------------------------------------------------
    def _ref(self, c1, r1, c2, r2) -> str:
        self.used = True
        return f"{sheet_prefix(self.sheet)}{a1(c1, r1, absolute=True)}:{a1(c2, r2, absolute=True)}"

    @property
    def name_col(self) -> int:
        return self.columns[NAME]

    def _span(self) -> tuple[int, int]:
        right = [c for c in self.columns.values() if c >= self.name_col]
        return self.name_col, max(right)

    def table_ref(self) -> str:
        """The VLOOKUP table: from the name column to the last field column right of it."""
        c1, c2 = self._span()
        return self._ref(c1, self.first_row, c2, self.last_row)

    def key_ref(self) -> str:
        return self._ref(self.key_col, self.header_row + 1, self.key_col + 1, self.key_last_row)

    def has(self, fld: str) -> bool:
        return fld in self.columns and self.columns[fld] >= self.name_col

    def col_index(self, fld: str) -> int:
        """VLOOKUP's column number of a field (1 = the name column)."""
        return self.columns[fld] - self.name_col + 1

    # -- formulas ------------------------------------------------------------------------
    def canonical(self, name_expr: str) -> str:
        """The canonical catalog name of the GPU a runtime expression names (any spelling catalog.resolve takes,
        through the key columns), else its text trimmed."""
        if self.key_col is None:
            return f"TRIM({name_expr})"
        return f"IFERROR(VLOOKUP({_NORMALISE.format(name_expr)},{self.key_ref()},2,FALSE),TRIM({name_expr}))"

    def canonical_or_error(self, name_expr: str) -> str:
        """The canonical catalog name of the GPU a runtime expression names, through the key columns; #N/A for a
        spelling they do not hold (key columns needed)."""
        return f"VLOOKUP({_NORMALISE.format(name_expr)},{self.key_ref()},2,FALSE)"

    def lookup(self, name_expr: str, column_expr: str, literal: bool) -> str:
        """A field of the GPU named by `name_expr`: a quoted canonical name when `literal`
        (resolved in Python at hand-off time), else any expression, whose normalised spelling
        is looked up in the key columns first (as catalog.resolve does; a name the catalog does
        not know is an error in Python too)."""
        t = self.table_ref()
        if literal or self.key_col is None:
            return f"VLOOKUP({name_expr},{t},{column_expr},FALSE)"
        canonical = f"VLOOKUP({_NORMALISE.format(name_expr)},{self.key_ref()},2,FALSE)"
        return f"VLOOKUP({canonical},{t},{column_expr},FALSE)"

    # -- formulas of the copy's Workings cells (handoff.workings) ------------------------
    # A scalar call's look-up is split in two labelled cells: the row of the GPU (one MATCH,
    # shared by every figure of that GPU) and each figure (INDEX of that row). Whole columns,
    # so a GPU added below the table is found as the GPUs sheet says it is.
    def whole(self, c1: int, c2: int | None = None) -> str:
        """`GPUs!$D:$D` (or `GPUs!$A:$U`): whole columns of the table's sheet."""
        self.used = True
        return f"{sheet_prefix(self.sheet)}${column_letter(c1)}:${column_letter(c1 if c2 is None else c2)}"

    def row_of(self, name_expr: str, literal: bool, normalise: str = _NORMALISE) -> str:
        """The sheet row of the entry named by `name_expr`: a quoted canonical name when
        `literal`; else the text as typed, then its normalised spelling in the key columns."""
        names = self.whole(self.name_col)
        if literal or self.key_col is None:
            return f"MATCH({name_expr},{names},0)"
        keys = self.whole(self.key_col, self.key_col + 1)
        # a spelling the key columns know, else the name as typed (a row added below the table)
        return f"MATCH(IFERROR(VLOOKUP({normalise.format(name_expr)},{keys},2,FALSE),TRIM({name_expr})),{names},0)"

    def figure(self, fld: str, row: str) -> str:
        """A field of the entry in sheet row `row` (a Workings cell)."""
        return f"INDEX({self.whole(self.columns[fld])},{row})"

    def figure_at(self, column_expr: str, row: str) -> str:
        """The field whose VLOOKUP column number is `column_expr` (decided in the sheet)."""
        c1, c2 = self._span()
        return f"INDEX({self.whole(c1, c2)},{row},{column_expr})"

    def choices(self, names: dict[str, str]) -> str:
        """An array constant {"bf16",4;"fp16",5;...}: each name -> the VLOOKUP column of its
        field, for the fields this sheet has. A VLOOKUP into it validates and maps in one step."""
        rows = [f"{string_literal(n)},{self.col_index(f)}" for n, f in names.items() if self.has(f)]
        return "{" + ";".join(rows) + "}"


def find_table(wb) -> Table | None:
    """The first sheet whose header row (within its first 30 rows) names `name` and at least
    the numeric fields a twin needs; None when the workbook has no such sheet."""
    return catalogsheet.find_table(
        wb,
        SHEET,
        _FIELD_BY_KEY,
        {"bf16_tflops", "memory_gb", "bandwidth_tbs", "tdp_w"},
        "bf16_tflops",
        Table,
        header_key,
    )


SPEC = catalogsheet.Spec(
    SHEET,
    HEADERS,
    catalog.all_gpus,
    catalog.FIELDS,
    key_rows,
    find_table,
    Table,
    "GPU catalog",
    "GPU names and aliases",
    "GPU figures",
)

# where the twins look GPU figures up; what the plan still owes written; both at once (catalogsheet)
plan_table = functools.partial(catalogsheet.plan_table, SPEC)
materialize = functools.partial(catalogsheet.materialize, SPEC)
ensure_table = functools.partial(catalogsheet.ensure_table, SPEC)


def add_to_package(table, book, edits, report) -> None:
    """The GPUs sheet (or key columns) planned in `edits`, when a twin looks GPU figures up in `table`."""
    if table is None or not table.used or table.pending is None:
        if table is not None:
            report.notes.extend(table.notes)
        return
    pending = table.pending
    sheet_xml = catalogsheet.scratch_sheet_xml(SPEC, table, with_sheet=pending == "keys")
    if pending == "sheet":
        edits.new_sheets.append((table.sheet, sheet_xml))
    else:
        _add_keys(table, book, edits, sheet_xml)
    report.notes.extend(table.notes)


def _add_keys(table, book, edits, sheet_xml: bytes) -> None:
    """The key columns gpusheet wrote in a scratch sheet, spliced into the user's GPU table."""
    entry = next(s for s in edits.source.pkg.worksheets if s.name == table.sheet)
    plan = edits.plan(entry.part, table.sheet)
    pat = worksheetpart.pattern_of(sheet_xml)
    existing = book[table.sheet]._cells
    for cell in worksheetpart.all_cells(sheet_xml, pat):
        xml = sheet_xml[cell.start : cell.end]
        if pat.prefix != plan.pat.prefix:
            xml = xml.replace(b"<", b"<" + plan.pat.prefix).replace(
                b"<" + plan.pat.prefix + b"/", b"</" + plan.pat.prefix
            )
        if (cell.r, cell.c) in existing:
            plan.replace[(cell.r, cell.c)] = lambda old, values, xml=xml: xml
        else:
            plan.insert[(cell.r, cell.c)] = lambda values, xml=xml: xml
    plan.hide = (table.key_col, table.key_col + 1)


class TableView:
    """The Book as plan_table sees it: every sheet name, but only the sheets that can
    hold a GPU table (their part mentions the headers a table needs) offered for searching,
    so a workbook's other sheets are never parsed."""

    _NEEDED = ("memory_gb", "bandwidth_tbs", "tdp_w")

    def __init__(self, book: Book, pkg: Package):
        self.book = book
        self.sheetnames = book.sheetnames
        keys = {header_key(n) for n in self._NEEDED}
        sst_hits = [i for i, s in enumerate(pkg.sst()) if header_key(s) in keys] if pkg.shared_strings else []
        marks = [b">%d<" % i for i in sst_hits] + [n.encode() for n in self._NEEDED]
        self.worksheets = []
        for ws in book.worksheets:
            data = pkg.zf.read(ws.entry.part)
            if ws.title == SHEET or any(m in data for m in marks):
                self.worksheets.append(ws)

    def __getitem__(self, title):
        return self.book[title]
