"""The workbook part, its relationships and `[Content_Types].xml`, edited as text: settings sheet
and VBA project gone, the GPUs / Models sheets added, defined names translated, `fullCalcOnLoad` set.
Nothing else in them changes (a copy without calls keeps all three byte for byte). Its prefix (`x:`) and every byte the hand-off does not
change are kept (ECMA-376 Part 1, 18.2: CT_Workbook). The names the copy adds (handoff.workings: named
assumptions, the Workings sheet's print area) are written here.
"""

from __future__ import annotations

import html
import re

from flopsheet.handoff import comments
from flopsheet.handoff.package import rels_part

# Elements that follow <calcPr> in CT_Workbook (ECMA-376 Part 1, 18.2.27): a new calcPr goes
# before the first of them.
_AFTER_CALCPR = (
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def full_calc(text: str, p: str) -> str:
    """Excel recomputes every twin on open: fullCalcOnLoad="1" on <calcPr>, added if missing."""
    m = re.search(r"<" + re.escape(p) + r"calcPr\b([^>]*?)(/?)>", text)
    if m:
        attrs = re.sub(r'\s*fullCalcOnLoad="[^"]*"', "", m.group(1))
        return text[: m.start()] + f'<{p}calcPr{attrs} fullCalcOnLoad="1"{m.group(2)}>' + text[m.end() :]
    el = f'<{p}calcPr fullCalcOnLoad="1"/>'
    for tag in _AFTER_CALCPR:
        n = re.search(r"<" + re.escape(p) + tag + r"\b", text)
        if n:
            return text[: n.start()] + el + text[n.start() :]
    end = text.rindex(f"</{p}workbook>")
    return text[:end] + el + text[end:]


def points_into(formula: str, sheets: set) -> bool:
    from flopsheet.exceltext import sheet_prefix

    return any(sheet_prefix(s) in formula or f"{s}!" in formula for s in sheets)


def xml_attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unxml(s: str) -> str:
    return html.unescape(s)


def fresh_id(taken: set, stem: str) -> str:
    n = len(taken) + 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


def defined_names_xml(edits, p: str) -> str:
    """The names the copy adds: (name, reference), or (name, reference, localSheetId) for a sheet's own
    (the Workings sheet's print area, handoff.workings.print_names)."""
    return "".join(
        f'<{p}definedName name="{xml_attr(n)}"'
        + "".join(f' localSheetId="{i}"' for i in local)
        + f">{xml_text(ref)}</{p}definedName>"
        for n, ref, *local in edits.added_names
    )


WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
WORKSHEET_REL = REL_NS + "/worksheet"
_MAIN_TYPES = (
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def workbook_parts(source, edits, translated: bool) -> None:
    """The workbook part, its relationships and the content types, as `edits` change them (into
    `edits.parts`); `translated`: formulas changed (Excel recomputes all on load)."""
    pkg = source.pkg
    book = pkg.workbook
    text = source.zf.read(book).decode("utf-8")
    removed_idx = sorted(s.index for s in edits.conf)
    prefix = re.search(r"<(\w+:)?workbook\b", text).group(1) or ""
    new_sheets = edits.new_sheets
    changed = False
    if removed_idx or new_sheets or translated or edits.name_texts or edits.added_names:
        text = _edit_workbook(edits, text, prefix, removed_idx, new_sheets, translated)
        changed = True
    if changed:
        edits.parts[book] = text.encode("utf-8")
    # relationships
    rels_name = rels_part(book)
    if rels_name in pkg.names:
        rels = source.zf.read(rels_name).decode("utf-8")
        new_rels = rels
        gone = {r.id for r in pkg.rels if not r.external and r.target in edits.removed}
        gone |= {s.rid for s in edits.conf}
        for rid in gone:
            new_rels = re.sub(r'<(?:\w+:)?Relationship\b[^>]*\bId="' + re.escape(rid) + r'"[^>]*/>', "", new_rels)
        for title, _ in new_sheets:
            target = new_sheet_part(edits, title)
            kind = next((r.full_type for r in pkg.rels if r.type == "worksheet"), WORKSHEET_REL)
            rel = f'<Relationship Id="{new_rid(edits, title)}" Type="{kind}" Target="/{target}"/>'
            new_rels = re.sub(r"(</(?:\w+:)?Relationships>)", lambda m: rel + m.group(1), new_rels)
        if new_rels != rels:
            edits.parts[rels_name] = new_rels.encode("utf-8")
    # content types
    ct = source.zf.read("[Content_Types].xml").decode("utf-8")
    new_ct = ct
    for part in edits.removed:
        new_ct = re.sub(r'<(?:\w+:)?Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*/>', "", new_ct, flags=re.I)
    for t in _MAIN_TYPES:
        new_ct = new_ct.replace(f'"{t}"', f'"{_SHEET_MAIN}"')
    remaining_bins = [n for n in pkg.names if n.lower().endswith(".bin") and n not in edits.removed]
    if not remaining_bins:
        new_ct = re.sub(
            r'<(?:\w+:)?Default\b[^>]*Extension="bin"[^>]*ContentType="application/vnd\.ms-office\.'
            r'vbaProject"[^>]*/>',
            "",
            new_ct,
            flags=re.I,
        )
    adds = list(edits.ct_add)
    for title, _ in new_sheets:
        adds.append(f'<Override PartName="/{new_sheet_part(edits, title)}" ContentType="{WORKSHEET_TYPE}"/>')
    if any(n.endswith(".vml") for n in edits.extra) and not re.search(r'Extension="vml"', new_ct, re.I):
        adds.insert(0, f'<Default Extension="vml" ContentType="{comments.VML_TYPE}"/>')
    if adds:
        new_ct = re.sub(r"(</(?:\w+:)?Types>)", lambda m: "".join(adds) + m.group(1), new_ct)
    if new_ct != ct:
        edits.parts["[Content_Types].xml"] = new_ct.encode("utf-8")


def new_sheet_part(edits, title: str) -> str:
    """The part name of an added sheet: the first sheetN.xml neither the input nor another
    added sheet uses."""
    if title not in edits.new_parts:
        taken = {x.lower() for x in edits.source.pkg.names} | set(edits.new_parts.values())
        n = 1
        while f"xl/worksheets/sheet{n}.xml" in taken:
            n += 1
        edits.new_parts[title] = f"xl/worksheets/sheet{n}.xml"
    return edits.new_parts[title]


def _edit_workbook(edits, text: str, p: str, removed_idx: list, new_sheets: list, translated: bool) -> str:
    pkg = edits.source.pkg
    conf_names = {s.name for s in edits.conf}
    # sheets: drop the conf sheets, add the GPUs sheet
    for s in edits.conf:
        text = re.sub(
            r"<" + re.escape(p) + r'sheet\b[^>]*\bname="' + re.escape(xml_attr(s.name)) + r'"[^>]*/>', "", text, count=1
        )
    ids = [int(s.sheet_id) for s in pkg.sheets if (s.sheet_id or "").isdigit()]
    for i, (title, _) in enumerate(new_sheets, start=1):
        rid = _rid_attr(text)
        el = f'<{p}sheet name="{xml_attr(title)}" sheetId="{max(ids, default=0) + i}" {rid}="{new_rid(edits, title)}"/>'
        text = re.sub(r"(</" + re.escape(p) + r"sheets>)", lambda m: el + m.group(1), text, count=1)

    def shift_index(i: int) -> int | None:
        if i in removed_idx:
            return None
        return i - sum(1 for x in removed_idx if x < i)

    # defined names: translated, dropped when they point into a removed sheet, re-indexed
    def name_el(m):
        head, body = m.group(1), m.group(2)
        name = re.search(r'\bname="([^"]*)"', head)
        lid = re.search(r'\blocalSheetId="(\d+)"', head)
        name = unxml(name.group(1)) if name else ""
        idx = int(lid.group(1)) if lid else None
        raw = unxml(body)
        if any(c in raw for c in conf_names) and points_into(raw, conf_names):
            edits.expected["defined name"] += 1
            return ""
        new_body = edits.name_texts.get((name, idx))
        if idx is not None:
            j = shift_index(idx)
            if j is None:
                edits.expected["defined name"] += 1
                return ""
            head = head.replace(lid.group(0), f'localSheetId="{j}"')
        body = body if new_body is None else xml_text(new_body)
        return f"<{p}definedName{head}>{body}</{p}definedName>"

    text = re.sub(
        r"<" + re.escape(p) + r"definedName\b([^>]*)>(.*?)</" + re.escape(p) + r"definedName>",
        name_el,
        text,
        flags=re.S,
    )
    added = defined_names_xml(edits, p)
    if added:  # the named assumptions the copy defines (handoff.assumptions); schema order: after sheets
        text = re.sub(r"<" + re.escape(p) + r"definedNames\s*/>", f"<{p}definedNames></{p}definedNames>", text)
        if re.search(r"</" + re.escape(p) + r"definedNames>", text):
            text = re.sub(r"(</" + re.escape(p) + r"definedNames>)", lambda m: added + m.group(1), text, count=1)
        else:
            after = "externalReferences" if re.search(r"</" + re.escape(p) + r"externalReferences>", text) else "sheets"
            text = re.sub(
                r"(</" + re.escape(p) + after + r">)",
                lambda m: m.group(1) + f"<{p}definedNames>{added}</{p}definedNames>",
                text,
                count=1,
            )
    text = re.sub(r"<" + re.escape(p) + r"definedNames>\s*</" + re.escape(p) + r"definedNames>", "", text)
    if removed_idx:

        def view(m):
            el = m.group(0)
            for a in ("activeTab", "firstSheet"):
                v = re.search(r"\b" + a + r'="(\d+)"', el)
                if v:
                    i = int(v.group(1))
                    j = shift_index(i)
                    j = max(0, i - sum(1 for x in removed_idx if x <= i)) if j is None else j
                    el = el.replace(v.group(0), f'{a}="{j}"')
            return el

        text = re.sub(r"<" + re.escape(p) + r"workbookView\b[^>]*>", view, text)
    if translated:
        text = full_calc(text, p)
    return text


def new_rid(edits, title: str) -> str:
    if title not in edits.new_rids:
        edits.new_rids[title] = fresh_id({r.id for r in edits.source.pkg.rels} | set(edits.new_rids.values()), "rId")
    return edits.new_rids[title]


def _rid_attr(text: str) -> str:
    """The relationship-id attribute of an added <sheet>, declaring its namespace on the element itself.

    Writers declare the relationships prefix on the root (Excel, openpyxl's own writer) or on each
    <sheet> (openpyxl when lxml is installed, PhpSpreadsheet); only a declaration on the element is
    in scope in both cases. The namespace is the one the workbook's sheets already use, so a Strict
    workbook keeps Strict's (ECMA-376 Part 1, 2016: the Strict relationships namespace)."""
    ns = REL_NS
    m = re.search(r"<(?:\w+:)?sheet\b[^>]*\s(\w+):id=", text)
    if m:
        bound = re.search(r"\sxmlns:" + re.escape(m.group(1)) + r'="([^"]+)"', text)
        if bound:
            ns = bound.group(1)
    elif STRICT_MAIN in text:
        ns = STRICT_REL_NS
    return f'xmlns:r="{ns}" r:id'
