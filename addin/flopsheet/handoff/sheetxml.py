"""Worksheet XML as bytes: find rows and cells, and rewrite a few cells leaving every other byte.

A worksheet part can be hundreds of megabytes; the hand-off changes a handful of its cells. So
the part is never parsed into a tree and written back: rows and cells are located with regular
expressions over the bytes (the package already passed `untrusted.check_workbook`: no DTD, no
comments or CDATA unless expat proved the part well-formed, every cell reference bounded), and
the output is the input with the changed cells' byte ranges replaced and new cells spliced into
their rows. An element's namespace prefix (`<x:c>`) is taken from the part's root.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_CELL_R = re.compile(rb"(?<![\w:.-])r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
_ROW_R = re.compile(rb"(?<![\w:.-])r\s*=\s*[\"']([0-9]{1,7})[\"']")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ESCAPE_START = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # each "_" that would start an escape


class Pattern:
    """The element patterns of one part, for its namespace prefix ("" or "x:")."""

    def __init__(self, prefix: bytes):
        p = re.escape(prefix)
        self.prefix = prefix
        self.row = re.compile(rb"<" + p + rb"row\b([^>]*?)(?:/>|>(.*?)</" + p + rb"row>)", re.S)
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
        # the common case, r first (Excel, LibreOffice, openpyxl, XlsxWriter all write it so)
        self.cell_r = re.compile(rb"<" + p + rb"c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
        self.f = re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p + rb"f>)", re.S)
        self.v = re.compile(rb"<" + p + rb"v\s*(?:/>|>(.*?)</" + p + rb"v>)", re.S)
        self.is_ = re.compile(rb"<" + p + rb"is>(.*?)</" + p + rb"is>", re.S)
        self.t = re.compile(rb"<" + p + rb"t\b[^>]*?(?:/>|>(.*?)</" + p + rb"t>)", re.S)
        self.rph = re.compile(rb"<" + p + rb"rPh\b.*?</" + p + rb"rPh>", re.S)
        self.sheet_data = re.compile(rb"<" + p + rb"sheetData\b[^>]*?(/?)>")
        self.sheet_data_end = re.compile(rb"</" + p + rb"sheetData>")
        self.dimension = re.compile(rb"<" + p + rb"dimension\b[^>]*?ref=\"([^\"]*)\"[^>]*/>")
        self.cols = re.compile(rb"<" + p + rb"cols>(.*?)</" + p + rb"cols>", re.S)
        self.col = re.compile(rb"<" + p + rb"col\b([^>]*?)/>")
        self.has_f = b"<" + prefix + b"f"

    def tag(self, name: str) -> bytes:
        return self.prefix + name.encode()


def pattern_of(data: bytes) -> Pattern:
    m = _ROOT.search(data, 0, 4096) or _ROOT.search(data)
    prefix = (m.group(1) + b":") if m and m.group(1) else b""
    return Pattern(prefix)


def attrs(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(raw)}


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """"B7" -> (7, 2): (row, column)."""
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_number(m.group(1))


def text(raw: bytes | None) -> str:
    """Element text as a cell shows it: XML entities and Excel's _xHHHH_ escapes decoded."""
    if not raw:
        return ""
    if b"&" not in raw and b"_x" not in raw:
        return raw.decode("utf-8")
    s = html.unescape(raw.decode("utf-8"))
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def escape(s: str) -> bytes:
    """Text for an element (a cell's text or formula): XML-escaped; characters XML cannot hold
    written as Excel's _xHHHH_ escapes, and a literal `_xHHHH_` escaped itself (_x005F_), so
    `text(escape(s)) == s` (ECMA-376 Part 1, 22.9.2.19 ST_Xstring)."""
    s = _ESCAPE_START.sub("_x005F_", s) if "_x" in s else s
    s = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


_CONTROL_IN_FORMULA = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_formula(s: str) -> bytes:
    """A formula's text for <f>: as `escape`, except that a carriage return (a CR LF typed inside a
    string literal) is a character reference, &#13;. XML holds a CR only that way (a raw one is
    read as a line end, XML 1.0 section 2.11), and LibreOffice reads no _x000D_ escape in a
    formula, which would then show as text; Excel reads both."""
    s = _ESCAPE_START.sub("_x005F_", s) if "_x" in s else s
    s = _CONTROL_IN_FORMULA.sub(lambda m: f"_x{ord(m.group(0)):04X}_", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\r", "&#13;").encode("utf-8")


@dataclass
class Row:
    r: int
    start: int
    end: int
    inner: tuple[int, int] | None  # (start, end) of the content; None for <row/>


class Cell:
    """One <c> element: its position, its byte range in the part, its attributes (parsed when
    first asked for) and its content."""

    __slots__ = ("r", "c", "start", "end", "raw", "inner", "_attrs")

    def __init__(self, r, c, start, end, raw, inner, parsed=None):
        self.r, self.c, self.start, self.end, self.raw, self.inner = r, c, start, end, raw, inner
        self._attrs = parsed

    @property
    def attrs(self) -> dict:
        if self._attrs is None:
            self._attrs = attrs(self.raw)
        return self._attrs


_COLS: dict = {}


def _col(letters: bytes) -> int:
    n = _COLS.get(letters)
    if n is None:
        n = _COLS[letters] = col_number(letters.decode())
    return n


def sheet_data_span(data: bytes, pat: Pattern) -> tuple[int, int] | None:
    """(content start, content end) of <sheetData>; (x, x) when it is empty (<sheetData/>)."""
    m = pat.sheet_data.search(data)
    if m is None:
        return None
    if m.group(1):
        return m.start(), m.start()
    e = pat.sheet_data_end.search(data, m.end())
    return m.end(), e.start()


def rows(data: bytes, pat: Pattern):
    span = sheet_data_span(data, pat)
    if span is None or span[0] == span[1]:
        return
    r = 0
    for m in pat.row.finditer(data, span[0], span[1]):
        ref = _ROW_R.search(m.group(1))
        r = int(ref.group(1)) if ref else r + 1
        yield Row(r, m.start(), m.end(), None if m.group(2) is None else (m.start(2), m.end(2)))


def cells(data: bytes, row: Row, pat: Pattern):
    if row.inner is None:
        return
    c = 0
    for m in pat.cell.finditer(data, row.inner[0], row.inner[1]):
        ref = _CELL_R.search(m.group(1))
        if ref:
            r, c = int(ref.group(2)), _col(ref.group(1))
        else:
            r, c = row.r, c + 1
        yield Cell(r, c, m.start(), m.end(), m.group(1), m.group(2))


def all_cells(data: bytes, pat: Pattern):
    """Every cell of the sheet, in order. Cells that carry their reference first (r="B7") are
    read with one regular expression over the whole part; a part with any cell lacking it is
    read row by row (a cell without r sits after the previous one of its row)."""
    span = sheet_data_span(data, pat)
    if span is None or span[0] == span[1]:
        return
    count_all = data.count(b"<" + pat.tag("c") + b" ", span[0], span[1]) + data.count(
        b"<" + pat.tag("c") + b">", span[0], span[1]) + data.count(b"<" + pat.tag("c") + b"/>", span[0], span[1])
    with_r = data.count(b"<" + pat.tag("c") + b' r="', span[0], span[1])
    if count_all != with_r:
        for row in rows(data, pat):
            yield from cells(data, row, pat)
        return
    for m in pat.cell_r.finditer(data, span[0], span[1]):
        yield Cell(int(m.group(2)), _col(m.group(1)), m.start(), m.end(), m.group(3), m.group(4))


def rewrite(data: bytes, pat: Pattern, replace: dict, insert: dict) -> bytes:
    """`data` with each cell in `replace` ((row, col) -> new element bytes, or a function of the
    old Cell giving them; None keeps the cell) swapped in and each
    cell of `insert` (same form; cells that do not exist yet) added in row and column order."""
    if not replace and not insert:
        return data
    span = sheet_data_span(data, pat)
    if span is None:
        raise ValueError("worksheet without sheetData")
    pending_rows = sorted({r for r, _ in insert})
    by_row: dict[int, list] = {}
    for (r, c), xml in insert.items():
        by_row.setdefault(r, []).append((c, xml))
    wanted = {r for r, _ in replace} | set(by_row)
    out, pos, i = [], 0, 0

    def new_row(r):
        return (b"<" + pat.tag("row") + b' r="%d">' % r + b"".join(x for _, x in sorted(by_row[r]))
                + b"</" + pat.tag("row") + b">")

    if span[0] == span[1]:  # <sheetData/>: open it
        m = pat.sheet_data.search(data)
        body = b"".join(new_row(r) for r in pending_rows)
        return (data[:m.start()] + b"<" + pat.tag("sheetData") + b">" + body
                + b"</" + pat.tag("sheetData") + b">" + data[m.end():])
    for row in rows(data, pat):
        while i < len(pending_rows) and pending_rows[i] < row.r:
            out.append(data[pos:row.start])
            pos = row.start
            out.append(new_row(pending_rows[i]))
            i += 1
        if row.r not in wanted:
            continue
        adds = sorted(by_row.get(row.r, []))
        if i < len(pending_rows) and pending_rows[i] == row.r:
            i += 1
        if row.inner is None:  # <row .../>: give it content
            out.append(data[pos:row.start])
            head = data[row.start:row.end - 2].rstrip()
            out.append(head + b">" + b"".join(x for _, x in adds) + b"</" + pat.tag("row") + b">")
            pos = row.end
            continue
        j = 0
        for cell in cells(data, row, pat):
            while j < len(adds) and adds[j][0] < cell.c:
                out.append(data[pos:cell.start])
                pos = cell.start
                out.append(adds[j][1])
                j += 1
            new = replace.get((cell.r, cell.c))
            if callable(new):
                new = new(cell)
            if new is not None:
                out.append(data[pos:cell.start])
                out.append(new)
                pos = cell.end
        if j < len(adds):
            out.append(data[pos:row.inner[1]])
            pos = row.inner[1]
            out.extend(x for _, x in adds[j:])
    out.append(data[pos:span[1]])
    pos = span[1]
    out.extend(new_row(r) for r in pending_rows[i:])
    out.append(data[pos:])
    return b"".join(out)


def widen_dimension(data: bytes, pat: Pattern, r2: int, c2: int) -> bytes:
    """Make <dimension ref> cover (r2, c2) when cells were added beyond it."""
    m = pat.dimension.search(data)
    if m is None:
        return data
    ref = m.group(1).decode()
    ends = ref.split(":")
    try:
        first = split_ref(ends[0])
        last = split_ref(ends[-1])
    except ValueError:
        return data
    if last[0] >= r2 and last[1] >= c2:
        return data
    from flopsheet.exceltext import a1

    new = f"{a1(first[1], first[0])}:{a1(max(last[1], c2), max(last[0], r2))}".encode()
    return data[:m.start(1)] + new + data[m.end(1):]


def hide_columns(data: bytes, pat: Pattern, c1: int, c2: int) -> bool | bytes:
    """`data` with columns c1..c2 hidden (False when the part has no sheetData). A <col> range
    that covers some of them is split: the covered columns keep its width and style and gain
    hidden="1", the columns outside keep the range as it was; columns no <col> covers get a new
    hidden one. <col> ranges must not overlap and stay sorted by min (ECMA-376 Part 1, 18.3.1.13)."""
    m = pat.cols.search(data)
    if m is None:
        sd = pat.sheet_data.search(data)
        if sd is None:
            return False
        new = _col_el(pat, b' width="9.140625" customWidth="1"', c1, c2, True)
        return data[:sd.start()] + b"<" + pat.tag("cols") + b">" + new + b"</" + pat.tag("cols") + b">" + data[sd.start():]
    out, last, covered = [], 0, []
    for col in pat.col.finditer(data, m.start(1), m.end(1)):
        a = attrs(col.group(1))
        lo, hi = int(a.get(b"min", b"0")), int(a.get(b"max", b"0"))
        if not (lo <= c2 and hi >= c1):
            continue
        out.append(data[last:col.start()])
        if lo < c1:
            out.append(_col_el(pat, col.group(1), lo, c1 - 1, None))
        out.append(_col_el(pat, col.group(1), max(lo, c1), min(hi, c2), True))
        if hi > c2:
            out.append(_col_el(pat, col.group(1), c2 + 1, hi, None))
        covered.append((max(lo, c1), min(hi, c2)))
        last = col.end()
    out.append(data[last:])
    data = b"".join(out)
    gaps, at = [], c1
    for lo, hi in sorted(covered):
        if lo > at:
            gaps.append((at, lo - 1))
        at = max(at, hi + 1)
    if at <= c2:
        gaps.append((at, c2))
    for g1, g2 in gaps:
        m = pat.cols.search(data)
        pos = m.end(1)
        for col in pat.col.finditer(data, m.start(1), m.end(1)):
            if int(attrs(col.group(1)).get(b"min", b"0")) > g2:
                pos = col.start()
                break
        data = data[:pos] + _col_el(pat, b' width="9.140625" customWidth="1"', g1, g2, True) + data[pos:]
    return data


_MIN_MAX_HIDDEN = re.compile(rb"\s(?:min|max|hidden)\s*=\s*(?:\"[^\"]*\"|'[^']*')")


def _col_el(pat: Pattern, raw_attrs: bytes, lo: int, hi: int, hidden: bool | None) -> bytes:
    """A <col> for lo..hi with the other attributes of `raw_attrs` (width, style...) as they
    were; hidden="1" when `hidden`, the old hidden attribute kept when None."""
    kept = raw_attrs if hidden is None else _MIN_MAX_HIDDEN.sub(b"", raw_attrs)
    kept = re.sub(rb"\s(?:min|max)\s*=\s*(?:\"[^\"]*\"|'[^']*')", b"", kept)
    tail = b' hidden="1"' if hidden else b""
    return b"<" + pat.tag("col") + b' min="%d" max="%d"' % (lo, hi) + kept.rstrip() + tail + b"/>"


def formula_cells(data: bytes, pat: Pattern):
    """The cells holding a formula, found from each `<f` (C-speed searches) rather than by
    visiting every cell; every cell when some cell lacks its reference (see `all_cells`)."""
    span = sheet_data_span(data, pat)
    if span is None or span[0] == span[1]:
        return
    c_open, c_close = b"<" + pat.tag("c") + b" ", b"</" + pat.tag("c") + b">"
    count_all = data.count(b"<" + pat.tag("c"), span[0], span[1]) - data.count(b"<" + pat.tag("col"), span[0], span[1])
    if count_all != data.count(b"<" + pat.tag("c") + b' r="', span[0], span[1]):
        for cell in all_cells(data, pat):
            if cell.inner and pat.has_f in cell.inner:
                yield cell
        return
    f_tag = re.compile(b"<" + re.escape(pat.tag("f")) + rb"[\s>/]")
    pos, end = span[0], span[1]
    while True:
        m = f_tag.search(data, pos, end)
        if m is None:
            return
        start = data.rfind(c_open, span[0], m.start())
        stop = data.find(c_close, m.end(), end)
        if start < 0 or stop < 0:
            return
        stop += len(c_close)
        cm = pat.cell_r.match(data, start, stop)
        if cm is not None and cm.end() == stop:
            yield Cell(int(cm.group(2)), _col(cm.group(1)), start, stop, cm.group(3), cm.group(4))
        pos = stop


def string_cells(data: bytes, pat: Pattern, sst) -> dict:
    """{(row, col): (text, Cell)} of the cells holding text (shared or inline), found with one regular
    expression per kind over the part, without a cell model. `sst()` gives the shared strings."""
    p = re.escape(pat.prefix)
    out = {}
    shared = re.compile(rb"<" + p + rb"c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?\bt=\"s\"[^>]*>\s*<" + p
                        + rb"v>([0-9]+)</" + p + rb"v>")
    strings = None
    for m in shared.finditer(data):
        if strings is None:
            strings = sst()
        i = int(m.group(3))
        if i < len(strings):
            r, c = int(m.group(2)), _col(m.group(1))
            cm = pat.cell_r.match(data, m.start())
            out[(r, c)] = (strings[i], Cell(r, c, cm.start(), cm.end(), cm.group(3), cm.group(4)))
    if b"inlineStr" in data:
        inline = re.compile(rb"<" + p + rb"c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?\bt=\"inlineStr\"[^>]*>(.*?)</"
                            + p + rb"c>", re.S)
        for m in inline.finditer(data):
            body = pat.rph.sub(b"", m.group(3))
            if pat.has_f not in body:
                r, c = int(m.group(2)), _col(m.group(1))
                cm = pat.cell_r.match(data, m.start())
                out[(r, c)] = ("".join(text(t.group(1)) for t in pat.t.finditer(body)),
                               Cell(r, c, cm.start(), cm.end(), cm.group(3), cm.group(4)))
    return out
