"""One UDF call as xlwings' classic `call_udf` makes it, without Excel or COM (a test helper).

`xlwings.udfs.call_udf` (0.37.8) does, per argument: a missing optional -> the function's
default (`arg_info["optional"]`); anything else -> `conversion.read(..., arg_info["options"])`
(for a range, the COM `raw_value`: a scalar for one cell, a tuple of row tuples otherwise);
then `conversion.write(result, None, ret_info["options"])`. The conversion pipeline is
xlwings' own; only its Windows engine (`xlwings/_xlwindows.py`, which needs pywin32) is
missing here, so the two engine functions the pipeline calls -- `clean_value_data` (blank ->
None, COM error code -> "#N/A" with err_to_str) and `prepare_xl_data_element` -- are taken
from that file's source with `ast` and run as written.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import numpy as np
import xlwings
from xlwings import conversion
from xlwings.main import Engine

# COM error codes as pywin32 hands them over for error cells (xlwings/_xlwindows.py: cell_errors).
NA = -2146826246
DIV0 = -2146826281
VALUE = -2146826273

MISSING = object()  # an omitted optional argument (VBA's "Missing")


def _xlwindows_engine_functions() -> dict:
    source = Path(xlwings.__file__).with_name("_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    keep = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "cell_errors" for t in node.targets):
            keep.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name == "_clean_value_data_element":
            keep.append(node)
        elif isinstance(node, ast.ClassDef) and node.name == "Engine":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name in ("clean_value_data", "prepare_xl_data_element"):
                    item.decorator_list = []
                    keep.append(item)
    namespace = {
        "time_types": (dt.date, dt.datetime),
        "np": np,
        "pd": None,
        "_com_time_to_datetime": lambda value, builder: value,
        "_datetime_to_com_time": lambda value: value,
    }
    exec(compile(ast.Module(body=keep, type_ignores=[]), "xlwings/_xlwindows.py (excerpt)", "exec"), namespace)
    missing = {"cell_errors", "_clean_value_data_element", "clean_value_data", "prepare_xl_data_element"} - set(
        namespace
    )
    assert not missing, f"xlwings/_xlwindows.py changed: {missing} not found"
    return namespace


class _ExcelEngineImpl:
    name = "excel"
    type = "desktop"

    def __init__(self):
        ns = _xlwindows_engine_functions()
        self.clean_value_data = staticmethod(ns["clean_value_data"]).__func__
        self.prepare_xl_data_element = staticmethod(ns["prepare_xl_data_element"]).__func__
        self.cell_errors = ns["cell_errors"]


def _ensure_engine() -> None:
    if "excel" not in xlwings.engines.engines_by_name:
        xlwings.engines.add(Engine(impl=_ExcelEngineImpl()))


def excel_value(value):
    """A Python value as COM would hand it for a range: lists -> tuples of tuples."""
    if isinstance(value, list):
        return tuple(excel_value(v) for v in value)
    return value


def excel_call(func, *args):
    """Call a UDF with arguments shaped as Excel passes them; return what Excel receives."""
    _ensure_engine()
    info = func.__xlfunc__
    arg_infos = info["args"]
    args = list(args) + [MISSING] * (len(arg_infos) - len(args))
    converted = []
    for arg, arg_info in zip(args, arg_infos):
        if arg is MISSING:
            converted.append(arg_info.get("optional", None))
        else:
            converted.append(conversion.read(None, excel_value(arg), arg_info["options"]))
    result = func(*converted)
    return conversion.write(result, None, info["ret"]["options"])
