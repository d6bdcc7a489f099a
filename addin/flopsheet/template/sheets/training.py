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
from flopsheet.template import scenarios as sc
from flopsheet.template import styles as st
from flopsheet.template.layout import (
    GPU_LIST, MULTIMODAL, PRECISION_LIST, Ctx, finish, validate_list, validate_number,
)

HEADER_ROW = 4
FIRST_ROW = 5


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
    Col("tokens", "Training tokens", 11, st.SCI),
    Col("gpu", "GPU (GPUs sheet)", 16),
    Col("precision", "Precision", 9),
    Col("mfu", "MFU (blank = Default MFU)", 11, st.PCT),
    Col("gpus", "GPUs training (count)", 10, st.WHOLE),
    Col("deadline", "Deadline (days)", 9, st.WHOLE),
    Col("usd", "$/GPU-hour (blank = GPUs sheet)", 11, st.USD_RATE),
    Col("override", "Peak override (TFLOPS; blank = GPUs sheet)", 12, st.ONE_DP),
    Col("goodput", "Goodput (blank = Default goodput)", 11, st.PCT),
)
# Guards: a row without params shows "" everywhere; optional questions (GPU count, deadline) too.
CALCS = (
    Col("peak", "Peak used (dense TFLOPS)", 11, st.ONE_DP,
        '=IF(OR({gpu}="",{precision}=""),"",IF({override}="",{peak_lookup},{override}))'),
    Col("mfu_used", "MFU used", 8, st.PCT, '=IF({params}="","",IF({mfu}="",DefaultMFU,{mfu}))'),
    Col("goodput_used", "Goodput used", 8, st.PCT, '=IF({params}="","",IF({goodput}="",DefaultGoodput,{goodput}))'),
    Col("usd_used", "$/GPU-hour used", 10, st.USD_RATE,
        '=IF(OR({params}="",{gpu}=""),"",IF({usd}="",{price_lookup},{usd}))'),
    Col("flops", "Compute (FLOPs)", 11, st.FLOPS, '=IF({params}="","",TRAIN_FLOPS({params},{tokens}))'),
    Col("gpu_hours", "GPU-hours", 13, st.WHOLE,
        '=IF({params}="","",GPU_HOURS({flops},{peak},{mfu_used},,{goodput_used}))'),
    Col("gpu_days", "GPU-days", 12, st.WHOLE, '=IF({params}="","",GPU_DAYS({flops},{peak},{mfu_used},,{goodput_used}))'),
    Col("days", "Wall-clock (days, on the GPUs)", 11, st.ONE_DP,
        '=IF(OR({params}="",{gpus}=""),"",TRAIN_DAYS({flops},{peak},{gpus},{mfu_used},,{goodput_used}))'),
    Col("needed", "GPUs for the deadline", 11, st.WHOLE,
        '=IF(OR({params}="",{deadline}=""),"",GPUS_NEEDED({flops},{peak},{deadline},{mfu_used},,{goodput_used}))'),
    Col("cost", "Cost (USD)", 14, st.USD,
        '=IF({params}="","",TRAIN_COST({flops},{peak},{usd_used},{mfu_used},,{goodput_used}))'),
    Col("energy", "Energy (MWh; catalog TDP, x PUE)", 11, st.WHOLE,
        '=IF({params}="","",TRAIN_ENERGY_MWH({flops},{gpu},{mfu_used},{precision},PUE,{goodput_used}))'),
)
NOTES = Col("note", "Notes and sources", 120)
COLUMNS = (*INPUTS, *CALCS, NOTES)
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}

INTRO = (
    "Type in the yellow cells; a new scenario goes in the next empty yellow row. Peak and price come from the "
    "GPUs sheet unless typed here. MoE models: use ACTIVE parameters.",
    "A peak of 0 means the GPUs sheet has no dense figure for that precision. Energy uses the GPU's catalog peak "
    "and TDP (by name) and the PUE assumption. Formulas show #NAME? until the add-in is on (see Start).",
)


def _formula(col: Col, r: int, ctx: Ctx) -> str:
    cell = {k: f"${v}{r}" for k, v in LETTER.items()}
    cell["peak_lookup"] = ctx.peak_lookup(cell["gpu"], cell["precision"])
    cell["price_lookup"] = ctx.field_lookup(cell["gpu"], "usd_per_gpu_hour")
    return placeholders.fill(col.formula, lambda _scope, key: cell[key])


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
    "flops": ("", "FLOPs"), "gpu_days": ("", "GPU-days"),
    "days": ("wall-clock on {gpus:,.0f} GPUs", "days"), "needed": ("GPUs for {deadline:g} days", ""),
    "cost": ("", "USD"), "energy": ("", "MWh"),
}


def write(ws: Worksheet, ctx: Ctx, scenarios=sc.TRAINING, blank_rows: int = sc.BLANK_TRAINING_ROWS) -> None:
    st.set_text(ws.cell(1, 1), "Training: compute, time, GPUs, cost and energy per scenario", st.TITLE)
    for i, line in enumerate(INTRO, start=2):
        st.set_text(ws.cell(i, 1), line, st.NOTE)
    for i, col in enumerate(COLUMNS, start=1):
        st.set_text(ws.cell(HEADER_ROW, i), col.header, st.HEADER)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = 62

    rows = list(scenarios) + [sc.TrainingScenario("", None, None, None, None) for _ in range(blank_rows)]
    last = FIRST_ROW + len(rows) - 1
    for r, s in enumerate(rows, start=FIRST_ROW):
        values = {"name": s.name or None, "params": s.params, "tokens": _tokens_cell(s, r, ctx), "gpu": s.gpu,
                  "precision": s.precision, "mfu": s.mfu, "gpus": s.gpus, "deadline": s.deadline_days,
                  "usd": s.usd_per_gpu_hour, "override": s.peak_override, "goodput": s.goodput,
                  "note": s.note or None}
        for col in (*INPUTS, NOTES):
            cell = ws[f"{LETTER[col.key]}{r}"]
            v = values[col.key]
            if col.key == "tokens" and isinstance(v, str):
                st.set_formula(cell, v, st.CALC, col.fmt)  # derived tokens: a locked calculation
            else:
                st.set_value(cell, v, st.INPUT, col.fmt)
        for col in CALCS:
            st.set_formula(ws[f"{LETTER[col.key]}{r}"], _formula(col, r, ctx), st.CALC, col.fmt)

        derived_tokens = isinstance(_tokens_cell(s, r, ctx), str)  # a formula, not typed in
        for key in (("tokens",) if derived_tokens else ()) + tuple(c.key for c in CALCS):
            ctx.cells[(ws.title, f"{key}{r}")] = f"${LETTER[key]}${r}"
            label, unit = _SHOWN.get(key, (key, ""))
            label = label.format(gpus=s.gpus or 0, deadline=s.deadline_days or 0)
            ctx.output(ws.title, f"{key}{r}", label, unit, s.name or f"(blank row {r})",
                       show=key in _SHOWN and bool(s.name))
        ctx.cells[(ws.title, f"row:{s.name}")] = str(r)

    span = lambda key: f"{LETTER[key]}{FIRST_ROW}:{LETTER[key]}{last}"  # noqa: E731
    validate_list(ws, GPU_LIST, span("gpu"), "Pick a GPU from the GPUs sheet (add new ones there)")
    validate_list(ws, PRECISION_LIST, span("precision"), "Pick a precision: bf16, fp16, fp8, fp4, int8, tf32, fp32")
    validate_number(ws, span("mfu"), "0", "1", "MFU is a fraction: type 0.4 or 40% for 40%")
    validate_number(ws, span("goodput"), "0", "1", "Goodput is a fraction: type 0.85 or 85% for 85%")
    # The parameter count itself, not billions: 70 would be a 70-parameter model (TRAIN_FLOPS
    # refuses below 1E+6 too); a GPU count is whole.
    validate_number(ws, span("params"), "999999.999", None,
                    "Params is the count itself: for 70B type 7E+10 (below 1E+6 is not a model size)")
    validate_number(ws, span("gpus"), "0", None, "GPUs is a whole number such as 1024", kind="whole")
    for key in ("deadline", "usd", "override"):
        validate_number(ws, span(key), "0", None, "Must be a positive number")

    chart_row = last + 2
    _chart(ws, chart_row, FIRST_ROW + max(len(scenarios), 1) - 1)
    finish(ws, f"A1:{LETTER['energy']}{chart_row + 22}", freeze=f"B{FIRST_ROW}")


def _chart(ws: Worksheet, anchor_row: int, last: int) -> None:
    """GPU-days of the pre-filled scenarios, log scale (they span four orders of magnitude).

    The range stops at the pre-filled rows: empty categories would squeeze the bars. To chart
    a scenario added below, extend the series (Chart Design > Select Data)."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "GPU-days by scenario (log scale)"
    col = COLUMNS.index(next(c for c in CALCS if c.key == "gpu_days")) + 1
    chart.add_data(Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last))
    chart.y_axis.scaling.logBase = 10
    chart.y_axis.title = "GPU-days"
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.scaling.orientation = "maxMin"  # first scenario on top, like the table
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend = None
    chart.height = 11
    chart.width = 30
    ws.add_chart(chart, f"A{anchor_row}")
