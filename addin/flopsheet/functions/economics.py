"""Money functions: buying and powering a fleet, owning a GPU-hour, training cost on owned
hardware, serving cost per million tokens, gross margin, and a low/base/high range as text.

Each is one keyword declaration on an engine formula (flopsheet.engine.economics), except
RANGE_TEXT (formatting) and CLUSTER_CAPEX's default price, which comes from the dated, sourced
price table (flopsheet.catalog.prices). Twins follow the engine's operation order.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

from flopsheet import catalog, engine
from flopsheet.catalog import prices
from flopsheet.engine import USD_PER_GPU as USD_PER_GPU_RULE
from flopsheet.engine.economics import BLENDED_OUTPUT_SHARE
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import show_number
from flopsheet.functions._common import (
    ALLREDUCE_US,
    BW_EFFICIENCY,
    BYTES_PER_PARAM,
    CONTEXT_TOKENS,
    DECODE_MFU,
    FLOPS,
    GOODPUT,
    GPU,
    GPU_NAME,
    KV_GB,
    PRECISION,
    PREFILL_MFU,
    SERVED_PARAMS,
    SERVER_W,
    SERVING_BATCH,
    TP_GPUS,
    TRAIN_MFU,
)
from flopsheet.functions.declaration import Arg, Function, declared_in, evaluate
from flopsheet.functions.inference import (
    CONTEXT_OF_DECODE,
    HOST_SERIAL_ARG,
    HOST_US_ARG,
    KV_OF_SERVING_BATCH,
    MAX_BATCH_ARG,
    PREFILL_S,
    PREFILL_STEPS,
    STEP_MS,
    decode_steps,
    fits_step,
    fits_twin,
    with_fewest_gpus,
    with_host,
    with_serving_batch,
)
from flopsheet.functions.inputs import (
    EXCEL_ERRORS,
    booleans_among_numbers,
    control_free,
    element_number,
    merge_errors,
    texts,
)

_EPOCH = (
    "Cottier, Rahman et al. 2024, The rising costs of training frontier AI models (Epoch AI, "
    "arXiv:2405.21015): amortised hardware capex + energy"
)
_POWER = (
    "server power per GPU from the catalog's platform figures (NVIDIA DGX H100 10.2 kW / 8, DGX B200 14.3 kW / 8, "
    "GB200 NVL72 132 kW / 72; estimates marked in server_source)"
)

GPUS = Arg("gpus", "Accelerators in the fleet (a whole number)")
OVERHEAD = Arg(
    "overhead", "Servers and network as a multiple of the GPUs' price; default 1.44 (Epoch AI's cost shares)"
)
PUE_ARG = Arg("pue", "Data-centre power usage effectiveness; default 1.2")
USD_PER_GPU = Arg("usd_per_gpu", 'Purchase price of one GPU in USD, 100 to 1,000,000 (27500 or "$27,500", not 27.5)')
USD_PER_KWH = Arg("usd_per_kwh", "Electricity price in USD per kWh, 0.005 to 2 (for 80 $/MWh type 0.08)")
YEARS = Arg("years", "Years the hardware is written off over, 1 to 10 (for 48 months type 4)")


def output_share(kind) -> float:
    """COST_PER_MTOK's kind: "output" (decode) 1, "input" (prefill) 0, "blended" 0.25 (3 input
    tokens per output token, Artificial Analysis' blended price), or an output share in [0, 1]."""
    if isinstance(kind, str):
        key = kind.strip().lower()
        if key in output_share.choices:
            return output_share.choices[key]
    elif isinstance(kind, (int, float)) and not isinstance(kind, bool) and 0 <= kind <= 1:
        return float(kind)
    raise FlopsheetError(
        f'kind must be "output", "input", "blended" or an output share in [0, 1] (got {kind!r})', arg="kind"
    )


output_share.choices = {"output": 1.0, "input": 0.0, "blended": BLENDED_OUTPUT_SHARE}  # the twin's lookup table


def _gpu_name(gpu) -> str:
    """CLUSTER_CAPEX's gpu: a catalog name (text), checked even when the price is typed, so a
    boolean, a wildcard or a tab is refused as everywhere else (catalog.resolve)."""
    if not isinstance(gpu, str) or isinstance(gpu, bool):
        number = isinstance(gpu, (int, float, np.integer, np.floating)) and not isinstance(gpu, (bool, np.bool_))
        shown = show_number(gpu) if number else repr(gpu)  # a cell's 0 reads "0" from any Excel (Lite: int)
        raise FlopsheetError(f'gpu must be a GPU name such as "H100" (got {shown})', arg="gpu")
    text = gpu.strip()
    if text.upper() in EXCEL_ERRORS:
        raise FlopsheetError(f"gpu is {text.upper()} (an error value in the input)", arg="gpu")
    try:
        return catalog.resolve(control_free(gpu, "gpu"), selectable_only=False).name
    except FlopsheetError as e:
        if re.search(r"\bgpu\b", e.message, re.I):
            raise
        raise FlopsheetError(f'gpu "{text}": {e.message}', arg="gpu") from None


def _purchase_default(value, gpu):
    """CLUSTER_CAPEX's blank usd_per_gpu -> the price table's purchase price of `gpu`."""
    name = _gpu_name(gpu)
    if value is None or (isinstance(value, str) and not value.strip()):
        return prices.price(name, "purchase").usd
    return value


def _capex(**given):
    plain = _PLAIN.get("capex") or _PLAIN.setdefault("capex", replace(CLUSTER_CAPEX, impl=None))
    usd, gpu = given.get("usd_per_gpu"), given.get("gpu")
    if isinstance(usd, (list, tuple, np.ndarray)) or isinstance(gpu, (list, tuple, np.ndarray)):
        filled = _filled_prices(usd, gpu)
        # An element whose price could not be filled (no sourced price for its GPU) says so itself;
        # a bad GPU is the gpu argument's own error, reported by the binding. Either way the price
        # there is a stand-in, never used.
        why = None
        if isinstance(filled, np.ndarray) and filled.dtype == object:
            marks = np.frompyfunc(lambda x: x[4:] if isinstance(x, str) and x.startswith("#N/A ") else None, 1, 1)(
                filled
            )
            if marks.ndim and np.not_equal(marks, None).any():
                why = np.asarray(marks, dtype=object)
                # a stand-in inside the price's plausible range, so its own check stays quiet there
                filled = np.where(np.not_equal(marks, None), USD_PER_GPU_RULE.lo, filled)
        given["usd_per_gpu"] = filled
        result, errors, scalar = evaluate(plain, **given)
        if why is not None and not scalar:
            errors = merge_errors(errors, np.where(np.not_equal(why, None), why, None))
        return result, errors, scalar
    given["usd_per_gpu"] = _purchase_default(usd, gpu)
    return evaluate(plain, **given)


def _filled_prices(usd, gpu):
    """_purchase_default for every element of a range call, with each distinct GPU cell resolved
    (and its price looked up) once instead of once per row: a bad GPU or a missing price becomes
    "#N/A <why>" in its elements, which the number conversion reports there. A clean numeric
    range comes back as it was given (no object array, no per-element conversion)."""
    g = np.asarray(gpu, dtype=object)
    as_object = None
    if isinstance(usd, (list, tuple)) and usd:  # one conversion of the lists, reused below
        try:
            arr = np.asarray(usd)
        except ValueError:
            arr = None  # ragged: the object conversion below says so
        if arr is not None and arr.dtype.kind in "fiu" and not booleans_among_numbers(usd, arr):
            usd = arr.astype(float)  # typed prices, plain numbers: an array
        elif arr is not None and arr.dtype == object:  # numbers and blanks: the cells as they are
            as_object = arr
    numeric = isinstance(usd, np.ndarray) and usd.dtype.kind in "fiu"
    u = usd if numeric else as_object if as_object is not None else np.asarray(usd, dtype=object)
    shape = np.broadcast_shapes(u.shape, g.shape)
    distinct: list[list] = []  # [name or None, "#N/A why" for the GPU or None, price: float, "#N/A why" or None]
    index: dict = {}

    def code(cell) -> int:
        try:
            key = (type(cell), cell)
            hit = index.get(key)
        except TypeError:  # unhashable cell content: its own entry
            key, hit = None, None
        if hit is None:
            try:
                entry = [_gpu_name(cell), None, None]
            except FlopsheetError as e:
                entry = [None, f"#N/A {e.message}", None]
            hit = len(distinct)
            distinct.append(entry)
            if key is not None:
                index[key] = hit
        return hit

    codes = np.asarray(np.frompyfunc(code, 1, 1)(g) if g.ndim else code(g[()]), dtype=np.intp)
    gpus_ok = all(e[1] is None for e in distinct)
    if numeric and gpus_ok:  # prices typed, every GPU known: the range as given
        return usd if usd.shape == shape else np.broadcast_to(usd, shape)
    kind = (
        np.zeros((), dtype=np.int8)
        if numeric
        else np.asarray(np.frompyfunc(_cell_kind, 1, 1)(u) if u.ndim else _cell_kind(u[()]), dtype=np.int8)
    )
    codes, kind = np.broadcast_to(codes, shape), np.broadcast_to(kind, shape)
    blank = kind == _BLANK
    if gpus_ok and not (kind == _OTHER).any():  # numbers and blanks only (the usual range): floats
        out = np.where(blank, 0.0, np.broadcast_to(u, shape)).astype(float)
        for k, entry in enumerate(distinct):
            rows = blank & (codes == k) if len(distinct) > 1 else blank
            if rows.any():
                try:
                    out[rows] = prices.price(entry[0], "purchase").usd
                except FlopsheetError:
                    break  # a missing price: the general path below says so in its elements
        else:
            return out
    filled = np.array(np.broadcast_to(u, shape), dtype=object)
    for k, (name, bad, _) in enumerate(distinct):
        rows = codes == k if len(distinct) > 1 else np.ones(shape, dtype=bool)
        if bad is not None:
            filled[rows] = bad
            continue
        rows = rows & blank
        if rows.any():
            try:
                filled[rows] = prices.price(name, "purchase").usd
            except FlopsheetError as e:
                filled[rows] = f"#N/A {e.message}"
    # plain numbers everywhere (the usual case): a float array takes the number conversion's fast
    # path; anything else (text, booleans, numpy scalars) keeps the per-element conversion
    kinds = np.frompyfunc(type, 1, 1)(filled) if filled.ndim else np.asarray(type(filled[()]), dtype=object)
    if np.all((kinds == float) | (kinds == int)):  # noqa: E721 - elementwise over an array of types
        return filled.astype(float)
    return filled


_NUMBER, _BLANK, _OTHER = 0, 1, 2


def _cell_kind(v) -> int:
    """A price cell: a plain number (float or int, not a boolean), blank, or anything else."""
    kind = type(v)
    if kind is float or kind is int:
        return _NUMBER
    if v is None or (isinstance(v, str) and not v.strip()):
        return _BLANK
    return _OTHER


_PLAIN: dict[str, Function] = {}


CLUSTER_CAPEX = Function(
    name="CLUSTER_CAPEX",
    summary="USD to buy a GPU cluster: GPUs x price per GPU x overhead for servers and network.",
    returns="USD",
    nature="estimate",
    nature_why="list prices times an assumed overhead for servers and network",
    args=(
        GPUS,
        GPU_NAME,
        Arg(
            "usd_per_gpu",
            "Purchase price of one GPU in USD; default: the price table's (dated, sourced; estimates marked)",
            default=None,
        ),
        OVERHEAD,
    ),
    source=f"{_EPOCH}; GPU prices from the price table (catalog/prices.csv)",
    example=(777768, "H100", 27500),
    formula=engine.cluster_capex,
    impl=_capex,
    # {gpu:year} checks that gpu is a catalog name, as Python does (a GPU cell naming MLU590, the one row
    # without a year, shows #N/A in the copy; a typed name is frozen as its value)
    twin="IF({gpu:year}>0,{gpus}*{usd_per_gpu}*{overhead},NA())",
)

FLEET_POWER_MW = Function(
    name="FLEET_POWER_MW",
    summary="Facility power in MW for a fleet: GPUs x their server's power per GPU (IT power) x PUE; IT_POWER_MW "
    "leaves the PUE out.",
    returns="MW",
    nature="estimate",
    nature_why="at the platform's maximum server power and a PUE: an upper-end estimate of the draw",
    args=(GPUS, GPU_NAME, PUE_ARG, SERVER_W),
    source=_POWER,
    example=(777768, "H100", 1.2, 1275),  # a column argument for the array benchmark (x0.5-1 stays >= 50)
    formula=engine.fleet_power_mw,
    # {gpu:year} checks that gpu is a catalog name when server_w is typed, as Python does (CLUSTER_CAPEX)
    twin="IF({gpu:year}>0,{gpus}*{server_w}*{pue}/{const:WattsPerMW},NA())",
)

IT_POWER_MW = Function(
    name="IT_POWER_MW",
    summary="IT power in MW for a fleet: GPUs x their server's power per GPU, before cooling (PUE). The '150 MW for "
    "100k H100s' figure analysts quote is IT power.",
    returns="MW",
    nature="estimate",
    nature_why="at the platform's maximum server power: an upper-end estimate of the draw",
    args=(GPUS, GPU_NAME, SERVER_W),
    source=_POWER,
    example=(100000, "H100"),
    formula=engine.it_power_mw,
    twin="IF({gpu:year}>0,{gpus}*{server_w}/{const:WattsPerMW},NA())",
)

ENERGY_COST_USD = Function(
    name="ENERGY_COST_USD",
    summary="USD of electricity for mw megawatts over hours (default: a year, 8760 hours).",
    returns="USD",
    nature="exact",
    nature_why="megawatts x hours x the price given",
    args=(Arg("mw", "Power in MW (see FLEET_POWER_MW)"), USD_PER_KWH, Arg("hours", "Hours; default 8760 (a year)")),
    source="1 MW for 1 hour = 1000 kWh; tariffs e.g. EIA Electric Power Monthly Table 5.6.A",
    example=(1190, 0.0872),
    formula=engine.energy_cost_usd,
    twin="{mw}*1000*{hours}*{usd_per_kwh}",
)

_TCO = "({usd_per_gpu}*{overhead}/({years}*8760)+{server_w}*{pue}/1000*{usd_per_kwh})"

# The capital charge: the equivalent annual cost's annuity factor, 1/years at a zero rate (the engine's
# capital_recovery); colocation per kW of the server's power, 12 months over 8760 hours.
_CRF = "IF({cost_of_capital}>0,{cost_of_capital}/(1-(1+{cost_of_capital})^(-{years})),1/{years})"
# {gpu:year}: gpu checked to be a catalog name when server_w is typed, as Python does (FLEET_POWER_MW)
_KW = "IF({gpu:year}>0,{server_w}/1000,NA())"

GPU_TCO_PER_HOUR = Function(
    name="GPU_TCO_PER_HOUR",
    summary="USD per useful GPU-hour of owning a GPU: capex share over years (with a capital charge), its server's "
    "energy and data-centre space, over utilization.",
    returns="USD/GPU-hour",
    nature="estimate",
    nature_why="capex, capital charge, power and colocation under assumed lifetime, load and prices",
    args=(
        USD_PER_GPU,
        YEARS,
        GPU_NAME,
        USD_PER_KWH,
        OVERHEAD,
        PUE_ARG,
        Arg("utilization", "Share of hours the GPU does paid work, in (0, 1]; default 1"),
        SERVER_W,
        Arg(
            "cost_of_capital",
            "Cost of capital a year, 0.10 for 10%: capex recovered as an annuity over years; "
            "default 0 (straight line, no capital charge; the template's CostOfCapital)",
        ),
        Arg(
            "usd_per_kw_month",
            "Data-centre space and power (colocation) in USD per kW of server power a month; "
            "default 0 (not counted; the template's ColoUsdPerKwMonth, CBRE 184.06)",
        ),
    ),
    source=(
        f"{_EPOCH}; {_POWER}; capital charge: equivalent annual cost (annuity factor r/(1-(1+r)^-years)); "
        "colocation per kW-month: CBRE North America Data Center Trends H2 2024"
    ),
    example=(27500, 4, "H100", 0.0872),
    formula=engine.gpu_tco_per_hour,
    twin=(
        "({usd_per_gpu}*{overhead}*{step:crf}/8760+{step:kw}*{pue}*{usd_per_kwh}+{step:kw}*{usd_per_kw_month}*12"
        "/8760)/{utilization}"
    ),
    twin_steps=(
        ("crf", "share of the capex recovered a year (annuity at the cost of capital)", _CRF),
        ("kw", "server power per GPU (kW)", _KW),
    ),
)

TRAIN_COST_AMORTISED = Function(
    name="TRAIN_COST_AMORTISED",
    summary="USD to train on owned GPUs: GPU-hours x (amortised hardware + energy per GPU-hour), Epoch AI's method.",
    returns="USD",
    nature="estimate",
    nature_why="GPU_HOURS' estimate times an estimated ownership cost per GPU-hour",
    args=(
        FLOPS,
        GPU,
        USD_PER_GPU,
        USD_PER_KWH,
        Arg(
            "years",
            "Years the hardware is written off over, 1 to 10; default 3.1 (Epoch AI's 0.14 orders of "
            "magnitude per year)",
        ),
        TRAIN_MFU,
        OVERHEAD,
        PUE_ARG,
        PRECISION,
        SERVER_W,
        GOODPUT,
    ),
    source=f"{_EPOCH}; dense peak from the GPU's datasheet (catalog); {_POWER}",
    example=(3.15e23, "A100", 10000, 0.0872, 3.1, 0.462),
    formula=engine.train_cost_amortised,
    twin="{flops}/({peak}*1E12*{mfu}*{goodput}*3600)*" + _TCO,  # GPU_HOURS' twin (training.py) x TCO
)

# The twin is DECODE_MS' and TTFT_SECONDS' (a plain count or a catalog model, functions/inference.py):
# output at their decode step, input at their prefill of batch x prompt_tokens tokens.
# USD per hour over tokens per hour, in millions: gpus x usd / (batch / step_ms x 1E3 x 3600 x load) x 1E6
_OUT = "{gpus}*{usd_per_gpu_hour}*" + STEP_MS + "/({batch}*3.6*{load})"
_IN = "{gpus}*{usd_per_gpu_hour}*" + PREFILL_S + "/({prompt_tokens}*{batch}*0.0036*{load})"  # likewise, prefill

_COST_STEPS0, _COST_TWIN0 = with_serving_batch(
    with_host(decode_steps())
    + PREFILL_STEPS
    + fits_step(tokens=CONTEXT_OF_DECODE)
    + (("output_usd", "USD per million output tokens", _OUT), ("input_usd", "USD per million input tokens", _IN)),
    fits_twin("{kind}*{step:output_usd}+(1-{kind})*{step:input_usd}"),
    with_host(decode_steps()),  # COST_PER_MTOK takes prefill_mfu: its serving batch's steps read it
)[::-1]
_COST_TWIN, _COST_STEPS = with_fewest_gpus(_COST_STEPS0, _COST_TWIN0, KV_OF_SERVING_BATCH)

COST_PER_MTOK = Function(
    name="COST_PER_MTOK",
    summary="USD per million tokens served on the serving model (MoE, tensor parallel): output at DECODE_MS' step, "
    "input at TTFT_SECONDS' prefill, at a GPU-hour price and load; batch left blank: the serving batch.",
    returns="USD/Mtok",
    nature="estimate",
    nature_why="at DECODE_MS' and TTFT_SECONDS' throughput (efficiencies fitted on published runs, docs/fidelity.md)",
    args=(
        SERVED_PARAMS,
        GPU_NAME,
        Arg("usd_per_gpu_hour", "Price of one GPU-hour in USD, 0.01 to 100 (rental, or GPU_TCO_PER_HOUR)"),
        Arg(
            "kind",
            '"output" (default: decode), "input" (prefill), "blended" (3 input : 1 output) or an '
            "output share in [0, 1]",
            kind="text",
            default="output",
            engine="output_share",
            convert=output_share,
        ),
        Arg("load", "Share of the time the replica serves at full batch, in (0, 1]; default 1"),
        SERVING_BATCH,
        BYTES_PER_PARAM,
        TP_GPUS,
        KV_GB,
        BW_EFFICIENCY,
        DECODE_MFU,
        PRECISION,
        ALLREDUCE_US,
        Arg("prompt_tokens", "Tokens per prompt, for the input price (prefill); default 1000"),
        PREFILL_MFU,
        CONTEXT_TOKENS,
        MAX_BATCH_ARG,
        HOST_US_ARG,
        HOST_SERIAL_ARG,
    ),
    source=(
        "DECODE_MS' decode step and TTFT_SECONDS' prefill (roofline, Williams et al. 2009; Pope et al. 2022; "
        "MoE weights read and Megatron-LM all-reduces for a catalog model); blended 3:1 as Artificial Analysis"
    ),
    example=("70B", "H100", 2.5, "output", 1, 64, 2, 4, 31.45728),
    twin_blank_cell_na=("batch", "gpus"),
    formula=engine.cost_per_mtok,
    twin=_COST_TWIN,
    twin_steps=_COST_STEPS,
)

GROSS_MARGIN = Function(
    name="GROSS_MARGIN",
    summary="Gross margin as a fraction of the price: (price - cost) / price; negative is a loss.",
    returns="fraction",
    nature="exact",
    nature_why="(price - cost) / price of the figures given",
    args=(
        Arg("price", "What the customer pays, e.g. USD per million tokens"),
        Arg("cost", "What serving it costs, in the same unit (e.g. COST_PER_MTOK)"),
    ),
    source="definition (revenue - cost of revenue) / revenue",
    example=(2.0, 0.69),
    formula=engine.gross_margin,
    twin="({price}-{cost})/{price}",
)


# -- RANGE_TEXT: "$9.8M (7.1M-14.2M)" -------------------------------------------------------
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


HELD_DIGITS = 15  # significant digits a spreadsheet holds of a double, and rounds TEXT() on (Excel, LibreOffice)


def _fixed(x: float, places: int) -> str:
    """x with `places` decimals, halves away from zero, on the 15 significant digits a spreadsheet
    holds (as Excel's and LibreOffice's TEXT: 1.15, stored as 1.149999999999999911, shows 1.2)."""
    with localcontext() as ctx:
        ctx.prec = 400  # enough digits for any double below 1E+300
        held = Decimal(format(float(x), f".{HELD_DIGITS}g"))
        q = held.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:.{places}f}"


_UNIT = re.compile(r"[A-Za-z0-9$%/. -]{0,24}")


def _unit_text(unit) -> str:
    """RANGE_TEXT's unit: short plain text ("USD/year", "MW"); a boolean, a number, a wildcard or
    a control character is refused (the sheets would not agree on how to show it)."""
    if unit is None:
        return ""
    if not isinstance(unit, str):
        raise FlopsheetError(f'unit must be text such as "USD" or "MW" (got {unit!r})', arg="unit")
    if not _UNIT.fullmatch(unit.strip(" ")):
        raise FlopsheetError(
            f'unit must be up to 24 letters, digits, spaces or $ % / . - such as "USD/year" (got {unit!r})', arg="unit"
        )
    return unit.strip(" ")


def range_text_one(base_case, low, high, unit=None) -> str:
    values = []
    for name, v in (("base_case", base_case), ("low", low), ("high", high)):
        x, err = element_number(v, name, None)
        if err is not None or x is None:
            raise FlopsheetError(err or f"{name} is required (the cell is blank)", arg=name)
        if not math.isfinite(x) or abs(x) >= 1e300:
            raise FlopsheetError(f"{name} must be a finite number below 1E+300 (got {x:g})", arg=name)
        values.append(x)
    b, lo, hi = values
    # ordered to 12 digits: a spreadsheet may parse a typed literal one unit in the last place
    # away from the same number in a cell (the twin tests the same way)
    if not (lo <= b + abs(b) * 1e-12 and b <= hi + abs(hi) * 1e-12):
        raise FlopsheetError(f"low <= base_case <= high is needed (got {lo:g}, {b:g}, {hi:g})", arg="low")
    unit = _unit_text(unit)
    scale, letter = next(((s, t) for s, t in _SCALES if abs(b) >= s), (1.0, ""))
    places = 2 if abs(b / scale) < 1 else 1
    # "USD..." and "$..." are money: a $ in front, the rest of the unit after ("USD/year" -> "$1.2M/year")
    cut = 3 if unit.startswith("USD") else 1 if unit.startswith("$") else 0
    prefix = "$" if cut else ""
    suffix = unit[cut:] if cut else (f" {unit}" if unit else "")
    f = lambda x: _fixed(x / scale, places) + letter  # noqa: E731
    return f"{prefix}{f(b)}{suffix} ({f(lo)}-{f(hi)})"


def _range_text(base_case=None, low=None, high=None, unit=None):
    given = {"base_case": base_case, "low": low, "high": high, "unit": unit}
    if not any(isinstance(v, (list, tuple, np.ndarray)) for v in given.values()):
        return range_text_one(base_case, low, high, unit), None, True
    u, ue = texts(unit, "unit", "")
    arrays = {k: np.asarray(v, dtype=object) for k, v in given.items() if k != "unit"}
    arrays["unit"] = u
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    out = np.empty(shape, dtype=object)
    errors = None
    for idx in np.ndindex(*shape):
        try:
            out[idx] = range_text_one(**{k: np.broadcast_to(a, shape)[idx] for k, a in arrays.items()})
        except FlopsheetError as e:
            if errors is None:
                errors = np.full(shape, None, dtype=object)
            errors[idx] = e.message
    return out, merge_errors(ue, errors), False


_B = "ABS({base_case})"
_S = f"IF({_B}>=1E12,1E12,IF({_B}>=1E9,1E9,IF({_B}>=1E6,1E6,IF({_B}>=1E3,1E3,1))))"
_L = f'IF({_B}>=1E12,"T",IF({_B}>=1E9,"B",IF({_B}>=1E6,"M",IF({_B}>=1E3,"K",""))))'
_F = f'IF(ABS({{base_case}}/{_S})<1,"0.00","0.0")'


def _text_of(v: str, m: str) -> str:
    """The twin's text of `v` scaled, rounded half away from zero on the 15 digits a spreadsheet holds,
    done by hand: Gnumeric's TEXT and ROUND round the binary value (TEXT(1.15,"0.0") is "1.1" there,
    measured in Gnumeric 1.12; "1.2" in LibreOffice and Excel). `m` is the step holding |v| / scale x 10^places
    (_in_last_decimal); a fraction within 5E-16 x m of a half is the half: the double is within ~3.3E-16 x m of
    the decimal (three roundings), while a 15-digit decimal that is not a half is at least 1E-15 x m from one.
    TEXT then only shows a number already rounded, never at a half."""
    return f'IF({v}<0,"-","")&TEXT((INT({m})+({m}-INT({m})>=0.5-{m}*5E-16))/{{step:p10}},{{step:fmt}})&{{step:letter}}'


def _in_last_decimal(v: str) -> str:
    """|v| / scale x 10^places: `v` counted in units of the last decimal shown (a step of its own, so the
    rounding above reads one cell three times instead of repeating the expression)."""
    return f"ABS({v}/{{step:scale}})*{{step:p10}}"


_PRE = 'IF((LEFT({unit},3)="USD")+(LEFT({unit},1)="$"),"$","")'
_SUF = 'IF(LEFT({unit},3)="USD",MID({unit},4,255),IF(LEFT({unit},1)="$",MID({unit},2,255),IF({unit}="",""," "&{unit})))'

RANGE_TEXT = Function(
    name="RANGE_TEXT",
    summary='A base with its low-high range as one line of text, e.g. "$9.8M (7.1M-14.2M)".',
    returns="text",
    nature="exact",
    nature_why="text made of the numbers given",
    args=(
        Arg("base_case", "The base case"),
        Arg("low", "The low case (<= base_case)"),
        Arg("high", "The high case (>= base_case)"),
        Arg(
            "unit",
            '"$" or "USD..." (a $ in front, the rest after: "USD/year" -> "$1.2M/year"), another unit '
            '(after, such as "MW"); optional, blank for none',
            kind="text",
            default=None,
        ),
    ),
    source="formatting: K/M/B/T by the base's size, one decimal (two below 1), halves away from zero as TEXT()",
    example=(9.8e6, 7.1e6, 14.2e6, "$"),
    impl=_range_text,
    twin=(
        'IF({step:ordered},{step:prefix}&{step:base_text}&{step:suffix}&" ("&{step:low_text}&"-"'
        '&{step:high_text}&")",NA())'
    ),
    twin_steps=(
        (
            "ordered",
            "low <= base case <= high (to 1E-12)",
            "({low}<={base_case}+ABS({base_case})*1E-12)*({base_case}<={high}+ABS({high})*1E-12)",
        ),
        ("scale", "scale of the base case (1, 1E3, 1E6, 1E9 or 1E12)", _S),
        ("letter", "its letter (K, M, B, T)", _L),
        ("fmt", "decimals (two below 1)", 'IF(ABS({base_case}/{step:scale})<1,"0.00","0.0")'),
        ("prefix", "$ in front for a USD unit", _PRE),
        ("suffix", "the unit after the number", _SUF),
        ("p10", "10 to the decimals", "IF(ABS({base_case}/{step:scale})<1,100,10)"),
        ("base_m", "the base case in units of the last decimal", _in_last_decimal("{base_case}")),
        ("low_m", "the low case in units of the last decimal", _in_last_decimal("{low}")),
        ("high_m", "the high case in units of the last decimal", _in_last_decimal("{high}")),
        ("base_text", "the base case, scaled and rounded", _text_of("{base_case}", "{step:base_m}")),
        ("low_text", "the low case, scaled and rounded", _text_of("{low}", "{step:low_m}")),
        ("high_text", "the high case, scaled and rounded", _text_of("{high}", "{step:high_m}")),
    ),
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
