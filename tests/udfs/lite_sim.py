"""One custom-function call as xlwings Lite makes it, on plain CPython (a test helper).

Lite's Python side is xlwings' `pro/udfs_officejs.py` (the `func`/`arg`/`ret` decorators Lite's
`from xlwings import func` gives, `custom_functions_meta`, `custom_functions_call`) and
`pro/_xlofficejs.py` (the "officejs" conversion engine). They are under a noncommercial licence,
so nothing here imports or runs them: this module restates the rules they apply, and
`PINS`/`check_pins()` assert with `ast` that the installed files still contain the constructs
restated (as tests/udfs/udfs_excel_sim.py takes the classic rules from `_xlwindows.py`). The
conversion pipeline between the two is xlwings' open-source `conversion` package, used as is.

The rules (xlwings 0.37.8):
1. Declaration: `@func` records the function, its docstring as Excel's description, and per
   parameter its name, its Python default when it has one ("optional"), and options; `@arg`
   sets the parameter's `doc` and options (`ndim`, `err_to_str`). Excel is told every parameter
   is a matrix of any value, optional where Python has a default; the result a matrix of any.
2. What Office.js hands over, as Pyodide converts it: a matrix (list of rows) per argument, a
   literal or one cell included; null (a blank cell, an omitted optional argument) as None; a
   JS number that is a whole number as int (Pyodide's rule for safe integers), else float; an
   error cell as an error object {"type": "Error", "basicValue": "#N/A", ...}.
3. Per argument (`custom_functions_call`): `to_scalar` ([[x]] -> x; a one-row matrix -> the row);
   None -> the parameter's Python default (None when required); anything else ->
   `conversion.read(None, arg, options, engine_name="officejs")`.
4. The officejs engine reading cells: null or "" -> None; an error object -> its text with
   `err_to_str`, else None; any other object -> its "basicValue".
5. The result: `conversion.async_write(result, None, options, engine_name="officejs")` (always a
   matrix), each element prepared: None -> "", NaN -> a #NUM! error, a numpy number -> float,
   text starting with "#" that names an Excel error (#N/A, #VALUE!...) -> that error.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import math
import os
from pathlib import Path

import xlwings
from xlwings import conversion
from xlwings.main import Engine

MISSING = object()  # an omitted optional argument
ENGINE = "officejs"
RUNTIME = "1.4"  # custom functions runtime that returns errors as objects (Excel 365)
ERROR_TYPES = {
    "#DIV/0!": "Div0",
    "#N/A": "NotAvailable",
    "#NAME?": "Name",
    "#NULL!": "Null",
    "#NUM!": "Num",
    "#REF!": "Ref",
    "#VALUE!": "Value",
}


def error_cell(text: str) -> dict:
    """An error cell as Office.js hands it to a custom function (rule 2)."""
    return {"type": "Error", "basicValue": text, "errorType": ERROR_TYPES[text]}


# -- rule 1: the decorators ------------------------------------------------------------------------
def _declared(f):
    if not hasattr(f, "__xlfunc__"):
        sig = inspect.signature(f)
        args = []
        for pos, p in enumerate(sig.parameters.values()):
            if p.kind is not p.POSITIONAL_OR_KEYWORD:
                raise TypeError(f"{f.__name__}: Lite declares positional parameters only ({p.name})")
            info = {"name": p.name, "pos": pos, "doc": f"Positional argument {pos + 1}", "options": {}}
            if p.default is not p.empty:
                info["optional"] = p.default
            args.append(info)
        f.__xlfunc__ = {
            "name": f.__name__,
            "args": args,
            "argmap": {a["name"]: a for a in args},
            "ret": {"doc": f.__doc__ if f.__doc__ is not None else f"Python function '{f.__name__}'", "options": {}},
        }
    return f


def func(f=None, **kwargs):
    def inner(f):
        _declared(f).__xlfunc__.update(
            volatile=bool(kwargs.get("volatile", False)),
            namespace=kwargs.get("namespace"),
            help_url=kwargs.get("help_url"),
        )
        return f

    return inner if f is None else inner(f)


def arg(name, convert=None, **kwargs):
    if convert is not None:
        kwargs["convert"] = convert

    def inner(f):
        info = _declared(f).__xlfunc__["argmap"].get(name.lstrip("*"))
        if info is None:
            raise Exception(f"Invalid argument name '{name}'.")
        if "doc" in kwargs:
            info["doc"] = kwargs.pop("doc")
        info["options"].update(kwargs)
        return f

    return inner


def ret(convert=None, **kwargs):
    if convert is not None:
        kwargs["convert"] = convert

    def inner(f):
        _declared(f).__xlfunc__["ret"]["options"].update(kwargs)
        return f

    return inner


def meta(module) -> list[dict]:
    """What Lite tells Excel about a module's functions (the parts custom_functions_meta sets)."""
    out = []
    for _, obj in inspect.getmembers(module):
        info = getattr(obj, "__xlfunc__", None)
        if info is None:
            continue
        params = [
            {
                "name": a["name"],
                "description": a["doc"],
                "dimensionality": "matrix",
                "type": "any",
                **({"optional": True} if "optional" in a else {}),
            }
            for a in info["args"]
        ]
        out.append(
            {
                "id": info["name"].upper(),
                "name": info["name"].upper(),
                "description": info["ret"]["doc"],
                "parameters": params,
                "result": {"dimensionality": "matrix", "type": "any"},
            }
        )
    return out


# -- rules 2 and 4: values from Office.js, cleaned by the officejs engine ------------------------
def from_office_js(value):
    """A Python test value as it reaches Lite's Python: a matrix, whole numbers as int."""
    if value is MISSING or value is None:
        return None
    if isinstance(value, list):
        return [[_pyodide_number(c) for c in row] if isinstance(row, list) else [_pyodide_number(row)] for row in value]
    return [[_pyodide_number(value)]]


def _pyodide_number(v):
    if isinstance(v, float) and math.isfinite(v) and v.is_integer() and abs(v) <= 2**53 - 1:
        return int(v)
    return v


def _clean_element(value, empty_as, err_to_str):
    if value is None or value == "":
        return empty_as
    if isinstance(value, dict):
        if value["type"] == "Error":
            return value["basicValue"] if err_to_str else None
        return value["basicValue"]
    return value


def _prepare_element(x, options):
    import numpy as np

    if x is None:
        return ""
    if isinstance(x, (float, np.floating)) and math.isnan(x):
        return {"type": "Error", "errorType": "Num"}
    if isinstance(x, np.number):
        return float(x)
    if isinstance(x, str) and x.startswith("#") and x in ERROR_TYPES:
        return {"type": "Error", "errorType": ERROR_TYPES[x]}
    return x


class _OfficeJsEngineImpl:
    name = ENGINE
    type = "remote"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        return [[_clean_element(c, empty_as, err_to_str) for c in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x, options):
        return _prepare_element(x, options)


def _ensure_engine() -> None:
    engine = xlwings.engines.engines_by_name.get(ENGINE)
    if engine is None:
        xlwings.engines.add(Engine(impl=_OfficeJsEngineImpl()))
    elif not isinstance(engine.impl, _OfficeJsEngineImpl):
        raise RuntimeError("an 'officejs' engine other than this emulation is registered (xlwings' pro one?)")


# -- rule 3 and 5: the call ------------------------------------------------------------------------
def to_scalar(value):
    if isinstance(value, (list, tuple)) and len(value) == 1:
        only = value[0]
        return only[0] if isinstance(only, (list, tuple)) and len(only) == 1 else only
    return value


def converted_args(f, *cells) -> list:
    """The Python arguments Lite calls `f` with, for cells as a test writes them."""
    _ensure_engine()
    infos = f.__xlfunc__["args"]
    cells = list(cells) + [MISSING] * (len(infos) - len(cells))
    out = []
    for cell, info in zip(cells, infos):
        value = to_scalar(from_office_js(cell))
        if value is None:
            out.append(info.get("optional", None))
        else:
            out.append(conversion.read(None, value, info["options"], engine_name=ENGINE))
    return out


_LOOP: list = []  # one event loop for every write (a new one per call would cost more than the call)


def write(result, f) -> list:
    """The matrix Lite hands back to Excel for a function's result."""
    _ensure_engine()
    options = {**f.__xlfunc__["ret"]["options"], "date_format": None, "runtime": RUNTIME}
    if not _LOOP:
        _LOOP.append(asyncio.new_event_loop())
    return _LOOP[0].run_until_complete(conversion.async_write(result, None, options, engine_name=ENGINE))


def lite_call(f, *cells):
    """Call a Lite custom function as Excel would; return (Python result, matrix Excel receives)."""
    result = f(*converted_args(f, *cells))
    return result, write(result, f)


# -- the pins: constructs of xlwings' pro files this module restates -----------------------------
PINS = {
    # file: {function: [statements or expressions that must occur in it, as ast.unparse writes them]}
    "pro/udfs_officejs.py": {
        "xlfunc": [
            "arg_info['optional'] = sig['defaults'][var_pos - num_required_args]",
            "f.__doc__ if f.__doc__ is not None else f\"Python function '{f.__name__}'\"",
        ],
        "xlarg": ["xla['doc'] = kwargs.pop('doc')", "xla['options'].update(kwargs)"],
        "to_scalar": [
            "isinstance(arg[0], (list, tuple)) and len(arg[0]) == 1",
            "arg = arg[0][0]",
            "arg = arg[0]",
            "js_to_none(arg)",
        ],
        "custom_functions_call": [
            "arg = to_scalar(arg)",
            "args[i] = arg_info.get('optional', None)",
            "args[i] = conversion.read(None, arg, arg_info['options'], engine_name='officejs')",
            "ret = func(*args, **kwargs)",
            "ret = await convert(ret, ret_info, data)",
        ],
        "convert": ["result = await conversion.async_write(result, None, options, engine_name='officejs')"],
        "custom_functions_meta": [
            "param['dimensionality'] = 'matrix'",
            "param['type'] = 'any'",
            "param['optional'] = True",
            "func['result'] = {'dimensionality': 'matrix', 'type': 'any'}",
            "func['description'] = xlfunc['ret']['doc']",
        ],
    },
    "pro/_xlofficejs.py": {
        "_clean_value_data_element": [
            "value == ''",
            "return empty_as",
            "value['type'] == 'Error'",
            "return value['basicValue']",
            "value = value['basicValue']",
        ],
        "prepare_xl_data_element": [
            "x is None",
            "return ''",
            "return errorstr_to_errortype('#NUM!', options['runtime'])",
            "return float(x)",
            "return errorstr_to_errortype(x, options['runtime'])",
        ],
        "errorstr_to_errortype": [
            "{'type': 'Error', 'errorType': error_type}",
            "error_to_type = {'#DIV/0!': 'Div0', '#N/A': 'NotAvailable', '#NAME?': 'Name', "
            "'#NULL!': 'Null', '#NUM!': 'Num', '#REF!': 'Ref', '#VALUE!': 'Value'}",
        ],
    },
    # Lite runs with XLWINGS_ON_SERVER=true: `from xlwings import func` is then Office.js's decorator
    "__init__.py": {None: ["from xlwings.server import arg, func, ret, script"]},
    "server.py": {
        None: [
            "from .pro.udfs_officejs import custom_functions_call, custom_functions_code, "
            "custom_functions_meta, custom_scripts_call, custom_scripts_meta, "
            "get_custom_function_namespace, is_injectable_typehint, register_injectable_typehint, "
            "script, sio_cancel_task, sio_connect, sio_custom_function_call, sio_disconnect, "
            "xlarg as arg, xlfunc as func, xlret as ret"
        ]
    },
}


def xlwings_dir() -> Path:
    return Path(xlwings.__file__).parent


def pro_available() -> bool:
    return (xlwings_dir() / "pro" / "udfs_officejs.py").is_file()


def _normal(snippet: str) -> str:
    return ast.unparse(ast.parse(snippet).body[0])


def check_pins(root: Path | None = None) -> list[str]:
    """What of PINS the installed xlwings (or the xlwings folder `root`) no longer has (empty: the
    emulation still mirrors it). Reads the files as text; never imports them."""
    missing = []
    for rel, functions in PINS.items():
        path = (root or xlwings_dir()) / rel
        if not path.is_file():
            missing.append(f"{rel}: file not found")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defs = {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for name, needles in functions.items():
            node = tree if name is None else defs.get(name)
            if node is None:
                missing.append(f"{rel}: {name}() not found")
                continue
            found = {ast.unparse(n) for n in ast.walk(node) if isinstance(n, (ast.stmt, ast.expr))}
            missing += [f"{rel}: {name or 'module'}: {needle!r}" for needle in needles if _normal(needle) not in found]
    return missing


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")
