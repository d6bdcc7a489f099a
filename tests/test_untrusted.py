"""check_workbook refuses hostile workbooks with one clear line; every fixture is built here."""

from __future__ import annotations

import functools
import struct
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment

from flopsheet import untrusted
from flopsheet.errors import FlopsheetError
from flopsheet.untrusted import Limits
from flopsheet.untrusted import check_workbook as _check_workbook
from hostile_zip import rezip

check_workbook = _check_workbook


@pytest.fixture(autouse=True, params=["expat", "plain scan"])
def scan_mode(request, monkeypatch):
    """Every refusal holds both ways: expat over every part, and the hand-off's plain scan
    (check_workbook(plain_scan=True)), which hands any part it cannot bound to expat."""
    if request.param == "plain scan":
        monkeypatch.setitem(globals(), "check_workbook", functools.partial(_check_workbook, plain_scan=True))
    return request.param


SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(body: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet {NS}>{dim}<sheetData>{body}</sheetData></worksheet>'.encode()


@pytest.fixture
def good(tmp_path):
    """A normal openpyxl workbook: formulas, shared strings, a merge, a hyperlink, a comment (VML)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Inputs"
    for r in range(1, 50):
        ws.append([f"name {r}", r, r * 1.5, f"=B{r}*C{r}"])
    ws.merge_cells("F1:H3")
    ws["A1"].hyperlink = "https://example.com"
    ws["B2"].comment = Comment("note", "me")
    wb.create_sheet("Other")["A1"] = "=SUM(Inputs!B1:B49)"
    path = tmp_path / "good.xlsx"
    wb.save(path)
    return path


def _refused(path, *needles, limits=None) -> str:
    with pytest.raises(FlopsheetError) as info:
        check_workbook(path, limits) if limits else check_workbook(path)
    msg = str(info.value)
    assert msg and "\n" not in msg
    for needle in needles:
        assert needle in msg, msg
    return msg


def test_normal_workbook_passes(good):
    check_workbook(good)
    check_workbook(str(good))


def test_prefixed_namespace_sheet_passes(good, tmp_path):
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:dimension ref="A1:B2"/><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
        b'<x:c r="B2"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    check_workbook(rezip(good, tmp_path / "p.xlsx", {SHEET: xml}))


# --- not a workbook ----------------------------------------------------------------------


def test_text_file_named_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just some text\n")
    _refused(path, "is not an Excel workbook", "zip")


def test_missing_file_and_directory(tmp_path):
    _refused(tmp_path / "nope.xlsx", "does not exist")
    _refused(tmp_path, "is not an Excel workbook")


def test_truncated_zip(good, tmp_path):
    data = good.read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "truncated")


def test_zip_without_content_types(tmp_path):
    path = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _refused(path, "not an Excel workbook")


def test_ole_file(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    _refused(path, "password-protected or an old .xls")


# --- zip directory -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "xl/../../evil.xml", "C:/evil.xml", "..\\evil.xml"])
def test_path_traversal_names(good, tmp_path, name):
    path = rezip(good, tmp_path / "trav.xlsx", add={name: b"<a/>"})
    _refused(path, "path traversal", name.replace("\\", "/"))


def test_duplicate_part_names(good, tmp_path):
    path = rezip(good, tmp_path / "dup.xlsx", add={SHEET.upper(): _sheet("")})
    _refused(path, "two parts named")


def test_too_many_parts(good, tmp_path):
    _refused(good, "parts (limit 3)", limits=Limits(max_parts=3))


def test_part_size_ratio_and_total_limits(good, tmp_path):
    path = rezip(good, tmp_path / "zeros.xlsx", add={"xl/media/zeros.bin": bytes(5 << 20)})
    check_workbook(path)  # zeros compress ~1000:1, within what deflate can do: bytes out are what count
    _refused(path, "zip bomb", "compressed 1,0", limits=Limits(max_ratio=200))
    msg = _refused(path, "is 5.0 MB uncompressed", "--trust-size", limits=Limits(max_part_bytes=1 << 20))
    assert "zip bomb" in msg  # over its limit, and inflated ~1000:1
    _refused(path, "uncompressed in all", "--trust-size", limits=Limits(max_total_bytes=4 << 20))


def test_a_large_part_that_compresses_plainly_is_not_called_a_bomb(good, tmp_path):
    import random

    rng = random.Random(1)
    text = bytes(rng.choice(b"0123456789ABCDEF") for _ in range(3 << 20))  # compresses about 2:1
    path = rezip(good, tmp_path / "large.xlsx", add={"xl/media/big.bin": text})
    msg = _refused(path, "is 3.0 MB uncompressed", "--trust-size", limits=Limits(max_part_bytes=1 << 20))
    assert "bomb" not in msg
    check_workbook(path, untrusted.TRUSTED)


class ZipWork:
    """What check_workbook inflates, per part: `reads` (bytes each read() returned) and `inflated`
    (bytes decompressed, counted where zipfile checks the CRC, so a read that fails mid-way is
    counted too). A bound on work, not a clock."""

    def __init__(self):
        self.reads: dict[str, list[int]] = {}
        self.inflated: dict[str, int] = {}

    def clear(self):
        self.reads.clear()
        self.inflated.clear()


@pytest.fixture
def zip_reads(monkeypatch):
    work = ZipWork()
    read, update_crc = zipfile.ZipExtFile.read, zipfile.ZipExtFile._update_crc

    def counting_read(self, n=-1):
        data = read(self, n)
        work.reads.setdefault(self.name, []).append(len(data))
        return data

    def counting_crc(self, data):
        work.inflated[self.name] = work.inflated.get(self.name, 0) + len(data)
        return update_crc(self, data)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    monkeypatch.setattr(zipfile.ZipExtFile, "_update_crc", counting_crc)
    return work


def test_realistic_zip_bomb_refused_from_the_directory(good, tmp_path, zip_reads):
    """~1 MB on disk expanding to 1.1 GB: refused from the directory, without inflating a byte.
    (Its timing is in benchmarks/untrusted_bench.py.)"""
    path = tmp_path / "bomb.xlsx"
    rezip(good, path)
    zeros = bytes(16 << 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/media/image1.png", "w", force_zip64=True) as fh:
            for _ in range(70):
                fh.write(zeros)
    assert path.stat().st_size < 3 << 20
    zip_reads.clear()
    _refused(path, "zip bomb", "1.1 GB")
    assert zip_reads.inflated == {}, zip_reads.inflated


def test_directory_that_lies_about_size(good, tmp_path, zip_reads):
    """The central directory claims 1,000 bytes; the data inflates to 50 MB. Reads stay capped."""
    path = rezip(good, tmp_path / "liar.xlsx", add={"xl/media/z.bin": bytes(50 << 20)})
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/media/z.bin"))
    struct.pack_into("<I", data, entry + 24, 1000)  # uncompressed size in the central directory
    path.write_bytes(bytes(data))
    zip_reads.clear()
    _refused(path, "damaged")  # zipfile stops at 1,000 bytes and the CRC no longer matches
    assert 0 < zip_reads.inflated["xl/media/z.bin"] <= 1000, zip_reads.inflated
    with zipfile.ZipFile(good) as zf:
        declared = sum(info.file_size for info in zf.infolist())
    assert sum(zip_reads.inflated.values()) <= declared + 1000


# --- XML ---------------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + f"]>\n<worksheet {NS}><sheetData/>&lol9;</worksheet>"
).encode()

XXE = (
    f'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f"<worksheet {NS}>&xxe;</worksheet>"
).encode()


def test_billion_laughs(good, tmp_path):
    path = rezip(good, tmp_path / "lol.xlsx", {SHEET: BILLION_LAUGHS})
    _refused(path, SHEET, "entity", "billion laughs")


def test_external_entity(good, tmp_path):
    path = rezip(good, tmp_path / "xxe.xlsx", {SHEET: XXE})
    _refused(path, "external", "file:///etc/passwd")


def test_external_dtd_in_rels(good, tmp_path):
    rels = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://evil.example/x.dtd"><Relationships/>'
    path = rezip(good, tmp_path / "dtd.xlsx", {"_rels/.rels": rels})
    _refused(path, "_rels/.rels", "DTD", "http://evil.example/x.dtd")


def test_plain_doctype_refused(good, tmp_path):
    path = rezip(good, tmp_path / "dt.xlsx", {"xl/styles.xml": b"<!DOCTYPE s><styleSheet/>"})
    _refused(path, "xl/styles.xml", "DTD")


def test_dtd_in_utf16_part_and_in_non_xml_name(good, tmp_path):
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'.encode("utf-16")
    path = rezip(good, tmp_path / "u16.xlsx", {"xl/styles.xml": utf16})
    _refused(path, "entity")
    path = rezip(good, tmp_path / "dat.xlsx", add={"xl/sheet.dat": XXE})
    _refused(path, "xl/sheet.dat", "external")


def test_malformed_xml(good, tmp_path, scan_mode):
    if scan_mode == "plain scan":
        pytest.skip("the plain scan bounds a part without proving it well-formed (documented)")
    path = rezip(good, tmp_path / "bad.xlsx", {SHEET: b"<worksheet><sheetData>"})
    _refused(path, SHEET, "not well-formed XML")


# --- sheet dimensions --------------------------------------------------------------------


def test_dimension_bomb(good, tmp_path):
    xml = _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>', "A1:XFE1048577")
    path = rezip(good, tmp_path / "dim.xlsx", {SHEET: xml})
    _refused(path, SHEET, "claims dimension A1:XFE1048577", "beyond", "dimension bomb")


def test_cells_at_the_grids_corners_are_counted_not_their_box(good, tmp_path):
    """Three cells at the corners of the grid are three cells (Excel writes such files), not the
    17 billion of their bounding box; the limit is on the cells present."""
    xml = _sheet(
        '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    path = rezip(good, tmp_path / "span.xlsx", {SHEET: xml})
    check_workbook(path)
    _refused(path, "more than 2 cells", limits=Limits(max_cells=2))


def test_implicit_cell_positions_are_counted(good, tmp_path):
    # No r on the far cells: each is a cell all the same, counted against the limit.
    xml = _sheet('<row r="1"><c r="XFD1"><v>1</v></c></row><row r="1048576">' + "<c><v>2</v></c>" * 150 + "</row>")
    path = rezip(good, tmp_path / "implicit.xlsx", {SHEET: xml})
    check_workbook(path)
    with pytest.raises(FlopsheetError, match="more than 150 cells"):
        _check_workbook(path, Limits(max_cells=150))  # expat: the cells without r are counted


def test_cell_beyond_excel_grid(good, tmp_path):
    path = rezip(good, tmp_path / "far.xlsx", {SHEET: _sheet('<row r="1"><c r="ZZZZ1"><v>1</v></c></row>')})
    _refused(path, "ZZZZ1", "beyond")


def test_prefixed_cell_beyond_the_grid(good, tmp_path):
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1"/></x:row><x:row r="1048576"><x:c r="XFE1048576"/></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    _refused(rezip(good, tmp_path / "px.xlsx", {SHEET: xml}), "XFE1048576", "beyond")


@pytest.mark.parametrize(
    "element",
    [
        '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
        '<hyperlinks><hyperlink ref="1:1048576" display="x"/></hyperlinks>',
    ],
)
def test_range_bombs(good, tmp_path, element):
    xml = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>').replace(b"</sheetData>", b"</sheetData>" + element.encode())
    _refused(rezip(good, tmp_path / "merge.xlsx", {SHEET: xml}), "range bomb")


def test_small_limits_on_cells(good):
    _refused(good, "cells", limits=Limits(max_cells=100))


def test_big_sheet_is_read_once_in_bounded_chunks(good, tmp_path, zip_reads):
    """A 20k-row x 10-column sheet (~7 MB of XML): every part is inflated exactly once, in pieces
    of at most one chunk, so the work is one pass over the bytes and memory does not grow with
    the sheet. (Seconds per MB are in benchmarks/untrusted_bench.py, never asserted here.)"""
    from flopsheet.untrusted import _CHUNK

    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"><v>{r}.5</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 20_001)
    )
    xml = _sheet(rows, "A1:J20000")
    path = rezip(good, tmp_path / "big.xlsx", {SHEET: xml})
    zip_reads.clear()
    check_workbook(path)
    with zipfile.ZipFile(path) as zf:
        sizes = {info.filename: info.file_size for info in zf.infolist()}
    assert zip_reads.inflated == sizes  # every part inflated exactly once: one pass, no re-read
    for name, reads in zip_reads.reads.items():
        assert sum(reads) == sizes[name] and max(reads) <= _CHUNK, (name, reads)
    assert len(zip_reads.reads[SHEET]) <= len(xml) // _CHUNK + 2  # chunks, then the empty read at EOF


def test_openpyxl_parses_through_defusedxml(tmp_path):
    # The second guard behind check_workbook: openpyxl's own parser is defusedxml's, or with lxml
    # installed lxml's with entity resolution off (openpyxl.xml.functions' safe_parser).
    import defusedxml.ElementTree
    import openpyxl.xml.functions

    from flopsheet.untrusted import load_workbook

    parse = openpyxl.xml.functions.fromstring
    if openpyxl.xml.LXML:
        assert parse.func.__module__.startswith("lxml")
        expanded = openpyxl.xml.functions.tostring(
            parse(b'<!DOCTYPE x [<!ENTITY l "laugh"><!ENTITY m "&l;&l;&l;&l;">]><x>&m;</x>')
        )
        assert b"laugh" not in expanded, expanded  # entities are kept as references, never expanded
    else:
        assert parse is defusedxml.ElementTree.fromstring
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    assert load_workbook(path).active["A1"].value == "=1+1"


# --- issue 12: legitimate workbooks that the checks used to refuse ------------------------


def test_whole_grid_dimension_with_few_cells_passes(good, tmp_path):
    """Excel and LibreOffice declare A1:XFD1048576 for a sheet with whole-row formats: not a bomb."""
    xml = _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>', "A1:XFD1048576")
    check_workbook(rezip(good, tmp_path / "grid.xlsx", {SHEET: xml}))


def test_binary_part_starting_like_utf16_is_not_xml(good, tmp_path):
    """A Power Pivot data model (xl/model/item.data) is binary and starts with FF FE."""
    data = b"\xff\xfe" + bytes(range(256)) * 64
    check_workbook(rezip(good, tmp_path / "model.xlsx", add={"xl/model/item.data": data}))
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'.encode("utf-16")
    _refused(rezip(good, tmp_path / "u16.xlsx", add={"xl/model/item.data": utf16}), "entity")


def test_whole_column_merge_passes(good, tmp_path):
    xml = _sheet('<row r="1"><c r="B1"><v>1</v></c></row>').replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="B1:B1048576"/></mergeCells>'
    )
    check_workbook(rezip(good, tmp_path / "col.xlsx", {SHEET: xml}))


# --- the plain scan: a part it cannot read plainly goes to expat, which bounds it ---------


@pytest.mark.parametrize(
    "cells",
    [
        '<c foo=\' r="A1" \' r="XFE1048576"><v>2</v></c>',  # the real r after a fake one in a value
        '<c r="A1" r="XFE1048576"><v>2</v></c>',  # r twice
        '<c s="1" r="XFE1048576"><v>2</v></c>',  # r not first
        "<c r='XFE1048576'><v>2</v></c>",  # single quotes
        '<c r="&#88;FE1048576"><v>2</v></c>',  # a character reference
        '<c\tr="XFE1048576"><v>2</v></c>',  # a tab
        '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFE1048576"/>',
        '<!-- --><c r="XFE1048576"><v>2</v></c>',
    ],
)
def test_plain_scan_hands_odd_spellings_to_expat(good, tmp_path, cells):
    xml = _sheet(f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">{cells}</row>')
    path = rezip(good, tmp_path / "odd.xlsx", {SHEET: xml})
    with pytest.raises(FlopsheetError) as info:
        _check_workbook(path, plain_scan=True)
    assert "XFE1048576" in str(info.value) or "well-formed" in str(info.value)


def test_plain_scan_hides_no_range(good, tmp_path):
    element = '<mergeCells count="1"><mergeCell x=\' ref="A1" \' ref="A1:XFD1048576"/></mergeCells>'
    xml = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>').replace(b"</sheetData>", b"</sheetData>" + element.encode())
    with pytest.raises(FlopsheetError, match="range bomb"):
        _check_workbook(rezip(good, tmp_path / "m.xlsx", {SHEET: xml}), plain_scan=True)


def test_plain_scan_reads_a_plain_sheet_without_expat(good, tmp_path, monkeypatch):
    """The work bound: a plainly written 5k-row sheet never reaches expat's per-element calls."""
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"><v>{r}</v></c>' for c in "ABCDE") + "</row>"
        for r in range(1, 5001)
    )
    path = rezip(good, tmp_path / "plain.xlsx", {SHEET: _sheet(rows, "A1:E5000")})
    fed = []
    original = untrusted._XmlPart.feed
    monkeypatch.setattr(
        untrusted._XmlPart,
        "feed",
        lambda self, data, final=False: (fed.append((self.where, len(data))), original(self, data, final))[1],
    )
    _check_workbook(path, plain_scan=True)
    assert not [w for w, _ in fed if SHEET in w]
    _check_workbook(path)
    assert sum(n for w, n in fed if SHEET in w) > 100_000


def test_vml_as_excel_writes_it_passes_and_a_dtd_in_it_does_not(good, tmp_path):
    """Excel writes `<br>` unclosed in the VML of form buttons: not well-formed, and ordinary."""
    with zipfile.ZipFile(good) as z:
        vml_name = next(n for n in z.namelist() if n.endswith(".vml"))
        vml = z.read(vml_name)
    button = vml.replace(b"</xml>", b'<v:shape id="b1"><v:textbox><div>Run<br>now</div></v:textbox></v:shape></xml>')
    check_workbook(rezip(good, tmp_path / "button.xlsx", {vml_name: button}))
    hostile = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + vml
    _refused(rezip(good, tmp_path / "dtd.xlsx", {vml_name: hostile}), "DTD or an entity")
