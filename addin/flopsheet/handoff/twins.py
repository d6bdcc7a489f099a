"""Render a function's native twin: its Excel formula template with the call's arguments filled in.

A twin (`Function.twin`, written next to each function's definition) is arithmetic with
placeholders in the project's one template language (flopsheet.placeholders):
  {arg}        the argument's value: a literal as a number, a reference (blank -> its default);
  {peak}       dense peak TFLOPS of {gpu} at {precision}: {gpu} itself when it is a number,
               else a look-up on the GPUs sheet (gpusheet.Table);
  {gpu:field}  a catalog field of {gpu} (memory_gb...), or {gpu:field} where `field` is an
               argument naming the field (GPU_SPEC);
  a model name in a `model` argument (params "DeepSeek-V3"): the figure the argument stands for
               (active or total parameters; TRAIN_FLOPS' blank tokens: training_tokens), looked
               up on the workbook's Models sheet (modelsheet.lookup) when the copy has one and
               the function needs no other figure of the model (see `model_terms`);
  [[...]]      a part dropped when every optional-without-default argument in it is omitted
               (TRAIN_FLOPS' attention term), so the common call reads short.
`render` also guards every argument that is not a literal with the engine's own rule for it
(`engine._checks.Rule`: `mfu` in (0, 1], counts whole...), so where the Python function returns
an error text the twin shows #N/A instead of a silently wrong number. Literal arguments are
checked here, in Python; a call that fails the check is not translated (the caller freezes it).

Only functions that Excel 2010, LibreOffice 7.4 and Google Sheets all know are emitted:
IF, IFERROR, ISNUMBER, ISLOGICAL, NOT, ISNA, NA, INT, ROUND, ROUNDUP, LOG10, LEN, CLEAN, TRIM, SUBSTITUTE,
VLOOKUP, MATCH, ABS, TEXT, LEFT, MID, arithmetic.
None of them needs Excel's `_xlfn.` prefix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flopsheet import catalog, engine, placeholders
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import ErrorValue, number_literal, string_literal
from flopsheet.functions import GPU_FIGURES, GPU_FIGURES_IF_KNOWN, MODEL_FIGURES, REQUIRED, Function
from flopsheet.functions._inputs import control_free
from flopsheet.functions.tokens import tokens_per_unit
from flopsheet.handoff import modelsheet
from flopsheet.handoff.gpusheet import Table
from flopsheet.magnitudes import parse_num

from flopsheet.catalog import field_name

MAX_FORMULA = 8192  # Excel's limit on a formula's length, in characters
_SECTION = re.compile(r"\[\[(.*?)\]\]", re.S)
_ATOM = re.compile(r"(?:\$?[A-Za-z_][A-Za-z0-9_.]*!)?\$?[A-Za-z0-9_.$:]+|\d+(?:\.\d*)?(?:E[+-]?\d+)?")


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
    if _ATOM.fullmatch(e) or _single_call(e) or (e.startswith('"') and e.endswith('"') and e.count('"') == 2):
        return e
    return f"({e})"


def _rule_test(rule, x: str, number_only: bool = False) -> str:
    # ISLOGICAL: TRUE is a number to LibreOffice's ISNUMBER; Python refuses booleans everywhere.
    parts = [] if number_only else [f"ISNUMBER({x})", f"NOT(ISLOGICAL({x}))"]
    if rule.lo > -math.inf:
        parts.append(f"({x}{'>' if rule.lo_open else '>='}{number(rule.lo)})")
    if rule.hi < math.inf:
        parts.append(f"({x}<={number(rule.hi)})")
    if rule.whole:
        parts.append(f"({x}=INT({x}))")
    return "*".join(parts)


@dataclass
class _Value:
    """A placeholder's text plus what the guard needs to know about it."""

    text: str
    literal: object = None  # the Python value when known at hand-off time
    runtime: bool = False  # computed in the sheet: guard it
    optional: bool = False  # optional without default: absent when blank
    omitted: bool = False
    check: str | None = None  # the guard test, when not the engine rule's


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


def _blank_literal(e: Expr) -> bool:
    return e.kind == "omitted" or (e.kind == "literal" and isinstance(e.value, str)
                                   and not isinstance(e.value, ErrorValue) and not e.value.strip())


class _Call:
    """One rendering: the function, its arguments by name, the GPU table."""

    def __init__(self, fn: Function, args: list[Expr], table: Table | None, guard_calls: bool,
                 models: Table | None = None):
        if len(args) > len(fn.args):
            raise Untranslatable(f"takes at most {len(fn.args)} arguments; got {len(args)}")
        self.fn, self.table, self.guard_calls, self.models = fn, table, guard_calls, models
        self.given = {a.name: (args[i] if i < len(args) else OMITTED) for i, a in enumerate(fn.args)}
        self.spec = {a.name: a for a in fn.args}
        self.cache: dict[str, _Value] = {}
        self.text_tests: dict[str, None] = {}  # guards on runtime names (ordered, no duplicates)

    # -- plain arguments -----------------------------------------------------------------
    def arg(self, name: str) -> _Value:
        if name in self.cache:
            return self.cache[name]
        a, e = self.spec[name], self.given[name]
        if a.engine == "tokens_per_unit":  # TEXT_TOKENS' unit: a name or a number of tokens per unit
            v = self._unit(e)
        elif a.convert is not None or a.kind == "text":  # COST_PER_MTOK's kind, RANGE_TEXT's unit
            v = self._text(a, e)
        elif a.kind not in ("number", "model"):  # model: a number, or a name looked up (model_arg)
            raise Untranslatable(f"argument {name} ({a.kind}) has no placeholder form")
        elif a.kind == "model" and not _blank_literal(e) and (
                e.kind == "literal" or (e.kind == "ref" and self.models is not None and not model_terms(self.fn))):
            v = self._model_arg(a, e)  # a ref elsewhere is read as a number (a name there: translate freezes)
        elif a.fallback and (_blank_literal(e) or e.kind == "ref"):
            v = self._fallback(a, e)
        elif _blank_literal(e) and a.from_model:  # only a model name fills it (TRAIN_FLOPS' tokens)
            v = self._from_model(a)
        elif _blank_literal(e):
            if a.default is REQUIRED:
                raise Untranslatable(f"{name} is required")
            if a.default is None and self.fn.impl is not None and self.fn.formula is not None:
                # CLUSTER_CAPEX's price: its default is the add-in's price table, not a sheet figure
                raise Untranslatable(f"{name} is omitted and its default comes from the add-in's price table")
            v = _Value('""', None, optional=True, omitted=True) if a.default is None else \
                _Value(number(a.default), float(a.default))
        elif e.kind == "literal":
            x = _literal_number(e, name)
            v = _Value(number(x), x)
        else:
            t = e.text
            if a.default not in (REQUIRED, None) and e.kind != "call":
                t = f'IF({t}="",{number(a.default)},{t})'
            v = _Value(t, None, runtime=e.kind != "call" or self.guard_calls,
                       optional=a.default is None and not a.from_model)  # TRAIN_FLOPS' tokens: blank is #N/A
        self.cache[name] = v
        return v

    def _text(self, a, e: Expr) -> _Value:
        """A text argument: converted to its number when typed in the formula (`a.convert`), a
        string literal or the referenced cell's text otherwise (`a.kind == "text"`)."""
        if _blank_literal(e) or e.kind == "literal":
            value = a.default if _blank_literal(e) else e.value
            if isinstance(value, ErrorValue):
                raise Untranslatable(f"{a.name} is {value} (an error value)")
            if a.convert is None:
                return _Value(text("" if value is None else str(value)), value)
            try:
                x = a.convert(value)
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
            return _Value(number(x), x)
        choices = getattr(a.convert, "choices", None)  # the names a converter knows -> their numbers
        if choices:
            t = e.text
            table = "{" + ";".join(f"{text(k)},{number(v)}" for k, v in choices.items()) + "}"
            return _Value(f'IF(ISNUMBER({t}),{t},VLOOKUP(IF(TRIM({t})="",{text(a.default)},TRIM({t})),{table},2,FALSE))',
                          runtime=True)
        if a.convert is not None:
            raise Untranslatable(f"{a.name} must be typed in the formula (a cell reference cannot be converted)")
        return _Value(f'({e.text}&"")')

    # -- catalog models ----------------------------------------------------------------------
    def _model_name(self, e: Expr, name: str):
        """("number", x) | ("name", canonical) | ("runtime", expr text) for a model argument."""
        if e.kind == "ref":
            return "runtime", e.text
        v = e.value
        if isinstance(v, str) and not isinstance(v, ErrorValue):
            from flopsheet.functions._model import _model_number, _model_row
            try:
                x = _model_number(v, name)
                return ("number", x) if x is not None else ("name", _model_row(v, name).name)
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
        return "number", _literal_number(e, name)

    def _model_lookup(self, kind: str, m, fld: str, name: str) -> _Value:
        """A catalog figure of model `m` on the Models sheet; a blank figure is #N/A (as
        models.require refuses it). Without a Models sheet a name cannot be looked up."""
        if self.models is None or not self.models.has(fld):
            raise Untranslatable(f"{name} is a model name and the workbook has no Models sheet with {fld}")
        self.models.used = True
        if kind == "name":
            from flopsheet import models
            known = getattr(models.resolve(m), fld)
            if known in (None, ""):
                raise Untranslatable(f"{m} has no {fld} in the catalog")
            return _Value(modelsheet.lookup(self.models, text(m), fld, literal=True), known)
        look = modelsheet.lookup(self.models, m, fld, literal=False)
        self.text_tests[f"NOT(ISLOGICAL({m}))"] = None
        self.text_tests[plain_text_test(m)] = None
        return _Value(look, runtime=True)

    def _model_arg(self, a, e: Expr) -> _Value:
        kind, m = self._model_name(e, a.name)
        if kind == "number":
            return _Value(number(m), m)
        if model_terms(self.fn):
            raise Untranslatable(f"{a.name} is a model name: {self.fn.name}'s twin has no terms for a model's "
                                 f"{', '.join(model_terms(self.fn))}")
        if kind == "name":
            return self._model_lookup(kind, m, a.model_field, a.name)
        look = self._model_lookup(kind, m, a.model_field, a.name)
        return _Value(f"IF(ISNUMBER({m}),{m},{look.text})", runtime=True)

    def _from_model(self, a) -> _Value:
        """A blank argument a model name fills (TRAIN_FLOPS' tokens: the model's training tokens)."""
        model_arg, fld = a.from_model
        e = self.given[model_arg]
        if self.models is None or _blank_literal(e) or e.kind not in ("literal", "ref"):
            return _Value("NA()", None)
        kind, m = self._model_name(e, model_arg)
        if kind == "number":
            return _Value("NA()", None)
        look = self._model_lookup(kind, m, fld, a.name)
        if kind == "name":
            return look
        return _Value(f"IF(ISNUMBER({m}),NA(),{look.text})", runtime=True)

    def _fallback(self, a, e: Expr) -> _Value:
        """An argument that, blank, is a catalog figure of the GPU (TRAIN_COST's price), as in
        Python (`Arg.fallback`): the figure itself when omitted, else IF(cell="", figure, cell)."""
        if _blank_literal(e):
            return self.gpu_field(a.fallback)  # a peak number or an unpriced GPU: Untranslatable
        try:
            figure = self.gpu_field(a.fallback).text
        except Untranslatable:  # gpu is a peak number or has no price: only a typed price works
            figure = "NA()"
        return _Value(f'IF({e.text}="",{figure},{e.text})', None, runtime=True)

    def _unit(self, e: Expr) -> _Value:
        default = self.spec["unit"].default
        if _blank_literal(e) or e.kind == "literal":
            try:
                x = tokens_per_unit(default if _blank_literal(e) else
                                    (e.value if not isinstance(e.value, ErrorValue) else None))
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
            return _Value(number(x), x)
        u = e.text
        self.text_tests[f"NOT(ISLOGICAL({u}))"] = None
        self.text_tests[plain_text_test(u)] = None
        table = "{" + ";".join(f"{text(k)},{number(v)}" for k, v in engine.TOKENS_PER_UNIT.items()) + "}"
        return _Value(f'IF(ISNUMBER({u}),{u},VLOOKUP(IF(TRIM({u})="",{text(default)},TRIM({u})),{table},2,FALSE))',
                      runtime=True)

    # -- GPUs ------------------------------------------------------------------------------
    def _gpu(self):
        """("number", float) | ("name", canonical) | ("runtime", expr text)."""
        e = self.given["gpu"]
        if _blank_literal(e):
            raise Untranslatable("gpu is required")
        if e.kind != "literal":
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
        if _blank_literal(e) or e.kind == "literal":
            p = None if _blank_literal(e) else e.value
            if isinstance(p, (bool, float, ErrorValue)):
                raise Untranslatable(f'precision must be text like "bf16" (got {p!r})')
            try:
                fld = catalog.precision_field(p if p is None else control_free(p, "precision"))
            except FlopsheetError as err:
                raise Untranslatable(err.message) from None
            return self._column(fld), fld
        p = e.text
        self.text_tests[plain_text_test(p)] = None
        choices = self._table().choices(catalog.PRECISION_FIELDS)
        return f'VLOOKUP(IF(TRIM({p})="","bf16",TRIM({p})),{choices},2,FALSE)', None

    def peak(self) -> _Value:
        if "{peak}" in self.cache:
            return self.cache["{peak}"]
        kind, g = self._gpu()
        if kind == "number":
            v = _Value(number(g), g)
        else:
            col, fld = self._precision_column()
            if kind == "name":
                known = None
                if fld is not None:
                    try:
                        known = catalog.peak_tflops(catalog.resolve(g), self._precision_name(fld))
                    except FlopsheetError as err:
                        raise Untranslatable(err.message) from None
                v = _Value(self._table().lookup(text(g), col, literal=True), known)
            else:
                look = self._table().lookup(g, col, literal=False)
                # Guarded by sign only: a blank or missing catalog figure is 0 or #N/A, and the
                # peak is a divisor in every twin, so those show #DIV/0! or #N/A anyway.
                v = _Value(f"IF(ISNUMBER({g}),{g},{look})", runtime=True, check=f"({paren(g)}>0)")
        self.cache["{peak}"] = v
        return v

    @staticmethod
    def _precision_name(fld: str) -> str:
        return next(p for p, f in catalog.PRECISION_FIELDS.items() if f == fld)

    def gpu_field(self, what: str) -> _Value:
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
        if kind == "name":
            gpu = catalog.resolve(g, selectable_only=False)
            known = None
            if fld is not None:
                try:
                    known = catalog.spec(gpu, fld) if what == "field" else catalog.require(gpu, fld, self.fn.name)
                except FlopsheetError as err:
                    raise Untranslatable(err.message) from None
            v = _Value(self._table().lookup(text(g), col, literal=True), known, runtime=known is None)
        else:  # a number is only a peak: asking it for memory or TDP is an error, as in Python
            v = _Value(f"IF(ISNUMBER({g}),NA(),{self._table().lookup(g, col, literal=False)})", runtime=True)
        if v.runtime:
            # A blank catalog cell reads as 0 (or ""): an error, as the Python function says.
            x = paren(v.text)
            # Gnumeric's VLOOKUP of an empty cell is 0 and LibreOffice's "": no catalog figure is 0,
            # so both mean a missing figure, which is never a number (#N/A, an error in Python).
            v.check = f"({x}>0)" if self.fn.formula is not None else f'({x}&""<>"")*({x}&""<>"0")'
        self.cache[key] = v
        return v

    def _field_column(self):
        e = self.given["field"]
        if _blank_literal(e) or e.kind == "literal":
            f = self.spec["field"].default if _blank_literal(e) else e.value
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
    def value(self, name: str, sub: str | None) -> _Value:
        if name == "peak":
            return self.peak()
        if name == "gpu" and sub:
            return self.gpu_field(sub)
        if name in self.spec:
            return self.arg(name)
        raise Untranslatable(f"twin placeholder {{{name}}} is not an argument of {self.fn.name}")

    def fill(self, template: str) -> str:
        def section(m):
            names = [n for scope, n in placeholders.placeholders(m.group(1)) if scope is None and n in self.spec]
            # (an argument a catalog model fills, TRAIN_FLOPS' tokens, is not what a section guards)
            optional = [n for n in names if self.spec[n].default is None and not self.spec[n].from_model]
            if optional and all(self.arg(n).omitted for n in optional):
                return ""
            return m.group(1)

        template = _SECTION.sub(section, template)
        # {gpu:memory_gb}: scope "gpu", name "memory_gb" (flopsheet.placeholders)
        return placeholders.fill(template, lambda scope, name: paren(
            (self.value(scope, name) if scope else self.value(name, None)).text))

    def guard(self) -> list[str]:
        """Rule tests for every runtime input of the engine formula; literals checked now."""
        formula = self.fn.formula
        if formula is None:  # GPU_SPEC, PARSE_NUM: numbers must be numbers, figures not blank
            tests = list(self.text_tests) + [v.check for v in self.cache.values() if v.runtime and v.check]
            tests += [f"ISNUMBER({paren(self.arg(a.name).text)})" for a in self.fn.args
                      if a.kind == "number" and self.arg(a.name).runtime]
            return tests
        tests = []
        for param in formula.params:
            bound = self.fn.argument_for(param)
            if param in GPU_FIGURES_IF_KNOWN or (param in MODEL_FIGURES and bound.kind == "model"
                                                 and param != (bound.engine or bound.name)):
                continue  # 0 for a plain parameter count: the twin has no model look-up (no Models sheet yet)
            label = bound.name  # the declaration's binding, as in Python
            if param == "peak_tflops":
                v = self.peak()
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
                tests.append(v.check)
            elif v.runtime:
                x = paren(v.text)
                # A nested call's result is a number or an error: its bounds are enough.
                test = _rule_test(rule, x, self._is_call(param))
                tests.append(f'(({x}="")+{test})' if v.optional else test)
        return list(self.text_tests) + tests


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


def _model_spec(args: list[Expr], models: Table | None) -> str:
    """MODEL_SPEC's twin: the field's cell on the Models sheet (a blank figure is #N/A, as the
    Python function refuses it). The field must be literal text (a catalog field name)."""
    from flopsheet import models as catalog_models

    if models is None:
        raise Untranslatable("the workbook has no Models sheet to look model figures up in")
    model = args[0] if args else OMITTED
    fe = args[1] if len(args) > 1 else OMITTED
    if len(args) > 2:
        raise Untranslatable(f"takes at most 2 arguments; got {len(args)}")
    if _blank_literal(model):
        raise Untranslatable("model is required")
    if fe.kind == "omitted" or (fe.kind == "literal" and isinstance(fe.value, str)
                                and not isinstance(fe.value, ErrorValue)):
        try:
            fld = catalog_models.field_name("total_params" if fe.kind == "omitted" or not fe.value.strip()
                                            else control_free(fe.value, "field"))
        except FlopsheetError as err:
            raise Untranslatable(err.message) from None
    else:
        raise Untranslatable("field must be literal text such as \"total_params\" for the copy to look it up")
    call = _Call(get_model_spec(), [model], None, True, models)
    kind, m = call._model_name(model, "model") if model.kind in ("literal", "ref") else ("runtime", model.text)
    if kind == "number":
        raise Untranslatable(f"model must be a model name (got {number(m)})")
    v = call._model_lookup(kind, m, fld, "model")
    x = paren(v.text)
    tests = list(call.text_tests) + [f'({x}&""<>"")*({x}&""<>"0")']
    if kind == "runtime":
        tests.insert(0, f"NOT(ISNUMBER({m}))")
    return f"IFERROR(IF({'*'.join(tests)},{v.text},NA()),NA())"


def get_model_spec() -> Function:
    from flopsheet.functions import REGISTRY

    return REGISTRY["MODEL_SPEC"]


def render(fn: Function, args: list[Expr], table: Table | None, models: Table | None = None) -> str:
    """The twin of `fn(*args)` as formula text (no leading "="), or Untranslatable. `models`:
    the workbook's Models sheet (modelsheet.find_table), where model names are looked up."""
    if fn.name == "MODEL_SPEC":
        return _model_spec(args, models)
    if not fn.twin:
        raise Untranslatable(f"{fn.name} has no native twin")
    out = ""
    for guard_calls in (True, False):
        call = _Call(fn, args, table, guard_calls, models)
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
