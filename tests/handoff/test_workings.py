"""Issue 15: auditable hand-off formulas. A translated call keeps its arithmetic; the quantities it
uses are labelled cells of the Workings sheet (handoff.workings), one look-up per GPU and row, in
the caller's row for a table, and the whole still computes what Python computes."""

from __future__ import annotations

import math
import re

import openpyxl
import pytest

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY as F
from flopsheet.handoff import twins, workings
from flopsheet.handoff.copy import handoff
from flopsheet.handoff.workings import FIRST_ROW, HELPER_COL, expanded

ROWS = 40
GPUS = ("H100", "A100", "MI300X", "B200 SXM")


def _scenarios(path):
    """A user's table from another writer (XlsxWriter): a call per column, GPU names and MFUs per
    row (some MFUs blank: the default), and a summary card with fixed references."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Runs")
    ws.write_row(0, 0, ["run", "params", "tokens", "gpu", "mfu", "price"])
    for i in range(ROWS):
        r = i + 2
        ws.write_row(i + 1, 0, [f"run {i}", (1 + i) * 7e9, (1 + i) * 1.4e11, GPUS[i % 4]])
        if i % 3:
            ws.write_number(i + 1, 4, 0.3 + i / 200)
        ws.write_number(i + 1, 5, 2.0)
        for j, f in enumerate(
            [
                f"=TRAIN_FLOPS(B{r},C{r})",
                f"=GPU_DAYS(G{r},D{r},E{r})",
                f"=TRAIN_COST(G{r},D{r},F{r},E{r})",
                f"=GPUS_NEEDED(G{r},D{r},90,E{r})",
                f'=DECODE_MS(B{r},D{r},8,2,8,,,E{r},"fp8")',
            ],
            start=6,
        ):
            ws.write_formula(i + 1, j, f)
    card = wb.add_worksheet("Card")
    card.write_column(0, 0, ["gpu", "params", "step ms", "serving GPUs", "fit"])
    card.write_column(0, 1, ["H200", 7e10])
    card.write_formula(2, 1, "=DECODE_MS($B$2,$B$1,64,2,4)")
    card.write_formula(3, 1, "=SERVING_GPUS(1000000,1000,500,$B$2,$B$1,4,50,2,0.3)")
    card.write_formula(4, 1, "=GPUS_TO_FIT(WEIGHTS_GB($B$2,2),$B$1)")
    card.write_row(5, 0, ["model", "DeepSeek-V3"])  # a model named in a cell: its row on the Models sheet
    card.write_formula(6, 1, '=COST_PER_MTOK($B$6,$B$1,2.5,"blended",0.5,64,1,8)')
    wb.close()
    return path


def _python(i: int) -> dict[str, float]:
    params, tokens, gpu = (1 + i) * 7e9, (1 + i) * 1.4e11, GPUS[i % 4]
    mfu = 0.3 + i / 200 if i % 3 else None
    flops = F["TRAIN_FLOPS"](params, tokens)
    try:  # the A100 has no fp8 peak: an error in Python, #N/A in the copy
        decode = F["DECODE_MS"](params, gpu, 8, 2, 8, None, None, mfu, "fp8")
    except FlopsheetError:
        decode = "#N/A"
    return {
        "G": flops,
        "H": F["GPU_DAYS"](flops, gpu, mfu),
        "I": F["TRAIN_COST"](flops, gpu, 2.0, mfu),
        "J": F["GPUS_NEEDED"](flops, gpu, 90, mfu),
        "K": decode,
    }


@shared_workbook("copy.xlsx", "mfu.xlsx")
def copied(d):
    """The scenarios' copy, and beside it (mfu.xlsx) the copy with TrainMFU (a blank training MFU at BF16)
    edited to 0.5."""
    src = _scenarios(d / "runs.xlsx")
    dst = d / "copy.xlsx"
    report = handoff(src, dst)
    wb = openpyxl.load_workbook(dst)
    sheet, cell = wb.defined_names["TrainMFU"].attr_text.split("!")
    wb[sheet][cell.replace("$", "")] = 0.5
    wb.save(d / "mfu.xlsx")
    return d, dst, report


def _formulas(wb):
    return {
        f"{ws.title}!{c.coordinate}": c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    }


def test_every_formula_is_short_and_the_report_names_the_longest(copied):
    _, dst, report = copied
    formulas = _formulas(openpyxl.load_workbook(dst))
    longest = max(formulas.items(), key=lambda kv: len(kv[1]))
    print(f"\nuser copy: {len(formulas)} formulas, longest {len(longest[1])} ({longest[0]})")
    assert len(longest[1]) <= twins.LIMIT
    assert not report.frozen, report.frozen  # every call native, COST_PER_MTOK with a model name included
    assert report.longest[0] == len(longest[1])  # (ties: the report names the first it wrote)
    assert len(formulas[report.longest[1]]) == report.longest[0]
    assert report.workings == sum(1 for k in formulas if k.startswith("Workings!"))


def test_quantities_of_a_row_sit_in_that_row_of_a_labelled_helper_column(copied):
    _, dst, _ = copied
    wb = openpyxl.load_workbook(dst)
    w, runs = wb["Workings"], wb["Runs"]
    for r in (2, 17, ROWS + 1):
        refs = re.findall(r"Workings!\$([A-Z]+)(\$?)(\d+)", runs[f"H{r}"].value)
        assert refs, runs[f"H{r}"].value
        for col, dollar, row in refs:
            cell = w[f"{col}{row}"]
            if cell.column >= HELPER_COL:  # a helper column: the caller's own row, relative like a column's
                assert (int(row), dollar) == (r, "")
                assert "Runs!" in w.cell(1, cell.column).value  # its label names the sheet it serves
            else:  # the list: labelled beside the formula
                assert cell.column == 2 and w.cell(cell.row, 1).value and int(row) >= FIRST_ROW
    labels = {w.cell(1, c).value.split(" (for ")[0] for c in range(HELPER_COL, w.max_column + 1)}
    assert {"mfu used (blank: DefaultMFU)", "GPU as typed, checked (no wildcards)"} <= labels
    assert any("peak TFLOPS" in str(x) and "used" in str(x) for x in labels)
    assert runs_rows_in_helper_columns(w) >= set(range(2, ROWS + 2))  # a table from row 2: every row alike


def runs_rows_in_helper_columns(w) -> set:
    return {
        c.row
        for col in w.iter_cols(min_col=HELPER_COL)
        for c in col
        if c.row > 1 and isinstance(c.value, str) and "Runs!" in c.value
    }


def _calls(formula: str, name: str) -> list[str]:
    """Every `name(...)` call's full text in `formula` (balanced parentheses)."""
    out = []
    for m in re.finditer(r"(?<![A-Za-z0-9_.])" + name + r"\(", formula):
        depth, i = 0, m.end() - 1
        for j in range(i, len(formula)):
            depth += {"(": 1, ")": -1}.get(formula[j], 0)
            if depth == 0:
                out.append(formula[m.start() : j + 1])
                break
    return out


def _assert_no_repeated_lookup(formulas: dict) -> None:
    repeated = {}
    for where, f in formulas.items():
        for name in ("MATCH", "VLOOKUP", "HLOOKUP"):
            calls = _calls(f, name)
            if len(calls) != len(set(calls)):
                repeated[where] = f
    assert not repeated, list(repeated.items())[:3]


def test_no_formula_repeats_a_lookup(copied):
    _, dst, _ = copied
    _assert_no_repeated_lookup(_formulas(openpyxl.load_workbook(dst)))


def test_no_formula_of_the_template_copy_repeats_a_lookup():
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "workbook" / "flopsheet.xlsx"
    _assert_no_repeated_lookup(_formulas(openpyxl.load_workbook(committed)))


def test_one_gpu_row_lookup_per_gpu_and_row(copied):
    """The GPU's row is looked up once per calling row, however many of the row's calls read it."""
    _, dst, _ = copied
    wb = openpyxl.load_workbook(dst)
    w = wb["Workings"]
    matches = [
        c
        for col in w.iter_cols()
        for c in col
        if isinstance(c.value, str) and "MATCH(" in c.value and "GPUs!" in c.value and "Runs!" not in c.value
    ]
    assert len(matches) == ROWS + 1  # a row's, and the card's (not one per call: five calls a row read the GPU)


def _check_values(path, sheet_values):
    runs = sheet_values["Runs"]
    wrong = []
    for i in range(ROWS):
        for col, want in _python(i).items():
            got = runs[f"{col}{i + 2}"].value
            if want == "#N/A":
                if got != want:
                    wrong.append(f"{col}{i + 2}: Python refuses, engine {got!r}")
            elif not (isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9)):
                wrong.append(f"{col}{i + 2}: Python {want!r}, engine {got!r}")
    card = sheet_values["Card"]
    for coord, want in (
        ("B3", F["DECODE_MS"](7e10, "H200", 64, 2, 4)),
        ("B4", F["SERVING_GPUS"](1e6, 1000, 500, 7e10, "H200", 4, 50, 2, 0.3)),
        ("B5", F["GPUS_TO_FIT"](F["WEIGHTS_GB"](7e10, 2), "H200")),
        ("B7", F["COST_PER_MTOK"]("DeepSeek-V3", "H200", 2.5, "blended", 0.5, 64, 1, 8)),
    ):
        got = card[coord].value
        if not (isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9)):
            wrong.append(f"Card!{coord}: Python {want!r}, engine {got!r}")
    assert not wrong, "\n".join(wrong)


def test_libreoffice_computes_what_python_does(copied, soffice):
    d, dst, _ = copied
    _check_values(dst, openpyxl.load_workbook(recalculate(dst, d / "lo.xlsx"), data_only=True))


def test_gnumeric_computes_what_python_does(copied, gnumeric):
    d, dst, _ = copied
    _check_values(dst, openpyxl.load_workbook(recalculate_gnumeric(dst, d / "gn.xlsx"), data_only=True))


def test_the_copy_is_valid_for_excel(copied):
    from ooxml import assert_valid

    _, dst, _ = copied
    assert_valid(dst)


def test_expanded_formula_is_the_one_formula_the_cells_stand_for(copied):
    _, dst, _ = copied
    wb = openpyxl.load_workbook(dst)
    full = expanded(wb["Runs"]["H5"].value, lambda title, ref: wb[title][ref].value[1:])
    assert "Workings!" not in full and "Runs!D5" in full and "GPUs!" in full


def test_row_forms_move_with_the_row_and_keep_strings():
    f = 'IF(Runs!$E7="",0.4,IF(ISNUMBER(Runs!E7)*(Workings!$F7>0),Runs!$B$2&"A7",NA()))'
    form = workings._row_form(f, 7)
    assert form is not None and "A7" in form  # inside a string: not a reference
    assert workings._at_row(form, 7) == f
    assert workings._at_row(form, 8) == f.replace("$E7", "$E8").replace("!E7", "!E8").replace("$F7", "$F8")
    assert workings._row_form('MATCH("H100 SXM",GPUs!$A:$A,0)+Runs!$B$2', 7) is None  # nothing moves: the list


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("Models!$AI$6:$AJ$125", "Models!$AI$6:$AJ$125"),
        ("A1+B2:C3*LOG10(D4)", "Runs!A1+Runs!B2:C3*LOG10(Runs!D4)"),
        ("'Seed check'!C5+C5", "'Seed check'!C5+Runs!C5"),
        ('B5&"A1"&1E12', 'Runs!B5&"A1"&1E12'),
    ],
)
def test_references_are_qualified_for_the_workings_sheet(formula, expected):
    assert twins.qualify(formula, "Runs") == expected


def test_defaults_point_at_named_assumptions_the_copy_defines(copied):
    """A blank MFU is a named assumption (TrainMFU for a training call at BF16, DefaultMFU for DECODE_MS),
    not a typed 0.375 or 0.4: the user's workbook had no such name, so the copy defines it (an input cell on the Workings sheet); goodput and seconds per day likewise."""
    _, dst, report = copied
    wb = openpyxl.load_workbook(dst)
    assert {"DefaultMFU", "TrainMFU", "DefaultGoodput", "SecondsPerDay"} <= set(wb.defined_names.keys())
    sheet, cell = wb.defined_names["DefaultMFU"].attr_text.split("!")
    assert sheet == "Workings" and wb[sheet][cell.replace("$", "")].value == 0.4  # DECODE_MS' (inference)
    sheet, cell = wb.defined_names["TrainMFU"].attr_text.split("!")
    assert sheet == "Workings" and wb[sheet][cell.replace("$", "")].value == 0.375  # GPU_DAYS' blank mfu at BF16
    assert any("DefaultMFU" in n for n in report.notes) and any("TrainMFU" in n for n in report.notes)
    typed = [k for k, f in _formulas(wb).items() if re.search(r"(?<![\d.])(0\.4|0\.375|0\.85|86400)(?![\d])", f)]
    assert not typed, typed[:3]


def test_an_edited_default_flows_to_the_rows_that_leave_it_blank(copied, soffice, gnumeric):
    d, _, _ = copied
    edited = d / "mfu.xlsx"  # the copy with TrainMFU edited (built with it)
    wb = openpyxl.load_workbook(edited)
    sheet, cell = wb.defined_names["TrainMFU"].attr_text.split("!")
    assert wb[sheet][cell.replace("$", "")].value == 0.5
    for engine in (recalculate, recalculate_gnumeric):
        runs = openpyxl.load_workbook(engine(edited, d / f"mfu-{engine.__name__}.xlsx"), data_only=True)["Runs"]
        for i in range(0, ROWS, 3):  # the rows whose MFU is blank
            flops = F["TRAIN_FLOPS"]((1 + i) * 7e9, (1 + i) * 1.4e11)
            assert runs[f"H{i + 2}"].value == pytest.approx(F["GPU_DAYS"](flops, GPUS[i % 4], 0.5), rel=1e-9)


def test_the_chinese_copy_labels_its_workings_in_chinese():
    """The zh-CN edition's copy (committed) labels every Workings quantity, header and title in Chinese."""
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "workbook" / "flopsheet-zh-CN.xlsx"
    w = openpyxl.load_workbook(committed)["Workings"]
    labels = [w.cell(r, 1).value for r in range(1, w.max_row + 1) if isinstance(w.cell(r, 1).value, str)]
    labels += [w.cell(1, c).value for c in range(HELPER_COL, w.max_column + 1)]
    assert len(labels) > 100
    english = [x for x in labels if not re.search(r"[\u4e00-\u9fff]", str(x))]
    assert not english, english[:5]


@shared_workbook("local-copy.xlsx", engines=("libreoffice",))
def local_copy(tmp_path):
    """A workbook whose call names sheet-scoped defined names, and its copy."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    src = tmp_path / "local.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("Runs")
    ws.write_row(0, 0, [3.15e23, 0.3])
    wb.define_name("Runs!Flops", "=Runs!$A$1")
    wb.define_name("Runs!Mfu", "=Runs!$B$1")
    ws.write_formula(1, 0, '=GPU_DAYS(Flops,"A100",IF(Mfu="",0.4,Mfu))')
    wb.close()
    dst = tmp_path / "local-copy.xlsx"
    handoff(src, dst)
    return dst


def test_a_name_defined_for_the_calling_sheet_keeps_its_meaning_in_workings(local_copy, tmp_path, soffice):
    """An argument naming a sheet-scoped defined name (Runs!Flops) is read on the Workings sheet as
    Runs!Flops: there, the bare name would mean nothing (or another sheet's)."""
    dst = local_copy
    got = openpyxl.load_workbook(recalculate(dst, tmp_path / "lo.xlsx"), data_only=True)["Runs"]["A2"].value
    assert got == pytest.approx(F["GPU_DAYS"](3.15e23, "A100", 0.3), rel=1e-9)
    w = openpyxl.load_workbook(dst)["Workings"]
    assert any("Runs!Mfu" in str(c.value) for row in w.iter_rows() for c in row)


@shared_workbook("inline-copy.xlsx", engines=("libreoffice",))
def inline_copy(tmp_path):
    """A workbook storing its texts inline (XlsxWriter's constant-memory mode), and its copy."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    src = tmp_path / "inline.xlsx"
    wb = xlsxwriter.Workbook(str(src), {"constant_memory": True})
    ws = wb.add_worksheet("Runs")
    ws.write_row(0, 0, ["DeepSeek-V3", 7e10])
    ws.write_formula(1, 0, "=WEIGHTS_GB(A1,2)")
    ws.write_formula(1, 1, "=WEIGHTS_GB(B1,2)")
    wb.close()
    dst = tmp_path / "inline-copy.xlsx"
    handoff(src, dst)
    return src, dst


def test_a_model_named_in_an_inline_string_is_still_looked_up(inline_copy, tmp_path, soffice):
    """A writer that stores text inline (XlsxWriter's constant-memory mode) names a model in a cell:
    the hand-off still sees it (the inline texts are scanned for model names, not assumed)."""
    src, dst = inline_copy
    with open(src, "rb") as fh:
        import zipfile

        assert b"inlineStr" in zipfile.ZipFile(fh).read("xl/worksheets/sheet1.xml")
    got = openpyxl.load_workbook(recalculate(dst, tmp_path / "lo.xlsx"), data_only=True)["Runs"]
    assert got["A2"].value == pytest.approx(F["WEIGHTS_GB"]("DeepSeek-V3", 2), rel=1e-9)
    assert got["B2"].value == pytest.approx(F["WEIGHTS_GB"](7e10, 2), rel=1e-9)
