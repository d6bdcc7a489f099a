"""`evaluate(src)`: the value of every formula cell of a workbook, computed without Excel.

The workbook is handed off (every flopsheet call becomes its native twin), recalculated by
headless LibreOffice, and read back with python-calamine (only ever on LibreOffice's own
output; it keeps TRUE a boolean and "12" text). The values go to a values-only .xlsx copy
and/or a CSV of sheet, cell, formula, value. Text that starts like a formula is written as
text in both (exceltext.looks_like_formula), so opening the result never runs data.

Where LibreOffice is known to compute something else than Excel (`differs`), the cell is not
presented as the workbook's value: its value is left blank and the cell is named in a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter, range_boundaries

from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import STRING, ErrorValue, a1, defused, looks_like_formula, show_number
from flopsheet.handoff import package
from flopsheet.handoff.copy import handoff
from flopsheet.handoff.package import Package, read_rels
from flopsheet.handoff.values import read
from flopsheet.recalc import LIBREOFFICE_MISSING, find_soffice, recalculate
from flopsheet.safefile import atomic_output, check_output
from flopsheet.untrusted import TRUSTED, Limits, check_workbook

# Where LibreOffice's result is known to differ from Excel's (so the value is not presented):
# AGGREGATE's options are only partly implemented, ERROR.TYPE numbers LibreOffice's own
# error codes, and structured references in a table's totals row are resolved differently.
_DIFFERS = (
    (re.compile(r"(?<![\w.])AGGREGATE\s*\(", re.I), "AGGREGATE"),
    (re.compile(r"(?<![\w.])ERROR\.TYPE\s*\(", re.I), "ERROR.TYPE (error codes)"),
)
_STRUCTURED = re.compile(r"[\w.]*\[")


def csv_text(value) -> str:
    """A value as a CSV field: full precision numbers, and risky text defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return show_number(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    text = str(value)
    return text if isinstance(value, ErrorValue) else defused(text)


def _cells(ref: str):
    """Every cell of "B2" or "C2:D9", as (coordinate, row, col)."""
    if ":" not in ref:
        col, row = coordinate_from_string(ref)
        yield ref, row, column_index_from_string(col)
        return
    c1, r1, c2, r2 = range_boundaries(ref)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            yield f"{get_column_letter(c)}{r}", r, c


def write_csv(fh, formulas, computed, unsure=frozenset()) -> int:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["sheet", "cell", "formula", "value"])
    n = 0
    for sheet, ref, formula in formulas:
        values = computed.get(sheet)
        for coord, r, c in _cells(ref):
            v = values.get(r, c) if values is not None and (sheet, r, c) not in unsure else None
            w.writerow([csv_text(sheet), coord, csv_text(formula), csv_text(v)])
            n += 1
    return n


def write_values(path, computed, unsure=frozenset()) -> None:
    """A values-only workbook: every sheet LibreOffice computed, no formulas."""
    wb = Workbook(write_only=True)
    for title, sheet in computed.items():
        ws = wb.create_sheet(title)
        errors = sheet.errors
        for i, row in enumerate(sheet.rows, start=1):
            out = []
            for j, v in enumerate(row, start=1):
                if unsure and (title, i, j) in unsure:
                    out.append(None)
                elif errors and (i, j) in errors:
                    cell = WriteOnlyCell(ws, value=str(errors[(i, j)]))
                    cell.data_type = "e"
                    out.append(cell)
                elif v == "":
                    out.append(None)
                elif isinstance(v, str) and looks_like_formula(v):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"  # text, never a formula (issue 7)
                    cell.quotePrefix = True
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    wb.save(path)


def evaluate(
    src,
    out=None,
    csv_path=None,
    *,
    force: bool = False,
    stdout=None,
    progress=None,
    warn=None,
    trust_size: bool = False,
) -> dict:
    """Compute every formula cell of `src`; write a values-only copy (`out`, .xlsx) and/or a
    CSV (`csv_path`; with neither, the CSV goes to `stdout`). Returns a small summary."""
    src = Path(src)
    out = Path(out) if out else None
    csv_path = Path(csv_path) if csv_path else None
    if not src.is_file():
        raise FlopsheetError(f"input {src} does not exist", "input")
    if out is not None:
        check_output(out, force=force, source=src, suffix=".xlsx")
    if csv_path is not None:
        check_output(csv_path, force=force, source=src)
    if out is not None and csv_path is not None and out.resolve() == csv_path.resolve():
        raise FlopsheetError("-o and --csv name the same file", "csv")
    check_workbook(src, TRUSTED if trust_size else Limits())
    if find_soffice() is None:
        raise FlopsheetError(LIBREOFFICE_MISSING)
    with tempfile.TemporaryDirectory(prefix="flopsheet-evaluate-") as tmp:
        twin, computed_path = Path(tmp) / "handoff.xlsx", Path(tmp) / "computed.xlsx"
        report = handoff(src, twin, progress=progress, warn=None, list_formulas=True, trust_size=trust_size)
        if progress:
            progress("recalculating with LibreOffice")
        recalculate(twin, computed_path)
        if progress:
            progress("reading the computed values")
        computed = read(computed_path)
        unsure = differs(src, report.formulas)
        if warn:
            for why, where in _grouped(unsure).items():
                more = f" and {len(where) - 5} more" if len(where) > 5 else ""
                warn(
                    f"{len(where)} cells use {why}, whose LibreOffice result is known to differ from Excel's; "
                    f"their values are left out: {', '.join(where[:5])}{more}"
                )
        cells = 0
        if csv_path is not None:
            with atomic_output(csv_path, force=force, source=src) as tmp_csv:
                with open(tmp_csv, "w", newline="", encoding="utf-8") as fh:
                    cells = write_csv(fh, report.formulas, computed, unsure)
        if out is not None:
            if progress:
                progress("writing the values-only copy")
            with atomic_output(out, force=force, source=src) as tmp_out:
                write_values(tmp_out, computed, unsure)
        if csv_path is None and out is None:
            buf = io.StringIO()
            cells = write_csv(buf, report.formulas, computed, unsure)
            (stdout or sys.stdout).write(buf.getvalue())
        if not cells:
            cells = sum(1 for f in report.formulas for _ in _cells(f[1]))
    return {
        "formula_cells": cells,
        "translated": report.translated,
        "frozen": len(report.frozen),
        "differs": {f"{s}!{a1(c, r)}": why for (s, r, c), why in unsure.items()},
    }


def differs(src, formulas) -> dict:
    """{(sheet, row, col): why} for formula cells whose LibreOffice value is known to differ
    from Excel's: AGGREGATE, ERROR.TYPE, structured references in a table's totals row."""
    totals = _totals_rows(src)
    out = {}
    for sheet, ref, formula in formulas:
        bare = STRING.sub('""', formula)
        why = next((label for rx, label in _DIFFERS if rx.search(bare)), None)
        for _, r, c in _cells(ref):
            w = why
            if (
                w is None
                and _STRUCTURED.search(bare)
                and any(r == tr and c1 <= c <= c2 for tr, c1, c2 in totals.get(sheet, ()))
            ):
                w = "structured references in a table's totals row"
            if w:
                out[(sheet, r, c)] = w
    return out


def _grouped(unsure: dict) -> dict:
    out: dict = {}
    for (sheet, r, c), why in sorted(unsure.items()):
        out.setdefault(why, []).append(f"{sheet}!{a1(c, r)}")
    return out


def _totals_rows(src) -> dict:
    """sheet -> [(totals row, first col, last col)] of its tables that show a totals row."""
    out: dict = {}
    with package.XmlZipFile(src) as zf:
        pkg = Package.open(zf)
        for s in pkg.worksheets:
            for rel in read_rels(zf, s.part, pkg.names):
                if rel.type != "table" or rel.external or rel.target not in pkg.names:
                    continue
                head = zf.read(rel.target)[:4096].decode("utf-8", "replace")
                ref = re.search(r'\bref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"', head)
                count = re.search(r'\btotalsRowCount="(\d+)"', head)
                if not ref or not count or count.group(1) == "0":
                    continue
                c1, _, c2, r2 = range_boundaries(f"{ref.group(1)}:{ref.group(2)}")
                out.setdefault(s.name, []).append((r2, c1, c2))
    return out
