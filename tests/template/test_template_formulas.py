"""The template's construction, read back with openpyxl: functions exist, references resolve,
no numbers typed into formulas, styles, protection, dropdowns, names, formats, layout."""

import re

import openpyxl
import pytest
from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from template_formula_eval import NATIVE, formula_cells, split_ref

import flopsheet.udfs
from flopsheet import catalog, models
from flopsheet.assumptions import assumptions
from flopsheet.functions import REGISTRY
from flopsheet.template import build_template
from flopsheet.template import styles as st
from flopsheet.template.sheets.training import LETTER


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "flopsheet.xlsm"
    build_template(path)
    return openpyxl.load_workbook(path)


def tokens(formula):
    return [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]


def functions_in(formula):
    return [t.value[:-1].upper() for t in tokens(formula) if t.type == Token.FUNC and t.subtype == Token.OPEN]


# -- The rule for constants in formulas --------------------------------------------------------
# A formula may contain the numeric literals 0 and 1 only (MATCH's exact-match flag, ROUNDUP's
# digits, a multiplier of one) and the text literal "" only (the blank-row guard). Every other
# number or text lives in a cell or a defined name, so a reader can see and change it.
ALLOWED_NUMBERS = {"0", "1"}
ALLOWED_TEXTS = {'""'}


def typed_constants(formula):
    return [
        t.value
        for t in tokens(formula)
        if t.type == Token.OPERAND
        and (
            (t.subtype == Token.NUMBER and t.value not in ALLOWED_NUMBERS)
            or (t.subtype == Token.TEXT and t.value not in ALLOWED_TEXTS)
            or t.subtype == Token.LOGICAL
        )
    ]


def test_the_constant_rule_can_fail():
    assert typed_constants("=A1*86400") == ["86400"]
    assert typed_constants('=IF(A1="x",0,B1/1.2)') == ['"x"', "1.2"]
    assert typed_constants('=GPU_DAYS(A1,"A100",0.4)') == ['"A100"', "0.4"]
    assert typed_constants('=IF($B5="","",MATCH($D5,GPUs!$A:$A,0))') == []


def test_no_formula_contains_a_typed_in_constant(wb):
    bad = {f"{ws.title}!{c.coordinate}": typed_constants(c.value) for ws, c in formula_cells(wb)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_every_function_exists_in_the_add_in(wb):
    assert not NATIVE & set(REGISTRY)
    used = set()
    for ws, cell in formula_cells(wb):
        for name in functions_in(cell.value):
            assert name in REGISTRY or name in NATIVE, f"{ws.title}!{cell.coordinate}: {name}"
            if name in REGISTRY:
                assert callable(getattr(flopsheet.udfs, name)), name
                used.add(name)
    required = {
        "TRAIN_FLOPS",
        "CHINCHILLA_TOKENS",
        "GPU_HOURS",
        "GPU_DAYS",
        "TRAIN_DAYS",
        "GPUS_NEEDED",
        "TRAIN_COST",
        "INFER_FLOPS",
        "INFER_SECONDS",
        "RESPONSE_SECONDS",
        "DECODE_MS",
        "TOKENS_PER_SECOND",
        "WEIGHTS_GB",
        "KV_CACHE_GB",
        "GPUS_TO_FIT",
        "TRAIN_MEMORY_GB",
        "TEXT_TOKENS",
        "IMAGE_TOKENS",
        "VIDEO_TOKENS",
        "TOKENS_TO_WORDS",
        "FLOPSHEET_VERSION",
    }
    assert required <= used, required - used


def _is_input(cell):
    return cell.style in st.INPUT_STYLES


def test_every_reference_resolves(wb):
    names = dict(wb.defined_names.items())
    for name, dn in names.items():
        sheet, addr = split_ref(dn.attr_text, "")
        assert sheet in wb.sheetnames, name
        range_boundaries(addr.replace("$", ""))
    for ws, cell in formula_cells(wb):
        for t in tokens(cell.value):
            if not (t.type == Token.OPERAND and t.subtype == Token.RANGE):
                continue
            ref = t.value
            where = f"{ws.title}!{cell.coordinate} -> {ref}"
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", ref) and not re.fullmatch(r"\$?[A-Z]{1,3}\$?\d+", ref):
                assert ref in names, f"{where}: no such defined name"
                ref = names[ref].attr_text
            sheet, addr = split_ref(ref, ws.title)
            assert sheet in wb.sheetnames, f"{where}: no such sheet"
            a = addr.replace("$", "")
            if re.fullmatch(r"[A-Z]{1,3}:[A-Z]{1,3}|\d+:\d+", a):
                continue  # whole columns/rows of the GPUs table
            min_col, min_row, max_col, max_row = range_boundaries(a)
            if (min_col, min_row) == (max_col, max_row):
                target = wb[sheet].cell(min_row, min_col)
                # A single cell must hold something, or be an input a user fills in.
                assert target.value not in (None, "") or _is_input(target), f"{where}: empty, not an input"


def test_defined_names_for_global_assumptions(wb):
    names = dict(wb.defined_names.items())
    formulas = " ".join(c.value for _, c in formula_cells(wb))
    for a in assumptions():
        sheet, addr = split_ref(names[a.name].attr_text, "")
        cell = wb[sheet][addr.replace("$", "")]
        assert (
            cell.value == (a.value if isinstance(a.value, str) else pytest.approx(a.value, rel=1e-15))
            and cell.style == st.INPUT
        ), a.name  # 16 digits saved
        assert re.search(rf"\b{a.name}\b", formulas), f"{a.name} is never used"

    def value(name):
        sheet, addr = split_ref(names[name].attr_text, "")
        return wb[sheet][addr.replace("$", "")].value

    assert value("DefaultMFU") == REGISTRY["INFER_SECONDS"].args[2].default
    # a blank training MFU: the engine's by precision (GPU_DAYS' mfu has no single default)
    assert REGISTRY["GPU_DAYS"].args[2].default is None
    for p in ("bf16", "fp8", "int8", "fp4"):
        name = next(a.name for a in assumptions() if p in a.precisions)
        assert value(name) == REGISTRY["GPU_DAYS"].args[2].by_precision(p), p


def test_formulas_and_inputs_carry_their_styles_and_locks(wb):
    assert {s.name for s in st.named_styles()} <= set(wb.named_styles)
    for ws, cell in formula_cells(wb):
        assert cell.style in st.FORMULA_STYLES, f"{ws.title}!{cell.coordinate} is {cell.style}"
        assert cell.protection.locked, f"{ws.title}!{cell.coordinate} unlocked"
    inputs = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.style in st.INPUT_STYLES:
                    inputs += 1
                    assert not cell.protection.locked, f"{ws.title}!{cell.coordinate} locked input"
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: a formula styled as input"
    assert inputs > 300


def test_sheets_with_formulas_are_protected_without_password(wb):
    for ws in wb.worksheets:
        has_formula = any(c.data_type == "f" for row in ws.iter_rows() for c in row)
        if has_formula and ws.title != "GPUs":
            assert ws.protection.sheet, ws.title
            assert not ws.protection.password, ws.title
    # The GPUs sheet holds data and, in its $/GPU-hour column, links to the Economics price table
    # (issue 14: prices are edited there): unprotected so Excel can grow its table.
    assert not wb["GPUs"].protection.sheet


def _validations(ws):
    out = []
    for dv in ws.data_validations.dataValidation:
        cells = set()
        for rng in str(dv.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(rng)
            cells |= {
                f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)
            }
        out.append((dv, cells))
    return out


def test_dropdowns_cover_every_gpu_model_and_precision_input(wb):
    names = dict(wb.defined_names.items())
    gpu_sheet, gpu_addr = split_ref(names["GPUList"].attr_text, "")
    gpu_cells = [c[0] for c in wb[gpu_sheet][gpu_addr.replace("$", "")]]
    catalog_names = {g.name for g in catalog.all_gpus()}
    assert catalog_names <= {c.value for c in gpu_cells}
    assert sum(c.value is None for c in gpu_cells) >= 20  # room for GPUs users add below the table
    p_sheet, p_addr = split_ref(names["PrecisionList"].attr_text, "")
    assert tuple(c.value for c in wb[p_sheet][p_addr.replace("$", "")][0]) == catalog.PRECISIONS

    m_sheet, m_addr = split_ref(names["ModelList"].attr_text, "")
    model_cells = [c[0] for c in wb[m_sheet][m_addr.replace("$", "")]]
    model_names = set(models.names())
    assert model_names <= {c.value for c in model_cells}
    assert sum(c.value is None for c in model_cells) >= 20  # room for models users add below the table

    checked = models_checked = 0
    for ws in wb.worksheets:
        if ws.title in ("GPUs", "Models", "Seed check"):
            continue  # Seed check's arguments are the report's literal calls ("A100")
        lists = {}
        for dv, cells in _validations(ws):
            if dv.type == "list":
                assert dv.formula1 in ("GPUList", "PrecisionList", "ModelList"), (
                    f"{ws.title}: literal list {dv.formula1}"
                )
                lists.setdefault(dv.formula1, set()).update(cells)
        for row in ws.iter_rows():
            for cell in row:
                if cell.style != st.INPUT or not isinstance(cell.value, str):
                    continue
                if cell.value in catalog_names:
                    assert cell.coordinate in lists.get("GPUList", ()), f"{ws.title}!{cell.coordinate}"
                    checked += 1
                elif cell.value in catalog.PRECISIONS:
                    assert cell.coordinate in lists.get("PrecisionList", ()), f"{ws.title}!{cell.coordinate}"
                    checked += 1
                elif cell.value in model_names:
                    assert cell.coordinate in lists.get("ModelList", ()), f"{ws.title}!{cell.coordinate}"
                    models_checked += 1
    assert checked >= 14
    assert models_checked >= 3  # Inference: the serving fleet, DeepSeek-V3, Kimi K2
    training = {dv.formula1: cells for dv, cells in _validations(wb["Training"])}
    assert {f"D{r}" for r in range(5, 20)} <= training["GPUList"]  # blank rows too
    assert {f"E{r}" for r in range(5, 20)} <= training["PrecisionList"]
    mfu = [(dv, cells) for dv, cells in _validations(wb["Training"]) if "F5" in cells]
    assert mfu and mfu[0][0].type == "decimal" and (mfu[0][0].formula1, mfu[0][0].formula2) == ("0", "1")


def _header_col(ws, text, row=4):
    return next(c.column_letter for c in ws[row] if c.value and text in str(c.value))


def test_training_formats_units_and_layout(wb):
    ws = wb["Training"]
    assert ws.freeze_panes == "B5"
    fmt = {
        h: ws[f"{_header_col(ws, h)}5"].number_format
        for h in ("Compute (FLOPs)", "GPU-days", "Cost (USD", "GPUs for the deadline", "Energy (MWh")
    }
    assert fmt == {
        "Compute (FLOPs)": "0.00E+00",
        "GPU-days": "#,##0",
        "Cost (USD": "$#,##0",
        "GPUs for the deadline": "#,##0",
        "Energy (MWh": "#,##0",
    }
    # The peak has its own column, an INDEX/MATCH into the GPUs sheet (name down, precision across).
    peak = ws[f"{_header_col(ws, 'Peak used')}6"].value
    L = LETTER
    assert "INDEX(GPUs!" in peak and f"${L['row']}6" in peak and f"MATCH(${L['prec_used']}6,GPUs!$5:$5,0)" in peak
    assert ws[f"{_header_col(ws, 'GPU row')}6"].value == '=IF($D6="","",MATCH($D6,GPUs!$A:$A,0))'
    assert ws[f"{_header_col(ws, 'Compute (FLOPs)')}12"].value == '=IF($B12="","",TRAIN_FLOPS($B12,$C12))'  # blank row
    charts = ws._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"


def test_every_sheet_has_a_print_area_and_gpus_is_a_table(wb):
    for name in ("Start", "GPUs", "Training", "Inference", "Multimodal", "Seed check", "Sources"):
        assert wb[name].print_area, name
    tables = wb["GPUs"].tables
    assert list(tables) == ["GPUCatalog"]
    min_col, min_row, max_col, max_row = range_boundaries(tables["GPUCatalog"].ref)
    assert max_row - min_row == len(catalog.all_gpus())  # header + every catalog row


def test_start_sheet_status_cell_legend_and_function_list(wb):
    ws = wb["Start"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(c.value == "=FLOPSHEET_VERSION()" for row in ws.iter_rows() for c in row)
    assert any("#NAME?" in t for t in texts) and any("ImportPythonUDFs" in t for t in texts)
    assert any("pip install ." in t for t in texts)  # the install step (not on PyPI yet)
    styled = {c.style for row in ws.iter_rows() for c in row if c.value in ("Input", "Calculation")}
    assert {st.INPUT, st.CALC} <= styled  # the legend shows each style on itself
    assert set(REGISTRY) <= set(texts)


def test_text_cells_are_strings_and_formula_lookalikes_carry_the_quote_prefix(wb):
    count = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "f":
                    assert cell.data_type == "s"
                    if st.looks_like_formula(cell.value):
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                        count += 1
    print(f"\n{count} pre-filled texts start with = + - @ and are stored as text")
