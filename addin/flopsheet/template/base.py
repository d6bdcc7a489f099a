"""The macro-enabled base workbook: xlwings' ``quickstart_standalone.xlsm``.

That file ships inside the installed xlwings package (it is what ``xlwings
quickstart --standalone`` copies).  Its VBA project already holds the ``xlwings``
VBA module (with ``ImportPythonUDFs``), so the workbook needs no add-in.  We load
it with openpyxl ``keep_vba=True`` -- which carries ``xl/vbaProject.bin`` over byte
for byte -- and only touch worksheet cells: the config sheet becomes an *active*
``xlwings.conf`` sheet pointing ``UDF Modules`` at ``flopsheet.udfs``.

The template is never copied into the repository and never written to.
"""

from __future__ import annotations

import datetime
import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

__all__ = [
    "QUICKSTART_NAME",
    "CONF_SHEET",
    "INACTIVE_CONF_SHEET",
    "MACRO_ENABLED_MAIN",
    "quickstart_path",
    "load_base_workbook",
    "conf_settings",
    "vba_project_bytes",
]

QUICKSTART_NAME = "quickstart_standalone.xlsm"
# xlwings.bas: PROJECT_NAME = "xlwings"; SheetExists(ThisWorkbook, PROJECT_NAME & ".conf")
CONF_SHEET = "xlwings.conf"
# The quickstart ships the sheet disabled: "Rename this sheet to "xlwings.conf" to
# activate it (remove the leading underscore)".
INACTIVE_CONF_SHEET = "_xlwings.conf"
MACRO_ENABLED_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_PROJECT_PART = "xl/vbaProject.bin"


def quickstart_path() -> Path:
    """``quickstart_standalone.xlsm`` inside the installed xlwings package."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("xlwings is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / QUICKSTART_NAME
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def conf_settings(udf_modules: str = "flopsheet.udfs") -> list[tuple[str, Any]]:
    """Rows of the active ``xlwings.conf`` sheet, top to bottom from A1.

    xlwings' VBA (``GetConfigFromSheet``) reads keys from A1 down to the last
    contiguous non-empty cell of column A (``Range("A1").End(xlDown)``),
    upper-cases them, and a key *present* on the sheet wins even if its value is
    blank.  So only keys we want to force are listed; everything else (notably
    ``Interpreter_Win``, ``PYTHONPATH``, ``Conda Path/Env``) is left out so it
    falls back to ``xlwings.conf`` next to the workbook, then
    ``%USERPROFILE%\\.xlwings\\xlwings.conf``, then the default: ``pythonw`` found
    on PATH (the DLL ``xlwings64-<ver>.dll`` pip installs next to python.exe must
    then be on the DLL search path; for a venv set ``Interpreter_Win``).
    """
    return [
        ("UDF Modules", udf_modules),
        ("Debug UDFs", False),
        ("Use UDF Server", False),
        ("Show Console", False),
    ]


_NOTE = (
    "flopsheet: xlwings reads the settings above from A1 down to the first blank "
    "cell in column A. Delete a row to fall back to an xlwings.conf file "
    "(next to this workbook, then ~/.xlwings/xlwings.conf)."
)


def load_base_workbook(udf_modules: str = "flopsheet.udfs") -> openpyxl.Workbook:
    """The quickstart workbook, VBA intact, with an active ``xlwings.conf`` sheet.

    * ``keep_vba=True``: ``xl/vbaProject.bin`` is re-emitted unchanged and the
      workbook keeps the macro-enabled main content type; save it as ``.xlsm``.
    * ``_xlwings.conf`` is renamed ``xlwings.conf`` and rewritten from
      :func:`conf_settings`.
    * Demo sheet cells are cleared (the sheets themselves are kept: their code
      names ``Sheet1``/``Sheet2`` are document modules of the VBA project).
    """
    wb = openpyxl.load_workbook(quickstart_path(), keep_vba=True)

    if CONF_SHEET in wb.sheetnames:
        conf = wb[CONF_SHEET]
    elif INACTIVE_CONF_SHEET in wb.sheetnames:
        conf = wb[INACTIVE_CONF_SHEET]
        conf.title = CONF_SHEET
    else:
        conf = wb.create_sheet(CONF_SHEET)

    for ws in wb.worksheets:
        if ws is conf:
            continue
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None

    if conf.max_row:
        conf.delete_rows(1, conf.max_row)
    settings = conf_settings(udf_modules)
    for r, (key, value) in enumerate(settings, start=1):
        conf.cell(row=r, column=1, value=key)
        conf.cell(row=r, column=2, value=value)
    conf.cell(row=len(settings) + 2, column=1, value=_NOTE)
    _own_core_properties(wb)
    return wb


def _own_core_properties(wb: openpyxl.Workbook) -> None:
    """The workbook's core properties (File > Info in Excel) are flopsheet's, not the quickstart file's, whose author
    ("Felix") and creation date (2015) are xlwings' own. Created is now; openpyxl sets modified when it saves."""
    props = wb.properties
    props.creator = props.lastModifiedBy = "flopsheet"
    props.title = "flopsheet: AI compute estimates"
    props.created = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


def vba_project_bytes(path: str | Path) -> bytes:
    """Raw ``xl/vbaProject.bin`` of a saved ``.xlsm``."""
    with zipfile.ZipFile(path) as zf:
        return zf.read(VBA_PROJECT_PART)
