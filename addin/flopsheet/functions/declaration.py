"""How a spec function is declared and evaluated.

A `Function` names its Excel arguments (with unit, default and kind) and binds them to one
engine formula; `evaluate` converts what the caller passed (cells, ranges, text magnitudes,
blanks, GPU names), resolves GPUs through the catalog, and runs the formula once over whole
arrays. Nothing here computes a quantity: the engine does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field, replace

import numpy as np

from flopsheet import catalog
from flopsheet.catalog import lookup as _gpu_lookup
from flopsheet.engine import Formula, run_masked, run_scalar
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import show_number
from flopsheet.functions.inputs import (
    EXCEL_ERRORS,
    REQUIRED,
    booleans_among_numbers,
    control_free,
    element_number,
    merge_errors,
    numbers,
    texts,
)
from flopsheet.magnitudes import parse_num

FROM_ENGINE = object()  # an argument's default is the engine formula's (the usual case)

# What a function's number is (Function.nature), as the docs say it (issue 20, item 7).
NATURES = {
    "estimate": "an estimate: calibrated or rule-of-thumb defaults, expect an error either way",
    "bound": "a bound: the best (or least) the hardware allows; real runs are slower (or need more)",
    "exact": "exact: arithmetic or a published figure, given its inputs",
}

# Engine arguments that come from the `gpu` argument: its dense peak, or one catalog field.
# peak_share: the share of the peak at the call's precision reached per unit of efficiency (serving's
# engine.inference.precision_share: 1 for BF16, below 1 for FP8 and FP4), read with the peak.
# bw_share: the accelerator's achieved share of the decode bandwidth NVIDIA's parts reach (serving's
# engine.inference.ACHIEVED_BANDWIDTH_SHARE: 1 but for AMD's CDNA3), read by the GPU's name.
# attn_cost: attention's FLOPs per FLOP at the GEMMs' rate (serving's engine.inference.attention_cost: above 1 at an
# FP4 peak, where attention computes at the FP8 peak and its share), read with the peak from the GPU's two figures.
# scaleup_gpus: the GPUs of the GPU's largest scale-up (NVLink) domain (catalog/platforms.csv; no row:
# engine.tensor_parallel.SCALE_UP_GPUS, an ASSUMPTION), 0 for a typed peak (unknown), read by the GPU's name.
GPU_FIGURES = (
    "peak_tflops",
    "bandwidth_tbs",
    "memory_gb",
    "tdp_w",
    "interconnect_gbs",
    "peak_share",
    "bw_share",
    "attn_cost",
    "scaleup_gpus",
)
# GPU figures an engine formula needs only sometimes (tensor-parallel links): 0 when unknown.
GPU_FIGURES_IF_KNOWN = ("interconnect_gbs",)


def scaleup_gpus(gpu_name: str) -> float:
    """The `scaleup_gpus` GPU figure of a catalog GPU (its canonical name): its platform row's domain, else
    SCALE_UP_GPUS (an 8-GPU HGX/DGX node: an ASSUMPTION for the catalog's GPUs with no platform row)."""
    from flopsheet.catalog.platforms import scaleup_gpus as platform_domain
    from flopsheet.engine.tensor_parallel import SCALE_UP_GPUS

    return float(platform_domain(gpu_name, SCALE_UP_GPUS))


# How an argument's value becomes what the engine formula takes: one form per argument, resolved
# by each face with the method of the form's name. Python: `Bound.<form>(param, arg)` (evaluate);
# Excel: the twins' renderer, `handoff.twins.TwinCall.<form>(arg, expr)`. A new kind of argument is
# a row here and one resolver on each face (tests/test_arg_forms.py checks that both faces have it).
ARG_FORMS = {
    "gpu_form": "a catalog GPU name, or a number read as dense peak TFLOPS: its peak or a figure",
    "precision_form": "the number format of the GPU's peak (bf16...), read with the GPU",
    "model_form": "a number, or a catalog model name standing for its figures",
    "from_model_form": "a number; blank: the figure of the catalog model another argument names",
    "fallback_form": "a number; blank: a catalog figure of the GPU (TRAIN_COST's price)",
    "by_precision_form": "a number; blank: the default for the call's precision (training MFU by number format)",
    "text_form": "text, converted to a number (a unit, a kind) or read as it is",
    "number_form": 'a number or a text magnitude ("175B"); blank: the default',
}


@dataclass(frozen=True)
class Arg:
    """One Excel argument: its name, one line of help (unit, default), and what it takes.

    `default` is the engine formula's default for the argument of the same name unless given
    (REQUIRED when the formula has none). `engine` and `convert` bind a text argument to a
    number the formula takes (TEXT_TOKENS: unit "word" -> tokens_per_unit 4/3).
    """

    name: str
    doc: str
    _: KW_ONLY
    kind: str = "number"  # number | gpu | precision | text | model (a number, or a catalog model name)
    default: object = FROM_ENGINE
    engine: str | None = None  # the engine argument it feeds, when not `name`
    convert: Callable[[object], float] | None = None  # per-element text -> number for `engine`
    model_field: str | None = None  # kind "model": the catalog figure a model name stands for
    from_model: tuple[str, str] | None = None  # (model argument, catalog field) that fills it when blank
    fallback: str | None = None  # a catalog field of the `gpu` argument used when this one is blank
    # blank: this function of the `precision` argument's number format (training MFU: engine.training_mfu)
    by_precision: Callable[[str | None], float] | None = None

    @property
    def optional(self) -> bool:
        return self.default is not REQUIRED

    @property
    def form(self) -> str:
        """Its row of ARG_FORMS: how both faces resolve it."""
        if self.kind in ("gpu", "precision", "model"):
            return self.kind + "_form"
        if self.from_model:
            return "from_model_form"
        if self.by_precision:
            return "by_precision_form"
        if self.fallback:
            return "fallback_form"
        if self.convert is not None or self.kind == "text":
            return "text_form"
        return "number_form"


@dataclass(frozen=True, kw_only=True)
class Function:
    """A spec function: the contract (name, arguments, result unit, source) and its engine formula.

    Declared once, by keyword. For an engine function, what used to be written per function is
    derived from the formula's signature: each argument's default, how Excel arguments become
    engine arguments (same name; `gpu` -> peak_tflops or a catalog field), and which Excel
    argument an engine argument's error names.
    """

    name: str
    summary: str  # first docstring line: what Excel's function wizard shows
    returns: str  # unit of the result
    # What the number is (NATURES): "estimate", "bound" or "exact", and one line saying why. Required for
    # every registered function (tests/udfs/test_function_nature.py); the docs show both.
    nature: str = ""
    nature_why: str = ""
    args: tuple[Arg, ...]
    source: str  # the paper or datasheet behind the formula
    example: tuple  # arguments of a call a user could type (docs show it with its computed result)
    formula: Formula | None = None  # the engine formula it runs (or the engine function carrying it)
    impl: Callable[..., object] | None = None  # a function that is not one engine formula (GPU_SPEC...)
    dispatch: Callable[..., object] | None = None  # evaluates instead when one formula has two forms (KV_CACHE_GB)
    twin: str | None = None  # native Excel formula template (hand-off copies); None: cannot translate
    # Named intermediate quantities of the twin, (key, label, template): `{step:key}` in the twin
    # (or a later step) is that quantity. A scalar call's copy writes each into a labelled cell of
    # the Workings sheet (handoff.workings); an array call's twin has them inline.
    twin_steps: tuple = ()
    # Arguments whose omission the twin works out (the serving batch, the fewest valid GPUs: sections of the twin),
    # but whose cell left empty is #N/A in the copy: a cell's blank is known only when the sheet recalculates,
    # where the search is not written.
    twin_blank_cell_na: tuple = ()
    # The other forms `dispatch` reaches (KV_CACHE_GB(model, context_tokens, ...)): an argument that one of
    # them does without is optional to Excel (`excel_required`), and blank it gets the one-line message.
    forms: tuple = ()
    labels: dict[str, str] = field(default_factory=dict, init=False)  # engine argument -> Excel argument
    binding: tuple = field(default=(), init=False)  # (engine argument, Excel Arg), worked out once
    _as_given: frozenset = field(default=frozenset(), init=False, repr=False, compare=False)
    _by_text: tuple | None = field(default=None, init=False, repr=False, compare=False)
    model_fields: dict[str, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )  # model argument -> the figure it stands for

    def __post_init__(self):
        if self.nature and self.nature not in NATURES:
            raise ValueError(f"{self.name}: nature must be one of {', '.join(NATURES)} (got {self.nature!r})")
        formula = getattr(self.formula, "formula", self.formula)
        object.__setattr__(self, "formula", formula)
        defaults = formula.defaults if formula is not None else {}
        args = []
        for a in self.args:
            if a.default is FROM_ENGINE:
                d = defaults.get(a.engine or a.name, REQUIRED)
                a = replace(a, default=d)
            args.append(a)
        object.__setattr__(self, "args", tuple(args))
        object.__setattr__(self, "model_fields", {a.name: a.model_field for a in args if a.kind == "model"})
        if formula is None:
            return
        binding = tuple((param, self.argument_for(param)) for param in formula.params)
        object.__setattr__(self, "binding", binding)
        # which engine arguments are an Excel argument's number as given (most of them): `bind`
        # copies those without walking its chain of cases
        object.__setattr__(
            self,
            "_as_given",
            frozenset(
                param
                for param, a in binding
                if param not in GPU_FIGURES
                and a.kind != "model"
                and not (a.from_model or a.fallback or a.by_precision or a.convert)
            ),
        )
        object.__setattr__(self, "labels", {p: a.name for p, a in binding if p != a.name})
        # a `gpu` read only through a fallback (FLEET_POWER_MW's server_w): checked even when the figure
        # is typed, so a bad GPU name is refused as everywhere else (the twins test {gpu:year}, as here)
        object.__setattr__(
            self,
            "_gpu_only_as_fallback",
            any(a.fallback for a in args) and not any(param in GPU_FIGURES for param in formula.params),
        )
        # A scalar call's engine arguments that come from text (a GPU's figures, a model's, a unit)
        # depend only on the text arguments and on which blank-able numbers are blank: `bind` keeps
        # them per such combination (memo_work), so a serving call makes one look-up, not nine.
        # Not when a converted argument may be a number (its value would be the key).
        texts = tuple(a.name for a in self.args if a.kind != "number")
        blanks = tuple(a.name for a in self.args if a.from_model or a.fallback or a.by_precision)
        numeric_convert = any(a.convert and (a.kind == "number" or a.from_model or a.fallback) for a in self.args)
        derived = len(self._as_given) < len(binding)
        object.__setattr__(self, "_by_text", (texts, blanks) if derived and not numeric_convert else None)

    def argument_for(self, param: str) -> Arg:
        """The Excel argument that feeds engine argument `param` (the `gpu` argument for a
        GPU figure); TypeError when the declaration has none. The twins guard with it too."""
        for a in self.args:
            if (a.engine or a.name) == param or (param in GPU_FIGURES and a.kind == "gpu"):
                return a
        for a in self.args:  # figures of a catalog model given in place of a number
            if param in MODEL_FIGURES and a.kind == "model":
                return a
        raise TypeError(f"{self.name}: engine argument {param!r} has no Excel argument")

    def bind(self, b: Bound) -> dict:
        """Excel arguments -> engine arguments, by name (see the class docstring)."""
        if b.scalar and self._by_text is not None:
            texts, blanks = self._by_text
            values = b.values
            key = [v for v in map(values.__getitem__, texts) if v is None or type(v) is str]
            if len(key) == len(texts):  # every text argument is text (or blank): one look-up
                key.append(tuple(values[n] is None for n in blanks))
                derived = memo_work(("bind", self.name, id(self.formula), *key), lambda: self._from_text(b))
                return {param: derived[param] if param in derived else values[a.name] for param, a in self.binding}
        return self._bind(b)

    def _from_text(self, b: Bound) -> dict:
        """The engine arguments of a scalar call that do not depend on its numbers (see _by_text):
        all but the plain numbers and the blank-able numbers that are given."""
        out = self._bind(b)
        return {
            param: out[param]
            for param, a in self.binding
            if param not in self._as_given
            and not ((a.from_model or a.fallback or a.by_precision) and b[a.name] is not None)
        }

    def _bind(self, b: Bound) -> dict:
        out = {}
        as_given = self._as_given
        values = b.values
        for param, a in self.binding:
            out[param] = values[a.name] if param in as_given else getattr(b, a.form)(param, a)
        return out

    def __call__(self, *args, **kwargs):
        return call(self, *args, **kwargs)


def declared_in(namespace: dict) -> tuple[Function, ...]:
    """The Functions a module declares, in the order it declares them (its `FUNCTIONS`), so a
    new declaration joins the registry, the face and the docs without being listed again. A
    name starting with "_" is a module's helper (a second form of a function), not declared."""
    return tuple(v for k, v in namespace.items() if isinstance(v, Function) and not k.startswith("_"))


# What a text argument of a scalar call means (a GPU's figure, a model's) depends only on the text
# and the catalogs, which do not change while the add-in runs; a sheet repeats "H100" or "Llama 3.1
# 70B" in thousands of cells, so each (text, figure) is worked out once. Errors are kept as their
# message and raised afresh. Bounded, and emptied if a catalog index is rebuilt (tests that patch a
# catalog clear its caches).
_MEMO: dict = {}
_MEMO_MAX = 4096
_MEMO_OWNER: list = [None]  # the catalog indexes the memo was filled from (compared by identity)
_MODEL_INDEX: list = [None]  # flopsheet.models.lookup._index, once imported


def _catalog_indexes() -> tuple:
    model_index = _MODEL_INDEX[0]
    if model_index is None:  # flopsheet.models is imported late here, as everywhere in this module
        from flopsheet.models import lookup as model_lookup

        model_index = _MODEL_INDEX[0] = model_lookup._index
    return _gpu_lookup._index(), _gpu_lookup._models(), model_index()


def memo_work(key, compute: Callable[[], float]) -> float:
    """`compute()` for `key` once (see _MEMO); FlopsheetError raised again on every call."""
    owner, before = _catalog_indexes(), _MEMO_OWNER[0]
    if before is None or any(a is not b for a, b in zip(owner, before)):  # an index rebuilt: forget all
        _MEMO.clear()
        _MEMO_OWNER[0] = owner
    try:
        hit = _MEMO[key]
    except KeyError:
        try:
            hit = (compute(), None, None)
        except FlopsheetError as e:
            hit = (None, e.message, e.arg)
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[key] = hit
    if hit[1] is not None:
        raise FlopsheetError(hit[1], arg=hit[2])
    return hit[0]


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


class Bound:
    """A call's arguments after conversion; gives the engine arguments to `Function.bind`."""

    def __init__(self, fn: Function, values: dict, scalar: bool):
        self.fn = fn
        self.values = values
        self.scalar = scalar
        self.errors: list[np.ndarray] = []

    def __getitem__(self, name):
        return self.values[name]

    # -- the argument forms (ARG_FORMS): engine argument `param` from Excel argument `a` -------
    def gpu_form(self, param: str, a: Arg):
        if param == "peak_tflops":
            return self.gpu()
        return self.gpu(param, if_known=param in GPU_FIGURES_IF_KNOWN)

    def precision_form(self, param: str, a: Arg):
        return self.values[a.name]

    def model_form(self, param: str, a: Arg):
        return self.model(a.name, a.model_field if param == (a.engine or a.name) else param)

    def from_model_form(self, param: str, a: Arg):
        if self.values[a.name] is None:
            return self.model(a.from_model[0], a.from_model[1], needed_by=a.name)
        return self.number_form(param, a)

    def fallback_form(self, param: str, a: Arg):
        if self.values[a.name] is None:  # blank: the GPU's catalog figure (TRAIN_COST's price)
            return self.gpu(a.fallback)
        if self.fn._gpu_only_as_fallback:  # typed: the GPU is still checked (see Function)
            self.gpu("year")
        return self.number_form(param, a)

    def by_precision_form(self, param: str, a: Arg):
        if self.values[a.name] is None:  # blank: the default for the precision (validated with the peak)
            p = self.values.get("precision")
            if self.scalar or not isinstance(p, np.ndarray) or p.ndim == 0:
                p = p[()] if isinstance(p, np.ndarray) else p
                return a.by_precision(p if isinstance(p, str) else None)
            return self.map("precision", lambda v: a.by_precision(v if isinstance(v, str) else None))
        return self.number_form(param, a)

    def text_form(self, param: str, a: Arg):
        return self.number_form(param, a)

    def number_form(self, param: str, a: Arg):
        return self.map(a.name, a.convert) if a.convert else self.values[a.name]

    # -- models: a number (or magnitude text), or a catalog model name ------------------------
    def model(self, name: str, figure: str, needed_by: str | None = None):
        """Per element of argument `name`: the catalog `figure` of a model name; for a number,
        the number itself (figure = the argument's own) or a neutral 0 (a dense model of
        unknown shape: no expert share, no communication or attention term)."""
        own = self.fn.model_fields[name]
        v = self.values[name]
        if not self.scalar and isinstance(v, np.ndarray) and v.dtype.kind == "f" and own is not None and not needed_by:
            return v if figure == own else 0.0  # plain numbers: the number itself, or a dense model's 0

        def convert(v):
            number = model_number(v, name)
            if number is not None:
                if own is None:
                    raise FlopsheetError(
                        f"{name} must be a catalog model name here (see MODEL_NAMES); "
                        f"got the number {show_number(number)}",
                        arg=name,
                    )
                if needed_by:
                    raise FlopsheetError(
                        f"{needed_by} is required (the cell is blank) unless {name} is a catalog "
                        f'model name such as "Llama 3.1 405B"',
                        arg=needed_by,
                    )
                return number if figure == own else 0.0
            row = model_row(v, name)
            if figure in CACHE_SHAPE and "kv_gb" in self.fn.formula.params:
                try:
                    return model_figure(row, figure, name)
                except FlopsheetError:  # needed only where kv_gb is blank: the engine says so there (SHAPE_KNOWN)
                    return SHAPE_UNKNOWN
            return model_figure(row, figure, name)

        if self.scalar and type(v) is str:  # the text's figure, worked out once (see _MEMO)
            return memo_work(("model", v, name, figure, own, needed_by), lambda: convert(v))
        return self.map(name, convert)

    # -- GPUs: a catalog name, or a number read as peak TFLOPS ------------------------------
    def _one_gpu(self, g, precision, what: str, if_known: bool = False) -> float:
        """Text is always a name ("910B" is the Ascend 910B, "4090" the RTX 4090; catalog.resolve
        says "type the number without quotes" for text like "1979"); only a real number (not a
        boolean) is a peak in TFLOPS."""
        if isinstance(g, (bool, np.bool_)):
            raise FlopsheetError(
                f"gpu must be a GPU name or a peak TFLOPS number, not {str(bool(g)).upper()}", arg="gpu"
            )
        if isinstance(precision, str) or precision is None:
            catalog.precision_field(control_free(precision or "bf16", "precision"))  # validates the name
        else:
            raise FlopsheetError(f'precision must be text like "bf16" (got {precision!r})', arg="precision")
        if what in ("bw_share", "scaleup_gpus"):
            # by the GPU's canonical name: the accelerator's share of the decode bandwidth (1 for a typed peak), the
            # GPU's NVLink domain (0 for a typed peak: unknown); a bad name: the peak's own look-up says what is wrong
            from flopsheet.engine.inference import accelerator_bw_share

            of_name, typed_peak = (accelerator_bw_share, 1.0) if what == "bw_share" else (scaleup_gpus, 0.0)
            if isinstance(g, str):
                try:
                    return of_name(catalog.resolve(control_free(g, "gpu"), selectable_only=False).name)
                except FlopsheetError:
                    pass
            return typed_peak
        if what == "attn_cost":  # at fp4 the GPU's FP4 and FP8 peaks (a typed peak: FP4_PER_FP8), else 1
            from flopsheet.engine.inference import attention_cost

            if isinstance(g, str):
                try:
                    gpu = catalog.resolve(control_free(g, "gpu"), selectable_only=False)
                    return attention_cost(precision, gpu.fp4_tflops, gpu.fp8_tflops)
                except FlopsheetError:
                    pass  # the peak's own look-up says what is wrong with the name
            return attention_cost(precision)
        if what == "peak_share":  # the number format's share x the accelerator's (the GPU is resolved with the peak)
            from flopsheet.engine.inference import accelerator_share, precision_share

            share = precision_share(precision)
            if isinstance(g, str):
                try:
                    share *= accelerator_share(catalog.resolve(control_free(g, "gpu"), selectable_only=False).name)
                except FlopsheetError:
                    pass  # the peak's own look-up says what is wrong with the name
            return share
        price = what == "usd_per_gpu_hour"  # a blank price: the catalog's, where it has one
        if isinstance(g, (int, float, np.integer, np.floating)):
            if what == "peak":
                return float(g)
            if price:
                raise FlopsheetError(
                    "usd_per_gpu_hour is blank and a peak number has no catalog price; "
                    "type a price per GPU-hour in USD",
                    arg="usd_per_gpu_hour",
                )
            raise FlopsheetError(
                f'gpu must be a catalog name such as "H100" here, since {what} is needed '
                f"(a number is read as peak TFLOPS only; got {show_number(float(g))})",
                arg="gpu",
            )
        if not isinstance(g, str):
            raise FlopsheetError(f"gpu must be a GPU name or a peak TFLOPS number (got {type(g).__name__})", arg="gpu")
        text = g.strip()
        if text.upper() in EXCEL_ERRORS:
            raise FlopsheetError(f"gpu is {text.upper()} (an error value in the input)", arg="gpu")
        try:
            # A GPU without a confirmed peak (Ascend 910B) still has its memory, bandwidth and TDP:
            # only a function that needs the peak is refused for it.
            gpu = catalog.resolve(control_free(g, "gpu"), selectable_only=what == "peak")
            if what == "peak":
                return catalog.peak_tflops(gpu, precision or "bf16")
        except FlopsheetError as e:  # the catalog's reason, said of the argument the user typed
            if re.search(r"\bgpu\b", e.message, re.I):
                raise
            raise FlopsheetError(f'gpu "{text}": {e.message}', arg=e.arg or "gpu") from None
        if price and isinstance(catalog.figure(gpu, what), catalog.Missing):
            raise FlopsheetError(
                f"usd_per_gpu_hour is blank and the catalog has no price for {gpu.name}; "
                f"type a price per GPU-hour in USD",
                arg="usd_per_gpu_hour",
            )
        if what == "server_w" and isinstance(catalog.figure(gpu, what), catalog.Missing):
            raise FlopsheetError(
                f'gpu "{text}": {gpu.name} has no server power in the catalog ({catalog.missing_reason(gpu, what)}); '
                "type server_w, its IT power per accelerator in W",
                arg="gpu",
            )
        if if_known:  # a figure needed only sometimes (the tensor-parallel link): 0 when unknown
            value = getattr(gpu, what, None)
            return float(value) if isinstance(value, (int, float)) and value == value else 0.0
        try:
            return catalog.require(gpu, what, "this function")
        except FlopsheetError as e:  # a missing figure (TDP...), said of the argument the user typed
            raise FlopsheetError(f'gpu "{text}": {e.message}', arg="gpu") from None

    def map(self, name: str, convert: Callable[[object], float]):
        """Per-element conversion of a text argument (e.g. a unit name -> a number), cached."""
        v = self.values[name]
        if self.scalar:
            return convert(v)
        arr = np.asarray(v, dtype=object)
        if arr.ndim == 0:
            try:
                return convert(arr[()])
            except FlopsheetError as e:
                self.errors.append(np.array(e.message, dtype=object))
                return 1.0
        out = np.empty(arr.shape, dtype=float)
        errors, cache = None, {}
        for idx, item in np.ndenumerate(arr):
            try:
                hit = cache[item]
            except (KeyError, TypeError):
                try:
                    hit = (convert(item), None)
                except FlopsheetError as e:
                    hit = (1.0, e.message)
                try:
                    cache[item] = hit
                except TypeError:
                    pass
            out[idx] = hit[0]
            if hit[1] is not None:
                if errors is None:
                    errors = np.full(arr.shape, None, dtype=object)
                errors[idx] = hit[1]
        if errors is not None:
            self.errors.append(errors)
        return out

    def gpu(self, what: str = "peak", gpu: str = "gpu", precision: str = "precision", if_known: bool = False):
        """Peak TFLOPS (what="peak") or a catalog field of the `gpu` argument, per element
        (if_known: 0 where the catalog has no figure, for terms the engine needs only sometimes)."""
        g = self.values[gpu]
        p = self.values.get(precision, "bf16") if precision in self.values else "bf16"
        if if_known:
            what_ = what
            if self.scalar and type(g) is str:  # worked out once per text (see _MEMO)
                return memo_work(("gpu", g, "bf16", what, True), lambda: self._one_gpu(g, "bf16", what_, if_known=True))
            return self.map(
                gpu, lambda v: self._one_gpu(v, "bf16", what_, if_known=True) if isinstance(v, str) else 0.0
            )
        if self.scalar:
            if type(g) is str and (p is None or type(p) is str):  # worked out once per text (see _MEMO)
                return memo_work(("gpu", g, p, what, False), lambda: self._one_gpu(g, p, what))
            return self._one_gpu(g, p, what)
        g = np.asarray(g, dtype=object)
        p = np.asarray(p, dtype=object)
        if g.ndim == 0 and p.ndim == 0:  # one GPU for the whole range: resolve it once
            try:
                return self._one_gpu(g[()], p[()], what)
            except FlopsheetError as e:
                self.errors.append(np.array(e.message, dtype=object))
                return 1.0
        shape = np.broadcast_shapes(g.shape, p.shape)
        gb, pb = np.broadcast_to(g, shape), np.broadcast_to(p, shape)
        out = np.empty(shape, dtype=float)
        errors = None
        cache: dict = {}
        for idx in np.ndindex(*shape):
            key = (gb[idx], pb[idx])
            try:
                hit = cache.get(key)
            except TypeError:  # unhashable cell content
                hit, key = None, None
            if hit is None:
                try:
                    hit = (self._one_gpu(key[0] if key else gb[idx], key[1] if key else pb[idx], what), None)
                except FlopsheetError as e:
                    hit = (1.0, e.message)
                if key is not None:
                    cache[key] = hit
            out[idx] = hit[0]
            if hit[1] is not None:
                if errors is None:
                    errors = np.full(shape, None, dtype=object)
                errors[idx] = hit[1]
        if errors is not None:
            self.errors.append(errors)
        return out


# Engine arguments a catalog model supplies (see flopsheet.models): what memory holds, the
# routed share of experts per token, layers and width for tensor-parallel all-reduces, and
# heads x head_dim for the attention term (PaLM appendix B uses heads x head_dim, not d_model).
# The KV cache's shape: values per token per layer (MLA latent or 2 x kv_heads x head_dim), full
# and windowed layers, the window, and KV heads (1 for an MLA latent) for tensor-parallel copies; attention
# heads for the tensor-parallel degrees the model accepts (engine.tensor_parallel).
MODEL_FIGURES = (
    "total_params",
    "expert_share",
    "layers",
    "d_model",
    "attn_dim",
    "attn_layers",
    "values_per_token_layer",
    "full_layers",
    "sliding_layers",
    "sliding_window",
    "kv_heads",
    "decode_attn_dim",
    "context",
    "heads",
    "routed_experts",
    "moe_layers",
    "expert_cost",
)


# The figures of a model's own KV cache (engine.inference.serving_blanks). Where a serving function takes kv_gb,
# a figure the catalog lacks (GPT-3's windowed layers are unpublished) is SHAPE_UNKNOWN rather than an error:
# a typed kv_gb does not need it, and a blank one is refused by the engine (SHAPE_KNOWN) saying what to type.
CACHE_SHAPE = ("values_per_token_layer", "full_layers", "sliding_layers", "sliding_window", "decode_attn_dim")
SHAPE_UNKNOWN = -1.0


def model_number(v, name: str) -> float | None:
    """A model argument's element as a number, or None when it is text naming a model."""
    if isinstance(v, (bool, np.bool_)):
        raise FlopsheetError(f"{name} must be a number or a model name, not {str(bool(v)).upper()}", arg=name)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if v is None:
        raise FlopsheetError(f"{name} is required (the cell is blank)", arg=name)
    if not isinstance(v, str):
        raise FlopsheetError(f"{name} must be a number or a model name (got {type(v).__name__})", arg=name)
    text = v.strip()
    if text.upper() in EXCEL_ERRORS:
        raise FlopsheetError(f"{name} is {text.upper()} (an error value in the input)", arg=name)
    if text[:1].isdigit() or text[:1] in "+-.":  # "175B", "7e10": a magnitude stays a number
        return parse_num(text, name)
    return None


def model_row(v, name: str):
    from flopsheet import models

    try:
        return models.resolve(v)
    except FlopsheetError as e:
        raise FlopsheetError(f"{name} must be a number or a catalog model: {e.message}", arg=name) from None


def model_figure(row, figure: str, name: str) -> float:
    """One engine figure of a catalog row (raw counts); FlopsheetError saying why it is missing."""
    from flopsheet import models

    purpose = f"{name} given as a model name"
    if figure == "expert_share":
        if not row.is_moe:
            return 0.0
        return models.require(row, "experts_per_token", purpose) / models.require(row, "experts", purpose)
    if figure == "attn_layers":
        return float(models.require(row, "layers", purpose))
    if figure == "attn_dim":
        return float(models.require(row, "heads", purpose) * models.require(row, "head_dim", purpose))
    if figure == "values_per_token_layer":
        return float(models.kv_values_per_token_per_layer(row))
    if figure in ("full_layers", "sliding_layers", "sliding_window"):
        windowed = row.sliding_window is not None or "sliding_window" in row.unconfirmed + row.not_published
        purpose = f"the KV cache of {row.name}'s windowed layers"
        sliding = models.require(row, "sliding_layers", purpose) if windowed else 0
        if figure == "full_layers":
            return float(models.require(row, "layers", "the KV cache") - sliding)
        return float(
            sliding if figure == "sliding_layers" else models.require(row, "sliding_window", purpose) if windowed else 0
        )
    if figure == "decode_attn_dim":  # engine.inference.decode_attention_flops: the MLA latent's width as decoded
        heads = models.require(row, "heads", purpose)
        if row.attention == "MLA":
            return float(heads * (models.require(row, "kv_lora_rank", purpose) + row.qk_rope_head_dim / 2))
        return float(heads * models.require(row, "head_dim", purpose))
    if figure == "expert_cost":  # engine.moe.expert_cost of the routed experts' width: 0 for a dense model
        if not row.is_moe:
            return 0.0
        from flopsheet.engine.moe import expert_cost, expert_width, moe_split

        share = model_figure(row, "expert_share", name)
        _, routed = moe_split(
            models.require(row, "active_params", purpose), models.require(row, "total_params", purpose), share
        )
        layers, d_model = models.require(row, "moe_layers", purpose), models.require(row, "d_model", purpose)
        return float(expert_cost(expert_width(routed, models.require(row, "experts", purpose), layers, d_model)))
    if figure in ("routed_experts", "moe_layers"):  # engine.training.train_mfu's all-to-all: 0 for a dense model
        if not row.is_moe:
            return 0.0
        field = "experts_per_token" if figure == "routed_experts" else "moe_layers"
        return float(models.require(row, field, purpose))
    if figure == "context":  # the longest request the model takes; 0 when the catalog has none (no check)
        return float(row.context) if isinstance(row.context, (int, float)) and row.context > 0 else 0.0
    if figure == "heads":  # attention heads, what a tensor-parallel degree must divide (engine.tensor_parallel)
        return float(row.heads) if isinstance(row.heads, (int, float)) and row.heads > 0 else 0.0
    if figure == "kv_heads" and row.attention == "MLA":
        return 1.0  # one latent per token, held whole by each tensor-parallel GPU
    return float(models.require(row, figure, purpose))


def _arguments(fn: Function, args, kwargs) -> dict:
    if len(args) > len(fn.args):
        raise FlopsheetError(
            f"takes at most {len(fn.args)} arguments ({', '.join(a.name for a in fn.args)}); got {len(args)}"
        )
    given = {a.name: v for a, v in zip(fn.args, args)}
    for k, v in kwargs.items():
        if k not in {a.name for a in fn.args}:
            raise FlopsheetError(f"has no argument {k!r} (it takes {', '.join(a.name for a in fn.args)})")
        given[k] = v
    return given


_SCALARS = (float, int, str, type(None), bool)
_SCALAR_TYPES = frozenset(_SCALARS)


def _scalar_values(fn: Function, given: dict) -> dict:
    values = {}
    for a in fn.args:
        v = given.get(a.name)
        if a.kind == "number":
            kind = type(v)
            if kind is float or kind is int:  # the usual cell: element_number's answer without the call
                values[a.name] = float(v)
                continue
            if a.default is None and _is_blank(v):
                values[a.name] = None
                continue
            x, err = element_number(v, a.name, a.default)
            if err is not None:
                raise FlopsheetError(err, arg=a.name)
            values[a.name] = x
        else:
            if _is_blank(v):
                if a.default is REQUIRED:
                    raise FlopsheetError(f"{a.name} is required (it is blank)", arg=a.name)
                v = a.default
            values[a.name] = v
    return values


def _plain_numbers(v):
    """A range (nested lists or an ndarray) of plain numbers as a float array, else None. Booleans,
    text and blanks are not plain: they take the per-element path, which refuses or resolves them."""
    if isinstance(v, np.ndarray):
        return v.astype(float, copy=False) if v.dtype.kind in "fiu" and v.ndim else None
    if isinstance(v, (list, tuple)) and v:
        try:
            arr = np.asarray(v)
        except ValueError:
            return None
        if arr.dtype.kind in "fiu" and arr.ndim and not booleans_among_numbers(v, arr):
            return arr.astype(float)
    return None


def excel_required(fn: Function) -> int:
    """How many leading arguments every form of `fn` needs: Excel may omit the rest (the face gives them a
    blank default, so `=KV_CACHE_GB("DeepSeek-V3",128000)` is a valid formula)."""
    return min(sum(not a.optional for a in form.args) for form in (fn, *fn.forms))


def evaluate(fn: Function, *args, **kwargs):
    """Run `fn` on what a caller passed. Returns (result, errors, scalar).

    Scalar call: (float or str, None, True), or a FlopsheetError. Array call: (ndarray,
    object ndarray of messages or None, False), with one message per bad element.
    """
    if fn.dispatch is not None:
        return fn.dispatch(*args, **kwargs)
    given = _arguments(fn, args, kwargs)
    if fn.impl is not None:
        return fn.impl(**given)
    scalar = _SCALAR_TYPES.issuperset(map(type, given.values()))
    if scalar:
        bound = Bound(fn, _scalar_values(fn, given), True)
        return run_scalar(fn.formula, fn.bind(bound), fn.labels), None, True

    values, errs, text_ranges = {}, [], False
    for a in fn.args:
        v = given.get(a.name)
        if a.kind == "number":
            x, e = numbers(v, a.name, a.default)
        elif a.kind == "model" and (x := _plain_numbers(v)) is not None:
            e = None  # a range of plain numbers (the usual case): no per-element model look-up
        else:
            x, e = texts(v, a.name, a.default)
            text_ranges = text_ranges or x.ndim > 0
        values[a.name] = x
        if e is not None:
            errs.append(e)
    # Text arguments (GPU names...) are resolved per element before the engine broadcasts, so a
    # range of them must fit the other ranges first; number-only calls leave this to run_masked.
    if text_ranges:
        shapes = {a.name: np.shape(values[a.name]) for a in fn.args if values[a.name] is not None}
        try:
            np.broadcast_shapes(*shapes.values())
        except ValueError:
            listed = ", ".join(f"{k} is {'x'.join(map(str, s))}" for k, s in shapes.items() if s)
            raise FlopsheetError(f"ranges of different shapes cannot be combined ({listed})") from None
    bound = Bound(fn, values, False)
    engine_args = fn.bind(bound)
    errs += bound.errors
    errors = merge_errors(*errs) if errs else None
    out, errors = run_masked(
        fn.formula,
        {k: (v if v is None or type(v) is np.ndarray else np.asarray(v, dtype=float)) for k, v in engine_args.items()},
        errors,
        fn.labels,
    )
    return out, errors, False


def call(fn: Function, *args, **kwargs):
    """The Python API: a float (scalars in) or an ndarray (arrays in), else FlopsheetError
    whose message starts with the function's name."""
    try:
        out, errors, scalar = evaluate(fn, *args, **kwargs)
    except FlopsheetError as e:
        raise FlopsheetError(f"{fn.name}: {e.message}", arg=e.arg) from None
    if errors is not None:
        first = next(e for e in np.asarray(errors, dtype=object).flat if e is not None)
        raise FlopsheetError(f"{fn.name}: {first}")
    return out
