"""The xlwings Lite face (workbook/lite/main.py) through Lite's conversion rules (lite_sim): the
same declarations as the classic face, and exactly the classic face's answers over every
function and the bad-input matrix: blank cells, omitted optional arguments, error cells, rows,
columns and blocks, results wrapped as matrices."""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import lite_sim
import pytest
from lite_face import MAIN, lite_main
from test_udfs_bad_inputs import BAD_VALUES, RAGGED
from udfs_excel_sim import MISSING, NA, excel_call

from flopsheet.functions import REGISTRY
from flopsheet.functions.declaration import excel_required
from xlwings_harness import import_with_real_decorators

CASES_AT_LEAST = 10_000
# Bad values also tried as the first cell of a one-row range (Lite's to_scalar hands a row over as a
# flat list, which ndim=2 makes a row again): one of each kind of cell, to keep the run short.
ROW_LABELS = ("text", "blank", "empty text", "zero", "#N/A", "TRUE", "fraction 2.5", "unknown GPU")


def test_the_emulated_rules_are_still_xlwings_rules():
    """lite_sim restates xlwings' Lite code (pro/udfs_officejs.py, pro/_xlofficejs.py); if a new
    xlwings changes what it restates, this fails and lite_sim (and maybe excel_io) must follow."""
    if not lite_sim.pro_available():
        reason = f"xlwings {lite_sim.xlwings.__version__} has no pro/ folder: Lite's rules cannot be checked"
        if lite_sim.in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    assert lite_sim.check_pins() == []


def test_the_pins_can_fail(tmp_path):
    if not lite_sim.pro_available():
        pytest.skip("xlwings has no pro/ folder")
    copy = tmp_path / "xlwings"
    (copy / "pro").mkdir(parents=True)
    for rel in lite_sim.PINS:
        shutil.copy(lite_sim.xlwings_dir() / rel, copy / rel)
    source = (copy / "pro" / "udfs_officejs.py").read_text(encoding="utf-8")
    changed = source.replace('args[i] = arg_info.get("optional", None)', "args[i] = None")
    assert changed != source
    (copy / "pro" / "udfs_officejs.py").write_text(changed, encoding="utf-8")
    assert lite_sim.check_pins(copy) == [
        "pro/udfs_officejs.py: custom_functions_call: \"args[i] = arg_info.get('optional', None)\""
    ]


def test_the_tests_do_not_load_xlwings_lite_code():
    lite_main()
    assert not [
        m
        for m in sys.modules
        if m.startswith(("xlwings.pro.udfs_officejs", "xlwings.pro._xlofficejs", "xlwings.server"))
    ]


def test_lite_declares_every_function_as_the_registry_does():
    declared = {f["name"]: f for f in lite_sim.meta(lite_main())}
    assert set(declared) == set(REGISTRY)
    for name, fn in REGISTRY.items():
        f = declared[name]
        assert f["description"] == fn.summary
        assert [p["name"] for p in f["parameters"]] == [a.name for a in fn.args]
        assert [p["description"] for p in f["parameters"]] == [a.doc for a in fn.args]
        # optional: those with a default, and those a shorter form does without (KV_CACHE_GB's head_dim)
        assert [p.get("optional", False) for p in f["parameters"]] == [
            a.optional or i >= excel_required(fn) for i, a in enumerate(fn.args)
        ]
        defaults = {a["name"]: a.get("optional", MISSING) for a in getattr(lite_main(), name).__xlfunc__["args"]}
        assert defaults == {
            a.name: a.default if a.optional else None if i >= excel_required(fn) else MISSING
            for i, a in enumerate(fn.args)
        }
        for a in getattr(lite_main(), name).__xlfunc__["args"]:
            assert a["options"] == {"ndim": 2, "err_to_str": True}, (name, a["name"])


def test_a_blank_or_omitted_optional_argument_is_its_default_and_a_row_stays_a_row():
    """The conversion rules themselves (lite_sim), on a probe function."""

    @lite_sim.func
    @lite_sim.arg("x", ndim=2, err_to_str=True)
    @lite_sim.arg("y", ndim=2, err_to_str=True)
    def probe(x, y=0.4):
        return [[repr(x), repr(y)]]

    def args(*cells):
        return lite_sim.converted_args(probe, *cells)

    assert args(5.0) == [[[5]], 0.4]  # one cell: [[x]] (ndim=2), a whole number as int; omitted: default
    assert args(None, None) == [None, 0.4]  # blank required: None; blank optional: the default
    assert args([[1.5, None, 3.0]]) == [[[1.5, None, 3]], 0.4]  # a row; a blank inside a range: None
    assert args([[1.5], [""]]) == [[[1.5], [None]], 0.4]  # a column; "" is blank too
    assert args(lite_sim.error_cell("#N/A"), [[lite_sim.error_cell("#DIV/0!")]]) == [[["#N/A"]], [["#DIV/0!"]]]
    assert lite_sim.write(2.5, probe) == [[2.5]]
    assert lite_sim.write([[1.0, "GPU_DAYS: gpu ..."]], probe) == [[1.0, "GPU_DAYS: gpu ..."]]
    assert lite_sim.write("#N/A", probe) == [[{"type": "Error", "errorType": "NotAvailable"}]]
    assert lite_sim.write(float("nan"), probe) == [[{"type": "Error", "errorType": "Num"}]]


def _classic(face, *cells):
    """(Python result, matrix Excel receives) of the classic face for cells given as COM hands them."""
    seen = []

    def spy(*args):
        seen.append(face(*args))
        return seen[-1]

    spy.__xlfunc__ = face.__xlfunc__
    matrix = excel_call(spy, *cells)
    return seen[0], matrix


def _as_matrix(result):
    return result if isinstance(result, list) else [[result]]


def _to_lite(cells):
    return [lite_sim.MISSING if c is MISSING else c for c in cells]


def compare_faces():
    """Every function x argument x bad value, as one cell, in a column (some in a row); plus each
    function on its example with every optional argument blank, omitted, and the first argument
    as a 2x2 block. Returns (cases, differences)."""
    classic = import_with_real_decorators("flopsheet.udfs")
    lite = lite_main()
    cases, diffs = 0, []

    def check(case, name, classic_cells, lite_cells):
        nonlocal cases
        cases += 1
        want, _ = _classic(getattr(classic, name), *classic_cells)
        got, matrix = lite_sim.lite_call(getattr(lite, name), *_to_lite(lite_cells))
        if got != want or type(got) is not type(want):
            diffs.append((case, want, got))
        elif matrix != _as_matrix(got):  # Lite changed what goes back (an error text, a NaN...)
            diffs.append((case + ("written",), _as_matrix(got), matrix))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name, fn in REGISTRY.items():
            example = list(fn.example) + [MISSING] * (len(fn.args) - len(fn.example))
            check((name, "example"), name, example, example)
            blanks = [None if a.optional else v for a, v in zip(fn.args, example)]
            check((name, "optional arguments blank"), name, blanks, blanks)
            if fn.example:
                block = [[fn.example[0], fn.example[0]], [fn.example[0], fn.example[0]]]
                check((name, "2x2 block"), name, [block, *example[1:]], [block, *example[1:]])
            for i, a in enumerate(fn.args):
                for label, bad in BAD_VALUES.items():
                    if bad is RAGGED:
                        continue  # Excel cannot send a ragged range
                    xl, li = list(example), list(example)
                    xl[i], li[i] = (NA, lite_sim.error_cell("#N/A")) if label == "#N/A" else (bad, bad)
                    check((name, a.name, label, "cell"), name, xl, li)
                    good = None if example[i] is MISSING else example[i]
                    xl[i] = li[i] = [[good], [bad]]
                    if label == "#N/A":
                        xl[i], li[i] = [[good], [NA]], [[good], [lite_sim.error_cell("#N/A")]]
                    check((name, a.name, label, "column"), name, xl, li)
                    if label not in ROW_LABELS:
                        continue
                    xl[i] = li[i] = [[bad, good]]
                    if label == "#N/A":
                        xl[i], li[i] = [[NA, good]], [[lite_sim.error_cell("#N/A"), good]]
                    check((name, a.name, label, "row"), name, xl, li)
    return cases, diffs


def test_lite_answers_exactly_as_the_classic_face():
    cases, diffs = compare_faces()
    print(f"Lite vs classic: {cases} cases")
    assert cases > CASES_AT_LEAST
    shown = "\n".join(f"{case}: classic {want!r}, Lite {got!r}" for case, want, got in diffs[:20])
    assert not diffs, f"{len(diffs)} of {cases} cases differ:\n{shown}"


def test_the_comparison_can_fail(monkeypatch):
    """A Lite face that lost an optional default would be caught."""
    lite = lite_main()
    f = lite.GPU_DAYS
    info = f.__xlfunc__["args"][2]
    monkeypatch.setitem(info, "optional", 0.5)  # mfu's default, as if main.py said 0.5
    classic = import_with_real_decorators("flopsheet.udfs")
    want, _ = _classic(classic.GPU_DAYS, 3.15e23, "A100", None)
    got, _ = lite_sim.lite_call(f, 3.15e23, "A100", None)
    assert isinstance(want, float) and isinstance(got, float) and got != want


# The import-isolation run: main.py and every function's example in a fresh interpreter where
# any module that is neither the standard library, numpy, xlwings (Lite's own) nor flopsheet's
# function path cannot be imported; it prints what it computed and which modules it loaded.
ISOLATED = r"""
import importlib.abc, json, sys
at_start = set(sys.modules)  # what site and .pth files loaded before this check began
sys.path[:0] = [TESTS_UDFS, TESTS]
ALLOWED = {"numpy", "xlwings", "flopsheet", "lite_sim", "lite_face", "flopsheet_lite_main"}
FORBIDDEN_FLOPSHEET = ("flopsheet.template", "flopsheet.handoff", "flopsheet.untrusted", "flopsheet.packagecheck",
                       "flopsheet.recalc", "flopsheet.udfs")
refused = []

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if name.startswith(FORBIDDEN_FLOPSHEET) or name.startswith(("xlwings.pro.udfs_officejs", "xlwings.server")) \
                or (top not in sys.stdlib_module_names and top not in ALLOWED and not top.startswith("_")):
            refused.append(name)
            raise ImportError(f"blocked in the Lite import check: {name}")
        return None

sys.meta_path.insert(0, Blocker())
import lite_sim
from lite_face import load_main
from flopsheet.functions import REGISTRY
main = load_main()
results = {}
for name, fn in REGISTRY.items():
    got, matrix = lite_sim.lite_call(getattr(main, name), *fn.example)
    results[name] = matrix
new = set(sys.modules) - at_start
loaded = sorted({m.split(".")[0] for m in new if m.split(".")[0] not in sys.stdlib_module_names})
flopsheet_modules = sorted(m for m in sys.modules if m.startswith("flopsheet"))
for probe in ("openpyxl", "flopsheet.template"):  # the blocker itself works
    try:
        __import__(probe)
    except ImportError:
        pass
print(json.dumps({"results": results, "loaded": loaded, "flopsheet": flopsheet_modules, "refused": refused}))
"""


def test_main_py_and_every_function_need_only_numpy_and_xlwings():
    import json

    tests_udfs = Path(__file__).resolve().parent
    code = ISOLATED.replace("TESTS_UDFS", repr(str(tests_udfs))).replace("TESTS", repr(str(tests_udfs.parent)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(out["loaded"]) <= {"numpy", "xlwings", "flopsheet", "lite_sim", "lite_face", "flopsheet_lite_main"}, out[
        "loaded"
    ]
    assert "flopsheet.functions" in out["flopsheet"] and "flopsheet.excel_io" in out["flopsheet"]
    assert out["refused"][-2:] == ["openpyxl", "flopsheet.template"], out["refused"]
    assert not [r for r in out["refused"][:-2] if r.startswith("flopsheet")], out["refused"]
    lite = lite_main()
    for name, fn in REGISTRY.items():  # the same answers as with everything importable
        assert out["results"][name] == lite_sim.lite_call(getattr(lite, name), *fn.example)[1], name
    computed = [m for m in out["results"].values() if isinstance(m[0][0], float)]
    assert len(computed) >= len(REGISTRY) - 6, out["results"]  # all but the text-valued functions
    assert MAIN.is_file()


def test_a_blank_handed_over_as_zero_would_not_pass_silently():
    """xlwings' Lite code reads a blank cell as None, as the classic face does; if a real Excel
    handed one over as 0 instead, every optional argument but one refuses 0 with a message naming
    it or gives the blank's answer: only COST_PER_MTOK's kind reads 0 as a number of its own (an
    output share of 0: the input price), as the README says."""
    from flopsheet import excel_io

    silent = []
    for name, fn in REGISTRY.items():
        example = list(fn.example) + [None] * (len(fn.args) - len(fn.example))
        for i, a in enumerate(fn.args):
            if not a.optional:
                continue
            blank, zero = list(example), list(example)
            blank[i], zero[i] = None, 0.0
            b, z = excel_io.call(fn, blank), excel_io.call(fn, zero)
            if b != z and not (isinstance(z, str) and z.startswith(f"{name}: ") and a.name in z):
                silent.append((name, a.name))
    assert silent == [("COST_PER_MTOK", "kind")]
