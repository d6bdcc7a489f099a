"""What crosses the Excel boundary: the arguments xlwings hands a function, and what goes back.

Arguments arrive as xlwings' classic UDFs deliver them with `ndim=2, err_to_str=True` (see
`udfs.ARG_OPTIONS`): every cell or range is a list of row lists, so a single cell is [[x]]
and a column keeps its orientation; an Excel error value arrives as its text ("#N/A"), which
the registry reports by name instead of mistaking it for a blank. A missing optional argument
arrives as its Python default. xlwings Lite (`flopsheet lite`) hands them over the same way with
the same options, except that one cell arrives as x, a blank optional argument as its default,
and a whole number as an int. Plain Python callers pass scalars, lists or ndarrays.

What goes back is what Excel can show: a float or a text for a single-cell call, a 2-D list
with the broadcast shape for a range call (Excel 365 spills it), one line of text per bad
element in that element only, and one line for a call that cannot run at all. Nothing ever
raises: classic xlwings would write the whole traceback into the cell.
"""

from __future__ import annotations

import gc
import math
from typing import Sequence

import numpy as np

from flopsheet.exceltext import show_number as show
from flopsheet.errors import FlopsheetError
from flopsheet.functions import Function, evaluate

_SEQUENCES = (list, tuple)


def single_cell(v):
    """[[x]] (one cell, as ndim=2 delivers it) -> x, so a one-cell call takes the scalar path.

    A whole number becomes a float: COM hands every number over as a double, Pyodide (xlwings
    Lite) a whole one as an int, and a message quoting the cell must read the same in both
    (inside a range, `functions._inputs` does the same per element)."""
    if type(v) in _SEQUENCES and len(v) == 1:
        row = v[0]
        if type(row) in _SEQUENCES and len(row) == 1 and type(row[0]) not in _SEQUENCES:
            v = row[0]
    return float(v) if type(v) is int else v


def call(fn: Function, args: Sequence) -> object:
    """Run `fn` on what Excel (or Python) passed; return what a cell can show. Never raises."""
    name = fn.name
    try:
        args = [single_cell(a) for a in args]
        out, errors, scalar = evaluate(fn, *args)
        if scalar:
            return _scalar_result(fn, out, args)
        return _range_result(fn, out, errors, args)
    except FlopsheetError as e:
        return with_name(name, e.message)
    except Exception as e:  # noqa: BLE001 - a cell must get one line, never a traceback
        return internal_error(name, e)


def with_name(name: str, message: str) -> str:
    """The message as a cell shows it: one line, starting with the function's name."""
    message = " ".join(str(message).split())
    if message.startswith(name + ":"):
        return message
    return f"{name}: {message}"


def internal_error(name: str, exc: BaseException) -> str:
    """A bug, reported in one line that still says which function and what kind of failure."""
    text = str(exc).strip().splitlines()
    first = text[0][:200] if text else ""
    return with_name(name, f"internal error: {type(exc).__name__}: {first}".rstrip(": "))


def _not_finite(fn: Function, value, args) -> FlopsheetError:
    # The engine never lets NaN or inf out; this guards the functions with their own `impl`
    # (and any future slip): a cell must not show a silent nan/inf as if it were an answer.
    given = ", ".join(f"{a.name}={_show_arg(v)}" for a, v in zip(fn.args, args) if not isinstance(v, _SEQUENCES))
    named = given or "check " + (", ".join(a.name for a in fn.args) or "the add-in")
    return FlopsheetError(f"result is not a finite number (got {value}; {named})")


def _show_arg(v) -> str:
    if isinstance(v, (float, int)) and not isinstance(v, bool):
        return show(v) if math.isfinite(v) else repr(float(v))
    return repr(v)


def _scalar_result(fn: Function, out, args):
    kind = type(out)
    if kind is float:
        if math.isfinite(out):
            return out
        raise _not_finite(fn, out, args)
    if kind is str:
        return out
    if isinstance(out, np.ndarray):
        return _range_result(fn, out, None, args)
    if isinstance(out, (int, np.integer, np.floating)) and not isinstance(out, (bool, np.bool_)):
        return _scalar_result(fn, float(out), args)
    raise TypeError(f"{fn.name} returned {kind.__name__}")


def _range_result(fn: Function, out, errors, args) -> list | float | str:
    """An array result as the 2-D list Excel spills: per-element errors replace their element."""
    out = np.asarray(out)
    if errors is not None:
        errors = np.broadcast_to(np.asarray(errors, dtype=object), out.shape)
    if out.ndim == 0:
        if errors is not None and errors[()] is not None:
            raise FlopsheetError(errors[()])
        value = out[()]
        return _scalar_result(fn, value.item() if isinstance(value, np.generic) else value, args)
    if out.ndim == 1:  # a Python caller's 1-D list: show it as a column
        out = out.reshape(-1, 1)
        errors = None if errors is None else errors.reshape(-1, 1)
    elif out.ndim > 2:
        raise FlopsheetError(f"ranges must be rows, columns or blocks (got a {out.ndim}-D array)")
    if out.size == 0:
        raise FlopsheetError("a range argument is empty")

    if out.dtype.kind == "f":
        bad = None if errors is None else np.not_equal(errors, None)
        finite = np.isfinite(out)
        if bad is None and finite.all():
            return to_rows(out)  # the fast path: one C-level conversion
        cells = out.astype(object)
        if not finite.all():
            unexplained = ~finite if bad is None else ~finite & ~bad
            for idx in zip(*np.nonzero(unexplained)):
                cells[idx] = with_name(fn.name, _not_finite(fn, out[idx], ()).message)
        if bad is not None:
            _put_errors(fn.name, cells, errors, bad)
        return to_rows(cells)

    # Object results (GPU_SPEC's mix of text and numbers, GPU_NAMES): few cells, clean each.
    cells = np.array(out, dtype=object)
    bad = np.zeros(out.shape, dtype=bool) if errors is None else np.not_equal(errors, None)
    for idx in zip(*np.nonzero(~bad)):
        v = cells[idx]
        if isinstance(v, (np.generic, int)) and not isinstance(v, (bool, np.bool_)):
            v = float(v)
        if isinstance(v, float) and not math.isfinite(v):
            v = with_name(fn.name, _not_finite(fn, v, ()).message)
        elif not isinstance(v, (float, str)):
            v = with_name(fn.name, f"internal error: result element is {type(v).__name__}")
        cells[idx] = v
    if bad.any():
        _put_errors(fn.name, cells, errors, bad)
    return cells.tolist()


def to_rows(cells: np.ndarray) -> list:
    """A 2-D array as the list of row lists Excel spills, with the cyclic garbage collector paused.

    Building 100,000 small lists would otherwise trigger hundreds of collections, each walking
    every live object (the caller's 100,000 argument rows among them): half the call's time.
    Reference counting still frees everything; only the cycle search waits until we are done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return cells.tolist()
    finally:
        if was_enabled:
            gc.enable()


def _put_errors(name: str, cells: np.ndarray, errors: np.ndarray, bad: np.ndarray) -> None:
    seen: dict = {}  # a blank column repeats one message 100,000 times: prefix it once
    for idx in zip(*np.nonzero(bad)):
        message = errors[idx]
        text = seen.get(message)
        if text is None:
            text = seen[message] = with_name(name, message)
        cells[idx] = text
