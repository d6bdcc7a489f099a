"""`handoff(src, dst)`: an add-in-free copy of a workbook that recalculates anywhere.

The copy is the input package with only what must change rewritten (issue 12): a workbook
loaded into openpyxl's model and saved again loses what the model does not hold (values in
merged cells, chart data tables, rich text after plain text, pivot relationships...). So:

* worksheet parts holding flopsheet calls: only those cells' `<f>` (and `<v>`) are rewritten,
  streamed as bytes (handoff.sheetxml); text magnitudes those calls read ("175B") become
  numbers in place, formatted as typed (one `<xf>` appended to the styles part);
* the workbook part: defined names calling flopsheet functions, the xlwings.conf sheet gone,
  the GPUs sheet added, `fullCalcOnLoad` set; its relationships and `[Content_Types].xml`
  follow (the VBA project and calcChain removed, the main content type made macro-free);
* every other part is copied as its compressed bytes (handoff.rawzip).

Refusals come first (`untrusted.check_workbook`, `safefile.check_output`); the input is only
ever read; the copy appears atomically, after every warning was given.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import a1
from flopsheet.functions import REGISTRY
from flopsheet.handoff import carry, comments, gpusheet, modelsheet, rawzip, sheetxml
from flopsheet.handoff.bookxml import fresh_id, full_calc, points_into, unxml, xml_attr, xml_text
from flopsheet.handoff.package import Book, Package, rels_part
from flopsheet.handoff.sheetplan import SheetPlan, computed, cell_xml, value_xml
from flopsheet.handoff.styles import Styles
from flopsheet.handoff.translate import CALL_NAMES, CachedTranslator, Refs, Untranslatable, literal_text, shift
from flopsheet.magnitudes import parse_num
from flopsheet.safefile import atomic_output, check_output
from flopsheet.untrusted import check_workbook

CONF_SHEETS = ("xlwings.conf", "_xlwings.conf")
PROGRESS_EVERY = 20_000  # formula cells between progress lines
CALLS = re.compile(CALL_NAMES.pattern.encode(), re.I)
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_MAIN_TYPES = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
               "application/vnd.ms-excel.template.macroEnabled.main+xml")
_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MAGNITUDE = re.compile(r"^\s*[+-]?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?([eE][+-]?\d+)?\s*([KMBGTPE%]?)\s*$", re.I)
_POWERS = {"K": 1, "M": 2, "B": 3, "G": 3, "T": 4, "P": 5, "E": 6}
_MAGNITUDE_START = re.compile(r"\s*[+-]?[0-9.]")  # cheap filter before magnitudes.parse_num
# Formulas outside cells: conditional formats and validations (<formula>, <formula1>, and the
# x14 extensions' <xm:f>); the hand-off does not translate them, so it says so.
_OTHER_FORMULA = re.compile(rb"<(?:\w+:)?formula[12]?>([^<]*)</|<xm:f>([^<]*)</xm:f>")
_NAMES = tuple(name.encode() for name in REGISTRY)
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?(?:f|formula[12]?)\b[^>/]*>([^<]+)<")


def has_calls(data: bytes) -> bool:
    """Whether a worksheet part calls a flopsheet function: in a cell formula, a conditional
    format or a validation. The case-insensitive call pattern tries every position, which is
    slow over megabytes, so it runs over the formula texts only (found by a pattern that starts
    with a literal, which the regex engine scans for at C speed)."""
    if b"(" not in data:
        return False
    texts = b"\n".join(_FORMULA_TEXT.findall(data))
    upper = texts.upper()
    if not any(name in upper for name in _NAMES):  # plain substring scans, before the pattern
        return False
    return CALLS.search(texts) is not None


@dataclass
class Report:
    """What the hand-off did, for the command line and for `evaluate`."""

    translated: int = 0  # cells whose flopsheet calls all became twins
    frozen: list = field(default_factory=list)  # (sheet, cell, reason)
    converted: int = 0  # text magnitudes turned into numbers
    formulas: list = field(default_factory=list)  # (sheet, cell or range, formula) when listed
    warnings: list = field(default_factory=list)  # what the copy could not carry
    notes: list = field(default_factory=list)  # what the hand-off changed on purpose
    arrays: dict = field(default_factory=dict)  # sheet -> [(min_col, min_row, max_col, max_row)]
    rewritten: list = field(default_factory=list)  # part names whose bytes changed
    removed: list = field(default_factory=list)  # part names left out of the copy
    added: list = field(default_factory=list)  # part names the copy adds


def magnitude_format(text: str) -> str | None:
    """A number format that shows the parsed number as it was typed: "175B" -> 0,,,"B"."""
    m = _MAGNITUDE.match(text)
    if not m:
        return None
    grouped, decimals, exponent, suffix = m.group(1), len(m.group(2) or ""), m.group(3), m.group(4).upper()
    if exponent:
        return None
    digits = ("#,##0" if grouped and "," in grouped else "0") + ("." + "0" * decimals if decimals else "")
    if suffix == "%":
        return digits + "%"
    if suffix:
        return digits + "," * _POWERS[suffix] + f'"{suffix}"'
    return digits if "," in (grouped or "") else None


class _Copy:
    def __init__(self, zf: zipfile.ZipFile, progress=None, list_formulas: bool = False):
        self.zf = zf
        self.pkg = Package.open(zf)
        self.report = Report()
        self.progress = progress
        self.list_formulas = list_formulas
        self.plans: dict[str, SheetPlan] = {}  # part -> plan
        self.styles: Styles | None = None
        self.parts: dict[str, bytes] = {}  # part -> new bytes (non-sheet parts)
        self.extra: dict[str, bytes] = {}  # new parts
        self.removed: set[str] = set()
        self.expected: Counter = Counter()
        self.converted_areas: set = set()
        self.magnitude_cells: dict = {}
        self.table = None

    # -- what goes ------------------------------------------------------------------------
    def plan_removals(self) -> None:
        pkg, rep = self.pkg, self.report
        self.conf = [s for s in pkg.sheets if s.name in CONF_SHEETS]
        for s in self.conf:
            rep.notes.append(f'removed the "{s.name}" sheet (xlwings settings)')
            self.expected["sheet"] += 1
            if s.part:
                self.removed |= {s.part, rels_part(s.part)}
        for r in pkg.rels:
            if r.type == "vbaProject" and not r.external:
                self.removed |= {r.target, rels_part(r.target)}
        sig = re.compile(r"(^|/)vbaProject(Signature\w*)?\.bin$", re.I)
        self.removed |= {n for n in pkg.names if sig.search(n)}
        self.removed &= pkg.names
        if any(sig.search(n) for n in self.removed):
            rep.notes.append("removed the VBA project (the hand-off copy has no macros)")

    def drop_calc_chain(self) -> None:
        """Formulas changed: Excel's calculation chain lists formula cells and a stale one makes
        Excel repair the file, so it goes (Excel rebuilds it). A copy without changed formulas
        keeps it, with the workbook's relationships and content types untouched."""
        for r in self.pkg.rels:
            if r.type == "calcChain" and not r.external and r.target in self.pkg.names:
                self.removed.add(r.target)

    # -- translating ---------------------------------------------------------------------------
    def sheets_with_calls(self) -> list:
        out = []
        for s in self.pkg.worksheets:
            if s.name in CONF_SHEETS:
                continue
            data = self.zf.read(s.part)
            has = has_calls(data)
            if has or self.list_formulas:
                out.append((s, data, has))
        return out

    def translate(self) -> None:
        pkg, rep = self.pkg, self.report
        candidates = self.sheets_with_calls()
        names_call = any(CALLS.search(body.encode()) for _, _, body in pkg.names_xml)
        if not any(has for _, _, has in candidates) and not names_call:
            for s, data, _ in candidates:
                self._scan(s, data, None)
            return
        self.book = Book(pkg, dropped={s.name for s in self.conf})
        self.table = gpusheet.plan_table(_TableView(self.book, pkg))
        # Model names are looked up on the workbook's own Models sheet (the template's); a
        # workbook without one keeps model-name calls as values (no Models sheet is added yet).
        models_view = [ws for ws in self.book.worksheets if ws.title == modelsheet.SHEET]
        self.models = modelsheet.find_table(_Sheets(models_view)) if models_view else None
        tr = self.tr = CachedTranslator(self.table, Refs(self.book, self.book.cached), self.models)
        for s, data, has in candidates:
            self._scan(s, data, tr if has else None)
        self._names(tr)

    def _scan(self, s, data: bytes, tr) -> None:
        """Every formula cell of one sheet (listed for evaluate); calls translated when `tr`."""
        rep, pat, title = self.report, sheetxml.pattern_of(data), s.name
        formulas = []  # (r, c, cell, f attrs, text)
        masters = {}
        for cell in sheetxml.formula_cells(data, pat):
            inner = cell.inner
            if not inner or pat.has_f not in inner:
                continue
            m = pat.f.search(inner)
            if m is None:
                continue
            fa = sheetxml.attrs(m.group(1))
            text = sheetxml.text(m.group(2)) if m.group(2) is not None else None
            if fa.get(b"t") == b"shared" and text is not None and b"si" in fa:
                masters[fa[b"si"]] = (cell.r, cell.c, text)
            formulas.append((cell, fa, text))
        plan = None
        table_reason = None
        if tr is not None:
            table_reason = (f'it is on the "{self.table.sheet}" sheet, which the twins read GPU figures from'
                            if self.table.pending != "sheet" else None)
        seen = 0
        for cell, fa, text in formulas:
            kind = fa.get(b"t")
            if kind == b"dataTable":
                continue
            if text is None and kind == b"shared":
                master = masters.get(fa.get(b"si"))
                if master is None:
                    continue
                text = shift(master[2], cell.r - master[0], cell.c - master[1])
            if text is None:
                continue
            ref = fa.get(b"ref").decode() if kind == b"array" and fa.get(b"ref") else None
            formula = "=" + text
            if self.list_formulas:
                rep.formulas.append((title, ref or a1(cell.c, cell.r), formula if ref is None else "{" + formula + "}"))
            if ref:
                rep.arrays.setdefault(title, []).append(_bounds(ref))
            if tr is None or not tr.needs(formula):
                continue
            seen += 1
            if self.progress and seen % PROGRESS_EVERY == 0:
                self.progress(f"translating: {seen:,} formulas on {title}")
            try:
                res = tr.translate_at(formula, title, cell.r, cell.c,
                                      table_reason if title == self.table.sheet else None)
            except Untranslatable as u:
                rep.warnings.append(f"{title}!{a1(cell.c, cell.r)}: formula left as it was ({u.reason})")
                continue
            if plan is None:
                plan = self._plan(s.part, title, data)
            plan.known[(cell.r, cell.c)] = cell
            self._apply(plan, cell, fa, ref, res)
            areas = res.numeric_areas
            if areas is None:
                areas = [tr.refs.area(t, sh) for t, sh in res.numeric_refs]
            for area in areas:
                self._convert(area)
        if tr is not None:
            if any(CALLS.search(a or b) for a, b in _OTHER_FORMULA.findall(data)):
                rep.warnings.append(
                    f'sheet "{title}": conditional formats or validations call flopsheet functions; '
                    "they are not translated and show #NAME? without the add-in")

    def _plan(self, part: str, title: str, data: bytes | None = None) -> SheetPlan:
        plan = self.plans.get(part)
        if plan is None:
            plan = self.plans[part] = SheetPlan(title, part, data if data is not None else self.zf.read(part))
        return plan

    def _apply(self, plan: SheetPlan, cell, fa: dict, ref: str | None, res) -> None:
        rep, title, pat = self.report, plan.title, plan.pat
        coord = a1(cell.c, cell.r)
        if res.frozen:
            rep.frozen.append((title, coord, "; ".join(res.frozen)))
            plan.notes[(cell.r, cell.c)] = comments.note_text("; ".join(res.frozen))
        elif res.translated:
            rep.translated += 1
        r0, c0 = cell.r, cell.c
        if res.value_set:
            value = res.value
            if isinstance(value, list):
                rows = value
                area = self._spill(plan, r0, c0, (len(rows), len(rows[0]) if rows else 1))
                rows = rows if area else [[rows[0][0] if rows and rows[0] else None]]
                for i, row in enumerate(rows):
                    for j, v in enumerate(row if isinstance(row, list) else [row]):
                        self._constant(plan, r0 + i, c0 + j, _plain(v))
            else:
                self._constant(plan, r0, c0, _plain(value))
            return
        text = res.text[1:] if res.text.startswith("=") else res.text
        area = None
        if ref:
            f_attrs = b' t="array" ref="' + ref.encode() + b'"'
        elif res.array:
            area = self._spill(plan, r0, c0, res.shape)
            target = area or coord
            f_attrs = b' t="array" ref="' + target.encode() + b'"'
            if area:
                rep.arrays.setdefault(title, []).append(_bounds(area))
        else:
            f_attrs = b""
        f = b"<" + pat.tag("f") + f_attrs + b">" + sheetxml.escape_formula(text) + b"</" + pat.tag("f") + b">"
        keep_cm = bool(ref or res.array)

        def formula_cell(old, values, r=r0, c=c0, f=f):
            a = dict(old.attrs) if old is not None else {}
            if not keep_cm:
                a.pop(b"cm", None)
            ok, v = computed(values, title, r, c)
            if ok:
                t, content = value_xml(pat, v, True)
            else:  # the add-in's cached value: the twin computes the same; Excel recomputes on load
                t = a.get(b"t")
                m = pat.v.search(old.inner or b"") if old is not None else None
                content = m.group(0) if m else b""
                if t == b"inlineStr":
                    t, content = None, b""
            return cell_xml(pat, r, c, a, f, t, content)

        plan.replace[(r0, c0)] = formula_cell
        if area or ref:
            c1, r1, c2, r2 = _bounds(area or ref)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r0, c0):
                        self._spilled(plan, r, c)

    def revalue_all(self) -> None:
        """--recalc: every formula cell's cached value (and every cell an array formula covers)
        will be LibreOffice's, so viewers that never recalculate show the copy's numbers. Only
        `<v>` and `t` change in cells the hand-off did not translate."""
        for s in self.pkg.worksheets:
            if s.part in self.removed:
                continue
            data = self.plans[s.part].data if s.part in self.plans else self.zf.read(s.part)
            pat = sheetxml.pattern_of(data)
            if pat.has_f not in data:
                continue
            plan = self._plan(s.part, s.name, data)
            for cell in sheetxml.all_cells(data, pat):
                if not cell.inner or pat.has_f not in cell.inner or (cell.r, cell.c) in plan.replace:
                    continue
                m = pat.f.search(cell.inner)
                if m is None:
                    continue
                fa = sheetxml.attrs(m.group(1))
                plan.replace[(cell.r, cell.c)] = self._revalue(plan, m.group(0))
                if fa.get(b"t") == b"array" and fa.get(b"ref"):
                    c1, r1, c2, r2 = _bounds(fa[b"ref"].decode())
                    if (r2 - r1 + 1) * (c2 - c1 + 1) <= 100_000:
                        for r in range(r1, r2 + 1):
                            for c in range(c1, c2 + 1):
                                if (r, c) not in plan.replace:
                                    self._spilled(plan, r, c)

    @staticmethod
    def _revalue(plan: SheetPlan, f: bytes):
        title, pat = plan.title, plan.pat

        def revalued(old, values):
            ok, v = computed(values, title, old.r, old.c)
            if not ok:
                return None
            t, content = value_xml(pat, v, True)
            return cell_xml(pat, old.r, old.c, old.attrs, f, t, content)

        return revalued

    def _spilled(self, plan: SheetPlan, r: int, c: int) -> None:
        """A cell an array formula covers: only its cached value is written."""
        title, pat = plan.title, plan.pat

        def spilled(old, values, r=r, c=c):
            a = dict(old.attrs) if old is not None else {}
            ok, v = computed(values, title, r, c)
            if not ok and old is not None:
                return None  # keep what the cell holds until LibreOffice says otherwise
            t, content = value_xml(pat, v, True) if ok else (None, b"")
            return cell_xml(pat, r, c, a, None, t, content)

        plan.replace[(r, c)] = spilled

    def _constant(self, plan: SheetPlan, r: int, c: int, value) -> None:
        pat = plan.pat

        def constant(old, values, r=r, c=c, value=value):
            a = dict(old.attrs) if old is not None else {}
            a.pop(b"cm", None)
            a.pop(b"vm", None)
            t, content = value_xml(pat, value, False)
            return cell_xml(pat, r, c, a, None, t, content)

        plan.replace[(r, c)] = constant

    def _spill(self, plan: SheetPlan, r0: int, c0: int, shape) -> str | None:
        """The range a result of `shape` spills into when those cells are free, else None."""
        if not shape or shape == (1, 1):
            return None
        rows, cols = shape
        if r0 + rows - 1 > 1_048_576 or c0 + cols - 1 > 16_384 or rows * cols > 100_000:
            return None
        cells = self.book[plan.title]._cells
        for r in range(r0, r0 + rows):
            for c in range(c0, c0 + cols):
                got = cells.get((r, c))
                if (r, c) != (r0, c0) and got is not None and got.value is not None:
                    return None
                if (r, c) != (r0, c0) and (r, c) in plan.replace:
                    return None
        return f"{a1(c0, r0)}:{a1(c0 + cols - 1, r0 + rows - 1)}"

    def _convert(self, area) -> None:
        """Text magnitudes a call reads as numbers become numbers, formatted as typed."""
        if area is None or area in self.converted_areas or area[0] not in self.book:
            return
        self.converted_areas.add(area)
        title, c1, r1, c2, r2 = area
        if not self._magnitudes(title):
            return
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
            return
        sheet = self.book[title]
        candidates = self._magnitudes(title)  # text cells that may be magnitudes, found once per sheet
        if not candidates:
            return
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(candidates):
            keys = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in candidates]
        else:
            keys = [k for k in candidates if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]
        for r, c in sorted(keys):
            typed, found = candidates.pop((r, c))
            try:
                x = parse_num(typed)
            except Exception:  # noqa: BLE001 - not a magnitude (a GPU name, a unit): keep the text
                continue
            plan = self._plan(sheet.entry.part, title)
            if (r, c) in plan.replace:
                continue
            plan.known[(r, c)] = found
            fmt = magnitude_format(typed)
            styles = self._styles()

            def number(old, values, r=r, c=c, x=x, fmt=fmt, pat=plan.pat):
                a = dict(old.attrs) if old is not None else {}
                if fmt and styles is not None:
                    s = styles.with_format(int(a.get(b"s", b"0") or 0), fmt)
                    if s is not None:
                        a[b"s"] = str(s).encode()
                t, content = value_xml(pat, float(x), False)
                return cell_xml(pat, r, c, a, None, t, content)

            plan.replace[(r, c)] = number
            sheet.set_number(r, c, float(x))  # later reads (a frozen call's inputs) see the number
            self.report.converted += 1

    def _magnitudes(self, title: str) -> set:
        found = self.magnitude_cells.get(title)
        if found is None:
            sheet = self.book[title]
            data = self.plans[sheet.entry.part].data if sheet.entry.part in self.plans else self.zf.read(sheet.entry.part)
            texts = sheetxml.string_cells(data, sheetxml.pattern_of(data), self.pkg.sst)
            found = self.magnitude_cells[title] = {k: v for k, v in texts.items() if _MAGNITUDE_START.match(v[0])}
        return found

    def _styles(self) -> Styles | None:
        if self.styles is None and self.pkg.styles:
            self.styles = Styles(self.zf.read(self.pkg.styles))
        return self.styles

    def _names(self, tr) -> None:
        self.name_texts = {}
        for name, lid, body in self.pkg.names_xml:
            if not tr.needs(body):
                continue
            sheet = self.pkg.sheets[lid].name if lid is not None and lid < len(self.pkg.sheets) else None
            try:
                res = tr.translate("=" + body, sheet)
            except Untranslatable as u:
                self.report.warnings.append(f"defined name {name}: left as it was ({u.reason})")
                continue
            self.name_texts[(name, lid)] = literal_text(res.value) if res.value_set else res.text[1:]
            if res.frozen:
                self.report.warnings.append(f"defined name {name}: {'; '.join(res.frozen)} (frozen)")

    def add_comments(self) -> None:
        """A comment on each frozen cell saying why (see handoff.comments)."""
        self.ct_add: list[str] = []
        block = 900  # VML shape-id blocks far above the ones Excel numbers from the sheet index
        taken = {n.lower() for n in self.pkg.names}
        for plan in self.plans.values():
            if not plan.notes:
                continue
            rels_name = rels_part(plan.part)
            rels = self.zf.read(rels_name) if rels_name in self.pkg.names else None
            if not comments.can_add(plan.data, rels):
                self.report.warnings.append(
                    f'sheet "{plan.title}" already has comments: the frozen cells are listed here, not commented')
                continue
            block += 1
            n = block
            while f"xl/comments/comment{n}.xml" in taken or f"xl/drawings/vmldrawing{n}.vml" in taken:
                n += 1
            cpart, vpart = f"xl/comments/comment{n}.xml", f"xl/drawings/vmlDrawing{n}.vml"
            taken |= {cpart.lower(), vpart.lower()}
            cxml, vml = comments.scratch_parts(plan.notes, block)
            self.extra[cpart], self.extra[vpart] = cxml, vml
            new_rels, plan.legacy_rid = comments.relationships(rels, cpart, vpart)
            (self.parts if rels is not None else self.extra)[rels_name] = new_rels
            self.ct_add.append(f'<Override PartName="/{cpart}" ContentType="{comments.COMMENTS_TYPE}"/>')

    # -- the GPUs sheet --------------------------------------------------------------------------
    def gpus(self) -> None:
        table = self.table
        if table is None or not table.used or table.pending is None:
            if table is not None:
                self.report.notes.extend(table.notes)
            return
        import openpyxl

        # gpusheet owns the sheet's layout and writes it through openpyxl; the workbook written
        # here is OURS (nothing of the user's passes through openpyxl). openpyxl writes its
        # strings inline and this sheet uses no style, so its worksheet part drops into the
        # user's package as it is, leaving their sharedStrings and styles parts untouched.
        scratch = openpyxl.Workbook()
        scratch.remove(scratch.active)
        pending = table.pending
        if pending == "keys":
            scratch.create_sheet(table.sheet)
        gpusheet.materialize(scratch, table)
        buf = io.BytesIO()
        scratch.save(buf)
        with zipfile.ZipFile(buf) as z:
            sheet_xml = z.read("xl/worksheets/sheet1.xml")
        if re.search(rb' s="[1-9]', sheet_xml) or re.search(rb'\bt="s"', sheet_xml):
            raise FlopsheetError("internal error: the GPUs sheet needs styles or shared strings")
        if pending == "sheet":
            self.new_sheet = (table.sheet, sheet_xml)
        else:
            self._add_keys(table, sheet_xml)
        self.report.notes.extend(table.notes)

    def _add_keys(self, table, sheet_xml: bytes) -> None:
        """The key columns gpusheet wrote in a scratch sheet, spliced into the user's GPU table."""
        entry = next(s for s in self.pkg.worksheets if s.name == table.sheet)
        plan = self._plan(entry.part, table.sheet)
        pat = sheetxml.pattern_of(sheet_xml)
        existing = self.book[table.sheet]._cells
        for cell in sheetxml.all_cells(sheet_xml, pat):
            xml = sheet_xml[cell.start:cell.end]
            if pat.prefix != plan.pat.prefix:
                xml = xml.replace(b"<", b"<" + plan.pat.prefix).replace(b"<" + plan.pat.prefix + b"/", b"</" + plan.pat.prefix)
            if (cell.r, cell.c) in existing:
                plan.replace[(cell.r, cell.c)] = lambda old, values, xml=xml: xml
            else:
                plan.insert[(cell.r, cell.c)] = lambda values, xml=xml: xml
        plan.hide = (table.key_col, table.key_col + 1)

    # -- the workbook, its relationships, content types ------------------------------------------
    def workbook_parts(self, translated: bool) -> None:
        pkg = self.pkg
        book = pkg.workbook
        text = self.zf.read(book).decode("utf-8")
        removed_idx = sorted(s.index for s in self.conf)
        prefix = (re.search(r"<(\w+:)?workbook\b", text).group(1) or "")
        new_sheet = getattr(self, "new_sheet", None)
        changed = False
        if removed_idx or new_sheet or translated or getattr(self, "name_texts", None):
            text = self._edit_workbook(text, prefix, removed_idx, new_sheet, translated)
            changed = True
        if changed:
            self.parts[book] = text.encode("utf-8")
        # relationships
        rels_name = rels_part(book)
        if rels_name in pkg.names:
            rels = self.zf.read(rels_name).decode("utf-8")
            new_rels = rels
            gone = {r.id for r in pkg.rels if not r.external and r.target in self.removed}
            gone |= {s.rid for s in self.conf}
            for rid in gone:
                new_rels = re.sub(r'<(?:\w+:)?Relationship\b[^>]*\bId="' + re.escape(rid) + r'"[^>]*/>', "", new_rels)
            if new_sheet:
                target = self._new_sheet_part()
                kind = next((r.full_type for r in pkg.rels if r.type == "worksheet"), WORKSHEET_REL)
                rel = (f'<Relationship Id="{self.new_rid_pending()}" Type="{kind}" '
                       f'Target="/{target}"/>')
                new_rels = re.sub(r"(</(?:\w+:)?Relationships>)", lambda m: rel + m.group(1), new_rels)
            if new_rels != rels:
                self.parts[rels_name] = new_rels.encode("utf-8")
        # content types
        ct = self.zf.read("[Content_Types].xml").decode("utf-8")
        new_ct = ct
        for part in self.removed:
            new_ct = re.sub(r'<(?:\w+:)?Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*/>', "", new_ct,
                            flags=re.I)
        for t in _MAIN_TYPES:
            new_ct = new_ct.replace(f'"{t}"', f'"{_SHEET_MAIN}"')
        remaining_bins = [n for n in pkg.names if n.lower().endswith(".bin") and n not in self.removed]
        if not remaining_bins:
            new_ct = re.sub(r'<(?:\w+:)?Default\b[^>]*Extension="bin"[^>]*ContentType="application/vnd\.ms-office\.'
                            r'vbaProject"[^>]*/>', "", new_ct, flags=re.I)
        adds = list(getattr(self, "ct_add", []))
        if new_sheet:
            adds.append(f'<Override PartName="/{self._new_sheet_part()}" ContentType="{WORKSHEET_TYPE}"/>')
        if any(n.endswith(".vml") for n in self.extra) and not re.search(r'Extension="vml"', new_ct, re.I):
            adds.insert(0, f'<Default Extension="vml" ContentType="{comments.VML_TYPE}"/>')
        if adds:
            new_ct = re.sub(r"(</(?:\w+:)?Types>)", lambda m: "".join(adds) + m.group(1), new_ct)
        if new_ct != ct:
            self.parts["[Content_Types].xml"] = new_ct.encode("utf-8")

    def _new_sheet_part(self) -> str:
        if not hasattr(self, "_new_part"):
            n = 1
            while f"xl/worksheets/sheet{n}.xml".lower() in {x.lower() for x in self.pkg.names}:
                n += 1
            self._new_part = f"xl/worksheets/sheet{n}.xml"
        return self._new_part

    def _edit_workbook(self, text: str, p: str, removed_idx: list, new_sheet, translated: bool) -> str:
        pkg = self.pkg
        conf_names = {s.name for s in self.conf}
        # sheets: drop the conf sheets, add the GPUs sheet
        for s in self.conf:
            text = re.sub(r"<" + re.escape(p) + r'sheet\b[^>]*\bname="' + re.escape(xml_attr(s.name))
                          + r'"[^>]*/>', "", text, count=1)
        if new_sheet:
            ids = [int(s.sheet_id) for s in pkg.sheets if (s.sheet_id or "").isdigit()]
            rid = self._rid_attr(text)
            el = (f'<{p}sheet name="{xml_attr(new_sheet[0])}" sheetId="{max(ids, default=0) + 1}" '
                  f'{rid}="{self.new_rid_pending()}"/>')
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
                self.expected["defined name"] += 1
                return ""
            new_body = getattr(self, "name_texts", {}).get((name, idx))
            if idx is not None:
                j = shift_index(idx)
                if j is None:
                    self.expected["defined name"] += 1
                    return ""
                head = head.replace(lid.group(0), f'localSheetId="{j}"')
            body = body if new_body is None else xml_text(new_body)
            return f"<{p}definedName{head}>{body}</{p}definedName>"

        text = re.sub(r"<" + re.escape(p) + r"definedName\b([^>]*)>(.*?)</" + re.escape(p) + r"definedName>",
                      name_el, text, flags=re.S)
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

    def new_rid_pending(self) -> str:
        if not hasattr(self, "new_rid"):
            self.new_rid = fresh_id({r.id for r in self.pkg.rels}, "rId")
        return self.new_rid

    @staticmethod
    def _rid_attr(text: str) -> str:
        m = re.search(r"<(?:\w+:)?sheet\b[^>]*\s(\w+):id=", text)
        if m:
            return f"{m.group(1)}:id"
        return 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id'


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """"C2:D9" -> (min_col, min_row, max_col, max_row)."""
    ends = ref.replace("$", "").split(":")
    r1, c1 = sheetxml.split_ref(ends[0])
    r2, c2 = sheetxml.split_ref(ends[-1])
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def _plain(v):
    """A frozen call's value as a cell holds it (numpy scalars -> float)."""
    if v is None or isinstance(v, (bool, str, float)):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


class _Sheets:
    """Just these sheets, for modelsheet.find_table (no other sheet is parsed)."""

    def __init__(self, worksheets):
        self.worksheets = worksheets


class _TableView:
    """The Book as gpusheet.plan_table sees it: every sheet name, but only the sheets that can
    hold a GPU table (their part mentions the headers a table needs) offered for searching,
    so a workbook's other sheets are never parsed."""

    _NEEDED = ("memory_gb", "bandwidth_tbs", "tdp_w")

    def __init__(self, book: Book, pkg: Package):
        self.book = book
        self.sheetnames = book.sheetnames
        keys = {gpusheet.header_key(n) for n in self._NEEDED}
        sst_hits = [i for i, s in enumerate(pkg.sst()) if gpusheet.header_key(s) in keys] if pkg.shared_strings else []
        marks = [b">%d<" % i for i in sst_hits] + [n.encode() for n in self._NEEDED]
        self.worksheets = []
        for ws in book.worksheets:
            data = pkg.zf.read(ws.entry.part)
            if ws.title == gpusheet.SHEET or any(m in data for m in marks):
                self.worksheets.append(ws)

    def __getitem__(self, title):
        return self.book[title]


def _write(zin: zipfile.ZipFile, job: _Copy, out: Path, values=None) -> None:
    parts = dict(job.parts)
    for part, plan in job.plans.items():
        parts[part] = plan.render(values)
    if job.styles is not None and job.styles.changed:
        parts[job.pkg.styles] = job.styles.data()
    new_sheet = getattr(job, "new_sheet", None)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in job.removed:
                continue
            data = parts.get(info.filename)
            if data is None:
                rawzip.copy_raw(zin, zout, info)
            else:
                zinfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                zinfo.external_attr = info.external_attr
                zout.writestr(zinfo, data)
        added = dict(job.extra)
        if new_sheet:
            added[job._new_sheet_part()] = new_sheet[1]
        for name, data in added.items():
            zout.writestr(name, data)
    job.report.rewritten = sorted(parts)
    job.report.removed = sorted(job.removed)
    job.report.added = sorted(added)


def handoff(src, dst, *, force: bool = False, recalc: bool = False, warn=None, progress=None,
            list_formulas: bool = False) -> Report:
    """Write the hand-off copy of `src` to `dst` (.xlsx). `warn(line)` is called with each
    thing the copy cannot carry BEFORE `dst` is written; `progress(line)` on big files.
    `list_formulas` fills `Report.formulas` with every formula cell (for `evaluate`)."""
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise FlopsheetError(f"input {src} does not exist", "input")
    check_output(dst, force=force, source=src, suffix=".xlsx",
                 why="(the hand-off copy has no macros)")
    check_workbook(src)
    with zipfile.ZipFile(src) as zin:
        job = _Copy(zin, progress, list_formulas)
        rep = job.report
        job.plan_removals()
        if progress:
            progress("translating formulas")
        job.translate()
        job.gpus()
        job.add_comments()
        translated = bool(job.plans) or bool(getattr(job, "name_texts", None))
        if translated:
            job.drop_calc_chain()
        job.workbook_parts(translated)
        with atomic_output(dst, force=force, source=src) as tmp:
            if progress:
                progress("writing the copy")
            _write(zin, job, tmp)
            if recalc:
                _recalculated(zin, job, tmp, progress)
            touched = set(rep.rewritten) | set(rep.removed)
            lost = carry.losses(carry.inventory(src, touched), carry.inventory(tmp, touched), job.expected)
            if lost:
                rep.warnings.insert(0, "the hand-off copy cannot carry " + ", ".join(lost))
            for line in rep.warnings:
                if warn:
                    warn(line)
    return rep


def _recalculated(zin, job: _Copy, out: Path, progress) -> None:
    """Let LibreOffice compute every formula of the copy, then write the values of the cells the
    hand-off rewrote into the copy's cached <v> (the shipped file stays the surgical copy)."""
    from flopsheet.handoff import values
    from flopsheet.recalc import recalculate

    with tempfile.TemporaryDirectory(prefix="flopsheet-handoff-") as tmp:
        computed = Path(tmp) / "computed.xlsx"
        if progress:
            progress("recalculating with LibreOffice")
        recalculate(out, computed)
        got = values.read_cached(computed)
        if progress:
            progress("writing the computed values into the copy")
        staged = Path(tmp) / "copy.xlsx"
        job.revalue_all()
        _write(zin, job, staged, got)
        out.write_bytes(staged.read_bytes())

