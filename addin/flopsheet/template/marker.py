"""The mark a workbook written by `flopsheet template` carries: custom document properties
(docProps/custom.xml, File > Info > Properties > Advanced > Custom in Excel), its language, its
edition and the flopsheet that wrote it, named in flopsheet.editions, where the hand-off reads them
(flopsheet.handoff.copytext) to know that a workbook's text cells came from the template, in which
language, and so which of them to give the copy's wording; a workbook without them is a user's own
and keeps its text. Text is never guessed from."""

from __future__ import annotations

from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook import Workbook

import flopsheet
from flopsheet.editions import EDITION, EDITIONS, TEMPLATE, VERSION


def mark(wb: Workbook, lang: str, audience: str) -> None:
    """Set the three properties (replacing any the base workbook had)."""
    props = wb.custom_doc_props
    for name, value in ((TEMPLATE, lang), (EDITION, EDITIONS[audience]), (VERSION, flopsheet.__version__)):
        if name in props.names:
            del props[name]
        props.append(StringProperty(name=name, value=value))
