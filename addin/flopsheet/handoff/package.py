"""An .xlsx/.xlsm package read the way Excel reads it, without loading it into a workbook model.

Parts are found from `[Content_Types].xml` and the relationships (never by guessing names):
`_rels/.rels` -> the workbook part -> its relationships -> each sheet (ECMA-376 Part 2, Open
Packaging Conventions). Namespaces are matched by local name, so `x:`
prefixes and Strict Open XML (purl.oclc.org namespaces) read the same.

`Book` is what the translator (translate.Refs) and gpusheet.find_table read cells through. A
sheet's cells are parsed only when something asks for them (a call reads the sheet, or the
sheet may hold the GPU table): a sheet that nothing reads is never parsed.

The copy is a zip whose untouched members are the input's compressed bytes, copied as they are:
zipfile has no public "copy a member without recompressing" call. Decompressing and
recompressing every part would be lossless too, but it costs most of the hand-off's time on a
workbook without flopsheet calls and changes the compressed bytes; copying the raw member keeps
the part byte for byte at the cost of a disk read. The writer is zipfile's own (it writes the
local headers and the central directory, ZIP64 included); only the member's data is spliced in.
"""

from __future__ import annotations

import copy
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree

from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import ErrorValue, column_letter
from flopsheet.handoff import worksheetpart

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # zipfile's structFileHeader
_DATA_DESCRIPTOR = 0x08


# The settings sheets xlwings adds to a workbook (the copy leaves them out).
CONF_SHEETS = ("xlwings.conf", "_xlwings.conf")


def raw_member(zin: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's compressed bytes, as stored in the input file."""
    fp = zin.fp
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    fp.seek(fields[9] + fields[10], 1)  # name and extra field lengths
    return fp.read(info.compress_size)


def copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Append `info`'s member to `zout` without decompressing it."""
    data = raw_member(zin, info)
    out = copy.copy(info)
    # The local header carries CRC and sizes, so no data descriptor follows (zipfile writes the
    # header from these fields; a descriptor flag would make it write zeros there).
    out.flag_bits &= ~_DATA_DESCRIPTOR
    out.extra = _without_zip64(info.extra)
    zout._writecheck(out)  # noqa: SLF001 - the same checks write() makes (duplicate names, mode)
    out.header_offset = zout.fp.tell()
    zout.fp.write(out.FileHeader(out.file_size > zipfile.ZIP64_LIMIT or out.compress_size > zipfile.ZIP64_LIMIT))
    zout.fp.write(data)
    zout.start_dir = zout.fp.tell()
    zout.filelist.append(out)
    zout.NameToInfo[out.filename] = out
    zout._didModify = True  # noqa: SLF001 - so close() writes the central directory


def _without_zip64(extra: bytes) -> bytes:
    """The extra field without its ZIP64 block (FileHeader adds a fresh one when needed)."""
    out, i = b"", 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        if tag != 1:
            out += extra[i : i + 4 + size]
        i += 4 + size
    return out


REL_WORKSHEET = "worksheet"
_SI = re.compile(rb"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si/>", re.S)
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


_XML_DECL = re.compile(rb"^(\xef\xbb\xbf)?<\?xml\b[^>]*?\?>")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1""")
_XML_NAMES = (".xml", ".rels", ".vml")


def utf8_xml(data: bytes, name: str = "part") -> bytes:
    """An XML part as UTF-8, its declaration saying so. XML names its encoding (a byte-order mark,
    or the declaration: XML 1.0 section 4.3.3 and appendix F); the hand-off reads and edits parts
    as UTF-8 bytes, so a UTF-16 or ISO-8859-1 part is transcoded when read. A part it does not
    rewrite is carried as its original bytes all the same (copy_raw)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif data.startswith((b"<\x00?\x00", b"\x00<\x00?")):
        codec = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
    else:
        decl = _XML_DECL.match(data[:512])
        enc = _ENCODING.search(decl.group(0)) if decl else None
        if enc is None:
            return data
        codec = enc.group(2).decode("ascii")
        if codec.lower().replace("_", "-") in ("utf-8", "utf8"):
            return data
    try:
        text = data.decode(codec)
    except LookupError:
        raise FlopsheetError(f"{name} declares the encoding {codec!r}, which Python cannot read", "input") from None
    except UnicodeDecodeError as e:
        raise FlopsheetError(f"{name} is not valid {codec} ({e.reason} at byte {e.start})", "input") from None
    text = text.lstrip("\ufeff")
    m = re.match(r"<\?xml\b[^>]*?\?>", text)
    if m:
        head = re.sub(r"""\bencoding\s*=\s*(["'])[^"']*\1""", 'encoding="UTF-8"', m.group(0))
        if "encoding=" not in head:
            head = head[:-2].rstrip() + ' encoding="UTF-8"?>'
        text = head + text[m.end() :]
    return text.encode("utf-8")


class XmlZipFile(zipfile.ZipFile):
    """A ZipFile whose read() gives XML parts as UTF-8 (utf8_xml); raw members are untouched."""

    def read(self, name, pwd=None):
        data = super().read(name, pwd)
        filename = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if filename.lower().endswith(_XML_NAMES) or filename == "[Content_Types].xml":
            return utf8_xml(data, filename)
        return data


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def attr(el, name: str):
    """An attribute by local name, whatever its namespace (r:id in either the transitional or
    the Strict relationships namespace)."""
    for k, v in el.attrib.items():
        if local(k) == name:
            return v
    return None


def rels_part(part: str) -> str:
    d, name = posixpath.split(part)
    return posixpath.join(d, "_rels", name + ".rels")


@dataclass
class Rel:
    id: str
    type: str  # the last segment of the relationship type ("worksheet", "vbaProject"...)
    target: str  # the part name, resolved ("xl/worksheets/sheet1.xml"), or the raw target if external
    external: bool
    full_type: str = ""


def read_rels(zf: zipfile.ZipFile, owner: str, names: set) -> list[Rel]:
    name = rels_part(owner) if owner else "_rels/.rels"
    if name not in names:
        return []
    out = []
    base = posixpath.dirname(owner)
    for el in ElementTree.fromstring(zf.read(name)):
        target = el.get("Target") or ""
        external = el.get("TargetMode") == "External"
        if not external:
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        full = el.get("Type") or ""
        out.append(Rel(el.get("Id"), full.rsplit("/", 1)[-1], target, external, full))
    return out


@dataclass
class SheetEntry:
    name: str
    sheet_id: str
    rid: str
    part: str | None
    kind: str  # relationship type: worksheet, chartsheet, dialogsheet...
    index: int  # position in <sheets>


@dataclass
class Package:
    zf: zipfile.ZipFile
    names: set
    workbook: str  # the workbook part name
    rels: list[Rel]  # the workbook's relationships
    sheets: list[SheetEntry]
    names_xml: list = field(default_factory=list)  # (name, localSheetId or None, text)
    shared_strings: str | None = None
    styles: str | None = None
    _sst: list | None = None

    @classmethod
    def open(cls, zf: zipfile.ZipFile) -> Package:
        names = set(zf.namelist())
        root = read_rels(zf, "", names)
        book = next((r.target for r in root if r.type == "officeDocument" and not r.external), None)
        if book is None or book not in names:
            book = "xl/workbook.xml"
        if book not in names:
            where = getattr(zf, "filename", None) or "the input"
            if any("\\" in n for n in names):
                raise FlopsheetError(
                    f"{where} names its parts with backslashes (e.g. {next(n for n in names if chr(92) in n)}), which "
                    "the package format does not allow (ECMA-376 Part 2, 6.2.2); open it in Excel and save it again",
                    "input",
                )
            raise FlopsheetError(
                f"{where} has no workbook part ({book}, or one named in _rels/.rels): it is not an Excel workbook",
                "input",
            )
        rels = read_rels(zf, book, names)
        by_id = {r.id: r for r in rels}
        tree = ElementTree.fromstring(zf.read(book))
        sheets, dnames = [], []
        for el in tree.iter():
            tag = local(el.tag)
            if tag == "sheet":
                rel = by_id.get(attr(el, "id"))
                sheets.append(
                    SheetEntry(
                        el.get("name"),
                        el.get("sheetId"),
                        attr(el, "id"),
                        rel.target if rel and not rel.external else None,
                        rel.type if rel else "",
                        len(sheets),
                    )
                )
            elif tag == "definedName":
                lid = el.get("localSheetId")
                dnames.append((el.get("name"), int(lid) if lid and lid.isdigit() else None, el.text or ""))
        pkg = cls(zf, names, book, rels, sheets, dnames)
        for r in rels:
            if r.type == "sharedStrings" and r.target in names:
                pkg.shared_strings = r.target
            elif r.type == "styles" and r.target in names:
                pkg.styles = r.target
        return pkg

    @property
    def worksheets(self) -> list[SheetEntry]:
        return [s for s in self.sheets if s.kind == REL_WORKSHEET and s.part in self.names]

    def sst(self) -> list[str]:
        """The shared strings, as cells show them (rich-text runs joined, phonetic runs left out)."""
        if self._sst is None:
            out = []
            if self.shared_strings:
                data = self.zf.read(self.shared_strings)
                for m in _SI.finditer(data):
                    body = _RPH.sub(b"", m.group(1) or b"")
                    out.append("".join(worksheetpart.text(t.group(1)) for t in _T.finditer(body)))
            self._sst = out
        return self._sst


# -- a read-only view of the cells, for the translator and gpusheet.find_table ----------------
class CellView:
    __slots__ = ("row", "column", "value", "data_type", "cached", "typed")

    def __init__(self, row, column, value=None, data_type="n", cached=None, typed=None):
        self.row, self.column, self.value, self.data_type, self.cached = row, column, value, data_type, cached
        self.typed = typed  # the text a converted magnitude was typed as ("175B"), else None

    @property
    def coordinate(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


def cell_value(cell: worksheetpart.Cell, pat: worksheetpart.Pattern, sst) -> tuple:
    """(value, data type, cached value) of one cell element, typed as Excel shows it."""
    inner = cell.inner or b""
    t = cell.attrs.get(b"t", b"n")
    v = pat.v.search(inner) if inner else None
    raw = v.group(1) if v else None
    if t == b"inlineStr":
        m = pat.is_.search(inner)
        body = pat.rph.sub(b"", m.group(1)) if m else b""
        value = "".join(worksheetpart.text(x.group(1)) for x in pat.t.finditer(body))
    elif raw is None:
        value = None
    elif t == b"s":
        try:
            value = sst()[int(raw)]
        except (ValueError, IndexError):
            value = None
    elif t == b"b":
        value = raw.strip() == b"1"
    elif t == b"e":
        value = ErrorValue(worksheetpart.text(raw))
    elif t in (b"str", b"d"):
        value = worksheetpart.text(raw)
    else:
        try:
            value = float(raw)
        except ValueError:
            value = worksheetpart.text(raw)
    if inner and pat.has_f in inner and pat.f.search(inner):
        f = pat.f.search(inner)
        return "=" + worksheetpart.text(f.group(2)), "f", value
    kind = (
        "s"
        if isinstance(value, str) and not isinstance(value, ErrorValue)
        else ("b" if isinstance(value, bool) else "e" if isinstance(value, ErrorValue) else "n")
    )
    return value, kind, value


class SheetView:
    """One worksheet's cells, parsed on first use."""

    def __init__(self, pkg: Package, entry: SheetEntry, book: Book):
        self.pkg, self.entry, self.book = pkg, entry, book
        self.title = entry.name
        self._loaded = None
        self.defined_names: dict = {}

    @property
    def _cells(self) -> dict:
        if self._loaded is None:
            data = self.pkg.zf.read(self.entry.part)
            pat = worksheetpart.pattern_of(data)
            out = {}
            for c in worksheetpart.all_cells(data, pat):
                value, kind, cached = cell_value(c, pat, self.pkg.sst)
                if value is not None or kind == "f":
                    out[(c.r, c.c)] = CellView(c.r, c.c, value, kind, cached)
            self._loaded = out
            self.book.parsed.append(self.title)
        return self._loaded

    def set_number(self, row: int, column: int, x: float, typed: str | None = None) -> None:
        """A text magnitude the hand-off turned into a number (seen by later reads), and the text it
        was typed as (what the add-in read, and what a call refusing it must still see)."""
        if self._loaded is not None:
            self._loaded[(row, column)] = CellView(row, column, x, "n", x, typed)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self._cells), default=0)

    @property
    def max_column(self) -> int:
        return max((c for _, c in self._cells), default=0)

    def cell(self, row: int, column: int, value=None) -> CellView:
        got = self._cells.get((row, column))
        return got if got is not None else CellView(row, column)

    def iter_rows(self, min_row: int = 1, max_row: int | None = None):
        max_row = self.max_row if max_row is None else max_row
        width = self.max_column
        for r in range(min_row, max_row + 1):
            yield tuple(self.cell(r, c) for c in range(1, width + 1))


class _Names(dict):
    def get(self, name, default=None):
        return super().get(name.upper(), default) if isinstance(name, str) else default


class Book:
    """The workbook as translate.Refs and gpusheet read it: sheets by title, defined names."""

    def __init__(self, pkg: Package, dropped: set = frozenset()):
        self.pkg = pkg
        self.parsed: list[str] = []  # titles of sheets whose cells were parsed (for tests)
        self._sheets = {s.name: SheetView(pkg, s, self) for s in pkg.worksheets if s.name not in dropped}
        self.sheetnames = [s.name for s in pkg.sheets if s.name not in dropped]
        self.defined_names = _Names()
        if pkg.names_xml:  # (a Book is made only to translate calls: openpyxl is loaded then)
            from openpyxl.workbook.defined_name import DefinedName
        for name, lid, body in pkg.names_xml:
            dn = DefinedName(name, attr_text=body)
            if lid is None:
                self.defined_names[name.upper()] = dn
            elif 0 <= lid < len(pkg.sheets) and pkg.sheets[lid].name in self._sheets:
                self._sheets[pkg.sheets[lid].name].defined_names[name] = dn

    @property
    def worksheets(self) -> list[SheetView]:
        return list(self._sheets.values())

    def __getitem__(self, title: str) -> SheetView:
        return self._sheets[title]

    def __contains__(self, title: str) -> bool:
        return title in self._sheets

    def cached(self):
        """The saved values of formula cells, as `translate.Refs` asks for them."""
        return _Cached(self)


class _Cached:
    def __init__(self, book: Book):
        self.book = book

    def __getitem__(self, title):
        sheet = self.book[title]

        class _Sheet:
            @staticmethod
            def cell(r, c):
                got = sheet._cells.get((r, c))
                return CellView(r, c, None if got is None else got.cached)

        return _Sheet
