"""`handoff(src, dst)`: an add-in-free copy of a workbook that recalculates anywhere.

Steps, in order: refuse a hostile file (`untrusted.check_workbook`) and a bad destination;
load with openpyxl without VBA; drop the xlwings.conf sheet; make sure there is a GPUs sheet;
translate every formula that calls a flopsheet function (translate.Translator), freezing what
cannot be translated with a comment saying why; turn text magnitudes that those calls read
("175B") into numbers; write a temporary .xlsx; optionally let LibreOffice compute cached
values (values.inject); name whatever the copy lost (carry.losses) BEFORE moving it into
place. The input is only ever read.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from flopsheet.errors import FlopsheetError
from flopsheet.handoff import carry, gpusheet
from flopsheet.handoff.translate import CachedTranslator, Refs, Untranslatable, literal_text
from flopsheet.magnitudes import parse_num
from flopsheet.safefile import atomic_output
from flopsheet.untrusted import check_workbook

CONF_SHEETS = ("xlwings.conf", "_xlwings.conf")
AUTHOR = "flopsheet"
PROGRESS_EVERY = 20_000  # formula cells between progress lines
_MAGNITUDE = re.compile(r"^\s*[+-]?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?([eE][+-]?\d+)?\s*([KMBGTPE%]?)\s*$", re.I)
_POWERS = {"K": 1, "M": 2, "B": 3, "G": 3, "T": 4, "P": 5, "E": 6}
_MAGNITUDE_START = re.compile(r"\s*[+-]?[0-9.]")  # cheap filter before magnitudes.parse_num


@dataclass
class Report:
    """What the hand-off did, for the command line and for `evaluate`."""

    translated: int = 0  # cells whose flopsheet calls all became twins
    frozen: list = field(default_factory=list)  # (sheet, cell, reason)
    converted: int = 0  # text magnitudes turned into numbers
    formulas: list = field(default_factory=list)  # (sheet, cell or range, original formula) of every formula
    warnings: list = field(default_factory=list)  # what the copy could not carry
    notes: list = field(default_factory=list)  # what the hand-off changed on purpose
    arrays: dict = field(default_factory=dict)  # sheet -> [(min_col, min_row, max_col, max_row)]


def check_output(src: Path, dst: Path, force: bool) -> None:
    """Refuse a destination before any work (atomic_output checks again when writing)."""
    if dst.suffix.lower() != ".xlsx":
        raise FlopsheetError(f"output {dst} must end in .xlsx (the hand-off copy has no macros)", "output")
    if dst.exists() and src.exists() and os.path.samefile(src, dst):
        raise FlopsheetError(f"output {dst} is the input file; choose a different output path", "output")
    if (dst.exists() or dst.is_symlink()) and not force:
        raise FlopsheetError(f"output {dst} exists; use --force to overwrite", "output")


def magnitude_format(text: str) -> str | None:
    """A number format that shows the parsed number as it was typed: "175B" -> 0,,,"B"."""
    m = _MAGNITUDE.match(text)
    if not m:
        return None
    grouped, decimals, exponent, suffix = m.group(1), len(m.group(2) or ""), m.group(3), m.group(4).upper()
    if exponent:
        return None
    digits = ("#,##0" if grouped and "," in grouped else "0") + ("." + "0" * decimals if decimals else "")
    if suffix == "%":
        return digits + "%"
    if suffix:
        return digits + "," * _POWERS[suffix] + f'"{suffix}"'
    return digits if "," in (grouped or "") else None


def _set_text(cell, value) -> None:
    """Any value a frozen call returned; text is always stored as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True


def _comment(cell, text: str) -> None:
    text = f"flopsheet hand-off: {text}"
    if cell.comment is not None:
        text = f"{cell.comment.text}\n\n{text}"
    cell.comment = Comment(text, AUTHOR, width=300, height=120)


class _Copy:
    def __init__(self, src: Path, progress=None):
        self.src = src
        self.report = Report()
        self.progress = progress
        self._cached = None
        self.converted_areas: set = set()

    def cached(self):
        """The workbook's saved values (for frozen calls that read formula cells), loaded once."""
        if self._cached is None:
            self._cached = openpyxl.load_workbook(self.src, data_only=True, keep_links=False)
        return self._cached

    # -- the steps ---------------------------------------------------------------------------
    def load(self):
        wb = openpyxl.load_workbook(self.src, keep_vba=False, keep_links=True, rich_text=True)
        wb.template = False  # write the .xlsx content type whatever the input was
        return wb

    def drop_conf(self, wb, expected: Counter) -> None:
        for title in CONF_SHEETS:
            if title in wb.sheetnames:
                del wb[title]
                expected["sheet"] += 1
                self.report.notes.append(f'removed the "{title}" sheet (xlwings settings)')
                for name, dn in list(wb.defined_names.items()):
                    if any(t == title for t, _ in dn.destinations):
                        del wb.defined_names[name]
                        expected["defined name"] += 1

    def translate(self, wb, table) -> None:
        tr = CachedTranslator(table, Refs(wb, self.cached))
        self._magnitude_cells(wb)
        rep = self.report
        table_reason = (f'it is on the "{table.sheet}" sheet, which the twins read GPU figures from'
                        if table.pending != "sheet" else None)
        total = sum(len(ws._cells) for ws in wb.worksheets)
        seen = 0
        for ws in wb.worksheets:
            title = ws.title
            for cell in list(ws._cells.values()):
                seen += 1
                if self.progress and seen % PROGRESS_EVERY == 0:
                    self.progress(f"translating: {seen:,} of {total:,} cells")
                if cell.data_type != "f":
                    continue
                v = cell.value
                if isinstance(v, ArrayFormula):
                    text, ref = v.text or "", v.ref
                elif isinstance(v, str):
                    text, ref = v, None
                else:
                    continue  # a data-table formula: nothing of ours inside
                rep.formulas.append((title, ref or cell.coordinate, text if ref is None else "{" + text + "}"))
                if ref:
                    rep.arrays.setdefault(title, []).append(openpyxl.utils.cell.range_boundaries(ref))
                if not tr.needs(text):
                    continue
                try:
                    res = tr.translate_at(text, title, cell.row, cell.column,
                                          table_reason if title == table.sheet else None)
                except Untranslatable as u:
                    rep.warnings.append(f"{title}!{cell.coordinate}: formula left as it was ({u.reason})")
                    continue
                self._apply(ws, cell, ref, res)
                if self.magnitudes:
                    areas = res.numeric_areas
                    if areas is None:
                        areas = [tr.refs.area(t, s) for t, s in res.numeric_refs]
                    for area in areas:
                        self._convert(wb, area)
        self._names(wb, tr)
        self._other_formulas(wb, tr)

    def _apply(self, ws, cell, ref, res) -> None:
        rep = self.report
        if res.frozen:
            rep.frozen.append((ws.title, cell.coordinate, "; ".join(res.frozen)))
        elif res.translated:
            rep.translated += 1
        if res.value_set:
            self._put_values(ws, cell, ref, res.value)
        elif ref:
            cell.value = ArrayFormula(ref, res.text)
        elif res.array:
            area = self._spill(ws, cell, res.shape)
            cell.value = ArrayFormula(area, res.text)
            if area != cell.coordinate:
                rep.arrays.setdefault(ws.title, []).append(openpyxl.utils.cell.range_boundaries(area))
        else:
            cell.value = res.text
        if res.frozen:
            why = "; ".join(res.frozen)
            _comment(cell, f"frozen to the value the flopsheet add-in computes, because {why}.")

    def _spill(self, ws, cell, shape) -> str:
        """The range a call over ranges spills into, if those cells are free; else the cell."""
        if not shape or shape == (1, 1):
            return cell.coordinate
        rows, cols = shape
        r0, c0 = cell.row, cell.column
        for r in range(r0, r0 + rows):
            for c in range(c0, c0 + cols):
                other = ws._cells.get((r, c))
                if (r, c) != (r0, c0) and other is not None and other.value is not None:
                    return cell.coordinate
        return f"{cell.coordinate}:{get_column_letter(c0 + cols - 1)}{r0 + rows - 1}"

    def _put_values(self, ws, cell, ref, value) -> None:
        if not isinstance(value, list):
            _set_text(cell, value)
            return
        r0, c0 = cell.row, cell.column
        if ref:
            c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ref)
            rows, cols = r2 - r1 + 1, c2 - c1 + 1
        else:
            rows, cols = len(value), len(value[0])
            area = self._spill(ws, cell, (rows, cols))
            if area == cell.coordinate:
                rows = cols = 1
        for i in range(rows):
            for j in range(cols):
                v = value[i][j] if i < len(value) and j < len(value[i]) else None
                _set_text(ws.cell(r0 + i, c0 + j), v)

    def _magnitude_cells(self, wb) -> None:
        """Every text cell that reads as a magnitude ("175B"): the only cells `_convert` changes."""
        self.magnitudes = set()
        for ws in wb.worksheets:
            for (r, c), cell in ws._cells.items():
                if cell.data_type == "s" and isinstance(cell.value, str) and _MAGNITUDE_START.match(cell.value):
                    self.magnitudes.add((ws.title, r, c))

    def _convert(self, wb, area) -> None:
        """Text magnitudes a call reads as numbers become numbers, formatted as typed."""
        if area is None or area in self.converted_areas or area[0] not in wb.sheetnames:
            return
        self.converted_areas.add(area)
        title, c1, r1, c2, r2 = area
        cells = wb[title]._cells
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (title, r, c) not in self.magnitudes:
                    continue
                cell = cells.get((r, c))
                if cell is None or cell.data_type != "s" or not isinstance(cell.value, str):
                    continue
                text = cell.value
                try:
                    x = parse_num(text)
                except Exception:  # noqa: BLE001 - not a magnitude (a GPU name, a unit): keep the text
                    continue
                cell.value = x
                fmt = magnitude_format(text)
                if fmt and cell.number_format == "General":
                    cell.number_format = fmt
                self.report.converted += 1

    def _names(self, wb, tr) -> None:
        scopes = [(None, wb.defined_names)] + [(ws.title, ws.defined_names) for ws in wb.worksheets]
        for sheet, names in scopes:
            for name, dn in list(names.items()):
                text = dn.attr_text or ""
                if not tr.needs(text):
                    continue
                try:
                    res = tr.translate("=" + text, sheet)
                except Untranslatable as u:
                    self.report.warnings.append(f"defined name {name}: left as it was ({u.reason})")
                    continue
                dn.attr_text = literal_text(res.value) if res.value_set else res.text[1:]
                if res.frozen:
                    self.report.warnings.append(f"defined name {name}: {'; '.join(res.frozen)} (frozen)")

    def _other_formulas(self, wb, tr) -> None:
        """Conditional formats and validations are not translated: say so if they call us."""
        for ws in wb.worksheets:
            texts = []
            for rng in ws.conditional_formatting:
                for rule in rng.rules:
                    texts.extend(rule.formula or [])
            for dv in ws.data_validations.dataValidation:
                texts.extend(t for t in (dv.formula1, dv.formula2) if t)
            if any(tr.needs(t) for t in texts):
                self.report.warnings.append(
                    f'sheet "{ws.title}": conditional formats or validations call flopsheet functions; '
                    "they are not translated and show #NAME? without the add-in")


def handoff(src, dst, *, force: bool = False, recalc: bool = False, warn=None, progress=None) -> Report:
    """Write the hand-off copy of `src` to `dst` (.xlsx). `warn(line)` is called with each
    thing the copy cannot carry BEFORE `dst` is written; `progress(line)` on big files."""
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise FlopsheetError(f"input {src} does not exist", "input")
    check_output(src, dst, force)
    check_workbook(src)
    before = carry.inventory(src)
    job = _Copy(src, progress)
    rep = job.report
    wb = job.load()
    expected: Counter = Counter()
    job.drop_conf(wb, expected)
    table = gpusheet.plan_table(wb)
    if progress:
        progress("translating formulas")
    job.translate(wb, table)
    gpusheet.materialize(wb, table)  # only if a twin looks GPU figures up
    rep.notes.extend(table.notes)
    wb.calculation.fullCalcOnLoad = True  # Excel recomputes every twin on open
    if before.get("VBA project"):
        rep.notes.append("removed the VBA project (the hand-off copy has no macros)")
    with atomic_output(dst, force=force, source=src) as tmp:
        if recalc:
            _recalculated(wb, rep, tmp, progress)
        else:
            if progress:
                progress("writing the copy")
            wb.save(tmp)
        lost = carry.losses(before, carry.inventory(tmp), expected)
        if "image" in " ".join(lost) and carry.pillow_missing():
            lost = [x + " (openpyxl carries images only when Pillow is installed)" if "image" in x else x
                    for x in lost]
        if lost:
            rep.warnings.insert(0, "the hand-off copy cannot carry " + ", ".join(lost))
        for line in rep.warnings:
            if warn:
                warn(line)
    return rep


def _recalculated(wb, rep: Report, out: Path, progress) -> None:
    """Save, let LibreOffice compute every formula, and write those values into our copy."""
    from flopsheet.handoff import values
    from flopsheet.recalc import recalculate

    placeholders: dict = {}
    for title, areas in rep.arrays.items():
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        for c1, r1, c2, r2 in areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    cell = ws._cells.get((r, c))
                    if cell is None or cell.value is None:
                        ws.cell(r, c).value = 0  # a cached-value slot for the spilled element
                        placeholders.setdefault(title, set()).add((r, c))
    with tempfile.TemporaryDirectory(prefix="flopsheet-handoff-") as tmp:
        plain, computed = Path(tmp) / "handoff.xlsx", Path(tmp) / "computed.xlsx"
        if progress:
            progress("writing the copy")
        wb.save(plain)
        if progress:
            progress("recalculating with LibreOffice")
        recalculate(plain, computed)
        values.inject(plain, values.read(computed), out, placeholders)
