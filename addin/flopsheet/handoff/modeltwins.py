"""The figures of a catalog model a twin reads when a call's model argument names one
(=DECODE_MS("DeepSeek-V3",...)): `{model:x}` in a function's twin (flopsheet.handoff.twins).

A function's twin is written once, in the engine's general form (functions/inference.py): the
weights a batch touches (`weights_read`), two all-reduces per layer (`comm_seconds`), causal
attention in prefill; for a plain parameter count the sections reading model figures drop out.
Here each figure is looked up on the workbook's Models sheet by the canonical name the model
resolves to at hand-off time (so an edit on the Models sheet flows through). When the name sits
in a cell, the twin also tests that the cell still names that model: another name there is
#N/A (run the hand-off again), never a number computed for the wrong model. KV_CACHE_GB's model
form (its own declaration, functions.inference.MODEL_FORMS) reads the cache's shape here.

A function whose twin does not read the model's figures (SERVING_GPUS: its largest batch is a
search over MoE reads) has no model form: such a call keeps the add-in's value.
"""

from __future__ import annotations

from dataclasses import replace

from flopsheet import models as catalog_models
from flopsheet.errors import FlopsheetError
from flopsheet.functions import Function
from flopsheet.functions.inference import MODEL_FORMS
from flopsheet.handoff import modelsheet
from flopsheet.handoff.gpusheet import Table
from flopsheet.handoff.twins import (
    LIMIT,
    MAX_FORMULA,
    Expr,
    Hoister,
    TwinCall,
    Untranslatable,
    Value,
    blank_literal,
    checked_name,
    has_model_form,
    hoisted,
    paren,
    plain_text_test,
    text,
)


class Figures:
    """One model's figures on the Models sheet: literal VLOOKUPs, or (cell mode, `hoist`) the
    Workings cells of its row and of each figure."""

    def __init__(self, table: Table, row, hoist: Hoister | None = None):
        self.table, self.row, self.hoist = table, row, hoist
        self.label = row.name if row is not None else "the model"
        self.blank_ok: set[str] = set()  # cells whose blank means "none" (no window), not a blank input

    def argument(self, a) -> Value:
        """The model argument itself: the figure the model stands for ({params}: active parameters)."""
        return Value(self(a.model_field), float(getattr(self.row, a.model_field)))

    def __call__(self, fld: str) -> str:
        if not self.table.has(fld):
            raise Untranslatable(f'the Models sheet has no "{fld}" column')
        if getattr(self.row, fld) in (None, ""):
            raise Untranslatable(f"{self.row.name} has no {fld} in the catalog")
        if self.hoist is not None:
            at = self.hoist(f"row of {self.row.name} on {self.table.sheet}", self.table.row_of(text(self.row.name), True))
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

    def __init__(self, table: Table, hoist: Hoister, cell: str):
        super().__init__(table, None, hoist)
        name = checked_name(hoist, cell, "model")
        self.at = hoist(f"row of the model on {table.sheet}",
                        f'IF(ISNUMBER({name})+({name}=""),NA(),{table.row_of(name, False, modelsheet.NORMALISE)})')

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

    def share(self) -> str:
        # a dense model's experts are empty: 0/0 is an error, so its share is 0 (engine: expert_share)
        return self.hoist(f"share of experts each token uses ({self.label}; 0 when dense)",
                          f"IFERROR({self('experts_per_token')}/{self('experts')},0)")


def _kv_template(f: Figures) -> str:
    """memory.model_kv_cache_gb on the catalog row's own shape (MLA latent, windowed layers)."""
    row = f.row
    try:  # the figures Python needs: a missing one is Python's error, so the call keeps its value
        for fig in ("values_per_token_layer", "full_layers", "sliding_layers", "sliding_window"):
            from flopsheet.functions.declaration import model_figure
            model_figure(row, fig, "layers")
    except FlopsheetError as err:
        raise Untranslatable(err.message) from None
    mla = row.attention == "MLA"
    values = f"({f('kv_lora_rank')}+{f('qk_rope_head_dim')})" if mla else f"2*{f('kv_heads')}*{f('head_dim')}"
    if row.sliding_window is not None:
        held = (f"(({f('layers')}-{f('sliding_layers')})*{{context_tokens}}"
                f"+{f('sliding_layers')}*MIN({{context_tokens}},{f('sliding_window')}))")
    else:
        held = f"{f('layers')}*{{context_tokens}}"
    kvh = "1" if mla else f("kv_heads")
    return f"{values}*{{bytes_per_value}}*{held}*{{batch}}/1E9*IF({{gpus}}>{kvh},{{gpus}},{kvh})/{kvh}"


def _kv_row_template(f: RowFigures):
    """_kv_template for a model named in a cell: the shape decided in the sheet from its row (MLA
    latent or KV heads; windowed layers when it has a window, or its 'Empty because' names one, as
    models.derived and functions._model.model_figure decide in Python)."""
    mla = f.hoist("the model caches an MLA latent", f'{f.raw("attention")}="MLA"')
    values = f.hoist("values cached per token per layer",
                     f"IF({mla},{f('kv_lora_rank')}+{f('qk_rope_head_dim')},2*{f('kv_heads')}*{f('head_dim')})")
    window = f.raw("sliding_window")
    missing = f'+ISNUMBER(SEARCH("sliding_window",{f.raw("missing")}))' if f.table.has("missing") else ""
    windowed = f.hoist("the model has windowed layers", f"(N({window})>0){missing}>0")
    layers, sliding = f("layers"), f.raw("sliding_layers")
    kvh = f.hoist("KV heads each GPU holds a copy of (1 for MLA)", f"IF({mla},1,{f('kv_heads')})")
    held = (f"IF({windowed},IF(ISNUMBER({sliding})*ISNUMBER({window}),({layers}-{sliding})*{{context_tokens}}"
            f"+{sliding}*MIN({{context_tokens}},{window}),NA()),{layers}*{{context_tokens}})")
    return (f"IF({values}>0,{values},NA())*{{bytes_per_value}}*{{step:held}}*{{batch}}/1E9"
            f"*IF({{gpus}}>{kvh},{{gpus}},{kvh})/{kvh}"), (("held", "token-layers the cache holds", held),)


def render(fn: Function, args: list[Expr], table: Table | None, models: Table, name: str, hoist=None,
           names: dict | None = None, strict: bool = False) -> str:
    """The twin of `fn(*args)` whose first argument (a literal, or the cell `args[0]`) names
    catalog model `name`; Untranslatable when there is none. `hoist`: cell mode (twins.render)."""
    form = MODEL_FORMS.get(fn.name)  # a function whose model form is a declaration of its own
    if form is None and not has_model_form(fn):
        raise Untranslatable(f"{fn.name} has no model-name twin (its value is kept)")
    try:
        row = catalog_models.resolve(name)
    except FlopsheetError as err:
        raise Untranslatable(err.message) from None
    by_row = hoist is not None and args[0].kind == "ref" and models.key_col is not None
    f = RowFigures(models, hoist, args[0].text) if by_row else Figures(models, row, hoist)
    if form is not None:
        if len(args) > len(form.args) and any(not blank_literal(a) for a in args[len(form.args):]):
            raise Untranslatable(f"with a model name {fn.name} takes at most {len(form.args)} arguments")
        fn, args = form, list(args[:len(form.args)])
        template, steps = _kv_row_template(f) if by_row else (_kv_template(f), ())
        fn = replace(fn, twin=template, twin_steps=steps)
    call = TwinCall(fn, list(args), table, True, models, hoist, names, figures=f, strict=strict)
    models.used = True
    first = args[0]
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
            still = (f"VLOOKUP({modelsheet.NORMALISE.format(m)},{models.whole(models.key_col, models.key_col + 1)},2,FALSE)"
                     if models.key_col is not None else f"TRIM({m})")
            named = hoist(f"the cell still names {row.name} (else #N/A: run the hand-off again)",
                          f"IF(NOT(ISNUMBER({m}))*({still}={text(row.name)}),TRUE,NA())")
            out = f"IF({named},{out},NA())"
        return out
    value = call.fill(fn.twin)
    tests = same + call.guard()
    out = f"IFERROR(IF({'*'.join(tests)},{value},NA()),NA())" if tests else f"IFERROR({value},NA())"
    if len(out) >= MAX_FORMULA - 100:
        raise Untranslatable(f"its twin would be {len(out):,} characters, beyond Excel's {MAX_FORMULA:,}")
    return out
