"""Microsoft's Open XML SDK validator (DocumentFormat.OpenXml) in the tests, plus the rules Excel
enforces and the SDK does not (tools/packagecheck.py).

LibreOffice and Gnumeric open workbooks that make Excel say "We found a problem with some
content"; the Open XML SDK is Microsoft's reference validator for the ECMA-376 schemas. It needs
no NuGet: the PyPI wheel ``python-redlines-ooxmlpowertools`` ships a self-contained .NET 8
runtime with DocumentFormat.OpenXml 2.8.1, which ``pythonnet`` loads in-process through
clr_loader's hostfxr (initialised from the bundled app, since a self-contained runtime cannot be
initialised from a runtimeconfig alone). The runtime is extracted once into a cache directory and
loaded once per process.

    validate(path) -> list[str]   one line per problem: "<part> <xpath>: <description> [<id>]"
    assert_valid(path)            fails the test with every problem listed

If the runtime cannot load, the calling test is skipped on a developer machine and FAILS under
CI=true, so a CI image without it cannot pass unnoticed.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from tools.packagecheck import check_package

WHEEL = "python_redlines_ooxmlpowertools"
# The SDK version in the wheel (its redlines.deps.json) knows these schema versions; validate
# against the newest so Office 2010/2013 extensions (x14 data validations, x14ac) are understood.
FILE_FORMAT = "Office2013"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# --- the one finding we ignore ---------------------------------------------------------------
# openpyxl writes a <font>'s children in its own order (b, i, ..., color, sz, name). ECMA-376
# Part 1 §18.8.22 declares CT_Font as <xsd:choice maxOccurs="unbounded">, so any order is valid
# and Excel opens it; the SDK's 2.8.1 schema treats it as a sequence and reports the first
# out-of-order child. Ignore exactly that finding: that error id, in xl/styles.xml, on a font
# element, naming a legal font child. Since the SDK stops at the first error in that element,
# _font_problems() checks those fonts itself (legal children, none twice).
FONT_CHILDREN = frozenset(
    "b i strike condense extend outline shadow u vertAlign sz color name family charset scheme".split()
)
_FONT_XPATH = re.compile(r"/x:font\[\d+\]$")
_UNEXPECTED_CHILD = re.compile(r"^The element has unexpected child element '" + re.escape(MAIN_NS) + r":(\w+)'\.$")


def is_font_order_finding(part: str, xpath: str, error_id: str, description: str) -> bool:
    child = _UNEXPECTED_CHILD.match(description)
    return (
        error_id == "Sch_UnexpectedElementContentExpectingComplex"
        and part == "/xl/styles.xml"
        and bool(_FONT_XPATH.search(xpath))
        and child is not None
        and child.group(1) in FONT_CHILDREN
    )


def _font_problems(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        if "xl/styles.xml" not in zf.namelist():
            return []
        root = ElementTree.fromstring(zf.read("xl/styles.xml"))
    problems = []
    for n, font in enumerate(root.iter(f"{{{MAIN_NS}}}font"), 1):
        names = [child.tag.rsplit("}", 1)[-1] for child in font]
        for name in sorted(set(names)):
            if name not in FONT_CHILDREN:
                problems.append(f"/xl/styles.xml font #{n}: <{name}> is not a font property")
            elif names.count(name) > 1:
                problems.append(f"/xl/styles.xml font #{n}: <{name}> appears {names.count(name)} times")
    return problems


# --- loading the runtime ---------------------------------------------------------------------


class ValidatorUnavailable(RuntimeError):
    pass


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def _cache_root() -> Path:
    if os.environ.get("FLOPSHEET_OOXML_CACHE"):
        return Path(os.environ["FLOPSHEET_OOXML_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "flopsheet-ooxml"


def _runtime_dir() -> Path:
    """The wheel's tarball extracted once; a finished extraction is renamed into place, so a
    crashed or concurrent run never leaves a half-extracted directory behind."""
    spec = importlib.util.find_spec(WHEEL)
    if spec is None or not spec.submodule_search_locations:
        raise ValidatorUnavailable(f"{WHEEL} is not installed (pip install -e '.[test]')")
    tarball = Path(list(spec.submodule_search_locations)[0]) / "_binaries" / "linux-x64.tar.gz"
    if not tarball.exists():
        raise ValidatorUnavailable(f"{tarball} missing: the .NET runtime wheel has no linux-x64 build here")
    stat = tarball.stat()
    target = _cache_root() / f"{stat.st_size}-{int(stat.st_mtime)}"
    if (target / "DocumentFormat.OpenXml.dll").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".extract-"))
    try:
        with tarfile.open(tarball) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, filter="data")
            else:  # pragma: no cover - Python without PEP 706
                tar.extractall(staging)
        try:
            staging.rename(target)
        except OSError:  # another process won the race
            if not (target / "DocumentFormat.OpenXml.dll").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


@functools.cache
def _sdk():
    """Load the runtime and the SDK once per process; returns (validator, SpreadsheetDocument)."""
    try:
        import clr_loader
        import pythonnet

        root = _runtime_dir()
        # Invariant globalization: validation needs no culture data, and a slim CI image may
        # lack the ICU libraries .NET otherwise refuses to start without.
        runtime = clr_loader.get_coreclr(
            entry_dll=root / "redlines.dll", dotnet_root=root, properties={"System.Globalization.Invariant": "true"}
        )
        pythonnet.set_runtime(runtime)
        import clr

        clr.AddReference(str(root / "DocumentFormat.OpenXml.dll"))
        from DocumentFormat.OpenXml import FileFormatVersions
        from DocumentFormat.OpenXml.Packaging import SpreadsheetDocument
        from DocumentFormat.OpenXml.Validation import OpenXmlValidator
    except ValidatorUnavailable:
        raise
    except Exception as exc:  # any load failure means "no validator here"
        raise ValidatorUnavailable(f"the Open XML SDK did not load: {type(exc).__name__}: {exc}") from exc
    validator = OpenXmlValidator(getattr(FileFormatVersions, FILE_FORMAT))
    return validator, SpreadsheetDocument


def sdk():
    """The loaded SDK, or skip the test (fail under CI=true)."""
    try:
        return _sdk()
    except ValidatorUnavailable as exc:
        if _in_ci():
            pytest.fail(f"Open XML SDK validator unavailable under CI: {exc}", pytrace=False)
        pytest.skip(str(exc))


# --- the API -----------------------------------------------------------------------------------


def sdk_findings(path) -> list[tuple[str, str, str, str]]:
    """Every SDK finding as (part, xpath, error id, description), nothing filtered."""
    validator, SpreadsheetDocument = sdk()
    try:
        document = SpreadsheetDocument.Open(str(path), False)
    except Exception as exc:  # a .NET exception: the SDK cannot even open the package
        return [("(package)", "", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")]
    try:
        found = []
        for error in validator.Validate(document):
            part = str(error.Part.Uri) if error.Part is not None else "(package)"
            xpath = str(error.Path.XPath) if error.Path is not None else ""
            found.append((part, xpath, str(error.Id), str(error.Description)))
        return found
    finally:
        document.Close()


def validate(path) -> list[str]:
    """All problems with the workbook at `path`, one readable line each; [] when Excel opens it."""
    path = Path(path)
    problems = [
        f"{part} {xpath}: {description} [{error_id}]"
        for part, xpath, error_id, description in sdk_findings(path)
        if not is_font_order_finding(part, xpath, error_id, description)
    ]
    return problems + _font_problems(path) + check_package(path)


def assert_valid(path) -> None:
    problems = validate(path)
    assert not problems, f"{Path(path).name}: {len(problems)} problem(s)\n" + "\n".join(problems)
