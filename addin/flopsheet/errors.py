"""The one exception type flopsheet raises for bad input, and how its messages write a number.

A message shows a value as a person reads it (`show_number`) and says what to type as a
formula literal (`number_literal`); the engine's checks write both, so they live here, beside
the error type, where every layer (the engine included) may import them. `exceltext` writes
formula text with the same two.
"""

from __future__ import annotations

import math
from decimal import Decimal


class FlopsheetError(ValueError):
    """Invalid input. The message is one line naming the argument, the value and what is accepted.

    ``arg`` is the argument's name (or None when the problem is the result or the call itself);
    faces prefix the message with the function's name (``GPU_DAYS: mfu must be ...``).
    """

    def __init__(self, message: str, arg: str | None = None):
        message = " ".join(str(message).split())  # always one line
        super().__init__(message)
        self.arg = arg
        self.message = message


# A double whose integer part Excel shows exactly: below 1e15 every integer is exact in its
# 15 significant digits, so 3.0 is written "3" and 1e15 keeps its exponent form.
_WHOLE_LIMIT = 1e15


def show_number(x) -> str:
    """A number as a person reads it in a message or a CSV: 3 (not 3.0), 0.462, 3.15e+23,
    nan, inf. Full precision: the text reads back as the same double."""
    x = float(x)
    if x.is_integer() and abs(x) < _WHOLE_LIMIT:
        return str(int(x))
    return repr(x)


def number_literal(x, *, exponent_from: float = _WHOLE_LIMIT) -> str:
    """A float as an Excel formula literal that reads back as the same double: "3", "0.462",
    "3.15E+23". Whole numbers below `exponent_from` are written out; from it on, in exponent
    form (docs pass 1e7 so a reader sees 1.12E+14, not 112000000000000). ValueError for
    inf/nan, which have no literal in any spreadsheet."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{x} has no Excel form")
    if abs(x) < 2.2250738585072014e-308:  # subnormal: Excel stores 0, LibreOffice rejects the literal
        return "0"
    if x.is_integer() and abs(x) < _WHOLE_LIMIT:
        if abs(x) < exponent_from:
            return str(int(x))
        return format(Decimal(repr(x)).normalize(), "E")  # 1E+11, 1.12E+14: exact, shortest
    return repr(x).upper()
