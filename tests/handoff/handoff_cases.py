"""A fixture workbook that calls every flopsheet function, and what each call must give.

Every function is called with constants (Calls!A), with references to cells holding its
example arguments and blank cells for the rest (Calls!B), and over a 3-cell range of text
magnitudes spilling 3 rows (Spill); hand-written cases (Nested) cover nested calls, GPU
aliases and numbers, precision and unit cells, blanks, text magnitudes typed in formulas,
prefixed names, array formulas, and inputs the Python function rejects.

Each case carries its own expectation as a Python expression over the workbook's values:
`expect(get)` calls `REGISTRY[name](*args)` with `get("Sheet!A1")` reading the argument cells
of the RECALCULATED copy, never the translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.magnitudes import format_num, parse_num

# What a twin may use: functions Excel 2010+, LibreOffice 7.4 and Google Sheets all have, none
# needing Excel's _xlfn. prefix (checked against the docs of all three, not generated from code).
PORTABLE = {
    "ABS",
    "TEXT",
    "LEFT",
    "MID",
    "IF",
    "IFERROR",
    "ISNUMBER",
    "ISLOGICAL",
    "NOT",
    "LEN",
    "CLEAN",
    "ISNA",
    "NA",
    "INT",
    "ROUND",
    "ROUNDUP",
    "LOG10",
    "TRIM",
    "SUBSTITUTE",
    "VLOOKUP",
    "MATCH",
    "INDEX",
    "OR",  # Workings cells (handoff.workings): a figure of a row; blank while an input is
    "MAX",
    "MIN",
    # the vision tokenizers' rules (functions/visiontwins.py): Qwen's and OpenAI's square roots, Python's
    # half-to-even rounding; both in every Excel since 1.0, LibreOffice and Sheets
    "SQRT",
    "MOD",
    # a mixture of experts' weights read, (1 - share)^tokens as EXP(tokens x LN(1 - share)): the model twins' (DECODE_MS
    # with a catalog model) and LAYOUT_DECODE_MS'; both in every Excel since 1.0, LibreOffice and Sheets
    "EXP",
    "LN",
}  # SERVING_GPUS' twin (issue 13); both in every Excel since 1.0, LibreOffice and Sheets

F = REGISTRY
SKIP = ("GPU_NAMES", "FLOPSHEET_VERSION", "MODEL_NAMES")  # no arguments: frozen, checked on their own


class Err(str):
    """The Python function raised FlopsheetError with this message."""


def outcome(thunk):
    try:
        return thunk()
    except FlopsheetError as e:
        return Err(e.message)


@dataclass
class Case:
    sheet: str
    cell: str  # anchor; a spill covers `rows` cells down
    formula: str
    expect: Callable  # get -> value, or (for spills) list of values
    functions: set = field(default_factory=set)
    rows: int = 1
    array: bool = False  # written as an array formula in the source


def _lit(v) -> str:
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    return repr(float(v)).upper() if not float(v).is_integer() else str(int(v))


def _variations(fn):
    """Three values of the first argument for the range call, typed as text magnitudes."""
    if fn.name == "GPU_SPEC":
        return ["H100", "a100", "MI300X"]
    if fn.name == "PARSE_NUM":
        return ["175B", "2.53万", "46.2%"]
    if fn.name == "MODEL_SPEC":
        return ["DeepSeek-V3", "llama 3.1 405b", "Kimi K2"]
    if fn.name.startswith("LAYOUT_"):  # a mixture of experts named (the layout spreads its experts)
        return ["DeepSeek-V3", "deepseek-r1", "Kimi K2"]
    v = parse_num(fn.example[0]) if isinstance(fn.example[0], str) else float(fn.example[0])
    return [format_num(v * k) for k in (1, 2, 3)]


# Hand-written inputs: (cell on Vals, value)
VALS = {
    "B1": "175B",
    "B2": "300B",
    "B3": "nvidia h100",
    "B4": 0.462,
    "B5": None,
    "B6": "fp8",
    "B7": 312,
    "B8": "46.2%",
    "B9": "zh_char",
    "B10": "H100-SXM",
    "B11": 8,
    "B12": 30,
    "B13": "mi300x",
    "B14": "bf16 ",
    "B15": 46.2,
    "B16": "H10",
    "B17": "A100",
    "B18": "70B",
    "B19": "memory_gb",
    "B20": "2.53万",
    "B21": 96,
    "B22": 12288,
    "B23": 2048,
    "B24": None,
    "B25": "fp64",
    "B26": "4090",
    "B27": "1.4T",
    "D1": 1e23,
    "D2": 2e23,
    "D3": "300000000000000000000000",
    # issue 10's edges: names like magnitudes, wildcards, a tab, a boolean, fractional counts,
    # implausible sizes, count ties, patches after float noise
    "B28": "910B",
    "B29": "1979",
    "B30": "H1*",
    "B31": "H\t100",
    "B32": True,
    "B33": 0.4,
    "B34": "fp*",
    "B35": "mem*",
    "B36": "*char",
    "B37": 216.00000000036,
    "B38": 2240 * 0.1,
    "B39": 70,
    "B40": "?",
}


def _nested(g):
    """(formula, expectation) pairs; `g` reads a cell of the recalculated copy."""
    v = lambda c: g(f"Vals!{c}")  # noqa: E731
    return [
        (
            "=GPU_DAYS(TRAIN_FLOPS(Vals!B1,Vals!B2),Vals!B17,Vals!B4)",
            lambda: F["GPU_DAYS"](F["TRAIN_FLOPS"](v("B1"), v("B2")), v("B17"), v("B4")),
        ),
        (
            "=TRAIN_COST(TRAIN_FLOPS(Vals!B18,CHINCHILLA_TOKENS(Vals!B18)),Vals!B3,2,Vals!B8,Vals!B6)",
            lambda: F["TRAIN_COST"](
                F["TRAIN_FLOPS"](v("B18"), F["CHINCHILLA_TOKENS"](v("B18"))), v("B3"), 2, v("B8"), v("B6")
            ),
        ),
        (
            '=GPUS_NEEDED(TRAIN_FLOPS("70B","1.4T"),Vals!B10,Vals!B12,Vals!B5)',
            lambda: F["GPUS_NEEDED"](F["TRAIN_FLOPS"]("70B", "1.4T"), v("B10"), v("B12"), v("B5")),
        ),
        ('=SUM(GPU_DAYS(Vals!D1:D3,"H100"))', lambda: sum(F["GPU_DAYS"](v(c), "H100") for c in ("D1", "D2", "D3"))),
        ('=2*WEIGHTS_GB("175B")+1', lambda: 2 * F["WEIGHTS_GB"]("175B") + 1),
        (
            "=GPUS_TO_FIT(WEIGHTS_GB(Vals!B1)+KV_CACHE_GB(32,8,128,131072),Vals!B17)",
            lambda: F["GPUS_TO_FIT"](F["WEIGHTS_GB"](v("B1")) + F["KV_CACHE_GB"](32, 8, 128, 131072), v("B17")),
        ),
        ("=TEXT_TOKENS(2000000,Vals!B9)", lambda: F["TEXT_TOKENS"](2000000, v("B9"))),
        ("=TEXT_TOKENS(Vals!B27,Vals!B5)", lambda: F["TEXT_TOKENS"](v("B27"), v("B5"))),
        ("=GPU_DAYS(3.15E+23,Vals!B7)", lambda: F["GPU_DAYS"](3.15e23, v("B7"))),
        ("=GPU_DAYS(3.15E+23,Vals!B26)", lambda: F["GPU_DAYS"](3.15e23, v("B26"))),
        ('=GPU_DAYS(3.15E+23,312,"46.2%")', lambda: F["GPU_DAYS"](3.15e23, 312, "46.2%")),
        (
            '=INFER_SECONDS(INFER_FLOPS("175B",20,300),Vals!B13,,Vals!B14)',
            lambda: F["INFER_SECONDS"](F["INFER_FLOPS"]("175B", 20, 300), v("B13"), None, v("B14")),
        ),
        ('=GPU_SPEC(Vals!B3,"fp8")', lambda: F["GPU_SPEC"](v("B3"), "fp8")),
        ("=GPU_SPEC(Vals!B13,Vals!B19)", lambda: F["GPU_SPEC"](v("B13"), v("B19"))),
        ('=GPU_SPEC("H100","vendor")', lambda: F["GPU_SPEC"]("H100", "vendor")),
        ("=GPU_SPEC(Vals!B10,Vals!B5)", lambda: F["GPU_SPEC"](v("B10"), v("B5"))),
        ("=PARSE_NUM(Vals!B20)", lambda: F["PARSE_NUM"](v("B20"))),
        ('=PARSE_NUM("3.5亿")', lambda: F["PARSE_NUM"]("3.5亿")),
        (
            "=TRAIN_FLOPS(Vals!B1,Vals!B2,,Vals!B21,Vals!B22,Vals!B23)",
            lambda: F["TRAIN_FLOPS"](v("B1"), v("B2"), None, v("B21"), v("B22"), v("B23")),
        ),
        ('=INFER_FLOPS("8B",1000000,1000,32,4096)', lambda: F["INFER_FLOPS"]("8B", 1000000, 1000, 32, 4096)),
        ("=DECODE_MS(Vals!B18,Vals!B17,64,2,Vals!B11)", lambda: F["DECODE_MS"](v("B18"), v("B17"), 64, 2, v("B11"))),
        (
            '=RESPONSE_SECONDS("175B",20,300,"A100",1,2,8,,KV_CACHE_GB(96,96,128,320))',
            lambda: F["RESPONSE_SECONDS"]("175B", 20, 300, "A100", 1, 2, 8, None, F["KV_CACHE_GB"](96, 96, 128, 320)),
        ),
        ('=TOKENS_PER_SECOND("8B",Vals!B10,Vals!B24)', lambda: F["TOKENS_PER_SECOND"]("8B", v("B10"), v("B24"))),
        ('=_xludf.GPU_DAYS(3.15E+23,"A100",0.462)', lambda: F["GPU_DAYS"](3.15e23, "A100", 0.462)),
        ('=gpu_days(3.15E+23,"a100",0.462)', lambda: F["GPU_DAYS"](3.15e23, "a100", 0.462)),
        (
            "=TRAIN_ENERGY_MWH(3.15E+23,Vals!B10,Vals!B4,Vals!B14)",
            lambda: F["TRAIN_ENERGY_MWH"](3.15e23, v("B10"), v("B4"), v("B14")),
        ),
        ("=GPUS_TO_FIT(Vals!B37,Vals!B10)", lambda: F["GPUS_TO_FIT"](v("B37"), v("B10"))),
        ("=IMAGE_TOKENS(Vals!B38,224)", lambda: F["IMAGE_TOKENS"](v("B38"), 224)),
        ("=VIDEO_TOKENS(8,Vals!B38,Vals!B38)", lambda: F["VIDEO_TOKENS"](8, v("B38"), v("B38"))),
        ("=TRAIN_COST(3.15E+23,Vals!B3,Vals!B5)", lambda: F["TRAIN_COST"](3.15e23, v("B3"), v("B5"))),
        # inputs the Python function rejects: the copy must show an error, never a number
        ("=GPU_DAYS(3.15E+23,Vals!B28)", lambda: F["GPU_DAYS"](3.15e23, v("B28"))),
        ("=GPU_DAYS(3.15E+23,Vals!B29)", lambda: F["GPU_DAYS"](3.15e23, v("B29"))),
        ("=GPU_DAYS(3.15E+23,Vals!B30)", lambda: F["GPU_DAYS"](3.15e23, v("B30"))),
        ("=GPU_DAYS(3.15E+23,Vals!B31)", lambda: F["GPU_DAYS"](3.15e23, v("B31"))),
        ("=GPU_DAYS(3.15E+23,Vals!B32)", lambda: F["GPU_DAYS"](3.15e23, v("B32"))),
        ("=GPU_SPEC(Vals!B40)", lambda: F["GPU_SPEC"](v("B40"))),
        ('=TRAIN_DAYS(3.15E+23,"H100",Vals!B33)', lambda: F["TRAIN_DAYS"](3.15e23, "H100", v("B33"))),
        ('=GPU_DAYS(3.15E+23,"H100",,Vals!B34)', lambda: F["GPU_DAYS"](3.15e23, "H100", None, v("B34"))),
        ('=GPU_SPEC("H100",Vals!B35)', lambda: F["GPU_SPEC"]("H100", v("B35"))),
        ('=GPU_SPEC(Vals!B17,"fp8")', lambda: F["GPU_SPEC"](v("B17"), "fp8")),
        ("=TEXT_TOKENS(1000,Vals!B36)", lambda: F["TEXT_TOKENS"](1000, v("B36"))),
        ('=TRAIN_FLOPS(Vals!B32,"300B")', lambda: F["TRAIN_FLOPS"](v("B32"), "300B")),
        ('=TRAIN_FLOPS(Vals!B39,"300B")', lambda: F["TRAIN_FLOPS"](v("B39"), "300B")),
        ('=TRAIN_COST(3.15E+23,"B200",Vals!B5)', lambda: F["TRAIN_COST"](3.15e23, "B200", v("B5"))),
        ('=GPU_DAYS(3.15E+23,"A100",Vals!B15)', lambda: F["GPU_DAYS"](3.15e23, "A100", v("B15"))),
        ("=GPU_DAYS(3.15E+23,Vals!B16)", lambda: F["GPU_DAYS"](3.15e23, v("B16"))),
        ('=DECODE_MS("175B","H100")', lambda: F["DECODE_MS"]("175B", "H100")),
        ("=DECODE_MS(Vals!B1,Vals!B10)", lambda: F["DECODE_MS"](v("B1"), v("B10"))),
        ("=TRAIN_FLOPS(Vals!B1,Vals!B2,,Vals!B21)", lambda: F["TRAIN_FLOPS"](v("B1"), v("B2"), None, v("B21"))),
        ('=GPU_DAYS(3.15E+23,"H10")', lambda: F["GPU_DAYS"](3.15e23, "H10")),
        ('=TRAIN_ENERGY_MWH(3.15E+23,"H800")', lambda: F["TRAIN_ENERGY_MWH"](3.15e23, "H800")),
        ('=GPU_DAYS(Vals!B5,"A100")', lambda: F["GPU_DAYS"](v("B5"), "A100")),
        ('=GPU_DAYS(3.15E+23,"A100",,Vals!B25)', lambda: F["GPU_DAYS"](3.15e23, "A100", None, v("B25"))),
        ('=GPU_DAYS(3.15E+23,"A100",,Vals!B6)', lambda: F["GPU_DAYS"](3.15e23, "A100", None, v("B6"))),
        ("=GPU_DAYS(3.15E+23,Vals!B7,1.5)", lambda: F["GPU_DAYS"](3.15e23, v("B7"), 1.5)),
        ("=GPUS_TO_FIT(100,Vals!B7)", lambda: F["GPUS_TO_FIT"](100, v("B7"))),
        ("=IMAGE_TOKENS(1024,768,Vals!B4)", lambda: F["IMAGE_TOKENS"](1024, 768, v("B4"))),
    ]


def build(path) -> list[Case]:
    """Write the fixture workbook; return its cases."""
    wb = openpyxl.Workbook()
    calls = wb.active
    calls.title = "Calls"
    inputs, rng, spill, vals, nested = (wb.create_sheet(n) for n in ("In", "Rng", "Spill", "Vals", "Nested"))
    cases: list[Case] = []
    names = [n for n in F if n not in SKIP]
    for i, name in enumerate(names, start=1):
        fn = F[name]
        ex = list(fn.example)
        for j, value in enumerate(ex, start=1):
            inputs.cell(i, j, value)
        refs = [f"In!{get_column_letter(j)}{i}" for j in range(1, len(fn.args) + 1)]  # blanks beyond the example
        calls[f"A{i}"] = f"={name}({','.join(_lit(x) for x in ex)})"
        cases.append(
            Case("Calls", f"A{i}", calls[f"A{i}"].value, lambda get, fn=fn, ex=ex: outcome(lambda: fn(*ex)), {name})
        )
        calls[f"B{i}"] = f"={name}({','.join(refs)})"
        cases.append(
            Case(
                "Calls",
                f"B{i}",
                calls[f"B{i}"].value,
                lambda get, fn=fn, refs=refs: outcome(lambda: fn(*[get(r) for r in refs])),
                {name},
            )
        )
        # over a range: the first argument takes 3 values, typed as text magnitudes or names
        col = get_column_letter(i)
        for k, x in enumerate(_variations(fn), start=1):
            rng[f"{col}{k}"] = x
        first = f"Rng!{col}1:{col}3"
        anchor = f"A{4 * i - 3}"
        formula = f"={name}({','.join([first] + refs[1 : len(ex)])})"
        cells = [[f"Rng!{col}{k}"] + refs[1 : len(ex)] for k in (1, 2, 3)]
        if i % 5 == 0:  # some as the array formula Excel 365 saves a spilled call as
            spill[anchor] = ArrayFormula(f"{anchor}:A{4 * i - 1}", formula)
        else:
            spill[anchor] = formula
        cases.append(
            Case(
                "Spill",
                anchor,
                formula,
                lambda get, fn=fn, cells=cells: [outcome(lambda c=c: fn(*[get(r) for r in c])) for c in cells],
                {name},
                rows=3,
                array=i % 5 == 0,
            )
        )
    for cell, value in VALS.items():
        vals[cell] = value
    for r, (formula, _) in enumerate(_nested(lambda ref: None), start=1):
        nested[f"A{r}"] = formula
        cases.append(
            Case(
                "Nested",
                f"A{r}",
                formula,
                lambda get, r=r: outcome(_nested(get)[r - 1][1]),
                {n for n in F if n in formula.upper()},
            )
        )
    # the functions without a twin: frozen to Python's value
    calls["D1"] = "=FLOPSHEET_VERSION()"
    calls["D2"] = '="v"&FLOPSHEET_VERSION()'
    calls["E1"] = "=GPU_NAMES()"
    cases.append(
        Case("Calls", "D1", "=FLOPSHEET_VERSION()", lambda get: F["FLOPSHEET_VERSION"](), {"FLOPSHEET_VERSION"})
    )
    cases.append(
        Case(
            "Calls", "D2", '="v"&FLOPSHEET_VERSION()', lambda get: "v" + F["FLOPSHEET_VERSION"](), {"FLOPSHEET_VERSION"}
        )
    )
    names_col = [row[0] for row in F["GPU_NAMES"]().tolist()]
    cases.append(Case("Calls", "E1", "=GPU_NAMES()", lambda get: names_col, {"GPU_NAMES"}, rows=len(names_col)))
    calls["F1"] = "=MODEL_NAMES()"
    model_col = [row[0] for row in F["MODEL_NAMES"]().tolist()]
    cases.append(Case("Calls", "F1", "=MODEL_NAMES()", lambda get: model_col, {"MODEL_NAMES"}, rows=len(model_col)))
    wb.save(path)
    return cases
