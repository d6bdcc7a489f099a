"""Twins and the translator without LibreOffice: what a rendered formula may contain, how literals,
defaults, GPU names and blanks are written, what is refused, and that moving a translated formula
down a column is the same as translating it there."""

from __future__ import annotations

import re

import openpyxl
import pytest

# Excel 2010 has all of these without the _xlfn. prefix; so do LibreOffice 7.4 and Google Sheets.
from handoff_cases import PORTABLE

from flopsheet.engine import vision_catalog
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.functions.tokens import TOKENIZER_NAMED, tokenizer_form
from flopsheet.handoff import gpusheet
from flopsheet.handoff.translate import ALWAYS_FROZEN, CachedTranslator, Refs, Translator, relative_form, shift
from flopsheet.handoff.twins import Expr, Untranslatable, looks_up_models, number, reads_layout, render


@pytest.fixture(scope="module")
def table():
    wb = openpyxl.Workbook()
    return gpusheet.ensure_table(wb)


def _functions(text: str) -> set[str]:
    text = re.sub(r'"(?:[^"]|"")*"', '""', text)
    return {n.upper() for n in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\(", text)}


def _every_way(fn):
    """Calls of fn with every argument a reference, and with every argument literal/omitted."""
    refs = [Expr("ref", f"$B${i + 1}") for i in range(len(fn.args))]
    literal = [Expr("literal", repr(v), v) for v in fn.example]
    return refs, literal


def test_every_function_has_a_twin_or_is_frozen_on_purpose():
    # a look-up function's twin is declared too (MODEL_SPEC: "{model:field}", a look-up on the Models sheet);
    # VIDEO_SECONDS_TOKENS' is its tokenizer's rule (functions.tokens.tokenizer_form), as IMAGE_TOKENS'
    # and VIDEO_TOKENS' with a name
    assert {n for n, f in REGISTRY.items() if not f.twin} == set(ALWAYS_FROZEN) | {"VIDEO_SECONDS_TOKENS"}


@pytest.mark.parametrize("function", sorted(TOKENIZER_NAMED))
def test_tokenizer_twins_use_only_portable_functions(function):
    """Every catalog rule's twin (and each of its steps) for each function that takes its name;
    a rule without that kind of rule (no video) says so."""
    made = 0
    for row in vision_catalog.rows():
        try:
            fn, order = tokenizer_form(function, row.name)
        except FlopsheetError as err:
            assert "has no published" in err.message
            continue
        made += 1
        assert [a.name for a in fn.args] == sorted(order, key=[a.name for a in fn.args].index)
        for text in (fn.twin, *(t for _, _, t in fn.twin_steps)):
            assert _functions(text) <= PORTABLE, (row.name, _functions(text) - PORTABLE)
    assert made >= (15 if function == "IMAGE_TOKENS" else 2)


# (a look-up on the Models sheet, MODEL_SPEC, needs one: tests/handoff/test_model_twins_engines.py)
@pytest.mark.parametrize("name", [n for n, f in REGISTRY.items() if f.twin and not looks_up_models(f)])
def test_twins_use_only_portable_functions(name, table):
    fn = REGISTRY[name]
    for args in _every_way(fn):
        if name == "SERVING_GPUS" and args[4].kind == "ref":
            # With the GPU and its precision in cells, each of its 15 look-ups of peak, bandwidth and
            # memory is a ~200-character VLOOKUP and the twin passes Excel's 8,192 characters: the
            # hand-off then keeps the value (Untranslatable), which is what this asserts.
            # (one step, replicas_up, passes it alone since decode's GEMM efficiency reads the batch: either message)
            with pytest.raises(Untranslatable, match="Excel's 8,192"):
                render(fn, args, table)
            continue
        if name == "SERVING_BATCH":
            # The serving batch is a bisection of ~17 halvings: written out in place it passes Excel's 8,192
            # characters, so only the cell mode (Workings) translates it (test_serving_batch_twins_engines.py)
            with pytest.raises(Untranslatable, match="8,192"):
                render(fn, args, table)
            continue
        if name == "ITL_MS" and args[3].kind == "ref":
            # With every argument in a cell (each of the GPU's look-ups a ~200-character VLOOKUP), the decode step
            # and the prompt chunks on it are written twice in place, in the longer of them and the server's CPU
            # time (IF, not MAX, which a call over ranges needs element by element): past Excel's 8,192 characters.
            # In place (a call over ranges) the hand-off keeps the value; a one-cell call's steps go to Workings
            # cells (test_model_twins_engines.py, test_serving_batch_twins_engines.py)
            with pytest.raises(Untranslatable, match="8,192"):
                render(fn, args, table)
            continue
        # (COST_PER_MTOK with every argument in a cell passed 8,192 characters until a plain parameter count's decode
        # step dropped its attention term, 0 without a model, and a BF16 peak its share 1 x the accelerator's: now
        # written in place, proven in both engines by test_twins_engines.py)
        if name == "COST_PER_MTOK" and args[0].kind == "ref":
            # With every argument in a cell, host_us and host_serial too, the decode step with the server's CPU time
            # (with_host: the GPUs' step read twice, in the longer of it and the CPU's) passes Excel's 8,192 characters
            # in place, and a call over ranges keeps its value; a one-cell call's steps go to Workings cells. With
            # those two left out, the GPUs' step alone: in place, as before they existed.
            with pytest.raises(Untranslatable, match="8,192"):
                render(fn, args, table)
            text = render(fn, args[:-2], table)
            assert _functions(text) <= PORTABLE and "_xlfn" not in text and len(text) < 8192
            continue
        if reads_layout(fn):  # the LAYOUT_ functions
            # A layout's twin needs the layout, the GPU and the precision typed in the formula and a model's name
            # (their degrees, platform and checks worked out at hand-off: twins.TwinCall.layout_figure), which goes
            # through render_model (test_layout_twins_engines.py): every argument in a cell, or the plain render,
            # keeps the value
            with pytest.raises(Untranslatable, match="layout typed in the formula|a catalog model's name"):
                render(fn, args, table)
            for text in (fn.twin, *(t for _, _, t in fn.twin_steps)):
                assert _functions(text) <= PORTABLE, (name, _functions(text) - PORTABLE)
            continue
        if name == "AUDIO_TOKENS" and args[1].kind == "ref":
            # A model name in a cell would need a VLOOKUP, which reads * ? ~ as wildcards ("Gem*" would
            # get Gemini's rate where the add-in refuses it): the hand-off keeps the value instead.
            with pytest.raises(Untranslatable, match="must be typed in the formula"):
                render(fn, args, table)
            continue
        text = render(fn, args, table)
        assert _functions(text) <= PORTABLE, (name, _functions(text) - PORTABLE)
        assert "_xlfn" not in text and len(text) < 8192
        assert not re.search(r"\{[a-z_]+(:[a-z_0-9]+)?\}", text), text  # every placeholder filled


def test_counts_round_up_like_the_engine(table):
    for name in ("GPUS_NEEDED", "GPUS_TO_FIT"):
        text = render(REGISTRY[name], [Expr("ref", "A1"), Expr("literal", '"H100"', "H100"), Expr("ref", "A3")], table)
        m = re.search(r"ROUNDUP\(ROUND\(ROUND\((.*),14-INT\(LOG10\(\1\)\)\),11-INT\(LOG10\(\1\)\)\),0\)", text)
        assert m, text


def test_defaults_come_from_the_registry(table):
    fn = REGISTRY["GPU_DAYS"]
    text = render(fn, [Expr("ref", "A1"), Expr("literal", '"H100"', "H100")], table)
    assert "*0.375*0.85*86400" in text  # mfu and goodput omitted: their defaults (mfu: BF16's training MFU)
    text = render(fn, [Expr("ref", "A1"), Expr("literal", '"H100"', "H100"), Expr("ref", "C1")], table)
    assert 'IF(C1="",0.375,C1)' in text  # a blank cell means the default too
    fp8 = [Expr("ref", "A1"), Expr("literal", '"H100"', "H100"), Expr("ref", "C1"), Expr("literal", '"fp8"', "fp8")]
    assert 'IF(C1="",0.36,C1)' in render(fn, fp8, table)  # the default of the precision typed
    runtime = [Expr("ref", "A1"), Expr("literal", '"H100"', "H100"), Expr("omitted"), Expr("ref", "D1")]
    text = render(fn, runtime, table)  # a precision in a cell: the default chosen in the sheet by its column
    assert "0.375" in text and "0.36" in text and "0.25" in text


def test_literal_gpu_becomes_its_canonical_name_and_magnitudes_numbers(table):
    text = render(
        REGISTRY["GPU_DAYS"],
        [
            Expr("literal", '"3.15e23"', "3.15e23"),
            Expr("literal", '"A100"', "A100"),
            Expr("literal", '"46.2%"', "46.2%"),
        ],
        table,
    )
    assert '"A100 SXM 80GB"' in text and "3.15E+23" in text and "0.462" in text
    assert "ISNUMBER" not in text  # all literals: checked in Python, no guard needed
    text = render(
        REGISTRY["TRAIN_FLOPS"], [Expr("literal", '"175B"', "175B"), Expr("literal", '"300B"', "300B")], table
    )
    assert text == "6*175000000000*300000000000"


def test_gpu_in_a_cell_is_looked_up_through_aliases(table):
    text = render(REGISTRY["GPU_DAYS"], [Expr("ref", "A1"), Expr("ref", "B1")], table)
    assert "ISNUMBER(B1),B1," in text  # a number is the peak itself
    assert table.key_ref() in text and 'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM(B1)," ","")' in text
    keys = dict(gpusheet.key_rows())
    assert keys["a100"] == "A100 SXM 80GB" and keys["nvidiah100"] == "H100 SXM" and keys["mi300x"] == "MI300X"


@pytest.mark.parametrize(
    "name, args, why",
    [
        ("GPU_DAYS", (1e23, "H10"), "unknown GPU"),
        ("GPU_DAYS", (1e23, "A100", 46.2), "mfu must be"),
        ("GPU_DAYS", (1e23, "A100", 0.4, "fp64"), "precision must be"),
        ("GPU_DAYS", (1e23, "A100", 0.4, "fp8"), "no dense fp8"),
        ("GPU_DAYS", ("12 parsecs", "A100"), "flops must be a number"),
        ("GPU_DAYS", (True, "A100"), "not TRUE"),
        ("GPUS_TO_FIT", (100, 312), "catalog name"),
        ("FLEET_POWER_MW", (1e3, "Ascend 910B"), "Ascend 910B has no"),  # no peaks, no server power figure
        ("TEXT_TOKENS", (100, "tweets"), "unit must be"),
        ("GPU_SPEC", ("H100", "colour"), "field must be"),
        ("WEIGHTS_GB", ("175B", 2, 3), "at most 2 arguments"),
    ],
)
def test_literals_python_rejects_are_not_translated(name, args, why, table):
    with pytest.raises(Untranslatable, match=why):
        render(REGISTRY[name], [Expr("literal", repr(a), a) for a in args], table)


def test_numbers_read_back_exactly():
    for x in (0.462, 3.15e23, 1e-12, 4 / 3, 175e9, 2.0**60):
        assert float(number(x)) == x
    assert number(175e9) == "175000000000" and number(5e-320) == "0"


def test_strings_and_sheet_names_are_never_translated(table):
    tr = Translator(table)
    assert tr.translate("=\"GPU_DAYS(1,2)\"&'GPU_DAYS(1'!A1").text == "=\"GPU_DAYS(1,2)\"&'GPU_DAYS(1'!A1"
    res = tr.translate("=LOG10(GPU_DAYS(A1:A3,312))+SUM({1,2;3,4})")
    assert res.array and "GPU_DAYS" not in res.text and "SUM({1,2;3,4})" in res.text and "LOG10(" in res.text


def test_nesting_beyond_excels_formula_length_freezes(table):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 1e30, 1, 1
    deep = "A1"
    for _ in range(20):
        deep = f"GPU_DAYS({deep},B1,C1)"
    res = Translator(table, Refs(wb)).translate("=" + deep, ws.title)
    # the call whose twin would overflow is frozen to Python's value; the calls around it translate
    assert len(res.frozen) == 1 and "8,192" in res.frozen[0] and len(res.text) < 8192
    assert res.translated >= 1 and "GPU_DAYS" not in res.text


def test_shift_moves_relative_references_only():
    text = "=A1+$B$2+B$3+'Q1 2024'!C4+\"A1\"+LOG10(D5)+1E+12+GPUs!$A$2:$T$33"
    assert shift(text, 2, 1) == "=B3+$B$2+C$3+'Q1 2024'!D6+\"A1\"+LOG10(E7)+1E+12+GPUs!$A$2:$T$33"
    assert relative_form("=A5*B5", 5, 3) == relative_form("=A9*B9", 9, 3) != relative_form("=A9*B8", 9, 3)
    assert relative_form("=SUM(A:A)", 1, 1) is None  # whole columns are not shifted


def test_moving_a_translation_equals_translating_in_place(table):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    wb.create_sheet("In")
    formulas = {}
    for r in range(2, 12):
        for c, f in (
            (5, '=GPU_DAYS(TRAIN_FLOPS(A{r},B{r}),C{r},D{r},"fp8")'),
            (6, "=TRAIN_COST(In!A{r},$C$1,2,D{r})+E{r}"),
            (7, '=IF(A{r}="","",GPUS_NEEDED(E{r},C{r},$Z$1:$Z$3,D{r}))'),
        ):
            formulas[(r, c)] = f.format(r=r)
    cached = CachedTranslator(table, Refs(wb))
    plain = Translator(table, Refs(wb))
    for (r, c), f in formulas.items():
        a = cached.translate_at(f, "S", r, c)
        b = plain.translate(f, "S", cells=True)
        assert (a.text, a.translated, a.array, a.shape) == (b.text, b.translated, b.array, b.shape), f
        # the Workings quantities move with the formula too (labels and formulas)
        assert [(h.label, h.text) for h in a.helpers] == [(h.label, h.text) for h in b.helpers], f
    assert cached.hits == len(formulas) - 3
