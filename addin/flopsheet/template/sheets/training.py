"""Training: one row per scenario, inputs on the left, locked calculations on the right.

Every calculation column holds the same formula all the way down (pre-filled and blank rows
alike), guarded so a blank row shows nothing: a user adds a scenario by typing in the next
yellow row. The peak each row uses is looked up from the GPUs sheet (INDEX/MATCH), so editing
a datasheet figure there flows through Excel's recalculation.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import placeholders
from flopsheet.template import i18n
from flopsheet.template import scenarios as sc
from flopsheet.template import styles as st
from flopsheet.template.layout import (
    GPU_LIST,
    MULTIMODAL,
    PRECISION_LIST,
    Ctx,
    finish,
    validate_list,
    validate_number,
)

HEADER_ROW = 4
FIRST_ROW = 5
NO_TDP = "no server power on the GPUs sheet"  # why an energy cell shows #N/A


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: float
    fmt: str | None = None
    formula: str | None = None  # {key}: this row's cell of column key (flopsheet.placeholders)


INPUTS = (
    Col("name", "Scenario", 40),
    Col("params", "Params (active; 70B = 7E+10)", 11, st.PARAMS),
    Col("tokens", "Training tokens", 13, st.TOKENS),
    Col("gpu", "GPU (GPUs sheet)", 16),
    Col("precision", "Precision", 9),
    Col("mfu", "MFU (blank = the precision's training default)", 11, st.PCT),
    Col("gpus", "GPUs training (count)", 10, st.WHOLE),
    Col("deadline", "Deadline (days)", 9, st.WHOLE),
    Col("usd", "$/GPU-hour (blank = GPUs sheet)", 11, st.USD_RATE),
    Col("override", "Peak override (TFLOPS; blank = GPUs sheet)", 12, st.ONE_DP),
    Col("goodput", "Goodput (blank = Default goodput)", 11, st.PCT),
)
# Guards: a row without params shows "" everywhere; optional questions (GPU count, deadline) too.
# Intermediate quantities sit in their own labelled columns (GPU row, precision, peak, TDP, MFU and
# price used), so each result's formula is short and names what it uses: a reviewer audits one step
# at a time, and the hand-off copy's native formulas stay short too.
CALCS = (
    Col("row", "GPU row on the GPUs sheet", 8, "0", '=IF({gpu}="","",MATCH({gpu},{gpu_names},0))'),
    Col(
        "prec_used",
        "Precision used (blank = DefaultPrecision)",
        9,
        None,
        '=IF({gpu}="","",IF({precision}="",DefaultPrecision,{precision}))',
    ),
    Col(
        "peak", "Peak used (dense TFLOPS)", 11, st.ONE_DP, '=IF({gpu}="","",IF({override}="",{peak_lookup},{override}))'
    ),
    Col("tdp", "Server power used (W per GPU, GPUs sheet)", 9, st.WHOLE, '=IF({gpu}="","",{tdp_lookup})'),
    # blank: the training efficiency of the precision's peak (engine.training_mfu; Start sheet's TrainMFU,
    # TrainFP8Share, TrainFP4Share), as GPU_HOURS' own blank mfu
    Col(
        "mfu_used",
        "MFU used (blank: TrainMFU, TrainFP8Share or TrainFP4Share by precision)",
        8,
        st.PCT,
        '=IF({params}="","",IF({mfu}="",INDEX(TrainMFUs,MATCH({prec_used},TrainMFUKeys,0)),{mfu}))',
    ),
    Col("goodput_used", "Goodput used", 8, st.PCT, '=IF({params}="","",IF({goodput}="",DefaultGoodput,{goodput}))'),
    # A GPU without a price on the GPUs sheet leaves this blank, not 0: TRAIN_COST then says the price is
    # blank (never "must be > 0 (got 0)" for a price nobody typed), and the copy's cost shows #N/A, which
    # the cost column's header explains.
    Col(
        "usd_used",
        "$/GPU-hour used (blank = none on the GPUs sheet)",
        10,
        st.USD_RATE,
        '=IF(OR({params}="",{gpu}=""),"",IF({usd}="",IF({price_lookup}="","",{price_lookup}),{usd}))',
    ),
    Col("flops", "Compute (FLOPs)", 11, st.FLOPS, '=IF({params}="","",TRAIN_FLOPS({params},{tokens}))'),
    Col(
        "gpu_hours",
        "GPU-hours",
        13,
        st.WHOLE,
        '=IF({params}="","",GPU_HOURS({flops},{peak},{mfu_used},,{goodput_used}))',
    ),
    Col(
        "gpu_days", "GPU-days", 12, st.WHOLE, '=IF({params}="","",GPU_DAYS({flops},{peak},{mfu_used},,{goodput_used}))'
    ),
    Col(
        "days",
        "Wall-clock (days, on the GPUs)",
        11,
        st.ONE_DP,
        '=IF(OR({params}="",{gpus}=""),"",TRAIN_DAYS({flops},{peak},{gpus},{mfu_used},,{goodput_used}))',
    ),
    Col(
        "needed",
        "GPUs for the deadline",
        11,
        st.WHOLE,
        '=IF(OR({params}="",{deadline}=""),"",GPUS_NEEDED({flops},{peak},{deadline},{mfu_used},,{goodput_used}))',
    ),
    Col(
        "cost",
        "Cost (USD; #N/A = no price: type one in $/GPU-hour)",
        14,
        st.USD,
        '=IF({params}="","",TRAIN_COST({flops},{peak},{usd_used},{mfu_used},,{goodput_used}))',
    ),
    # TRAIN_ENERGY_MWH's arithmetic (GPU-hours x server power per GPU x PUE / 1e6,
    # engine.training.train_energy_mwh; the GPU-hours already include goodput) on the GPUs sheet's
    # server power, so a figure edited there changes the energy in the add-in workbook and its copy alike.
    # A GPU without a server power on the GPUs sheet shows #N/A (the header says so), never a wrong 0.
    Col(
        "energy",
        "Energy (MWh; server power x PUE; #N/A = no server power on the GPUs sheet)",
        13,
        st.WHOLE,
        '=IF({params}="","",IF({tdp}>0,{gpu_hours}*{tdp}*PUE/WattsPerMW,NA()))',
    ),
)
NOTES = Col("note", "Notes and sources", 120)
COLUMNS = (*INPUTS, *CALCS, NOTES)
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}

INTRO = (
    "Type in the yellow cells; a new scenario goes in the next empty yellow row (formulas, checks and the chart "
    "already cover it). Peak, server power and price come from the GPUs sheet unless typed here. MoE models: use ACTIVE "
    "parameters.",
    "The helper columns right of the inputs show what each result uses (GPU row, precision, peak, server power, MFU, "
    "goodput, price). A peak of 0 means "
    "the GPUs sheet has no dense figure for that precision. Energy = GPU-hours x server power per GPU x PUE.",
)
INTRO_ADDIN = "Function cells show #NAME? until the add-in is on (see Start)."
INTRO_COPY = "Every formula is native Excel: it recalculates in Excel, LibreOffice, Gnumeric or Google Sheets."


def _formula(col: Col, r: int, ctx: Ctx) -> str:
    cell = {k: f"${v}{r}" for k, v in LETTER.items()}
    cell["gpu_names"] = ctx.gpu_column("name")
    cell["peak_lookup"] = ctx.peak_at(cell["row"], cell["prec_used"])
    cell["tdp_lookup"] = ctx.field_at(cell["row"], "server_w")
    cell["price_lookup"] = ctx.field_at(cell["row"], "usd_per_gpu_hour")
    return placeholders.fill(col.formula, lambda _scope, key: cell[key])


def _energy(flops, peak_tflops, server_w, mfu, goodput):
    """engine.training.train_energy_mwh with the PUE assumption, or why there is no figure."""
    from flopsheet import engine
    from flopsheet.errors import FlopsheetError

    if server_w == "" or not server_w > 0:
        raise FlopsheetError(NO_TDP)
    return engine.training.train_energy_mwh(flops, peak_tflops, server_w, mfu, goodput=goodput)


def _tokens_cell(s: sc.TrainingScenario, r: int, ctx: Ctx):
    """What goes in the tokens column: a number, or a formula for derived tokens."""
    if s.tokens == sc.TOKENS_CHINCHILLA:
        p = f"${LETTER['params']}{r}"
        return f'=IF({p}="","",CHINCHILLA_TOKENS({p}))'
    if s.tokens == sc.TOKENS_ALL_IMAGES:
        return f"={ctx.ref(MULTIMODAL, 'dataset_tokens')}"
    return s.tokens


# What the summary prints per row: key -> (label after the value, unit).
_SHOWN = {
    "flops": ("", "FLOPs"),
    "gpu_days": ("", "GPU-days"),
    "days": ("wall-clock on {gpus:,.0f} GPUs", "days"),
    "needed": ("GPUs for {deadline:g} days", ""),
    "cost": ("", "USD"),
    "energy": ("", "MWh"),
}


def write(ws: Worksheet, ctx: Ctx, scenarios=sc.TRAINING, blank_rows: int = sc.BLANK_TRAINING_ROWS) -> None:
    st.set_text(ws.cell(1, 1), "Training: compute, time, GPUs, cost and energy per scenario", st.TITLE)
    for i, line in enumerate(INTRO[:-1] + (INTRO[-1] + " " + i18n.pick(INTRO_ADDIN, INTRO_COPY),), start=2):
        st.set_text(ws.cell(i, 1), line, st.NOTE)
    for i, col in enumerate(COLUMNS, start=1):
        st.set_text(ws.cell(HEADER_ROW, i), col.header, st.HEADER)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = 62

    rows = list(scenarios) + [sc.TrainingScenario("", None, None, None, None) for _ in range(blank_rows)]
    last = FIRST_ROW + len(rows) - 1
    for r, s in enumerate(rows, start=FIRST_ROW):
        values = {
            "name": s.name or None,
            "params": s.params,
            "tokens": _tokens_cell(s, r, ctx),
            "gpu": s.gpu,
            "precision": s.precision,
            "mfu": s.mfu,
            "gpus": s.gpus,
            "deadline": s.deadline_days,
            "usd": s.usd_per_gpu_hour,
            "override": s.peak_override,
            "goodput": s.goodput,
            "note": s.note or None,
        }
        for col in (*INPUTS, NOTES):
            cell = ws[f"{LETTER[col.key]}{r}"]
            v = values[col.key]
            if col.key == "tokens" and isinstance(v, str):
                st.set_formula(cell, v, st.CALC, col.fmt)  # derived tokens: a locked calculation
            else:  # a scenario's name and note are wording; a GPU or precision is data
                st.set_value(cell, v, st.INPUT, col.fmt, translate=col.key in ("name", "note"))
        for col in CALCS:
            st.set_formula(ws[f"{LETTER[col.key]}{r}"], _formula(col, r, ctx), st.CALC, col.fmt)

        derived_tokens = isinstance(_tokens_cell(s, r, ctx), str)  # a formula, not typed in
        for key in (("tokens",) if derived_tokens else ()) + tuple(c.key for c in CALCS):
            ctx.cells[(ws.title, f"{key}{r}")] = f"${LETTER[key]}${r}"
            label, unit = _SHOWN.get(key, (key, ""))
            label = label.format(gpus=s.gpus or 0, deadline=s.deadline_days or 0)
            engine = None
            if key == "energy" and s.name:  # the engine's formula on this row's cells: an independent check
                engine = (
                    _energy,
                    {
                        "flops": f"flops{r}",
                        "peak_tflops": f"peak{r}",
                        "server_w": f"tdp{r}",
                        "mfu": f"mfu_used{r}",
                        "goodput": f"goodput_used{r}",
                    },
                )
            ctx.output(
                ws.title,
                f"{key}{r}",
                label,
                unit,
                s.name or f"(blank row {r})",
                show=key in _SHOWN and bool(s.name),
                engine=engine,
            )
        ctx.cells[(ws.title, f"row:{s.name}")] = str(r)

    span = lambda key: f"{LETTER[key]}{FIRST_ROW}:{LETTER[key]}{last}"  # noqa: E731
    validate_list(ws, GPU_LIST, span("gpu"), "Pick a GPU from the GPUs sheet (add new ones there)")
    validate_list(ws, PRECISION_LIST, span("precision"), "Pick a precision: bf16, fp16, fp8, fp4, int8, tf32, fp32")
    validate_number(ws, span("mfu"), "0", "1", "MFU is a fraction: type 0.4 or 40% for 40%")
    validate_number(ws, span("goodput"), "0", "1", "Goodput is a fraction: type 0.85 or 85% for 85%")
    # The parameter count itself, not billions: 70 would be a 70-parameter model (TRAIN_FLOPS
    # refuses below 1E+6 too); a GPU count is whole.
    validate_number(
        ws,
        span("params"),
        "999999.999",
        None,
        "Params is the count itself: for 70B type 7E+10 (below 1E+6 is not a model size)",
    )
    validate_number(
        ws,
        span("tokens"),
        "999999.999",
        None,
        "Tokens is the count itself: for 300B type 3E+11 (below 1E+6 is not a training run)",
    )
    validate_number(ws, span("gpus"), "0", None, "GPUs is a whole number such as 1024", kind="whole")
    validate_number(
        ws, span("usd"), "0.01", "100", "One GPU-hour's price in dollars, 0.01 to 100: for 250 cents type 2.5"
    )
    for key in ("deadline", "override"):
        validate_number(ws, span(key), "0", None, "Must be a positive number")

    chart_row = last + 2
    _chart(ws, chart_row, last)
    # the print area runs 40 rows past the chart's top: the chart is 20 cm tall
    finish(ws, f"A1:{LETTER['energy']}{chart_row + 40}", freeze=f"B{FIRST_ROW}", header_row=HEADER_ROW)


def _chart(ws: Worksheet, anchor_row: int, last: int) -> None:
    """GPU-days of every scenario row, log scale (they span four orders of magnitude).

    The series covers the blank rows too, so a scenario typed in the next empty row appears in
    the chart on recalculation, in Excel, LibreOffice and Gnumeric alike (a dynamic named range
    would be tidier in Excel but LibreOffice charts do not follow one)."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = i18n.tr("GPU-days by scenario (log scale)")
    col = COLUMNS.index(next(c for c in CALCS if c.key == "gpu_days")) + 1
    chart.add_data(Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last))
    chart.y_axis.scaling.logBase = 10
    chart.y_axis.title = i18n.tr("GPU-days")
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.scaling.orientation = "maxMin"  # first scenario on top, like the table
    chart.x_axis.tickLblSkip = 1  # every scenario's name, not every other one
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend = None
    chart.height = 20
    chart.width = 30
    ws.add_chart(chart, f"A{anchor_row}")
