"""Refuse hostile workbooks before any parser sees them.

A workbook that arrives by e-mail is untrusted until :func:`check_workbook` has passed.
Callers MUST call it before handing such a file to openpyxl, python-calamine or LibreOffice:

* python-calamine preallocates the ``<dimension>`` a sheet claims (and the bounding box of its
  cells) and *aborts the whole process* -- no exception -- when that is absurdly large;
* openpyxl materialises every cell of a merged range and of a hyperlink range;
* LibreOffice's XML parser expands entities; zip bombs exhaust memory or disk in all three.

Everything is streamed: sizes come from the zip directory (nothing is decompressed to learn
them), reads are capped in case the directory lies, and XML goes through expat with the
same guards as ``defusedxml`` (no DTD, no entity declarations, no external references) but
without building a tree: about a second per 50 MB of sheet XML.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from flopsheet.errors import FlopsheetError

MB = 1 << 20
GB = 1 << 30
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
_CHUNK = 1 * MB
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls are OLE files
_RANGE_END = re.compile(r"\$?([A-Za-z]{0,7})\$?([0-9]{0,10})")
_REF = re.compile(r"[A-Za-z]{1,4}[0-9]{1,9}")
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_INTERESTING = frozenset({"sheetData", "row", "c", "dimension", "mergeCell", "hyperlink"})


@dataclass(frozen=True)
class Limits:
    """What a workbook may contain. The defaults admit any realistic workbook (Excel's grid, 20M cells/sheet)."""

    max_parts: int = 10_000
    max_part_bytes: int = 200 * MB  # uncompressed size of any one part
    max_total_bytes: int = 1 * GB  # uncompressed size of all parts together (and file on disk)
    # Deflate cannot compress past about 1032:1 (RFC 1951: a 258-byte match in at most two bits),
    # so a part claiming more lies about its size; below that, what a bomb costs is bytes out,
    # bounded by max_part_bytes and max_total_bytes (and checked while inflating). Ordinary parts
    # reach several hundred to one: a sheet of repeated strings, an embedded PDF's padding.
    max_ratio: float = 1100.0  # compression ratio allowed for parts above ratio_min_bytes
    ratio_min_bytes: int = 1 * MB
    max_rows: int = 1_100_000
    max_cols: int = EXCEL_COLS
    max_cells: int = 20_000_000  # per sheet: claimed dimension, cell bounding box, expansions


# For a file the user trusts (`--trust-size`): size limits a machine with memory to spare can
# take; the XML safety checks (DTDs, entities, references beyond the grid) stay.
TRUSTED = Limits(
    max_parts=100_000, max_part_bytes=4 * GB, max_total_bytes=16 * GB, max_ratio=float("inf"), max_cells=500_000_000
)
TRUST_HINT = "if you trust this file, rerun with --trust-size"
SUSPICIOUS_RATIO = 100  # above what XML and media parts reach when a part is also over its size limit


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"  # pragma: no cover


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _range_area(ref: str) -> int | None:
    """Cells in ``A1:B2`` / ``A:A`` / ``1:3`` (whole rows/columns count as full Excel extents)."""
    total = 0
    for part in ref.split():
        ends = []
        for end in part.split(":"):
            m = _RANGE_END.fullmatch(end)
            if not m or not (m.group(1) or m.group(2)):
                return None
            ends.append((int(m.group(2)) if m.group(2) else None, _col_number(m.group(1)) if m.group(1) else None))
        if len(ends) == 1:
            ends.append(ends[0])
        if len(ends) != 2:
            return None
        (r1, c1), (r2, c2) = ends
        rows = abs(r2 - r1) + 1 if r1 is not None and r2 is not None else EXCEL_ROWS
        cols = abs(c2 - c1) + 1 if c1 is not None and c2 is not None else EXCEL_COLS
        total += rows * cols
    return total


def _range_far_end(ref: str) -> tuple[int, int] | None:
    """(largest row, largest column) a range reaches (whole rows/columns reach the grid's end)."""
    rows, cols = [], []
    for part in ref.split():
        for end in part.split(":"):
            m = _RANGE_END.fullmatch(end)
            if not m or not (m.group(1) or m.group(2)):
                return None
            rows.append(int(m.group(2)) if m.group(2) else EXCEL_ROWS)
            cols.append(_col_number(m.group(1)) if m.group(1) else EXCEL_COLS)
    return (max(rows), max(cols)) if rows else None


class _XmlPart:
    """Stream one XML part through expat: refuse DTDs and entities, bound sheet extents."""

    def __init__(self, where: str, limits: Limits):
        self.where = where
        self.limits = limits
        p = self.parser = expat.ParserCreate()
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._doctype
        p.EndDoctypeDeclHandler = self._end_doctype
        p.EntityDeclHandler = self._entity
        p.UnparsedEntityDeclHandler = lambda name, base, sysid, pubid, notation: self._entity(
            name, False, None, base, sysid, pubid, notation
        )
        p.ExternalEntityRefHandler = lambda ctx, base, sysid, pubid: self._refuse(
            f"references an external entity ({sysid or pubid}); refusing an external-entity (XXE) attack"
        )
        p.StartElementHandler, self._flush, self._bbox = self._make_start()

    def _refuse(self, what: str):
        raise FlopsheetError(f"{self.where} {what}", "path")

    def _doctype(self, name, sysid, pubid, has_internal_subset):
        if sysid or pubid:
            self._refuse(f"has a DTD that loads {sysid or pubid}; refusing an external-entity (XXE) attack")

    def _entity(self, name, is_parameter, value, base, sysid, pubid, notation):
        if sysid or pubid:
            self._refuse(
                f"declares entity '{name}' loading external {sysid or pubid}; refusing an external-entity (XXE) attack"
            )
        self._refuse(f"declares entity '{name}' in a DTD; refusing an entity-expansion (billion laughs) attack")

    def _end_doctype(self):
        self._refuse("has a DTD (<!DOCTYPE>), which workbooks never need; refusing it")

    def _make_start(self):
        # Closures with nonlocals, not methods: start() runs once per XML element (millions on
        # a big sheet). A cell costs one set lookup and one append; its reference is digested
        # later, once per chunk, by C-level bytes/set/map/min/max operations in flush().
        lim = self.limits
        max_rows, max_cols, max_cells = lim.max_rows, lim.max_cols, lim.max_cells
        kinds: dict[str, str] = {}
        c_tags: set[str] = set()  # spellings of the cell tag ("c", "x:c") seen inside sheetData
        skip: set[str] = set()  # tags that never matter ("v", "f", "si", ...)
        refs: list[str] = []
        append = refs.append
        row = col = cells = expanded = row_start = 0
        in_sheet = False
        box = [1 << 62, 1 << 62, 0, 0]  # min_row, min_col, max_row, max_col
        refuse = self._refuse

        def note(r1, c1, r2, c2):
            if r2 > max_rows or c2 > max_cols:
                refuse(f"has a cell at {_letters(c2)}{r2}, beyond {max_rows:,} rows x {max_cols:,} columns")
            box[:] = min(box[0], r1), min(box[1], c1), max(box[2], r2), max(box[3], c2)

        def flush():
            # Split the joined references into their letter and digit halves with bytes.translate
            # (C speed); a reference that is not plain letters+digits breaks the token counts.
            nonlocal cells, row_start
            n = len(refs)
            if not n:
                return
            cells += n
            row_start -= n
            if cells > max_cells:
                refuse(f"has more than {max_cells:,} cells; {TRUST_HINT}")
            joined = " ".join(refs)
            refs.clear()
            raw = joined.encode("ascii", "replace")
            col_tokens = raw.translate(None, b"0123456789").split()
            row_tokens = raw.translate(None, _ASCII_LETTERS).split()
            col_names, row_names = set(col_tokens), set(row_tokens)
            if (
                not joined.isascii()
                or raw.count(b" ") != n - 1
                or len(col_tokens) != n
                or len(row_tokens) != n
                or not all(x.isalpha() and len(x) <= 4 for x in col_names)
                or not all(x.isdigit() and len(x) <= 9 for x in row_names)
            ):
                bad = next((x for x in joined.split(" ") if not _REF.fullmatch(x)), joined[:20])
                refuse(f"has an unreadable cell reference {bad[:20]!r}")
            rows = list(map(int, row_names))
            cols = [_col_number(x.decode()) for x in col_names]
            note(min(rows), min(cols), max(rows), max(cols))

        def implicit_cell():
            # No r attribute: parsers put it in the column after the previous cell of the row.
            # If that previous cell had a reference, bound it by the widest column seen so far.
            nonlocal col, cells
            if len(refs) > row_start:
                flush()
                col = max(col, box[3])
            col += 1
            cells += 1
            if cells > max_cells:
                refuse(f"has more than {max_cells:,} cells; {TRUST_HINT}")
            note(row, col, row, col)

        def other(tag, attrs):
            nonlocal row, col, expanded, row_start, in_sheet
            kind = kinds.get(tag)
            if kind is None:
                local = tag.rpartition(":")[2]
                kind = kinds[tag] = local if local in _INTERESTING else ""
            if not kind:
                skip.add(tag)  # start() drops it from now on without a call
                return
            if kind == "c":
                if in_sheet:  # first cell with this spelling: start() takes it from now on
                    c_tags.add(tag)
                    start(tag, attrs)
                return  # outside sheetData "c" is not a cell
            if kind == "row":
                ref = attrs.get("r")
                row = int(ref) if ref and ref.isdigit() and len(ref) < 10 else row + 1
                col, row_start = 0, len(refs)
                if row > max_rows:
                    refuse(f"has row {row:,}, beyond the limit of {max_rows:,} rows")
            elif kind == "sheetData":
                in_sheet = True
            else:  # dimension, mergeCell, hyperlink: ranges that parsers preallocate or expand
                ref = attrs.get("ref")
                if ref is None:
                    return
                area = _range_area(ref)
                if area is None:
                    refuse(f"has an unreadable {kind} range {ref[:40]!r}")
                if kind == "dimension":
                    # A declared dimension is a hint: Excel and LibreOffice write A1:XFD1048576
                    # for a sheet with a whole-row format and a few cells, so only a claim beyond
                    # the grid is refused (the real cells are bounded by their bounding box).
                    far = _range_far_end(ref)
                    if far is None or far[0] > max_rows or far[1] > max_cols:
                        refuse(
                            f"claims dimension {ref[:40]}, beyond {max_rows:,} rows x {max_cols:,} columns; "
                            "refusing a dimension bomb"
                        )
                else:
                    expanded += area
                    if expanded > max_cells:
                        refuse(
                            f"has {kind} ranges covering more than {max_cells:,} cells (last: {ref}); "
                            "refusing a range bomb"
                        )

        def start(tag, attrs):
            if tag in c_tags:
                ref = attrs.get("r")
                if ref is None:
                    implicit_cell()
                else:
                    append(ref)
            elif tag not in skip:
                other(tag, attrs)

        def bbox():  # (min_row, min_col, max_row, max_col) of all cells, or None
            flush()
            return tuple(box) if box[2] else None

        return start, flush, bbox

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            self._refuse(f"is not well-formed XML ({exc})")
        self._flush()  # keeps the pending cell references to one chunk's worth

    def finish(self) -> None:
        # The cells present are counted (max_cells), not the box they span: three cells at the
        # grid's corners are three cells, and every reader flopsheet uses keeps cells sparse.
        self.feed(b"", True)
        self._bbox()


# -- the plain scan: the same bounds as _XmlPart, over the bytes, for parts it can read ---------
# expat calls back into Python for every element (about 1.5 s per million cells). A part written
# as every spreadsheet writer writes it (UTF-8, no <!...> declaration, no character reference,
# every cell and row with its reference as the first attribute) is bounded the same way by a few
# C-speed scans; anything else, or any doubt, goes through expat (`_XmlPart`), which refuses it
# or bounds it. Without a <!DOCTYPE> there is no entity to expand and nothing external to load.
_P = rb"<(?:[A-Za-z_][\w.-]*:)?"
_SCAN_C = re.compile(_P + rb"c[\s/>]")
_SCAN_C_REF = re.compile(_P + rb"c\s+r\s*=\s*[\"']([A-Za-z]{1,4}[0-9]{1,9})[\"']")
_SCAN_ROW = re.compile(_P + rb"row[\s/>]")
_SCAN_ROW_REF = re.compile(_P + rb"row\s+r\s*=\s*[\"']([0-9]{1,9})[\"']")
_SCAN_R_ATTR = re.compile(rb"\sr\s*=")  # every attribute named r, anywhere (and more: then expat)
# The common spelling (no prefix, r first, double quotes), counted at memchr speed first.
_PLAIN_C_REF = re.compile(rb"<c r=\"([A-Za-z]{1,4}[0-9]{1,9})\"")
_PLAIN_ROW_REF = re.compile(rb"<row r=\"([0-9]{1,9})\"")
_FLAT = bytes.maketrans(b">/\t\n\r", b"     ")
_RANGE_WORDS = (b"dimension", b"mergeCell", b"hyperlink")
_SCAN_RANGE = re.compile(_P + rb"(dimension|mergeCell|hyperlink)([\s/>][^<]*)")
_SCAN_ATTR = re.compile(rb"\s+([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_SCAN_TAG_END = re.compile(rb"\s*/?>")
_SCAN_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")


class _Doubt(Exception):
    """The plain scan cannot bound this part as expat would: expat decides."""


class _PlainScan:
    """`_XmlPart`'s bounds (cells, rows, dimension/merge/hyperlink ranges, the cell bounding box,
    no DTD) proved by regular-expression scans over chunks cut just before a "<" (no pattern
    spans one). Raises _Doubt when the part is not plainly written."""

    def __init__(self, where: str, limits: Limits):
        self.where, self.limits = where, limits
        self.rest = b""
        self.first = True
        self.cells = self.expanded = self.max_row = 0
        self.box = [1 << 62, 1 << 62, 0, 0]

    def _refuse(self, what: str):
        raise FlopsheetError(f"{self.where} {what}", "path")

    def feed(self, data: bytes, final: bool = False) -> None:
        data = self.rest + data
        cut = len(data) if final else data.rfind(b"<")
        if cut <= 0:
            self.rest = data
            return
        piece, self.rest = data[:cut], data[cut:]
        if self.first:
            self.first = False
            if piece[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in piece[:512]:
                raise _Doubt  # UTF-16
            enc = _SCAN_ENCODING.match(piece)
            if enc and enc.group(1).lower().replace(b"-", b"") != b"utf8":
                raise _Doubt
        if b"<!" in piece or b"&#" in piece:  # declarations, comments, CDATA; character references
            raise _Doubt
        self._piece(piece)

    def _piece(self, piece: bytes) -> None:
        lim = self.limits
        # Every cell and row has its reference first, and no other r attribute hides anywhere
        # (inside another attribute's value, or given twice): else expat reads the part. With
        # every tag-ending character made a space, "<c " and ":c " count every tag named c
        # (prefixed or not, and then some), so equal counts prove every one was read; " r=" counts
        # every attribute named r once no " r " (a space before "=") exists.
        flat = piece.translate(_FLAT)
        refs = _PLAIN_C_REF.findall(piece)
        if len(refs) != flat.count(b"<c ") + flat.count(b":c "):
            refs = _SCAN_C_REF.findall(piece)
            if len(refs) != len(_SCAN_C.findall(piece)):
                raise _Doubt
        rows = _PLAIN_ROW_REF.findall(piece)
        if len(rows) != flat.count(b"<row ") + flat.count(b":row "):
            rows = _SCAN_ROW_REF.findall(piece)
            if len(rows) != len(_SCAN_ROW.findall(piece)):
                raise _Doubt
        named_r = flat.count(b" r=") if b" r " not in flat else len(_SCAN_R_ATTR.findall(piece))
        if len(refs) + len(rows) != named_r:
            raise _Doubt
        if rows:
            top = max(map(int, rows))
            if top > lim.max_rows:
                self._refuse(f"has row {top:,}, beyond the limit of {lim.max_rows:,} rows")
        if any(w in piece for w in _RANGE_WORDS):
            for m in _SCAN_RANGE.finditer(piece):
                self._range(m.group(1).decode(), m.group(2))
        if not refs:
            return
        n = len(refs)
        self.cells += n
        if self.cells > lim.max_cells:
            self._refuse(f"has more than {lim.max_cells:,} cells; {TRUST_HINT}")
        raw = b" ".join(refs)
        col_names = set(raw.translate(None, b"0123456789").split())
        row_names = set(raw.translate(None, _ASCII_LETTERS).split())
        r1, r2 = min(map(int, row_names)), max(map(int, row_names))
        cols = [_col_number(x.decode()) for x in col_names]
        c1, c2 = min(cols), max(cols)
        if r2 > lim.max_rows or c2 > lim.max_cols:
            far = max(
                refs,
                key=lambda x: (
                    int(x.translate(None, _ASCII_LETTERS)) > lim.max_rows,
                    _col_number(x.translate(None, b"0123456789").decode()) > lim.max_cols,
                ),
            )
            self._refuse(
                f"has a cell at {far.decode().upper()}, beyond {lim.max_rows:,} rows x {lim.max_cols:,} columns"
            )
        b = self.box
        b[:] = min(b[0], r1), min(b[1], c1), max(b[2], r2), max(b[3], c2)

    def _range(self, kind: str, tail: bytes) -> None:
        """One dimension/mergeCell/hyperlink tag's attributes, read in order (a ref inside
        another attribute's value cannot pass for the real one)."""
        lim, pos, ref = self.limits, 0, None
        while True:
            m = _SCAN_ATTR.match(tail, pos)
            if not m:
                break
            if m.group(1) == b"ref":
                if ref is not None:
                    raise _Doubt
                ref = (m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace")
            pos = m.end()
        if not _SCAN_TAG_END.match(tail, pos):
            raise _Doubt
        if ref is None:
            return
        area = _range_area(ref)
        if area is None:
            self._refuse(f"has an unreadable {kind} range {ref[:40]!r}")
        if kind == "dimension":
            far = _range_far_end(ref)
            if far is None or far[0] > lim.max_rows or far[1] > lim.max_cols:
                self._refuse(
                    f"claims dimension {ref[:40]}, beyond {lim.max_rows:,} rows x {lim.max_cols:,} columns; "
                    "refusing a dimension bomb"
                )
        else:
            self.expanded += area
            if self.expanded > lim.max_cells:
                self._refuse(
                    f"has {kind} ranges covering more than {lim.max_cells:,} cells (last: {ref}); refusing a range bomb"
                )

    def finish(self) -> None:
        self.feed(b"", True)  # cells present are counted as they come (max_cells), as in _XmlPart


class _VmlScan:
    """A VML drawing (form buttons, comment boxes) is legacy markup that Excel itself writes
    unclosed (`<br>` in a textbox), so it is not held to well-formedness; what makes markup
    dangerous to a parser, a DTD or an entity declaration, is refused as anywhere else."""

    def __init__(self, where: str):
        self.where, self.tail = where, b""

    def feed(self, data: bytes, final: bool = False) -> None:
        window = (self.tail + data).upper()
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise FlopsheetError(
                f"{self.where} declares a DTD or an entity, which drawings never need; refusing it", "path"
            )
        self.tail = window[-16:]

    def finish(self) -> None:
        pass


def _looks_like_xml(name: str, head: bytes) -> bool:
    """XML by name (.xml, .rels, .vml: always parsed, so a bad one is refused) or by content:
    the first non-blank character is "<" in UTF-8 or UTF-16. A byte-order mark alone is not
    XML: a Power Pivot data model (xl/model/item.data) is binary and starts with FF FE."""
    if name.lower().endswith(_XML_SUFFIXES):
        return True
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"", None)):
        if bom and head.startswith(bom):
            text = head[2 : 2 + 512]
            text = text[: len(text) // 2 * 2].decode(encoding, "replace")
            return text.lstrip(" \t\r\n")[:1] == "<"
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a byte-order mark
        return True
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    # All-whitespace first chunk: cannot tell, so parse it (refusing is the safe side).
    return stripped[:1] == b"<" or (not stripped and len(head) >= _CHUNK)


def _check_directory(label: str, infos: list[zipfile.ZipInfo], lim: Limits) -> None:
    def refuse(what: str):
        raise FlopsheetError(f"{label}{'' if what.startswith(':') else ' '}{what}", "path")

    if len(infos) > lim.max_parts:
        refuse(f"has {len(infos):,} parts (limit {lim.max_parts:,})")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.orig_filename.replace("\\", "/")
        parts = name.split("/")
        if name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in parts or "\x00" in name:
            refuse(f"has a part named {name[:80]!r} that points outside the package (path traversal)")
        key = name.lower()  # OPC part names are case-insensitive; duplicates confuse parsers
        if key in seen:
            refuse(f"has two parts named {name[:80]!r}")
        seen.add(key)
        if info.flag_bits & 0x1:
            refuse(f"has an encrypted part {name[:80]!r}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > lim.ratio_min_bytes and ratio > lim.max_ratio:
            refuse(
                f": part '{name}' claims to be compressed {ratio:,.0f}:1, more than deflate can "
                f"(limit {lim.max_ratio:,.0f}:1); refusing a zip bomb"
            )
        if info.file_size > lim.max_part_bytes:
            # past the size limit, a part inflated from little is called what it likely is
            bomb = "refusing a possible zip bomb; " if ratio > SUSPICIOUS_RATIO else ""
            refuse(
                f": part '{name}' is {_size(info.file_size)} uncompressed (compressed {ratio:,.0f}:1), over the "
                f"{_size(lim.max_part_bytes)} a part may be; {bomb}{TRUST_HINT}"
            )
        total += info.file_size
        if total > lim.max_total_bytes:
            refuse(f"is more than {_size(lim.max_total_bytes)} uncompressed in all; {TRUST_HINT}")
    if "[content_types].xml" not in seen:
        refuse("is a zip file but not an Excel workbook (no [Content_Types].xml)")


def _check_parts(label: str, zf: zipfile.ZipFile, lim: Limits, plain_scan: bool = False) -> None:
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        where = f"{label}: part '{info.filename}'"
        try:
            total = _check_part(zf, info, where, lim, total, plain_scan)
        except _Doubt:
            total = _check_part(zf, info, where, lim, total, False)


_RETAIN = 8 * MB  # chunks kept for expat in case the plain scan doubts a part (inflated once)


def _replayed(where, lim, kept: list):
    """The full XML check, fed again the chunks the plain scan kept, when the scan doubted them."""
    xml = _XmlPart(where, lim)
    for piece in kept:
        xml.feed(piece)
    return xml


def _check_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, lim: Limits, total: int, plain_scan: bool
) -> int:
    """Stream one part (inflated once, in chunks), bounded; returns the running total of bytes.
    When the plain scan doubts a part, expat reads it from the start: from the chunks kept
    (up to _RETAIN), else by raising _Doubt to inflate it again."""
    xml = None
    got = 0
    start = total
    kept: list[bytes] | None = [] if plain_scan else None
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            got += len(chunk)
            total += len(chunk)
            # zipfile already stops at the directory's size; this cap is the belt to its braces.
            if got > info.file_size or got > lim.max_part_bytes or total > lim.max_total_bytes:
                raise FlopsheetError(f"{where} expands beyond its declared size; refusing a zip bomb", "path")
            if xml is None:
                if info.filename.lower().endswith(".vml"):
                    xml = _VmlScan(where)
                elif _looks_like_xml(info.filename, chunk):
                    xml = _PlainScan(where, lim) if plain_scan else _XmlPart(where, lim)
                else:
                    xml = False
            if not xml:
                continue
            if isinstance(xml, _PlainScan):
                if kept is not None:
                    kept.append(chunk)
                    if got > _RETAIN:
                        kept = None
                try:
                    xml.feed(chunk)
                    continue
                except _Doubt:
                    if kept is None:
                        raise
                    xml, kept = _replayed(where, lim, kept), None
                    continue
            xml.feed(chunk)
    if xml:
        try:
            xml.finish()
        except _Doubt:
            if kept is None:
                raise
            _replayed(where, lim, kept).finish()
    elif xml is None and _looks_like_xml(info.filename, b""):
        _XmlPart(where, lim).finish()  # an empty .xml part is not XML
    return start + got


def check_workbook(path: str | os.PathLike, limits: Limits = Limits(), *, plain_scan: bool = False) -> None:
    """Raise FlopsheetError (one line) unless ``path`` is safe to give to any workbook parser.

    With ``plain_scan`` a plainly written XML part is bounded by byte scans instead of expat
    (`_PlainScan`): the same refusals (zip bombs, DTDs and entities, dimension and range bombs),
    but a part is not proved well-formed. For callers that read parts as bytes and copy what
    they do not change (the hand-off)."""
    label = os.fspath(path)
    p = Path(label)
    if not p.exists():
        raise FlopsheetError(f"{label} does not exist", "path")
    not_workbook = f"{label} is not an Excel workbook (.xlsx/.xlsm are zip files)"
    if not p.is_file():
        raise FlopsheetError(not_workbook, "path")
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
        is_zip = zipfile.is_zipfile(p)
    except OSError as exc:
        raise FlopsheetError(f"cannot read {label}: {exc.strerror}", "path") from None
    if head == _OLE_MAGIC:
        raise FlopsheetError(
            f"{label} is password-protected or an old .xls file; save it as .xlsx without a password", "path"
        )
    if not is_zip:
        if head.startswith(b"PK\x03\x04"):
            raise FlopsheetError(f"{label} is truncated or damaged (its zip directory is missing)", "path")
        raise FlopsheetError(not_workbook, "path")
    if p.stat().st_size > limits.max_total_bytes:
        raise FlopsheetError(f"{label} is larger than {_size(limits.max_total_bytes)}; {TRUST_HINT}", "path")
    try:
        with zipfile.ZipFile(p) as zf:
            _check_directory(label, zf.infolist(), limits)
            _check_parts(label, zf, limits, plain_scan)
    except FlopsheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise FlopsheetError(f"{label} is damaged ({detail})", "path") from None


def load_workbook(path: str | os.PathLike, limits: Limits = Limits(), **kwargs):
    """openpyxl.load_workbook for a file from outside: checked first, parsed through defusedxml.

    openpyxl parses every part with defusedxml when it is installed (it is a dependency) unless
    OPENPYXL_DEFUSEDXML=False; refuse to run without it rather than parse unguarded.
    """
    import openpyxl
    import openpyxl.xml

    check_workbook(path, limits)
    if not openpyxl.xml.DEFUSEDXML:
        raise FlopsheetError(
            "openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML=False set?); "
            "refusing to parse an untrusted workbook",
            "path",
        )
    return openpyxl.load_workbook(path, **kwargs)
