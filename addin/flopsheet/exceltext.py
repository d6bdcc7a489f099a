"""Excel text, written one way everywhere: number literals, strings, sheet prefixes, A1
references, and the guard that keeps data from ever being read as a formula.

Every module that writes formula text or cell text (the template, the hand-off, the twins,
`evaluate`'s CSV, messages) uses these, so a rule such as "which text a spreadsheet runs as a
formula" exists once.
"""

from __future__ import annotations

import functools
import re

from flopsheet.errors import number_literal, show_number  # noqa: F401 - written with the messages' numbers

# Text starting with one of these is read as a formula (or a DDE/command payload) when a
# spreadsheet opens a CSV or a user re-enters the cell: OWASP, "CSV Injection". Leading spaces
# do not protect ("  =1+1" is still run by some importers), so they are skipped first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


# Number formats (Excel codes; LibreOffice reads the same). A trailing comma scales by 1,000.
FLOPS = "0.00E+00"
SCI = "0.00E+00"
PARAMS = '#,##0.0,,,"B"'  # 175000000000 -> 175.0B
# 300000000000 -> 300.0B, 14800000000000 -> 14.8T (Excel allows two conditions and a default)
TOKENS = '[>=1000000000000]#,##0.0,,,,"T";[>=1000000000]#,##0.0,,,"B";#,##0'
WHOLE = "#,##0"  # GPU-days, GPUs, tokens
ONE_DP = "#,##0.0"  # wall-clock days, TFLOPS
TWO_DP = "#,##0.00"
THREE_DP = "#,##0.000"
PCT = "0.0%"
USD = "$#,##0"
USD_RATE = "$#,##0.00"


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula (see FORMULA_TRIGGERS)."""
    return str(text).lstrip(" ").startswith(FORMULA_TRIGGERS)


def defused(text: str) -> str:
    """`text` for a CSV field: an apostrophe in front when it looks like a formula."""
    return "'" + text if looks_like_formula(text) else text


def string_literal(s: str) -> str:
    '''A string as a formula literal, its quotes doubled: say "hi" -> "say ""hi"""'''
    return '"' + str(s).replace('"', '""') + '"'


_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1_LIKE = re.compile(r"[Rr][0-9]*([Cc][0-9]*)?|[Cc][0-9]*")


# The formula lexer's two pieces, shared by every module that reads formula text:
# QUOTED splits a formula into the parts outside quotes (even indexes) and its string literals and
# quoted sheet names (odd indexes), where nothing is a reference; A1_REF is an A1 cell reference
# outside them ($ marks, column letters, row), not part of a name, a function or a sheet prefix.
STRING = re.compile(r'"(?:[^"]|"")*"')  # a string literal alone ("" inside is one quote)
QUOTED = re.compile(r"(" + STRING.pattern + r"|'(?:[^']|'')*')")
A1_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})(?![A-Za-z0-9_(!])")


def needs_quotes(sheet: str) -> bool:
    """True unless `sheet` is a plain identifier that cannot be read as something else: a cell
    (A1, XFD9), an R1C1 reference (R, C2, R1C1) or a boolean. Digits first ("2024"), spaces,
    dots and any punctuation need quotes; quoting a name that did not need it is always valid."""
    if not _SIMPLE_NAME.fullmatch(sheet):
        return True
    return bool(_CELL_LIKE.fullmatch(sheet) or _R1C1_LIKE.fullmatch(sheet) or sheet.upper() in ("TRUE", "FALSE"))


@functools.lru_cache(maxsize=1024)  # a workbook has few sheets; the hand-off asks once per cell
def sheet_prefix(sheet: str) -> str:
    """A sheet name as a reference prefix: `GPUs!`, `'Seed check'!`, `'2024'!`, `'It''s'!`."""
    if needs_quotes(sheet):
        return "'" + sheet.replace("'", "''") + "'!"
    return sheet + "!"


@functools.cache  # at most 16,384 columns; the hand-off writes one per cell
def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    if not 1 <= int(col) <= 16384:
        raise ValueError(f"column {col} is outside A..XFD")
    col, letters = int(col), ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(col: int, row: int, absolute: bool = False) -> str:
    """(3, 7) -> C7, or $C$7 when `absolute`."""
    row = int(row)
    if not 1 <= row <= 1048576:
        raise ValueError(f"row {row} is outside 1..1048576")
    if absolute:
        return f"${column_letter(col)}${row}"
    return f"{column_letter(col)}{row}"


def ref(sheet: str | None, col: int, row: int, absolute: bool = False) -> str:
    """A cell reference, with its sheet prefix when `sheet` is given: 'Seed check'!$B$4."""
    return (sheet_prefix(sheet) if sheet else "") + a1(col, row, absolute)


# Excel's error values, as a cell shows them (and as xlwings passes them with err_to_str).
ERROR_LITERALS = (
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#DIV/0!",
    "#NUM!",
    "#NAME?",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
)


class ErrorValue(str):
    """An Excel error value (#N/A, #VALUE!...): typed into a formula, or read back from a cell.
    A str subclass, so it prints as the cell shows it but is never mistaken for text."""
