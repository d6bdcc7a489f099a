"""What a caller hands a function, made into arrays: numbers, text magnitudes, blanks, ranges.

Excel (through xlwings) passes a cell as float, str, bool or None and a range as nested lists;
Python callers pass the same or numpy arrays. Each converter returns an array plus an object
array of error messages (None where the element is fine), so one bad cell errors alone.
"""

from __future__ import annotations

import itertools

import numpy as np

from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import ERROR_LITERALS
from flopsheet.magnitudes import parse_num

REQUIRED = object()  # marks an argument without a default

# Excel's error values as xlwings passes them when err_to_str is on (or typed as text).
EXCEL_ERRORS = ERROR_LITERALS


def to_object_array(value, name: str) -> np.ndarray:
    """Any cell or range as an object ndarray (0-d for a single value)."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (list, tuple)):
        try:
            return np.array(value, dtype=object) if value else np.empty((0,), dtype=object)
        except ValueError:
            raise FlopsheetError(f"{name} is a ragged range (rows of different lengths)", arg=name) from None
    arr = np.empty((), dtype=object)
    arr[()] = value
    return arr


def _check_rectangular(value, name):
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        n = len(value[0])
        if any(not isinstance(row, (list, tuple)) or len(row) != n for row in value):
            raise FlopsheetError(f"{name} is a ragged range (rows of different lengths)", arg=name)


def element_number(v, name: str, default) -> tuple[float, str | None]:
    """One element -> (float, None) or (1.0, error message)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        if default is REQUIRED or default is None:
            if default is None:
                return np.nan, None  # optional without default: absent
            return 1.0, f"{name} is required (it is blank)"
        return float(default), None
    if isinstance(v, (bool, np.bool_)):
        return 1.0, f"{name} must be a number, not {str(bool(v)).upper()}"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v), None
    if isinstance(v, str):
        text = v.strip()
        if text.upper() in EXCEL_ERRORS:
            return 1.0, f"{name} is {text.upper()} (an error value in the input)"
        try:
            return parse_num(text, name), None
        except FlopsheetError as e:
            return 1.0, e.message
    return 1.0, f"{name} must be a number (got {type(v).__name__})"


_BOOLEANS = frozenset((bool, np.bool_))


def booleans_among_numbers(value, arr: np.ndarray) -> bool:
    """True when nested lists `value` hold TRUE or FALSE among numbers: np.asarray(value) (= `arr`)
    then holds them as 1 and 0, a silent wrong number where the element path refuses a boolean.
    Only an element equal to 1 or 0 can have been one, so the lists are scanned (at C speed) only
    when `arr` has such an element."""
    if not ((arr == 1) | (arr == 0)).any():
        return False
    items = value
    for _ in range(arr.ndim - 1):
        items = itertools.chain.from_iterable(items)
    return not _BOOLEANS.isdisjoint(map(type, items))


def numbers(value, name: str, default=REQUIRED) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A numeric argument -> (float array, errors or None). (None, None): optional and absent."""
    if value is None:
        if default is None:
            return None, None
        if default is not REQUIRED:  # blank optional argument: its default, without the element loop
            return np.asarray(float(default)), None
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        return np.asarray(float(value)), None
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return value.astype(float, copy=False), None
    if isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)  # the fast path: a range of plain numbers
        except ValueError:
            raise FlopsheetError(f"{name} is a ragged range (rows of different lengths)", arg=name) from None
        if arr.dtype.kind in "fiu" and not booleans_among_numbers(value, arr):
            return arr.astype(float, copy=False), None
        _check_rectangular(value, name)
    arr = to_object_array(value, name)
    out = np.empty(arr.shape, dtype=float)
    errors = None
    absent = 0
    for idx, v in np.ndenumerate(arr):
        x, err = element_number(v, name, default)
        out[idx] = x
        if err is not None:
            if errors is None:
                errors = np.full(arr.shape, None, dtype=object)
            errors[idx] = err
        elif default is None and x != x and (v is None or isinstance(v, str)):
            absent += 1
    if default is None and absent:
        if absent == out.size:
            return None, None
        raise FlopsheetError(f"{name} is blank in some cells and not others; fill it everywhere or nowhere", arg=name)
    return out, errors


def texts(value, name: str, default=REQUIRED) -> tuple[np.ndarray, np.ndarray | None]:
    """A text argument (GPU name, precision, unit) -> (object array, errors or None).

    Blank -> default; numbers are kept as floats (a GPU given as its peak TFLOPS), whole ones
    included (xlwings Lite hands a whole number over as an int, classic xlwings as a float).
    """
    _check_rectangular(value, name)
    arr = to_object_array(value, name)
    if arr.ndim == 0:
        v = arr[()]
        if v is None or (isinstance(v, str) and not v.strip()):
            if default is REQUIRED:
                return arr, np.array(f"{name} is required (it is blank)", dtype=object)
            arr = to_object_array(default, name)
        elif type(v) is int:
            arr = np.array(float(v), dtype=object)
        return arr, None
    out = np.empty(arr.shape, dtype=object)
    errors = None
    for idx, v in np.ndenumerate(arr):
        if v is None or (isinstance(v, str) and not v.strip()):
            if default is REQUIRED:
                if errors is None:
                    errors = np.full(arr.shape, None, dtype=object)
                errors[idx] = f"{name} is required (it is blank)"
                v = None
            else:
                v = default
        elif type(v) is int:
            v = float(v)
        out[idx] = v
    return out, errors


def control_free(text: str, name: str) -> str:
    """`text` unless it holds a control character (a tab, a line break): spreadsheets disagree on
    them (Gnumeric's TRIM strips a tab, LibreOffice's keeps it), so a name with one is refused
    everywhere; the hand-off twin shows #N/A for it (CLEAN changes the text)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        shown = text.encode("unicode_escape").decode("ascii")
        raise FlopsheetError(
            f'{name} "{shown}" holds a control character (a tab or line break); type the name without it', arg=name
        )
    return text


def merge_errors(*errs: np.ndarray | None) -> np.ndarray | None:
    """First error per element, in argument order, over the broadcast shape."""
    present = [e for e in errs if e is not None]
    if not present:
        return None
    shape = np.broadcast_shapes(*(e.shape for e in present))
    out = np.full(shape, None, dtype=object)
    for e in present:
        e = np.broadcast_to(e, shape)
        empty = np.equal(out, None)
        out[empty] = e[empty]
    return out
