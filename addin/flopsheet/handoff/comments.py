"""Comments on frozen cells ("frozen to the value the add-in computes, because ..."), added to a
worksheet part that has no comments yet.

The comments part and its VML drawing are written by openpyxl in a scratch workbook of our own
(only our comment texts pass through it) and lifted into the user's package with fresh part
names: openpyxl knows the VML Excel expects, and nothing of the user's is re-saved. A sheet
that already has comments or a legacy drawing (form controls) is left alone: merging two
drawings' shape ids risks Excel's repair dialog, so the reasons stay in the report instead.
"""

from __future__ import annotations

import io
import re
import zipfile

from flopsheet.exceltext import a1
from flopsheet.handoff import sheetxml

AUTHOR = "flopsheet"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Elements after <legacyDrawing> in CT_Worksheet (ECMA-376 Part 1, 18.3.1.99).
_AFTER = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
          "extLst")


def can_add(sheet_xml: bytes, rels_xml: bytes | None) -> bool:
    if rels_xml is not None and re.search(rb'Type="[^"]*/(comments|vmlDrawing)"', rels_xml):
        return False
    return re.search(rb"<(?:\w+:)?legacyDrawing\b", sheet_xml) is None


def scratch_parts(notes: dict, block: int) -> tuple[bytes, bytes]:
    """(comments part, VML drawing) for {(row, col): text}; VML shape ids in `block` (Excel
    numbers a drawing's shapes block*1024+n; a block no other drawing of the copy uses)."""
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    for (r, c), text in sorted(notes.items()):
        ws.cell(r, c).comment = Comment(text, AUTHOR, width=300, height=120)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        comments = z.read("xl/comments/comment1.xml")
        vml = z.read("xl/drawings/commentsDrawing1.vml")
    vml = re.sub(rb'data="\d+"', b'data="%d"' % block, vml, count=1)
    counter = iter(range(block * 1024 + 1, block * 1024 + 1024 * 64))
    vml = re.sub(rb'id="_x0000_s\d+"', lambda m: b'id="_x0000_s%d"' % next(counter), vml)
    return comments, vml


def legacy_drawing(sheet_xml: bytes, pat: sheetxml.Pattern, rid: str) -> bytes:
    """`sheet_xml` with <legacyDrawing r:id> in its schema position."""
    el = b"<" + pat.tag("legacyDrawing") + b' xmlns:r="' + R_NS.encode() + b'" r:id="' + rid.encode() + b'"/>'
    for tag in _AFTER:
        m = re.search(b"<" + re.escape(pat.tag(tag)) + rb"\b", sheet_xml)
        if m:
            return sheet_xml[:m.start()] + el + sheet_xml[m.start():]
    end = sheet_xml.rindex(b"</" + pat.tag("worksheet") + b">")
    return sheet_xml[:end] + el + sheet_xml[end:]


def relationships(rels_xml: bytes | None, comments_part: str, vml_part: str) -> tuple[bytes, str]:
    """The sheet's relationships with the two new ones; returns (part bytes, the VML's id)."""
    if rels_xml is None:
        rels_xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    taken = set(re.findall(rb'Id="([^"]*)"', rels_xml))
    ids = []
    n = 1
    while len(ids) < 2:
        if b"rId%d" % n not in taken:
            ids.append("rId%d" % n)
        n += 1
    new = (f'<Relationship Id="{ids[0]}" Type="{REL}comments" Target="/{comments_part}"/>'
           f'<Relationship Id="{ids[1]}" Type="{REL}vmlDrawing" Target="/{vml_part}"/>').encode()
    m = re.search(rb"</(?:\w+:)?Relationships>", rels_xml)
    return rels_xml[:m.start()] + new + rels_xml[m.start():], ids[1]


def note_text(why: str) -> str:
    return f"flopsheet hand-off: frozen to the value the flopsheet add-in computes, because {why}."


