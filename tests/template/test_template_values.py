"""Every formula of the saved template, evaluated from the template's own cells (the add-in's
functions called as Excel calls them), equals what the command's summary computed with the
Python engine; the seed check reproduces every row of the seed figures; GPUs-sheet edits flow."""

import math

import openpyxl
import pytest
from template_formula_eval import NA, Evaluator, formula_cells

from flopsheet import catalog
from flopsheet.template import build_template
from flopsheet.template.sheets.training import CALCS, LETTER
from flopsheet.template.summary import py

# seed-figures.md, column "Expected", by the Seed check's row label; relative tolerance = what
# the figure's printed digits allow.
SEED_EXPECTED = {
    "1": (3.15e23, 1e-9),
    "2": (25293, 5e-5),
    "2 (peak typed)": (25293, 5e-5),
    "3": (25.3, 5e-4),
    "4": (1.12e14, 1e-9),
    "5": (0.777, 1e-3),
    "6": (196, 0),
    "7": (147, 0),
    "8": (3072, 0),
    "9": (3.072e14, 1e-9),
    "10": (9.216e26, 1e-9),
    "11": (388884, 0),
    "12": (1944420, 0),
    "11 corrected": (777768, 0),  # the dense H100: twice the report
    "5 corrected": (8.0, 0.05),  # "about 8 s for 300 tokens, not 0.78 s"
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "flopsheet.xlsm"
    summary = build_template(path)
    return openpyxl.load_workbook(path), summary


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
    return a == b


def test_every_formula_cell_equals_the_engine_value_in_the_summary(saved):
    wb, summary = saved
    expected = summary.values()
    ev = Evaluator(wb)
    seen, wrong = set(), []
    for ws, cell in formula_cells(wb):
        key = (ws.title, cell.coordinate)
        seen.add(key)
        assert key in expected, f"{key} {cell.value}: no engine value recorded"
        got = ev.value(*key)
        if not same(got, expected[key]):
            wrong.append((key, cell.value, got, expected[key]))
    assert wrong == []
    assert set(expected) == seen  # and every recorded value is a formula cell of the file
    print(f"\n{len(seen)} formula cells evaluated, {len(ev.calls)} flopsheet function calls")
    assert len(ev.calls) > 80  # blank rows call nothing


def _seed_rows(wb):
    ws = wb["Seed check"]
    header = {c.value: c.column for c in ws[4] if c.value}
    rows = {}
    for r in range(5, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label is not None and ws.cell(r, header["Workbook value"]).data_type == "f":
            rows[str(label)] = r
    return ws, header, rows


def test_seed_check_reproduces_every_seed_figure(saved):
    wb, _ = saved
    ws, header, rows = _seed_rows(wb)
    assert set(rows) == set(SEED_EXPECTED)
    ev = Evaluator(wb)
    for label, (expected, rel) in SEED_EXPECTED.items():
        r = rows[label]
        got = ev.value(ws.title, ws.cell(r, header["Workbook value"]).coordinate)
        assert got == pytest.approx(expected, rel=rel, abs=0), label
        report = ws.cell(r, header["Report's value"]).value
        if report is not None:  # within the report's own rounding (0.78 s vs 0.777 is the widest)
            pct = ev.value(ws.title, ws.cell(r, header["Difference (%)"]).coordinate)
            assert abs(pct) < 0.005, label


def test_training_rows(saved):
    wb, _ = saved
    ws, ev = wb["Training"], Evaluator(wb)
    col = {c.value: c.column_letter for c in ws[4] if c.value}
    rows = {ws[f"A{r}"].value: r for r in range(5, 20) if ws[f"A{r}"].value}

    def v(name, header):
        return ev.value("Training", f"{col[header]}{rows[name]}")

    assert v("GPT-3 175B (seed)", "GPU-days") == pytest.approx(25293, abs=0.5)
    assert v("GPT-3 175B (seed)", "Wall-clock (days, on the GPUs)") == pytest.approx(25.3, abs=0.01)
    assert v("500B on all 2022 images (seed, dense H100)", "GPUs for the deadline") == 777768
    assert v("Same, at the seed's 1,979 TFLOPS (sparse)", "GPUs for the deadline") == 388884
    assert v("Chinchilla-optimal 70B", "Training tokens") == 1.4e12
    # blank MFU at BF16 -> TrainMFU (the Start sheet's training MFU by precision)
    assert (
        v("Chinchilla-optimal 70B", "MFU used (blank: TrainMFU, TrainFP8Share or TrainFP4Share by precision)") == 0.375
    )
    # DeepSeek-V3 on ACTIVE parameters: the report's 2.788M H800 GPU-hours, to within 1%.
    assert v("DeepSeek-V3 (MoE, 37B active of 671B)", "GPU-hours") == pytest.approx(2.788e6, rel=0.01)
    # H800 SXM server power 1275 W per GPU (an HGX H800 is the DGX H100's board: 10.2 kW / 8):
    # GPU-hours x 1.275 kW x PUE 1.2, in MWh
    assert v("DeepSeek-V3 (MoE, 37B active of 671B)", ENERGY) == pytest.approx(
        v("DeepSeek-V3 (MoE, 37B active of 671B)", "GPU-hours") * 1.275 * 1.2 / 1000, rel=1e-9
    )
    for r in range(5 + len(rows), 20):  # blank rows show nothing
        assert all(ev.value("Training", f"{LETTER[c.key]}{r}") == "" for c in CALCS)


def test_inference_and_multimodal_figures(saved):
    wb, _ = saved
    ev = Evaluator(wb)

    def by_label(sheet, label, col="B"):
        ws = wb[sheet]
        r = next(c.row for c in ws["A"] if c.value == label)
        return ev.value(sheet, f"{col}{r}")

    seed_s = by_label("Inference", "Seed's method: compute-bound, one GPU")
    roofline_s = by_label("Inference", "Roofline: whole answer")
    assert seed_s == pytest.approx(0.777, abs=0.001)
    assert 5 < roofline_s / seed_s < 20  # "about tenfold", and the sheet says why
    assert any("tenfold" in str(c.value) for c in wb["Inference"]["A"])
    assert by_label("Inference", "Tokens in the context") == 1.2e6  # 2M characters x 0.6
    assert by_label("Inference", "GPUs needed") > 0
    assert by_label("Multimodal", "GPUs for the deadline, dense peak") == 777768
    assert by_label("Multimodal", "GPUs for all of them, seed's figure") == 1944420
    ws = wb["Multimodal"]
    tokens = {ws[f"A{r}"].value: ev.value("Multimodal", f"E{r}") for r in range(1, 12) if ws[f"A{r}"].value}
    assert tokens["BEiT / ViT-B/16 at 224 x 224 (seed rows 6-7)"] == 196
    assert tokens["LLaVA-1.5, CLIP ViT-L/14 at 336 px"] == 576


ENERGY = "Energy (MWh; server power x PUE; #N/A = no server power on the GPUs sheet)"


def test_a_blank_precision_means_the_default_and_a_server_power_edit_moves_the_energy(saved):
    """Precision left blank reads DefaultPrecision (bf16) in every column; energy reads the GPUs
    sheet's server power per GPU, so the add-in workbook and its copy agree after the same edit."""
    wb, _ = saved
    gpus, training = wb["GPUs"], wb["Training"]
    keys = {c.value: c.column_letter for c in gpus[5] if c.value}
    h100 = next(c.row for c in gpus["A"] if c.value == "H100 SXM")
    gpus[f"{keys['server_w']}{h100}"] = 1000.0
    r = 13
    training[f"B{r}"], training[f"C{r}"], training[f"D{r}"] = 7e10, 1.4e12, "H100 SXM"
    ev = Evaluator(wb)
    flops = 6 * 7e10 * 1.4e12
    peak = catalog.spec(catalog.resolve("H100 SXM"), "bf16_tflops")
    L = LETTER
    assert ev.value("Training", f"{L['prec_used']}{r}") == "bf16" and ev.value("Training", f"{L['peak']}{r}") == peak
    hours = py("GPU_HOURS", flops, peak, 0.375)  # blank MFU at BF16: TrainMFU
    assert ev.value("Training", f"{L['gpu_hours']}{r}") == pytest.approx(hours)
    assert ev.value("Training", f"{L['gpu_hours']}{r}") == pytest.approx(py("GPU_HOURS", flops, "H100 SXM"))
    # an FP8 row: the share of the FP8 peak (TrainFP8Share), as GPU_HOURS' own blank mfu
    training[f"E{r}"] = "fp8"
    ev = Evaluator(wb)
    assert ev.value("Training", f"{L['mfu_used']}{r}") == 0.36
    assert ev.value("Training", f"{L['gpu_hours']}{r}") == pytest.approx(
        py("GPU_HOURS", flops, "H100 SXM", None, "fp8")
    )
    training[f"E{r}"] = None
    ev = Evaluator(wb)
    assert ev.value("Training", f"{L['energy']}{r}") == pytest.approx(hours * 1000.0 * 1.2 / 1e6)
    assert not any(isinstance(ev.value("Training", f"{L[c.key]}{r}"), NA) for c in CALCS if c.key != "days")


def test_edits_on_the_gpus_sheet_flow_into_training(saved):
    """Change a datasheet figure and add a GPU below the table: the lookups follow."""
    wb, _ = saved
    gpus, training = wb["GPUs"], wb["Training"]
    keys = {c.value: c.column_letter for c in gpus[5] if c.value}
    h100 = next(c.row for c in gpus["A"] if c.value == "H100 SXM")
    gpus[f"{keys['fp16']}{h100}"] = 500.0
    new = gpus.max_row + 1
    gpus[f"A{new}"], gpus[f"{keys['bf16']}{new}"], gpus[f"{keys['usd_per_gpu_hour']}{new}"] = "Acme X1", 1000.0, 1.5
    r = 12  # a blank scenario row
    training[f"B{r}"], training[f"C{r}"], training[f"D{r}"], training[f"E{r}"] = 7e10, 1.4e12, "Acme X1", "bf16"
    ev = Evaluator(wb)
    L = LETTER
    assert ev.value("Training", f"{L['peak']}6") == 500.0  # the dense H100 row now reads the edited peak
    assert ev.value("Training", f"{L['needed']}6") == py("GPUS_NEEDED", 9.216e26, 500.0, 30, 0.462, None, 1)
    assert ev.value("Training", f"{L['peak']}{r}") == 1000.0 and ev.value("Training", f"{L['usd_used']}{r}") == 1.5
    assert ev.value("Training", f"{L['cost']}{r}") == pytest.approx(
        py("TRAIN_COST", 6 * 7e10 * 1.4e12, 1000.0, 1.5, 0.375)
    )  # blank MFU and goodput: the defaults at BF16, as in Python
