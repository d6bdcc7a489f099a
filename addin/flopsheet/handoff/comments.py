"""Comments on frozen cells ("frozen to the value the add-in computes, because ..."), added to a
worksheet part that has no comments yet.

The comments part and its VML drawing are written by openpyxl in a scratch workbook of our own
(only our comment texts pass through it) and lifted into the user's package with fresh part
names: openpyxl knows the VML Excel expects, and nothing of the user's is re-saved. A sheet
that already has comments gets ours appended to its comments part and its VML drawing (text
inserted before their closing tags, every other byte kept; shape ids after the drawing's own,
within its id block). A sheet with a legacy drawing but no comments (form controls), or parts
written in an unexpected way, is left alone and the reasons stay in the report.
"""

from __future__ import annotations

import io
import re
import zipfile

from flopsheet.exceltext import a1
from flopsheet.handoff.package import rels_part

AUTHOR = "flopsheet"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


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


def relationships(rels_xml: bytes | None, comments_part: str, vml_part: str) -> tuple[bytes, str]:
    """The sheet's relationships with the two new ones; returns (part bytes, the VML's id)."""
    if rels_xml is None:
        rels_xml = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
    taken = set(re.findall(rb'Id="([^"]*)"', rels_xml))
    ids = []
    n = 1
    while len(ids) < 2:
        if b"rId%d" % n not in taken:
            ids.append("rId%d" % n)
        n += 1
    new = (
        f'<Relationship Id="{ids[0]}" Type="{REL}comments" Target="/{comments_part}"/>'
        f'<Relationship Id="{ids[1]}" Type="{REL}vmlDrawing" Target="/{vml_part}"/>'
    ).encode()
    m = re.search(rb"</(?:\w+:)?Relationships>", rels_xml)
    return rels_xml[: m.start()] + new + rels_xml[m.start() :], ids[1]


def note_text(why: str) -> str:
    return f"flopsheet hand-off: frozen to the value the flopsheet add-in computes, because {why}."


def _escape(s: str) -> str:
    """XML text: & < > as entities (xml.sax.saxutils.escape, without importing urllib and email)."""
    return s.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def add(source, edits, report) -> None:
    """A comment on each frozen cell saying why (see handoff.comments): new parts in `edits`, a
    warning in `report` where a sheet's own comments cannot take them. `source`: the input package."""
    block = 900  # VML shape-id blocks far above the ones Excel numbers from the sheet index
    taken = {n.lower() for n in source.pkg.names}
    for plan in edits.plans.values():
        if not plan.notes:
            continue
        rels_name = rels_part(plan.part)
        rels = source.zf.read(rels_name) if rels_name in source.pkg.names else None
        if not can_add(plan.data, rels):
            if not _merge_into(source, edits, report, plan, rels):
                report.warnings.append(
                    f'sheet "{plan.title}" already has comments: the frozen cells are listed here, not commented'
                )
            continue
        block += 1
        n = block
        while f"xl/comments/comment{n}.xml" in taken or f"xl/drawings/vmldrawing{n}.vml" in taken:
            n += 1
        cpart, vpart = f"xl/comments/comment{n}.xml", f"xl/drawings/vmlDrawing{n}.vml"
        taken |= {cpart.lower(), vpart.lower()}
        cxml, vml = scratch_parts(plan.notes, block)
        edits.extra[cpart], edits.extra[vpart] = cxml, vml
        new_rels, plan.legacy_rid = relationships(rels, cpart, vpart)
        (edits.parts if rels is not None else edits.extra)[rels_name] = new_rels
        edits.ct_add.append(f'<Override PartName="/{cpart}" ContentType="{COMMENTS_TYPE}"/>')


_VML_URIS = {
    b"o": b"urn:schemas-microsoft-com:office:office",
    b"v": b"urn:schemas-microsoft-com:vml",
    b"x": b"urn:schemas-microsoft-com:office:excel",
}


def _scratch_shapes(scratch_vml: bytes) -> tuple[list[bytes], bytes]:
    """(the <v:shape> elements, the <v:shapetype>) of our scratch VML, written with the prefixes
    Excel declares on a drawing's root (o:, v:, x:) and no declarations of their own. Parsed, not
    matched as text: openpyxl's standard-library writer names the namespaces ns0, ns1, ns2 once,
    its lxml writer declares them again on each element under changing prefixes."""
    from xml.etree import ElementTree as ET  # our own output, never a user's part

    prefix = {uri.decode(): excel.decode() for excel, uri in _VML_URIS.items()}

    def name(qname: str) -> str:
        if qname.startswith("{"):
            uri, local_name = qname[1:].split("}", 1)
            return f"{prefix[uri]}:{local_name}"
        return qname

    def xml(el) -> bytes:
        attrs = "".join(f' {name(k)}="{_escape(v).replace(chr(34), "&quot;")}"' for k, v in el.attrib.items())
        body = _escape(el.text or "") + "".join(xml(k).decode() + _escape(k.tail or "") for k in el)
        return (
            f"<{name(el.tag)}{attrs}>{body}</{name(el.tag)}>" if body or len(el) else f"<{name(el.tag)}{attrs}/>"
        ).encode()

    root = ET.fromstring(scratch_vml)
    v = "{" + _VML_URIS[b"v"].decode() + "}"
    shapes = [xml(el) for el in root if el.tag == v + "shape"]
    kind = next(xml(el) for el in root if el.tag == v + "shapetype")
    return shapes, kind


def merge(comments_xml: bytes, vml: bytes, notes: dict) -> tuple[bytes, bytes, list] | None:
    """(comments part, VML drawing, cells skipped because they already have a comment) with
    `notes` {(row, col): text} appended, or None when the parts are not written as Excel writes
    them (an unprefixed comments part; a VML drawing declaring o:, v:, x: with a free shape id
    in its block)."""
    if not re.match(rb"(?:<\?xml[^>]*>\s*)?<comments\b", comments_xml.lstrip(b"\xef\xbb\xbf")):
        return None
    for prefix, uri in _VML_URIS.items():
        if not re.search(rb"xmlns:" + prefix + rb'\s*=\s*["\']' + re.escape(uri) + rb'["\']', vml):
            return None
    if b"</commentList>" not in comments_xml or b"</xml>" not in vml:
        return None
    taken = {m.decode() for m in re.findall(rb'<comment\b[^>]*\bref="([A-Z]+[0-9]+)"', comments_xml)}
    fresh = {k: v for k, v in notes.items() if a1(k[1], k[0]) not in taken}
    skipped = sorted(k for k in notes if k not in fresh)
    if not fresh:
        return comments_xml, vml, skipped
    ids = [int(x) for x in re.findall(rb'id="_x0000_s(\d+)"', vml)]
    block = re.search(rb'<o:idmap\b[^>]*\bdata="(\d+)', vml)
    first = max(ids, default=(int(block.group(1)) * 1024 if block else 1024)) + 1
    if block and first + len(fresh) > (int(block.group(1)) + 1) * 1024:
        return None
    scratch_c, scratch_v = scratch_parts(fresh, 1)
    # comments: our author (appended, or found), then one <comment> per note before </commentList>
    authors = re.findall(rb"<author>(.*?)</author>|<author/>", comments_xml, re.S)
    if AUTHOR.encode() in authors:
        author = authors.index(AUTHOR.encode())
    else:
        author = len(authors)
        if b"</authors>" in comments_xml:
            comments_xml = comments_xml.replace(
                b"</authors>", b"<author>" + AUTHOR.encode() + b"</author></authors>", 1
            )
        elif re.search(rb"<authors\s*/>", comments_xml):
            comments_xml = re.sub(
                rb"<authors\s*/>",
                b"<authors><author>" + AUTHOR.encode() + b"</author></authors>",
                comments_xml,
                count=1,
            )
        else:
            return None
    new = re.findall(rb"<comment\b.*?</comment>", scratch_c, re.S)
    new = [re.sub(rb'\sshapeId="\d+"', b"", re.sub(rb'authorId="\d+"', b'authorId="%d"' % author, c)) for c in new]
    at = comments_xml.rindex(b"</commentList>")
    comments_xml = comments_xml[:at] + b"".join(new) + comments_xml[at:]
    # VML: our shapes, prefixes as Excel writes them, ids after the drawing's own
    shapes, kind = _scratch_shapes(scratch_v)
    counter = iter(range(first, first + len(shapes)))
    out = [re.sub(rb'id="_x0000_s\d+"', lambda m: b'id="_x0000_s%d"' % next(counter), shape) for shape in shapes]
    if b'id="_x0000_t202"' not in vml:
        out.insert(0, kind)
    at = vml.rindex(b"</xml>")
    return comments_xml, vml[:at] + b"".join(out) + vml[at:], skipped


def _merge_into(source, edits, report, plan, rels: bytes | None) -> bool:
    """Our comments appended to the sheet's own comments part and VML drawing; False when the
    sheet has no comments part (a legacy drawing of form controls) or merge() declines."""
    import posixpath

    if rels is None:
        return False
    base = posixpath.dirname(plan.part)
    targets = {}
    for el in re.finditer(rb"<Relationship\b[^>]*>", rels):
        kind = re.search(rb'Type="[^"]*/(comments|vmlDrawing)"', el.group(0))
        target = re.search(rb'Target="([^"]*)"', el.group(0))
        if kind and target and b"External" not in el.group(0):
            t = target.group(1).decode()
            targets.setdefault(kind.group(1), []).append(
                t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(base, t))
            )
    cparts, vparts = targets.get(b"comments", []), targets.get(b"vmlDrawing", [])
    if len(cparts) != 1 or len(vparts) != 1 or not all(p in source.pkg.names for p in cparts + vparts):
        return False
    got = merge(source.zf.read(cparts[0]), source.zf.read(vparts[0]), plan.notes)
    if got is None:
        return False
    cxml, vml, skipped = got
    edits.parts[cparts[0]], edits.parts[vparts[0]] = cxml, vml
    for r, c in skipped:
        report.warnings.append(f"{plan.title}!{a1(c, r)} already has a comment: frozen, not commented")
    return True
