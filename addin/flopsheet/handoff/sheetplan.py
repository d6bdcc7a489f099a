"""One worksheet part's changes: cells replaced or added, rendered into new bytes, and how each
changed cell is rendered (a translated formula, a frozen constant, a cell an array result
spills into, a formula whose cached value --recalc replaces).

The hand-off plans each change as a function of the old cell element (and, with --recalc, of
the values LibreOffice computed), then renders the part once: cells whose byte ranges were
found while scanning are spliced directly; otherwise rows are walked (handoff.sheetxml).
"""

from __future__ import annotations

import zlib
from array import array

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


class FormulaStore:
    """The new <f> elements of one sheet, kept deflated: a twin is hundreds of bytes and a
    sheet can have hundreds of thousands, nearly alike (1 GB at 100k rows would be 300 MB
    as bytes objects; deflated, a few MB). Formulas are read back in the order they were
    added (the order cells are spliced in) by streaming the deflated text once per render;
    any other order inflates the whole store once."""

    def __init__(self):
        self._z = zlib.compressobj(1)
        self._chunks: list[bytes] = []
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._lengths = array("q")
        self._sealed = False
        self._whole: bytes | None = None
        self._offsets: array | None = None
        self.rewind()

    def add(self, f: bytes) -> int:
        if self._sealed:  # added after a render: keep the store simple, inflate it whole
            self._unseal()
        self._pending.append(f)  # deflated in batches: one zlib call per ~256 KB, not per cell
        self._pending_size += len(f)
        if self._pending_size >= 1 << 18:
            self._deflate()
        self._lengths.append(len(f))
        return len(self._lengths) - 1

    def _deflate(self) -> None:
        self._chunks.append(self._z.compress(b"".join(self._pending)))
        self._pending, self._pending_size = [], 0

    def _seal(self) -> None:
        if not self._sealed:
            self._deflate()
            self._chunks.append(self._z.flush(zlib.Z_SYNC_FLUSH))
            self._sealed = True

    def _unseal(self) -> None:
        data = self._all()
        self._z = zlib.compressobj(1)
        self._chunks, self._pending, self._pending_size = [self._z.compress(data)], [], 0
        self._sealed, self._whole, self._offsets = False, None, None
        self.rewind()

    def _all(self) -> bytes:
        self._seal()
        if self._whole is None:
            self._whole = zlib.decompressobj().decompress(b"".join(self._chunks))
            self._offsets = array("q", [0])
            for n in self._lengths:
                self._offsets.append(self._offsets[-1] + n)
        return self._whole

    def rewind(self) -> None:
        """Start reading from the first formula again (each render reads them all once)."""
        self._next, self._d, self._buf, self._pos, self._chunk_at = 0, None, b"", 0, 0

    def get(self, i: int) -> bytes:
        self._seal()
        if self._whole is not None or i != self._next:
            whole = self._all()
            return whole[self._offsets[i]:self._offsets[i + 1]]
        if self._d is None:
            self._d = zlib.decompressobj()
        need = self._lengths[i]
        while len(self._buf) - self._pos < need:  # inflate about a megabyte at a time
            if self._d.unconsumed_tail:
                more = self._d.decompress(self._d.unconsumed_tail, 1 << 20)
            elif self._chunk_at < len(self._chunks):
                more = self._d.decompress(self._chunks[self._chunk_at], 1 << 20)
                self._chunk_at += 1
            else:
                break
            self._buf, self._pos = self._buf[self._pos:] + more, 0
        out = self._buf[self._pos:self._pos + need]
        self._pos += need
        self._next = i + 1
        return out


class _Render:
    """A planned cell: called with the old Cell (None when the part has none) and the values
    LibreOffice computed (None without --recalc). A slotted object, not a closure: a sheet
    plans one per changed cell, so each costs a few pointers (about 80 bytes, not 500)."""

    __slots__ = ("plan", "r", "c")

    def __init__(self, plan: SheetPlan, r: int, c: int):
        self.plan, self.r, self.c = plan, r, c


class _Formula(_Render):
    __slots__ = ("f", "keep_cm")

    def __call__(self, old, values):
        plan, r, c = self.plan, self.r, self.c
        pat = plan.pat
        a = dict(old.attrs) if old is not None else {}
        if not self.keep_cm:
            a.pop(b"cm", None)
        ok, v = computed(values, plan.title, r, c)
        if ok:
            t, content = value_xml(pat, v, True)
        else:  # the add-in's cached value: the twin computes the same; Excel recomputes on load
            t = a.get(b"t")
            m = pat.v.search(old.inner or b"") if old is not None else None
            content = m.group(0) if m else b""
            if t == b"inlineStr":
                t, content = None, b""
        return cell_xml(pat, r, c, a, plan.formulas.get(self.f), t, content)


class _Spilled(_Render):
    __slots__ = ()

    def __call__(self, old, values):
        plan, r, c = self.plan, self.r, self.c
        a = dict(old.attrs) if old is not None else {}
        ok, v = computed(values, plan.title, r, c)
        if not ok and old is not None:
            return None  # keep what the cell holds until LibreOffice says otherwise
        t, content = value_xml(plan.pat, v, True) if ok else (None, b"")
        return cell_xml(plan.pat, r, c, a, None, t, content)


class _Constant(_Render):
    __slots__ = ("value",)

    def __call__(self, old, values):
        a = dict(old.attrs) if old is not None else {}
        a.pop(b"cm", None)
        a.pop(b"vm", None)
        t, content = value_xml(self.plan.pat, self.value, False)
        return cell_xml(self.plan.pat, self.r, self.c, a, None, t, content)


class _Revalued(_Render):
    __slots__ = ("f",)

    def __call__(self, old, values):
        ok, v = computed(values, self.plan.title, old.r, old.c)
        if not ok:
            return None
        t, content = value_xml(self.plan.pat, v, True)
        return cell_xml(self.plan.pat, old.r, old.c, old.attrs, self.f, t, content)


def formula(plan: SheetPlan, r0: int, c0: int, f: bytes, keep_cm: bool) -> _Formula:
    """A translated formula cell: the new <f>, the old attributes, and the cached value (the
    add-in's, or with --recalc LibreOffice's)."""
    out = _Formula(plan, r0, c0)
    out.f, out.keep_cm = plan.formulas.add(f), keep_cm  # f: an index into the sheet's FormulaStore
    return out


def spilled(plan: SheetPlan, r: int, c: int) -> None:
    """A cell an array formula covers: only its cached value is written."""
    plan.replace[(r, c)] = _Spilled(plan, r, c)


def constant(plan: SheetPlan, r: int, c: int, value) -> None:
    """A call frozen to its value: a constant cell (no formula, no array metadata)."""
    out = _Constant(plan, r, c)
    out.value = value
    plan.replace[(r, c)] = out


def revalued(plan: SheetPlan, f: bytes) -> _Revalued:
    """--recalc: a formula cell the hand-off left as it was, with LibreOffice's value cached."""
    out = _Revalued(plan, 0, 0)
    out.f = f
    return out


def spill(job, plan: SheetPlan, r0: int, c0: int, shape) -> str | None:
    """The range a result of `shape` spills into when those cells are free, else None."""
    if not shape or shape == (1, 1):
        return None
    rows, cols = shape
    if r0 + rows - 1 > 1_048_576 or c0 + cols - 1 > 16_384 or rows * cols > 100_000:
        return None
    cells = job.book[plan.title]._cells
    for r in range(r0, r0 + rows):
        for c in range(c0, c0 + cols):
            got = cells.get((r, c))
            if (r, c) != (r0, c0) and got is not None and got.value is not None:
                return None
            if (r, c) != (r0, c0) and (r, c) in plan.replace:
                return None
    return f"{a1(c0, r0)}:{a1(c0 + cols - 1, r0 + rows - 1)}"


def revalue_all(job) -> None:
    """--recalc: every formula cell's cached value (and every cell an array formula covers)
    will be LibreOffice's, so viewers that never recalculate show the copy's numbers. Only
    `<v>` and `t` change in cells the hand-off did not translate."""
    for s in job.pkg.worksheets:
        if s.part in job.removed:
            continue
        data = job.read_sheet(s.part)
        pat = sheetxml.pattern_of(data)
        if pat.has_f not in data:
            continue
        plan = job.plan(s.part, s.name, data)
        for cell in sheetxml.all_cells(data, pat):
            if not cell.inner or pat.has_f not in cell.inner or (cell.r, cell.c) in plan.replace:
                continue
            m = pat.f.search(cell.inner)
            if m is None:
                continue
            fa = sheetxml.attrs(m.group(1))
            plan.replace[(cell.r, cell.c)] = revalued(plan, m.group(0))
            if fa.get(b"t") == b"array" and fa.get(b"ref"):
                c1, r1, c2, r2 = bounds(fa[b"ref"].decode())
                if (r2 - r1 + 1) * (c2 - c1 + 1) <= 100_000:
                    for r in range(r1, r2 + 1):
                        for c in range(c1, c2 + 1):
                            if (r, c) not in plan.replace:
                                spilled(plan, r, c)


def bounds(ref: str) -> tuple[int, int, int, int]:
    """"C2:D9" -> (min_col, min_row, max_col, max_row)."""
    ends = ref.replace("$", "").split(":")
    r1, c1 = sheetxml.split_ref(ends[0])
    r2, c2 = sheetxml.split_ref(ends[-1])
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)
