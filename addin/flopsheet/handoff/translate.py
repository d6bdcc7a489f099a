"""Formula text -> the same formula with every flopsheet call replaced by its native twin.

The formula is split by openpyxl's `Tokenizer` (strings, sheet names and array constants are
never mistaken for calls) and rebuilt as a small tree of calls, so nested calls are
translated inside out and a call over ranges keeps its ranges (the cell becomes an array
formula). A call that cannot be translated (FLOPSHEET_VERSION, GPU_NAMES, a literal the
Python function rejects, a twin beyond Excel's length limit...) is FROZEN: replaced by the
value the Python function returns for the call's inputs, with the reason recorded so the
cell can carry a comment saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from flopsheet import excel_io
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import A1_REF, QUOTED, STRING, string_literal
from flopsheet.functions import REGISTRY
from flopsheet.functions.inputs import control_free
from flopsheet.functions.tokens import PIXEL_SIDES, TOKENIZER_ARGS, TOKENIZER_NAMED, side_word, tokenizer_form
from flopsheet.handoff import twins
from flopsheet.handoff.gpusheet import Table
from flopsheet.handoff.twins import ErrorValue, Expr, Untranslatable
from flopsheet.handoff.worksheetpart import CALL_NAMES

# Calls spelled with a prefix: `_xludf.` is how Excel stores a function it did not know when
# saving; `_xll.` an XLL add-in's; a workbook-qualified add-in call carries `Book.xlam!`.
_PREFIX = re.compile(r"^(?:_xludf\.|_xll\.|.*!)", re.I)
_CELL_RANGE = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?$")
# Functions that can never have a twin: their value is frozen.
ALWAYS_FROZEN = {
    "FLOPSHEET_VERSION": "the add-in's version is a fact about the add-in, not the sheet",
    "GPU_NAMES": "the catalog's names are copied as values (the GPUs sheet lists them too)",
    "MODEL_NAMES": "the model catalog's names are copied as values",
}
# MODEL_SPEC's twin looks the figure up on the workbook's Models sheet (handoff/modelsheet.py);
# a workbook without one keeps the value (the copy does not add a Models sheet yet).
NO_MODELS_SHEET = "a model's figure is copied as a value: the workbook has no Models sheet to look it up on"


# Functions that give one value whatever the shape of the arguments in these positions (the
# aggregates of Excel's function reference); an array anywhere else makes the result an array.
_PREFIX_FN = re.compile(r"^(?:_xlfn\.|_xlws\.)", re.I)
_ALL = "all"
_REDUCED_ARGS = {
    **{
        f: _ALL
        for f in (
            "SUM",
            "SUMPRODUCT",
            "SUMSQ",
            "PRODUCT",
            "AVERAGE",
            "AVERAGEA",
            "MIN",
            "MINA",
            "MAX",
            "MAXA",
            "COUNT",
            "COUNTA",
            "COUNTBLANK",
            "MEDIAN",
            "MODE",
            "MODE.SNGL",
            "STDEV",
            "STDEV.S",
            "STDEV.P",
            "STDEVP",
            "STDEVA",
            "VAR",
            "VAR.S",
            "VAR.P",
            "VARP",
            "VARA",
            "GEOMEAN",
            "HARMEAN",
            "DEVSQ",
            "AVEDEV",
            "KURT",
            "SKEW",
            "AND",
            "OR",
            "XOR",
            "CONCAT",
            "ROWS",
            "COLUMNS",
            "CORREL",
            "PEARSON",
            "RSQ",
            "SLOPE",
            "INTERCEPT",
            "COVAR",
            "COVARIANCE.P",
            "COVARIANCE.S",
            "NPV",
            "IRR",
            "SUMX2MY2",
            "SUMX2PY2",
            "SUMXMY2",
            "AREAS",
            "ISREF",
        )
    },
    **{
        f: (lambda i: i == 0)
        for f in (
            "COUNTIF",
            "LARGE",
            "SMALL",
            "PERCENTILE",
            "PERCENTILE.INC",
            "PERCENTILE.EXC",
            "QUARTILE",
            "QUARTILE.INC",
            "QUARTILE.EXC",
            "INDEX",
        )
    },
    **{f: (lambda i: i in (0, 2)) for f in ("SUMIF", "AVERAGEIF")},
    **{f: (lambda i: i == 0 or i % 2 == 1) for f in ("SUMIFS", "AVERAGEIFS", "MAXIFS", "MINIFS")},
    "COUNTIFS": lambda i: i % 2 == 0,
    **{f: (lambda i: i == 1) for f in ("MATCH", "VLOOKUP", "HLOOKUP", "RANK", "RANK.EQ", "RANK.AVG")},
    "TEXTJOIN": lambda i: i >= 2,
    **{f: (lambda i: i == 1) for f in ("SUBTOTAL",)},
    "AGGREGATE": lambda i: i >= 2,
}
ARRAY_FROM_SCALARS = frozenset({"SEQUENCE", "RANDARRAY", "MUNIT"})


def registry_name(func_token: str) -> str | None:
    """`GPU_DAYS(` / `_xludf.gpu_days(` -> "GPU_DAYS"; None for any other function."""
    name = _PREFIX.sub("", func_token[:-1].strip()).upper()
    return name if name in REGISTRY else None


# -- the tree -----------------------------------------------------------------------------
@dataclass
class Call:
    head: str  # "GPU_DAYS(" as written
    args: list = field(default_factory=lambda: [[]])

    @property
    def fn_name(self) -> str | None:
        return registry_name(self.head)


@dataclass
class Group:
    open: str
    items: list = field(default_factory=list)
    close: str = ""


# Excel allows 64 levels of nested functions; past this many the copy keeps the formula as it
# was (the translator recurses once per level).
MAX_NESTING = 128
# A spill reference (A2#, Sheet1!B3#: Excel 365's dynamic arrays) is not in the grammar openpyxl's
# tokenizer reads: it is read as a range named with a marker, array-valued, and written back.
SPILL_MARK = "__flopsheet_spill__"
_STRING_OR_SPILL = re.compile(STRING.pattern + r"|(\$?[A-Za-z]{1,3}\$?[0-9]{1,7})#")


def _spill_marked(formula: str) -> str:
    if "#" not in formula:
        return formula
    return _STRING_OR_SPILL.sub(lambda m: m.group(0) if m.group(1) is None else m.group(1) + SPILL_MARK, formula)


def spill_unmarked(text: str) -> str:
    return text.replace(SPILL_MARK, "#") if SPILL_MARK in text else text


def parse(formula: str) -> list:
    """A formula ("=...") as a list of tokens, Calls and Groups."""
    root: list = []
    frames: list = []

    def current() -> list:
        if not frames:
            return root
        top = frames[-1]
        return top.args[-1] if isinstance(top, Call) else top.items

    try:
        tokens = Tokenizer(_spill_marked(formula)).items
    except TokenizerError as e:  # a DDE link (Excel|'[book]Sheet'!R1C1), or what the grammar lacks
        if "|" in re.sub(r'"(?:[^"]|"")*"', "", formula):
            raise Untranslatable("it holds a DDE link (App|Topic!Item), which the copy passes on as it is") from None
        raise Untranslatable(f"its syntax is not read here ({e})") from None
    for tok in tokens:
        t, s = tok.type, tok.subtype
        if t == Token.FUNC and s == Token.OPEN:
            node = Call(tok.value)
            current().append(node)
            frames.append(node)
            if len(frames) > MAX_NESTING:
                raise Untranslatable(f"it is nested more than {MAX_NESTING} levels deep")
        elif t in (Token.PAREN, Token.ARRAY) and s == Token.OPEN:
            node = Group(tok.value)
            current().append(node)
            frames.append(node)
            if len(frames) > MAX_NESTING:
                raise Untranslatable(f"it is nested more than {MAX_NESTING} levels deep")
        elif s == Token.CLOSE and frames:
            node = frames.pop()
            if isinstance(node, Group):
                node.close = tok.value
        elif t == Token.SEP and s == Token.ARG and frames and isinstance(frames[-1], Call):
            frames[-1].args.append([])
        else:
            current().append(tok)
    if frames:
        raise Untranslatable("the formula's parentheses do not balance")
    return root


def _args(call: Call) -> list[list]:
    """The call's arguments; `F()` has none (not one empty one)."""
    if len(call.args) == 1 and not _strip(call.args[0]):
        return []
    return call.args


def _strip(nodes: list) -> list:
    return [n for n in nodes if not (isinstance(n, Token) and n.type == Token.WSPACE)]


def _text_of(nodes: list) -> str:
    out = []
    for n in nodes:
        if isinstance(n, Call):
            out.append(n.head + ",".join(_text_of(a) for a in n.args) + ")")
        elif isinstance(n, Group):
            out.append(n.open + _text_of(n.items) + n.close)
        else:
            out.append(n.value)
    return "".join(out)


def literal(nodes: list):
    """(True, value) for a constant argument: 12, -0.5, 40%, "175B", TRUE, #N/A; else (False, None)."""
    nodes = _strip(nodes)
    if not nodes or not all(isinstance(n, Token) for n in nodes):
        return False, None
    sign, scale = 1.0, 1.0
    while len(nodes) > 1 and nodes[0].type == Token.OP_PRE and nodes[0].value in "+-":
        sign = -sign if nodes[0].value == "-" else sign
        nodes = nodes[1:]
    while len(nodes) > 1 and nodes[-1].type == Token.OP_POST and nodes[-1].value == "%":
        scale /= 100
        nodes = nodes[:-1]
    if len(nodes) != 1 or nodes[0].type != Token.OPERAND:
        return False, None
    tok = nodes[0]
    numeric = sign != 1.0 or scale != 1.0
    if tok.subtype == Token.NUMBER:
        return True, sign * float(tok.value) * scale
    if numeric:
        return False, None
    if tok.subtype == Token.TEXT:
        return True, tok.value[1:-1].replace('""', '"')
    if tok.subtype == Token.LOGICAL:
        return True, tok.value.upper() == "TRUE"
    if tok.subtype == Token.ERROR:
        return True, ErrorValue(tok.value.upper())
    return False, None


def literal_text(value) -> str:
    """A Python value (what a frozen call returned) as a formula constant."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return twins.number(float(value))
    if value is None:
        return '""'
    if isinstance(value, list):  # a 2-D result: an array constant
        rows = [",".join(literal_text(v) for v in row) for row in value]
        return "{" + ";".join(rows) + "}"
    return twins.text(str(value))


# -- a workbook's references ----------------------------------------------------------------
class Refs:
    """Resolve reference text to (sheet, min_col, min_row, max_col, max_row) and read cells."""

    def __init__(self, wb, cached=None):
        self.wb = wb
        self._cached = cached  # callable () -> data_only workbook, for formula cells' values

    def area(self, ref: str, sheet: str | None):
        ref = ref.strip()
        if "!" in ref:
            where, addr = ref.rsplit("!", 1)
            if where.startswith("'") and where.endswith("'"):
                where = where[1:-1].replace("''", "'")
            if "[" in where or ":" in where:  # external workbook or 3-D reference
                return None
            sheet = where
        else:
            addr = ref
        if _CELL_RANGE.match(addr):
            c1, r1, c2, r2 = range_boundaries(addr.replace("$", ""))
            return sheet, c1, r1, c2, r2
        if ":" in addr and "!" not in ref:  # whole rows/columns: shape unknown
            return None
        dn = self._name(addr, sheet)
        if dn is None:
            return None
        dests = list(dn.destinations)
        if len(dests) != 1:
            return None
        title, where = dests[0]
        if not _CELL_RANGE.match(where):
            return None
        c1, r1, c2, r2 = range_boundaries(where.replace("$", ""))
        return title, c1, r1, c2, r2

    def _name(self, name: str, sheet: str | None):
        if sheet and sheet in self.wb.sheetnames:
            local = self.wb[sheet].defined_names.get(name)
            if local is not None:
                return local
        try:
            return self.wb.defined_names.get(name)
        except (KeyError, AttributeError):
            return None

    def shape(self, ref: str, sheet: str | None):
        a = self.area(ref, sheet)
        if a is None:
            return None
        return (a[4] - a[2] + 1, a[3] - a[1] + 1)

    def values(self, ref: str, sheet: str | None):
        """The cell's value, or a range's values as row lists (as xlwings passes them)."""
        a = self.area(ref, sheet)
        if a is None or a[0] not in self.wb.sheetnames:
            raise Untranslatable(f"cannot read {ref}")
        title, c1, r1, c2, r2 = a
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
            raise Untranslatable(f"{ref} is too large to read")
        ws = self.wb[title]
        rows = [[self._value(ws, title, r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    def empty(self, ref: str, sheet: str | None) -> bool:
        """Whether `ref` is one cell holding nothing: no value and no formula (a formula's saved value may be
        stale or absent, so a formula cell is never taken for an empty one)."""
        if ":" in ref:
            return False
        try:
            where = self.area(ref, sheet)
        except (Untranslatable, KeyError, ValueError, TypeError):
            return False
        if where is None:
            return False
        title, c1, r1, c2, r2 = where
        if (r1, c1) != (r2, c2) or title not in self.wb.sheetnames:
            return False
        cell = self.wb[title]._cells.get((r1, c1))
        return cell is None or (cell.value is None and cell.data_type != "f")

    def _value(self, ws, title, r, c):
        cell = ws._cells.get((r, c))
        if cell is not None and getattr(cell, "typed", None) is not None:
            # a text magnitude another call's translation made a number: the add-in reads the text
            # (a frozen call computes from it; a pixel side refuses "4K" whichever call came first)
            return cell.typed
        v = None if cell is None else cell.value
        if cell is not None and cell.data_type == "f":
            if self._cached is None:
                raise Untranslatable(f"{cell.coordinate} is a formula without a saved value")
            v = self._cached()[title].cell(r, c).value
            if v is None:
                raise Untranslatable(f"{cell.coordinate} is a formula without a saved value")
        if isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        return v


# -- translating one formula ----------------------------------------------------------------
@dataclass
class Result:
    """What became of one formula."""

    text: str  # the new formula, "=..." (or the cell's value when `value_set`)
    translated: int = 0  # calls replaced by twins
    frozen: list[str] = field(default_factory=list)  # "GPU_NAMES(): why" per frozen call
    array: bool = False  # needs an array formula (a call over ranges)
    shape: tuple | None = None  # the result's rows x columns when the whole formula is one call
    value_set: bool = False  # the whole formula was one frozen call: the cell holds `value`
    value: object = None
    numeric_refs: list = field(default_factory=list)  # (ref text, sheet) read as numbers
    numeric_areas: list | None = None  # the same as (sheet, c1, r1, c2, r2), when worked out
    depends_on_values: bool = False  # translated by what a cell holds: never reused for another row
    helpers: list = field(default_factory=list)  # cell mode: twins.Helper per Workings quantity (markers in text)
    origin: tuple | None = None  # (the moved translation, its column): Workings places its quantities alike
    read_refs: list = field(default_factory=list)  # (reference, argument) whose cells were read for model names
    names_found: bool = False  # one of them held a model name (the translation is that cell's own)
    # references of arguments whose empty cell the twin works out as omitted (Function.twin_blank_cell_na) that held a
    # value: the translation is reused for another row only where those cells hold values too
    filled_refs: list = field(default_factory=list)


class Translator:
    """Translates formulas of one workbook (GPU table and references fixed)."""

    def __init__(
        self, table: Table | None, refs: Refs | None = None, models: Table | None = None, names: dict | None = None
    ):
        self.table = table
        self.refs = refs
        self.models = models  # the workbook's Models sheet (modelsheet.find_table), or None
        self.names = names or {}  # named assumptions the workbook defines: name -> value (twins.assumption_names)
        self.cells_may_name_models = True  # False: no cell's text is a model name (formulacells)
        self._hoister = None
        self._strict = False
        self.local_names: dict = {}  # sheet -> names defined for it only, lower case (Workings cells qualify them)

    def needs(self, formula: str) -> bool:
        return CALL_NAMES.search(formula) is not None

    def translate(
        self, formula: str, sheet: str | None = None, freeze_all: str | None = None, cells: bool = False
    ) -> Result:
        """`formula` ("=...") translated; `freeze_all` freezes every call with that reason.
        `cells`: a cell's formula, whose scalar calls put their quantities in Workings cells
        (res.helpers; handoff.workings places them); else every twin is one formula."""
        nodes = parse(formula)
        res = Result("")
        self._sheet, self._res, self._freeze_all = sheet, res, freeze_all
        self._hoister = twins.Hoister(sheet, self.local_names.get(sheet, ())) if cells else None
        self._strict = False
        try:
            self._translate(nodes, res)
            if cells and not res.value_set and res.translated and twins.estimated_length(res.text) > twins.LIMIT:
                # Long with the caller's own text around the call: every checked input in its cell.
                res = Result("")
                self._res, self._hoister, self._strict = (
                    res,
                    twins.Hoister(sheet, self.local_names.get(sheet, ())),
                    True,
                )
                self._translate(parse(formula), res)
        finally:
            if self._hoister is not None:
                res.helpers = self._hoister.helpers
            self._hoister = None
        if res.value_set or not isinstance(res.text, str):
            return res
        res.text = spill_unmarked(res.text)
        if CALL_NAMES.search(QUOTED.sub('""', res.text)):
            # a call where the grammar is bent (X:GPU_DAYS(...), a range operator before a call)
            raise Untranslatable("a flopsheet call stands where the translator does not read it")
        return res

    def _translate(self, nodes, res) -> None:
        body = _strip(nodes)
        if len(body) == 1 and isinstance(body[0], Call) and body[0].fn_name:
            text, shape, frozen = self._call(body[0], root=True)
            res.shape = shape
            if frozen is not _NOT_FROZEN:
                res.value_set, res.value = True, frozen
                res.text = text
                return
            res.text = "=" + text
        else:
            res.text = "=" + self._render(nodes)

    # -- rendering ---------------------------------------------------------------------------
    def _render(self, nodes: list) -> str:
        out = []
        for n in nodes:
            if isinstance(n, Call):
                if n.fn_name:
                    out.append(self._call(n)[0])
                else:
                    out.append(n.head + ",".join(self._render(a) for a in n.args) + ")")
            elif isinstance(n, Group):
                out.append(n.open + self._render(n.items) + n.close)
            else:
                out.append(n.value)
        return "".join(out)

    def _arg(self, nodes: list) -> tuple[Expr, tuple | None]:
        body = _strip(nodes)
        if not body:
            return twins.OMITTED, (1, 1)
        ok, value = literal(body)
        if ok:
            return Expr("literal", _text_of(body), value), (1, 1)
        if len(body) == 1 and isinstance(body[0], Token) and body[0].subtype == Token.RANGE:
            ref = body[0].value
            shape = self.refs.shape(ref, self._sheet) if self.refs else None
            return Expr("ref", ref), shape
        if len(body) == 1 and isinstance(body[0], Call) and body[0].fn_name:
            text, shape, frozen = self._call(body[0])
            if frozen is not _NOT_FROZEN:
                ok = not isinstance(frozen, list)
                return (Expr("literal", text, frozen) if ok else Expr("expr", text)), shape
            return Expr("call", text), shape
        before = self._res.array
        text = self._render(nodes)
        # An expression holding a call over ranges, or an array of its own (an array constant, a
        # range in arithmetic, IF(range,...), TRANSPOSE(range), a spill reference), is array-valued,
        # of a shape not worked out here: it stays inside the formula, never one Workings cell.
        array = (self._res.array and not before) or self._array_valued(body)
        return Expr("expr", text.strip()), (None if array else (1, 1))

    def _array_valued(self, nodes: list) -> bool:
        """Whether an expression may evaluate to more than one value (Excel's array evaluation)."""
        for n in nodes:
            if isinstance(n, Group):
                if n.open.strip() == "{" or self._array_valued(n.items):
                    return True
            elif isinstance(n, Call):
                if n.fn_name:
                    continue  # a flopsheet call's own shape is worked out by _call
                name = _PREFIX_FN.sub("", n.head[:-1].strip()).upper()
                if name in ARRAY_FROM_SCALARS:
                    return True
                reduced = _REDUCED_ARGS.get(name)
                for i, a in enumerate(n.args):
                    if reduced is not None and (reduced == "all" or reduced(i)):
                        continue
                    if self._array_valued(a):
                        return True
            elif isinstance(n, Token) and n.type == Token.OPERAND and n.subtype == Token.RANGE:
                ref = n.value
                if "#" in ref.rsplit("!", 1)[-1]:  # a spill reference (A2#)
                    return True
                shape = self.refs.shape(ref, self._sheet) if self.refs else (None if ":" in ref else (1, 1))
                if shape != (1, 1):
                    return True
            elif isinstance(n, Token) and n.type == Token.OP_IN and n.value.strip() in (",", ""):
                return True  # a union or an intersection of references
        return False

    def _call(self, call: Call, root: bool = False):
        """(text, shape, frozen value or _NOT_FROZEN) for one flopsheet call."""
        fn = REGISTRY[call.fn_name]
        res = self._res
        mark = (res.translated, len(res.frozen), len(res.numeric_refs), res.array)
        args = _args(call)
        exprs, shapes = [], []
        for a, nodes in zip(list(fn.args) + [None] * len(args), args):
            e, shape = self._arg(nodes)
            exprs.append(e)
            shapes.append(shape)
            # Cells read as numbers: text magnitudes there become numbers. Never a GPU cell: text
            # there is always a name ("4090" is the RTX 4090, "910B" the Ascend 910B), as in Python.
            numeric = a is not None and (a.kind in ("number", "model") or a.name == "unit")  # model: "175B" or a name
            if e.kind == "ref" and numeric:
                res.numeric_refs.append((e.text, self._sheet))
        shape = _broadcast(shapes)
        reason = self._freeze_all or ALWAYS_FROZEN.get(fn.name)
        if reason is None and twins.looks_up_models(fn) and self.models is None:
            reason = NO_MODELS_SHEET
        if reason is None and fn.name in PIXEL_SIDES:
            reason = self._side_word(fn, exprs)
        named = None  # (the declaration of the named tokenizer's rule, its arguments, the cell's test)
        if reason is None and fn.name in TOKENIZER_NAMED:
            named = self._tokenizer_twin(fn, exprs)
            if isinstance(named, str):
                reason, named = named, None
        if reason is None and named is None and fn.name in TOKENIZER_ARGS:
            reason = self._tokenizer_in_cell(fn, exprs)
        model = self._model_name(fn, exprs) if reason is None else None
        exprs, still_blank = self._blank_cells_as_omitted(fn, exprs) if reason is None else (exprs, [])
        held: list[str] = []  # a layout function's text cells read as typed: the tests that they still hold it
        if reason is None and twins.reads_layout(fn):
            exprs, held = self._cells_as_typed(fn, exprs)
        models = self.models
        if (
            reason is None
            and models is not None
            and models.pending == "sheet"
            and model is None
            and not self._names_model(fn, exprs)
        ):
            # The Models sheet is one the copy would add (the workbook has none): a call without a
            # model name translates as if it did not exist, so a workbook whose calls hold only
            # numbers gets no Models sheet (twins read a cell as a number or a name only with one).
            models = None
        if reason is None:
            try:
                if model is not None and models is None:
                    raise Untranslatable(f"a model name ({model}): the workbook has no Models sheet to look it up on")
                # A call over ranges is one formula, and so is one whose arguments depend on where
                # they are computed (ROW(), INDIRECT("A1")...): a Workings cell would change them.
                hoist = (
                    self._hoister
                    if shape == (1, 1)
                    and not any(_WHERE_DEPENDENT.search(e.text) for e in exprs if e.kind in ("expr", "call"))
                    else None
                )
                if named is not None:
                    rule_fn, rule_exprs, test = named
                    text = twins.render(rule_fn, rule_exprs, self.table, models, hoist, self.names, self._strict)
                    text = f"IF({test},{text},NA())" if test else text
                else:
                    text = (
                        twins.render_model(fn, exprs, self.table, models, model, hoist, self.names, self._strict)
                        if model is not None
                        else twins.render(fn, exprs, self.table, models, hoist, self.names, self._strict)
                    )
                if still_blank:  # the cells left empty stay empty, else #N/A: run the hand-off again
                    text = f"IF({'*'.join(f'({r}={chr(34) * 2})' for r in still_blank)},{text},NA())"
                if held:  # the text cells read at hand-off still hold it, else #N/A: run the hand-off again
                    text = f"IF({'*'.join(held)},{text},NA())"
            except Untranslatable as u:
                reason = u.reason
        if reason is not None:
            res.translated, res.array = mark[0], mark[3]
            del res.frozen[mark[1] :]
            # a kept value reads its cells as the add-in did: they stay as typed for other calls
            # (a "4K" a pixel side refused must not become 4,000 for the next call reading it)
            del res.numeric_refs[mark[2] :]
            value = self._freeze(call, fn)
            res.frozen.append(f"{fn.name}(): {reason}")
            if root:
                return value, _value_shape(value), value
            return literal_text(value), _value_shape(value), value
        res.translated += 1
        if shape is None or shape != (1, 1):
            res.array = True
        return twins.paren(text) if not root else text, shape, _NOT_FROZEN

    def _model_name(self, fn, exprs) -> str | None:
        """The catalog model a call's model argument (the first; SERVING_GPUS' 4th) names, when the function's plain-number
        twin would not do for it (twins.model_terms; a model form of its own, Function.forms): a literal
        name, or a cell holding one now (the result then depends on the cell: never reused)."""
        if not exprs or not (
            twins.model_terms(fn) or any(twins.has_model_form(f) for f in fn.forms) or twins.reads_layout(fn)
        ):
            return None
        at = twins.model_index(fn)
        if at >= len(exprs):
            return None
        first, a = exprs[at], fn.args[at]
        if first.kind == "literal":
            v = first.value
        elif first.kind == "ref" and self.refs is not None:
            v = self._read_cells(first, a)  # another row of this form may hold a number
            if v is _UNREAD:
                return None
            if _holds_model_name(v, a.name):
                self._res.names_found = True
        else:
            return None
        return v.strip() if _is_model_name(v, a.name) else None

    def _blank_cells_as_omitted(self, fn, exprs):
        """A cell left empty for an argument whose blank the twin works out when omitted (Function
        .twin_blank_cell_na: the serving batch, the fewest GPUs) is that omission, as the add-in reads it; the
        references are returned for the test that they are still empty (the result depends on them)."""
        out, still_blank = list(exprs), []
        for i, a in enumerate(fn.args[: len(out)]):
            e = out[i]
            if a.name not in fn.twin_blank_cell_na or e.kind != "ref" or self.refs is None or ":" in e.text:
                continue
            if self.refs.empty(e.text, self._sheet):
                self._res.depends_on_values = True
                self._res.read_refs.append((e.text, a.name))
                out[i] = twins.OMITTED
                still_blank.append(e.text)
            else:
                self._res.filled_refs.append(e.text)
        return out, still_blank

    # A layout function's twin is worked out at hand-off for its GPU, layout and precision (twins.TwinCall
    # .layout_figure): one cell holding one of them is read now as if typed, and tested to still hold it.
    _TYPED_CELLS = ("gpu", "layout", "precision")

    def _cells_as_typed(self, fn, exprs):
        """`exprs` with the one-cell GPU, layout and precision arguments of a LAYOUT_ call replaced by the text their
        cells hold now (an empty precision cell: omitted, the add-in's blank), and the tests that they still hold it
        (the same text up to case and spaces, as the add-in reads it). A cell holding anything else stays a
        reference (the twin then keeps the value and says why). The translation depends on the cells: never reused
        for another row."""
        out, tests = list(exprs), []
        for i, a in enumerate(fn.args[: len(out)]):
            e = out[i]
            if a.name not in self._TYPED_CELLS or e.kind != "ref" or self.refs is None or ":" in e.text:
                continue
            if a.name == "precision" and self.refs.empty(e.text, self._sheet):
                self._res.depends_on_values = True
                out[i] = twins.OMITTED
                tests.append(f"({e.text}={chr(34) * 2})")
                continue
            try:
                v = self.refs.values(e.text, self._sheet)
            except Untranslatable:
                continue
            if not isinstance(v, str) or isinstance(v, ErrorValue) or not v.split():
                continue
            self._res.depends_on_values = True
            typed = " ".join(v.split())
            out[i] = twins.Expr("literal", string_literal(typed), typed)
            tests.append(f"NOT(ISNUMBER({e.text}))*(TRIM({e.text})={string_literal(typed)})")
        return out, tests

    def _tokenizer_twin(self, fn, exprs):
        """A call naming a catalog tokenizer, typed in the formula or held by the one cell its
        argument reads: (the declaration whose twin is that rule, the call's arguments in its
        order, the test that the cell still holds the name or None); a reason to keep the value
        (a rule without a twin, a name in a range); None when no name is given (numbers)."""
        arg = TOKENIZER_NAMED[fn.name]
        given = {a.name: (exprs[i] if i < len(exprs) else twins.OMITTED) for i, a in enumerate(fn.args)}
        e = given[arg]
        test = None
        if e.kind == "literal" and isinstance(e.value, str) and not isinstance(e.value, ErrorValue):
            name = e.value
        elif e.kind == "ref" and self.refs is not None:
            v = self._read_cells(e, fn.args[[a.name for a in fn.args].index(arg)])
            if v is _UNREAD:
                return None
            if isinstance(v, list):
                if fn.name == "VIDEO_SECONDS_TOKENS" or _holds_model_name(v, arg):
                    self._res.names_found = True
                    return f"{arg} is a range of tokenizer names: each has its own rule (the value is kept)"
                return None
            if not isinstance(v, str) or isinstance(v, ErrorValue):
                return None
            name = v
            self._res.names_found = True
            # still that name, and no control character (Gnumeric's TRIM strips a tab, which the add-in refuses)
            test = f"(TRIM({e.text})={string_literal(' '.join(name.split()))})*(CLEAN({e.text})={e.text})"
        else:
            return None
        if not _is_model_name(name, arg) and fn.name not in ("VIDEO_SECONDS_TOKENS", "AUDIO_TOKENS"):
            return None  # a patch size as text ("16"): the numbers twin
        if fn.name == "VIDEO_TOKENS":
            if not twins.blank_literal(given["temporal_patch"]):
                return "temporal_patch is given with a tokenizer name (the add-in refuses it; its value is kept)"
            if twins.blank_literal(given["fps"]):
                return None  # the add-in's refusal (fps is required with a name) is kept
        try:
            rule_fn, order = tokenizer_form(fn.name, control_free(name, arg).strip())
        except KeyError as err:
            return err.args[0]
        except FlopsheetError:
            return None  # an unknown name: the add-in's message is kept
        named = {**given, arg: twins.Expr("literal", "", name.strip())}
        return rule_fn, [named[a] for a in order], test

    def _side_word(self, fn, exprs) -> str | None:
        """Why a call keeps its value (the add-in's refusal): a side in pixels is a resolution name
        ("4K"), typed in the formula or held by a cell it reads. The copy would read it as the
        magnitude 4,000 (a literal, or a cell's text made a number) and give a wrong number."""
        for a, e in zip(fn.args, exprs):
            if a.name not in PIXEL_SIDES[fn.name] or e.kind not in ("ref", "literal"):
                continue
            if e.kind == "literal":
                values = [e.value]
            elif self.refs is None or (v := self._read_cells(e, a)) is _UNREAD:
                continue
            else:
                values = [x for row in v for x in row] if isinstance(v, list) else [v]
            if any(side_word(x) for x in values):
                return f"{a.name} is a resolution name, not a side in pixels (the add-in's refusal is kept)"
        return None

    def _tokenizer_in_cell(self, fn, exprs) -> str | None:
        """Why a call keeps its value: its patch cell names a tokenizer (IMAGE_TOKENS' and
        VIDEO_TOKENS' patch, functions.tokens.TOKENIZER_ARGS), whose rule has no native formula; or
        VIDEO_TOKENS is given an fps, which only a tokenizer's sampling reads (the add-in refuses it
        with a patch size; the twin would ignore it). A number there translates. Cells are read as a
        model argument's are (never reused for a row holding a name); a name typed in the formula is
        refused by the twin and kept the same way."""
        for a, e in zip(fn.args, exprs):
            if a.name not in (TOKENIZER_ARGS[fn.name], "fps") or e.kind not in ("ref", "literal"):
                continue
            if e.kind == "literal":
                if a.name == "fps" and not (e.value is None or (isinstance(e.value, str) and not e.value.strip())):
                    return "fps is given: it is read only with a tokenizer name (the add-in's value is kept)"
                continue
            if self.refs is None or (v := self._read_cells(e, a)) is _UNREAD:
                continue
            cells = [x for row in v for x in row] if isinstance(v, list) else [v]
            if a.name == "fps" and any(x is not None and not (isinstance(x, str) and not x.strip()) for x in cells):
                self._res.names_found = True
                return "fps is given: it is read only with a tokenizer name (the add-in's value is kept)"
            if a.name != "fps" and _holds_model_name(v, a.name):
                self._res.names_found = True
                return f"{a.name} names a tokenizer: its rule has no native Excel formula yet (the value is kept)"
        return None

    def _names_model(self, fn, exprs) -> bool:
        """Whether a call names a catalog model: a look-up by name (MODEL_SPEC), or a model argument
        holding a name typed in the formula or in the cell it reads now (`_read_cells`); cells are
        read only when some text of the workbook is a model name (formulacells), so a workbook of
        numbers keeps one shared translation per column."""
        if twins.looks_up_models(fn):
            return True
        for a, e in zip(fn.args, exprs):
            if a.kind != "model":
                continue
            if e.kind == "literal" and _is_model_name(e.value, a.name):
                return True
            if e.kind == "ref" and self.refs is not None and self.cells_may_name_models:
                v = self._read_cells(e, a)
                if v is _UNREAD:
                    continue
                if _holds_model_name(v, a.name):
                    self._res.names_found = True
                    return True
        return False

    def _read_cells(self, e, a):
        """What the cells of reference `e` (argument `a`) hold now, or _UNREAD. A translation that
        read them depends on them: never reused for another row (a column may mix numbers and
        names), nor when they could not be read."""
        self._res.depends_on_values = True
        self._res.read_refs.append((e.text, a.name))
        try:
            return self.refs.values(e.text, self._sheet)
        except Untranslatable:
            self._res.names_found = True  # unknown: never reused
            return _UNREAD

    def _freeze(self, call: Call, fn):
        """What the Python function returns for this call (as a cell shows it)."""
        try:
            return self._python(call, fn)
        except Untranslatable as u:
            return f"{fn.name}: not computed in the hand-off ({u.reason})"

    def _python(self, call: Call, fn):
        """The add-in's result for the call, from its inputs; Untranslatable if one is unknown."""
        return excel_io.call(fn, [self._value(nodes) for nodes in _args(call)])

    def _value(self, nodes: list):
        body = _strip(nodes)
        if not body:
            return None
        ok, value = literal(body)
        if ok:
            return str(value) if isinstance(value, ErrorValue) else value
        if len(body) == 1 and isinstance(body[0], Token) and body[0].subtype == Token.RANGE:
            if self.refs is None:
                raise Untranslatable(f"cannot read {body[0].value}")
            return self.refs.values(body[0].value, self._sheet)
        if len(body) == 1 and isinstance(body[0], Call) and body[0].fn_name:
            return self._python(body[0], REGISTRY[body[0].fn_name])
        raise Untranslatable(f"argument {_text_of(body)} is computed by the sheet")


_NOT_FROZEN = object()
_UNREAD = object()  # cells that could not be read (Translator._read_cells)


def _holds_model_name(v, name: str) -> bool:
    cells = [x for row in v for x in row] if isinstance(v, list) else [v]
    return any(_is_model_name(x, name) for x in cells)


_WHERE_DEPENDENT = re.compile(
    r"(?<![A-Za-z0-9_.])(?:ROW\s*\(\s*\)|COLUMN\s*\(\s*\)|INDIRECT\s*\(|CELL\s*\(|"
    r"ADDRESS\s*\(|OFFSET\s*\(|INFO\s*\()",
    re.I,
)


def _is_model_name(v, name: str) -> bool:
    """Text a model argument reads as a catalog name (not a magnitude like "70B", not blank)."""
    if not isinstance(v, str) or isinstance(v, ErrorValue) or not v.strip():
        return False
    from flopsheet.errors import FlopsheetError
    from flopsheet.functions.declaration import model_number

    try:
        return model_number(v, name) is None
    except FlopsheetError:
        return False


# -- translating a column of similar formulas ---------------------------------------------------
# A sheet with 100,000 rows holds the same formula 100,000 times, each shifted by one row.
# Tokenizing and rendering each one costs ~100 us; instead, a formula is reduced to its
# relative form (every A1 reference as an offset from the formula's cell, as R1C1 notation
# would write it), translated once per distinct form, and the result shifted to each cell.
# That is exact because a translation depends only on the formula text, the shapes of its
# ranges and its literals, all of which the relative form fixes; calls that freeze depend on
# cell values and are never reused.
_WHOLE = re.compile(r"(?<![A-Za-z0-9_.$])\$?(?:[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|[0-9]+:\$?[0-9]+)(?![A-Za-z0-9_(])")


def relative_form(formula: str, row: int, col: int) -> str | None:
    """The formula with each reference made relative to (row, col); None if it has whole
    rows or columns (which a horizontal copy would shift differently)."""
    out = []
    parts = QUOTED.split(formula) if '"' in formula or "'" in formula else (formula,)
    cols = _COLUMNS
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
            continue
        if _WHOLE.search(part):
            return None
        # split: text, then per reference its groups ($, letters, $, digits) and the text after it
        pieces = A1_REF.split(part)
        out.append(pieces[0])
        for j in range(1, len(pieces), 5):
            abs_c, letters, abs_r, digits = pieces[j : j + 4]
            c = cols.get(letters)
            if c is None:
                c = cols[letters] = column_index_from_string(letters.upper())
            r = int(digits)
            out.append("\x00" + (f"${c}" if abs_c else f"~{c - col}") + (f"${r}" if abs_r else f"~{r - row}") + "\x00")
            out.append(pieces[j + 4])
    return "".join(out)


_COLUMNS: dict[str, int] = {}  # column letters as written -> number (relative_form, _Shifted)


def shift(text: str, rows: int, cols: int) -> str:
    """Move every relative reference of `text` by rows x cols, as Excel does when copying."""
    if not rows and not cols:
        return text
    out = []
    for i, part in enumerate(QUOTED.split(text)):
        if i % 2:
            out.append(part)
            continue

        def move(m):
            letters = m.group(2)
            if not m.group(1) and cols:
                letters = get_column_letter(column_index_from_string(letters.upper()) + cols)
            digits = m.group(4) if m.group(3) else str(int(m.group(4)) + rows)
            return m.group(1) + letters + m.group(3) + digits

        out.append(A1_REF.sub(move, part))
    return "".join(out)


class _Shifted:
    """A translated formula ready to be moved: its text as a format string with one slot per
    distinct relative reference, and the areas its calls read as numbers."""

    def __init__(self, res: Result, row: int, col: int, refs: Refs | None, formula: str = ""):
        self.res, self.row, self.col = res, row, col
        # the formula translated is a template too, its references in the same slots: the next
        # row's formula is predicted from it and compared (CachedTranslator.moved)
        slots: dict[tuple, int] = {}
        self.source = self._template(formula, slots)
        self.template = self._template(res.text, slots)
        self.helpers = [(h.label, self._template(h.text, slots)) for h in res.helpers]
        self.refs = list(slots)
        self.areas = []  # (sheet, c1, r1, c2, r2, which corners move)
        for text, sheet in res.numeric_refs:
            area = refs.area(text, sheet) if refs else None
            if area is not None:
                self.areas.append((area, _moves(text)))
        # what every moved Result shares: Result(text, res.translated, [], res.array, res.shape)
        self._fields = dict(Result("", res.translated, [], res.array, res.shape).__dict__)

    @staticmethod
    def _template(text: str, slots: dict) -> str:
        out = []
        for i, part in enumerate(QUOTED.split(text)):
            if i % 2:
                out.append(part.replace("{", "{{").replace("}", "}}"))
                continue
            pos = 0
            for m in A1_REF.finditer(part):
                out.append(part[pos : m.start()].replace("{", "{{").replace("}", "}}"))
                pos = m.end()
                if m.group(1) and m.group(3):
                    out.append(m.group(0))
                    continue
                ref = (m.group(1), column_index_from_string(m.group(2).upper()), m.group(3), int(m.group(4)))
                out.append("{%d}" % slots.setdefault(ref, len(slots)))
            out.append(part[pos:].replace("{", "{{").replace("}", "}}"))
        return "".join(out)

    def names(self, row: int, col: int) -> list[str]:
        """Each slot's reference as copied to (row, col): relative parts moved, absolute kept."""
        dr, dc = row - self.row, col - self.col
        return [(a + get_column_letter(c if a else c + dc) + b + str(r if b else r + dr)) for a, c, b, r in self.refs]

    def at(self, row: int, col: int, names: list[str] | None = None) -> Result:
        dr, dc = row - self.row, col - self.col
        names = self.names(row, col) if names is None else names
        # a Result made from a prepared field dict: a dataclass's __init__ with its default
        # factories costs more than the rest of a moved cell
        res = Result.__new__(Result)
        res.__dict__ = {
            **self._fields,
            "text": self.template.format(*names),
            "frozen": [],
            "numeric_refs": [],
            "read_refs": [],
            # formatted only when Workings has no plan for them
            "helpers": _LazyHelpers(self.helpers, names) if self.helpers else [],
            "origin": (id(self), col),
            "numeric_areas": [
                (t, c1 + dc * m[0], r1 + dr * m[1], c2 + dc * m[2], r2 + dr * m[3])
                for (t, c1, r1, c2, r2), m in self.areas
            ],
        }
        return res


class _LazyHelpers:
    """A moved translation's Workings quantities, each formatted on first use."""

    def __init__(self, templates, names):
        self.templates, self.names = templates, names
        self._done: dict[int, twins.Helper] = {}

    def __len__(self):
        return len(self.templates)

    def __bool__(self):
        return bool(self.templates)

    def __getitem__(self, i):
        h = self._done.get(i)
        if h is None:
            label, t = self.templates[i]
            h = self._done[i] = twins.Helper(label, t.format(*self.names))
        return h

    def __iter__(self):
        return (self[i] for i in range(len(self.templates)))


_CORNERS = re.compile(r"(\$?)[A-Za-z]{1,3}(\$?)[0-9]+(?::(\$?)[A-Za-z]{1,3}(\$?)[0-9]+)?$")


def _moves(ref: str) -> tuple[int, int, int, int]:
    """Which of a reference's c1, r1, c2, r2 follow a copy (1) or stay (0); a name stays."""
    m = _CORNERS.search(ref)
    if m is None:
        return (0, 0, 0, 0)
    a, b = not m.group(1), not m.group(2)
    c, d = (not m.group(3), not m.group(4)) if m.group(0).count(":") else (a, b)
    return (int(a), int(b), int(c), int(d))


class CachedTranslator(Translator):
    """A Translator that translates each relative form once (see `relative_form`)."""

    def __init__(self, table, refs=None, models=None, names=None):
        super().__init__(table, refs, models, names)
        self._seen: dict = {}
        # Translations that read cells for model names and found none: reused for another row of
        # the same form once that row's cells hold no model name either (a cheap read, not a parse).
        self._seen_plain: dict = {}
        self._last: dict = {}  # (sheet, column) -> the _seen translation its last cell used
        self.hits = 0

    def moved(self, formula: str, sheet: str, row: int, col: int) -> Result | None:
        """The translation of `formula` when it is the last translation used in this column,
        copied to this row (the common case: a column of one formula), else None. The formula
        is compared with that translation's formula as copied here: equal text, equal relative
        form, without computing it."""
        last = self._last.get((sheet, col))
        if last is None:
            return None
        try:
            names = last.names(row, col)
        except ValueError:  # moved off the grid
            return None
        if last.source.format(*names) != formula or not self._still_filled(last, sheet, row, col):
            return None
        self.hits += 1
        return last.at(row, col, names)

    def _still_filled(self, entry, sheet: str, row: int, col: int) -> bool:
        """Whether the cells the cached translation found holding a value for an argument whose empty cell is an
        omission (Result.filled_refs), moved here, hold one too (else this row's call is translated as its own)."""
        for text in entry.res.filled_refs:
            try:
                moved = shift(text, row - entry.row, col - entry.col)
            except ValueError:
                return False
            if self.refs is None or self.refs.empty(moved, sheet):
                return False
        return True

    def translate_at(self, formula: str, sheet: str, row: int, col: int, freeze_all=None) -> Result:
        if not freeze_all:
            res = self.moved(formula, sheet, row, col)
            if res is not None:
                return res
        key = None if freeze_all else relative_form(formula, row, col)
        if key is not None:
            hit = self._seen.get((sheet, key))
            if hit is not None and self._still_filled(hit, sheet, row, col):
                self.hits += 1
                self._last[(sheet, col)] = hit
                return hit.at(row, col)
            plain = self._seen_plain.get((sheet, key))
            if (
                plain is not None
                and not self._names_a_model(plain, sheet, row, col)
                and self._still_filled(plain[0], sheet, row, col)
            ):
                self.hits += 1
                return plain[0].at(row, col)
        res = self.translate(formula, sheet, freeze_all, cells=True)
        if key is not None and not res.frozen and not res.value_set:
            if not res.depends_on_values:
                entry = _Shifted(res, row, col, self.refs, formula)
                self._seen[(sheet, key)] = entry
                self._last[(sheet, col)] = entry
                res.numeric_areas = [a for a, _ in entry.areas]
            elif not res.names_found and res.read_refs:
                entry = _Shifted(res, row, col, self.refs, formula)
                self._seen_plain[(sheet, key)] = (entry, list(res.read_refs))
                res.numeric_areas = [a for a, _ in entry.areas]
        return res

    def _names_a_model(self, plain, sheet: str, row: int, col: int) -> bool:
        """Whether this row's cells (those the cached translation read, moved here) name a model."""
        entry, reads = plain
        for text, arg in reads:
            try:
                v = self.refs.values(shift(text, row - entry.row, col - entry.col), sheet)
            except Untranslatable:
                return True
            if _holds_model_name(v, arg):
                return True
        return False


def _value_shape(value):
    if isinstance(value, list):
        return (len(value), len(value[0]) if value and isinstance(value[0], list) else 1)
    return (1, 1)


def _broadcast(shapes):
    """Excel's broadcast of argument shapes (None = unknown)."""
    if any(s is None for s in shapes):
        return None
    rows = max((s[0] for s in shapes), default=1)
    cols = max((s[1] for s in shapes), default=1)
    return rows, cols
