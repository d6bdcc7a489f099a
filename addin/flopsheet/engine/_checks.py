"""Argument rules for the engine: each quantity states once what each argument accepts.

The same rules serve two callers:
- `quantity` wraps a formula so that a Python caller gets a float (scalars in) or an array
  (arrays in), or one FlopsheetError naming the first bad argument;
- `run_masked` evaluates a formula over whole arrays and returns, beside the result, an error
  message for each bad element only. The Excel face uses it so that one bad cell in a column
  errors in that cell and the other 99,999 still compute, at numpy speed.
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

from flopsheet.errors import FlopsheetError, number_literal, show_number

show = show_number  # a value as a message shows it: 46.2, 1e+308, nan, inf, 3 (not 3.0)


def all_finite(x: np.ndarray) -> bool:
    """Every element of a float array finite, from one sum instead of an isfinite mask and its
    reduction: a sum is NaN or +-inf as soon as one term is (inf + -inf is NaN), so a finite sum
    proves every element finite. Only a huge but finite array overflows the sum: then the
    elementwise test decides. (einsum's plain loop: faster than the pairwise np.sum, never
    threaded, and silent on overflow.)"""
    if x.dtype == np.float64 and x.size:
        if math.isfinite(np.einsum("i->", x.reshape(-1))):
            return True
    return bool(np.isfinite(x).all())


_BELOW_INF = np.nextafter(math.inf, 0.0).item()  # the largest finite float: x <= it fails inf and NaN
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class Rule:
    """What one numeric argument accepts: a finite number in an interval, maybe whole.

    The interval is `bounds`, the comparisons a value must pass at its finite ends; every check
    below is made from it, and so is the copy's guard in Excel (handoff.twins)."""

    accepted: str
    lo: float = -math.inf
    lo_open: bool = False
    hi: float = math.inf
    hi_open: bool = False
    whole: bool = False
    hint: Callable[[float], str] | None = None
    say: Callable[[str, float], str] | None = None  # the whole message, when the rule words its own

    @property
    def bounds(self) -> tuple[tuple[str, float], ...]:
        """(operator, bound) for each finite end: (">", 0.0), ("<=", 1.0) for (0, 1]."""
        out = []
        if math.isfinite(self.lo):
            out.append((">" if self.lo_open else ">=", self.lo))
        if math.isfinite(self.hi):
            out.append(("<" if self.hi_open else "<=", self.hi))
        return tuple(out)

    def __post_init__(self):
        # Both ends as comparisons, an infinite end as the largest finite float: every comparison
        # fails NaN, and the finite stand-ins fail +-inf, so no separate finiteness test is needed.
        lower, upper = (operator.ge, -_BELOW_INF), (operator.le, _BELOW_INF)
        for op, bound in self.bounds:
            if op.startswith(">"):
                lower = (_COMPARE[op], bound)
            else:
                upper = (_COMPARE[op], bound)
        object.__setattr__(self, "_ends", (lower, upper))
        # ok_scalar as one closure of two C comparisons (a serving call checks ~20 numbers)
        (lo_ok, lo), (hi_ok, hi) = lower, upper
        if self.whole:
            floor = math.floor
            object.__setattr__(self, "ok_scalar", lambda x: lo_ok(x, lo) and hi_ok(x, hi) and x == floor(x))
        else:
            object.__setattr__(self, "ok_scalar", lambda x: lo_ok(x, lo) and hi_ok(x, hi))

    def ok(self, x: np.ndarray) -> np.ndarray:
        (lo_ok, lo), (hi_ok, hi) = self._ends
        good = lo_ok(x, lo) & hi_ok(x, hi)
        if self.whole:
            good &= np.floor(x) == x
        return good

    def all_ok(self, x: np.ndarray) -> bool:
        """True when every element of `x` passes: what `ok(x).all()` says, from two passes over
        the data (np.min and np.max propagate NaN and show +-inf) instead of three or four
        full-size masks (the check was most of a one-multiply call's time on a large column);
        a whole-number rule still checks every element. False means "some element fails": the
        caller then marks which."""
        if x.ndim == 0:
            return self.ok_scalar(float(x))
        if x.size == 0:
            return True
        (lo_ok, lo), (hi_ok, hi) = self._ends
        if not (lo_ok(float(x.min()), lo) and hi_ok(float(x.max()), hi)):
            return False
        return not self.whole or bool((np.floor(x) == x).all())

    def ok_scalar(self, x: float) -> bool:
        """One number (each instance holds this as a closure, built once in __post_init__)."""
        (lo_ok, lo), (hi_ok, hi) = self._ends
        return lo_ok(x, lo) and hi_ok(x, hi) and (not self.whole or x == math.floor(x))

    def message(self, name: str, value: float) -> str:
        if self.say is not None and math.isfinite(value):
            return self.say(name, value)
        extra = self.hint(value) if self.hint else ""
        return f"{name} must be {self.accepted} (got {show(value)}{extra})"


def _percent_hint(value: float) -> str:
    # The commonest slip in a sheet: 46.2 typed for 46.2%.
    if 1 < value <= 100:
        return f'; for {show(value)}% type {show(value / 100)} or "{show(value)}%"'
    return ""


def _count_hint(value: float) -> str:
    # A count of GPUs, sequences, layers or frames is whole: 0.4 GPUs is not a GPU. Say what to type.
    if not math.isfinite(value) or value == math.floor(value) or abs(value) >= 1e15:
        return ""
    lo, hi = math.floor(value), math.ceil(value)
    return f"; a count is whole: type {hi}" if lo < 1 else f"; a count is whole: type {lo} or {hi}"


# Plausible minimums for quantities typed in units that invite a slip: "70" in a column meant in
# billions is a 70-parameter model and a $0.01 training run, a silent wrong answer. Nothing real
# is that small (the smallest language models reported have millions of parameters and train on
# millions of tokens), so below 1e6 the number is refused with what to type instead.
PLAUSIBLE_MINIMUM = 1e6


def _magnitude_advice(value: float) -> str:
    return f"type {show(value)}B or {number_literal(value * 1e9, exponent_from=1e6)}"


def _implausible(what: str) -> Callable[[str, float], str]:
    def say(name: str, value: float) -> str:
        if value <= 0:
            return f"{name} must be > 0 (got {show(value)})"
        return f"{name} {show(value)} is not a plausible {what}; {_magnitude_advice(value)}"

    return say


POSITIVE = Rule("> 0", lo=0.0, lo_open=True)
MODEL_SIZE = Rule(">= 1E+6 parameters", lo=PLAUSIBLE_MINIMUM, say=_implausible("model size"))
NONNEGATIVE = Rule(">= 0", lo=0.0)
FRACTION = Rule("> 0 and <= 1", lo=0.0, lo_open=True, hi=1.0, hint=_percent_hint)
WHOLE = Rule("a whole number >= 1", lo=1.0, whole=True, hint=_count_hint)
WHOLE_OR_ZERO = Rule("a whole number >= 0", lo=0.0, whole=True, hint=_count_hint)


def whole_range(lo: float, hi: float) -> Rule:
    """A count from `lo` to `hi` (a serving engine's max_batch): refused outside, or fractional, saying what to type."""
    return Rule(f"a whole number from {lo:g} to {hi:g}", lo=lo, hi=hi, whole=True, hint=_count_hint)


# Money and time typed in the wrong unit give answers off by 1000x or 12x, not errors: an electricity
# price in $/MWh, a GPU price in $k, months for years. Each rule below bounds its input to what is
# plausible in the unit asked for (wide: a tenth of the cheapest and ten times the dearest figure
# seen) and, outside, says what to type. Ranges, with what lies inside them:
# - $/kWh 0.005-2: EIA industrial tariffs 0.06-0.19 (prices.csv); European peaks 2022 ~0.5-0.7.
#   80 ($/MWh) and 0.00008 ($/Wh?) fall outside.
# - $ per accelerator 100-1,000,000: an RTX 4090 ~$1,600, an H100 ~$27,500, a B200 ~$35,000;
#   27.5 ($k) and 27,500,000 (x1000) fall outside; a whole rack's price (~$3M) does too.
# - $ per GPU-hour 0.01-100: rentals ~$0.3 (consumer GPUs) to ~$10 (B200 on demand).
# - years 1-10: hardware is written off over 3-6 years; 36 or 48 (months) fall outside.


def _plausible(unit: str, lo: float, hi: float, advice: Callable[[float], str]) -> Callable[[str, float], str]:
    def say(name: str, value: float) -> str:
        if value <= 0:
            return f"{name} must be > 0 {unit} (got {show(value)})"
        return f"{name} {show(value)} is not a plausible {unit} (expected {show(lo)} to {show(hi)}); {advice(value)}"

    return say


def _money_rule(unit: str, lo: float, hi: float, advice: Callable[[float], str]) -> Rule:
    return Rule(f"{unit} between {show(lo)} and {show(hi)}", lo=lo, hi=hi, say=_plausible(unit, lo, hi, advice))


def _three(x: float) -> str:
    return show(float(f"{x:.3g}"))


USD_PER_KWH = _money_rule(
    "$/kWh",
    0.005,
    2.0,
    lambda v: (
        f"for {show(v)} $/MWh type {_three(v / 1000)}"
        if v > 2
        else f"electricity costs 0.03-0.30 $/kWh: for 80 $/MWh type 0.08; for {show(v)} $/Wh type {_three(v * 1000)}"
    ),
)
USD_PER_GPU = _money_rule(
    "price in $ per GPU",
    100.0,
    1e6,
    lambda v: (
        f'type the price in dollars, not thousands: for ${show(v)}k type {number_literal(v * 1000)} or "${show(v)}k"'
        if v < 100
        else "type one GPU's price (an H100 is about 27,500), not a server's or a rack's, and in dollars"
    ),
)
USD_PER_GPU_HOUR = _money_rule(
    "price in $ per GPU-hour",
    0.01,
    100.0,
    lambda v: (
        "rentals are about 0.3-10 $ per GPU-hour: type one GPU's hourly price in dollars"
        + (f" (for {show(v)} cents type {_three(v / 100)})" if v > 100 else "")
    ),
)
# Colocation / data-centre space and power, $ per kW of IT load a month: CBRE's H2 2024 North America
# average asking rate 184.06 (250-500 kW); 0 leaves it out. A $/kW-year figure (x12) or $/MW falls outside.
USD_PER_KW_MONTH = Rule(
    "$ per kW-month between 0 and 2000",
    lo=0.0,
    hi=2000.0,
    say=lambda n, v: (
        f"{n} must be >= 0 $ per kW-month (got {show(v)})"
        if v < 0
        else f"{n} {show(v)} is not a plausible $ per kW-month (expected 0 to 2000; colocation is about 100-300): "
        f"for a price per kW-year type {_three(v / 12)}; for $ per MW-month type {_three(v / 1000)}"
    ),
)
# Power per accelerator of its server or rack (IT power, W): an L4 server ~130, a DGX H100 1,275
# (10.2 kW / 8), a GB200 NVL72 ~1,830 (132 kW / 72). 50-5000 W; a kW figure (1.275) or a whole
# server's watts (10,200) falls outside.
SERVER_W = Rule(
    "W per accelerator between 50 and 5000",
    lo=50.0,
    hi=5000.0,
    say=_plausible(
        "W per accelerator",
        50.0,
        5000.0,
        lambda v: (
            f"type watts, not kW: for {show(v)} kW type {number_literal(v * 1000)}"
            if v < 50
            else "type one accelerator's share of its server's power (a DGX H100: 10,200 W / 8 GPUs = 1275), "
            "not a server's or a rack's"
        ),
    ),
)
# A share of a whole, 0 allowed (0.5 for half): the server's CPU time on a step's critical path (host_serial).
SHARE = Rule(">= 0 and <= 1 (0.5 for half)", lo=0.0, hi=1.0, hint=_percent_hint)
# Cost of capital, a fraction a year (0.10 for 10%); 0 is straight-line write-off with no capital charge.
RATE = Rule(">= 0 and <= 1 (a fraction a year: 0.10 for 10%)", lo=0.0, hi=1.0, hint=_percent_hint)
YEARS = _money_rule(
    "number of years",
    1.0,
    10.0,
    lambda v: (
        f"type years, not months: for {show(v)} months type {_three(v / 12)}"
        if v > 10
        else "hardware is written off over 1-10 years (3-6 usual): type years"
    ),
)


@dataclass(frozen=True)
class Condition:
    """A rule over several arguments together (e.g. the weights must fit in the GPUs' memory).

    `ok` takes the formula's keyword arrays and returns a boolean mask; `message` takes the
    same keywords as scalars of one failing element.
    """

    arg: str
    ok: Callable[..., np.ndarray]
    message: Callable[..., str]

    def __post_init__(self):
        # The arguments `ok` names, when it takes the rest as `**_` (ignored): run_scalar passes
        # only those (a serving formula has ~20 arguments; passing them all cost ~1 us a condition).
        params = inspect.signature(self.ok).parameters.values()
        rest = [p.name for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
        named = tuple(p.name for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD)
        object.__setattr__(self, "needs", named if rest == ["_"] else None)

    def ok_of(self, values: dict):
        """`ok(**values)`, handing over only what `ok` reads (see __post_init__)."""
        if self.needs is None:
            return self.ok(**values)
        return self.ok(**{k: values[k] for k in self.needs if k in values})


@dataclass
class Formula:
    """A formula with its argument rules (what `quantity` attaches to the function)."""

    fn: Callable
    rules: dict[str, Rule]
    conditions: tuple[Condition, ...] = ()
    params: tuple[str, ...] = field(default=())
    defaults: dict[str, object] = field(default_factory=dict)


def _as_array(value, name: str) -> np.ndarray:
    if isinstance(value, (bool, np.bool_)) or isinstance(value, str):
        raise FlopsheetError(f"{name} must be a number (got {value!r})", arg=name)
    try:
        x = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise FlopsheetError(f"{name} must be a number or an array of numbers", arg=name) from None
    return x


def run_masked(
    formula: Formula,
    values: dict[str, np.ndarray | None],
    errors: np.ndarray | None = None,
    labels: dict[str, str] | None = None,
):
    """Evaluate `formula` over arrays; return (result, errors).

    `values` maps argument names to float arrays (None = optional argument absent). `errors` is
    an object array of messages already known (e.g. text that did not parse), None elsewhere;
    the caller has put a harmless 1.0 in those elements. `labels` renames arguments in messages
    (the Excel face reports "gpu" where the formula sees "peak_tflops"). The result has the
    broadcast shape; `errors` is None when every element is good.
    """
    labels = labels or {}
    present = {k: v for k, v in values.items() if v is not None}
    try:
        shapes = {v.shape for v in present.values() if v.ndim}
        if errors is not None and errors.ndim:
            shapes.add(errors.shape)
        # one range among scalars (the common call) needs no broadcasting arithmetic
        shape = shapes.pop() if len(shapes) == 1 else np.broadcast_shapes(*shapes) if shapes else ()
    except ValueError:
        shapes = ", ".join(
            f"{labels.get(k, k)} is {'x'.join(map(str, v.shape)) or 'one value'}" for k, v in present.items() if v.ndim
        )
        raise FlopsheetError(f"ranges of different shapes cannot be combined ({shapes})") from None

    clean = dict(values)

    def mark(bad: np.ndarray, message_at: Callable[[tuple], str]) -> None:
        nonlocal errors
        bad = np.broadcast_to(bad, shape)
        if errors is None:
            errors = np.full(shape, None, dtype=object)
        elif errors.shape != shape:
            errors = np.array(np.broadcast_to(errors, shape), dtype=object)
        new = bad & np.equal(errors, None)
        for idx in [()] if new.ndim == 0 and new else zip(*np.nonzero(new)) if new.ndim else []:
            errors[idx] = message_at(idx)

    for name, x in present.items():
        rule = formula.rules[name]
        if rule.all_ok(x):  # the common case: no mask, nothing to mark
            continue
        good = rule.ok(x)
        if not good.all():
            xb = np.broadcast_to(x, shape)
            mark(~good, lambda idx, n=name, xb=xb: formula.rules[n].message(labels.get(n, n), xb[idx]))
            clean[name] = np.where(good, x, 1.0)

    for cond in formula.conditions:
        with np.errstate(all="ignore"):
            good = np.asarray(cond.ok(**clean))
        if not good.all():

            def at(idx, cond=cond):
                one = {k: (None if v is None else float(np.broadcast_to(v, shape)[idx])) for k, v in clean.items()}
                return cond.message(**one)

            mark(~good, at)

    with np.errstate(all="ignore"):
        out = np.asarray(formula.fn(**clean), dtype=float)
    if out.shape != shape:
        out = np.broadcast_to(out, shape).copy()
    if not all_finite(out):
        finite = np.isfinite(out)

        # An overflow (1e308 * 6) must never reach a cell as inf or nan.
        def overflow(idx):
            shown = {}
            for k, v in present.items():  # one entry per argument the user typed
                shown.setdefault(labels.get(k, k), show(np.broadcast_to(v, shape)[idx]))
            return f"result is too large to compute ({', '.join(f'{k}={v}' for k, v in shown.items())})"

        mark(~finite, overflow)
    if errors is not None and np.equal(errors, None).all():
        errors = None
    return out, errors


def run_scalar(formula: Formula, values: dict[str, float | None], labels: dict[str, str] | None = None) -> float:
    """The scalar fast path of `run_masked`: plain floats in, a float out or a FlopsheetError.

    A sheet may hold thousands of single-cell formulas; this keeps each call in microseconds.
    """
    rules = formula.rules
    for name, x in values.items():
        if x is not None and not rules[name].ok_scalar(x):
            label = (labels or {}).get(name, name)
            raise FlopsheetError(rules[name].message(label, x), arg=label)
    with np.errstate(all="ignore"):  # entered once: ~1 us each time, a serving call's conditions made three
        for cond in formula.conditions:
            if not cond.ok_of(values):
                raise FlopsheetError(cond.message(**values), arg=cond.arg)
        try:
            out = float(formula.fn(**values))
        except (OverflowError, ZeroDivisionError):
            out = math.inf
    if not math.isfinite(out):
        shown = {}
        for k, v in values.items():
            if v is not None:
                shown.setdefault((labels or {}).get(k, k), show(v))
        raise FlopsheetError(f"result is too large to compute ({', '.join(f'{k}={v}' for k, v in shown.items())})")
    return out


def quantity(*conditions: Condition, **rules: Rule):
    """Attach argument rules to a formula and check them on every Python call.

    Scalars in -> float out; arrays in -> broadcast array out; any bad element -> one
    FlopsheetError naming the argument, the value and what is accepted.
    """

    def wrap(fn):
        sig = inspect.signature(fn)
        params = tuple(sig.parameters)
        missing = set(params) - set(rules)
        if missing:
            raise TypeError(f"{fn.__name__}: no rule for {sorted(missing)}")
        defaults = {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}
        formula = Formula(fn, dict(rules), tuple(conditions), params, defaults)

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            if all(v is None or type(v) in (float, int) for v in bound.arguments.values()):
                for name, value in bound.arguments.items():
                    if value is None and name not in defaults:
                        raise FlopsheetError(f"{name} is required", arg=name)
                return run_scalar(formula, {k: (None if v is None else float(v)) for k, v in bound.arguments.items()})
            values = {}
            for name, value in bound.arguments.items():
                if value is None:
                    if name not in defaults:
                        raise FlopsheetError(f"{name} is required", arg=name)
                    values[name] = None
                else:
                    values[name] = _as_array(value, name)
            scalar = all(v is None or v.ndim == 0 for v in values.values())
            out, errors = run_masked(formula, values)
            if errors is not None:
                first = next(e for e in errors.flat if e is not None)
                raise FlopsheetError(first)
            return float(out) if scalar else out

        checked.formula = formula
        return checked

    return wrap


COUNT_DIGITS = 12  # significant digits a count is rounded to before rounding up
HELD_DIGITS = 15  # significant digits a spreadsheet holds and shows of a double (Excel, LibreOffice)


def _round_count(x: float) -> float:
    """`x` rounded to COUNT_DIGITS significant digits the way a spreadsheet's ROUND does: on its
    15-significant-digit decimal (what a spreadsheet holds), half away from zero, at the digit
    position INT(LOG10(x)) gives (the twin computes the same position)."""
    try:
        places = COUNT_DIGITS - 1 - math.floor(math.log10(x))
        held = Decimal(format(x, f".{HELD_DIGITS}g"))
        d = held.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (ValueError, OverflowError, InvalidOperation):  # x ~1e-300 or ~1e308: nothing to snap
        return x
    rounded = float(d)
    return rounded if math.isfinite(rounded) else x


def ceil_whole(x):
    """Round a count up, ignoring float noise: 3.0000000000000004 GPUs is 3, not 4.

    The count rule, one for the engine and every spreadsheet: the quotient is taken to the 15
    significant digits a spreadsheet holds, rounded to 12 significant digits half away from zero
    (so 3.000000000005, and 3.0000000000049996 which a spreadsheet holds as 3.00000000000500, are
    3.00000000001 and need 4 GPUs), then up to a whole number. The native twin does the same
    explicitly, `ROUNDUP(ROUND(ROUND(q, 14-INT(LOG10(q))), 11-INT(LOG10(q))), 0)`
    (`flopsheet.functions.twintext.count_twin`); the inner ROUND matters because Gnumeric's ROUND
    works on the binary value where LibreOffice's works on 15 digits (measured: 7.000000000004999
    rounds to 7.00000000001 in LibreOffice 7, to 7.00000000000 in Gnumeric 1.12).
    spreadsheets apply their own snapping inside ROUNDUP (LibreOffice 7.4 rounds its argument to
    12 significant digits, measured; Excel to 15), and an argument already rounded to 12 digits
    is left alone by all of them.
    """
    if type(x) is float and 0 < x < math.inf:  # the scalar path
        return float(math.ceil(_round_count(x)))
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        scale = 10.0 ** (COUNT_DIGITS - 1 - np.floor(np.log10(np.abs(x))))
        scaled = x * scale
        rounded = np.round(scaled) / scale  # exact when the 12-digit value is a whole number
        # Near a half the binary product may round the other way than the decimal rule: redo those.
        # scaled is below 1e12 and the 15-digit snapping moves x by < 5e-15 of itself, so it moves
        # scaled by < 5e-3: a window of 1e-2 catches every element the two rules could disagree on.
        tie = np.isfinite(scaled) & (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-2) & (x > 0)
    if tie.any():
        rounded = np.array(rounded, dtype=float)
        rounded[tie] = [_round_count(float(v)) for v in x[tie]]
    return np.ceil(np.where(np.isfinite(rounded), rounded, x))
