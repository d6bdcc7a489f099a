"""Writes `flopsheet/udfs.py`, the xlwings face, from the registry (`python -m tools.regenerate`).

The face is one plain module of decorated functions, as xlwings' own documentation writes
them, so `grep "def GPU_DAYS"` finds the Excel function and xlwings reads real signatures.
It is generated rather than hand-written because every line of it (argument names, defaults,
help texts) is already declared once in `flopsheet.functions`; a test compares the committed
file with `source()`, so it cannot drift from the registry.
"""

from __future__ import annotations

from flopsheet.functions import REGISTRY, Function
from flopsheet.lite import decorated_def

HEADER = '''"""The Excel face: every function of the registry as an xlwings classic UDF (`UDF Modules = flopsheet.udfs`).

GENERATED from flopsheet.functions by `python -m tools.regenerate` (tools/udfs_source.py);
do not edit by hand: a test fails when this file and the registry disagree.

Nothing here computes anything: each function hands its arguments to `excel_io.call`, which
runs the registry's `Function` and returns what a cell can show (never raises). xlwings writes
the VBA declaration from each function's signature (names; `Optional` for a default: an argument that a
shorter form of the function does without, such as KV_CACHE_GB's head_dim, defaults to blank) and the
function wizard's help from the decorators. On Linux and macOS `xw.func`/`xw.arg` are no-ops,
so this module imports anywhere.
- `category="flopsheet"`: one category for all functions;
- docstring = `Function.summary` only: xlwings sends the WHOLE docstring (first 255 chars) as
  the wizard's description, and without one it would send "defined in '<local path>'";
- `@xw.arg(name, doc=..., ndim=2, err_to_str=True)` for every argument (see ARG_OPTIONS).
No `xw.ret` options: a list of row lists is what Excel 365 spills natively, and
`expand="table"` (the pre-365 workaround) would rewrite the caller's formula asynchronously.
"""

from __future__ import annotations

import xlwings as xw

from flopsheet import excel_io
from flopsheet.functions import REGISTRY

CATEGORY = "flopsheet"

# How xlwings converts each argument before the call (conversion options of `@xw.arg`):
# ndim=2: every cell or range arrives as a list of row lists, so a row stays a row and a
#   column a column (the default squeezes both to the same flat list); one cell is [[x]],
#   which excel_io.single_cell unwraps so a one-cell call stays on the scalar path.
# err_to_str=True: an error cell (#N/A, #DIV/0!...) arrives as its text instead of None, so
#   it is reported as an error value rather than taken for a blank (= the default!).
ARG_OPTIONS = {"ndim": 2, "err_to_str": True}
'''


def function_source(fn: Function) -> str:
    """One decorated `def` that calls the registry through excel_io."""
    return decorated_def(fn, "@xw.func(category=CATEGORY)", "xw.arg")


NAMES_HEADER = '''"""The names of flopsheet's Excel functions, for code that must recognise a call without loading
the functions: the hand-off of a workbook without calls is a zip copy, and importing the registry
(and numpy under it) would cost it more than its work.

GENERATED from flopsheet.functions by `python -m tools.regenerate` (tools/udfs_source.py);
do not edit by hand: a test fails when this file and the registry disagree.
"""

NAMES = (
'''


def names_source() -> str:
    """The whole text of flopsheet/callnames.py: the registry's names, in its order."""
    return NAMES_HEADER + "".join(f'    "{name}",\n' for name in REGISTRY) + ")\n"


def source() -> str:
    """The whole text of flopsheet/udfs.py."""
    body = "".join(function_source(fn) for fn in REGISTRY.values())
    names = "".join(f"    {name!r},\n" for name in REGISTRY)
    return HEADER + body + f"\n\n__all__ = [\n{names}]\n"
