"""Seed check: every worked figure of the seed report, its value, the workbook's and the gap.

Each row's arguments sit in input cells and the workbook value is the function called on them,
exactly the call listed in the project's seed figures (flopsheet.seed). Below them, the runs the
Training sheet reproduces from published reports.
"""

from __future__ import annotations

import textwrap

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import seed
from flopsheet.template import i18n
from flopsheet.template import scenarios as sc
from flopsheet.template import styles as st
from flopsheet.template.layout import TRAINING, Ctx, finish, widths

HEADER_ROW = 4
ARG_COLS = 7  # RESPONSE_SECONDS in the corrections takes seven
COLS = (
    "#",
    "What the report computes",
    *(f"Argument {i}" for i in range(1, ARG_COLS + 1)),
    "Scale",
    "Report prints",
    "Report's value",
    "Workbook value",
    "Workbook - report",
    "Difference (%)",
    "Note",
)
FIRST_ARG = 3
SCALE, PRINTS, REPORT, WORKBOOK, DIFF, PCT_DIFF, NOTE = range(FIRST_ARG + ARG_COLS, FIRST_ARG + ARG_COLS + 7)

WRONG = (
    "Where the report is wrong or incomplete:",
    "Row 11 uses a WITH-SPARSITY peak: 1,979 TFLOPS is NVIDIA's H100 SXM FP16 headline with 2:4 structured "
    "sparsity; dense training gets 989.5, so the real need is 777,768 H100s, twice the report's. Its A100 figure "
    "(312) is dense, so the report mixes the two.",
    "Row 5 is a compute floor nobody reaches at batch 1: decoding reads all 350 GB of weights per token, which do "
    "not even fit on one A100; on 8 A100s the roofline gives about 8 s for the 300 tokens, not 0.78 s.",
    "46.2% is PaLM 540B's reported MFU on TPU v4 (Chowdhery et al. 2022), not an A100 measurement.",
    "4/3 tokens per word is English. For Chinese, vendors publish about 0.6 tokens per character (DeepSeek) or "
    "1.5-2 characters per token (Moonshot/Kimi).",
    "The report's video section (MagicVideo-V2) stops before computing anything; the Multimodal sheet carries it "
    "through with VIDEO_TOKENS.",
)


def _rows():
    """(label, SeedRow) in display order: the report's rows, then the corrections."""
    out = []
    for row in seed.ROWS:
        out.append((str(row.number), row))
        if row.number == 2 and row.function == "GPU_DAYS":
            # seed-figures row 2 lists both spellings of the GPU: a catalog name and its peak.
            out.append(
                (
                    "2 (peak typed)",
                    seed.SeedRow(
                        2,
                        "A100-days, the A100 given as 312 TFLOPS",
                        "GPU_DAYS",
                        (row.args[0], 312, *row.args[2:]),
                        row.report,
                        row.report_value,
                    ),
                )
            )
    for row in seed.CORRECTIONS:
        out.append((f"{row.number} corrected", row))
    return out


def _published(ctx: Ctx):
    """Runs the Training sheet reproduces: (label, report value, Training column key, note)."""
    name = next((s.name for s in sc.TRAINING if s.name.startswith("DeepSeek-V3")), None)
    if name is None or (TRAINING, f"row:{name}") not in ctx.cells:
        return []
    r = ctx.cells[(TRAINING, f"row:{name}")]
    return [
        (
            "DeepSeek-V3: H800 GPU-hours",
            sc.DEEPSEEK_V3_GPU_HOURS,
            f"gpu_hours{r}",
            "DeepSeek-V3 technical report (arXiv 2412.19437), Table 1: 2.788M H800 GPU-hours in total",
        ),
        (
            "DeepSeek-V3: cost at $2/GPU-hour",
            sc.DEEPSEEK_V3_COST_USD,
            f"cost{r}",
            "Same table: $5.576M (rental assumption; excludes research and ablations)",
        ),
    ]


def write(ws: Worksheet, ctx: Ctx) -> None:
    st.set_text(ws.cell(1, 1), "Seed check: the seed report's figures, recomputed by the workbook", st.TITLE)
    st.set_text(
        ws.cell(2, 1),
        i18n.pick(
            "The seed: a 2024 Chinese industry report on large-model compute demand. 万 = 10,000 (38.89万 = 388,900). "
            "Workbook values show #NAME? until the add-in is on (see Start).",
            "The seed: a 2024 Chinese industry report on large-model compute demand. 万 = 10,000 (38.89万 = 388,900). "
            "Workbook values are native formulas on the argument cells; edit an argument to see the effect.",
        ),
        st.NOTE,
    )
    for c, label in enumerate(COLS, start=1):
        st.set_text(ws.cell(HEADER_ROW, c), label, st.HEADER)
    ws.row_dimensions[HEADER_ROW].height = 32

    r = HEADER_ROW + 1
    for label, row in _rows():
        st.set_text(ws.cell(r, 1), label)
        st.set_text(ws.cell(r, 2), row.what)
        refs = []
        for i, arg in enumerate(row.args):
            cell = ws.cell(r, FIRST_ARG + i)
            st.set_value(cell, arg, st.INPUT, None if isinstance(arg, str) else _arg_format(arg))
            refs.append(cell.coordinate)
        call = f"{row.function}({','.join(refs)})"
        if row.scale != 1:
            st.set_value(ws.cell(r, SCALE), row.scale, st.INPUT, _arg_format(row.scale))
            call = f"{get_column_letter(SCALE)}{r}*{call}"
        st.set_text(ws.cell(r, PRINTS), row.report, translate=False)  # the report's own print, as printed
        report = row.report_value or None
        _compare(
            ws, ctx, r, f"={call}", report if report is not None else seed.value(row), report, row.note, label, row.what
        )
        r += 1

    r += 1
    st.set_text(ws.cell(r, 1), "Published runs the Training sheet reproduces", st.SECTION)
    r += 1
    for label, report, key, note in _published(ctx):
        st.set_text(ws.cell(r, 2), label)
        st.set_text(ws.cell(r, PRINTS), f"{report:,.0f}")
        _compare(ws, ctx, r, f"={ctx.ref(TRAINING, key)}", report, report, note, "published", label)
        r += 1

    r += 1
    for i, text in enumerate(WRONG):
        for line in textwrap.wrap(text, 180):  # the print width; longer lines would be cut off
            st.set_text(ws.cell(r, 1), line, st.SECTION if i == 0 else st.NOTE)
            r += 1

    widths(ws, 14, 44, *([11] * ARG_COLS), 11, 14, 14, 14, 13, 11, 90)
    finish(ws, f"A1:{get_column_letter(PCT_DIFF)}{r - 1}", freeze=f"C{HEADER_ROW + 1}", header_row=HEADER_ROW)


def _arg_format(x: float) -> str:
    return "0.000E+00" if abs(x) >= 1e7 else "General"


def _format(x) -> str:
    """Enough digits to compare with what the report prints."""
    if not isinstance(x, (int, float)) or abs(x) >= 1e7:
        return st.SCI if isinstance(x, (int, float)) else "#,##0.###"
    return "#,##0" if abs(x) >= 1000 else "#,##0.###"


def _compare(ws, ctx: Ctx, r: int, formula: str, magnitude, report, note: str, scenario: str, what: str) -> None:
    """One compared row; `magnitude` (the report's figure, else the seed module's) picks the format."""
    fmt = _format(magnitude)
    if report is not None:
        st.set_value(ws.cell(r, REPORT), report, st.INPUT, fmt)
    st.set_formula(ws.cell(r, WORKBOOK), formula, st.CHECK, fmt)
    rep, wb = f"{get_column_letter(REPORT)}{r}", f"{get_column_letter(WORKBOOK)}{r}"
    diff = f"{get_column_letter(DIFF)}{r}"
    if report is not None:  # corrections have no report figure to compare with
        st.set_formula(ws.cell(r, DIFF), f"={wb}-{rep}", st.CALC, "#,##0.###" if fmt == st.SCI else fmt)
        st.set_formula(ws.cell(r, PCT_DIFF), f"={diff}/{rep}", st.CALC, "0.00%")
    if note:
        st.set_text(ws.cell(r, NOTE), note, st.NOTE)
    key = f"check{r}"
    ctx.cells[(ws.title, key)] = f"${get_column_letter(WORKBOOK)}${r}"
    ctx.cells[(ws.title, f"diff{r}")] = f"${get_column_letter(DIFF)}${r}"
    ctx.cells[(ws.title, f"pct{r}")] = f"${get_column_letter(PCT_DIFF)}${r}"
    label = what if scenario == "published" else f"(report: {ws.cell(r, PRINTS).value})"
    ctx.output(ws.title, key, label, "", f"row {scenario}" if scenario != "published" else "published", show=False)
    if report is not None:
        ctx.output(ws.title, f"diff{r}", "difference", "", scenario, show=False)
        ctx.output(ws.title, f"pct{r}", "difference %", "", scenario, show=False)
