"""What a workbook contains that a copy might lose: counted in the input and in the copy.

The hand-off copies every part it does not need to change byte for byte, so only the parts it
rewrites (sheets with flopsheet calls, the workbook part, relationships, content types, styles)
or removes (the VBA project, the xlwings.conf sheet) could lose anything. As a safety net, the
kinds of content in those parts are counted in the input and in the copy, and every kind whose
count went down (other than what the hand-off drops on purpose) is named before the copy is
moved into place. The counts come from part names and a byte scan of the XML (the package was
already vetted by `untrusted.check_workbook`, so sizes are bounded).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

# Kinds whose loss is intended: the hand-off copy is macro-free and add-in-free.
INTENDED = {"VBA project", "xlwings.conf sheet"}

# Part-name patterns: each matching part counts one.
_PARTS = (
    ("VBA project", re.compile(r"xl/vbaProject\.bin$")),
    ("chart", re.compile(r"xl/charts/chart\d*\.xml$")),
    ("chart of a new type (chartEx)", re.compile(r"xl/charts/chartEx\d*\.xml$")),
    ("chart sheet", re.compile(r"xl/chartsheets/sheet\d*\.xml$")),
    ("table", re.compile(r"xl/tables/table\d*\.xml$")),
    ("pivot table", re.compile(r"xl/pivotTables/pivotTable\d*\.xml$")),
    ("form control", re.compile(r"xl/ctrlProps/.*\.xml$")),
    ("ActiveX control", re.compile(r"xl/activeX/activeX\d*\.xml$")),
    ("embedded object", re.compile(r"xl/embeddings/")),
    ("slicer", re.compile(r"xl/slicers/.*\.xml$")),
    ("timeline", re.compile(r"xl/timelines/.*\.xml$")),
    ("custom XML part", re.compile(r"customXml/item\d*\.xml$")),
    ("data connection", re.compile(r"xl/connections\.xml$")),
    ("query table", re.compile(r"xl/queryTables/.*\.xml$")),
    ("external link", re.compile(r"xl/externalLinks/externalLink\d*\.xml$")),
    ("picture in a cell", re.compile(r"xl/richData/")),
)

# Element patterns counted inside parts of one family.
_ELEMENTS = (
    (re.compile(r"xl/worksheets/[^/]*\.xml$"), re.compile(
        rb"<(?:\w+:)?(dataValidation|conditionalFormatting|hyperlink|sparklineGroup)[\s>/]")),
    (re.compile(r"xl/drawings/[^/]*\.xml$"), re.compile(rb"<(?:\w+:)?(pic|sp|cxnSp|grpSp)[\s>]")),
    (re.compile(r"xl/(?:comments\d*|comments/comment\d*)\.xml$"), re.compile(rb"<(comment)[\s>]")),
    (re.compile(r"xl/threadedComments/.*\.xml$"), re.compile(rb"<(threadedComment)[\s>]")),
    (re.compile(r"xl/workbook\.xml$"), re.compile(rb"<(definedName|sheet)[\s>]")),
)
_LABELS = {
    b"dataValidation": "data validation", b"conditionalFormatting": "conditional format",
    b"hyperlink": "hyperlink", b"sparklineGroup": "sparkline group", b"pic": "image",
    b"sp": "shape or text box", b"cxnSp": "connector shape", b"grpSp": "group of shapes",
    b"comment": "comment", b"threadedComment": "threaded comment", b"definedName": "defined name",
    b"sheet": "sheet",
}


def inventory(path, parts=None) -> Counter:
    """How many of each kind of content the workbook package holds (in `parts` only, if given:
    the hand-off counts what it rewrote or removed; every other part is carried byte for byte)."""
    counts: Counter = Counter()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if parts is not None and name not in parts:
                continue
            for label, pattern in _PARTS:
                if pattern.search(name):
                    counts[label] += 1
            for family, elements in _ELEMENTS:
                if family.search(name):
                    for m in _elements(zf, name, elements):
                        counts[_LABELS[m.group(1)]] += 1
    return counts


def _elements(zf: zipfile.ZipFile, name: str, elements: re.Pattern):
    """The element matches of one part, read in chunks cut just before a "<" (a rewritten
    sheet can be hundreds of megabytes: it is never held whole)."""
    rest = b""
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(1 << 20)
            data = rest + chunk
            cut = len(data) if not chunk else data.rfind(b"<")
            if cut > 0:
                yield from elements.finditer(data, 0, cut)
                rest = data[cut:]
            else:
                rest = data
            if not chunk:
                return


def _plural(n: int, label: str) -> str:
    return f"{n} {label}" + ("" if n == 1 else ("es" if label.endswith(("x", "ch")) else "s"))


def losses(before: Counter, after: Counter, expected: Counter | None = None) -> list[str]:
    """Kinds whose count dropped, as "2 images", leaving out what the hand-off drops on purpose
    (`expected` counts those: the xlwings.conf sheet, names pointing into it)."""
    expected = expected or Counter()
    out = []
    for label, n in sorted(before.items()):
        lost = n - after.get(label, 0) - expected.get(label, 0)
        if lost > 0 and label not in INTENDED:
            out.append(_plural(lost, label))
    return out
