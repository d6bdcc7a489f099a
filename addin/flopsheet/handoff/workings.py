"""The Workings sheet of a hand-off copy: one labelled cell per quantity a translated formula uses.

A scalar call's twin (handoff.twins, cell mode) keeps in its own cell only the arithmetic of the
engine formula; the quantities it reads (the GPU's row on the GPUs sheet, the peak used, the MFU
used with its default, a decode step's memory time...) each get a row here: the quantity's name,
its formula, and the first cell that uses it. A reviewer follows a reference from a result to a
labelled row, instead of reading one 3,000-character formula (issue 15). Identical quantities are
one row, so a GPU's row is looked up once however many formulas use it.

Named assumptions a copy defines when the user's workbook lacks them: a twin's default points at a
named assumption (DefaultMFU, SecondsPerDay...; assumptions.py, the one list) instead of a typed 0.4
or 86400, so a reviewer reads what a number means and a user changes it once. The template defines
them on its Start sheet. A user's workbook that does not gets them from the copy: one labelled input
cell each, at the end of the Workings sheet's list, and a workbook-wide defined name pointing there
(handoff.workbookpart writes it). A name the workbook already uses for something else (any scope,
another value) is left alone: the twin types the number instead.

The sheet is the hand-off's own, written as XML here (inline strings, no styles), so the user's
shared strings and styles parts stay as they were. With --recalc its values are LibreOffice's.
"""

from __future__ import annotations

import re
from array import array

from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import A1_REF, QUOTED, a1, column_letter, sheet_prefix
from flopsheet.handoff import twins, worksheetpart
from flopsheet.handoff.twins import MARK, MARKER

SHEET = "Workings"
FIRST_ROW = 5  # the list's first row (rows 1-4: title, how to read it, blank, its headers)
HELPER_COL = 5  # E: the first helper column (D stays empty between the list and them)
HELPER_ROW = 2  # a helper column's first cell: row 1 holds its label, so a table from row 2 fits
MAX_ROW = 1_048_576
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TITLE = "Workings: the quantities the copy's formulas use"
HOW = (
    "Each cell here is one quantity a formula on another sheet reads (its address appears in that formula). "
    "Columns A:C list quantities with what they are and the first cell using them; from column E, helper columns "
    "work a table out row by row: row 9 of a helper column serves row 9 of the sheet its label (row 1) names. "
    "Edit inputs on their own sheets; these cells recalculate from them."
)
HEADERS = ("Quantity", "Value", "First used by")
# The sheet prints as its heading only (a copy's print stays short: the template's copy has ~900 quantities);
# row 3 says how to print the rest. Cleared, the print area gives every row, rows 1-4 repeated on each page.
PRINT_NOTE = "Only rows 1-3 print. To print every quantity: Page Layout > Print Area > Clear Print Area."
PRINT_AREA, PRINT_TITLES = "$A$1:$C$3", "$1:$4"
# Page setup: A4 (paperSize 9), landscape, one page wide, as many down as it takes (ECMA-376 18.3.1.63).
_PAGE_SETUP = (
    b'<printOptions/><pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    b'<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
)


def print_names(edits, w) -> None:
    """The Workings sheet's print area and repeated rows: defined names local to it (its index among the
    copy's sheets: the input's, less the removed xlwings.conf, then the added ones in order)."""
    added = [title for title, _ in edits.new_sheets]
    index = len(edits.source.pkg.sheets) - len(edits.conf) + added.index(w.title)
    q = sheet_prefix(w.title)
    edits.added_names += [("_xlnm.Print_Area", q + PRINT_AREA, index), ("_xlnm.Print_Titles", q + PRINT_TITLES, index)]


def planned(existing: dict, defined: set[str]) -> twins.Names:
    """The names twins may use: the workbook's own (`existing`, name -> value) and, for names it
    does not define in any scope (`defined`, lower case), the add-in's defaults."""
    names = twins.Names(existing)
    for a in twins.assumption_names().values():
        if a.name.lower() not in defined:
            names[a.name] = a.value
    names.added = {n for n in names if n.lower() not in defined}  # type: ignore[attr-defined]
    return names


def define(tr, w, edits, report) -> None:
    """The planned names a twin used (the translator `tr`'s): an input cell each on the Workings
    sheet `w` and a defined name."""
    names = getattr(tr, "names", None)
    if not isinstance(names, twins.Names) or w is None:
        return
    wanted = sorted(names.used & getattr(names, "added", set()))
    if not wanted:
        return
    info = twins.assumption_names()
    for n in wanted:
        a = info[n]
        ref = w.add_input(f"{n}: {a.label} (assumption: edit here; {a.source})", names[n], "named assumption")
        edits.added_names.append((n, ref))
    report.notes.append(
        "defined " + ", ".join(wanted) + f' (named assumptions the formulas use for defaults) on the "{w.title}" sheet'
    )


class Input:
    """A constant input cell of the list (a named assumption), not a formula."""

    def __init__(self, value):
        self.value = value


class Workings:
    """The Workings sheet being planned. Two regions:
    * the list (columns A:C from row 5): a quantity that does not move with its caller's row
      (the row of "H100 SXM" on the GPUs sheet, a step of the Inference sheet's card), one row
      each: what it is, its formula, the first cell using it;
    * helper columns (from column E): a quantity of a row-by-row table (it reads its caller's row)
      sits in the caller's own row number, one column per kind of quantity and calling sheet, its
      label in row 1, so Workings row 9 works out Training row 9."""

    def __init__(self, sheetnames, translate=None):
        self.tr = translate or (lambda text: text)  # the labels' language (the template's zh-CN edition)
        taken = {s.lower() for s in sheetnames}
        title, n = SHEET, 1
        while title.lower() in taken:
            n += 1
            title = f"{SHEET} ({n})"
        self.title = title
        self.prefix = sheet_prefix(title)
        self.rows: list[tuple[str, str, str]] = []  # the list: (label, formula without "=", first used by)
        self.columns: dict[tuple, int] = {}  # (calling sheet, row form, label) -> helper column
        # per helper column: (label, for which cells, row form, rows). Every cell of a column is its
        # row form at that row, so a column keeps the form once and its rows as 4-byte integers
        # (100,000 rows of six quantities: 2.4 MB, not 600,000 formula strings).
        self.column_heads: list[tuple[str, str, str, array]] = []
        self._by_text: dict[str, str] = {}  # the list's formulas -> their addresses
        self._row_key = None  # the calling (sheet, row) whose helper cells `_row_seen` holds
        # How a moved translation's quantities were placed the first time (translate._Shifted):
        # (sheet, origin) -> [(marker index, the helper column's rows or None, its address without
        # the row, or the fixed address)]. Every other row
        # of that translation places them alike, without formatting or parsing their formulas.
        self._plans: dict[tuple, list] = {}
        self._row_seen: dict[str, str] = {}
        self.longest = (0, "")  # the longest Workings formula and its address

    @property
    def count(self) -> int:
        return sum(not isinstance(f, Input) for _, f, _ in self.rows) + sum(len(h[3]) for h in self.column_heads)

    def _note_length(self, formula: str, where: str) -> None:
        if len(formula) + 1 > self.longest[0]:
            self.longest = (len(formula) + 1, self.prefix + where)

    def add(self, label: str, formula: str, used_by: str, at: tuple | None = None) -> str:
        """The address of the cell holding `formula` (a new one, or the one that already does).
        `at`: (calling sheet, its row, its column letter) puts a quantity that reads the caller's
        row into that row of a helper column."""
        ref = self._by_text.get(formula)
        if ref is not None:
            return ref
        form = _row_form(formula, at[1]) if at is not None and at[1] >= HELPER_ROW else None
        if form is not None:
            if self._row_key != at[:2]:  # a row's quantities are shared only within that row
                self._row_key, self._row_seen = at[:2], {}
            ref = self._row_seen.get(formula)
            if ref is not None:
                return ref
            key = (at[0], form, label)
            col = self.columns.get(key)
            if col is None:
                col = self.columns[key] = HELPER_COL + len(self.column_heads)
                if col > 16384:
                    raise FlopsheetError("the Workings sheet has no columns left for helper columns", "input")
                self.column_heads.append((label, f"for {sheet_prefix(at[0])}{at[2]} row by row", form, array("i")))
                self._note_length(formula, f"{column_letter(col)}{at[1]}")
            rows = self.column_heads[col - HELPER_COL][3]
            if not rows or rows[-1] != at[1]:  # (same label and row form in the same row: the same formula)
                rows.append(at[1])
            ref = self._row_seen[formula] = f"{self.prefix}${column_letter(col)}{at[1]}"
            return ref
        else:
            row = FIRST_ROW + len(self.rows)
            if row > MAX_ROW:
                raise FlopsheetError(f"the Workings sheet is full ({MAX_ROW:,} rows)", "input")
            self.rows.append((label, formula, used_by))
            ref = f"{self.prefix}$B${row}"
            self._note_length(formula, f"B{row}")
        self._by_text[formula] = ref
        return ref

    def add_input(self, label: str, value, used_by: str) -> str:
        """A constant input cell at the end of the list (a named assumption the copy defines)."""
        row = FIRST_ROW + len(self.rows)
        self.rows.append((label, Input(value), used_by))
        return f"{self.prefix}$B${row}"

    def place(self, text: str, helpers: list, used_by: str, at: tuple | None = None, origin=None) -> str:
        """`text` (a translated formula with markers) with each marker the address of its
        quantity's cell; only the quantities the formula reaches get cells. `origin`: the moved
        translation `text` comes from (translate._Shifted), whose placement is then reused."""
        if MARK not in text:
            return text
        key = (at[0], origin) if origin is not None and at is not None and at[1] >= HELPER_ROW else None
        if key is not None and key in self._plans:
            return self.place_moved(text, at[0], at[1], origin)
        reached: set[int] = set()
        todo = [int(i) for i in MARKER.findall(text)]
        while todo:
            i = todo.pop()
            if i not in reached:
                reached.add(i)
                todo.extend(int(j) for j in MARKER.findall(helpers[i].text))
        refs: dict[int, str] = {}
        for i in sorted(reached):  # a helper refers only to earlier ones
            h = helpers[i]
            refs[i] = self.add(h.label, MARKER.sub(lambda m: refs[int(m.group(1))], h.text), used_by, at)
        if key is not None:
            plan = []
            for i, ref in refs.items():
                m = _HELPER_REF.fullmatch(ref[len(self.prefix) :])
                col = worksheetpart.col_number(m.group(1)) if m and int(m.group(2)) == at[1] else None
                if col is not None and col >= HELPER_COL:  # (marker, the column's rows, its address without the row)
                    plan.append((i, self.column_heads[col - HELPER_COL][3], f"{self.prefix}${column_letter(col)}"))
                else:
                    plan.append((i, None, ref))
            self._plans[key] = plan
        return MARKER.sub(lambda m: refs[int(m.group(1))], text)

    def place_moved(self, text: str, sheet: str, row: int, origin) -> str | None:
        """`place` for a moved translation already placed once on `sheet` (its quantities go
        where they went then, helper cells in this row); None when it was not."""
        plan = self._plans.get((sheet, origin)) if origin is not None and row >= HELPER_ROW else None
        if plan is None:
            return None
        refs = {}
        for i, rows, ref in plan:
            if rows is None:
                refs[i] = ref
            else:  # a helper column's cell in the caller's row: `ref` is its address without the row
                if not rows or rows[-1] != row:
                    rows.append(row)
                refs[i] = ref + str(row)
        parts = MARKER.split(text)  # text, marker index, text, ...
        parts[1::2] = [refs[int(i)] for i in parts[1::2]]
        return "".join(parts)

    def sheet_xml(self, values=None) -> bytes:
        """The sheet's part, whole (see `pieces`)."""
        return b"".join(self.pieces(values))

    def pieces(self, values=None):
        """The sheet's part, row by row; `values` (title -> computed sheet) fills the formulas'
        cached values (--recalc)."""
        from flopsheet.handoff.worksheetpart import computed, value_xml

        pat = worksheetpart.pattern_of(b'<worksheet xmlns="' + _NS.encode() + b'">')

        def text_cell(r, c, s, translate=True):
            s = self.tr(s) if translate else s
            return (
                b'<c r="' + a1(c, r).encode() + b'" t="inlineStr"><is><t>' + worksheetpart.escape(s) + b"</t></is></c>"
            )

        def formula_cell(r, c, formula):
            ok, v = computed(values, self.title, r, c) if values is not None else (False, None)
            t, content = value_xml(pat, v, True) if ok else (None, b"")
            return (
                b'<c r="'
                + a1(c, r).encode()
                + b'"'
                + (b' t="' + t + b'"' if t else b"")
                + b"><f>"
                + worksheetpart.escape_formula(formula)
                + b"</f>"
                + content
                + b"</c>"
            )

        heads = self.column_heads
        at_row = [_row_writer(h[2]) for h in heads]
        if values is None:  # each helper cell written whole from its column's form
            at_row = [_cell_writer(HELPER_COL + i, h[2]) for i, h in enumerate(heads)]
        helper_rows: dict[int, list[int]] = {}  # row -> the helper columns with a cell there
        for i, (_, _, _, rows) in enumerate(heads):
            for r in rows:
                helper_rows.setdefault(r, []).append(HELPER_COL + i)
        last_col = max(3, HELPER_COL + len(heads) - 1)
        last_row = max([4, FIRST_ROW + len(self.rows) - 1, *helper_rows])
        yield (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
            + _NS.encode()
            + b'"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            b'<dimension ref="A1:' + a1(last_col, last_row).encode() + b'"/>'
            b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
            b' state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            b'<cols><col min="1" max="1" width="60" customWidth="1"/><col min="2" max="2" width="18" '
            b'customWidth="1"/><col min="3" max="3" width="22" customWidth="1"/>'
            + (b'<col min="%d" max="%d" width="24" customWidth="1"/>' % (HELPER_COL, last_col) if heads else b"")
            + b"</cols><sheetData>"
        )
        for r in range(1, last_row + 1):
            i = r - FIRST_ROW
            cells = []
            if r == 1:
                cells.append(text_cell(1, 1, TITLE))
                cells += [
                    text_cell(1, HELPER_COL + j, f"{self.tr(h[0])} ({self.tr(h[1])})", translate=False)
                    for j, h in enumerate(heads)
                ]
            elif r == 2:
                cells.append(text_cell(2, 1, HOW))
            elif r == 3:
                cells.append(text_cell(3, 1, PRINT_NOTE))
            elif r == 4:
                cells += [text_cell(4, c, h) for c, h in enumerate(HEADERS, 1)]
            elif 0 <= i < len(self.rows):
                label, formula, used_by = self.rows[i]
                if not isinstance(formula, Input):
                    value = formula_cell(r, 2, formula)
                elif isinstance(formula.value, str):
                    value = text_cell(r, 2, formula.value, translate=False)
                else:
                    value = b'<c r="B%d"><v>%s</v></c>' % (r, repr(float(formula.value)).encode())
                cells += [
                    text_cell(r, 1, label),
                    value,
                    text_cell(r, 3, used_by, translate=used_by == "named assumption"),
                ]
            if values is None:
                cells += [at_row[c - HELPER_COL](r) for c in sorted(helper_rows.get(r, ()))]
            else:
                for c in sorted(helper_rows.get(r, ())):
                    cells.append(formula_cell(r, c, at_row[c - HELPER_COL](r)))
            if cells:
                yield b'<row r="' + str(r).encode() + b'">' + b"".join(cells) + b"</row>"
        yield b"</sheetData>" + _PAGE_SETUP + b"</worksheet>"


_HELPER_REF = re.compile(r"\$([A-Z]{1,3})(\d+)")  # a helper column's cell: column fixed, row relative
_OFFSET = "\x02"  # a row offset in a row form (never in formula text)
_OFFSETS = re.compile(_OFFSET + r"(-?\d+)" + _OFFSET)


def _at_row(form: str, row: int) -> str:
    """A helper column's formula at `row`: its row form with each offset added to `row`."""
    return _OFFSETS.sub(lambda m: str(row + int(m.group(1))), form)


def _row_writer(form: str):
    """`_at_row` for one form, split once: a column writes thousands of rows."""
    parts = _OFFSETS.split(form)  # text, offset, text, offset, ..., text
    texts, offsets = parts[0::2], [int(x) for x in parts[1::2]]
    fmt = "{}".join(t.replace("{", "{{").replace("}", "}}") for t in texts)  # a slot per offset
    if len(offsets) == 1:
        (off,) = offsets
        return lambda row: fmt.format(row + off)
    return lambda row: fmt.format(*[row + off for off in offsets])


def _cell_writer(col: int, form: str):
    """A helper column's cell at a row, as `pieces` writes it without cached values: the form's
    text escaped once (an offset stands where a reference's row digits go, after its column
    letters, so no escape spans one), each row's numbers put in its slots."""
    parts = _OFFSETS.split(form)
    texts, offsets = parts[0::2], [int(x) for x in parts[1::2]]
    body = "{}".join(
        worksheetpart.escape_formula(t).decode("utf-8").replace("{", "{{").replace("}", "}}") for t in texts
    )
    fmt = '<c r="' + column_letter(col) + '{}"><f>' + body + "</f></c>"
    return lambda row: fmt.format(row, *[row + off for off in offsets]).encode("utf-8")


def _row_form(formula: str, row: int) -> str | None:
    """`formula` with each row-relative reference's row written as an offset from `row`; None
    when it has none (the quantity does not move with its caller's row)."""
    parts = QUOTED.split(formula)
    moved = False
    for i in range(0, len(parts), 2):

        def enc(m):
            nonlocal moved
            if m.group(3):
                return m.group(0)
            moved = True
            return f"{m.group(1)}{m.group(2)}{_OFFSET}{int(m.group(4)) - row}{_OFFSET}"

        parts[i] = A1_REF.sub(enc, parts[i])
    return "".join(parts) if moved else None


def expanded(formula: str, workings_formula) -> str:
    """`formula` with every Workings reference replaced by that cell's formula, in parentheses,
    recursively: the one formula the cells stand for (tests compare it with what a twin used to
    be). `workings_formula(title, "G9")` returns a Workings cell's formula text, without "="."""
    pattern = re.compile(r"(?:'((?:[^']|'')*)'|(" + SHEET + r"))!\$([A-Z]{1,3})\$?(\d+)")

    def sub(m):
        title = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
        if not title.startswith(SHEET):
            return m.group(0)
        inner = workings_formula(title, f"{m.group(3)}{m.group(4)}")
        return "(" + expanded(inner, workings_formula) + ")"

    return pattern.sub(sub, formula)
