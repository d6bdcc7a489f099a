"""The proof a finance reader would ask for: the same scripted edits on the hand-off copy (recalculated
by LibreOffice and by Gnumeric) and on the add-in template (evaluated through the registry, as the
add-in computes) give the figures Python computes for the same inputs.

Edits (openpyxl on OUR generated files): a scenario typed in the first empty Training row with
precision and MFU left blank, a GPU added below the GPUs table and a second scenario using it, a price,
a server power and TrainMFU (a blank training MFU at BF16) changed. Also: the copy's formula statistics, printed."""

from __future__ import annotations

import statistics

import openpyxl
import pytest

from edited_copy import template_and_edited_copy
from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet import catalog
from flopsheet.functions import REGISTRY as F
from flopsheet.template.build import formula_stats
from flopsheet.template.formula_eval import Evaluator
from flopsheet.template.sheets import training as tr
from ooxml import assert_valid

NEW, ACME = 10, 11  # the first empty scenario rows (five shipped scenarios from row 5)
MFU, H100_PRICE, A100_SERVER_W = 0.5, 3.0, 500.0
ACME_PEAK, ACME_SERVER_W, ACME_PRICE = 1000.0, 800.0, 1.5


def _edit(wb) -> None:
    gpus, training = wb["GPUs"], wb["Training"]
    keys = {c.value: c.column_letter for c in gpus[5] if c.value}
    row = {c.value: c.row for c in gpus["A"] if c.value}
    gpus[f"{keys['usd_per_gpu_hour']}{row['H100 SXM']}"] = H100_PRICE
    gpus[f"{keys['server_w']}{row['A100 SXM 80GB']}"] = A100_SERVER_W
    new = max(row.values()) + 1
    for key, value in (
        ("name", "Acme X1"),
        ("bf16", ACME_PEAK),
        ("server_w", ACME_SERVER_W),
        ("usd_per_gpu_hour", ACME_PRICE),
        ("memory_gb", 96.0),
        ("bandwidth_tbs", 4.0),
    ):
        gpus[f"{keys[key]}{new}"] = value
    sheet, cell = wb.defined_names["TrainMFU"].attr_text.split("!")
    wb[sheet][cell.replace("$", "")] = MFU
    L = tr.LETTER
    for r, name, gpu in ((NEW, "Llama-style 70B on H100", "H100 SXM"), (ACME, "70B on Acme X1", "Acme X1")):
        for key, value in (
            ("name", name),
            ("params", 7e10),
            ("tokens", 1.4e12),
            ("gpu", gpu),
            ("gpus", 1024.0),
            ("deadline", 30.0),
        ):
            training[f"{L[key]}{r}"] = value


def _expected() -> dict[tuple[int, str], float]:
    """What Python computes for the edited inputs (registry functions on numbers; energy by its engine
    formula with the GPUs sheet's server power per GPU), independent of the workbook's formulas."""
    flops = 6 * 7e10 * 1.4e12
    h100 = catalog.resolve("H100 SXM")
    out = {}
    for r, peak, price, server_w in (
        (NEW, catalog.spec(h100, "bf16_tflops"), H100_PRICE, h100.server_w),
        (ACME, ACME_PEAK, ACME_PRICE, ACME_SERVER_W),
    ):
        hours = F["GPU_HOURS"](flops, peak, MFU)
        out |= {
            (r, "peak"): peak,
            (r, "mfu_used"): MFU,
            (r, "usd_used"): price,
            (r, "flops"): flops,
            (r, "gpu_days"): F["GPU_DAYS"](flops, peak, MFU),
            (r, "days"): F["TRAIN_DAYS"](flops, peak, 1024, MFU),
            (r, "needed"): F["GPUS_NEEDED"](flops, peak, 30, MFU),
            (r, "cost"): F["TRAIN_COST"](flops, peak, price, MFU),
            (r, "energy"): hours * server_w * 1.2 / 1e6,
        }
    gpt3_hours = F["GPU_HOURS"](6 * 175e9 * 300e9, 312.0, 0.462, None, 1.0)  # row 5: A100 fp16, its MFU, goodput 1
    out[(5, "energy")] = gpt3_hours * A100_SERVER_W * 1.2 / 1e6
    return out


@shared_workbook("flopsheet.xlsx", "edited.xlsx", "acme.xlsx", "models.xlsx")
def files(d):
    """The template, its copy, the copy with _edit's edits; and beside them the copy with a GPU
    (acme.xlsx) or models (models.xlsx) added below a table, each engine's run shared."""
    xlsm, xlsx, edited = template_and_edited_copy(d, _edit)
    assert_valid(xlsx)
    assert_valid(edited)
    _gpu_added(xlsx, d / "acme.xlsx")
    _models_added(xlsx, d / "models.xlsx")
    return xlsm, xlsx, edited


def _check(value_of) -> None:
    for (r, key), want in _expected().items():
        got = value_of(f"{tr.LETTER[key]}{r}")
        assert got == pytest.approx(want, rel=1e-9), (r, key, got, want)


def test_the_template_follows_the_edits(files):
    xlsm, _, _ = files
    wb = openpyxl.load_workbook(xlsm)
    _edit(wb)
    ev = Evaluator(wb)
    _check(lambda coord: ev.value("Training", coord))


def test_the_copy_follows_the_edits_in_libreoffice(files, soffice, tmp_path):
    _, _, edited = files
    out = recalculate(edited, tmp_path / "lo.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True)["Training"]
    _check(lambda coord: ws[coord].value)


def test_the_copy_follows_the_edits_in_gnumeric(files, gnumeric, tmp_path):
    _, _, edited = files
    out = recalculate_gnumeric(edited, tmp_path / "gnumeric.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True)["Training"]
    _check(lambda coord: ws[coord].value)


def test_the_chart_covers_every_scenario_row(files):
    import zipfile

    _, xlsx, _ = files
    with zipfile.ZipFile(xlsx) as z:
        chart = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    last = tr.FIRST_ROW + 5 + 25 - 1  # shipped + pre-formatted rows
    assert f"$A${tr.FIRST_ROW}:$A${last}" in chart and f"${tr.LETTER['gpu_days']}${last}" in chart


def test_formula_statistics_of_the_copy(files):
    _, xlsx, _ = files
    count, median, longest, where = formula_stats(xlsx)
    print(
        f"\nhand-off copy of the template: {count} formulas, median {median:g} characters, longest {longest} ({where})"
    )
    wb = openpyxl.load_workbook(xlsx)
    lengths = sorted(
        (len(c.value), f"{ws.title}!{c.coordinate}")
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    )
    assert (count, longest) == (len(lengths), lengths[-1][0]) and median == statistics.median(n for n, _ in lengths)
    assert len(lengths) > 400
    # The template's own intermediate columns (GPU row, precision, peak, TDP, MFU, price) and the energy
    # formula are short native formulas in the copy too.
    helpers = {
        f"Training!{tr.LETTER[k]}{r}"
        for k in ("row", "prec_used", "peak", "tdp", "mfu_used", "usd_used", "energy")
        for r in range(tr.FIRST_ROW, tr.FIRST_ROW + 30)
    }
    # (100: the price helper reads the GPUs sheet twice, so a GPU without a price leaves it blank, not 0)
    assert max(n for n, where in lengths if where in helpers) <= 100


def test_no_formula_of_the_copy_is_longer_than_250_characters(files):
    _, xlsx, _ = files
    wb = openpyxl.load_workbook(xlsx)
    assert (
        max(
            len(c.value)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=")
        )
        <= 250
    )


def _errors(path) -> list[str]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return [
        f"{ws.title}!{c.coordinate}: {c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
        and c.value.startswith("#")
        and c.value.rstrip("!?/0").upper() in ("#N/A", "#VALUE", "#DIV", "#NUM", "#NAME", "#REF", "#NULL")
    ]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_no_cell_of_either_edition_shows_an_error(lang, recalculated_copy, soffice, gnumeric, tmp_path):
    """Recalculated by LibreOffice and by Gnumeric, neither edition's copy shows #N/A, #VALUE!... anywhere
    (an energy cell would be allowed #N/A only because its header says why; none needs it today)."""
    from flopsheet.recalc import recalculate_gnumeric

    out = recalculated_copy(lang)  # write_copy(recalc=True): cached values computed by LibreOffice
    assert _errors(out) == []
    assert _errors(recalculate_gnumeric(out, tmp_path / f"gnumeric-{lang}.xlsx")) == []
    assert_valid(out)


@pytest.fixture(scope="module")
def recalculated(files, soffice, gnumeric, tmp_path_factory):
    """The unedited copy as each engine computes it (what an edit that changes nothing must give)."""
    _, xlsx, _ = files
    d = tmp_path_factory.mktemp("recalculated")
    return {
        engine: openpyxl.load_workbook(engine(xlsx, d / f"base-{engine.__name__}.xlsx"), data_only=True)
        for engine in (recalculate, recalculate_gnumeric)
    }


def _gpu_added(xlsx, edited) -> None:
    """`xlsx` with a clone of the H100 SXM row typed under the GPUs table as "Acme Clone", chosen on
    the Inference sheet's serving card, saved as `edited`."""
    from flopsheet.template.build import build_workbook

    _, ctx = build_workbook(audience="copy")
    gpu_cell = ctx.cells[("Inference", "s_gpu")].replace("$", "")
    wb = openpyxl.load_workbook(xlsx)
    gpus = wb["GPUs"]
    row = {c.value: c.row for c in gpus["A"] if c.value}
    new = max(row.values()) + 1
    for c in gpus[row["H100 SXM"]]:
        if c.value is not None and not (isinstance(c.value, str) and c.value.startswith("=")):
            gpus.cell(new, c.column, c.value)
    gpus.cell(new, 1, "Acme Clone")
    assert wb["Inference"][gpu_cell].value == "H100 SXM"
    wb["Inference"][gpu_cell] = "Acme Clone"
    wb.save(edited)


def test_a_gpu_added_below_the_table_serves_the_inference_sheet(files, recalculated, tmp_path):
    """A GPU typed in the first row under the GPUs table (here a clone of the H100 SXM row under a new
    name) and chosen on the Inference sheet's serving card gives the H100's figures in both engines:
    the copy's look-ups cover rows added at the bottom (whole columns), not only the shipped rows."""
    from flopsheet.template.build import build_workbook

    _, ctx = build_workbook(audience="copy")
    gpu_cell = ctx.cells[("Inference", "s_gpu")].replace("$", "")
    outputs = [
        ctx.cells[("Inference", k)].replace("$", "")
        for k in ("s_kv", "s_weights", "s_fit", "s_capacity", "s_replicas", "s_gpus")
    ]
    _, xlsx, _ = files
    edited = xlsx.parent / "acme.xlsx"  # built with `files` (_gpu_added)
    assert openpyxl.load_workbook(edited)["Inference"][gpu_cell].value == "Acme Clone"
    for engine in (recalculate, recalculate_gnumeric):
        base = recalculated[engine]
        got = openpyxl.load_workbook(engine(edited, tmp_path / f"acme-{engine.__name__}.xlsx"), data_only=True)
        for cell in outputs:
            want, have = base["Inference"][cell].value, got["Inference"][cell].value
            assert isinstance(want, (int, float)) and have == pytest.approx(want, rel=1e-12), (engine.__name__, cell)


def _models_added(xlsx, edited) -> None:
    """`xlsx` with clones of Llama 3.1 70B and DeepSeek-V3 typed under the Models table under new
    names, chosen on the Inference sheet's serving and MoE cards, saved as `edited`."""
    from flopsheet.template.build import build_workbook

    _, ctx = build_workbook(audience="copy")
    wb = openpyxl.load_workbook(xlsx)
    models = wb["Models"]
    row = {c.value: c.row for c in models["A"] if c.value}
    new = max(row.values()) + 1
    clones = {"Llama 3.1 70B": "Acme Dense 70B", "DeepSeek-V3": "Acme MoE 671B"}
    for i, (name, clone) in enumerate(clones.items()):
        for c in models[row[name]]:
            if c.value is not None and c.column_letter not in ("AI", "AJ"):  # not the grey lookup keys
                models.cell(new + i, c.column, c.value)
        models.cell(new + i, 1, clone)
    inference = wb["Inference"]
    changed = 0
    for key in ("s_model", "m_model"):
        cell = ctx.cells[("Inference", key)].replace("$", "")
        inference[cell] = clones[inference[cell].value]
        changed += 1
    assert changed == 2
    wb.save(edited)


def test_models_added_below_the_table_serve_the_inference_sheet(files, recalculated, tmp_path):
    """Models typed under the Models table (clones of Llama 3.1 70B, dense GQA, and DeepSeek-V3, MoE
    with an MLA cache, under new names) and chosen on the Inference sheet's serving and MoE cards give
    every Inference figure the shipped models give, in both engines: the copy reads the named row."""
    from flopsheet.template.build import build_workbook

    _, ctx = build_workbook(audience="copy")
    _, xlsx, _ = files
    edited = xlsx.parent / "models.xlsx"  # built with `files` (_models_added)
    inference = openpyxl.load_workbook(edited)["Inference"]
    assert {inference[ctx.cells[("Inference", k)].replace("$", "")].value for k in ("s_model", "m_model")} == {
        "Acme Dense 70B",
        "Acme MoE 671B",
    }
    formulas = [c.coordinate for c in inference["B"] if isinstance(c.value, str) and c.value.startswith("=")]
    for engine in (recalculate, recalculate_gnumeric):
        base = recalculated[engine]
        got = openpyxl.load_workbook(engine(edited, tmp_path / f"m-{engine.__name__}.xlsx"), data_only=True)
        compared = 0
        for cell in formulas:
            want, have = base["Inference"][cell].value, got["Inference"][cell].value
            if isinstance(want, (int, float)):
                assert have == pytest.approx(want, rel=1e-12), (engine.__name__, cell, have, want)
                compared += 1
        assert compared >= 30
