"""The copy's wording for a workbook that came from the template (issue 22).

The .xlsm's Start page says how to install Python and import the functions, and some sheets' notes say
"#NAME? until the add-in is on": true of the .xlsm, false of its hand-off copy. `flopsheet template`
marks what it writes (custom document properties named in flopsheet.editions, never a guess from text).
For a workbook so marked, the hand-off reads where the template's two editions in that language differ
(the .xlsm's and its copy's, the same cells at the same places: flopsheet.editions.wording) and gives
each text cell that still holds the .xlsm's text the copy's text at that cell. A cell the user typed over
or added keeps what it holds; the add-in status cell (=FLOPSHEET_VERSION(), a formula only the .xlsm has)
becomes the copy's line. The copy's mark then says "copy". A workbook without the mark keeps its text.
"""

from __future__ import annotations

from defusedxml import ElementTree

from flopsheet import editions
from flopsheet.exceltext import a1
from flopsheet.handoff import worksheetpart
from flopsheet.handoff.package import cell_value, local, read_rels
from flopsheet.handoff.worksheetpart import cell_xml, value_xml

_CUSTOM = "custom-properties"


def _custom_part(source) -> str | None:
    rel = next(
        (r for r in read_rels(source.zf, "", set(source.zf.namelist())) if r.type == _CUSTOM and not r.external), None
    )
    return rel.target if rel is not None and rel.target in source.zf.namelist() else None


def properties(source) -> dict[str, str]:
    """The workbook's custom document properties, {name: text}."""
    part = _custom_part(source)
    if part is None:
        return {}
    out = {}
    for prop in ElementTree.fromstring(source.zf.read(part)):
        if local(prop.tag) == "property" and prop.get("name") and len(prop):
            out[prop.get("name")] = prop[0].text or ""
    return out


def template_language(source) -> str | None:
    """The language of the template's add-in edition this workbook came from, or None (a user's own
    workbook, or a copy already)."""
    props = properties(source)
    lang = props.get(editions.TEMPLATE)
    if lang in editions.LANGS and props.get(editions.EDITION) == editions.EDITIONS["addin"]:
        return lang
    return None


def _is_formula(v) -> bool:
    return isinstance(v, str) and v.startswith("=")


def _text_cell(plan, r, c, text):
    def render(old, values, r=r, c=c, text=text, pat=plan.pat):
        attrs = dict(old.attrs) if old is not None else {}  # its style kept
        if text is None:
            return cell_xml(pat, r, c, attrs, None, None, b"")
        t, content = value_xml(pat, text, False)
        return cell_xml(pat, r, c, attrs, None, t, content)

    return render


def reword(source, edits, book, report, lang: str) -> int:
    """Give the cells still holding the template's add-in text the copy's; return how many changed.
    Runs after the formulas are translated (the status cell's frozen value is replaced, its comment
    dropped) and before comments are added."""
    addin, copy = editions.wording(lang)  # where the two editions differ
    rep, changed = report, 0
    for entry in source.pkg.worksheets:
        a, k = addin.get(entry.name), copy.get(entry.name)
        if a is None or k is None or entry.part is None:
            continue
        data = edits.read_sheet(entry.part)
        texts = worksheetpart.string_cells(data, worksheetpart.pattern_of(data), source.pkg.sst)
        for (r, c), (text, cell) in sorted(texts.items()):
            new = k.get((r, c))
            if a.get((r, c)) != text or new == text or _is_formula(new):
                continue
            plan = edits.plan(entry.part, entry.name)
            if (r, c) in plan.replace:
                continue
            plan.known[(r, c)] = cell.start
            plan.replace[(r, c)] = _text_cell(plan, r, c, new)
            changed += 1
        changed += _fill_blanks(source, edits, entry, a, k, texts, data)
        for (r, c), formula in a.items():  # a formula only the add-in edition has (the status cell)
            new = k.get((r, c))
            if not _is_formula(formula) or _is_formula(new) or book is None or entry.name not in book:
                continue
            held = book[entry.name].cell(r, c)
            plan = edits.plans.get(entry.part)
            if held.data_type != "f" or held.value != formula or plan is None or (r, c) not in plan.replace:
                continue
            plan.replace[(r, c)] = _text_cell(plan, r, c, new)
            plan.notes.pop((r, c), None)
            where = a1(c, r)
            rep.frozen = [f for f in rep.frozen if (f[0], f[1]) != (entry.name, where)]
            changed += 1
    if changed:
        _mark_as_copy(source, edits)
        rep.notes.append(
            f"gave {changed} cells of the template's text the copy's wording "
            f"(the template's {lang} edition; cells you changed keep yours)"
        )
    return changed


def _fill_blanks(source, edits, entry, addin: dict, copy: dict, texts: dict, data: bytes) -> int:
    """Cells the add-in edition leaves empty and the copy's fills (its longer notes), still empty in the
    workbook: given the copy's text and the style of the cell or, when it has none, of the cell above."""
    wanted = [
        (r, c)
        for (r, c), v in copy.items()
        if addin.get((r, c)) is None and isinstance(v, str) and not _is_formula(v) and (r, c) not in texts
    ]
    if not wanted:
        return 0
    pat = worksheetpart.pattern_of(data)
    present = {(cell.r, cell.c): cell for cell in worksheetpart.all_cells(data, pat)}
    plan, n = edits.plan(entry.part, entry.name), 0
    for r, c in sorted(wanted):
        cell = present.get((r, c))
        if (r, c) in plan.replace or (cell is not None and cell_value(cell, pat, source.pkg.sst)[0] is not None):
            continue  # the user typed something there
        above = present.get((r - 1, c))
        style = {b"s": above.attrs[b"s"]} if above is not None and b"s" in above.attrs else {}
        render = _text_cell(plan, r, c, copy[(r, c)])
        if cell is not None:
            plan.known[(r, c)] = cell.start
            plan.replace[(r, c)] = render
        else:
            plan.replace[(r, c)] = lambda old, values, render=render, style=style: render(_Styled(style), values)
        n += 1
    return n


class _Styled:
    """Stands for an absent cell: the attributes a new one takes."""

    def __init__(self, attrs):
        self.attrs = attrs


def _mark_as_copy(source, edits) -> None:
    """The copy's edition property says "copy" (handing the copy off again leaves its text alone)."""
    part = _custom_part(source)
    data = edits.parts.get(part) or source.zf.read(part)
    at = data.find(f'name="{editions.EDITION}"'.encode())
    old = f">{editions.EDITIONS['addin']}<".encode()
    hit = data.find(old, at, data.find(b"property>", at)) if at >= 0 else -1  # within that property element
    if hit >= 0:
        edits.parts[part] = data[:hit] + f">{editions.EDITIONS['copy']}<".encode() + data[hit + len(old) :]
