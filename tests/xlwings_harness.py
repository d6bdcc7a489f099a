"""Run xlwings' *classic* UDF machinery (``xlwings/udfs.py``) on Linux, in tests.

On Linux ``import xlwings.udfs`` fails (it imports ``pythoncom``, ``pywintypes`` and
``win32com.client`` at module level) and ``xlwings.func/arg/ret`` are no-op
decorators, so ``@xw.func`` leaves no ``__xlfunc__`` metadata behind.  This helper

* stubs the four win32 modules with just what ``xlwings.udfs`` touches at import
  time (and what ``import_udfs`` touches when driven with a fake workbook),
* points ``xlwings.func/arg/ret/sub/script`` at the real ``xlfunc/xlarg/xlret/xlsub``
  (process-wide: modules imported afterwards get real metadata),
* renders the VBA that Excel's "Import Functions" (``ImportPythonUDFs``) would put
  into the workbook, and the ``Application.MacroOptions`` calls that carry the
  function/argument descriptions and the category.

Nothing here talks to Excel; nothing depends on xlwings PRO or a license key.
"""

from __future__ import annotations

import importlib
import io
import re
import sys
import types
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "real_xlwings",
    "import_with_real_decorators",
    "vba_for",
    "vba_functions",
    "import_udfs_dry_run",
    "DryRunImport",
]

_UDFS = None


class _StubComError(Exception):
    """Stand-in for ``pywintypes.com_error`` (xlwings catches it by name)."""


def _stub_win32_modules() -> None:
    """Install minimal ``pythoncom``/``pywintypes``/``win32com(.client)`` stubs.

    Real modules (Windows with pywin32) are left alone.
    """
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
            continue  # the real thing is installed
        except ImportError:
            pass
        mod = types.ModuleType(name)
        mod.__dict__["__xlwings_harness_stub__"] = True
        if name == "pythoncom":
            # udfs.py: ThreadPoolExecutor(initializer=pythoncom.CoInitialize)
            mod.CoInitialize = lambda *a, **k: None
            mod.CoUninitialize = lambda *a, **k: None
            mod.IID_IDispatch = "{00020400-0000-0000-C000-000000000046}"
            mod.CoMarshalInterThreadInterfaceInStream = _not_on_linux
            mod.CoGetInterfaceAndReleaseStream = _not_on_linux
        elif name == "pywintypes":
            mod.com_error = _StubComError
            mod.error = _StubComError
            mod.IID = lambda s: s
            mod.TimeType = type("TimeType", (), {})
        elif name == "win32com":
            mod.__path__ = []  # make it a package so "win32com.client" resolves
        elif name == "win32com.client":
            mod.Dispatch = _not_on_linux
        sys.modules[name] = mod
        if name == "win32com.client":
            sys.modules["win32com"].client = mod


def _not_on_linux(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("COM is not available (xlwings_harness stub)")


def real_xlwings() -> types.ModuleType:
    """Import ``xlwings.udfs`` with stubbed win32 modules and make the public
    decorators real.  Returns the ``xlwings.udfs`` module.  Idempotent."""
    global _UDFS
    if _UDFS is None:
        _stub_win32_modules()
        import xlwings
        import xlwings.udfs as udfs

        xlwings.func = udfs.xlfunc
        xlwings.arg = udfs.xlarg
        xlwings.ret = udfs.xlret
        xlwings.sub = udfs.xlsub  # deprecated alias; absent on Linux otherwise
        xlwings.script = udfs.xlsub
        _UDFS = udfs
    return _UDFS


def import_with_real_decorators(module_name: str) -> types.ModuleType:
    """(Re-)import ``module_name`` so its ``@xw.func/arg/ret`` are the real ones."""
    real_xlwings()
    sys.modules.pop(module_name, None)
    importlib.invalidate_caches()
    return importlib.import_module(module_name)


class _FakeWorkbook:
    """What ``generate_vba_wrapper`` reads of the workbook: only ``.Name``
    (``.xlam`` -> ``ActiveWorkbook``, anything else -> ``ThisWorkbook``)."""

    def __init__(self, name: str) -> None:
        self.Name = name


def vba_for(
    module: types.ModuleType,
    module_name: str | None = None,
    workbook_name: str = "flopsheet.xlsm",
) -> str:
    """The VBA that ``xlwings.udfs.generate_vba_wrapper(module_name, module, f,
    xl_workbook)`` writes for ``module`` (no module header; see
    :func:`import_udfs_dry_run` for the complete ``xlwings_udfs`` module)."""
    udfs = real_xlwings()
    buf = io.StringIO()
    udfs.generate_vba_wrapper(module_name or module.__name__, module, buf, _FakeWorkbook(workbook_name))
    return buf.getvalue()


_DECL_RE = re.compile(r"^\s*(?:Public\s+|Private\s+)?(Function|Sub)\s+(\w+)\((.*)\)\s*$")


def vba_functions(vba: str, kinds: tuple[str, ...] = ("Function",)) -> dict[str, list[str]]:
    """``{name: [arg declarations]}`` from ``Function NAME(...)`` lines.

    Declarations are kept verbatim (``"x"``, ``"Optional scale"``,
    ``"ParamArray args()"``).  VBA line continuations (``" _"``, which
    ``VBAWriter`` emits past 1024 chars) are joined first.
    """
    joined = re.sub(r" _\r?\n", "", vba)
    out: dict[str, list[str]] = {}
    for line in joined.splitlines():
        m = _DECL_RE.match(line)
        if not m or m.group(1) not in kinds:
            continue
        params = m.group(3).strip()
        out[m.group(2)] = [p.strip() for p in params.split(",")] if params else []
    return out


@dataclass
class DryRunImport:
    """What ``xlwings.udfs.import_udfs`` would do to a workbook."""

    vba: str  # the whole .bas file given to VBProject.VBComponents.Import
    macro_options: list[dict[str, Any]] = field(default_factory=list)

    def options_for(self, func_name: str) -> dict[str, Any]:
        for call in self.macro_options:
            if call["macro"].endswith("!" + func_name):
                return call
        raise KeyError(func_name)


class _Recorder:
    def __init__(self, workbook_name: str, excel_version: str) -> None:
        self.imported: list[str] = []
        self.macro_options: list[dict[str, Any]] = []
        rec = self
        com_error = sys.modules["pywintypes"].com_error

        class _Components:
            def __call__(self, name):  # VBComponents("xlwings_udfs")
                raise com_error("no such component")

            def Remove(self, component):
                pass

            def Import(self, path):
                with open(path, encoding=None) as fh:
                    rec.imported.append(fh.read())

        class _Application:
            Version = excel_version

            def MacroOptions(self, macro, **kwargs):
                rec.macro_options.append({"macro": macro, **kwargs})

            def Run(self, *args):
                raise AssertionError("Application.Run fallback should not be needed")

        self.workbook = types.SimpleNamespace(
            Name=workbook_name,
            VBProject=types.SimpleNamespace(VBComponents=_Components()),
            Application=_Application(),
        )


def import_udfs_dry_run(
    module: types.ModuleType,
    module_name: str | None = None,
    workbook_name: str = "flopsheet.xlsm",
    excel_version: str = "16.0",
) -> DryRunImport:
    """Drive the real ``xlwings.udfs.import_udfs`` against a fake workbook.

    Captures the full ``xlwings_udfs`` VBA module text and every
    ``Application.MacroOptions`` call (Description = docstring, Category,
    ArgumentDescriptions = ``@xw.arg(doc=...)``), which is where xlwings puts the
    help texts -- they are *not* in the VBA.
    """
    udfs = real_xlwings()
    name = module_name or module.__name__
    previous = udfs.udf_modules.get(name)
    # Pre-seed xlwings' module cache so get_udf_module() does not try to open the
    # workbook over COM (embedded-code lookup); filetime None = never reloaded.
    udfs.udf_modules[name] = {"filename": getattr(module, "__file__", None), "filetime": None, "module": module}
    rec = _Recorder(workbook_name, excel_version)
    try:
        udfs.import_udfs(name, rec.workbook)
    finally:
        if previous is None:
            udfs.udf_modules.pop(name, None)
        else:
            udfs.udf_modules[name] = previous
    assert len(rec.imported) == 1, rec.imported
    return DryRunImport(vba=rec.imported[0], macro_options=rec.macro_options)
