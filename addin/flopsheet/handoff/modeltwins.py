"""Twins of calls whose model argument names a catalog model (=DECODE_MS("DeepSeek-V3",...)).

A function's declared twin is its plain-number form, where a model's other figures are neutral
(no experts, no all-reduces, no attention term). With a model name the engine reads more
(flopsheet.engine.inference): the weights a batch touches (`weights_read`), two all-reduces per
layer (`comm_seconds`), causal attention in prefill (`_prefill_s`), and for KV_CACHE_GB the
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
    MAX_FORMULA, OMITTED, Expr, Untranslatable, _blank_literal, _Call, _Value, paren, plain_text_test, text,
)

_S = "({gpus}*{gpu:bandwidth_tbs}*1E12*{bw_efficiency})"  # bytes/s the tensor-parallel GPUs read
_C = "({gpus}*{peak}*1E12*{mfu})"  # FLOP/s they compute
FORMS = ("DECODE_MS", "TOKENS_PER_SECOND", "TTFT_SECONDS", "RESPONSE_SECONDS", "INFER_FLOPS", "KV_CACHE_GB")


class _Figures:
    """Literal VLOOKUPs of one model's figures on the Models sheet."""

    def __init__(self, table: Table, row):
        self.table, self.row = table, row

    def __call__(self, fld: str) -> str:
        if not self.table.has(fld):
            raise Untranslatable(f'the Models sheet has no "{fld}" column')
        if getattr(self.row, fld) in (None, ""):
            raise Untranslatable(f"{self.row.name} has no {fld} in the catalog")
        return modelsheet.lookup(self.table, text(self.row.name), fld, literal=True)

    def share(self) -> str:
        """experts_per_token / experts; 0 for a dense model (blank experts)."""
        if not self.row.is_moe:
            return "0"
        return f"IFERROR({self('experts_per_token')}/{self('experts')},0)"


def _decode_terms(f: _Figures):
    total, share, layers, width = f("total_params"), f.share(), f("layers"), f("d_model")

    def read(tokens: str) -> str:  # engine.inference.weights_read: T - routed x (1 - share)^tokens
        if share == "0":
            return total
        # (1-share)^tokens underflows (an error in LibreOffice) at a long prompt: the exponent is
        # capped where the term is below 1E-260 of the weights, far under the 1E-9 the copy keeps.
        return f"({total}-({total}-{{params}})/(1-{share})*(1-{share})^MIN({tokens},600/-LN(1-{share})))"

    def comm(tokens: str) -> str:  # engine.inference.comm_seconds: two all-reduces per layer
        return (f"IF({{gpus}}>1,2*{layers}*({{allreduce_us}}*1E-6+2*({{gpus}}-1)/{{gpus}}*({tokens})*{width}*2"
                f"/({{gpu:interconnect_gbs}}/2*1E9)),0)")

    def decode_ms(kv: str) -> str:
        return (f"(MAX(({read('{batch}')}*{{bytes_per_param}}+{kv}*1E9)/{_S},2*{{params}}*{{batch}}/{_C})"
                f"+{comm('{batch}')})*1E3")

    def prefill_s() -> str:
        attn = f"2*{layers}*{f('heads')}*{f('head_dim')}*{{prompt_tokens}}^2"
        return (f"(MAX((2*{{params}}*{{prompt_tokens}}+{attn})*{{batch}}/{_C},"
                f"{read('{prompt_tokens}*{batch}')}*{{bytes_per_param}}/{_S})+{comm('{prompt_tokens}*{batch}')})")

    def fits(kv: str, x: str) -> str:
        return f"IF({total}*{{bytes_per_param}}/1E9+{kv}<={{gpus}}*{{gpu:memory_gb}},{x},NA())"

    return decode_ms, prefill_s, fits


def _template(fn: Function, f: _Figures, given: dict) -> str:
    if fn.name == "INFER_FLOPS":
        if not (_blank_literal(given.get("layers", OMITTED)) and _blank_literal(given.get("d_model", OMITTED))):
            raise Untranslatable("layers and d_model typed beside a model name")
        ad = f"{f('layers')}*{f('heads')}*{f('head_dim')}"
        return ("2*{params}*({prompt_tokens}+{output_tokens})+2*" + ad + "*{prompt_tokens}^2+4*" + ad
                + "*({output_tokens}*{prompt_tokens}+{output_tokens}*({output_tokens}-1)/2)")
    decode_ms, prefill_s, fits = _decode_terms(f)
    kv = "{kv_gb}"
    if fn.name == "DECODE_MS":
        return fits(kv, decode_ms(kv))
    if fn.name == "TOKENS_PER_SECOND":
        return fits(kv, "{batch}/(" + decode_ms(kv) + ")*1E3")
    if fn.name == "TTFT_SECONDS":
        return fits("0", prefill_s())
    if fn.name == "RESPONSE_SECONDS":
        return fits(kv, prefill_s() + "+{output_tokens}*" + decode_ms(kv) + "/1E3")
    raise Untranslatable(f"{fn.name} has no model-name twin")


def _kv_template(f: _Figures) -> str:
    """memory.model_kv_cache_gb on the catalog row's own shape (MLA latent, windowed layers)."""
    row = f.row
    try:  # the figures Python needs: a missing one is Python's error, so the call keeps its value
        for fig in ("values_per_token_layer", "full_layers", "sliding_layers", "sliding_window"):
            from flopsheet.functions._model import model_figure
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


def render(fn: Function, args: list[Expr], table: Table | None, models: Table, name: str) -> str:
    """The twin of `fn(*args)` whose first argument (a literal, or the cell `args[0]`) names
    catalog model `name`; Untranslatable when there is none."""
    if fn.name not in FORMS:
        raise Untranslatable(f"{fn.name} has no model-name twin (its value is kept)")
    try:
        row = catalog_models.resolve(name)
    except FlopsheetError as err:
        raise Untranslatable(err.message) from None
    f = _Figures(models, row)
    if fn.name == "KV_CACHE_GB":
        from flopsheet.functions.inference import _KV_OF_MODEL

        if len(args) > 5 and any(not _blank_literal(a) for a in args[5:]):
            raise Untranslatable("with a model name KV_CACHE_GB takes at most 5 arguments")
        fn, args = _KV_OF_MODEL, list(args[:5])
        template = _kv_template(f)
    else:
        template = None
    call = _Call(fn, list(args), table, True, models)
    if template is None:
        template = _template(fn, f, call.given)
    own = next(a for a in fn.args if a.kind == "model")
    if own.model_field:  # the figure the argument stands for ({params}: active parameters)
        call.cache[own.name] = _Value(f(own.model_field), float(getattr(row, own.model_field)))
    models.used = True
    value = call.fill(template)
    tests = call.guard()
    first = args[0]
    if first.kind != "literal":  # the cell must still name this model
        m = first.text
        if models.key_col is not None:
            same = f"VLOOKUP({modelsheet.NORMALISE.format(m)},{models.key_ref()},2,FALSE)={text(row.name)}"
        else:
            same = f"TRIM({m})={text(row.name)}"
        tests = [f"NOT(ISLOGICAL({m}))", "NOT(ISNUMBER(" + m + "))", plain_text_test(m), paren(same)] + tests
    out = f"IFERROR(IF({'*'.join(tests)},{value},NA()),NA())" if tests else f"IFERROR({value},NA())"
    if len(out) >= MAX_FORMULA - 100:
        raise Untranslatable(f"its twin would be {len(out):,} characters, beyond Excel's {MAX_FORMULA:,}")
    return out
