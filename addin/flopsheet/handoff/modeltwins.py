"""Twins of calls whose model argument names a catalog model (=DECODE_MS("DeepSeek-V3",...)).

A function's declared twin is its plain-number form, where a model's other figures are neutral
(no experts, no all-reduces, no attention term). With a model name the engine reads more
(flopsheet.engine.inference): the weights a batch touches (`weights_read`), two all-reduces per
layer (`comm_seconds`), causal attention in prefill (`prefill_s_unchecked`), and for KV_CACHE_GB the
architecture's own cache (`memory.model_kv_cache_gb`). The formulas here are those engine
formulas written out, every figure looked up on the workbook's Models sheet by the canonical
name the model resolves to at hand-off time (so an edit on the Models sheet flows through).
When the name sits in a cell, the twin also tests that the cell still names that model: another
name there is #N/A (run the hand-off again), never a number computed for the wrong model.

SERVING_GPUS has no model form here (its largest batch is a search over MoE reads): such a
call keeps the add-in's value.
"""

from __future__ import annotations

from flopsheet import models as catalog_models
from flopsheet.errors import FlopsheetError
from flopsheet.functions import Function
from flopsheet.handoff import modelsheet
from flopsheet.handoff.gpusheet import Table
from flopsheet.handoff.twins import (
    LIMIT,
    MAX_FORMULA,
    OMITTED,
    Expr,
    TwinCall,
    Untranslatable,
    Value,
    blank_literal,
    hoisted,
    paren,
    plain_text_test,
    text,
)

_S = "({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency})"  # bytes/s the tensor-parallel GPUs read
_C = "({gpus}*{peak}*1E12*{mfu})"  # FLOP/s they compute
FORMS = ("DECODE_MS", "TOKENS_PER_SECOND", "TTFT_SECONDS", "RESPONSE_SECONDS", "INFER_FLOPS", "KV_CACHE_GB",
         "COST_PER_MTOK")


class _Figures:
    """One model's figures on the Models sheet: literal VLOOKUPs, or (cell mode, `hoist`) the
    Workings cells of its row and of each figure."""

    def __init__(self, table: Table, row, hoist=None):
        self.table, self.row, self.hoist = table, row, hoist
        self.label = row.name if row is not None else "the model"

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


class _RowFigures(_Figures):
    """Cell mode, a model named in a cell: its figures read from the Models sheet row the cell's
    text names NOW (a model added below the table, or another catalog model typed later, is
    computed as its own row says: no figure is taken from the catalog at hand-off time)."""

    def __init__(self, table: Table, call: TwinCall, cell: str):
        super().__init__(table, None, call.hoist)
        self.call = call
        name = call._checked_name(cell, "model")
        self.at = call.hoist(f"row of the model on {table.sheet}",
                             f'IF(ISNUMBER({name})+({name}=""),NA(),{table.row_of(name, False, modelsheet.NORMALISE)})')

    def raw(self, fld: str) -> str:
        if not self.table.has(fld):
            raise Untranslatable(f'the Models sheet has no "{fld}" column')
        m = self.hoist(f"{fld} of {self.label} ({self.table.sheet} sheet, as typed)", self.table.figure(fld, self.at))
        self.call.blank_ok.add(m)  # an empty figure here means "none" (no window, no MLA): not a blank row
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


def _decode_terms(f: _Figures):
    """(steps, decode step ms, prefill s, fits): the engine's terms as named steps (Function.twin_steps'
    form: a Workings cell each in cell mode, in place otherwise)."""
    total, share, layers, width = f("total_params"), f.share(), f("layers"), f("d_model")

    def read(tokens: str) -> str:  # engine.inference.weights_read: T - routed x (1 - share)^tokens
        if share == "0":
            return total
        if isinstance(f, _RowFigures):  # dense (share 0) reads every weight, as the formula gives at 0
            return (f"IF({share}=0,{total},{total}-({total}-{{params}})/(1-{share})*(1-{share})"
                    f"^MIN({tokens},600/-LN(1-{share})))")
        # (1-share)^tokens underflows (an error in LibreOffice) at a long prompt: the exponent is
        # capped where the term is below 1E-260 of the weights, far under the 1E-9 the copy keeps.
        return f"({total}-({total}-{{params}})/(1-{share})*(1-{share})^MIN({tokens},600/-LN(1-{share})))"

    def comm(tokens: str) -> str:  # engine.inference.comm_seconds: two all-reduces per layer
        return (f"IF({{gpus}}>1,2*{layers}*({{allreduce_us}}*1E-6+2*({{gpus}}-1)/{{gpus}}*({tokens})*{width}*2"
                f"/({{gpu:interconnect_gbs}}/2*1E9)),0)")

    attn = f"2*{layers}*{f('heads')}*{f('head_dim')}*{{prompt_tokens}}^2"
    steps = [
        ("read_b", "weights a decode step reads (MoE: the experts the batch touches)", read("{batch}")),
        ("comm_b", "all-reduces of a decode step (s)", comm("{batch}")),
        ("read_p", "weights prefill reads", read("{prompt_tokens}*{batch}")),
        ("comm_p", "all-reduces of prefill (s)", comm("{prompt_tokens}*{batch}")),
        ("attn", "causal attention FLOPs of one prompt", attn),
        ("prefill_s", "prefill: the slower of computing and reading, plus all-reduces (s)",
         f"MAX((2*{{params}}*{{prompt_tokens}}+{{step:attn}})*{{batch}}/{_C},{{step:read_p}}*{{bytes_per_param}}/{_S})"
         "+{step:comm_p}"),
    ]

    def decode_ms(kv: str) -> str:
        key = "step_ms" if kv == "{kv_gb}" else "step_ms_" + str(len(steps))
        steps.append((key, "decode step: the slower of reading and computing, plus all-reduces (ms)",
                      f"(MAX(({{step:read_b}}*{{bytes_per_param}}+{kv}*1E9)/{_S},2*{{params}}*{{batch}}/{_C})"
                      "+{step:comm_b})*1E3"))
        return "{step:" + key + "}"

    def fits(kv: str, x: str) -> str:
        key = "fits_" + str(len(steps))
        steps.append((key, "the whole model and KV cache fit in the GPUs' memory",
                      f"{total}*{{bytes_per_param}}/1E9+{kv}<={{gpus}}*{{gpu:memory_gb}}"))
        return f"IF({{step:{key}}},{x},NA())"

    return steps, decode_ms, "{step:prefill_s}", fits


def _template(fn: Function, f: _Figures, given: dict) -> tuple[str, tuple]:
    if fn.name == "INFER_FLOPS":
        if not (blank_literal(given.get("layers", OMITTED)) and blank_literal(given.get("d_model", OMITTED))):
            raise Untranslatable("layers and d_model typed beside a model name")
        ad = f"{f('layers')}*{f('heads')}*{f('head_dim')}"
        return ("2*{params}*({prompt_tokens}+{output_tokens})+2*{step:width}*{prompt_tokens}^2+4*{step:width}"
                "*({output_tokens}*{prompt_tokens}+{output_tokens}*({output_tokens}-1)/2)"), (
            ("width", f"attention width: layers x heads x head_dim of {f.label}", ad),)
    steps, decode_ms, prefill_s, fits = _decode_terms(f)
    kv = "{kv_gb}"
    if fn.name == "DECODE_MS":
        out = fits(kv, decode_ms(kv))
    elif fn.name == "TOKENS_PER_SECOND":
        out = fits(kv, "{batch}/" + decode_ms(kv) + "*1E3")
    elif fn.name == "TTFT_SECONDS":
        out = fits("0", prefill_s)
    elif fn.name == "RESPONSE_SECONDS":
        out = fits(kv, prefill_s + "+{output_tokens}*" + decode_ms(kv) + "/1E3")
    elif fn.name == "COST_PER_MTOK":  # engine.economics._cost_per_mtok on the model's decode step and prefill
        steps.append(("output_usd", "USD per million output tokens",
                      "{gpus}*{usd_per_gpu_hour}/({batch}/(" + decode_ms(kv) + "/1E3)*3600*{load})*1E6"))
        steps.append(("input_usd", "USD per million input tokens",
                      "{gpus}*{usd_per_gpu_hour}/({prompt_tokens}*{batch}/" + prefill_s + "*3600*{load})*1E6"))
        out = fits(kv, "{kind}*{step:output_usd}+(1-{kind})*{step:input_usd}")
    else:
        raise Untranslatable(f"{fn.name} has no model-name twin")
    return out, tuple(steps)


def _kv_template(f: _Figures) -> str:
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


def _kv_row_template(f: _RowFigures):
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
    if fn.name not in FORMS:
        raise Untranslatable(f"{fn.name} has no model-name twin (its value is kept)")
    try:
        row = catalog_models.resolve(name)
    except FlopsheetError as err:
        raise Untranslatable(err.message) from None
    by_row = hoist is not None and args[0].kind == "ref" and models.key_col is not None
    f = _Figures(models, row, hoist)
    steps = ()
    kv_fn = None
    if fn.name == "KV_CACHE_GB":
        from flopsheet.functions.inference import MODEL_FORMS
        if len(args) > 5 and any(not blank_literal(a) for a in args[5:]):
            raise Untranslatable("with a model name KV_CACHE_GB takes at most 5 arguments")
        kv_fn, args = MODEL_FORMS["KV_CACHE_GB"], list(args[:5])
    call = TwinCall(kv_fn or fn, list(args), table, True, models, hoist, names)
    if by_row:  # cell mode, the name in a cell: every figure from the row the cell names now
        f = _RowFigures(models, call, args[0].text)
    if kv_fn is not None:
        fn = kv_fn
        template, steps = _kv_row_template(f) if by_row else (_kv_template(f), ())
    else:
        template, steps = _template(fn, f, call.given)
    call.steps = steps
    own = next(a for a in fn.args if a.kind == "model")
    if own.model_field:  # the figure the argument stands for ({params}: active parameters)
        call.cache[own.name] = Value(f(own.model_field), None if by_row else float(getattr(row, own.model_field)),
                                      runtime=by_row, label=f"{own.name}: the model's {own.model_field}, checked"
                                      if by_row else None)
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
        call.strict = strict
        out = hoisted(call, template, LIMIT)
        if same:
            m = call._checked_name(first.text, "model")
            still = (f"VLOOKUP({modelsheet.NORMALISE.format(m)},{models.whole(models.key_col, models.key_col + 1)},2,FALSE)"
                     if models.key_col is not None else f"TRIM({m})")
            named = hoist(f"the cell still names {row.name} (else #N/A: run the hand-off again)",
                          f"IF(NOT(ISNUMBER({m}))*({still}={text(row.name)}),TRUE,NA())")
            out = f"IF({named},{out},NA())"
        return out
    value = call.fill(template)
    tests = same + call.guard()
    out = f"IFERROR(IF({'*'.join(tests)},{value},NA()),NA())" if tests else f"IFERROR({value},NA())"
    if len(out) >= MAX_FORMULA - 100:
        raise Untranslatable(f"its twin would be {len(out):,} characters, beyond Excel's {MAX_FORMULA:,}")
    return out
