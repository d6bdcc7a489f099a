"""`flopsheet lite DIR`: the xlwings Lite face, for Excel on Windows, macOS and the web.

xlwings Lite (the "xlwings" add-in from Excel's add-in store) runs Python in the browser through
Pyodide. A workbook's custom functions are the decorated functions of its `main.py`; its packages
are the lines of its `requirements.txt`, which micropip installs (pure-Python wheels from PyPI,
compiled ones such as numpy from Pyodide's own builds). This module writes both files:

- `main.py`: every function of the registry as a Lite custom function, generated from the same
  declarations as `udfs.py` (names, optional arguments and their defaults, help texts), calling
  the same `excel_io.call`, so a cell shows the same number or the same one-line error in both;
- `requirements.txt`: one line installing flopsheet (a release, or a wheel URL).

`workbook/lite/` holds a copy written by `python -m tools.regenerate`; a test keeps it current.

Why a `main.py` to paste rather than a plugin: Lite's documentation (its Plugins page) says a
package listed in `requirements.txt` can register its functions itself, but not how Lite tells
such a package from any other. xlwings' own source (0.37.8 and its public repository) has no
plugin loader or entry-point look-up: it is in the add-in's runtime, which is not public, so a
flopsheet plugin could not be built or checked here.

What Lite does with arguments and results (xlwings' `pro/udfs_officejs.py` and
`pro/_xlofficejs.py`; the tests mirror these rules in tests/udfs/lite_sim.py and pin them to
that source): every parameter is declared as a matrix of any value; a one-cell matrix arrives as
its value, a blank cell or an omitted optional argument as null, which becomes the parameter's
Python default (None for a required one); inside a range a blank is None; an error cell is an
error object, which `err_to_str=True` turns into its text ("#N/A") as in the classic face. The
result always goes back as a matrix ([[x]] for one value); lists of rows spill.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from pathlib import Path

from flopsheet.functions import REGISTRY, Function
from flopsheet.functions.declaration import excel_required

HELP = "write main.py and requirements.txt for xlwings Lite (Excel on Windows, macOS and the web)"

HEADER = '''"""flopsheet's functions for xlwings Lite: paste this file into the xlwings Lite editor's main.py.

GENERATED from flopsheet {version}'s registry by `flopsheet lite` (flopsheet/lite.py); regenerate it
rather than editing it. The workbook's requirements.txt must install the same flopsheet version.

Each function hands its arguments to flopsheet's `excel_io.call`, as the Windows add-in does, so a
cell shows the same number, range or one-line error in both. Every argument is read with
`ndim=2` (a range is a list of rows, a row stays a row and a column a column; one cell stays the
value itself) and `err_to_str=True` (an error cell such as #N/A arrives as its text and is
reported by name instead of being taken for a blank, which would mean the default).
"""

from xlwings import arg, func, ret  # noqa: F401 - ret: no function needs result options

from flopsheet import excel_io
from flopsheet.functions import REGISTRY

ARG_OPTIONS = {{"ndim": 2, "err_to_str": True}}
'''

MAIN = "main.py"
REQUIREMENTS = "requirements.txt"


def _check_name(fn: Function, name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{fn.name}: {name!r} cannot be a Python name")


def decorated_def(fn: Function, func: str, arg: str) -> str:
    """One decorated `def` that hands its arguments to `excel_io.call`, as both faces write it
    (tools/udfs_source.py for the classic one): `func` the function decorator line, `arg` the callable
    of one argument decorator per argument (its help text), each optional argument's Python
    default, the summary as docstring (Excel's description of the function)."""
    for n in (fn.name, *(a.name for a in fn.args)):
        _check_name(fn, n)
    lines = ["", "", func]
    lines += [f"@{arg}({a.name!r}, doc={a.doc!r}, **ARG_OPTIONS)" for a in fn.args]
    required = excel_required(fn)  # an argument a shorter form does without (KV_CACHE_GB's head_dim): blank
    params = [
        f"{a.name}={a.default!r}" if a.optional else a.name if i < required else f"{a.name}=None"
        for i, a in enumerate(fn.args)
    ]
    names = [a.name for a in fn.args]
    packed = ", ".join(names) + ("," if len(names) == 1 else "")
    lines.append(f"def {fn.name}({', '.join(params)}):")
    safe = '"' not in fn.summary and "\\" not in fn.summary
    lines.append(f'    """{fn.summary}"""' if safe else f"    {fn.summary!r}")
    lines.append(f"    return excel_io.call(REGISTRY[{fn.name!r}], ({packed}))")
    return "\n".join(lines) + "\n"


def function_source(fn: Function) -> str:
    """One Lite custom function: `@func`, then one `@arg` per argument."""
    return decorated_def(fn, "@func", "arg")


def main_source() -> str:
    """The whole text of the Lite `main.py`."""
    from flopsheet import __version__

    return HEADER.format(version=__version__) + "".join(function_source(fn) for fn in REGISTRY.values())


def default_requirement() -> str:
    """flopsheet's release on PyPI, pinned to this version (main.py is generated from it)."""
    from flopsheet import __version__

    return f"flopsheet=={__version__}"


_NAME_SPEC = re.compile(r"flopsheet(\[[A-Za-z0-9_,-]+\])?\s*(==|~=|>=)\s*[0-9][0-9A-Za-z.+!-]*")
_WHEEL_URL = re.compile(r"https://\S+/flopsheet-[^/\s]+-py3-none-any\.whl")


def requirements_text(requirement: str | None = None) -> str:
    """requirements.txt: one line installing flopsheet. micropip resolves its dependencies (numpy
    from Pyodide's build; the rest pure Python or Pyodide builds; xlwings is Lite's own)."""
    from flopsheet.errors import FlopsheetError

    line = (requirement or default_requirement()).strip()
    if not (_NAME_SPEC.fullmatch(line) or _WHEEL_URL.fullmatch(line)):
        raise FlopsheetError(
            f"--requirement must be flopsheet==VERSION or an https:// URL of a flopsheet "
            f"...-py3-none-any.whl wheel (got {line!r})",
            arg="requirement",
        )
    return line + "\n"


def write(directory: Path, requirement: str | None = None, force: bool = False) -> list[Path]:
    """Write main.py and requirements.txt into `directory` (created if missing)."""
    from flopsheet.safefile import check_output, write_text

    requirements = requirements_text(requirement)
    directory = Path(directory)
    paths = [directory / MAIN, directory / REQUIREMENTS]
    directory.mkdir(parents=True, exist_ok=True)
    for path in paths:  # both refused before either is written
        check_output(path, force=force)
    write_text(paths[0], main_source(), force=force)
    write_text(paths[1], requirements, force=force)
    return paths


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "lite",
        help=HELP,
        description=HELP + ". Paste main.py into the xlwings Lite "
        "editor's main.py and requirements.txt into its requirements.txt, then restart "
        "xlwings Lite.",
    )
    p.add_argument("directory", help="folder to write main.py and requirements.txt into")
    p.add_argument(
        "--requirement",
        help=f"the line that installs flopsheet (default: {default_requirement()}); "
        "e.g. an https:// URL of a wheel whose server allows cross-origin "
        "downloads",
    )
    p.add_argument("--force", action="store_true", help="overwrite main.py and requirements.txt if they exist")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    for path in write(Path(args.directory), args.requirement, force=args.force):
        print(path)
    return 0


def main(argv=None) -> int:
    """`python -m flopsheet.lite DIR`: the subcommand alone (an error: one line, exit 1)."""
    from flopsheet.errors import FlopsheetError

    parser = argparse.ArgumentParser(prog="python -m flopsheet.lite")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["lite", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.run(args)
    except FlopsheetError as e:
        print(f"flopsheet lite: {e.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
