"""`evaluate(src)`: the value of every formula cell of a workbook, computed without Excel.

The workbook is handed off (every flopsheet call becomes its native twin), recalculated by
headless LibreOffice, and read back with python-calamine (only ever on LibreOffice's own
output). The values go to a values-only .xlsx copy and/or a CSV of sheet, cell, formula,
value. Text that starts like a formula (= + - @) is written as text in both, so opening the
result can never run a formula that arrived as data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter, range_boundaries

from flopsheet.errors import FlopsheetError
from flopsheet.handoff.copy import handoff
from flopsheet.handoff.values import ErrorValue, read
from flopsheet.recalc import LIBREOFFICE_MISSING, find_soffice, recalculate
from flopsheet.safefile import atomic_output
from flopsheet.untrusted import check_workbook

RISKY = ("=", "+", "-", "@", "\t", "\r")  # how a spreadsheet recognises a formula (OWASP CSV injection)
BIG_FILE = 512 * 1024  # bytes of input above which progress is shown


def _check_dst(src: Path, dst: Path | None, force: bool, suffix: str | None) -> None:
    if dst is None:
        return
    if suffix and dst.suffix.lower() != suffix:
        raise FlopsheetError(f"output {dst} must end in {suffix}", "output")
    if dst.exists() and os.path.samefile(src, dst):
        raise FlopsheetError(f"output {dst} is the input file; choose a different output path", "output")
    if (dst.exists() or dst.is_symlink()) and not force:
        raise FlopsheetError(f"output {dst} exists; use --force to overwrite", "output")


def csv_text(value) -> str:
    """A value as a CSV field: full precision numbers, and risky text defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if text.startswith(RISKY) and not isinstance(value, ErrorValue):
        return "'" + text
    return text


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


def write_csv(fh, formulas, computed) -> int:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["sheet", "cell", "formula", "value"])
    n = 0
    for sheet, ref, formula in formulas:
        values = computed.get(sheet)
        for coord, r, c in _cells(ref):
            v = values.get(r, c) if values is not None else None
            w.writerow([csv_text(sheet), coord, csv_text(formula), csv_text(v)])
            n += 1
    return n


def write_values(path, computed) -> None:
    """A values-only workbook: every sheet LibreOffice computed, no formulas."""
    wb = Workbook(write_only=True)
    for title, sheet in computed.items():
        ws = wb.create_sheet(title)
        errors = sheet.errors
        for i, row in enumerate(sheet.rows, start=1):
            out = []
            for j, v in enumerate(row, start=1):
                if errors and (i, j) in errors:
                    cell = WriteOnlyCell(ws, value=str(errors[(i, j)]))
                    cell.data_type = "e"
                    out.append(cell)
                elif v == "":
                    out.append(None)
                elif isinstance(v, str) and v.startswith(RISKY[:4]):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"  # text, never a formula (issue 7)
                    cell.quotePrefix = True
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    wb.save(path)


def evaluate(src, out=None, csv_path=None, *, force: bool = False, stdout=None, progress=None, warn=None) -> dict:
    """Compute every formula cell of `src`; write a values-only copy (`out`, .xlsx) and/or a
    CSV (`csv_path`; with neither, the CSV goes to `stdout`). Returns a small summary."""
    src = Path(src)
    out = Path(out) if out else None
    csv_path = Path(csv_path) if csv_path else None
    if not src.is_file():
        raise FlopsheetError(f"input {src} does not exist", "input")
    _check_dst(src, out, force, ".xlsx")
    _check_dst(src, csv_path, force, None)
    if out is not None and csv_path is not None and out.resolve() == csv_path.resolve():
        raise FlopsheetError("-o and --csv name the same file", "csv")
    check_workbook(src)
    if find_soffice() is None:
        raise FlopsheetError(LIBREOFFICE_MISSING)
    if progress is None and src.stat().st_size > BIG_FILE:
        progress = _stderr_progress()
    with tempfile.TemporaryDirectory(prefix="flopsheet-evaluate-") as tmp:
        twin, computed_path = Path(tmp) / "handoff.xlsx", Path(tmp) / "computed.xlsx"
        report = handoff(src, twin, progress=progress, warn=None)
        if progress:
            progress("recalculating with LibreOffice")
        recalculate(twin, computed_path)
        if progress:
            progress("reading the computed values")
        computed = read(computed_path)
        cells = 0
        if csv_path is not None:
            with atomic_output(csv_path, force=force, source=src) as tmp_csv:
                with open(tmp_csv, "w", newline="", encoding="utf-8") as fh:
                    cells = write_csv(fh, report.formulas, computed)
        if out is not None:
            if progress:
                progress("writing the values-only copy")
            with atomic_output(out, force=force, source=src) as tmp_out:
                write_values(tmp_out, computed)
        if csv_path is None and out is None:
            buf = io.StringIO()
            cells = write_csv(buf, report.formulas, computed)
            (stdout or sys.stdout).write(buf.getvalue())
        if not cells:
            cells = sum(1 for f in report.formulas for _ in _cells(f[1]))
    return {"formula_cells": cells, "translated": report.translated, "frozen": len(report.frozen)}


def _stderr_progress(command: str = "evaluate"):
    """Progress lines on stderr, each with the time since the start (big files only)."""
    started = time.monotonic()

    def show(line: str) -> None:
        print(f"flopsheet {command}: {line} ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)

    return show
