"""One worksheet part's changes: cells replaced or added, rendered into new bytes, and how each
changed cell is rendered (a translated formula, a frozen constant, a cell an array result
spills into, a formula whose cached value --recalc replaces).

The hand-off plans each change as a function of the old cell element (and, with --recalc, of
the values LibreOffice computed), then renders the part once: cells whose byte ranges were
found while scanning are spliced directly; otherwise rows are walked.

The part is XML as bytes: rows and cells are found, a few cells rewritten, every other byte kept.
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
import zlib
from array import array
from dataclasses import dataclass

from flopsheet.callnames import NAMES
from flopsheet.exceltext import ErrorValue, a1

_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_CELL_R = re.compile(rb"(?<![\w:.-])r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
_ROW_R = re.compile(rb"(?<![\w:.-])r\s*=\s*[\"']([0-9]{1,7})[\"']")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ESCAPE_START = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # each "_" that would start an escape


# A flopsheet call: a function name before "(", not part of a longer name, maybe with the prefix
# Excel writes before an add-in's functions. The names come from flopsheet.callnames, so telling
# a sheet without calls loads neither the functions nor the translator.
CALL_NAMES = re.compile(r"(?<![A-Za-z0-9_.])(?:_xludf\.|_xll\.)?(" + "|".join(NAMES) + r")\s*\(", re.I)
CALLS = re.compile(CALL_NAMES.pattern.encode(), re.I)
# Formulas outside cells: conditional formats and validations (<formula>, <formula1>, and the
# x14 extensions' <xm:f>); the hand-off does not translate them, so it says so.
_OTHER_FORMULA = re.compile(rb"<(?:\w+:)?formula[12]?>([^<]*)</|<xm:f>([^<]*)</xm:f>")
_NAMES = tuple(name.encode() for name in NAMES)
assert all(b"_" in name for name in _NAMES), "has_calls filters on the underscore every name has"
FORMULA_TEXT = re.compile(rb"<(?:\w+:)?(?:f|formula[12]?)\b[^>/]*>([^<]+)<")


def has_calls(data: bytes) -> bool:
    """Whether a worksheet part calls a flopsheet function: in a cell formula, a conditional
    format or a validation. The case-insensitive call pattern tries every position, which is
    slow over megabytes, so it runs over the formula texts only (found by a pattern that starts
    with a literal, which the regex engine scans for at C speed)."""
    if b"(" not in data:
        return False
    texts = b"\n".join(FORMULA_TEXT.findall(data))
    if b"_" not in texts:  # every flopsheet function's name has one
        return False
    upper = texts.upper()
    if not any(name in upper for name in _NAMES):  # plain substring scans, before the pattern
        return False
    return CALLS.search(texts) is not None


def other_formulas_call(data: bytes) -> bool:
    """Whether a conditional format or a validation of the part calls a flopsheet function."""
    return any(CALLS.search(a or b) for a, b in _OTHER_FORMULA.findall(data))


class Pattern:
    """The element patterns of one part, for its namespace prefix ("" or "x:")."""

    def __init__(self, prefix: bytes):
        p = re.escape(prefix)
        self.prefix = prefix
        self.row = re.compile(rb"<" + p + rb"row\b([^>]*?)(?:/>|>(.*?)</" + p + rb"row>)", re.S)
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
        # the common case, r first (Excel, LibreOffice, openpyxl, XlsxWriter all write it so)
        self.cell_r = re.compile(
            rb"<" + p + rb"c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S
        )
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
        self._tags: dict[str, bytes] = {}

    def tag(self, name: str) -> bytes:
        t = self._tags.get(name)
        if t is None:
            t = self._tags[name] = self.prefix + name.encode()
        return t


def pattern_of(data: bytes) -> Pattern:
    m = _ROOT.search(data, 0, 4096) or _ROOT.search(data)
    prefix = (m.group(1) + b":") if m and m.group(1) else b""
    return Pattern(prefix)


def attrs(raw: bytes) -> dict[bytes, bytes]:
    if not raw or raw.isspace():  # most <f> elements have none
        return {}
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(raw)}


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """ "B7" -> (7, 2): (row, column)."""
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


_FORMULA_PLAIN = re.compile(r"[^&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*")


def escape_formula(s: str) -> bytes:
    """A formula's text for <f>: as `escape`, except that a carriage return (a CR LF typed inside a
    string literal) is a character reference, &#13;. XML holds a CR only that way (a raw one is
    read as a line end, XML 1.0 section 2.11), and LibreOffice reads no _x000D_ escape in a
    formula, which would then show as text; Excel reads both."""
    if "_x" not in s and _FORMULA_PLAIN.fullmatch(s):  # nothing to escape (most formulas)
        return s.encode("utf-8")
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
    count_all = (
        data.count(b"<" + pat.tag("c") + b" ", span[0], span[1])
        + data.count(b"<" + pat.tag("c") + b">", span[0], span[1])
        + data.count(b"<" + pat.tag("c") + b"/>", span[0], span[1])
    )
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
        return (
            b"<"
            + pat.tag("row")
            + b' r="%d">' % r
            + b"".join(x for _, x in sorted(by_row[r]))
            + b"</"
            + pat.tag("row")
            + b">"
        )

    if span[0] == span[1]:  # <sheetData/>: open it
        m = pat.sheet_data.search(data)
        body = b"".join(new_row(r) for r in pending_rows)
        return (
            data[: m.start()]
            + b"<"
            + pat.tag("sheetData")
            + b">"
            + body
            + b"</"
            + pat.tag("sheetData")
            + b">"
            + data[m.end() :]
        )
    for row in rows(data, pat):
        while i < len(pending_rows) and pending_rows[i] < row.r:
            out.append(data[pos : row.start])
            pos = row.start
            out.append(new_row(pending_rows[i]))
            i += 1
        if row.r not in wanted:
            continue
        adds = sorted(by_row.get(row.r, []))
        if i < len(pending_rows) and pending_rows[i] == row.r:
            i += 1
        if row.inner is None:  # <row .../>: give it content
            out.append(data[pos : row.start])
            head = data[row.start : row.end - 2].rstrip()
            out.append(head + b">" + b"".join(x for _, x in adds) + b"</" + pat.tag("row") + b">")
            pos = row.end
            continue
        j = 0
        for cell in cells(data, row, pat):
            while j < len(adds) and adds[j][0] < cell.c:
                out.append(data[pos : cell.start])
                pos = cell.start
                out.append(adds[j][1])
                j += 1
            new = replace.get((cell.r, cell.c))
            if callable(new):
                new = new(cell)
            if new is not None:
                out.append(data[pos : cell.start])
                out.append(new)
                pos = cell.end
        if j < len(adds):
            out.append(data[pos : row.inner[1]])
            pos = row.inner[1]
            out.extend(x for _, x in adds[j:])
    out.append(data[pos : span[1]])
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
    return data[: m.start(1)] + new + data[m.end(1) :]


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
        return (
            data[: sd.start()]
            + b"<"
            + pat.tag("cols")
            + b">"
            + new
            + b"</"
            + pat.tag("cols")
            + b">"
            + data[sd.start() :]
        )
    out, last, covered = [], 0, []
    for col in pat.col.finditer(data, m.start(1), m.end(1)):
        a = attrs(col.group(1))
        lo, hi = int(a.get(b"min", b"0")), int(a.get(b"max", b"0"))
        if not (lo <= c2 and hi >= c1):
            continue
        out.append(data[last : col.start()])
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


def string_cells(data: bytes, pat: Pattern, sst, keep=None) -> dict:
    """{(row, col): (text, Cell)} of the cells holding text (shared or inline), found with one regular
    expression per kind over the part, without a cell model. `sst()` gives the shared strings;
    `keep(text)`, when given, says which texts are wanted (the others are skipped early)."""
    p = re.escape(pat.prefix)
    out = {}
    shared = re.compile(
        rb"<" + p + rb"c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?\bt=\"s\"[^>]*>\s*<" + p + rb"v>([0-9]+)</" + p + rb"v>"
    )
    strings = None
    for m in shared.finditer(data):
        if strings is None:
            strings = sst()
        i = int(m.group(3))
        if i < len(strings) and (keep is None or keep(strings[i])):
            r, c = int(m.group(2)), _col(m.group(1))
            cm = pat.cell_r.match(data, m.start())
            out[(r, c)] = (strings[i], Cell(r, c, cm.start(), cm.end(), cm.group(3), cm.group(4)))
    if b"inlineStr" in data:
        inline = re.compile(
            rb"<" + p + rb"c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?\bt=\"inlineStr\"[^>]*>(.*?)</" + p + rb"c>", re.S
        )
        for m in inline.finditer(data):
            body = m.group(3)
            if b"rPh" in body:
                body = pat.rph.sub(b"", body)
            if pat.has_f not in body:
                s = "".join(text(t.group(1)) for t in pat.t.finditer(body))
                if keep is not None and not keep(s):
                    continue
                r, c = int(m.group(2)), _col(m.group(1))
                cm = pat.cell_r.match(data, m.start())
                out[(r, c)] = (s, Cell(r, c, cm.start(), cm.end(), cm.group(3), cm.group(4)))
    return out


def value_xml(pat, value, formula: bool) -> tuple[bytes | None, bytes]:
    """(t attribute or None, content) for a value: a formula's cached value, or a constant
    (text as an inline string, so it is never read as a formula and the shared strings stay)."""
    v, tag = pat.tag("v"), pat.tag
    if value is None:  # a formula's empty text result ("") is cached as an empty string
        return (b"str", b"<" + v + b"></" + v + b">") if formula else (None, b"")
    if isinstance(value, ErrorValue):
        return b"e", b"<" + v + b">" + escape_formula(str(value)) + b"</" + v + b">"
    if isinstance(value, bool):
        return b"b", b"<" + v + b">" + (b"1" if value else b"0") + b"</" + v + b">"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        x = float(value)
        if x != x or x in (float("inf"), float("-inf")):
            return b"e", b"<" + v + b">#NUM!</" + v + b">"
        return None, b"<" + v + b">" + repr(x).encode() + b"</" + v + b">"
    s = str(value)
    if formula:
        return b"str", b"<" + v + b">" + escape(s) + b"</" + v + b">"
    space = b' xml:space="preserve"' if s != s.strip() or "\n" in s else b""
    return b"inlineStr", (
        b"<" + tag("is") + b"><" + tag("t") + space + b">" + escape(s) + b"</" + tag("t") + b"></" + tag("is") + b">"
    )


def cell_xml(pat, r: int, c: int, attrs: dict, f: bytes | None, t: bytes | None, content: bytes) -> bytes:
    """A <c> element: the old attributes (style, metadata) kept, r and t set."""
    c_tag = pat.tag("c")
    out = [b"<", c_tag, b' r="', a1(c, r).encode(), b'"']
    for k, v in attrs.items():
        if k != b"r" and k != b"t":
            out += (b" ", k, b'="', v, b'"')
    if t:
        out += (b' t="', t, b'"')
    out.append(b">")
    if f is not None:
        out.append(f)
    out += (content, b"</", c_tag, b">")
    return b"".join(out)


class SheetPlan:
    """What changes in one worksheet part: cells replaced and cells added, each rendered from
    the old element and, with --recalc, the value LibreOffice computed."""

    def __init__(self, title: str, part: str, data: bytes):
        self.title, self.part, self.data = title, part, data
        self.pat = pattern_of(data)
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
            hidden = hide_columns(data, self.pat, *self.hide)
            if hidden is not False:
                data = hidden
        if self.legacy_rid:
            data = legacy_drawing(data, self.pat, self.legacy_rid)
        return data

    def pieces(self, values=None):
        """The new part as a sequence of byte strings (the old bytes between changed cells, and
        each changed cell), so a writer can stream it without joining a copy of the part."""
        data, cell_at, cell_r, pos = self.data, self.pat.cell, self.pat.cell_r, 0
        parsed: dict[bytes, dict] = {}  # the attributes after r (a few distinct ones: styles), parsed once
        self.formulas.rewind()
        for start, (r, c) in sorted((self.known[k], k) for k in self.replace):
            m = cell_r.match(data, start)
            if m is not None:  # r first: the other attributes are shared by many cells (read only)
                raw = m.group(3)
                a = parsed.get(raw)
                if a is None:
                    a = parsed[raw] = attrs(raw)
                old = Cell(r, c, start, m.end(), raw, m.group(4), a)
            else:
                m = cell_at.match(data, start)
                old = Cell(r, c, start, m.end(), m.group(1), m.group(2))
            new = self.replace[(r, c)](old, values)
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
        data = rewrite(self.data, self.pat, replace, insert)
        if insert:
            data = widen_dimension(data, self.pat, max(r for r, _ in insert), max(c for _, c in insert))
        return data

    def _absent(self) -> set:
        """Planned cells that have no element in the part yet (computed once: the part's cells
        do not change between renders)."""
        if getattr(self, "_absent_keys", None) is None or self._absent_for != len(self.replace):
            unknown = [k for k in self.replace if k not in self.known]
            present = set()
            if unknown:
                for cell in all_cells(self.data, self.pat):
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
            return whole[self._offsets[i] : self._offsets[i + 1]]
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
            self._buf, self._pos = self._buf[self._pos :] + more, 0
        out = self._buf[self._pos : self._pos + need]
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
        ok, v = computed(values, plan.title, r, c) if values is not None else (False, None)
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


def spill(book, plan: SheetPlan, r0: int, c0: int, shape) -> str | None:
    """The range a result of `shape` spills into when those cells are free, else None."""
    if not shape or shape == (1, 1):
        return None
    rows, cols = shape
    if r0 + rows - 1 > 1_048_576 or c0 + cols - 1 > 16_384 or rows * cols > 100_000:
        return None
    cells = book[plan.title]._cells
    for r in range(r0, r0 + rows):
        for c in range(c0, c0 + cols):
            got = cells.get((r, c))
            if (r, c) != (r0, c0) and got is not None and got.value is not None:
                return None
            if (r, c) != (r0, c0) and (r, c) in plan.replace:
                return None
    return f"{a1(c0, r0)}:{a1(c0 + cols - 1, r0 + rows - 1)}"


def revalue_all(edits) -> None:
    """--recalc: every formula cell's cached value (and every cell an array formula covers)
    will be LibreOffice's, so viewers that never recalculate show the copy's numbers. Only
    `<v>` and `t` change in cells the hand-off did not translate."""
    for s in edits.source.pkg.worksheets:
        if s.part in edits.removed:
            continue
        data = edits.read_sheet(s.part)
        pat = pattern_of(data)
        if pat.has_f not in data:
            continue
        plan = edits.plan(s.part, s.name, data)
        for cell in all_cells(data, pat):
            if not cell.inner or pat.has_f not in cell.inner or (cell.r, cell.c) in plan.replace:
                continue
            m = pat.f.search(cell.inner)
            if m is None:
                continue
            fa = attrs(m.group(1))
            plan.replace[(cell.r, cell.c)] = revalued(plan, m.group(0))
            if fa.get(b"t") == b"array" and fa.get(b"ref"):
                c1, r1, c2, r2 = bounds(fa[b"ref"].decode())
                if (r2 - r1 + 1) * (c2 - c1 + 1) <= 100_000:
                    for r in range(r1, r2 + 1):
                        for c in range(c1, c2 + 1):
                            if (r, c) not in plan.replace:
                                spilled(plan, r, c)


def bounds(ref: str) -> tuple[int, int, int, int]:
    """ "C2:D9" -> (min_col, min_row, max_col, max_row)."""
    ends = ref.replace("$", "").split(":")
    r1, c1 = split_ref(ends[0])
    r2, c2 = split_ref(ends[-1])
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


# Elements after <legacyDrawing> (the comments' VML) in CT_Worksheet (ECMA-376 Part 1, 18.3.1.99).
_LEGACY_AFTER = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
_R_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def legacy_drawing(sheet_xml: bytes, pat: Pattern, rid: str) -> bytes:
    """`sheet_xml` with <legacyDrawing r:id> in its schema position."""
    el = b"<" + pat.tag("legacyDrawing") + b' xmlns:r="' + _R_NS + b'" r:id="' + rid.encode() + b'"/>'
    for tag in _LEGACY_AFTER:
        m = re.search(b"<" + re.escape(pat.tag(tag)) + rb"\b", sheet_xml)
        if m:
            return sheet_xml[: m.start()] + el + sheet_xml[m.start() :]
    end = sheet_xml.rindex(b"</" + pat.tag("worksheet") + b">")
    return sheet_xml[:end] + el + sheet_xml[end:]
