"""Rules Excel enforces on a workbook package that the ECMA-376 schemas (and so Microsoft's Open
XML SDK validator) do not check. A workbook breaking one opens in LibreOffice but makes Excel
report "We found a problem with some content" and repair (drop) parts of it.

    check_package(path) -> list[str]    one line per problem, "<part>: <what is wrong>"; [] if none

The limits are Excel's documented "specifications and limits"
(https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3)
and its naming rules for sheets and defined names
(https://support.microsoft.com/office/rename-a-worksheet-3f1f7148-ee83-404d-8ef0-9ff99fbad1f9,
https://support.microsoft.com/office/names-in-formulas-fc2935f9-115d-4bef-a370-3aa8bb4c91f1);
the content types are ECMA-376 Part 2 (OPC) and [MS-OFFMACRO2] for .xlsm.

It reads only the package's XML (through defusedxml) and never loads the workbook into openpyxl,
so the hand-off can run it on what it writes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

from defusedxml import ElementTree

MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
MAX_DEFINED_NAME = 255
MAX_LIST_VALIDATION = 255  # characters of a data-validation list's formula1 (e.g. "a,b,c")
MAX_FORMULA = 8192  # characters of a formula
MAX_NESTING = 64  # levels of nested function calls

MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OFFICE_DOCUMENT = "/officeDocument"  # relationship type suffix (transitional and strict)

_MAX_COL, _MAX_ROW = 16384, 1048576
# A defined name starts with a letter, "_" or "\" and continues with letters, digits, "_", "." or
# "\"; Excel's letters are Unicode letters, hence \w minus digits for the first character.
_NAME = re.compile(r"[^\W\d]|[_\\]", re.UNICODE)
_NAME_REST = re.compile(r"[\w.\\]*", re.UNICODE)
_A1 = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_R1C1 = re.compile(r"[Rr][0-9]*([Cc][0-9]*)?|[Cc][0-9]*")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(root, name: str):
    return (el for el in root.iter() if _local(el.tag) == name)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def sheet_name_problem(name: str) -> str | None:
    """Why Excel refuses `name` as a sheet name, or None."""
    if not name.strip():
        return "a sheet name may not be blank"
    if len(name) > MAX_SHEET_NAME:
        return f"sheet name {name!r} has {len(name)} characters (Excel allows {MAX_SHEET_NAME})"
    bad = sorted(SHEET_NAME_FORBIDDEN & set(name))
    if bad:
        return f"sheet name {name!r} contains {' '.join(bad)} (Excel forbids [ ] : * ? / \\)"
    if name.startswith("'") or name.endswith("'"):
        return f"sheet name {name!r} begins or ends with an apostrophe"
    return None


def defined_name_problem(name: str) -> str | None:
    """Why Excel refuses `name` as a defined name, or None."""
    if not name:
        return "a defined name may not be blank"
    if len(name) > MAX_DEFINED_NAME:
        return f"defined name {name[:20]!r}... has {len(name)} characters (Excel allows {MAX_DEFINED_NAME})"
    if not (_NAME.match(name[0]) and _NAME_REST.fullmatch(name[1:])):
        return (
            f"defined name {name!r} is not a valid name (a letter, _ or \\ first, then letters,"
            " digits, _ . or \\; no spaces)"
        )
    cell = _A1.fullmatch(name)
    if cell and _column_number(cell.group(1)) <= _MAX_COL and 1 <= int(cell.group(2)) <= _MAX_ROW:
        return f"defined name {name!r} is a cell reference"
    if _R1C1.fullmatch(name):
        return f"defined name {name!r} is an R1C1 reference"
    return None


def nesting_depth(formula: str) -> int:
    """The deepest nesting of function calls in `formula`: parentheses that follow a function
    name, outside string literals ("...") and quoted sheet names ('...')."""
    depth = deepest = 0
    stack: list[bool] = []
    quote = None
    prev = ""
    for ch in formula:
        if quote:
            if ch == quote:
                quote = None  # a doubled quote re-opens at the next character: same result
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            call = prev.isalnum() or prev in "._"
            stack.append(call)
            depth += call
            deepest = max(deepest, depth)
        elif ch == ")" and stack:
            depth -= stack.pop()
        prev = ch
    return deepest


def formula_problem(formula: str) -> str | None:
    text = formula[1:] if formula.startswith("=") else formula
    if len(text) > MAX_FORMULA:
        return f"a formula has {len(text):,} characters (Excel allows {MAX_FORMULA:,})"
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        return f"a formula nests {depth} function calls (Excel allows {MAX_NESTING})"
    return None


class _Package:
    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.names = {n.lower(): n for n in zf.namelist()}

    def has(self, part: str) -> bool:
        return part.lstrip("/").lower() in self.names

    def xml(self, part: str):
        return ElementTree.fromstring(self.zf.read(self.names[part.lstrip("/").lower()]))

    def rels_parts(self):
        return [n for n in self.zf.namelist() if n.endswith(".rels")]


def _source_part(rels: str) -> str:
    """xl/_rels/workbook.xml.rels -> xl/workbook.xml; _rels/.rels -> "" (the package)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _resolve(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def _relationships(pkg: _Package) -> list[str]:
    problems = []
    for rels in pkg.rels_parts():
        source = _source_part(rels)
        for rel in _children(pkg.xml(rels), "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            if not target:
                problems.append(f"{rels}: relationship {rel.get('Id')} has no target")
                continue
            part = _resolve(source, target)
            if part.startswith("..") or not pkg.has(part):
                problems.append(
                    f"{rels}: relationship {rel.get('Id')} points to {target!r}, which is not in the package"
                )
    return problems


def _workbook_part(pkg: _Package) -> str | None:
    if not pkg.has("_rels/.rels"):
        return None
    for rel in _children(pkg.xml("_rels/.rels"), "Relationship"):
        if rel.get("Type", "").endswith(OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            return _resolve("", rel.get("Target", ""))
    return None


def _content_type(pkg: _Package, part: str) -> str | None:
    types = pkg.xml("[Content_Types].xml")
    for override in _children(types, "Override"):
        if override.get("PartName", "").lstrip("/").lower() == part.lower():
            return override.get("ContentType")
    ext = posixpath.splitext(part)[1].lstrip(".").lower()
    for default in _children(types, "Default"):
        if default.get("Extension", "").lower() == ext:
            return default.get("ContentType")
    return None


def _workbook_type(pkg: _Package, path: Path, workbook: str) -> list[str]:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm") or not pkg.has("[Content_Types].xml"):
        return []
    found = _content_type(pkg, workbook)
    want = MACRO_WORKBOOK if suffix == ".xlsm" else PLAIN_WORKBOOK
    if found != want:
        return [
            f"[Content_Types].xml: {workbook} is {found or 'untyped'}; a {suffix} file needs {want} "
            f"(Excel refuses a {suffix} whose workbook type does not match its extension)"
        ]
    return []


def _workbook_names(pkg: _Package, workbook: str) -> list[str]:
    root = pkg.xml(workbook)
    problems, seen = [], {}
    for sheet in _children(root, "sheet"):
        name = sheet.get("name", "")
        problem = sheet_name_problem(name)
        if problem:
            problems.append(f"{workbook}: {problem}")
        elif name.lower() in seen:
            problems.append(
                f"{workbook}: sheet names {seen[name.lower()]!r} and {name!r} are the same to Excel (case-insensitive)"
            )
        seen.setdefault(name.lower(), name)
    scoped = set()
    for defined in _children(root, "definedName"):
        name = defined.get("name", "")
        problem = defined_name_problem(name)
        key = (defined.get("localSheetId"), name.lower())
        if problem:
            problems.append(f"{workbook}: {problem}")
        elif key in scoped:
            problems.append(f"{workbook}: defined name {name!r} is defined twice in the same scope")
        scoped.add(key)
        problem = formula_problem(defined.text or "")
        if problem:
            problems.append(f"{workbook}: defined name {name!r}: {problem}")
    return problems


_FORMULA_TAGS = {"f", "formula", "formula1", "formula2"}


def _sheet_formulas(pkg: _Package, part: str) -> list[str]:
    problems = []
    root = pkg.xml(part)
    for el in root.iter():
        tag = _local(el.tag)
        if tag in _FORMULA_TAGS and el.text:
            problem = formula_problem(el.text)
            if problem:
                where = el.get("r") or ""
                problems.append(f"{part}: {problem}{' (' + where + ')' if where else ''}")
        if tag == "dataValidation" and el.get("type") == "list":
            # x14 validations (extLst) hold the formula in <x14:formula1><xm:f>.
            for formula1 in (c for c in el if _local(c.tag) == "formula1"):
                text = "".join(formula1.itertext())
                if len(text) >= 2 and text[0] == text[-1] == '"':
                    text = text[1:-1].replace('""', '"')  # Excel counts the list, not its quotes
                if len(text) > MAX_LIST_VALIDATION:
                    cells = el.get("sqref") or next((c.text for c in el if _local(c.tag) == "sqref"), "")
                    problems.append(
                        f"{part}: the list validation on {cells} has {len(text)} characters "
                        f"(Excel allows {MAX_LIST_VALIDATION})"
                    )
    return problems


def check_package(path) -> list[str]:
    """Every problem Excel would have with the package at `path` that the schemas do not catch."""
    path = Path(path)
    with zipfile.ZipFile(path) as zf:
        pkg = _Package(zf)
        problems = _relationships(pkg)
        workbook = _workbook_part(pkg)
        if workbook is None or not pkg.has(workbook):
            return problems + ["_rels/.rels: no workbook part (officeDocument relationship)"]
        problems += _workbook_type(pkg, path, workbook)
        problems += _workbook_names(pkg, workbook)
        for name in zf.namelist():
            if name.lower().startswith(("xl/worksheets/", "xl/chartsheets/")) and name.endswith(".xml"):
                problems += _sheet_formulas(pkg, name)
    return problems
