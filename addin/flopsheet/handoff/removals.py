"""What the copy leaves out: the xlwings settings sheet, the VBA project, a stale calcChain."""

from __future__ import annotations

import re

from openpyxl.utils import FORMULAE

from flopsheet.exceltext import a1
from flopsheet.functions import REGISTRY
from flopsheet.handoff import sheetxml
from flopsheet.handoff.package import rels_part


CONF_SHEETS = ("xlwings.conf", "_xlwings.conf")


def plan_removals(job) -> None:
    pkg, rep = job.pkg, job.report
    job.conf = [s for s in pkg.sheets if s.name in CONF_SHEETS]
    for s in job.conf:
        rep.notes.append(f'removed the "{s.name}" sheet (xlwings settings)')
        job.expected["sheet"] += 1
        if s.part:
            job.removed |= {s.part, rels_part(s.part)}
    for r in pkg.rels:
        if r.type == "vbaProject" and not r.external:
            job.removed |= {r.target, rels_part(r.target)}
    sig = re.compile(r"(^|/)vbaProject(Signature\w*)?\.bin$", re.I)
    job.removed |= {n for n in pkg.names if sig.search(n)}
    job.removed &= pkg.names
    job.vba_removed = any(sig.search(n) for n in job.removed)
    if job.vba_removed:
        rep.notes.append("removed the VBA project (the hand-off copy has no macros)")


def drop_calc_chain(job) -> None:
    """Formulas changed: Excel's calculation chain lists formula cells and a stale one makes
    Excel repair the file, so it goes (Excel rebuilds it). A copy without changed formulas
    keeps it, with the workbook's relationships and content types untouched."""
    for r in job.pkg.rels:
        if r.type == "calcChain" and not r.external and r.target in job.pkg.names:
            job.removed.add(r.target)


# -- what the removals cost, said by cell ------------------------------------------------------
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>/]*>([^<]+)<")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_FUNCTION = re.compile(r"(?<![A-Za-z0-9_.\]!])((?:_xlfn\.|_xlws\.|_xludf\.|_xll\.)?[A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_CONF_REF = re.compile(r"'?_?xlwings\.conf'?!", re.I)
_SHOWN = 5


def _unknown_functions(text: str) -> set[str]:
    """Functions a formula calls that are neither Excel's (openpyxl's list, or the _xlfn. prefix
    Excel writes before newer ones) nor flopsheet's: a macro's or another add-in's."""
    out = set()
    for name in _FUNCTION.findall(_STRING.sub('""', text)):
        upper = name.upper()
        if upper.startswith(("_XLFN.", "_XLWS.")):
            continue
        bare = upper.removeprefix("_XLUDF.").removeprefix("_XLL.")
        if bare in FORMULAE or bare in REGISTRY:
            continue
        out.add(name)
    return out


def report_losses(job) -> None:
    """Warn, naming the cells, of what the copy passes on unworkable: formulas calling the
    workbook's own VBA functions (removed with the VBA project: #NAME?), references to the
    removed xlwings.conf sheet (#REF!), and DDE links (carried as they are, never run here)."""
    vba = getattr(job, "vba_removed", False)
    conf = bool(job.conf)
    found: dict[str, list[str]] = {"vba": [], "conf": [], "dde": []}
    names: set[str] = set()
    for s in job.pkg.worksheets:
        if s.name in CONF_SHEETS:
            continue
        data = job.zf.read(s.part)
        texts = b"\n".join(_FORMULA_TEXT.findall(data)).decode("utf-8", "replace")
        if not texts or not (b"|" in data or (conf and "xlwings.conf" in texts.lower())
                             or (vba and _unknown_functions(sheetxml.text(texts.encode())))):
            continue
        pat = sheetxml.pattern_of(data)
        for cell in sheetxml.formula_cells(data, pat):
            m = pat.f.search(cell.inner or b"")
            if m is None or not m.group(2):
                continue
            text = sheetxml.text(m.group(2))
            where = f"{s.name}!{a1(cell.c, cell.r)}"
            bare = _STRING.sub('""', text)
            if "|" in bare:
                found["dde"].append(where)
            if conf and _CONF_REF.search(bare):
                found["conf"].append(where)
            if vba:
                unknown = _unknown_functions(text)
                if unknown:
                    found["vba"].append(where)
                    names |= unknown
    for name, _, body in job.pkg.names_xml:
        bare = _STRING.sub('""', body)
        if conf and _CONF_REF.search(bare):
            found["conf"].append(f"defined name {name}")
        if vba and _unknown_functions(body):
            found["vba"].append(f"defined name {name}")
            names |= _unknown_functions(body)

    def cells(where: list[str]) -> str:
        more = f" and {len(where) - _SHOWN} more" if len(where) > _SHOWN else ""
        return ", ".join(where[:_SHOWN]) + more

    rep = job.report
    if found["vba"]:
        rep.warnings.append(
            f"{len(found['vba'])} formulas call {', '.join(sorted(names)[:5])}, which are not Excel's functions "
            f"(the workbook's own VBA, which the copy cannot hold): they show #NAME? in the copy: "
            f"{cells(found['vba'])}")
    if found["conf"]:
        rep.warnings.append(f"{len(found['conf'])} formulas refer to the xlwings.conf sheet, which the copy "
                            f"leaves out: they show #REF! there: {cells(found['conf'])}")
    if found["dde"]:
        rep.warnings.append(f"{len(found['dde'])} formulas hold DDE links (App|Topic!Item), passed on as they are: "
                            f"Excel asks before running them, LibreOffice and Gnumeric do not run them: "
                            f"{cells(found['dde'])}")
