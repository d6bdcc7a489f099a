"""Sheet plumbing shared by every sheet: names, the build context, a block writer, page setup.

Formulas are written from templates such as ``"=INFER_FLOPS({params},{prompt},{output})"``
whose ``{keys}`` are filled with the cells the block writer placed, so no formula carries a
hand-typed cell address that could drift when a row is added above it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import placeholders
from flopsheet.exceltext import a1, sheet_prefix
from flopsheet.template import i18n
from flopsheet.template import styles as st
from flopsheet.template.summary import Output

START = "Start"
GPUS = "GPUs"
MODELS = "Models"
TRAINING = "Training"
INFERENCE = "Inference"
MULTIMODAL = "Multimodal"
SEED_CHECK = "Seed check"
SOURCES = "Sources"
ECONOMICS = "Economics"
SHEET_ORDER = (START, GPUS, MODELS, TRAINING, INFERENCE, ECONOMICS, MULTIMODAL, SEED_CHECK, SOURCES)

# Defined names for lists that dropdowns use (see sheets/gpus.py).
GPU_LIST = "GPUList"
PRECISION_LIST = "PrecisionList"
# sheets/start.py: the precisions (a column) and, beside them, a blank training MFU at each (TrainMFU...)
TRAIN_MFU_KEYS = "TrainMFUKeys"
TRAIN_MFU_BY_PRECISION = "TrainMFUs"
MODEL_LIST = "ModelList"  # sheets/models.py: the Models sheet's name column
NOTE_WIDTH = 150  # characters per note row: fits the sheets' print width


def quoted(sheet: str) -> str:
    """A sheet name as a formula prefix: GPUs!, 'Seed check'!, '2024'! (exceltext.sheet_prefix)."""
    return sheet_prefix(sheet)


def absolute(col: int, row: int) -> str:
    """(3, 7) -> $C$7."""
    return a1(col, row, absolute=True)


@dataclass
class Ctx:
    """What sheets share while the workbook is built."""

    names: dict[str, str] = field(default_factory=dict)  # defined name -> "Start!$C$9"
    gpu_cols: dict[str, str] = field(default_factory=dict)  # GPUs key -> column letter
    gpu_last_col: str = "A"
    gpu_key_row: int = 5
    model_cols: dict[str, str] = field(default_factory=dict)  # Models key -> column letter
    outputs: list[Output] = field(default_factory=list)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, key) -> absolute cell

    def ref(self, sheet: str, key: str, from_sheet: str | None = None) -> str:
        cell = self.cells[(sheet, key)]
        return cell if from_sheet == sheet else f"{quoted(sheet)}{cell}"

    def output(
        self,
        sheet: str,
        key: str,
        label: str,
        unit: str,
        scenario: str = "",
        show: bool = True,
        engine: tuple | None = None,
    ) -> None:
        """Report the formula cell placed under `key` in the summary.

        Its value is not computed here: `summary.evaluate_outputs` takes it from the registry
        with the inputs the cell's formula references. `engine=(formula, {argument: key})`
        instead takes it from an engine formula applied to the values of this sheet's cells
        `key` (a cell whose formula is a native twin of that engine formula).
        """
        cell = self.cells[(sheet, key)].replace("$", "")
        if engine is not None:
            formula, keys = engine
            engine = (formula, {arg: self.cells[(sheet, k)].replace("$", "") for arg, k in keys.items()})
        self.outputs.append(Output(sheet, cell, label, unit, None, scenario, show, engine))

    # -- lookups into the GPUs sheet (whole columns, so rows a user adds below still match) --
    def gpu_column(self, key: str) -> str:
        c = self.gpu_cols[key]
        return f"{quoted(GPUS)}${c}:${c}"

    def gpu_row_match(self, gpu_cell: str) -> str:
        return f"MATCH({gpu_cell},{self.gpu_column('name')},0)"

    def peak_lookup(self, gpu_cell: str, precision_cell: str) -> str:
        """INDEX/MATCH of a GPU's dense peak: GPU name down column A, precision along the key row."""
        g = quoted(GPUS)
        return (
            f"INDEX({g}$A:${self.gpu_last_col},{self.gpu_row_match(gpu_cell)},"
            f"MATCH({precision_cell},{g}${self.gpu_key_row}:${self.gpu_key_row},0))"
        )

    def peak_at(self, row_cell: str, precision_cell: str) -> str:
        """A dense peak at a GPU row already matched (a helper cell holding the MATCH)."""
        g = quoted(GPUS)
        return (
            f"INDEX({g}$A:${self.gpu_last_col},{row_cell},"
            f"MATCH({precision_cell},{g}${self.gpu_key_row}:${self.gpu_key_row},0))"
        )

    def field_at(self, row_cell: str, key: str) -> str:
        return f"INDEX({self.gpu_column(key)},{row_cell})"

    def field_lookup(self, gpu_cell: str, key: str) -> str:
        return f"INDEX({self.gpu_column(key)},{self.gpu_row_match(gpu_cell)})"

    # -- lookups into the Models sheet (whole columns, like the GPUs sheet's) --
    def model_lookup(self, model_cell: str, key: str) -> str:
        """INDEX/MATCH of a catalog figure by model name (exact MATCH, case-insensitive)."""
        m = quoted(MODELS)
        col, name = self.model_cols[key], self.model_cols["name"]
        return f"INDEX({m}${col}:${col},MATCH({model_cell},{m}${name}:${name},0))"


class Block:
    """Writes label | value | unit | note rows down a sheet and remembers where each key went."""

    def __init__(self, ws: Worksheet, ctx: Ctx, row: int = 1, col: int = 1):
        self.ws, self.ctx, self.row, self.col = ws, ctx, row, col

    def _key(self, key: str, row: int) -> str:
        coord = absolute(self.col + 1, row)
        self.ctx.cells[(self.ws.title, key)] = coord
        return coord

    def fill(self, template: str) -> str:
        """A formula template with {key} (this sheet) or {Sheet:key} (another sheet) filled in
        (flopsheet.placeholders)."""
        return placeholders.fill(template, lambda sheet, key: self.ctx.ref(sheet or self.ws.title, key, self.ws.title))

    def title(self, text: str) -> None:
        st.set_text(self.ws.cell(self.row, self.col), text, st.TITLE)
        self.ws.row_dimensions[self.row].height = 24
        self.row += 1

    def section(self, text: str, translate: bool = True) -> None:
        self.row += 1
        for c in range(self.col, self.col + 4):
            self.ws.cell(self.row, c).style = st.SECTION
        st.set_text(self.ws.cell(self.row, self.col), text, st.SECTION, translate)
        self.row += 1

    def note(self, text: str, col_offset: int = 0, width: int = NOTE_WIDTH) -> None:
        """A note, wrapped over as many rows as it needs (long lines would be cut off in print)."""
        lines, translated = textwrap.wrap(text, width), i18n.tr(text)
        if i18n.lang() != "en":
            # As many rows as the English note, so every edition has the same cells (CJK text has no
            # spaces to break at and its characters are twice as wide: equal slices fit).
            text, n = translated, max(len(lines), 1)
            size = -(-len(text) // n)
            lines = [text[i * size : (i + 1) * size] for i in range(n)]
        for line in lines or [""]:
            st.set_text(self.ws.cell(self.row, self.col + col_offset), line, st.NOTE, translate=False)
            self.row += 1

    def header(self, *labels: str, height: float = 32) -> None:
        for i, label in enumerate(labels):
            st.set_text(self.ws.cell(self.row, self.col + i), label, st.HEADER)
        self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def _row(self, label: str, unit: str, note: str) -> None:
        st.set_text(self.ws.cell(self.row, self.col), label)
        if unit:
            st.set_text(self.ws.cell(self.row, self.col + 2), unit)
        if note:
            st.set_text(self.ws.cell(self.row, self.col + 3), note, st.NOTE)

    def input(
        self, key: str, label: str, value, unit: str = "", fmt: str | None = None, note: str = "", style: str = st.INPUT
    ) -> str:
        self._row(label, unit, note)
        st.set_value(self.ws.cell(self.row, self.col + 1), value, style, fmt)
        coord = self._key(key, self.row)
        self.row += 1
        return coord

    def calc(
        self,
        key: str,
        label: str,
        template: str,
        unit: str = "",
        fmt: str | None = None,
        note: str = "",
        style: str = st.CALC,
    ) -> str:
        self._row(label, unit, note)
        st.set_formula(self.ws.cell(self.row, self.col + 1), self.fill(template), style, fmt)
        coord = self._key(key, self.row)
        self.row += 1
        return coord


def validate_list(ws: Worksheet, source: str, cells: str, prompt: str) -> DataValidation:
    """A dropdown whose items come from a range or defined name (never a typed-in list)."""
    prompt = i18n.tr(prompt)
    dv = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showDropDown=False,
        showErrorMessage=True,
        errorTitle=i18n.tr("Not in the list"),
        error=prompt,
        promptTitle=i18n.tr("Choose"),
        prompt=prompt,
        showInputMessage=True,
    )
    dv.add(cells)
    ws.add_data_validation(dv)
    return dv


def validate_number(
    ws: Worksheet, cells: str, low: str, high: str | None, message: str, kind: str = "decimal"
) -> DataValidation:
    if high is None:
        dv = DataValidation(type=kind, operator="greaterThan", formula1=low, allow_blank=True)
    else:
        dv = DataValidation(type=kind, operator="between", formula1=low, formula2=high, allow_blank=True)
    dv.showErrorMessage = True
    dv.errorTitle = i18n.tr("Out of range")
    dv.error = i18n.tr(message)
    dv.add(cells)
    ws.add_data_validation(dv)
    return dv


def widths(ws: Worksheet, *cols: float, start: int = 1) -> None:
    for i, w in enumerate(cols, start=start):
        ws.column_dimensions[get_column_letter(i)].width = w


def finish(
    ws: Worksheet,
    print_area: str,
    *,
    protect: bool = True,
    landscape: bool = True,
    freeze: str | None = None,
    header_row: int | None = None,
) -> None:
    """Print area, page setup (A4, fit to one page wide, as many pages down as it takes), the table's header
    row repeated on every printed page, frozen panes, protection without password."""
    ws.print_area = print_area
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.sheet_view.showGridLines = False
    if freeze:
        ws.freeze_panes = freeze
    if protect:
        # No password: protection guards formulas against slips, not against their owner.
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # False = allowed: users may resize columns and rows
        ws.protection.formatRows = False
        ws.protection.selectLockedCells = False
        ws.protection.selectUnlockedCells = False
