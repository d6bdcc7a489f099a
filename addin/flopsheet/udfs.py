"""The Excel face: every function of the registry as an xlwings classic UDF (`UDF Modules = flopsheet.udfs`).

Nothing here computes anything. Each function is generated from its `Function` in
`flopsheet.functions.REGISTRY`, so a function added there appears in Excel, in the docs and in
the tests without being written twice.

Why generated source (`exec`, as dataclasses and namedtuple do) rather than one `*args`
wrapper: xlwings writes the VBA declaration from `inspect.signature` of the function
(`xlwings.udfs.func_sig`: parameter names, and `Optional` for each parameter with a default),
and the Insert Function dialog shows those names. A real `def` gives real names, real
defaults, keyword calls from Python, and no per-call argument binding on the scalar fast path.

Registration is xlwings' classic decorators, applied as the stacked `@xw.func` / `@xw.arg`
lines would be. On Linux and macOS `xw.func`/`xw.arg` are no-ops, so this module imports
anywhere; on Windows (or under tests/xlwings_harness.py) they record the `__xlfunc__`
metadata that "Import Functions" turns into VBA and function-wizard help:
- `category="flopsheet"`: one category for all functions;
- docstring = `Function.summary` only: xlwings sends the WHOLE docstring (first 255 chars) as
  the wizard's description, and without one it would send "defined in '<local path>'";
- `@xw.arg(name, doc=Arg.doc, ndim=2, err_to_str=True)` for every argument (see ARG_OPTIONS).
No `xw.ret` options: a list of row lists is what Excel 365 spills natively, and
`expand="table"` (the pre-365 workaround) would rewrite the caller's formula asynchronously.
"""

from __future__ import annotations

import keyword

import xlwings as xw

from flopsheet import excel_io
from flopsheet.functions import REGISTRY, Function

CATEGORY = "flopsheet"

# How xlwings converts each argument before the call (conversion options of `@xw.arg`):
# ndim=2: every cell or range arrives as a list of row lists, so a row stays a row and a
#   column a column (the default squeezes both to the same flat list); one cell is [[x]],
#   which excel_io.single_cell unwraps so a one-cell call stays on the scalar fast path.
# err_to_str=True: an error cell (#N/A, #DIV/0!...) arrives as its text instead of None, so
#   it is reported as an error value rather than taken for a blank (= the default!).
ARG_OPTIONS = {"ndim": 2, "err_to_str": True}


def _define(fn: Function):
    """A module-level function `fn.name(<fn's arguments>)` that calls the registry through excel_io."""
    names = [a.name for a in fn.args]
    for n in (fn.name, *names):
        if not n.isidentifier() or keyword.iskeyword(n):
            raise ValueError(f"{fn.name}: {n!r} cannot be a Python parameter name")
    namespace = {"__name__": __name__, "_call": excel_io.call, "_FN": fn}
    params = []
    for i, a in enumerate(fn.args):
        if a.optional:
            namespace[f"_DEFAULT_{i}"] = a.default
            params.append(f"{a.name}=_DEFAULT_{i}")
        else:
            params.append(a.name)
    packed = "".join(f"{n}, " for n in names)
    source = f"def {fn.name}({', '.join(params)}):\n    return _call(_FN, ({packed}))\n"
    exec(compile(source, f"<flopsheet.udfs.{fn.name}>", "exec"), namespace)  # noqa: S102 - names checked above
    func = namespace[fn.name]
    func.__doc__ = fn.summary
    func.__qualname__ = fn.name
    return func


def _register(fn: Function):
    func = _define(fn)
    for a in reversed(fn.args):  # innermost decorator first, like stacked @xw.arg lines
        func = xw.arg(a.name, doc=a.doc, **ARG_OPTIONS)(func)
    return xw.func(category=CATEGORY)(func)


globals().update({name: _register(fn) for name, fn in REGISTRY.items()})

__all__ = list(REGISTRY)
