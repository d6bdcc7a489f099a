"""Start: what the workbook is, whether the functions are live, how to switch them on,
the global assumptions (defined names), the style legend, the sheets and the function list."""

from __future__ import annotations

import textwrap

from openpyxl.worksheet.worksheet import Worksheet

import flopsheet
from flopsheet import catalog
from flopsheet.assumptions import assumptions
from flopsheet.template import i18n
from flopsheet.template import styles as st
from flopsheet.template.base import CONF_SHEET
from flopsheet.template.layout import (
    ECONOMICS,
    GPUS,
    INFERENCE,
    MODELS,
    MULTIMODAL,
    NOTE_WIDTH,
    PRECISION_LIST,
    SEED_CHECK,
    SHEET_ORDER,
    SOURCES,
    START,
    TRAIN_MFU_BY_PRECISION,
    TRAIN_MFU_KEYS,
    TRAINING,
    Block,
    Ctx,
    finish,
    quoted,
    validate_list,
    widths,
)

ABOUT = (
    "Estimates of what large AI models cost in compute: training FLOPs, GPU-days, GPUs for a deadline, "
    "dollars and energy; inference latency, memory and serving fleets; image, video and text tokens.",
    "Every result is a formula calling a flopsheet function (an xlwings add-in written in Python), so "
    "you can read, audit and change each step. Yellow cells are inputs; white cells are locked formulas.",
)
ABOUT_COPY = (
    ABOUT[0],
    "This is the hand-off copy: every result is a native Excel formula (no add-in, no macros, no Python), so it "
    "opens and recalculates in Excel on any platform, LibreOffice, Gnumeric and Google Sheets. Yellow cells are "
    "inputs; white cells are locked formulas you can read step by step.",
)

# The copy's "how to use" steps: what to edit, what recalculates, where each figure comes from.
COPY_STEPS = (
    "1. Change an assumption below (yellow): every formula that names it (DefaultMFU, PUE, BwEfficiency...) "
    "recalculates.",
    "2. GPUs sheet: edit a datasheet figure or price (every sheet looks figures up there by GPU name), or add a "
    "GPU in the first empty row below the table: Training, Inference and Economics find it by its name.",
    "3. Training sheet: type a new scenario in the next empty yellow row; its formulas, checks and the chart "
    "are already in place. Blank MFU, precision or price mean the defaults named on this sheet.",
    "4. Each result's formula is short native arithmetic on labelled cells: Training's helper columns show the "
    "GPU row, peak, TDP, MFU and price used, and the Workings sheet holds every other quantity a formula uses "
    "(a GPU's row, the peak and memory used, a decode step's time...), one labelled cell each. The Sources "
    "sheet gives the paper or datasheet behind each figure.",
    "5. Printing: every sheet prints on A4, fitted to the page width, its table's header on each page. The Workings "
    "sheet prints only its heading; to print its every quantity, clear its print area (Page Layout > Print Area > "
    "Clear Print Area).",
    "The workbook was written by flopsheet; its Python add-in version (flopsheet.xlsm) computes the same "
    "figures with functions such as GPU_DAYS, listed below for reference.",
)

STEPS = (
    "1. Install Python 3.10 or later, then in a terminal, in a copy of the flopsheet repository: pip install .  "
    "(brings xlwings and its Excel DLL).",
    "2. Open this workbook in Excel for Windows and click Enable Content. If Excel blocks macros from the "
    "internet: right-click the file > Properties > Unblock, then reopen.",
    "3. Once: File > Options > Trust Center > Trust Center Settings > Macro Settings > tick 'Trust access to "
    "the VBA project object model'.",
    "4. Press Alt+F8 and run ImportPythonUDFs (or, with the xlwings add-in installed: xlwings tab > Import Functions).",
    "5. Press Ctrl+Alt+F9 to recalculate: the status cell shows the version. Save (keep the .xlsm format).",
    "The xlwings.conf sheet tells xlwings to load flopsheet.udfs; leave it in place. This add-in needs Excel for "
    "Windows: elsewhere the cells show #NAME? (on macOS and Excel on the web, xlwings Lite gives the same "
    "functions: see above).",
    'Numbers may also be typed as text magnitudes: "175B", "1.4T", "2.53万", "3.5亿", "46.2%". '
    "Without an add-in (LibreOffice, Google Sheets) open flopsheet.xlsx, the hand-off copy.",
)

# Which file for which Excel (both editions): the Windows add-in, xlwings Lite, the hand-off copy.
WHERE = (
    "Excel for Windows with Python installed: flopsheet.xlsm, the template with the Windows add-in (xlwings); "
    "its Start sheet says how to switch the functions on.",
    "Excel on macOS, Excel on the web, or Windows without Python: xlwings Lite, the free xlwings add-in from "
    "Excel's add-in store (Home > Add-ins > xlwings). Paste flopsheet's main.py and requirements.txt (written "
    "by flopsheet lite; workbook/lite/ in the repository) into its editor and restart it: the same functions "
    "(=GPU_DAYS(...)) then work in your workbooks.",
    "No add-in at all (finance, LibreOffice, Google Sheets): flopsheet.xlsx, the hand-off copy: the same "
    "figures as native Excel formulas.",
)

# What each sheet holds, in the template's sheet order (SHEET_ORDER; the README's sheet lists are generated
# from this, tools/docs.py, sheet_list).
SHEETS = (
    (START, "What the workbook is, the global assumptions, the cell styles, the sheets and the functions."),
    (GPUS, "Accelerator catalog: dense peaks per precision, memory, bandwidth, TDP, price assumption, sources."),
    (MODELS, "Model catalog: total and active parameters, layers, heads, experts, attention and cache, training runs."),
    (TRAINING, "Training scenarios: compute, GPU-hours and days, wall-clock days, GPUs for a deadline, cost, energy."),
    (
        INFERENCE,
        "One request (seed method vs roofline), memory to fit, a serving fleet (one decode step vs the latency users see under load), DeepSeek-V3 (MoE) on 8 H200s, Kimi K2 with a 2-million-character context.",
    ),
    (ECONOMICS, "Money: buying, powering, training and serving, in USD with low-high ranges; dated prices."),
    (MULTIMODAL, "Image and video tokens; the seed's all-images-of-2022 training estimate."),
    (SEED_CHECK, "Every worked figure of the seed report beside the workbook's value, and where the report is wrong."),
    (SOURCES, "Papers, datasheets and assumptions behind every figure, with links."),
)
# The hand-off adds this sheet to the copy (flopsheet.handoff.workings); the copy's Start lists it.
COPY_SHEETS = (
    (
        "Workings",
        "Every quantity the formulas use (a GPU's row, the peak and MFU used, a decode step's time...), "
        "one labelled cell each: a list, and helper columns working tables out row by row.",
    ),
)


# The .xlsm's last sheet, in the row where the copy lists Workings (both editions keep every cell in place).
ADDIN_SHEETS = (
    (
        CONF_SHEET,
        "Tells xlwings to load the functions (flopsheet.udfs); leave it in place. The hand-off copy has no such sheet.",
    ),
)


# The copy's words in that section's rows: it asks its reader for nothing (no add-in, nothing to set up).
WHERE_COPY = (
    "This file (the hand-off copy): open it anywhere, Excel on any platform, LibreOffice, Gnumeric or Google Sheets; "
    "its formulas are native and recalculate there.",
    "flopsheet.xlsm, the template, computes the same figures with flopsheet's functions (=GPU_DAYS(...)) for "
    "whoever maintains the model; this copy does not need it.",
)


def sheet_list(copy: bool) -> tuple[tuple[str, str], ...]:
    """(sheet, what it holds) for every sheet after Start, in the workbook's order, then xlwings.conf (the .xlsm)
    or Workings (the copy)."""
    described = dict(SHEETS)
    return tuple((name, described[name]) for name in SHEET_ORDER[1:]) + (COPY_SHEETS if copy else ADDIN_SHEETS)


def _rows(lines) -> int:
    """The rows Block.note gives these notes (every edition wraps as the English text does)."""
    return sum(max(len(textwrap.wrap(line, NOTE_WIDTH)), 1) for line in lines)


def _notes(b: Block, lines, *editions) -> None:
    """The notes, then blank rows up to the longest of the editions' blocks."""
    top = b.row
    for line in lines:
        b.note(line)
    end = top + max(_rows(e) for e in editions)
    for r in range(b.row, end):  # styled as notes: the other edition's lines go here (handoff.copytext)
        b.ws.cell(r, b.col).style = st.NOTE
    b.row = end


def _signature(fn) -> str:
    parts = [a.name if not a.optional else f"[{a.name}]" for a in fn.args]
    return f"{fn.name}({', '.join(parts)})"


def write(ws: Worksheet, ctx: Ctx) -> None:
    b = Block(ws, ctx)
    b.title("flopsheet: what large AI models cost in compute")
    copy = i18n.audience() == "copy"
    # Both editions place every cell at the same row (the .xlsm's hand-off gives its cells the copy's wording,
    # flopsheet.handoff.copytext, and the assumptions' defined names must not move): each block of notes takes
    # the rows of the longer edition's.
    _notes(b, ABOUT_COPY if copy else ABOUT, ABOUT, ABOUT_COPY)

    b.section(i18n.pick("Which file to use where", "Which file to use where (this one needs nothing)"))
    _notes(b, WHERE_COPY if copy else WHERE, WHERE, WHERE_COPY)

    if copy:
        b.section("What this copy is")
        b._row("Formulas", "", "They recalculate in Excel on any platform, LibreOffice, Gnumeric and Google Sheets.")
        st.set_text(ws.cell(b.row, b.col + 1), "native Excel: no add-in, no macros", st.CALC)
        b.row += 1
        b.section("How to use this copy (no add-in needed)")
    else:
        b.section("Are the functions live?")
        b.calc(
            "version",
            "Add-in status",
            "=FLOPSHEET_VERSION()",
            "",
            note="Shows the add-in version (e.g. 0.1.0) when the functions work. #NAME? means they are not "
            "loaded yet: follow the steps below.",
        )
        ctx.output(ws.title, "version", "add-in version", "", "Add-in status", show=False)
        b.section("Switch the functions on (Excel for Windows, once)")
    _notes(b, COPY_STEPS if copy else STEPS, STEPS, COPY_STEPS)

    b.section("Global assumptions (defined names used by the formulas)")
    b.header("Name", "Value", "Unit", "Meaning and source")
    for a in assumptions():
        note_row = b.row
        coord = b.input(a.name, a.name, a.value, a.unit, a.fmt)
        st.set_text(ws.cell(note_row, 4), f"{i18n.tr(a.label)}. {i18n.tr(a.source)}.", st.NOTE, translate=False)
        ctx.names[a.name] = f"{quoted(ws.title)}{coord}"
        if isinstance(a.value, str):  # DefaultPrecision: one of the GPUs sheet's precision keys
            validate_list(ws, PRECISION_LIST, coord.replace("$", ""), "Pick a precision")

    # A blank training MFU by precision (engine.training_mfu): the Training sheet looks its precision up here,
    # so its formulas name the assumptions, never a typed "fp8".
    b.section("A blank training MFU, by precision (the Training sheet's MFU used)")
    b.header("Precision", "MFU when blank", "", "The assumption it reads")
    first = b.row
    for p in catalog.PRECISIONS:  # column A holds the GPUs sheet's precision keys, the same in every edition
        name = next(a.name for a in assumptions() if p in a.precisions)
        b.calc(f"train_mfu_{p}", p, f"={name}", "fraction", st.PCT, note=name)
        ctx.output(ws.title, f"train_mfu_{p}", f"training MFU when blank at {p}", "fraction", show=False)
    ctx.names[TRAIN_MFU_KEYS] = f"{quoted(ws.title)}$A${first}:$A${b.row - 1}"
    ctx.names[TRAIN_MFU_BY_PRECISION] = f"{quoted(ws.title)}$B${first}:$B${b.row - 1}"

    # TRAIN_MFU's terms (engine.training.train_mfu): the hand-off's twins read these names; here each is shown
    # at work, so a user sees what an edit of one moves.
    b.section("TRAIN_MFU: a training step's efficiency (its terms at work)")
    b.header("Term", "Value", "Unit", "How TRAIN_MFU uses it")
    for p, name in (("bf16", "TrainStepShare"), ("fp8", "TrainStepFP8Share"), ("fp4", "TrainStepFP4Share")):
        b.calc(f"train_step_share_{p}", p, f"={name}", "fraction", st.PCT, note=name)
        ctx.output(ws.title, f"train_step_share_{p}", f"TRAIN_MFU share when blank at {p}", "fraction", show=False)
    b.calc(
        "train_a2a_s",
        "All-to-all time per token per routed expert, MoE layer and unit of width",
        "=TrainA2ABytes/ScaleOutGBs",
        "ns",
        st.TWO_DP,
        note="TrainA2ABytes / ScaleOutGBs: a mixture of experts' exposed all-to-all",
    )
    ctx.output(ws.title, "train_a2a_s", "TRAIN_MFU all-to-all time per unit", "ns", show=False)
    per_gpu = b.input(
        "train_tokens_per_gpu_step",
        "Tokens per GPU per step, for the line below (16M-token batches on 16,384 GPUs: 1,024)",
        1024.0,
        "tokens",
        st.WHOLE,
    )
    b.calc(
        "train_step_left",
        "Share of the step's efficiency left after its fixed costs, at those tokens per GPU",
        f"=1/(1+TrainStepOverheadTokens/{per_gpu})",
        "fraction",
        st.PCT,
        note="1 / (1 + TrainStepOverheadTokens x gpus / batch_tokens)",
    )
    ctx.output(ws.title, "train_step_left", "TRAIN_MFU share left after per-step costs", "fraction", show=False)
    b.calc(
        "train_step_fixed",
        "Fixed time of every step, added to its work at the tokens per GPU",
        "=TrainStepFixedS",
        "s",
        st.THREE_DP,
        note="TrainStepFixedS / (seconds per token x tokens per GPU), beside the line above",
    )
    ctx.output(ws.title, "train_step_fixed", "TRAIN_MFU fixed time per step", "s", show=False)

    b.section("Cell styles")
    for style, sample, meaning in st.LEGEND:
        st.set_text(ws.cell(b.row, 1), sample, style)
        st.set_text(ws.cell(b.row, 2), meaning)
        b.row += 1

    b.section("Sheets")
    for name, what in sheet_list(copy):
        st.set_text(ws.cell(b.row, 1), name, translate=False)  # the sheet's name, as on its tab
        st.set_text(ws.cell(b.row, 2), what)
        b.row += 1

    from flopsheet.functions import REGISTRY

    b.section(
        i18n.tr("Functions ({count}, from flopsheet {version})").format(
            count=len(REGISTRY), version=flopsheet.__version__
        ),
        translate=False,
    )
    b.header("Function", "Returns", "", "What it does; arguments ([optional])")
    for fn in REGISTRY.values():
        st.set_text(ws.cell(b.row, 1), fn.name, translate=False)
        st.set_text(ws.cell(b.row, 2), fn.returns)
        st.set_text(ws.cell(b.row, 4), fn.summary)
        st.set_text(ws.cell(b.row + 1, 4), _signature(fn), st.NOTE, translate=False)
        b.row += 2

    widths(ws, 26, 16, 10, 110)
    finish(ws, f"A1:D{b.row - 1}", landscape=False, freeze=None)
