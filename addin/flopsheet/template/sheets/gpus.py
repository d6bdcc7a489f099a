"""GPUs: the accelerator catalog as an Excel table that the scenario sheets look up by name.

Row 5 holds the machine key of each column (the precision names the dropdowns offer, then
catalog field names); the $/GPU-hour column is not datasheet data but formulas showing the
Economics sheet's dated, sourced price table (one place to edit a price). Training's INDEX/MATCH finds a peak by GPU name down column A and by
precision along row 5. Lookups use whole columns, so a GPU typed below the table (Excel grows
the table) is found too. The sheet is left unprotected for that reason (Excel cannot grow a table on a protected sheet).
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import catalog
from flopsheet.template import i18n
from flopsheet.template import styles as st
from flopsheet.template.layout import GPU_LIST, PRECISION_LIST, Ctx, finish, quoted, widths

KEY_ROW = 5
HEADER_ROW = 6
FIRST_ROW = 7
SPARE_ROWS = 40  # the GPU dropdown's range reaches this far below the catalog, for added rows

_PEAK_UNIT = {p: ("dense TOPS" if p == "int8" else "dense TFLOPS") for p in catalog.PRECISIONS}

# (key, header, width, number format, style)
COLUMNS = (
    ("name", "GPU", 18, None, st.DATA),
    ("vendor", "Vendor", 10, None, st.DATA),
    ("year", "Year", 7, "0", st.DATA),
    *((p, f"{p.upper()} ({_PEAK_UNIT[p]})", 11, st.ONE_DP, st.DATA) for p in catalog.PRECISIONS),
    ("memory_gb", "Memory (GB)", 10, st.WHOLE, st.DATA),
    ("bandwidth_tbs", "Bandwidth (TB/s)", 11, st.THREE_DP, st.DATA),
    ("tdp_w", "TDP (W)", 9, st.WHOLE, st.DATA),
    # IT power per accelerator of its server or rack (system maximum / its GPUs); energy and fleet power use it
    ("server_w", "Server power (W per GPU, IT)", 10, st.WHOLE, st.DATA),
    ("sparsity_factor", "Sparsity factor (headline / dense)", 12, "0.0#", st.DATA),
    ("interconnect_gbs", "Interconnect (GB/s)", 12, st.WHOLE, st.DATA),
    # Prices are not datasheet figures: this column shows the Economics sheet's price table (formulas
    # written by sheets/economics.py), where each price has its date and source; edit prices there.
    ("usd_per_gpu_hour", "$/GPU-hour: price, from the Economics price table", 14, st.USD_RATE, st.CALC),
    ("price_source", "Price source", 30, None, st.DATA),
    ("server_source", "Server power source (ESTIMATE: how it was made)", 40, None, st.DATA),
    ("missing", "Empty because", 44, None, st.DATA),
    ("confidence", "Confidence", 20, None, st.DATA),
    ("source", "Datasheet (source)", 50, None, st.DATA),
    ("notes", "Notes", 60, None, st.DATA),
)
PRINT_LAST_KEY = "missing"


def notes() -> tuple[str, ...]:
    """The sheet's notes for this edition's audience (the add-in reads memory, bandwidth and TDP from
    its own catalog by name; the copy and the Training sheet read them here)."""
    return NOTES[:2] + (i18n.pick(NOTES[2], COPY_NOTE),)


COPY_NOTE = (
    "Every figure the workbook uses comes from this sheet: peaks, memory, bandwidth, TDP and prices are "
    "looked up by GPU name, so an edit here changes every result on recalculation, and a GPU added below "
    "the table is found by every sheet. Prices are not datasheet figures: the $/GPU-hour column shows the "
    "Economics sheet's price table (date and source per row); edit prices there."
)
NOTES = (
    "Peaks are DENSE (no 2:4 sparsity): a vendor's headline figure = dense x sparsity factor. An empty cell is a "
    "format the chip lacks, or a figure that is unconfirmed or not published (see 'Empty because').",
    "Edit any figure, or add a GPU in the first empty row below the table: Training and Multimodal look up peaks "
    "and prices here by name (grey keys in row 5), so your edits flow through on recalculation.",
    "Training reads peaks, prices and TDP here. On the Inference sheet, functions that need memory or bandwidth "
    "read the add-in's built-in catalog by GPU name (edit those there: the hand-off copy reads this sheet). "
    "Prices are not datasheet figures: the $/GPU-hour column shows the Economics sheet's price table (date and "
    "source per row); edit prices there.",
)


def _missing(gpu: catalog.GPU) -> str:
    """Fields the catalog leaves empty on purpose, with the reason (not 'format unsupported')."""
    by_reason: dict[str, list[str]] = {}
    for field in gpu.unconfirmed:
        by_reason.setdefault(catalog.missing_reason(gpu, field), []).append(field)
    return "; ".join(f"{reason}: {', '.join(fields)}" for reason, fields in by_reason.items())


def _value(gpu: catalog.GPU, key: str):
    if key in catalog.PRECISION_FIELDS:
        return getattr(gpu, catalog.PRECISION_FIELDS[key])
    if key == "missing":
        return _missing(gpu)
    return getattr(gpu, key)


def write(ws: Worksheet, ctx: Ctx) -> None:
    gpus = catalog.all_gpus()
    last_row = FIRST_ROW + len(gpus) - 1
    st.set_text(ws.cell(1, 1), "GPUs: datasheet figures, dense peaks", st.TITLE)
    for r, text in enumerate(notes(), start=2):
        st.set_text(ws.cell(r, 1), text, st.NOTE)
    for c, (key, header, width, fmt, style) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(c)
        ctx.gpu_cols[key] = letter
        st.set_text(ws.cell(KEY_ROW, c), key, st.KEY, translate=False)  # formulas MATCH these keys
        st.set_text(ws.cell(HEADER_ROW, c), header, st.HEADER)
        ws.column_dimensions[letter].width = width
        for r, gpu in enumerate(gpus, start=FIRST_ROW):
            st.set_value(ws.cell(r, c), _value(gpu, key), style, fmt)
    ws.row_dimensions[HEADER_ROW].height = 62
    last_col = get_column_letter(len(COLUMNS))
    ctx.gpu_last_col = last_col

    table = Table(displayName="GPUCatalog", ref=f"A{HEADER_ROW}:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)

    g = quoted(ws.title)
    ctx.names[GPU_LIST] = f"{g}$A${FIRST_ROW}:$A${last_row + SPARE_ROWS}"
    first_p = ctx.gpu_cols[catalog.PRECISIONS[0]]
    last_p = ctx.gpu_cols[catalog.PRECISIONS[-1]]
    ctx.names[PRECISION_LIST] = f"{g}${first_p}${KEY_ROW}:${last_p}${KEY_ROW}"
    ctx.gpu_key_row = KEY_ROW

    widths(ws, COLUMNS[0][2])
    print_col = get_column_letter([k for k, *_ in COLUMNS].index(PRINT_LAST_KEY) + 1)
    # Excel cannot grow a table on a protected sheet: leave it unprotected.
    finish(ws, f"A1:{print_col}{last_row}", protect=False, freeze=f"B{FIRST_ROW}", header_row=HEADER_ROW)
