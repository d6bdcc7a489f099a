"""Assemble the template workbook and write it safely.

``build_workbook()`` returns the openpyxl workbook and the Python engine's value of every
function cell; ``build_template(path)`` saves it through ``flopsheet.safefile.atomic_output``
(never over an existing file without ``force``; a crash leaves nothing half-written).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from openpyxl.workbook import Workbook
from openpyxl.workbook.defined_name import DefinedName

from flopsheet import editions
from flopsheet.errors import FlopsheetError
from flopsheet.template import i18n, marker, styles
from flopsheet.template import scenarios as sc
from flopsheet.template.base import CONF_SHEET, load_base_workbook
from flopsheet.template.layout import (
    ECONOMICS,
    GPUS,
    INFERENCE,
    MODELS,
    MULTIMODAL,
    SEED_CHECK,
    SHEET_ORDER,
    SOURCES,
    START,
    TRAINING,
    Ctx,
)
from flopsheet.template.sheets import (
    economics,
    gpus,
    inference,
    models,
    multimodal,
    seedcheck,
    sources,
    start,
    training,
)
from flopsheet.template.summary import Summary, evaluate_outputs

DEFAULT_OUTPUT = "flopsheet.xlsm"
# The quickstart's first sheet: its code name "Sheet1" is a document module of the VBA project,
# so it is renamed and reused rather than deleted.
_QUICKSTART_FIRST_SHEET = "Sheet1"


def build_workbook(
    training_scenarios=sc.TRAINING, blank_rows: int = sc.BLANK_TRAINING_ROWS, lang: str = "en", audience: str = "addin"
) -> tuple[Workbook, Ctx]:
    """The template in memory, and the build context (its ``outputs`` are the engine's values).

    `lang` ("en", "zh-CN") and `audience` ("addin": the .xlsm; "copy": the text of its hand-off
    copy) change words and number formats only (flopsheet.template.i18n)."""
    with i18n.edition(lang, audience):
        return _build(training_scenarios, blank_rows)


def _build(training_scenarios, blank_rows) -> tuple[Workbook, Ctx]:
    wb = load_base_workbook()
    styles.register(wb)
    ctx = Ctx()

    first = wb[_QUICKSTART_FIRST_SHEET] if _QUICKSTART_FIRST_SHEET in wb.sheetnames else wb.create_sheet()
    first.title = START
    sheets = {START: first}
    for name in SHEET_ORDER[1:]:
        sheets[name] = wb.create_sheet(name)
    # Sheet order: ours first, xlwings.conf last (it must stay, but is for xlwings, not people).
    others = [ws for ws in wb._sheets if ws.title not in sheets]
    wb._sheets = [sheets[name] for name in SHEET_ORDER] + others

    # Build order follows the references: assumptions and the GPU and model tables first; Training reads
    # the Multimodal dataset; Seed check reads Training.
    start.write(sheets[START], ctx)
    gpus.write(sheets[GPUS], ctx)
    models.write(sheets[MODELS], ctx)
    multimodal.write(sheets[MULTIMODAL], ctx)
    training.write(sheets[TRAINING], ctx, training_scenarios, blank_rows)
    inference.write(sheets[INFERENCE], ctx)
    economics.write(sheets[ECONOMICS], ctx)  # reads Training and Inference
    seedcheck.write(sheets[SEED_CHECK], ctx)
    sources.write(sheets[SOURCES], ctx)

    for name, ref in ctx.names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)

    ctx.outputs = evaluate_outputs(wb, ctx.outputs)

    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == START
    wb.active = 0
    if CONF_SHEET in wb.sheetnames:
        conf = wb[CONF_SHEET]
        conf.sheet_properties.tabColor = "808080"
        conf.page_setup.orientation, conf.page_setup.paperSize = "landscape", conf.PAPERSIZE_A4
        conf.page_setup.fitToWidth, conf.page_setup.fitToHeight = 1, 1  # its dozen rows: one page
        conf.sheet_properties.pageSetUpPr.fitToPage = True
    marker.mark(wb, i18n.lang(), i18n.audience())
    return wb, ctx


def _verdict(ctx: Ctx) -> list[str]:
    """One line on the seed check: how close the workbook comes to every printed figure."""
    pct = [
        o.value
        for o in ctx.outputs
        if o.sheet == SEED_CHECK and o.label == "difference %" and isinstance(o.value, float)
    ]
    if not pct:
        return []
    worst = max(abs(p) for p in pct)
    return [
        f"{SEED_CHECK}: {len(pct)} published figures recomputed; largest gap {worst:.2%} "
        f"(the report rounds); sparse-vs-dense H100 and the decode roofline shown beside them."
    ]


def default_output(lang: str = "en") -> str:
    """flopsheet.xlsm, or flopsheet-zh-CN.xlsm for the Chinese edition."""
    return DEFAULT_OUTPUT if lang == "en" else f"flopsheet-{lang}.xlsm"


def copy_path(xlsm: str | os.PathLike) -> Path:
    """The hand-off copy written beside a template: flopsheet.xlsm -> flopsheet.xlsx."""
    return Path(xlsm).with_suffix(".xlsx")


def build_template(
    path: str | os.PathLike = DEFAULT_OUTPUT, force: bool = False, training_scenarios=sc.TRAINING, lang: str = "en"
) -> Summary:
    """Write the template to `path` (refusing to overwrite without `force`); return its summary."""
    from flopsheet.safefile import atomic_output

    started = time.perf_counter()
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise FlopsheetError(
            f"output must end in .xlsm (the workbook carries xlwings' macros); got {path.name}", "output"
        )
    with atomic_output(path, force=force) as tmp:  # refuses an existing file before any work
        wb, ctx = build_workbook(training_scenarios, lang=lang)
        wb.save(tmp)
    outputs = sorted(ctx.outputs, key=lambda o: SHEET_ORDER.index(o.sheet))  # stable: rows keep their order
    return Summary(path, outputs, time.perf_counter() - started, _verdict(ctx))


def write_copy(
    dst: str | os.PathLike, force: bool = False, recalc: bool = False, lang: str = "en", training_scenarios=sc.TRAINING
):
    """The template's hand-off copy: the same cells and formulas with the copy's wording (Start,
    subtitles and notes written for a workbook without the add-in), handed off by
    flopsheet.handoff.copy.handoff (native formulas; cached values when `recalc`). Returns its Report."""
    import tempfile

    from flopsheet.handoff.copy import handoff

    with tempfile.TemporaryDirectory(prefix="flopsheet-copy-") as d:
        src = Path(d) / "flopsheet-copy.xlsm"
        wb, _ = build_workbook(training_scenarios, lang=lang, audience="copy")
        wb.save(src)
        return handoff(src, dst, force=force, recalc=recalc, translate=editions.workings_translation(lang))


def edition_wording(lang: str) -> dict:
    """{sheet: [[row, column, the .xlsm's value, the copy's value], ...]}: the cells where the
    template's two editions in `lang` differ (flopsheet.editions.wording, as tools.regenerate
    writes it), in sheet and cell order."""

    def cells(audience):
        wb, _ = build_workbook(lang=lang, audience=audience)
        return {
            ws.title: {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets
        }

    addin, copy = cells("addin"), cells("copy")
    out = {}
    for sheet in addin:
        a, k = addin[sheet], copy.get(sheet, {})
        differ = sorted(rc for rc in set(a) | set(k) if a.get(rc) != k.get(rc))
        if differ:
            out[sheet] = [[r, c, a.get((r, c)), k.get((r, c))] for r, c in differ]
    return out


def formula_stats(path: str | os.PathLike) -> tuple[int, float, int, str]:
    """(count, median length, longest length, where) of the formulas in a workbook we wrote."""
    import statistics

    import openpyxl

    wb = openpyxl.load_workbook(path)
    lengths = sorted(
        (len(c.value), f"{ws.title}!{c.coordinate}")
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    )
    if not lengths:
        return 0, 0.0, 0, ""
    return len(lengths), statistics.median(n for n, _ in lengths), lengths[-1][0], lengths[-1][1]


__all__ = [
    "DEFAULT_OUTPUT",
    "build_template",
    "build_workbook",
    "copy_path",
    "default_output",
    "formula_stats",
    "write_copy",
]
