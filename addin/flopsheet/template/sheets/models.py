"""Models: the model catalog (flopsheet.models) as an Excel table the scenario sheets look up by name.

Laid out like the GPUs sheet: row 5 holds the machine key of each column (the catalog's field
names, `models.FIELDS`), row 6 the header with its unit, one row per model below. Inference's
INDEX/MATCH finds a figure by model name down column A (whole columns, so a model typed below
the table is found too). The hand-off copy finds the same table by its key row
(handoff/modelsheet.find_table). No formulas: the sheet is left unprotected so the table can grow.

An empty figure says why in "Empty because" (not published / unconfirmed, from the row's own
lists); figures empty by construction (MoE fields of a dense model, MLA latent sizes of a GQA
model, windows of a model without them) are left blank without comment.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import models
from flopsheet.handoff import modelsheet
from flopsheet.template import i18n
from flopsheet.template import styles as st
from flopsheet.template.layout import MODEL_LIST, Ctx, finish, quoted, widths

KEY_ROW = 5
HEADER_ROW = 6
FIRST_ROW = 7
SPARE_ROWS = 40  # the model dropdown's range reaches this far below the catalog, for added rows

_FORMAT = {
    "parameters": st.PARAMS,
    "count": st.WHOLE,
    "tokens": st.WHOLE,
    "FLOPs": st.FLOPS,
    "accelerator-hours": st.WHOLE,
    "fraction": st.PCT,
    "year": "0",
}
_UNIT_SHOWN = {"count": "", "year": "", "fraction": "0-1"}
_LABEL = {
    "total_params": "Total",
    "active_params": "Active per token",
    "d_model": "d_model (width)",
    "kv_heads": "KV heads",
    "head_dim": "Head dimension",
    "kv_lora_rank": "MLA latent (kv_lora_rank)",
    "qk_rope_head_dim": "MLA RoPE key (qk_rope_head_dim)",
    "moe_layers": "MoE layers",
    "mfu": "Training MFU",
    "gpu_hours": "Training GPU-hours",
    "training_flops": "Training compute",
    "training_chips": "Training chips",
    "vocab": "Vocabulary",
}
# Long text last, after the reason column, so the figures print on one page width.
_TAIL = ("confidence", "source", "full_name", "notes")
_WIDTH = {
    "family": 12,
    "developer": 14,
    "attention": 9,
    "training_hardware": 12,
    "confidence": 30,
    "source": 60,
    "full_name": 28,
    "notes": 60,
}


def _header(key: str) -> str:
    if key == "name":
        return "Model"
    if key == "missing":
        return "Empty because"
    label = _LABEL.get(key, key.replace("_", " ").capitalize())
    spec = models.FIELDS[key]
    unit = _UNIT_SHOWN.get(spec.unit, spec.unit)
    return f"{label} ({unit})" if unit and spec.numeric else label


def columns() -> tuple[str, ...]:
    """Machine keys in sheet order: name, the figures, the reason column, long text."""
    figures = [f for f in models.FIELDS if f not in _TAIL]
    return ("name", *figures, "missing", *_TAIL)


def _missing(model: models.Model) -> str:
    """Fields left empty on purpose (not published / unconfirmed), grouped by their reason."""
    by_reason: dict[str, list[str]] = {}
    for f in (*model.not_published, *model.unconfirmed):
        by_reason.setdefault(models.missing_reason(model, f), []).append(f)
    return "; ".join(f"{reason}: {', '.join(fields)}" for reason, fields in by_reason.items())


def _value(model: models.Model, key: str):
    if key == "missing":
        return _missing(model)
    value = getattr(model, key)
    return None if value == "" else value


def write(ws: Worksheet, ctx: Ctx) -> None:
    rows = models.all_models()
    keys = columns()
    last_row = FIRST_ROW + len(rows) - 1
    st.set_text(ws.cell(1, 1), "Models: architectures and published training runs", st.TITLE)
    notes = (
        "Parameters are raw counts shown in billions; active = per token (a mixture of experts reads all of its "
        "total parameters from memory but computes with the active ones). An empty figure is unpublished or "
        "unconfirmed ('Empty because'), or does not apply to the architecture.",
        i18n.pick(
            "Edit any figure, or add a model in the first empty row below the table: Inference looks figures up "
            'here by name (grey keys in row 5). Functions given a model name (e.g. DECODE_MS("DeepSeek-V3",...)) '
            "read the add-in's built-in catalog; type numbers instead to use your own.",
            "Edit any figure, or add a model in the first empty row below the table: the Inference formulas "
            "that name a model look its figures up in this table's rows by name (grey keys in row 5), so an "
            "edit here changes every result on recalculation.",
        ),
    )
    for r, text in enumerate(notes, start=2):
        st.set_text(ws.cell(r, 1), text, st.NOTE)
    for c, key in enumerate(keys, start=1):
        letter = get_column_letter(c)
        ctx.model_cols[key] = letter
        spec = models.FIELDS.get(key)
        fmt = (st.SCI if key == "training_tokens" else _FORMAT.get(spec.unit)) if spec and spec.numeric else None
        st.set_text(ws.cell(KEY_ROW, c), key, st.KEY, translate=False)  # formulas and the hand-off match these
        st.set_text(ws.cell(HEADER_ROW, c), _header(key), st.HEADER)
        width = _WIDTH.get(key, 18 if key == "name" else 44 if key == "missing" else 11)
        ws.column_dimensions[letter].width = width
        for r, model in enumerate(rows, start=FIRST_ROW):
            st.set_value(ws.cell(r, c), _value(model, key), st.DATA, fmt)
    ws.row_dimensions[HEADER_ROW].height = 62
    last_col = get_column_letter(len(keys))

    table = Table(displayName="ModelCatalog", ref=f"A{HEADER_ROW}:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)
    ctx.names[MODEL_LIST] = f"{quoted(ws.title)}$A${FIRST_ROW}:$A${last_row + SPARE_ROWS}"

    # Hidden, right of the table: every spelling a name can take (aliases, no spaces or hyphens)
    # -> its row's name, so the hand-off copy's twins resolve "deepseek v3" as the add-in does.
    key_col = len(keys) + 2
    for c, key in ((key_col, modelsheet.KEY), (key_col + 1, modelsheet.KEY_NAME)):
        st.set_text(ws.cell(KEY_ROW, c), key, st.KEY, translate=False)
        ws.column_dimensions[get_column_letter(c)].hidden = True
    for r, (spelling, name) in enumerate(modelsheet.key_rows(), start=FIRST_ROW):
        st.set_text(ws.cell(r, key_col), spelling, st.KEY, translate=False)
        st.set_text(ws.cell(r, key_col + 1), name, st.KEY, translate=False)

    widths(ws, 18)
    print_col = get_column_letter(keys.index("missing") + 1)
    finish(ws, f"A1:{print_col}{last_row}", protect=False, freeze=f"B{FIRST_ROW}", header_row=HEADER_ROW)
