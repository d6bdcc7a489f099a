"""Cell styles, number formats and the text helper every sheet writes through.

Finance modelling convention (e.g. the FAST Standard, ICAEW's spreadsheet guidance): what a
user types (inputs) must look different from what the model computes (calculations), and
only inputs can be edited. Each role is one *named* style, so Excel's Styles gallery shows
them and a user can restyle a role in one place. Protection travels with the style: inputs
are unlocked, everything else stays locked under sheet protection.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.workbook import Workbook

from flopsheet.exceltext import (  # noqa: F401 - FORMULA_TRIGGERS re-exported  # noqa: F401 - the number formats, re-exported as styles.PCT etc.
    FLOPS,
    FORMULA_TRIGGERS,
    ONE_DP,
    PARAMS,
    PCT,
    SCI,
    THREE_DP,
    TOKENS,
    TWO_DP,
    USD,
    USD_RATE,
    WHOLE,
    looks_like_formula,
)
from flopsheet.template import i18n

INPUT = "Flopsheet Input"  # type here: blue on pale yellow, unlocked
DATA = "Flopsheet Data"  # sourced figures (datasheets), editable: dark blue on pale blue, unlocked
CALC = "Flopsheet Calc"  # a formula: black on white, locked
CHECK = "Flopsheet Check"  # a formula comparing with a published figure: locked
HEADER = "Flopsheet Header"  # column headers, with units
TITLE = "Flopsheet Title"
SECTION = "Flopsheet Section"
NOTE = "Flopsheet Note"  # explanations and sources, grey italic
KEY = "Flopsheet Key"  # machine keys that formulas MATCH on (GPUs sheet row 3)

INPUT_STYLES = (INPUT, DATA)  # unlocked
FORMULA_STYLES = (CALC, CHECK)  # every formula cell carries one of these

_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _style(name, font, fill=None, locked=True, border=_BOX, alignment=None) -> NamedStyle:
    style = NamedStyle(name=name)
    style.font = font
    if fill:
        style.fill = PatternFill("solid", fgColor=fill)
    style.border = border if border is not None else Border()
    style.protection = Protection(locked=locked)
    if alignment is not None:
        style.alignment = alignment
    return style


def named_styles() -> list[NamedStyle]:
    return [
        _style(INPUT, Font(name="Calibri", size=11, color="0000FF"), "FFF2CC", locked=False),
        _style(DATA, Font(name="Calibri", size=11, color="1F3864"), "DDEBF7", locked=False),
        _style(CALC, Font(name="Calibri", size=11, color="000000"), None),
        _style(CHECK, Font(name="Calibri", size=11, bold=True, color="375623"), "E2EFDA"),
        _style(
            HEADER,
            Font(name="Calibri", size=11, bold=True, color="FFFFFF"),
            "1F3864",
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        ),
        _style(TITLE, Font(name="Calibri", size=16, bold=True, color="1F3864"), None, border=Border()),
        _style(
            SECTION,
            Font(name="Calibri", size=12, bold=True, color="1F3864"),
            None,
            border=Border(bottom=Side(style="medium", color="1F3864")),
        ),
        _style(NOTE, Font(name="Calibri", size=10, italic=True, color="595959"), None, border=Border()),
        _style(
            KEY,
            Font(name="Consolas", size=9, color="808080"),
            None,
            border=Border(),
            alignment=Alignment(horizontal="center"),
        ),
    ]


def register(wb: Workbook) -> None:
    """Add the named styles to the workbook (once)."""
    existing = set(wb.named_styles)
    for style in named_styles():
        if style.name not in existing:
            wb.add_named_style(style)


# Which text a spreadsheet would run as a formula: one rule, in exceltext (FORMULA_TRIGGERS).


def set_text(cell: Cell, value: str, style: str | None = None, translate: bool = True) -> Cell:
    """Write `value` as TEXT, whatever it starts with (OWASP "CSV/formula injection").

    openpyxl turns any string beginning with "=" into a formula; we force the string data
    type and, for text that a spreadsheet would otherwise read as a formula when a user
    re-edits the cell, set the quote prefix (Excel's leading apostrophe), so "=1+1" or
    "@SUM(A1)" stays exactly that text in Excel and LibreOffice.
    """
    if not isinstance(value, str):
        raise TypeError(f"set_text needs a str, got {type(value).__name__}")
    if translate:  # wording goes through the edition's language (flopsheet.template.i18n)
        value = i18n.tr(value)
    cell.value = value
    cell.data_type = "s"
    if style is not None:
        cell.style = style
    lookalike = looks_like_formula(value)
    if bool(cell.quotePrefix) != lookalike:  # also clears a prefix left by earlier text
        cell.quotePrefix = lookalike
    return cell


def set_value(cell: Cell, value, style: str, number_format: str | None = None, translate: bool = False) -> Cell:
    """Write a number, None or text (through `set_text`; data such as a GPU name is not
    translated unless `translate`) with a style and format."""
    if isinstance(value, str):
        set_text(cell, value, style, translate)
    else:
        cell.value = value
        cell.style = style
    if number_format:
        cell.number_format = i18n.number_format(number_format)
    return cell


def set_formula(cell: Cell, formula: str, style: str = CALC, number_format: str | None = None) -> Cell:
    """Write a formula (must start with "="), styled as a calculation (locked)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    cell.style = style
    if number_format:
        cell.number_format = i18n.number_format(number_format)
    return cell


# The legend shown on the Start sheet: (style, sample text, meaning).
LEGEND = (
    (INPUT, "Input", "Type here. Scenario inputs and assumptions; unlocked."),
    (DATA, "Data", "Figures from datasheets (GPUs sheet); editable, edits flow into Training's peak and price."),
    (CALC, "Calculation", "A formula; locked (Review > Unprotect Sheet, no password, to change it)."),
    (CHECK, "Check", "A formula that compares the workbook with a published figure."),
    (HEADER, "Header", "Column headers; units in brackets."),
    (NOTE, "Note", "Explanations and sources."),
)
