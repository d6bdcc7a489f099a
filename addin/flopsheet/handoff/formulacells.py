"""Each sheet's formula cells scanned; cells and defined names that call flopsheet functions
translated (handoff.translate) and planned as changed cells (handoff.worksheetpart).

Sheets without a call are only scanned when `evaluate` lists every formula; their cells are never
read into a model (package.Book parses a sheet only when a call reads it).

Whether a part calls flopsheet functions (in cell formulas, conditional formats, validations) is
found over the bytes without parsing: most sheets of a workbook have no call and are carried
untouched, so this test must cost little more than reading the part.

Text magnitudes a call reads ("175B" typed as text) become numbers in the copy, shown as typed:
the twins compute with numbers, where the add-in read "175B" through flopsheet.magnitudes. So the
cells a translated call reads are converted in place, and given a number format that shows the
number the way it was typed (one grammar: magnitudes.parse_parts says how it was typed).
"""

from __future__ import annotations

import re

from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import a1, sheet_prefix
from flopsheet.handoff import comments, gpusheet, modelsheet, twins, workings, worksheetpart
from flopsheet.handoff.package import Book
from flopsheet.handoff.styles import Styles
from flopsheet.handoff.translate import CachedTranslator, Refs, Untranslatable, literal_text, shift
from flopsheet.handoff.workings import Workings
from flopsheet.handoff.worksheetpart import SheetPlan, cell_xml, other_formulas_call, value_xml
from flopsheet.magnitudes import STARTS_LIKE_NUMBER, Parts, parse_parts

# Thousands separators in a format divide by 1,000 each (ECMA-376 Part 1, 18.8.31 numFmt).
_POWERS = {"K": 1, "M": 2, "B": 3, "G": 3, "T": 4, "P": 5, "E": 6, "BN": 3, "TN": 4, "MM": 2, "MN": 2}


def number_format(parts: Parts) -> str | None:
    """A number format that shows the parsed number as it was typed: "175B" -> 0,,,"B".
    None when General already shows it so, or no format can (an exponent, 万/亿)."""
    if parts.exponent or parts.suffix not in ("", "%", *_POWERS):
        return None
    digits = ("#,##0" if parts.grouped else "0") + ("." + "0" * parts.decimals if parts.decimals else "")
    if parts.currency:
        digits = '"$"' + digits
    if parts.suffix == "%":
        return digits + "%"
    if parts.suffix:
        shown = parts.suffix.lower() if len(parts.suffix) == 2 else parts.suffix  # "70bn" as typed
        return digits + "," * _POWERS[parts.suffix] + f'"{shown}"'
    return digits if parts.grouped or parts.currency else None


def magnitude_format(text: str) -> str | None:
    """`number_format` of typed text; None when it is not a magnitude."""
    try:
        return number_format(parse_parts(text))
    except FlopsheetError:
        return None


def convert(t, area) -> None:
    """Text magnitudes a call reads as numbers become numbers, formatted as typed."""
    if area is None or t.magnitude_cells.get(area[0]) == {}:  # a sheet known to hold none: most calls
        return
    if area[0] not in t.book or not magnitude_cells(t, area[0]) or area in t.converted_areas:
        return
    t.converted_areas.add(area)
    title, c1, r1, c2, r2 = area
    if (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
        return
    sheet = t.book[title]
    candidates = magnitude_cells(t, title)  # text cells that may be magnitudes, found once per sheet
    if not candidates:
        return
    if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(candidates):
        keys = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in candidates]
    else:
        keys = [k for k in candidates if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]
    for r, c in sorted(keys):
        typed, found = candidates.pop((r, c))
        try:
            parts = parse_parts(typed)
        except FlopsheetError:  # not a magnitude (a GPU name, a unit): keep the text
            continue
        x = parts.value
        plan = t.edits.plan(sheet.entry.part, title)
        if (r, c) in plan.replace:
            continue
        plan.known[(r, c)] = found.start
        fmt = number_format(parts)
        styles = styles_of(t)
        # the styles part is final before any sheet is written (sheets are streamed after it)
        style = styles.with_format(int(found.attrs.get(b"s", b"0") or 0), fmt) if fmt and styles else None

        def number(old, values, r=r, c=c, x=x, style=style, pat=plan.pat):
            a = dict(old.attrs) if old is not None else {}
            if style is not None:
                a[b"s"] = str(style).encode()
            t, content = value_xml(pat, float(x), False)
            return cell_xml(pat, r, c, a, None, t, content)

        plan.replace[(r, c)] = number
        sheet.set_number(r, c, float(x), typed)  # later reads see the number and the text typed
        t.report.converted += 1


def magnitude_cells(t, title: str) -> set:
    found = t.magnitude_cells.get(title)
    if found is None:
        sheet = t.book[title]
        data = t.edits.read_sheet(sheet.entry.part)
        texts = worksheetpart.string_cells(
            data, worksheetpart.pattern_of(data), t.source.pkg.sst, STARTS_LIKE_NUMBER.match
        )
        found = t.magnitude_cells[title] = texts
    return found


def styles_of(t) -> Styles | None:
    if t.edits.styles is None and t.source.pkg.styles:
        t.edits.styles = Styles(t.source.zf.read(t.source.pkg.styles))
    return t.edits.styles


PROGRESS_EVERY = 20_000  # formula cells between progress lines


class Translation:
    """One hand-off's translating stage: what it reads (the options, the input package), what it
    plans (the copy's edits, the report), and its own state: the workbook's cells as the
    translator reads them, the GPU and model tables, the translator, the Workings sheet, the
    text magnitudes found and converted."""

    def __init__(self, options, source, edits, report):
        self.options, self.source, self.edits, self.report = options, source, edits, report
        self.book: Book | None = None  # package.Book, when a call is translated
        self.table = None  # gpusheet's plan for the GPU table
        self.models = None  # modelsheet's Table: the workbook's Models sheet, or the one the copy adds
        self.tr: CachedTranslator | None = None
        self.workings: Workings | None = None  # the quantities scalar twins use
        self.converted_areas: set = set()
        self.magnitude_cells: dict = {}  # title -> {(row, col): (text, Cell)} of number-like texts


def translate(options, source, edits, report, candidates: list, calls: bool) -> Translation:
    """Every calling formula cell and defined name translated into `edits` (sheet plans, names).
    `candidates`: (sheet, its bytes, whether it calls flopsheet) of the sheets worth scanning;
    `calls`: whether any sheet or defined name calls flopsheet (else the cells are only listed)."""
    t = Translation(options, source, edits, report)
    pkg = source.pkg
    if not calls:
        for s, data, _ in candidates:
            _scan(t, s, data, None)
        return t
    t.book = Book(pkg, dropped={s.name for s in t.edits.conf})
    t.table = gpusheet.plan_table(gpusheet.TableView(t.book, pkg))
    # Model names are looked up on the workbook's own Models sheet (the template's); a workbook
    # without one gets one (modelsheet.add_to_package) if a call names a model (translate.Translator
    # uses the planned sheet only for those calls).
    models_view = [ws for ws in t.book.worksheets if ws.title == modelsheet.SHEET]
    t.models = modelsheet.find_table(_Sheets(models_view)) if models_view else None
    if t.models is None:
        t.models = modelsheet.plan_table(_Sheets([], t.book.sheetnames))
    refs = Refs(t.book, t.book.cached)
    defined = {name.lower() for name, _, _ in t.source.pkg.names_xml}
    tr = t.tr = CachedTranslator(t.table, refs, t.models, workings.planned(_named_assumptions(t, refs), defined))
    for name, lid, _ in t.source.pkg.names_xml:  # sheet-scoped names: a Workings cell must say whose
        if lid is not None and lid < len(t.source.pkg.sheets):
            tr.local_names.setdefault(t.source.pkg.sheets[lid].name, set()).add(name.lower())
    t.workings = Workings(t.book.sheetnames + [t.table.sheet, t.models.sheet], t.options.translate)
    if t.models.pending == "sheet":
        tr.cells_may_name_models = _text_may_name_models(t, candidates)
    for s, data, has in candidates:
        _scan(t, s, data, tr if has else None)
    _names(t, tr)
    return t


def add_sheets(t) -> None:
    """What the translated formulas read, put into the package: the GPUs and Models sheets, the
    named assumptions and the Workings sheet (after copytext.reword: its cells are final)."""
    gpusheet.add_to_package(t.table, t.book, t.edits, t.report)
    modelsheet.add_to_package(t.models, t.edits, t.report)
    workings.define(t.tr, t.workings, t.edits, t.report)
    w, rep = t.workings, t.report
    if w is not None and (w.count or w.rows):
        t.edits.new_sheets.append((w.title, w.pieces))  # values: --recalc's
        workings.print_names(t.edits, w)
        rep.workings = w.count
        rep.notes.append(
            f'added sheet "{w.title}" with the {rep.workings:,} quantities the translated '
            "formulas use, each labelled (helper columns row by row beside a list)"
        )
        if w.longest[0] > rep.longest[0]:
            rep.longest = w.longest


def _scan(t, s, data: bytes, tr) -> None:
    """Every formula cell of one sheet (listed for evaluate); calls translated when `tr`."""
    rep, pat, title = t.report, worksheetpart.pattern_of(data), s.name
    # Cells are handled as they are found (never all held at once: a sheet can have millions);
    # shared formulas' masters are found first, by a pass that keeps only them.
    masters = _masters(data, pat) if b"shared" in data else {}
    plan = None
    table_reason = None
    if tr is not None:
        table_reason = (
            f'it is on the "{t.table.sheet}" sheet, which the twins read GPU figures from'
            if t.table.pending != "sheet"
            else None
        )
    seen = 0
    rewritten_groups = set()  # shared-formula groups whose master this scan rewrote
    for cell, fa, text in _formulas(data, pat):
        kind = fa.get(b"t")
        if kind == b"dataTable":
            continue
        child_of = None
        if text is None and kind == b"shared":
            master = masters.get(fa.get(b"si"))
            if master is None:
                continue
            text = shift(master[2], cell.r - master[0], cell.c - master[1])
            child_of = fa.get(b"si")
        if text is None:
            continue
        ref = fa.get(b"ref").decode() if kind == b"array" and fa.get(b"ref") else None
        formula = "=" + text
        if t.options.list_formulas:
            rep.formulas.append((title, ref or a1(cell.c, cell.r), formula if ref is None else "{" + formula + "}"))
        if ref:
            rep.arrays.setdefault(title, []).append(worksheetpart.bounds(ref))
        freeze = table_reason if tr is not None and title == t.table.sheet else None
        # a column of one formula: each cell is the cell above's translation moved (no pattern run)
        res = tr.moved(formula, title, cell.r, cell.c) if tr is not None and freeze is None else None
        if res is None and (tr is None or not tr.needs(formula)):
            if child_of in rewritten_groups:
                plan = _unshared(t, plan, s, data, cell, text)
            continue
        seen += 1
        if t.options.progress and seen % PROGRESS_EVERY == 0:
            t.options.progress(f"translating: {seen:,} formulas on {title}")
        if res is None:
            try:
                res = tr.translate_at(formula, title, cell.r, cell.c, freeze)
            except Untranslatable as u:
                rep.warnings.append(f"{title}!{a1(cell.c, cell.r)}: formula left as it was ({u.reason})")
                if child_of in rewritten_groups:
                    plan = _unshared(t, plan, s, data, cell, text)
                continue
        if plan is None:
            plan = t.edits.plan(s.part, title, data)
        plan.known[(cell.r, cell.c)] = cell.start
        _apply(t, plan, cell, fa, ref, res)
        if kind == b"shared" and child_of is None and b"si" in fa:
            rewritten_groups.add(fa[b"si"])
        areas = res.numeric_areas
        if areas is None:
            areas = [tr.refs.area(t, sh) for t, sh in res.numeric_refs]
        for area in areas:
            convert(t, area)
    if tr is not None:
        if other_formulas_call(data):
            rep.warnings.append(
                f'sheet "{title}": conditional formats or validations call flopsheet functions; '
                "they are not translated and show #NAME? without the add-in"
            )


def _formulas(data: bytes, pat):
    """(cell, <f> attributes, formula text or None) of each formula cell, in order."""
    for cell in worksheetpart.formula_cells(data, pat):
        inner = cell.inner
        if not inner or pat.has_f not in inner:
            continue
        m = pat.f.search(inner)
        if m is None:
            continue
        fa = worksheetpart.attrs(m.group(1))
        body = m.group(2)
        # A follower of a shared formula holds no text, whether written <f t="shared" si="0"/> or
        # with an end tag, <f t="shared" si="0"></f>: both are followers (ECMA-376 18.3.1.40).
        if body is not None and fa.get(b"t") == b"shared" and not body.strip():
            body = None
        yield cell, fa, worksheetpart.text(body) if body is not None else None


def _masters(data: bytes, pat) -> dict:
    """{si: (row, col, text)} of the shared formulas' masters (the cells that hold their text)."""
    out = {}
    for cell, fa, text in _formulas(data, pat):
        if fa.get(b"t") == b"shared" and text is not None and b"si" in fa:
            out.setdefault(fa[b"si"], (cell.r, cell.c, text))
    return out


def _unshared(t, plan, s, data: bytes, cell, text: str):
    """A follower of a shared formula whose master was rewritten, given its own formula text: the
    group it pointed at is gone, and a follower left pointing at it loses its formula (LibreOffice
    drops the cell, Gnumeric shows an error). Returns the sheet's plan."""
    if plan is None:
        plan = t.edits.plan(s.part, s.name, data)
    plan.known[(cell.r, cell.c)] = cell.start
    tag = plan.pat.tag("f")
    f = b"<" + tag + b">" + worksheetpart.escape_formula(text) + b"</" + tag + b">"
    plan.replace[(cell.r, cell.c)] = worksheetpart.formula(plan, cell.r, cell.c, f, False)
    return plan


def _apply(t, plan: SheetPlan, cell, fa: dict, ref: str | None, res) -> None:
    rep, title, pat = t.report, plan.title, plan.pat
    if res.frozen:
        rep.frozen.append((title, a1(cell.c, cell.r), "; ".join(res.frozen)))
        plan.notes[(cell.r, cell.c)] = comments.note_text("; ".join(res.frozen))
    elif res.translated:
        rep.translated += 1
    r0, c0 = cell.r, cell.c
    if res.value_set:
        value = res.value
        if isinstance(value, list):
            rows = value
            area = worksheetpart.spill(t.book, plan, r0, c0, (len(rows), len(rows[0]) if rows else 1))
            rows = rows if area else [[rows[0][0] if rows and rows[0] else None]]
            for i, row in enumerate(rows):
                for j, v in enumerate(row if isinstance(row, list) else [row]):
                    worksheetpart.constant(plan, r0 + i, c0 + j, _plain(v))
        else:
            worksheetpart.constant(plan, r0, c0, _plain(value))
        return
    text = res.text[1:] if res.text.startswith("=") else res.text
    if res.helpers or twins.MARK in text:
        placed = t.workings.place_moved(text, title, cell.r, res.origin)  # placed as the cell above's
        if placed is None:
            coord = a1(cell.c, cell.r)
            where = (title, cell.r, coord.rstrip("0123456789"))
            placed = t.workings.place(text, res.helpers, f"{sheet_prefix(title)}{coord}", where, res.origin)
        text = placed
    if len(text) + 1 > rep.longest[0]:
        rep.longest = (len(text) + 1, f"{sheet_prefix(title)}{a1(cell.c, cell.r)}")
    area = None
    if ref:
        f_attrs = b' t="array" ref="' + ref.encode() + b'"'
    elif res.array:
        area = worksheetpart.spill(t.book, plan, r0, c0, res.shape)
        target = area or a1(c0, r0)
        f_attrs = b' t="array" ref="' + target.encode() + b'"'
        if area:
            rep.arrays.setdefault(title, []).append(worksheetpart.bounds(area))
    else:
        f_attrs = b""
    f_tag = pat.tag("f")
    f = b"".join((b"<", f_tag, f_attrs, b">", worksheetpart.escape_formula(text), b"</", f_tag, b">"))
    keep_cm = bool(ref or res.array)

    plan.replace[(r0, c0)] = worksheetpart.formula(plan, r0, c0, f, keep_cm)
    if area or ref:
        c1, r1, c2, r2 = worksheetpart.bounds(area or ref)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r0, c0):
                    worksheetpart.spilled(plan, r, c)


def _named_assumptions(t, refs) -> dict:
    """The workbook-wide defined names a twin's default may point at (twins.assumption_names), with
    the value each holds now: one cell each, read from the book."""
    wanted = set(twins.assumption_names())
    out = {}
    for name, lid, body in t.source.pkg.names_xml:
        if lid is not None or name not in wanted:
            continue
        try:
            v = refs.values(body.strip(), None)
        except Untranslatable:
            continue
        if isinstance(v, (int, float, str)) and not isinstance(v, bool):
            out[name] = v
    return out


def _names(t, tr) -> None:
    t.edits.name_texts = {}
    for name, lid, body in t.source.pkg.names_xml:
        if not tr.needs(body):
            continue
        sheet = t.source.pkg.sheets[lid].name if lid is not None and lid < len(t.source.pkg.sheets) else None
        try:
            res = tr.translate("=" + body, sheet)
        except Untranslatable as u:
            t.report.warnings.append(f"defined name {name}: left as it was ({u.reason})")
            continue
        t.edits.name_texts[(name, lid)] = literal_text(res.value) if res.value_set else res.text[1:]
        if res.frozen:
            t.report.warnings.append(f"defined name {name}: {'; '.join(res.frozen)} (frozen)")


def _plain(v):
    """A frozen call's value as a cell holds it (numpy scalars -> float)."""
    if v is None or isinstance(v, (bool, str, float)):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _text_may_name_models(t, candidates) -> bool:
    """Whether a cell can hold a catalog model's name: one of the shared strings is a spelling
    of one, or a calling sheet holds inline or formula text. When not, the translator never
    reads the cells a model argument points at (reading them would parse whole sheets)."""
    keys = {k for k, _ in modelsheet.key_rows()}
    if any(modelsheet.formula_key(s) in keys for s in t.source.pkg.sst()):
        return True
    for _, data, has in candidates:  # inline text and formulas' text results, read where they are
        if not has or (b"inlineStr" not in data and b't="str"' not in data):
            continue
        texts = set(_INLINE_TEXT.findall(data)) if b"inlineStr" in data else set()
        if b't="str"' in data:
            texts.update(_FORMULA_TEXT_RESULT.findall(data))
        for raw in texts:  # each distinct text once
            if modelsheet.formula_key(worksheetpart.text(raw)) in keys:
                return True
    return False


# the text of an inline string (<is><t>..</t>), and the cached text of a formula (t="str" ... <v>..</v>)
_INLINE_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_FORMULA_TEXT_RESULT = re.compile(
    rb'\bt="str"[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>',
    re.S,
)


class _Sheets:
    """Just these sheets, for modelsheet.find_table (no other sheet is parsed)."""

    def __init__(self, worksheets, sheetnames=()):
        self.worksheets = worksheets
        self.sheetnames = list(sheetnames)  # for a new sheet's title (plan_table)
