"""What the copy leaves out: the xlwings settings sheet, the VBA project, a stale calcChain."""

from __future__ import annotations

import re

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
    if any(sig.search(n) for n in job.removed):
        rep.notes.append("removed the VBA project (the hand-off copy has no macros)")


def drop_calc_chain(job) -> None:
    """Formulas changed: Excel's calculation chain lists formula cells and a stale one makes
    Excel repair the file, so it goes (Excel rebuilds it). A copy without changed formulas
    keeps it, with the workbook's relationships and content types untouched."""
    for r in job.pkg.rels:
        if r.type == "calcChain" and not r.external and r.target in job.pkg.names:
            job.removed.add(r.target)
