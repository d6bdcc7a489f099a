"""One worksheet part's changes: cells replaced or added, rendered into new bytes.

The hand-off plans each change as a function of the old cell element (and, with --recalc, of
the values LibreOffice computed), then renders the part once: cells whose byte ranges were
found while scanning are spliced directly; otherwise rows are walked (handoff.sheetxml).
"""

from __future__ import annotations

from flopsheet.exceltext import ErrorValue, a1
from flopsheet.handoff import comments, sheetxml


def value_xml(pat, value, formula: bool) -> tuple[bytes | None, bytes]:
    """(t attribute or None, content) for a value: a formula's cached value, or a constant
    (text as an inline string, so it is never read as a formula and the shared strings stay)."""
    v, tag = pat.tag("v"), pat.tag
    if value is None:  # a formula's empty text result ("") is cached as an empty string
        return (b"str", b"<" + v + b"></" + v + b">") if formula else (None, b"")
    if isinstance(value, ErrorValue):
        return b"e", b"<" + v + b">" + sheetxml.escape_formula(str(value)) + b"</" + v + b">"
    if isinstance(value, bool):
        return b"b", b"<" + v + b">" + (b"1" if value else b"0") + b"</" + v + b">"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        x = float(value)
        if x != x or x in (float("inf"), float("-inf")):
            return b"e", b"<" + v + b">#NUM!</" + v + b">"
        return None, b"<" + v + b">" + repr(x).encode() + b"</" + v + b">"
    s = str(value)
    if formula:
        return b"str", b"<" + v + b">" + sheetxml.escape(s) + b"</" + v + b">"
    space = b' xml:space="preserve"' if s != s.strip() or "\n" in s else b""
    return b"inlineStr", (b"<" + tag("is") + b"><" + tag("t") + space + b">" + sheetxml.escape(s)
                          + b"</" + tag("t") + b"></" + tag("is") + b">")


def cell_xml(pat, r: int, c: int, attrs: dict, f: bytes | None, t: bytes | None, content: bytes) -> bytes:
    """A <c> element: the old attributes (style, metadata) kept, r and t set."""
    out = [b"<" + pat.tag("c"), b' r="' + a1(c, r).encode() + b'"']
    for k, v in attrs.items():
        if k not in (b"r", b"t"):
            out.append(b" " + k + b'="' + v + b'"')
    if t:
        out.append(b' t="' + t + b'"')
    out.append(b">")
    if f is not None:
        out.append(f)
    out.append(content)
    out.append(b"</" + pat.tag("c") + b">")
    return b"".join(out)


class SheetPlan:
    """What changes in one worksheet part: cells replaced and cells added, each rendered from
    the old element and, with --recalc, the value LibreOffice computed."""

    def __init__(self, title: str, part: str, data: bytes):
        self.title, self.part, self.data = title, part, data
        self.pat = sheetxml.pattern_of(data)
        self.replace: dict = {}  # (r, c) -> fn(old Cell, values) -> bytes
        self.insert: dict = {}  # (r, c) -> fn(values) -> bytes
        self.hide: tuple | None = None  # columns to hide (c1, c2)
        self.notes: dict = {}  # (r, c) -> comment text (frozen cells)
        self.known: dict = {}  # (r, c) -> where the cell's element starts in `data` (an int, not a Cell)
        self.legacy_rid: str | None = None  # the comments' VML drawing, when added
        from flopsheet.handoff.cellplans import FormulaStore  # cellplans renders through plans

        self.formulas = FormulaStore()  # the translated cells' new <f> elements, deflated

    def streamable(self) -> bool:
        """Whether `pieces` gives the whole new part: every change is a known byte range and
        nothing edits the part outside sheetData (hidden columns, a legacy drawing)."""
        return not self.insert and not self.hide and not self.legacy_rid and all(k in self.known for k in self.replace)

    def render(self, values=None) -> bytes:
        if not self.insert and all(k in self.known for k in self.replace):
            data = b"".join(self.pieces(values))  # every change is a known byte range: no row walk
        else:
            data = self._rewrite(values)
        if self.hide:
            hidden = sheetxml.hide_columns(data, self.pat, *self.hide)
            if hidden is not False:
                data = hidden
        if self.legacy_rid:
            data = comments.legacy_drawing(data, self.pat, self.legacy_rid)
        return data

    def pieces(self, values=None):
        """The new part as a sequence of byte strings (the old bytes between changed cells, and
        each changed cell), so a writer can stream it without joining a copy of the part."""
        data, cell_at, pos = self.data, self.pat.cell, 0
        self.formulas.rewind()
        for start, (r, c) in sorted((self.known[k], k) for k in self.replace):
            m = cell_at.match(data, start)
            new = self.replace[(r, c)](sheetxml.Cell(r, c, start, m.end(), m.group(1), m.group(2)), values)
            if new is None:
                continue
            yield data[pos:start]
            yield new
            pos = m.end()
        yield data[pos:]

    def _rewrite(self, values) -> bytes:
        self.formulas.rewind()
        replace = {k: (lambda cell, fn=fn: fn(cell, values)) for k, fn in self.replace.items()}
        insert = {k: fn(values) for k, fn in self.insert.items()}
        # cells planned but absent from the part (a spill into empty cells) are inserted
        absent = self._absent()
        insert.update({k: self.replace[k](None, values) for k in absent})
        data = sheetxml.rewrite(self.data, self.pat, replace, insert)
        if insert:
            data = sheetxml.widen_dimension(data, self.pat, max(r for r, _ in insert), max(c for _, c in insert))
        return data

    def _absent(self) -> set:
        """Planned cells that have no element in the part yet (computed once: the part's cells
        do not change between renders)."""
        if getattr(self, "_absent_keys", None) is None or self._absent_for != len(self.replace):
            unknown = [k for k in self.replace if k not in self.known]
            present = set()
            if unknown:
                for cell in sheetxml.all_cells(self.data, self.pat):
                    present.add((cell.r, cell.c))
            self._absent_keys = {k for k in unknown if k not in present}
            self._absent_for = len(self.replace)
        return self._absent_keys


def computed(values, title, r, c):
    """(True, value) when LibreOffice computed this cell, else (False, None)."""
    if values is None or title not in values:
        return False, None
    return True, values[title].get(r, c)
