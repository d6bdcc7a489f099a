"""Render a function's native twin: its Excel formula template with the call's arguments filled in.

A twin (`Function.twin`, written next to each function's definition) is arithmetic with
placeholders in the project's one template language (flopsheet.placeholders):
  {arg}        the argument's value: a literal as a number, a reference (blank -> its default);
  {peak}       dense peak TFLOPS of {gpu} at {precision}: {gpu} itself when it is a number,
               else a look-up on the GPUs sheet (gpusheet.Table);
  {gpu:field}  a catalog field of {gpu} (memory_gb...), or {gpu:field} where `field` is an
               argument naming the field (GPU_SPEC);
  {model:x}    a figure of the catalog model the model argument names (layers, total_params,
               share = experts_per_token / experts), looked up on the workbook's Models sheet
               (`Figures`); the model argument itself is then the figure it stands for;
  a model name in a `model` argument of a twin that reads no {model:x} (WEIGHTS_GB, TRAIN_FLOPS):
               the figure the argument stands for, looked up on the Models sheet
               (modelsheet.lookup) when the copy has one (see `model_terms`);
  [[A||B]]     A, or B when A is dropped: a part reading {model:x} is dropped for a plain number
               (the engine's model terms vanish there); any other when every optional-without-
               default argument in it is omitted (TRAIN_FLOPS' attention term). "||B" may be left out.
  [[?a,b:A||B]] A, or B when every optional argument listed (a, b) is omitted, whatever A reads (the server's
               CPU time in a decode step: with_host in functions/inference.py).
One twin text thus serves a plain number and a catalog model alike.
`render` also guards every argument that is not a literal with the engine's own rule for it
(`engine._checks.Rule`: `mfu` in (0, 1], counts whole...), so where the Python function returns
an error text the twin shows #N/A instead of a silently wrong number. Literal arguments are
checked here, in Python; a call that fails the check is not translated (the caller freezes it).

Only functions that Excel 2010, LibreOffice 7.4 and Google Sheets all know are emitted:
IF, IFERROR, ISNUMBER, ISLOGICAL, NOT, ISNA, NA, N, INT, ROUND, ROUNDUP, EXP, LN, LOG10, LEN, CLEAN, TRIM,
SUBSTITUTE, SEARCH, VLOOKUP, MATCH, INDEX, MAX, MIN, ABS, TEXT, LEFT, MID, SQRT, MOD, arithmetic.

Cell mode (`hoist`, a scalar call in a cell: handoff.workings): each quantity the twin uses (the
GPU's row on the GPUs sheet, the peak used, an argument used with its default and checks, a
named step of Function.twin_steps) is a labelled Workings cell, and the call's own cell keeps
the arithmetic on those cells; whole-column INDEX/MATCH there, so rows added below a table count.
None of them needs Excel's `_xlfn.` prefix.

The figures of a catalog model a twin reads when a call's model argument names one
(=DECODE_MS("DeepSeek-V3",...)): `{model:x}` in a function's twin (flopsheet.handoff.twins).

A function's twin is written once, in the engine's general form (functions/inference.py): the
weights a batch touches (`weights_read`), two all-reduces per layer (`comm_seconds`), causal
attention in prefill; for a plain parameter count the sections reading model figures drop out.
Here each figure is looked up on the workbook's Models sheet by the canonical name the model
resolves to at hand-off time (so an edit on the Models sheet flows through). When the name sits
in a cell, the twin also tests that the cell still names that model: another name there is
#N/A (run the hand-off again), never a number computed for the wrong model. A function whose
model-name call has arguments of its own (KV_CACHE_GB(model, context_tokens, ...)) declares that
form (`Function.forms`) with its twin in the same placeholders.

A function whose twin does not read the model's figures has no model form: such a call keeps the
add-in's value. SERVING_GPUS' model argument is its 4th (model_index), its serving batch the unrolled
search SERVING_BATCH's twin has.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from dataclasses import dataclass, replace

from flopsheet import catalog, placeholders
from flopsheet import models as catalog_models
from flopsheet.catalog import field_name
from flopsheet.engine.moe import EXPERT_WIDTH_HALF
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import A1_REF, QUOTED, ErrorValue, number_literal, string_literal
from flopsheet.functions import GPU_FIGURES, GPU_FIGURES_IF_KNOWN, MODEL_FIGURES, REQUIRED, Function
from flopsheet.functions.inputs import control_free
from flopsheet.handoff import modelsheet
from flopsheet.handoff.gpusheet import Table
from flopsheet.magnitudes import parse_num

MAX_FORMULA = 8192  # Excel's limit on a formula's length, in characters
_SECTION = re.compile(r"\[\[(.*?)\]\]", re.S)
_LISTED = re.compile(r"^\?([A-Za-z_][A-Za-z0-9_]*(?:,[A-Za-z_][A-Za-z0-9_]*)*):")  # [[?a,b:...]]
_ATOM = re.compile(r"(?:\$?[A-Za-z_][A-Za-z0-9_.]*!)?\$?[A-Za-z0-9_.$:]+|\d+(?:\.\d*)?(?:E[+-]?\d+)?")


# Cell mode (handoff.workings): a quantity's Workings cell is written into formula text as a
# marker, MARK + its index + MARK, until the cell's address is known; control characters never
# occur in a formula, and the marker matches no A1 reference, so moving a formula leaves it be.
MARK = "\x01"
LIMIT = 250  # the longest visible formula the copy aims for (issue 15: auditable formulas)


@functools.cache
def assumption_names() -> dict:
    """The named assumptions (flopsheet.assumptions, the one list: the template's Start
    sheet defines them, a copy defines those a workbook lacks): name -> Assumption. A blank or
    omitted argument points at the one whose `arg` it is, when the name holds that very default;
    `{const:SecondsPerDay}` in a twin is one without an argument."""
    from flopsheet.assumptions import assumptions

    return {a.name: a for a in assumptions()}


@functools.cache
def _default_names() -> dict:
    """argument -> the named assumptions holding a default of it (mfu: DefaultMFU, PrefillMFU)."""
    out: dict = {}
    for a in assumption_names().values():
        if a.arg:
            out.setdefault(a.arg, []).append(a.name)
    return out


def marker(i: int) -> str:
    return f"{MARK}{i}{MARK}"


MARKER = re.compile(MARK + r"(\d+)" + MARK)
# an A1 cell or range, with the sheet it names if any (a quoted sheet name is its own QUOTED part,
# so a reference right after one starts with "!" and is left alone)
_LOCAL_REF = re.compile(
    r"(?<![A-Za-z0-9_.$!\]:])((?:[A-Za-z_][A-Za-z0-9_.]*!)?)"
    r"(\$?[A-Za-z]{1,3}\$?[0-9]{1,7}(?::\$?[A-Za-z]{1,3}\$?[0-9]{1,7})?)(?![A-Za-z0-9_(!:])"
)


_ARITHMETIC = re.compile(r"[-+*/^]")


def qualify(formula: str, sheet: str | None, local_names=()) -> str:
    """`formula` with every A1 reference that names no sheet given `sheet`'s prefix, so it means
    the same on the Workings sheet as on the caller's ($B5 -> Training!$B5); so are the names
    defined for that sheet only (`local_names`, lower case: Runs!Flops)."""
    if not sheet:
        return formula
    from flopsheet.exceltext import sheet_prefix

    prefix = sheet_prefix(sheet)
    parts = QUOTED.split(formula)
    for i in range(0, len(parts), 2):
        parts[i] = _LOCAL_REF.sub(lambda m: m.group(0) if m.group(1) else prefix + m.group(2), parts[i])
        if local_names:
            parts[i] = _NAME.sub(
                lambda m: prefix + m.group(0) if m.group(0).lower() in local_names else m.group(0), parts[i]
            )
    return "".join(parts)


_NAME = re.compile(r"(?<![A-Za-z0-9_.$!\]:])[A-Za-z_\\][A-Za-z0-9_.]*(?![A-Za-z0-9_.(!])")


def estimated_length(formula: str) -> int:
    """Length once every marker is a Workings address (Workings!$C$12345: at most 17 characters)."""
    return len(formula) + 14 * formula.count(MARK) // 2


@dataclass
class Helper:
    label: str  # what the quantity is, for the Workings sheet's label column
    text: str  # its formula, without "="; markers of earlier helpers inside


class Hoister:
    """The quantities one formula's twins put in Workings cells, in the order made (a helper's
    text refers only to earlier ones). Identical texts are one helper."""

    def __init__(self, sheet: str | None, local_names=()):
        self.sheet = sheet
        self.local_names = local_names  # names defined for the caller's sheet only (lower case)
        self.helpers: list[Helper] = []
        self._seen: dict[str, str] = {}
        self._rows: dict[int, bool] = {}  # helper index -> row_by_row of its text (helpers only grow)

    def row_by_row(self, formula: str) -> bool:
        """Whether `formula` reads its caller's row (a row-relative reference, itself or through
        the helpers it refers to): such quantities sit in helper columns, a row each."""
        parts = QUOTED.split(qualify(formula, self.sheet, self.local_names))
        if any(not m.group(3) for p in parts[0::2] for m in A1_REF.finditer(p)):  # a row without $
            return True
        return any(self._helper_row_by_row(int(i)) for i in set(MARKER.findall(formula)))

    def _helper_row_by_row(self, i: int) -> bool:
        """row_by_row of helper i, once (a chain of steps each reading the last ones, as an unrolled canvas
        search, would otherwise be walked once per path: exponentially often)."""
        if i not in self._rows:
            self._rows[i] = self.row_by_row(self.helpers[i].text)
        return self._rows[i]

    def __call__(self, label: str, formula: str) -> str:
        t = qualify(formula, self.sheet, self.local_names)
        m = self._seen.get(t)
        if m is None:
            m = self._seen[t] = marker(len(self.helpers))
            self.helpers.append(Helper(label, t))
        return m


class Untranslatable(Exception):
    """This call has no twin here; `reason` says why (the cell is frozen with that comment)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Expr:
    """One argument of a call as the formula has it.

    kind: "omitted", "literal" (value = float, str, bool or ErrorValue), "ref" (a cell, range
    or name), "call" (a nested flopsheet call, already translated) or "expr" (anything else).
    """

    kind: str
    text: str = ""
    value: object = None

    @property
    def runtime(self) -> bool:
        return self.kind in ("ref", "call", "expr")


OMITTED = Expr("omitted")
# A step's "the larger of two" in a twin, IF({step:a}>={step:b},{step:a},{step:b}): elementwise for ranges
_LARGER = re.compile(r"IF\(\{step:(\w+)\}>=\{step:(\w+)\},\{step:\1\},\{step:\2\}\)")
# and the smaller of two, IF({step:a}<={step:b},{step:a},{step:b}) (LAYOUT_DECODE_MS' faster of two schedules)
_SMALLER = re.compile(r"IF\(\{step:(\w+)\}<=\{step:(\w+)\},\{step:\1\},\{step:\2\}\)")
# one cell (a sheet-qualified, absolute or relative A1 reference), where MAX of two numbers is the larger
_SINGLE_CELL = re.compile(r"(?:(?:'[^']+'|[A-Za-z0-9_.]+)!)?\$?[A-Za-z]{1,3}\$?\d+")
# the number formats whose peak serving reaches a share below 1 of (engine.inference.precision_share)
SHARE_PRECISIONS = ("fp8", "int8", "fp4")


def number(x: float) -> str:
    """A float as an Excel literal (exceltext.number_literal); inf/nan: Untranslatable."""
    try:
        return number_literal(x)
    except ValueError as e:
        raise Untranslatable(str(e)) from None


text = string_literal  # a string as a formula literal, quotes doubled


def _single_call(e: str) -> bool:
    """`NAME(...)` whose first parenthesis closes at the very end."""
    m = re.match(r"[A-Za-z_][A-Za-z0-9_.]*\(", e)
    if not m:
        return False
    depth, quoted = 0, False
    for i in range(m.end() - 1, len(e)):
        ch = e[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i == len(e) - 1
    return False


def paren(e: str) -> str:
    """`e` safe to put next to an operator."""
    if (
        _ATOM.fullmatch(e)
        or MARKER.fullmatch(e)
        or _single_call(e)
        or (e.startswith('"') and e.endswith('"') and e.count('"') == 2)
    ):
        return e
    return f"({e})"


def _rule_test(rule, x: str, number_only: bool = False) -> str:
    # ISLOGICAL: TRUE is a number to LibreOffice's ISNUMBER; Python refuses booleans everywhere.
    parts = [] if number_only else [f"ISNUMBER({x})", f"NOT(ISLOGICAL({x}))"]
    parts += [f"({x}{op}{number(bound)})" for op, bound in rule.bounds]  # Excel writes the comparisons as Python
    if rule.whole:
        parts.append(f"({x}=INT({x}))")
    return "*".join(parts)


@dataclass
class Value:
    """A placeholder's text plus what the guard needs to know about it."""

    text: str
    literal: object = None  # the Python value when known at hand-off time
    runtime: bool = False  # computed in the sheet: guard it
    optional: bool = False  # optional without default: absent when blank
    omitted: bool = False
    check: str | None = None  # the guard test, when not the engine rule's
    label: str | None = None  # cell mode: a quantity for the Workings sheet (handoff.workings)
    maybe: bool = False  # cell mode: a plain reference, hoisted only when the formula is long
    numeric: bool = False  # a number or an error by construction (no boolean): its guard tests bounds only


def checked_name(hoist: Hoister, x: str, what: str) -> str:
    """Cell mode: a Workings cell holding the text (or number) of `x`, or #N/A when it holds
    a wildcard, a control character or a boolean (see plain_text_test)."""
    if not _is_plain(x) and not MARKER.fullmatch(x):  # an expression: worked out once, then checked
        x = hoist(f"{what} as given", x)
    # x&"": an empty cell is "" (a formula reading it would give 0); a number stays a number
    return hoist(
        f"{what} as typed, checked (no wildcards)",
        f'IF(ISLOGICAL({x}),NA(),IF(ISNUMBER({x}),{x},IF({plain_text_test(x)},{x}&"",NA())))',
    )


def plain_text_test(x: str) -> str:
    """A guard that `x` (a name typed in a cell) holds no wildcard and no control character.

    VLOOKUP and MATCH read * ? ~ as wildcards in exact mode ("H1*" would match some GPU), and
    engines disagree on control characters (Gnumeric's TRIM strips a tab, LibreOffice's keeps
    it); Python matches names literally and refuses control characters, so the twin shows #N/A
    for both. CLEAN drops characters 0-31, SUBSTITUTE the wildcards; neither has wildcards itself.
    """
    stripped = f'CLEAN(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({x},"*",""),"?",""),"~",""))'
    return f"(LEN({stripped})=LEN({x}))"


def _literal_number(e: Expr, name: str) -> float:
    v = e.value
    if isinstance(v, ErrorValue):
        raise Untranslatable(f"{name} is {v} (an error value)")
    if isinstance(v, bool):
        raise Untranslatable(f"{name} must be a number, not {str(v).upper()}")
    if isinstance(v, str):
        try:
            return parse_num(v, name)
        except FlopsheetError as err:
            raise Untranslatable(err.message) from None
    return float(v)


def blank_literal(e: Expr) -> bool:
    return e.kind == "omitted" or (
        e.kind == "literal" and isinstance(e.value, str) and not isinstance(e.value, ErrorValue) and not e.value.strip()
    )


def _check_precision(p) -> None:
    """A precision typed in the formula (or DefaultPrecision's value), refused as the add-in refuses it."""
    if not (p is None or isinstance(p, str)):
        raise Untranslatable(f'precision must be text like "bf16" (got {p!r})')
    try:
        catalog.precision_field(p if p is None else control_free(p, "precision"))
    except FlopsheetError as err:
        raise Untranslatable(err.message) from None


class TwinCall:
    """One rendering: the function, its arguments by name, the GPU table."""

    def __init__(
        self,
        fn: Function,
        args: list[Expr],
        table: Table | None,
        guard_calls: bool,
        models: Table | None = None,
        hoist=None,
        names: dict | None = None,
        figures=None,
        strict: bool = False,
    ):
        if len(args) > len(fn.args):
            raise Untranslatable(f"takes at most {len(fn.args)} arguments; got {len(args)}")
        self.fn, self.table, self.guard_calls, self.models = fn, table, guard_calls, models
        self.hoist = hoist  # cell mode: a Hoister (quantities go to Workings cells); None: one formula
        self.names = names or {}  # the workbook's named assumptions: name -> value (defaults point there)
        # the catalog model the model argument names ({model:x}; Figures), None for a number
        self.figures = figures
        self.steps_hoisted = False  # cell mode: {step:x} parts become Workings cells in the last fill
        self.single_cells = False  # every argument a literal or one cell (render_model sets it): MAX is elementwise
        self.steps = {k: (label, t) for k, label, t in fn.twin_steps}  # key -> (label, template)
        self.step_markers: set[str] = set()
        self.step_memo: dict = {}  # (step, hoisted) -> its Value, within one top-level fill
        self.filling = 0  # depth of nested fills (steps fill their templates)
        # cells whose blank is a value (a model without a window), not an input left empty
        self.blank_ok: set[str] = figures.blank_ok if figures is not None else set()
        self.strict = strict  # cell mode: every checked argument in a Workings cell (a long caller formula)
        self.given = {a.name: (args[i] if i < len(args) else OMITTED) for i, a in enumerate(fn.args)}
        self.spec = {a.name: a for a in fn.args}
        self.cache: dict[str, Value] = {}
        self.text_tests: dict[str, None] = {}  # guards on runtime names (ordered, no duplicates)
        self.layout: dict | None = None  # {layout:x}: the call's layout worked out once (layout_figure)

    # -- the argument forms (functions.declaration.ARG_FORMS): an argument's Excel text ------
    def arg(self, name: str) -> Value:
        if name not in self.cache:
            a = self.spec[name]
            self.cache[name] = getattr(self, a.form)(a, self.given[name])
        return self.cache[name]

    def gpu_form(self, a, e: Expr) -> Value:
        raise Untranslatable(f"argument {a.name} ({a.kind}) is read through {{peak}} and {{gpu:field}}")

    precision_form = gpu_form

    def model_form(self, a, e: Expr) -> Value:
        if self.figures is not None:  # the figure the named catalog model stands for
            return self.figures.argument(a)
        if not blank_literal(e) and (
            e.kind == "literal" or (e.kind == "ref" and self.models is not None and not model_terms(self.fn))
        ):
            return self._model_arg(a, e)  # a ref elsewhere is read as a number (a name there: translate freezes)
        return self.number_form(a, e)

    def fallback_form(self, a, e: Expr) -> Value:
        if blank_literal(e) or e.kind == "ref":
            return self._fallback(a, e)
        return self.number_form(a, e)

    def by_precision_form(self, a, e: Expr) -> Value:
        """An argument that, blank, is a function of the call's precision (training `mfu`,
        engine.training_mfu), as in Python (`Arg.by_precision`): the named assumption of that
        precision (TrainMFU, TrainFP8Share...) when the precision is known here, else chosen in the
        sheet by the precision's column on the GPUs sheet; a reference: IF(cell="", that, cell)."""
        if not blank_literal(e) and e.kind in ("literal", "call"):
            return self.number_form(replace(a, default=REQUIRED), e)
        default, known = self._by_precision(a)
        if blank_literal(e):
            if known is not None and default == number(known):
                return Value(default, known)
            label = f"{default}, checked" if known is not None else f"{a.name} used (the precision's default)"
            return Value(default, None, runtime=True, label=label)
        shown = default if known is not None else "the precision's default"
        return Value(f'IF({e.text}="",{default},{e.text})', None, runtime=True, label=f"{a.name} used (blank: {shown})")

    def _by_precision(self, a) -> tuple[str, float | None]:
        """(Excel text, value when known here) of `a`'s default for the call's precision."""
        e = self.given.get("precision", OMITTED)
        named = self.named_default(self.spec["precision"]) if "precision" in self.spec else None
        if blank_literal(e) or e.kind == "literal":
            # typed, or blank: the precision as it is now (DefaultPrecision's value when the workbook names
            # it; the peak reads that cell in the sheet, so a later edit of DefaultPrecision moves the peak
            # but not this default until the hand-off runs again: one short name here, not a look-up)
            p = (self.names[named] if named else None) if blank_literal(e) else e.value
            _check_precision(p)
            return self._precision_default(a, (p or "bf16").strip().lower()), a.by_precision(p)
        col, fld = self._precision_column()  # decided in the sheet: the precision's column on the GPUs sheet
        if fld is not None:
            p = self._precision_name(fld)
            return self._precision_default(a, p), a.by_precision(p)
        # by the precision's column on the GPUs sheet: each default other than BF16's where its columns are
        table = self._table()
        groups: dict[float, list[int]] = {}
        for p, f in catalog.PRECISION_FIELDS.items():
            if table.has(f):
                groups.setdefault(a.by_precision(p), []).append(table.col_index(f))
        base = a.by_precision("bf16")
        text_ = self._precision_default(a, "bf16")
        for value, cols in groups.items():
            if value != base:
                p = next(q for q in catalog.PRECISION_FIELDS if a.by_precision(q) == value)
                test = "+".join(f"({col}={c})" for c in cols)
                text_ = f"IF({test},{self._precision_default(a, p)},{text_})"
        if self.hoist:  # cell mode: chosen once, in its own Workings cell
            text_ = self.hoist(f"{a.name} for the precision when blank (by its column on {table.sheet})", text_)
        return text_, None

    def _precision_default(self, a, p: str) -> str:
        """`a`'s default for precision `p`: the workbook's named assumption holding it, else the number."""
        value = a.by_precision(p)
        for n, assumption in assumption_names().items():
            if p in assumption.precisions and n in self.names:
                have = self.names[n]
                ok = isinstance(have, (int, float)) and not isinstance(have, bool) and math.isclose(have, value)
                if ok:
                    _note_used(self.names, n)
                    return n
        return number(value)

    def from_model_form(self, a, e: Expr) -> Value:
        if blank_literal(e):  # only a model name fills it (TRAIN_FLOPS' tokens)
            return self._from_model(a)
        return self.number_form(a, e)

    def number_form(self, a, e: Expr) -> Value:
        name = a.name
        if blank_literal(e):
            if a.default is REQUIRED:
                raise Untranslatable(f"{name} is required")
            if a.default is None and self.fn.impl is not None and self.fn.formula is not None:
                # CLUSTER_CAPEX's price: its default is the add-in's price table, not a sheet figure
                raise Untranslatable(f"{name} is omitted and its default comes from the add-in's price table")
            named = self.named_default(a)
            if a.default is None:
                return Value('""', None, optional=True, omitted=True)
            if named:  # the workbook's assumption cell: checked in the sheet, as a user may edit it
                return Value(named, None, runtime=True, label=f"{named}, checked")
            return Value(number(a.default), float(a.default))
        if e.kind == "literal":
            x = _literal_number(e, name)
            return Value(number(x), x)
        t = e.text
        wrapped = a.default not in (REQUIRED, None) and e.kind != "call"
        if wrapped:
            t = f'IF({t}="",{self.named_default(a) or number(a.default)},{t})'
        # TRAIN_FLOPS' tokens: blank is #N/A; so is a cell left empty where the add-in would search for the value
        # (twin_blank_cell_na: the serving batch, the fewest GPUs): an error, never a number for another question
        optional = a.default is None and not a.from_model and name not in self.fn.twin_blank_cell_na
        v = Value(t, None, runtime=e.kind != "call" or self.guard_calls, optional=optional)
        if e.kind == "call":
            v.label = f"{name}: the nested call's result"
        elif wrapped:
            v.label = f"{name} used (blank: {self.named_default(a) or number(a.default)})"
        elif e.kind == "expr":
            v.label = f"{name} used"
        else:
            v.label, v.maybe = f"{name}, checked", True
        return v

    def named_default(self, a) -> str | None:
        """The workbook's named assumption holding `a`'s default (DefaultMFU for mfu = 0.4), when
        it defines one with that very value; None: the default is typed as a number."""
        if a.default in (REQUIRED, None):
            return None
        want = a.default
        for n in _default_names().get(a.name, ()):
            if n not in self.names:
                continue
            have = self.names[n]
            if isinstance(want, str):
                ok = isinstance(have, str) and have.strip().lower() == want.lower()
            else:
                # (a saved workbook keeps 16 significant digits: 10200/5600 reads back 1.821428571428571)
                ok = (
                    isinstance(have, (int, float))
                    and not isinstance(have, bool)
                    and math.isclose(have, want, rel_tol=1e-15)
                )
            if ok:
                _note_used(self.names, n)
                return n
        return None

    def const(self, name: str) -> str:
        """`{const:SecondsPerDay}`: the workbook's named constant when it has that value, else the number."""
        value = float(assumption_names()[name].value)
        have = self.names.get(name)
        ok = isinstance(have, (int, float)) and not isinstance(have, bool) and math.isclose(have, value, rel_tol=1e-15)
        if ok:
            _note_used(self.names, name)
        return name if ok else number(value)

    def text_form(self, a, e: Expr) -> Value:
        """A text argument: converted to its number when typed in the formula (`a.convert`), a
        string literal or the referenced cell's text otherwise (`a.kind == "text"`)."""
        if blank_literal(e) or e.kind == "literal":
            value = a.default if blank_literal(e) else e.value
            if isinstance(value, ErrorValue):
                raise Untranslatable(f"{a.name} is {value} (an error value)")
            if a.convert is None:
                return Value(text("" if value is None else str(value)), value)
            try:
                x = a.convert(value)
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
            return Value(number(x), x)
        choices = getattr(a.convert, "choices", None)  # the names a converter knows -> their numbers
        if choices:
            # a number as it is; TRUE/FALSE and a name with a wildcard (which VLOOKUP would match:
            # "fp*" -> fp32) refused, as Python refuses them (the checked cell, or the formula's guard);
            # blank: the default's number
            t = e.text
            if self.hoist:
                t = self._checked_name(t, a.name)
            else:
                self.text_tests[f"NOT(ISLOGICAL({t}))"] = None
                self.text_tests[plain_text_test(t)] = None
            table = "{" + ";".join(f"{text(k)},{number(v)}" for k, v in choices.items()) + "}"
            default = number(a.convert(a.default))
            return Value(
                f'IF(ISNUMBER({t}),{t},IF(TRIM({t})="",{default},VLOOKUP(TRIM({t}),{table},2,FALSE)))',
                runtime=True,
                numeric=True,
                label=f"{a.name} used (a number, or a name's number)",
            )
        if a.convert is not None:
            raise Untranslatable(f"{a.name} must be typed in the formula (a cell reference cannot be converted)")
        return Value(f'({e.text}&"")')

    # -- catalog models ----------------------------------------------------------------------
    def _model_name(self, e: Expr, name: str):
        """("number", x) | ("name", canonical) | ("runtime", expr text) for a model argument."""
        if e.kind == "ref":
            return "runtime", e.text
        v = e.value
        if isinstance(v, str) and not isinstance(v, ErrorValue):
            from flopsheet.functions.declaration import model_number, model_row

            try:
                x = model_number(v, name)
                return ("number", x) if x is not None else ("name", model_row(v, name).name)
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
        return "number", _literal_number(e, name)

    def _model_lookup(self, kind: str, m, fld: str, name: str) -> Value:
        """A catalog figure of model `m` on the Models sheet; a blank figure is #N/A (as
        models.require refuses it). Without a Models sheet a name cannot be looked up."""
        if self.models is None or not self.models.has(fld):
            raise Untranslatable(f"{name} is a model name and the workbook has no Models sheet with {fld}")
        self.models.used = True
        # +0: an empty figure is 0 in arithmetic; a look-up function's figure (MODEL_SPEC's) may be text
        plus0 = "+0" if self.fn.formula is not None else ""
        if kind == "name":
            from flopsheet import models

            known = getattr(models.resolve(m), fld)
            if known in (None, ""):
                raise Untranslatable(f"{m} has no {fld} in the catalog")
            if self.hoist:
                row = self.hoist(f"row of {m} on {self.models.sheet}", self.models.row_of(text(m), True))
                return Value(
                    self.models.figure(fld, row) + plus0, known, label=f"{fld} of {m} ({self.models.sheet} sheet)"
                )
            return Value(modelsheet.lookup(self.models, text(m), fld, literal=True), known)
        if self.hoist:
            checked = self._checked_name(m, "model")
            row = self.hoist(
                f"row of the model on {self.models.sheet} (blank: a number)",
                f'IF(ISNUMBER({checked})+({checked}=""),"",{self.models.row_of(checked, False, modelsheet.NORMALISE)})',
            )
            return Value(
                f'IF({row}="","",{self.models.figure(fld, row)}{plus0})',
                runtime=True,
                label=f"{fld} of the model ({self.models.sheet} sheet)",
            )
        look = modelsheet.lookup(self.models, m, fld, literal=False)
        self.text_tests[f"NOT(ISLOGICAL({m}))"] = None
        self.text_tests[plain_text_test(m)] = None
        return Value(look, runtime=True)

    def _checked_name(self, x: str, what: str) -> str:
        return checked_name(self.hoist, x, what)

    def model_field(self) -> Value:
        """`{model:field}`: the figure its `field` argument names of the catalog model its `model`
        argument names, as `{gpu:field}` is the GPU's: the cell on the Models sheet (a blank figure
        is #N/A, as the Python function refuses it). The field must be literal text."""
        if "{model:field}" in self.cache:
            return self.cache["{model:field}"]
        if self.models is None:
            raise Untranslatable("the workbook has no Models sheet to look model figures up in")
        model, fe = self.given["model"], self.given["field"]
        if blank_literal(model):
            raise Untranslatable("model is required")
        if not (blank_literal(fe) or (fe.kind == "literal" and isinstance(fe.value, str))) or isinstance(
            fe.value, ErrorValue
        ):
            raise Untranslatable('field must be literal text such as "total_params" for the copy to look it up')
        try:
            fld = catalog_models.field_name(
                self.spec["field"].default if blank_literal(fe) else control_free(fe.value, "field")
            )
        except FlopsheetError as err:
            raise Untranslatable(err.message) from None
        kind, m = self._model_name(model, "model") if model.kind in ("literal", "ref") else ("runtime", model.text)
        if kind == "number":
            raise Untranslatable(f"model must be a model name (got {number(m)})")
        if kind == "runtime" and not self.hoist:
            self.text_tests[f"NOT(ISNUMBER({m}))"] = None
        v = self._model_lookup(kind, m, fld, "model")
        v.runtime, v.check = True, lambda x: f'({x}&""<>"")*({x}&""<>"0")'  # a blank figure: #N/A
        self.cache["{model:field}"] = v
        return v

    def _model_arg(self, a, e: Expr) -> Value:
        kind, m = self._model_name(e, a.name)
        if kind == "number":
            return Value(number(m), m)
        if model_terms(self.fn):
            raise Untranslatable(
                f"{a.name} is a model name: {self.fn.name}'s twin has no terms for a model's "
                f"{', '.join(model_terms(self.fn))}"
            )
        if kind == "name":
            return self._model_lookup(kind, m, a.model_field, a.name)
        look = self._model_lookup(kind, m, a.model_field, a.name)
        return Value(
            f"IF(ISNUMBER({m}),{m},{look.text})",
            runtime=True,
            label=f"{a.name} used (a number, or the model's {a.model_field})",
        )

    def _from_model(self, a) -> Value:
        """A blank argument a model name fills (TRAIN_FLOPS' tokens: the model's training tokens)."""
        model_arg, fld = a.from_model
        e = self.given[model_arg]
        if self.models is None or blank_literal(e) or e.kind not in ("literal", "ref"):
            return Value("NA()", None)
        kind, m = self._model_name(e, model_arg)
        if kind == "number":
            return Value("NA()", None)
        look = self._model_lookup(kind, m, fld, a.name)
        if kind == "name":
            return look
        return Value(f"IF(ISNUMBER({m}),NA(),{look.text})", runtime=True, label=f"{a.name}: the model's {fld}")

    def _fallback(self, a, e: Expr) -> Value:
        """An argument that, blank, is a catalog figure of the GPU (TRAIN_COST's price), as in
        Python (`Arg.fallback`): the figure itself when omitted, else IF(cell="", figure, cell)."""
        if blank_literal(e):
            return self.gpu_field(a.fallback)  # a peak number or an unpriced GPU: Untranslatable
        try:
            figure = self.gpu_field(a.fallback, own_cell=False).text
        except Untranslatable:  # gpu is a peak number or has no price: only a typed price works
            figure = "NA()"
        return Value(
            f'IF({e.text}="",{figure},{e.text})',
            None,
            runtime=True,
            label=f"{a.name} used (blank: the GPU's {a.fallback})",
        )

    # -- GPUs ------------------------------------------------------------------------------
    def _gpu(self):
        """("number", float) | ("name", canonical) | ("runtime", expr text)."""
        e = self.given["gpu"]
        if blank_literal(e):
            raise Untranslatable("gpu is required")
        if e.kind != "literal":
            if self.hoist:
                if "{gpu}" not in self.cache:
                    self.cache["{gpu}"] = Value(self._checked_name(e.text, "GPU"))
                return "runtime", self.cache["{gpu}"].text
            self.text_tests[f"NOT(ISLOGICAL({e.text}))"] = None
            self.text_tests[plain_text_test(e.text)] = None
            return "runtime", e.text
        v = e.value
        if isinstance(v, ErrorValue) or isinstance(v, bool):
            raise Untranslatable(f"gpu is {v}")
        if isinstance(v, (int, float)):
            return "number", float(v)
        # Text is always a name ("910B" is the Ascend 910B), as in Python (Bound._one_gpu).
        try:
            gpu = catalog.resolve(control_free(v, "gpu"), selectable_only=self.fn.formula is not None)
        except FlopsheetError as err:
            raise Untranslatable(err.message) from None
        return "name", gpu.name

    def _table(self) -> Table:
        if self.table is None:
            raise Untranslatable("the workbook has no GPUs sheet to look GPU figures up in")
        return self.table

    def _column(self, fld: str) -> str:
        t = self._table()
        if not t.has(fld):
            raise Untranslatable(f'the GPUs sheet has no "{fld}" column')
        return str(t.col_index(fld))

    def _precision_column(self):
        """(column expr, field or None when decided in the sheet)."""
        e = self.given.get("precision", OMITTED)
        named = self.named_default(self.spec["precision"]) if "precision" in self.spec else None
        if named and blank_literal(e):  # the workbook's DefaultPrecision, checked in Python as it is now
            catalog.precision_field(self.names[named].strip())
            e = Expr("ref", named)
        if blank_literal(e) or e.kind == "literal":
            p = None if blank_literal(e) else e.value
            if isinstance(p, (bool, float, ErrorValue)):
                raise Untranslatable(f'precision must be text like "bf16" (got {p!r})')
            try:
                fld = catalog.precision_field(p if p is None else control_free(p, "precision"))
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
            return self._column(fld), fld
        p = e.text
        choices = self._table().choices(catalog.PRECISION_FIELDS)
        blank = named or '"bf16"'  # catalog.precision_field's blank
        # the name itself (DefaultPrecision) is never blank: Python checked it above
        key = f"TRIM({p})" if p == named else f'IF(TRIM({p})="",{blank},TRIM({p}))'
        if self.hoist:
            if "{precision}" not in self.cache:
                p = self._checked_name(p, "precision")
                key = f"TRIM({p})" if e.text == named else f'IF(TRIM({p})="",{blank},TRIM({p}))'
                self.cache["{precision}"] = Value(
                    self.hoist(
                        f"column of the precision on {self._table().sheet} (blank: {blank})",
                        f"VLOOKUP({key},{choices},2,FALSE)",
                    )
                )
            return self.cache["{precision}"].text, None
        self.text_tests[plain_text_test(p)] = None
        return f"VLOOKUP({key},{choices},2,FALSE)", None

    def _gpu_row(self, kind: str, g: str) -> str:
        """Cell mode: the Workings cell holding the GPU's row on the GPUs sheet (one MATCH per
        GPU, shared by all its figures); blank when the GPU is a peak number or blank."""
        t = self._table()
        if kind == "name":
            return self.hoist(f"row of {g} on {t.sheet}", t.row_of(text(g), True))
        return self.hoist(
            f"row of the GPU on {t.sheet} (blank: a peak number)", f'IF(ISNUMBER({g})+({g}=""),"",{t.row_of(g, False)})'
        )

    def _figure(self, kind: str, g: str, col: str, fld: str | None) -> str:
        row = self._gpu_row(kind, g)
        out = self._table().figure(fld, row) if fld is not None else self._table().figure_at(col, row)
        # +0: an empty catalog cell is 0 (a missing figure: an error downstream, as in Python), never blank
        return out + "+0" if self.fn.formula is not None else out

    def peak(self) -> Value:
        if "{peak}" in self.cache:
            return self.cache["{peak}"]
        kind, g = self._gpu()
        if kind == "number":
            v = Value(number(g), g)
        else:
            col, fld = self._precision_column()
            what = f"{self._precision_name(fld)} peak TFLOPS" if fld is not None else "peak TFLOPS at the precision"
            if kind == "name":
                known = None
                if fld is not None:
                    try:
                        known = catalog.peak_tflops(catalog.resolve(g), self._precision_name(fld))
                    except FlopsheetError as err:
                        raise Untranslatable(err.message) from None
                if self.hoist:
                    v = Value(self._figure(kind, g, col, fld), known, label=f"{what} of {g}")
                else:
                    v = Value(self._table().lookup(text(g), col, literal=True), known)
            elif self.hoist:  # g: the checked GPU cell; a number there is the peak itself
                v = Value(
                    f'IF({g}="","",IF(ISNUMBER({g}),{g},{self._figure(kind, g, col, fld)}))',
                    runtime=True,
                    check=f"({paren(g)}>0)",
                    label=f"{what} used (a number: the peak itself)",
                )
            else:
                look = self._table().lookup(g, col, literal=False)
                # Guarded by sign only: a blank or missing catalog figure is 0 or #N/A, and the
                # peak is a divisor in every twin, so those show #DIV/0! or #N/A anyway.
                v = Value(f"IF(ISNUMBER({g}),{g},{look})", runtime=True, check=f"({paren(g)}>0)")
        self.cache["{peak}"] = v
        return v

    def peak_share(self) -> Value:
        """`{peak_share}`: the share of the peak at the call's precision reached per unit of efficiency
        (engine.inference.precision_share: 1 for BF16, less for FP8 and FP4), as the number when the
        precision is known here, else chosen in the sheet from the precision's column on the GPUs sheet
        (the column `{peak}` reads)."""
        from flopsheet.engine.inference import precision_share

        if "{peak_share}" in self.cache:
            return self.cache["{peak_share}"]
        e = self.given.get("precision", OMITTED)
        named = self.named_default(self.spec["precision"]) if "precision" in self.spec else None
        # blank with the workbook's DefaultPrecision: decided in the sheet from it, as `{peak}` reads it
        if not (named and blank_literal(e)) and (blank_literal(e) or e.kind == "literal"):
            p = None if blank_literal(e) else e.value
            _check_precision(p)
            share = precision_share(p)
            v = Value(number(share), share)
        else:  # the precision's text, in the sheet: the shares below 1 by name, 1 for the rest
            key = self._precision_text(e, named)
            # (numbers: an array constant holds no names)
            rows = ";".join(f"{string_literal(q)},{number(precision_share(q))}" for q in SHARE_PRECISIONS)
            text_ = f"IFERROR(VLOOKUP({key},{{{rows}}},2,0),1)"
            v = Value(text_, None)
            if self.hoist:
                v = Value(self.hoist("share of the peak at the precision (FP8, FP4 below 1)", text_), None)
        v = self._times_accelerator_share(v)
        self.cache["{peak_share}"] = v
        return v

    def _precision_text(self, e, named: str | None) -> str:
        """The precision as the sheet reads it, trimmed: the cell's text (checked as a plain text), or blank the
        workbook's DefaultPrecision (`named`; Python checked its value)."""
        if blank_literal(e):
            return f"TRIM({named})"
        p = e.text
        if self.hoist:
            p = self._checked_name(p, "precision")
        else:
            self.text_tests[plain_text_test(p)] = None
        return f'IF(TRIM({p})="",{named},TRIM({p}))' if named else f"TRIM({p})"

    def attn_cost(self) -> Value:
        """`{attn_cost}`: attention's FLOPs per FLOP at the GEMMs' rate (engine.inference.attention_cost): 1 but at
        fp4, where it is the GPU's FP4 peak x PEAK_SHARE_4BIT over its FP8 peak x PEAK_SHARE_8BIT (a typed peak:
        FP4_PER_FP8). A number when the precision and the GPU are known here, else chosen in the sheet: the
        precision's text (or DefaultPrecision's) tested for fp4, the GPU's two peaks read from the GPUs sheet."""
        from flopsheet.engine.inference import PEAK_SHARE_4BIT, PEAK_SHARE_8BIT, attention_cost

        if "{attn_cost}" in self.cache:
            return self.cache["{attn_cost}"]
        e = self.given.get("precision", OMITTED)
        named = self.named_default(self.spec["precision"]) if "precision" in self.spec else None

        def at_fp4() -> Value:
            kind, g = self._gpu()
            if kind == "name":
                gpu = catalog.resolve(g, selectable_only=False)
                x = attention_cost("fp4", gpu.fp4_tflops, gpu.fp8_tflops)
                return Value(number(x), x)
            if kind == "number":
                x = attention_cost("fp4")
                return Value(number(x), x)
            peaks = []
            for fld in ("fp4_tflops", "fp8_tflops"):
                col = self._column(fld)
                peaks.append(
                    self._figure(kind, g, col, fld) if self.hoist else self._table().lookup(g, col, literal=False)
                )
            typed = number(attention_cost("fp4"))
            share = f"*{number(PEAK_SHARE_4BIT)}/{number(PEAK_SHARE_8BIT)}"
            return Value(f"IF(ISNUMBER({g}),{typed},{paren(peaks[0])}/{paren(peaks[1])}{share})", None)

        if not (named and blank_literal(e)) and (blank_literal(e) or e.kind == "literal"):
            p = None if blank_literal(e) else e.value
            _check_precision(p)
            v = Value("1", 1.0) if attention_cost(p) == 1.0 else at_fp4()
        else:  # the precision's text in the sheet (or DefaultPrecision's): fp4 or not, case and spaces aside
            text_ = f'IF(LOWER({self._precision_text(e, named)})="fp4",{at_fp4().text},1)'
            v = Value(text_, None)
        if self.hoist and v.literal is None:
            v = Value(self.hoist("attention's cost per FLOP at the GEMMs' rate (FP4: at the FP8 peak)", v.text), None)
        self.cache["{attn_cost}"] = v
        return v

    def _times_accelerator_share(self, v: Value) -> Value:
        """The precision's share times the accelerator's (engine.inference.ACHIEVED_PEAK_SHARE, 1 for the rest):
        a number for a GPU typed in the formula, else chosen in the sheet by the GPU's name or alias."""
        from flopsheet.engine.inference import ACHIEVED_PEAK_SHARE, accelerator_share

        kind, g = self._gpu()
        if kind != "runtime":
            share = accelerator_share(g if kind == "name" else None)
            if share == 1.0:
                return v
            if v.literal is not None and not isinstance(v.literal, str):
                product = float(v.literal) * share
                return Value(number(product), product)
            return Value(f"{paren(v.text)}*{number(share)}", None)
        # the canonical name, as the GPU's other figures find it (any spelling catalog.resolve takes), then its share
        canonical = self._table().canonical(g)
        rows = ";".join(
            f"{string_literal(catalog.resolve(n, selectable_only=False).name)},{number(x)}"
            for n, x in ACHIEVED_PEAK_SHARE.items()
        )
        by_name = f"IF(ISNUMBER({g}),1,IFERROR(VLOOKUP({canonical},{{{rows}}},2,0),1))"
        # the precision's share 1 (BF16) multiplies nothing: the accelerator's share alone (a shorter twin)
        text_ = by_name if v.literal == 1.0 else f"{paren(v.text)}*{by_name}"
        if self.hoist:
            return Value(
                self.hoist("share of the peak at the precision and on this GPU (FP8, FP4, AMD CDNA3 below 1)", text_),
                None,
            )
        return Value(text_, None)

    def bw_share(self) -> Value:
        """`{bw_share}`: the accelerator's achieved share of the decode bandwidth (engine.inference.
        ACHIEVED_BANDWIDTH_SHARE, 1 for the rest): a number for a GPU typed in the formula, else chosen in the sheet
        by the GPU's name or alias, as `{peak_share}` chooses the accelerator's share of its peak (a peak number or an
        unknown name: 1, the bandwidth's own look-up is #N/A there)."""
        from flopsheet.engine.inference import ACHIEVED_BANDWIDTH_SHARE, accelerator_bw_share

        rows = {catalog.resolve(n, selectable_only=False).name: x for n, x in ACHIEVED_BANDWIDTH_SHARE.items()}
        return self._by_gpu_name(
            "{bw_share}",
            accelerator_bw_share,
            rows,
            "1",
            "share of the decode bandwidth on this GPU (AMD CDNA3 below 1)",
        )

    def scaleup_gpus(self) -> Value:
        """`{scaleup_gpus}`: the GPUs of the GPU's largest NVLink domain (functions.declaration.scaleup_gpus:
        catalog/platforms.csv, SCALE_UP_GPUS where a GPU has no row; 0 for a peak number, unknown): a number for a
        GPU typed in the formula, else chosen in the sheet by the GPU's name or alias among the platforms whose
        domain is not the default, as `{bw_share}` chooses the accelerator's bandwidth share (an unknown name: the
        default, its peak's own look-up is #N/A there)."""
        from flopsheet.catalog.platforms import all_platforms
        from flopsheet.engine.tensor_parallel import SCALE_UP_GPUS
        from flopsheet.functions.declaration import scaleup_gpus

        rows = {p.gpu: p.scaleup_gpus for p in all_platforms() if p.scaleup_gpus != SCALE_UP_GPUS}
        return self._by_gpu_name(
            "{scaleup_gpus}",
            lambda name: scaleup_gpus(name) if name else 0.0,
            rows,
            f"{SCALE_UP_GPUS}",
            "GPUs of this GPU's NVLink domain (catalog/platforms.csv, 8 assumed)",
            peak_number="0",
        )

    def layout_figure(self, sub: str) -> Value:
        """`{layout:x}`: a figure of the parallel layout a LAYOUT_ function's call types (functions.layouttwins):
        its degrees (tp, ep, gpus, replicas), the weights' bytes, the peak's share at the precision and on the GPU and
        the decode bandwidth's (bw_share: AMD CDNA3's below 1, as the serving functions' {peak_share}/{bw_share}), the dispatch's
        bytes, the GPU's platform (domains: scale-up domains the instance spans; ln_stay: LN(1 - 1 / domains), 0 for
        one; scaleout_gbs) and context_ok / prompt_ok / request_ok, the test that context_tokens / prompt_tokens / a
        request (prompt and answer, a typed context) is within the model's context. Numbers worked
        out and checked here as functions.layout.bind does, so the layout, the GPU and the precision must be typed in
        the formula (translate reads a cell holding one as typed, and tests that it still holds it), and the model
        named there or in one cell (render_model's test); an expert-parallel layout only (a tensor-parallel one is
        DECODE_MS' own step)."""
        if self.layout is None:
            self.layout = self._layout_figures()
        figures = self.layout
        if sub in ("context_ok", "prompt_ok", "request_ok"):  # within the model's context (its catalog figure)
            if not figures["context"]:
                return Value("1", 1.0)
            limit = paren(self.figures("context"))
            if sub == "request_ok":  # a served request: prompt + answer, and a typed context
                lengths = [f"{self.arg('prompt_tokens').text}+{self.arg('output_tokens').text}"]
                ctx = self.arg("context_tokens")
                lengths += [] if ctx.omitted else [paren(ctx.text)]
            else:  # context_tokens (a decode step), prompt_tokens (a prefill)
                lengths = [paren(self.arg("context_tokens" if sub == "context_ok" else "prompt_tokens").text)]
            return Value("*".join(f"({n}<={limit})" for n in lengths), None)
        if sub not in figures:
            raise Untranslatable(f"twin placeholder {{layout:{sub}}} is not a figure of a layout")
        x = figures[sub]
        return Value(number(x), x)

    def _layout_figures(self) -> dict:
        import math as _math

        from flopsheet.catalog.platforms import platform
        from flopsheet.engine.moe import dispatch_bytes, scaleup_domains
        from flopsheet.functions.declaration import model_figure
        from flopsheet.functions.layout import bind

        e = self.given.get("layout", OMITTED)
        if e.kind != "literal" or not isinstance(e.value, str) or isinstance(e.value, ErrorValue):
            raise Untranslatable("a layout's twin needs the layout typed in the formula (a cell's is kept as a value)")
        if self.figures is None or self.figures.row is None or isinstance(self.figures, RowFigures):
            raise Untranslatable("a layout's twin needs a catalog model's name, typed in the formula or in one cell")
        kind, g = self._gpu()
        if kind != "name":
            raise Untranslatable("a layout's twin needs the GPU's name typed in the formula (its platform's network)")
        p = self.given.get("precision", OMITTED)
        if blank_literal(p):
            prec = "bf16"
        elif p.kind == "literal" and isinstance(p.value, str) and not isinstance(p.value, ErrorValue):
            prec = control_free(p.value, "precision").strip() or "bf16"
        else:
            raise Untranslatable("a layout's twin needs the precision typed in the formula (its weights' bytes)")
        w = self.given.get("bytes_per_param", OMITTED)
        if blank_literal(w):
            weight_bytes = None  # the precision's
        elif w.kind == "literal" and not isinstance(w.value, (bool, ErrorValue)):
            from flopsheet.functions.parallel import layout_weight_bytes

            try:  # a number, or a number format's name ("fp4"), refused as the add-in refuses it
                weight_bytes = layout_weight_bytes(w.value)
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
        else:
            raise Untranslatable("a layout's twin needs bytes_per_param typed in the formula (its weights' bytes)")
        try:
            b = bind(self.figures.row.name, g, control_free(e.value, "layout"), prec, weight_bytes)
        except FlopsheetError as err:
            raise Untranslatable(err.message) from None
        lay, f = b["layout"], b["forward"]
        if lay.ep <= 1:
            raise Untranslatable(
                "a tensor-parallel layout's step is DECODE_MS' (type that for a twin); kept as a value"
            )
        plat = platform(b["gpu"].name)  # an expert-parallel layout has one (functions.layout.bind checks)
        domains = float(scaleup_domains(float(lay.gpus), float(plat.scaleup_gpus)))
        if not f["nvlink_gbs"] > 0:
            raise Untranslatable(f"the {b['gpu'].name} has no NVLink figure for the experts' all-to-all")
        return dict(
            tp=float(lay.tp),
            ep=float(lay.ep),
            gpus=float(lay.gpus),
            replicas=float(lay.replicas),
            bytes=float(f["bytes_per_param"]),
            share=float(b["share"]),
            bw_share=float(b["bw_share"]),
            attn_cost=float(b["attn_cost"]),
            dispatch=float(dispatch_bytes(f["bytes_per_param"])),
            domains=domains,
            ln_stay=_math.log(1.0 - 1.0 / domains) if domains > 1 else 0.0,
            scaleout_gbs=float(plat.scaleout_gbs or 0.0),
            context=model_figure(self.figures.row, "context", "model"),
        )

    def _by_gpu_name(self, key: str, of_name, rows: dict, default: str, label: str, peak_number: str | None = None):
        """A per-GPU figure the catalog keeps in a short table by canonical name (`rows`; `default` for the rest):
        `of_name(name)` as a number for a GPU typed in the formula (`of_name(None)` for a typed peak), else a
        look-up in the sheet by the GPU's name or alias through the key columns, kept short (a model twin that reads
        it is near Excel's limit); `peak_number`: what a peak number in the GPU's cell gives (else the default)."""
        if key in self.cache:
            return self.cache[key]
        kind, g = self._gpu()
        if kind != "runtime":
            x = of_name(g if kind == "name" else None)
            v = Value(number(x), x)
        else:
            t = self._table()
            canonical = t.canonical(g) if t.key_col is None else t.canonical_or_error(g)
            table = ";".join(f"{string_literal(n)},{number(x)}" for n, x in rows.items())
            text_ = f"IFERROR(VLOOKUP({canonical},{{{table}}},2,0),{default})"
            if peak_number is not None:
                text_ = f"IF(ISNUMBER({g}),{peak_number},{text_})"
            v = Value(self.hoist(label, text_), None) if self.hoist else Value(text_, None)
        self.cache[key] = v
        return v

    @staticmethod
    def _precision_name(fld: str) -> str:
        return next(p for p, f in catalog.PRECISION_FIELDS.items() if f == fld)

    def gpu_field(self, what: str, own_cell: bool = True) -> Value:
        """A catalog figure of the GPU; `own_cell` False: a part of another quantity's cell
        (TRAIN_COST's price used when blank), so it is not a Workings cell of its own."""
        key = "{gpu:" + what + "}"
        if key in self.cache:
            return self.cache[key]
        kind, g = self._gpu()
        if kind == "number":
            raise Untranslatable(f"gpu must be a catalog name here, since {what} is needed (got {number(g)})")
        if what in catalog.FIELDS:
            col, fld = self._column(what), what
        elif what == "field":
            col, fld = self._field_column()
        else:
            raise Untranslatable(f"twin placeholder {key} is not a catalog field")
        label = f"{fld or 'the field'} of {g if kind == 'name' else 'the GPU'} ({self._table().sheet} sheet)"
        if kind == "name":
            gpu = catalog.resolve(g, selectable_only=False)
            known = None
            if fld is not None:
                try:
                    known = catalog.spec(gpu, fld) if what == "field" else catalog.require(gpu, fld, self.fn.name)
                except FlopsheetError as err:
                    raise Untranslatable(err.message) from None
            look = self._figure(kind, g, col, fld) if self.hoist else self._table().lookup(text(g), col, literal=True)
            v = Value(look, known, runtime=known is None)
        elif self.hoist:
            v = Value(f'IF({g}="","",IF(ISNUMBER({g}),NA(),{self._figure(kind, g, col, fld)}))', runtime=True)
        else:  # a number is only a peak: asking it for memory or TDP is an error, as in Python
            v = Value(f"IF(ISNUMBER({g}),NA(),{self._table().lookup(g, col, literal=False)})", runtime=True)
        if self.hoist and own_cell:
            v.label = label
        if v.runtime:
            # A blank catalog cell reads as 0 (or ""): an error, as the Python function says.
            # Gnumeric's VLOOKUP of an empty cell is 0 and LibreOffice's "": no catalog figure is 0,
            # so both mean a missing figure, which is never a number (#N/A, an error in Python).
            v.check = (
                (lambda x: f"({x}>0)") if self.fn.formula is not None else (lambda x: f'({x}&""<>"")*({x}&""<>"0")')
            )
        self.cache[key] = v
        return v

    def _field_column(self):
        e = self.given["field"]
        if blank_literal(e) or e.kind == "literal":
            f = self.spec["field"].default if blank_literal(e) else e.value
            if not isinstance(f, str) or isinstance(f, ErrorValue):
                raise Untranslatable(f'field must be text such as "memory_gb" (got {f!r})')
            try:
                fld = field_name(control_free(f, "field"))
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
            return self._column(fld), fld
        f = e.text
        self.text_tests[plain_text_test(f)] = None
        names = {**{x: x for x in catalog.FIELDS}, **catalog.PRECISION_FIELDS}  # as catalog.spec accepts
        choices = self._table().choices(names)
        return f'VLOOKUP(IF(TRIM({f})="","bf16_tflops",TRIM({f})),{choices},2,FALSE)', None

    def _is_call(self, name: str) -> bool:
        return name in self.given and self.given[name].kind == "call"

    # -- the template ----------------------------------------------------------------------
    def value(self, name: str, sub: str | None) -> Value:
        if name == "peak":
            return self.peak()
        if name == "peak_share":
            return self.peak_share()
        if name == "bw_share":
            return self.bw_share()
        if name == "attn_cost":
            return self.attn_cost()
        if name == "scaleup_gpus":
            return self.scaleup_gpus()
        if name == "layout" and sub:
            return self.layout_figure(sub)
        if name == "gpu" and sub:
            return self.gpu_field(sub)
        if name == "step" and sub:
            return self.step(sub)
        if name == "const" and sub:
            return Value(self.const(sub))
        if name == "model" and sub == "field" and self.figures is None:
            return self.model_field()
        if name == "model" and sub:
            if self.figures is None:
                raise Untranslatable(f"{self.fn.name}'s twin reads the model's {sub}: it needs a catalog model")
            return Value(self.figures.figure(sub))
        if name in self.spec:
            return self.arg(name)
        raise Untranslatable(f"twin placeholder {{{name}}} is not an argument of {self.fn.name}")

    def step(self, key: str) -> Value:
        """`{step:key}`: a named intermediate quantity (Function.twin_steps); a Workings cell in
        the cell-mode formula's last fill, else its text in place."""
        if key not in self.steps:
            raise Untranslatable(f"twin placeholder {{step:{key}}} is not a step of {self.fn.name}")
        memo = (key, self.steps_hoisted)
        if memo not in self.step_memo:  # a step read by several later ones is filled once per fill
            self.step_memo[memo] = self._step(key)
        return self.step_memo[memo]

    def _step(self, key: str) -> Value:
        label, template = self.steps[key]
        if self.single_cells:  # the larger of two steps, each written once (see _LARGER)
            template = _LARGER.sub(r"MAX({step:\1},{step:\2})", template)
            template = _SMALLER.sub(r"MIN({step:\1},{step:\2})", template)
        body = self.fill(template)
        if self.hoist and not self.steps_hoisted:
            # cell mode's first fill makes the values and look-ups a step reads; its text is not kept, and a
            # chain of steps written out in place grows as the product of their uses: a stand-in
            return Value(f"step_{key}")
        if not self.hoist and estimated_length(body) > MAX_FORMULA:
            raise Untranslatable(f"its twin's step {key!r} alone passes Excel's {MAX_FORMULA:,} characters")
        if self.hoist and self.steps_hoisted:
            # blank while an input is blank (a scenario row not filled in yet), as the inputs' cells are
            # (a text step may be "" itself, RANGE_TEXT's letter: there only the inputs count)
            text_steps = self.fn.returns == "text"
            inputs = [
                marker(int(i))
                for i in dict.fromkeys(MARKER.findall(body))
                if not (text_steps and marker(int(i)) in self.step_markers) and marker(int(i)) not in self.blank_ok
            ]
            inputs += [v.text for v in self.cache.values() if v.maybe and v.text in body and _is_plain(v.text)]
            if inputs and (text_steps or self.hoist.row_by_row(body)):  # (a card's fixed cells are filled in)
                body = f'IF(OR({",".join(f"{x}={chr(34) * 2}" for x in inputs)}),"",{body})'
            m = self.hoist(label, body)
            self.step_markers.add(m)
            return Value(m)
        return Value(body)

    def reads_model(self, template: str) -> bool:
        """Whether `template` reads a figure of a catalog model ({model:x}), itself or in its steps."""
        return reads_model(template, self.steps)

    # model figures whose 0 makes the whole section that multiplies by them 0 (Figures writes "0" for a dense model's)
    ZERO_DROPS = ("expert_cost",)

    def _zero_figure(self, kept: str) -> bool:
        """Whether section `kept` multiplies by a figure of ZERO_DROPS that the named model has as a literal 0."""
        return any("{model:" + f + "}" in kept and self.figures.figure(f) == "0" for f in self.ZERO_DROPS)

    def fill(self, template: str) -> str:
        if self.filling == 0:
            self.step_memo = {}  # each top-level fill makes its steps afresh (values may have moved to cells)
        self.filling += 1
        try:
            return self._fill(template)
        finally:
            self.filling -= 1

    def _fill(self, template: str) -> str:
        def section(m):
            # [[kept||otherwise]]: a section reading a catalog model's figures is kept when the call
            # names one; any other, unless every optional argument in it is omitted
            kept, _, otherwise = m.group(1).partition("||")
            listed = _LISTED.match(kept)
            if listed:  # [[?a,b:A||B]]: B when every argument listed is omitted
                names = listed.group(1).split(",")
                unknown = [n for n in names if n not in self.spec or self.spec[n].default is not None]
                if unknown:
                    raise Untranslatable(f"twin section lists {unknown}, not optional arguments of {self.fn.name}")
                return otherwise if all(self.arg(n).omitted for n in names) else kept[listed.end() :]
            if self.reads_model(kept):
                if self.figures is not None and self._zero_figure(kept):
                    return otherwise  # a term of a figure the named model has as 0 (a dense model's expert_cost)
                return kept if self.figures is not None else otherwise
            names = [n for scope, n in placeholders.placeholders(kept) if scope is None and n in self.spec]
            # (an argument a catalog model fills, TRAIN_FLOPS' tokens, is not what a section guards)
            optional = [n for n in names if self.spec[n].default is None and not self.spec[n].from_model]
            if optional and all(self.arg(n).omitted for n in optional):
                return otherwise
            return kept

        template = _SECTION.sub(section, template)
        # attention at the GEMMs' rate (engine.inference.attention_cost 1): nothing to multiply
        if "*{attn_cost}" in template and self.value("attn_cost", None).literal == 1.0:
            template = template.replace("*{attn_cost}", "")
        if "*{layout:attn_cost}" in template and self.layout_figure("attn_cost").literal == 1.0:
            template = template.replace("*{layout:attn_cost}", "")
        # {gpu:memory_gb}: scope "gpu", name "memory_gb" (flopsheet.placeholders)
        return placeholders.fill(
            template, lambda scope, name: paren((self.value(scope, name) if scope else self.value(name, None)).text)
        )

    def guard(self) -> list[str]:
        """Rule tests for every runtime input of the engine formula; literals checked now."""
        return [make(v.text if v is not None else "") for v, make in self.guard_pairs()]

    def guard_pairs(self) -> list[tuple]:
        """(the value tested or None, a function of its text -> the test): rule tests for every
        runtime input of the engine formula (literals are checked now, in Python)."""
        text_tests = [(None, (lambda _x, t=t: t)) for t in self.text_tests]
        formula = self.fn.formula
        if formula is None:  # GPU_SPEC, PARSE_NUM: numbers must be numbers, figures not blank
            pairs = [(v, _maker(v.check)) for v in self.cache.values() if v.runtime and v.check]
            pairs += [
                (self.arg(a.name), lambda x: f"ISNUMBER({paren(x)})")
                for a in self.fn.args
                if a.kind == "number" and self.arg(a.name).runtime
            ]
            return text_tests + pairs
        pairs = []
        for param in formula.params:
            bound = self.fn.argument_for(param)
            if param in GPU_FIGURES_IF_KNOWN or (
                param in MODEL_FIGURES and bound.kind == "model" and param != (bound.engine or bound.name)
            ):
                continue  # 0 for a plain parameter count: the twin has no model look-up (no Models sheet yet)
            label = bound.name  # the declaration's binding, as in Python
            if param == "peak_tflops":
                v = self.peak()
            elif param == "peak_share":
                continue  # a function of the precision, which the peak's look-up validates
            elif param in ("bw_share", "scaleup_gpus", "attn_cost"):
                continue  # a function of the GPU's name (and the precision), which the peak's look-ups validate
            elif param in GPU_FIGURES:
                v = self.gpu_field(param)
            else:
                v = self.arg(label)
            rule = formula.rules[param]
            if v.omitted:
                continue
            if v.literal is not None and not isinstance(v.literal, str):
                if not rule.ok_scalar(float(v.literal)):
                    raise Untranslatable(rule.message(label, float(v.literal)))
            elif v.check:
                pairs.append((v, _maker(v.check)))
            elif v.runtime:
                # A nested call's result is a number or an error: its bounds are enough.
                number_only = self._is_call(param) or v.numeric

                def make(x, rule=rule, number_only=number_only, optional=v.optional):
                    x = paren(x)
                    test = _rule_test(rule, x, number_only)
                    return f'(({x}="")+{test})' if optional else test

                pairs.append((v, make))
        return text_tests + pairs


class Names(dict):
    """The named assumptions a twin may point at (name -> value), and which ones it did (`used`):
    the hand-off defines those a workbook lacks (handoff.assumptions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.used: set[str] = set()


def _note_used(names, n: str) -> None:
    if isinstance(names, Names):
        names.used.add(n)


def _maker(check):
    return check if callable(check) else (lambda _x, c=check: c)


def _tests_text(tests: list[str]) -> str:
    return "*".join(dict.fromkeys(t for t in tests if t))


def _is_plain(text_: str) -> bool:
    """A reference or a name as typed: short enough to test where it is used."""
    return bool(_ATOM.fullmatch(text_)) or (text_.startswith("'") and bool(_ATOM.fullmatch(text_.split("!")[-1])))


# An unrolled search (functions.inference.serving_batch_steps: 18 halvings of ~9 steps) is a chain of ~170 steps,
# each filled inside the one that reads it, ~6 Python frames a step: more than the default recursion limit.
_STEP_FRAMES = 20000


def hoisted(call: TwinCall, template: str, limit: int) -> str:
    """Cell mode: every labelled quantity of `call` becomes a Workings cell (call.hoist) and the
    visible formula is what is left: the twin's arithmetic on those cells. Checks go where the
    value is made (an argument used: `IF(blank, default, IF(checks, value, NA()))`); a plain
    reference's checks stay in the visible formula unless that would pass `limit` characters."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, _STEP_FRAMES))
    try:
        return _hoisted(call, template, limit)
    finally:
        sys.setrecursionlimit(before)


def _hoisted(call: TwinCall, template: str, limit: int) -> str:
    call.fill(template)  # first fill: every value and lookup made (steps in place)
    pairs = call.guard_pairs()
    tests: dict[int, list] = {}
    tested: dict[int, Value] = {}
    outer = []
    for v, make in pairs:
        if v is None:
            outer.append(make(""))
        else:
            tests.setdefault(id(v), []).append(make)
            tested[id(v)] = v
    plain = []
    for v in list(call.cache.values()):
        if v.label is None or (v.text.startswith(MARK) and id(v) not in tests):
            continue
        makers = tests.pop(id(v), [])
        if v.maybe:
            plain.append((v, makers))
            continue
        _hoist_value(call, v, makers, outer)
    for v, makers in plain:
        outer.extend(m(v.text) for m in makers)
    for key, mk in tests.items():  # values already in a cell (a looked-up figure): tested where used
        outer.extend(m(tested[key].text) for m in mk)

    def visible() -> str:
        call.steps_hoisted = True
        body = call.fill(template)
        if (
            call.fn.returns != "text"
            and call.fn.formula is not None
            and not _ARITHMETIC.search("".join(QUOTED.split(body)[0::2]))
        ):
            body = f"{paren(body)}+0"  # a blank quantity (an input left empty) is #N/A here, not blank
        guard = _tests_text(outer)
        return f"IFERROR(IF({guard},{body},NA()),NA())" if guard else f"IFERROR({body},NA())"

    out = visible()
    if (
        call.strict or estimated_length(out) > limit
    ) and plain:  # a long formula: plain references get their own checked cells
        for v, makers in plain:
            for m in makers:
                t = m(v.text)
                if t in outer:
                    outer.remove(t)
            v.maybe = False
            _hoist_value(call, v, makers, outer)
        out = visible()
    return out


def _hoist_value(call: TwinCall, v: Value, makers: list, outer: list) -> None:
    """One labelled value into a Workings cell; its checks inside the cell when they read the
    value's own inputs, else (tests of a looked-up figure) beside it in the visible formula."""
    raw = v.text
    m = re.fullmatch(r'IF\((.+?)="",([^,()]+|"[^"]*"),\1\)', raw)  # IF(t="",default,t): an argument used
    if m and makers and _is_plain(m.group(1)):
        t, default = m.group(1), m.group(2)
        if not _ATOM.fullmatch(default) or re.fullmatch(r"[0-9.E+-]+", default):
            dflt = default  # a number, checked in Python
        else:  # a named assumption: checked once, in its own cell
            dflt = call.hoist(
                f"{default}, checked", f"IF({_tests_text([mk(default) for mk in makers])},{default},NA())"
            )
        v.text = call.hoist(v.label, f'IF({t}="",{dflt},IF({_tests_text([mk(t) for mk in makers])},{t},NA()))')
        return
    folded = f"IF({_tests_text([mk(raw) for mk in makers])},{raw},NA())" if makers else raw
    if _is_plain(raw) and not raw.startswith(MARK):  # an empty cell stays blank ("" rather than 0)
        folded = f'IF({raw}="","",{folded})'

    if estimated_length(folded) <= LIMIT - 10 and (not makers or _is_plain(raw) or len(raw) <= 60):
        v.text = call.hoist(v.label, folded)
        if v.optional:  # its blank is a value (kv_gb left empty: the model's own cache), not an input not filled in
            call.blank_ok.add(v.text)
        return
    v.text = call.hoist(v.label, raw)
    outer.extend(mk(v.text) for mk in makers)


def reads_model(template: str, steps: dict) -> bool:
    """Whether a twin text reads a catalog model's figure ({model:x}), itself or through {step:k}."""
    seen: set[str] = set()
    todo = [template]
    while todo:
        for scope, name in placeholders.placeholders(todo.pop()):
            if scope == "model":
                return True
            if scope == "step" and name in steps and name not in seen:
                seen.add(name)
                todo.append(steps[name][1])
    return False


def has_model_form(fn: Function) -> bool:
    """Whether `fn`'s twin is written in the engine's general form, a catalog model's figures
    included, so a model name in its model argument has a twin."""
    return bool(fn.twin) and reads_model(fn.twin, {k: (label, t) for k, label, t in fn.twin_steps})


_READS_LAYOUT: dict[int, tuple[Function, bool]] = {}  # id -> (the declaration, kept alive; the answer)


def reads_layout(fn: Function) -> bool:
    """Whether `fn`'s twin reads a typed parallel layout's figures ({layout:x}: the LAYOUT_ functions), which need the
    model's figures too: a model name in its first argument goes through render_model. Worked out once per
    declaration (the hand-off asks for every call it translates; SERVING_GPUS' 253 steps take ~0.6 ms to scan)."""
    hit = _READS_LAYOUT.get(id(fn))
    if hit is None or hit[0] is not fn:
        texts = (fn.twin or "", *(t for _, _, t in fn.twin_steps))
        found = any(scope == "layout" and name for t in texts for scope, name in placeholders.placeholders(t))
        hit = _READS_LAYOUT[id(fn)] = (fn, found)
    return hit[1]


def looks_up_models(fn: Function) -> bool:
    """Whether `fn`'s twin is a look-up on the Models sheet by the name its `model` argument holds
    ({model:field}: MODEL_SPEC), so every call of it names a catalog model."""
    return ("model", "field") in placeholders.placeholders(fn.twin or "")


def model_index(fn: Function) -> int:
    """The position of `fn`'s model argument (its first of kind "model": SERVING_GPUS' params is the 4th); 0 when it
    has none (the first argument, as the other model forms)."""
    return next((i for i, a in enumerate(fn.args) if a.kind == "model"), 0)


def model_form(fn: Function) -> Function | None:
    """The declaration whose twin serves a model name in `fn`'s first argument: `fn` itself when
    its twin reads the model's figures, else the form of its own it reaches by a model name
    (`Function.forms`: KV_CACHE_GB(model, context_tokens, ...)); None: such a call keeps its value."""
    return next((f for f in (fn, *fn.forms) if has_model_form(f)), None)


def model_terms(fn: Function) -> list[str]:
    """Figures of a catalog model, beyond the one its argument stands for, that `fn`'s engine
    formula reads (expert share, layers and width for all-reduces, attention width, the KV
    cache's shape). The twins are the plain-number forms, where these are neutral (0): a model
    name there has no twin yet, and the copy keeps the add-in's value instead."""
    if fn.formula is None:
        return []
    out = []
    for param in fn.formula.params:
        a = fn.argument_for(param)
        if a.kind == "model" and param in MODEL_FIGURES and param != (a.engine or a.name):
            out.append(param)
    return out


def render(
    fn: Function,
    args: list[Expr],
    table: Table | None,
    models: Table | None = None,
    hoist: Hoister | None = None,
    names: dict | None = None,
    strict: bool = False,
) -> str:
    """The twin of `fn(*args)` as formula text (no leading "="), or Untranslatable. `models`:
    the workbook's Models sheet (modelsheet.find_table), where model names are looked up.
    `hoist`: cell mode, quantities go to Workings cells (markers in the text); `names`: the
    workbook's named assumptions (name -> value) that defaults may point at."""
    if not fn.twin:
        raise Untranslatable(f"{fn.name} has no native twin")
    out = ""
    if hoist is not None:
        call = TwinCall(fn, args, table, True, models, hoist, names, strict=strict)
        out = hoisted(call, fn.twin, LIMIT)
        if estimated_length(out) < MAX_FORMULA - 100:
            return out
        raise Untranslatable(f"its twin would be {len(out):,} characters, beyond Excel's {MAX_FORMULA:,}")
    for guard_calls in (True, False):
        call = TwinCall(fn, args, table, guard_calls, models, None, names)
        value = call.fill(fn.twin)
        tests = call.guard()
        out = f"IF({'*'.join(tests)},{value},NA())" if tests else value
        # Every error Python returns is #N/A in the copy, in every engine: an unknown name is
        # #VALUE! in LibreOffice and #N/A in Gnumeric without this, a zero divisor #DIV/0!.
        if tests or "VLOOKUP(" in value:  # literal-only arithmetic was checked in Python already
            out = f"IFERROR({out},NA())"
        if len(out) < MAX_FORMULA - 100:
            return out
    raise Untranslatable(f"its twin would be {len(out):,} characters, beyond Excel's {MAX_FORMULA:,}")


class Figures:
    """One model's figures on the Models sheet: literal VLOOKUPs, or (cell mode, `hoist`) the
    Workings cells of its row and of each figure."""

    # {model:x}: a catalog field (layers, total_params), or one of these figures the engine derives
    # from a row, each written as functions.declaration.model_figure works it out in Python
    DERIVED = (
        "share",
        "values_per_token_layer",
        "full_layers",
        "sliding_layers",
        "sliding_window",
        "kv_heads",
        "decode_attn_dim",
        "routed_experts",
        "moe_layers",
        "expert_cost",
    )

    def __init__(self, table: Table, row, hoist: Hoister | None = None, arg: str = "model"):
        self.table, self.row, self.hoist, self.arg = table, row, hoist, arg
        self.label = row.name if row is not None else "the model"
        self.blank_ok: set[str] = set()  # cells whose blank means "none" (no window), not a blank input

    def figure(self, name: str) -> str:
        """`{model:name}`'s text."""
        if name not in self.DERIVED:
            return self(name)
        if self.row is not None and name != "share":  # a figure Python cannot work out: the call keeps its value
            from flopsheet.functions.declaration import model_figure

            try:
                model_figure(self.row, name, self.arg)
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
        return getattr(self, name)()

    def _windowed(self) -> bool:
        return self.row.sliding_window is not None

    def values_per_token_layer(self) -> str:
        if self.row.attention == "MLA":  # the latent and the decoupled RoPE key (DeepSeek-V2 §2.1)
            return f"{self('kv_lora_rank')}+{self('qk_rope_head_dim')}"
        return f"2*{self('kv_heads')}*{self('head_dim')}"

    def full_layers(self) -> str:
        return f"{self('layers')}-{self('sliding_layers')}" if self._windowed() else self("layers")

    def sliding_layers(self) -> str:
        return self("sliding_layers") if self._windowed() else "0"

    def sliding_window(self) -> str:
        return self("sliding_window") if self._windowed() else "0"

    def routed_experts(self) -> str:  # engine.training.train_mfu's all-to-all: none for a dense model
        return self("experts_per_token") if self.row.is_moe else "0"

    def moe_layers(self) -> str:
        return self("moe_layers") if self.row.is_moe else "0"

    def expert_cost(self) -> str:
        """engine.moe.expert_cost of the routed experts' width (declaration.model_figure): EXPERT_WIDTH_HALF x
        experts x moe_layers x 3 x d_model / routed, routed = (total - active) / (1 - k / experts), written as
        3 x EXPERT_WIDTH_HALF x moe_layers x d_model x (experts - k) / (total - active); 0 if dense."""
        if not self.row.is_moe:
            return "0"
        return self._expert_cost_of(self("experts"), self("moe_layers"), self("d_model"), self._routed_count())

    def _routed_count(self) -> str:
        """total - active: the routed experts' parameters a token does not use."""
        return f"({self('total_params')}-{self('active_params')})"

    def _expert_cost_of(self, experts: str, layers: str, d_model: str, routed: str) -> str:
        """The cost's arithmetic on the figures' texts (experts x (1 - k / experts) = experts - k, each figure read
        once): 3 x EXPERT_WIDTH_HALF x layers x d_model x (experts - k) / (total - active)."""
        return f"{3 * EXPERT_WIDTH_HALF:g}*{layers}*{d_model}*({experts}-{self('experts_per_token')})/{routed}"

    def kv_heads(self) -> str:
        return "1" if self.row.attention == "MLA" else self("kv_heads")  # one latent per token for MLA

    def decode_attn_dim(self) -> str:
        """The attention width a decode token runs at (declaration.model_figure): MLA's latent as absorbed."""
        if self.row.attention == "MLA":
            return f"{self('heads')}*({self('kv_lora_rank')}+{self('qk_rope_head_dim')}/2)"
        return f"{self('heads')}*{self('head_dim')}"

    def argument(self, a) -> Value:
        """The model argument itself: the figure the model stands for ({params}: active parameters)."""
        return Value(self(a.model_field), float(getattr(self.row, a.model_field)))

    def __call__(self, fld: str) -> str:
        if not self.table.has(fld):
            raise Untranslatable(f'the Models sheet has no "{fld}" column')
        if getattr(self.row, fld) in (None, ""):
            raise Untranslatable(f"{self.row.name} has no {fld} in the catalog")
        if self.hoist is not None:
            at = self.hoist(
                f"row of {self.row.name} on {self.table.sheet}", self.table.row_of(text(self.row.name), True)
            )
            return self.hoist(f"{fld} of {self.row.name} ({self.table.sheet} sheet)", self.table.figure(fld, at))
        return modelsheet.lookup(self.table, text(self.row.name), fld, literal=True)

    def share(self) -> str:
        """experts_per_token / experts; 0 for a dense model (blank experts)."""
        if not self.row.is_moe:
            return "0"
        share = f"IFERROR({self('experts_per_token')}/{self('experts')},0)"
        return self.hoist(f"share of experts each token uses ({self.row.name})", share) if self.hoist else share


class RowFigures(Figures):
    """Cell mode, a model named in a cell: its figures read from the Models sheet row the cell's
    text names NOW (a model added below the table, or another catalog model typed later, is
    computed as its own row says: no figure is taken from the catalog at hand-off time)."""

    def __init__(self, table: Table, hoist: Hoister, cell: str, arg: str = "model"):
        super().__init__(table, None, hoist, arg)
        name = checked_name(hoist, cell, "model")
        self.at = hoist(
            f"row of the model on {table.sheet}",
            f'IF(ISNUMBER({name})+({name}=""),NA(),{table.row_of(name, False, modelsheet.NORMALISE)})',
        )

    def argument(self, a) -> Value:
        return Value(self(a.model_field), None, runtime=True, label=f"{a.name}: the model's {a.model_field}, checked")

    def raw(self, fld: str) -> str:
        if not self.table.has(fld):
            raise Untranslatable(f'the Models sheet has no "{fld}" column')
        m = self.hoist(f"{fld} of {self.label} ({self.table.sheet} sheet, as typed)", self.table.figure(fld, self.at))
        self.blank_ok.add(m)  # an empty figure here means "none" (no window, no MLA): not a blank row
        return m

    def __call__(self, fld: str) -> str:
        # +0: an empty figure is 0, which the formulas divide by or multiply out: #N/A or 0 as Python errs
        if not self.table.has(fld):
            raise Untranslatable(f'the Models sheet has no "{fld}" column')
        return self.hoist(f"{fld} of {self.label} ({self.table.sheet} sheet)", self.table.figure(fld, self.at) + "+0")

    def routed_experts(self) -> str:  # a dense model's experts are empty: 0 (engine.training.train_mfu)
        return self("experts_per_token")

    def moe_layers(self) -> str:
        return self("moe_layers")

    def expert_cost(self) -> str:
        """Figures.expert_cost from the row as typed: 0 for a dense row (no experts), #N/A for a mixture of experts
        whose layers, width or counts are missing (Python refuses it: models.require)."""
        e, layers, d, routed = self("experts"), self("moe_layers"), self("d_model"), self._routed_count()
        cost = self._expert_cost_of(e, layers, d, routed)
        return self.hoist(
            f"the routed experts' extra GEMM time per unit of work ({self.label}; 0 when dense)",
            f"IF({e}>0,IF({layers}*{d}*{routed}>0,{cost},NA()),0)",
        )

    def share(self) -> str:
        # a dense model's experts are empty: 0/0 is an error, so its share is 0 (engine: expert_share)
        return self.hoist(
            f"share of experts each token uses ({self.label}; 0 when dense)",
            f"IFERROR({self('experts_per_token')}/{self('experts')},0)",
        )

    # The KV cache's shape, decided in the sheet from the row (MLA latent or KV heads; windowed layers
    # when it has a window, or its 'Empty because' names one, as models.derived decides in Python).
    def _mla(self) -> str:
        return self.hoist("the model caches an MLA latent", f'{self.raw("attention")}="MLA"')

    def values_per_token_layer(self) -> str:
        values = self.hoist(
            "values cached per token per layer",
            f"IF({self._mla()},{self('kv_lora_rank')}+{self('qk_rope_head_dim')},2*{self('kv_heads')}*{self('head_dim')})",
        )
        return f"IF({values}>0,{values},NA())"

    def _windowed(self) -> str:
        missing = f'+ISNUMBER(SEARCH("sliding_window",{self.raw("missing")}))' if self.table.has("missing") else ""
        return self.hoist("the model has windowed layers", f"(N({self.raw('sliding_window')})>0){missing}>0")

    def full_layers(self) -> str:
        window, sliding, layers = self.raw("sliding_window"), self.raw("sliding_layers"), self("layers")
        return f"IF({self._windowed()},IF(ISNUMBER({sliding})*ISNUMBER({window}),{layers}-{sliding},NA()),{layers})"

    def sliding_layers(self) -> str:
        return f"IF({self._windowed()},{self.raw('sliding_layers')},0)"

    def sliding_window(self) -> str:
        return f"IF({self._windowed()},{self.raw('sliding_window')},0)"

    def kv_heads(self) -> str:
        return self.hoist("KV heads each GPU holds a copy of (1 for MLA)", f"IF({self._mla()},1,{self('kv_heads')})")

    def decode_attn_dim(self) -> str:
        return self.hoist(
            "attention width of a decode token (MLA: its latent as absorbed)",
            f"{self('heads')}*IF({self._mla()},{self('kv_lora_rank')}+{self('qk_rope_head_dim')}/2,{self('head_dim')})",
        )


def render_model(
    fn: Function,
    args: list[Expr],
    table: Table | None,
    models: Table,
    name: str,
    hoist=None,
    names: dict | None = None,
    strict: bool = False,
) -> str:
    """The twin of `fn(*args)` whose model argument (the first, or SERVING_GPUS' params: model_index; a literal,
    or a cell) names catalog model `name`; Untranslatable when there is none. `hoist`: cell mode (twins.render)."""
    form = model_form(fn)
    if form is None:
        raise Untranslatable(f"{fn.name} has no model-name twin (its value is kept)")
    try:
        row = catalog_models.resolve(name)
    except FlopsheetError as err:
        raise Untranslatable(err.message) from None
    if form is not fn:  # a form of its own (KV_CACHE_GB(model, context_tokens, ...)): its arguments
        if len(args) > len(form.args) and any(not blank_literal(a) for a in args[len(form.args) :]):
            raise Untranslatable(f"with a model name {fn.name} takes at most {len(form.args)} arguments")
        fn, args = form, list(args[: len(form.args)])
    at = model_index(fn)
    # (a layout's twin is checked at hand-off for the model the cell names then: that model, the cell tested to still
    # name it, not whatever row the cell names later)
    by_row = hoist is not None and args[at].kind == "ref" and models.key_col is not None and not reads_layout(fn)
    arg = fn.args[at].name
    f = RowFigures(models, hoist, args[at].text, arg) if by_row else Figures(models, row, hoist, arg)
    call = TwinCall(fn, list(args), table, True, models, hoist, names, figures=f, strict=strict)
    models.used = True
    first = args[at]
    same = []
    if first.kind != "literal" and not by_row:  # the cell must still name this model
        m = first.text
        if models.key_col is not None:
            still = f"VLOOKUP({modelsheet.NORMALISE.format(m)},{models.key_ref()},2,FALSE)={text(row.name)}"
        else:
            still = f"TRIM({m})={text(row.name)}"
        same = [f"NOT(ISLOGICAL({m}))", "NOT(ISNUMBER(" + m + "))", plain_text_test(m), paren(still)]
    if hoist is not None:
        out = hoisted(call, fn.twin, LIMIT)
        if same:
            m = checked_name(hoist, first.text, "model")
            still = (
                f"VLOOKUP({modelsheet.NORMALISE.format(m)},{models.whole(models.key_col, models.key_col + 1)},2,FALSE)"
                if models.key_col is not None
                else f"TRIM({m})"
            )
            named = hoist(
                f"the cell still names {row.name} (else #N/A: run the hand-off again)",
                f"IF(NOT(ISNUMBER({m}))*({still}={text(row.name)}),TRUE,NA())",
            )
            out = f"IF({named},{out},NA())"
        return out
    # in place, a scalar call's steps are written out where used: the larger of two as MAX, not IF, halves
    # the longest (a range argument keeps IF, which compares element by element where MAX would not)
    call.single_cells = all(e.kind in ("literal", "omitted") or _SINGLE_CELL.fullmatch(e.text) for e in args)
    value = call.fill(fn.twin)
    tests = same + call.guard()
    out = f"IFERROR(IF({'*'.join(tests)},{value},NA()),NA())" if tests else f"IFERROR({value},NA())"
    if len(out) >= MAX_FORMULA - 100:
        raise Untranslatable(f"its twin would be {len(out):,} characters, beyond Excel's {MAX_FORMULA:,}")
    return out
