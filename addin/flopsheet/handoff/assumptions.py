"""Named assumptions a hand-off copy defines when the user's workbook lacks them.

A twin's default points at a named assumption (DefaultMFU, SecondsPerDay...; template/assumptions.py,
the one list) instead of a typed 0.4 or 86400, so a reviewer reads what a number means and a
user changes it once. The template defines them on its Start sheet. A user's workbook that does
not gets them from the copy: one labelled input cell each, at the end of the Workings sheet's
list, and a workbook-wide defined name pointing there. A name the workbook already uses for
something else (any scope, another value) is left alone: the twin types the number instead.
"""

from __future__ import annotations

from flopsheet.handoff.bookxml import xml_attr, xml_text
from flopsheet.handoff import twins


def planned(existing: dict, defined: set[str]) -> twins.Names:
    """The names twins may use: the workbook's own (`existing`, name -> value) and, for names it
    does not define in any scope (`defined`, lower case), the add-in's defaults."""
    names = twins.Names(existing)
    for a in twins.assumption_names().values():
        if a.name.lower() not in defined:
            names[a.name] = a.value
    names.added = {n for n in names if n.lower() not in defined}  # type: ignore[attr-defined]
    return names


def define(job) -> None:
    """The planned names a twin used: an input cell each on the Workings sheet and a defined name."""
    names = getattr(job.tr, "names", None)
    if not isinstance(names, twins.Names) or job.workings is None:
        return
    wanted = sorted(names.used & getattr(names, "added", set()))
    if not wanted:
        return
    info = twins.assumption_names()
    for n in wanted:
        a = info[n]
        ref = job.workings.add_input(f"{n}: {a.label} (assumption: edit here; {a.source})", names[n],
                                     "named assumption")
        job.added_names.append((n, ref))
    job.report.notes.append("defined " + ", ".join(wanted) + " (named assumptions the formulas use for defaults) "
                            f'on the "{job.workings.title}" sheet')


def defined_names_xml(job, p: str) -> str:
    """The names the copy adds: (name, reference), or (name, reference, localSheetId) for a sheet's own
    (the Workings sheet's print area, handoff.workings.print_names)."""
    return "".join(f'<{p}definedName name="{xml_attr(n)}"' + "".join(f' localSheetId="{i}"' for i in local)
                   + f">{xml_text(ref)}</{p}definedName>" for n, ref, *local in job.added_names)
