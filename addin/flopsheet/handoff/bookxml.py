"""Edits of the workbook part as text: its prefix (`x:`) and every byte the hand-off does not
change are kept (ECMA-376 Part 1, 18.2: CT_Workbook)."""

from __future__ import annotations

import html
import re

# Elements that follow <calcPr> in CT_Workbook (ECMA-376 Part 1, 18.2.27): a new calcPr goes
# before the first of them.
_AFTER_CALCPR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                 "fileRecoveryPr", "webPublishObjects", "extLst")


def full_calc(text: str, p: str) -> str:
    """Excel recomputes every twin on open: fullCalcOnLoad="1" on <calcPr>, added if missing."""
    m = re.search(r"<" + re.escape(p) + r"calcPr\b([^>]*?)(/?)>", text)
    if m:
        attrs = re.sub(r'\s*fullCalcOnLoad="[^"]*"', "", m.group(1))
        return text[:m.start()] + f'<{p}calcPr{attrs} fullCalcOnLoad="1"{m.group(2)}>' + text[m.end():]
    el = f'<{p}calcPr fullCalcOnLoad="1"/>'
    for tag in _AFTER_CALCPR:
        n = re.search(r"<" + re.escape(p) + tag + r"\b", text)
        if n:
            return text[:n.start()] + el + text[n.start():]
    end = text.rindex(f"</{p}workbook>")
    return text[:end] + el + text[end:]


def points_into(formula: str, sheets: set) -> bool:
    from flopsheet.exceltext import sheet_prefix

    return any(sheet_prefix(s) in formula or f"{s}!" in formula for s in sheets)


def xml_attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unxml(s: str) -> str:
    return html.unescape(s)


def fresh_id(taken: set, stem: str) -> str:
    n = len(taken) + 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"
