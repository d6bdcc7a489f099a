"""The bad-input matrix (issues 3 and 7): every function x every argument x every bad value,
built from the registry so a new function is covered without editing this file.

Each case runs three ways: a Python scalar call, a one-cell call through xlwings' conversion
(udfs_excel_sim.excel_call; error cells as COM error codes), and the bad value as one element
of a 2-row column whose other element is good. Every cell of every result must be a finite
number or one line of text; an error starts with the function's name and names an argument;
a good element next to a bad one still computes.
"""

import functools
import math
import re
import warnings

import pytest
from udfs_excel_sim import MISSING, NA, excel_call

from flopsheet.functions import REGISTRY
from xlwings_harness import import_with_real_decorators

RAGGED = [[1.0, 2.0], [3.0]]
BAD_VALUES = {
    "text": "abc",
    "blank": None,
    "empty text": "",
    "negative": -1.0,
    "zero": 0.0,
    "NaN": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "1e308": 1e308,
    "text 1e400": "1e400",
    "fraction 0.5": 0.5,
    "#N/A": "#N/A",
    "TRUE": True,
    "ragged range": RAGGED,
    "unknown GPU": "H10",
    "unsupported precision": "fp4",
    "unknown precision": "fp3",
    "mfu typed as percent": 46.2,
    # issue 10: names that look like magnitudes, wildcards, control characters, fractional counts
    "GPU name like a magnitude 910B": "910B",
    "GPU name like a number 4090": "4090",
    "peak typed as text 1979": "1979",
    "wildcard H1*": "H1*",
    "wildcard fp*": "fp*",
    "wildcard ?": "?",
    "tab inside": "H\t100",
    "tab after": "bf16\t",
    "fraction 2.5": 2.5,
    "FALSE": False,
    # issue 23: money in the wrong unit (x1000) and as finance types it
    "x1000 27500000": 27500000.0,
    "finance text $27,500": "$27,500",
    "finance text 70bn": "70bn",
    "another currency €5": "€5",
}
TEXT_RESULTS = {"GPU_SPEC", "GPU_NAMES", "FLOPSHEET_VERSION", "RANGE_TEXT"}  # may return text that is not an error
NEGATIVE_RESULTS = {"PARSE_NUM", "GROSS_MARGIN"}  # "-5" means -5; a margin below 0 is a loss
MAX_MESSAGE = 300

# Messages about a combination of arguments name the one to change rather than the one varied.
CROSS_ARGUMENT = (
    re.compile(r"do not fit in .* use gpus >="),
    re.compile(r"do not fit in .* no valid group of gpus <= \d+ holds"),  # and says what to lower (issue 20)
    re.compile(r"^blank in some cells"),
)


def _names(message: str, arg: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", message, re.I) is not None


def cell_problems(name: str, arg: str, value) -> list[str]:
    """What is wrong with one result cell (empty list: nothing)."""
    if isinstance(value, bool) or not isinstance(value, (float, str)):
        return [f"result cell is {type(value).__name__}"]
    if isinstance(value, float):
        if not math.isfinite(value):
            return [f"silent {value}"]
        if value < 0 and name not in NEGATIVE_RESULTS:
            return [f"silent negative {value}"]
        return []
    problems = []
    if "\n" in value or "\r" in value or "Traceback" in value:
        problems.append("not one line")
    if "internal error" in value:
        problems.append("internal error")
    if len(value) > MAX_MESSAGE:
        problems.append(f"{len(value)} characters")
    if not value.startswith(name + ": "):
        if name not in TEXT_RESULTS:
            problems.append("text that is not an error")
        return problems
    message = value[len(name) + 2 :]
    if not _names(message, arg) and not any(p.search(message) for p in CROSS_ARGUMENT):
        problems.append(f"does not name {arg}")
    return problems


def result_cells(result):
    if isinstance(result, list):
        if not result or not all(isinstance(row, list) and row for row in result):
            return [result]  # reported as a bad cell type
        return [c for row in result for c in row]
    return [result]


def _good_value(fn, i):
    return fn.example[i] if i < len(fn.example) else None


@functools.cache
def run_matrix():
    """Run every case once; return (number of cases, [(case, cell, problems)])."""
    udfs = import_with_real_decorators("flopsheet.udfs")
    cases, found = 0, []

    def check(case, name, arg, result, good=None):
        nonlocal cases
        cases += 1
        for k, cell in enumerate(result_cells(result)):
            problems = cell_problems(name, arg, cell)
            if good is not None and k == 0 and isinstance(result, list) and cell != good:
                problems.append(f"the good element next to a bad one changed ({cell!r} != {good!r})")
            if problems:
                found.append((case, cell, problems))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy overflow chatter: results are checked
        for name, fn in REGISTRY.items():
            face = getattr(udfs, name)
            base = [_good_value(fn, i) for i in range(len(fn.args))]
            for i, arg in enumerate(fn.args):
                good_result = face(*base)
                for label, bad in BAD_VALUES.items():
                    args = list(base)
                    args[i] = bad
                    check((name, arg.name, label, "python"), name, arg.name, face(*args))
                    if bad is RAGGED:
                        continue  # Excel cannot send a ragged range
                    xl = [MISSING if v is None and j >= len(fn.example) else v for j, v in enumerate(args)]
                    xl[i] = NA if bad == "#N/A" else bad
                    check((name, arg.name, label, "excel cell"), name, arg.name, excel_call(face, *xl))
                    if (
                        isinstance(good_result, float)
                        or isinstance(good_result, str)
                        and not good_result.startswith(name + ":")
                    ):
                        args[i] = [[base[i]], [bad]]
                        r = face(*args)
                        whole_call = isinstance(r, str) and "blank in some cells" in r
                        check(
                            (name, arg.name, label, "column element"),
                            name,
                            arg.name,
                            r,
                            None if whole_call else good_result,
                        )
    return cases, found


def test_bad_input_matrix():
    cases, found = run_matrix()
    unexplained = found
    print(f"bad-input matrix: {cases} cases")
    assert cases > 1000, f"bad-input matrix: only {cases} cases"
    shown = "\n".join(f"{case}: {cell!r}: {p}" for case, cell, p in unexplained[:25])
    assert not unexplained, f"bad-input matrix: {cases} cases, {len(unexplained)} problems:\n{shown}"


def test_matrix_covers_every_function_and_argument():
    cases, _ = run_matrix()
    per_call = len(BAD_VALUES) * 3 - 2  # ragged runs in Python only
    args = sum(len(f.args) for f in REGISTRY.values())
    assert args >= 100 and cases >= args * (per_call - 3)


def _call_errors(fn, args) -> str | None:
    from flopsheet.errors import FlopsheetError

    try:
        fn(*args)
    except FlopsheetError as e:
        return e.message
    return None


def test_ambiguous_input_is_refused_in_every_argument():
    """Issue 10: a boolean in any argument, a fractional count, a name with a wildcard or a tab,
    text in a GPU argument that only looks like a peak: an error that names the argument and
    says what to type, never a number."""
    missed = []
    for name, fn in REGISTRY.items():
        base = [_good_value(fn, i) for i in range(len(fn.args))]
        rules = fn.formula.rules if fn.formula is not None else {}
        for i, arg in enumerate(fn.args):
            bad_values = [True, False]
            param = arg.engine or arg.name
            if arg.kind == "number" and param in rules and rules[param].whole:
                bad_values += [0.4, 2.5]
            if arg.kind in ("gpu", "precision", "text"):
                bad_values += ["H1*", "?", "~x", "H\t100", "bf16\n"]
            if arg.kind == "gpu":
                bad_values += ["1979"]
                if "peak_tflops" in rules:  # the Ascend 910B has memory but no confirmed peak
                    bad_values += ["910B"]
            for bad in bad_values:
                args = list(base)
                args[i] = bad
                message = _call_errors(fn, args)
                if message is None or not _names(message, arg.name):
                    missed.append(f"{name}({arg.name}={bad!r}): {message!r}")
                elif isinstance(bad, float) and "type" not in message:
                    missed.append(f"{name}({arg.name}={bad!r}) does not say what to type: {message}")
    assert not missed, "\n".join(missed[:30])


def test_gpu_text_is_always_a_name():
    from flopsheet import catalog
    from flopsheet.functions import GPU_DAYS

    assert "Ascend 910B" in _call_errors(GPU_DAYS, (6.3e24, "910B"))
    peak = catalog.peak_tflops(catalog.resolve("RTX 4090"), "bf16")
    assert GPU_DAYS(6.3e24, "4090") == GPU_DAYS(6.3e24, peak) != GPU_DAYS(6.3e24, 4090.0)
    assert "type the number without quotes" in _call_errors(GPU_DAYS, (6.3e24, "1979"))
    assert GPU_DAYS(6.3e24, 1979.0) > 0  # a real number is a peak


def test_a_gpu_without_a_peak_still_has_its_memory():
    """The Ascend 910B's peak is unconfirmed but its 64 GB are not: a function that needs only
    memory computes with it, one that needs the peak says why it cannot."""
    from flopsheet.functions import GPUS_TO_FIT, TRAIN_DAYS

    assert GPUS_TO_FIT(350, "910B") == GPUS_TO_FIT(350, "910B", 0.9) == 7  # 350 / (64 x 0.9) = 6.08
    assert "no dense bf16/fp16 peak" in _call_errors(TRAIN_DAYS, (6.3e24, "910B", 1000))


def test_counts_are_whole_and_say_what_to_type():
    from flopsheet.functions import KV_CACHE_GB, TRAIN_DAYS

    assert (
        _call_errors(TRAIN_DAYS, (6.3e24, "H100", 0.4))
        == "TRAIN_DAYS: gpus must be a whole number >= 1 (got 0.4; a count is whole: type 1)"
    )
    assert "type 2 or 3" in _call_errors(KV_CACHE_GB, (32, 8, 128, 1000, 2.5))
    assert TRAIN_DAYS(6.3e24, "H100", 1024) > 0


def test_implausible_model_sizes_and_training_tokens_are_refused():
    from flopsheet.functions import CHINCHILLA_TOKENS, DECODE_MS, INFER_FLOPS, TRAIN_FLOPS, WEIGHTS_GB

    assert (
        _call_errors(TRAIN_FLOPS, (70, "300B"))
        == "TRAIN_FLOPS: params 70 is not a plausible model size; type 70B or 7E+10"
    )
    # issue 23: token counts may be small: 6N FLOPs per token, or per step of a measured run
    assert TRAIN_FLOPS("70B", 1) == 6 * 70e9 and TRAIN_FLOPS("70B", 300) == 6 * 70e9 * 300
    assert TRAIN_FLOPS("Llama 3.1 405B", 1) * 15.6e12 == pytest.approx(TRAIN_FLOPS("Llama 3.1 405B", "15.6T"))
    # ... and WEIGHTS_GB's bytes per weight may be the format's name
    assert WEIGHTS_GB("405B", "fp8") == WEIGHTS_GB("405B", 1) == 405 and WEIGHTS_GB("405B", "FP4 ") == 202.5
    assert "number format" in _call_errors(WEIGHTS_GB, ("405B", "fp3"))
    for fn, args in [
        (CHINCHILLA_TOKENS, (70,)),
        (WEIGHTS_GB, (70,)),
        (DECODE_MS, (8, "H100")),
        (INFER_FLOPS, (175, 20, 300)),
    ]:
        assert (
            "type 70B" in _call_errors(fn, args)
            or "type 8B" in _call_errors(fn, args)
            or "type 175B" in _call_errors(fn, args)
        )
    assert INFER_FLOPS("175B", 20, 300) > 0 and WEIGHTS_GB(1e6) > 0  # prompt tokens have no minimum


def test_the_checker_catches_what_it_must():
    assert cell_problems("GPU_DAYS", "mfu", float("nan")) == ["silent nan"]
    assert cell_problems("GPU_DAYS", "mfu", -3.0) == ["silent negative -3.0"]
    assert cell_problems("GPU_DAYS", "mfu", "GPU_DAYS: flops must be > 0 (got -1)") == ["does not name mfu"]
    assert "not one line" in cell_problems("GPU_DAYS", "mfu", "GPU_DAYS: mfu\nTraceback")
    assert cell_problems("GPU_DAYS", "mfu", "oops") == ["text that is not an error"]
    assert cell_problems("GPU_DAYS", "gpu", 'GPU_DAYS: unknown GPU "H10"') == []
    assert cell_problems("GPU_DAYS", "gpu", "GPU_DAYS: gpus must be whole") == ["does not name gpu"]


# issue 23: every money or time input, found by its engine rule, in the unit a slip gives
def _money_inputs():
    from flopsheet.engine._checks import USD_PER_GPU, USD_PER_GPU_HOUR, USD_PER_KWH, YEARS

    typical = {USD_PER_KWH: 0.08, USD_PER_GPU: 27500.0, USD_PER_GPU_HOUR: 2.5, YEARS: 4.0}
    found = []
    for name, fn in REGISTRY.items():
        rules = fn.formula.rules if fn.formula is not None else {}
        for i, arg in enumerate(fn.args):
            rule = rules.get(arg.engine or arg.name)
            if arg.kind == "number" and rule in typical:
                found.append((name, fn, i, arg.name, rule, typical[rule]))
    return found, (USD_PER_KWH, USD_PER_GPU, USD_PER_GPU_HOUR, YEARS)


def _money_call(fn, i, value):
    args = [_good_value(fn, j) for j in range(len(fn.args))]
    for j, a in enumerate(fn.args):  # the money arguments a call leaves blank get a plausible value
        if args[j] is None and a.kind == "number" and a.name in ("usd_per_gpu", "usd_per_kwh", "years"):
            args[j] = {"usd_per_gpu": 27500.0, "usd_per_kwh": 0.08, "years": 4.0}[a.name]
    args[i] = value
    return args


def test_money_inputs_in_the_wrong_unit_are_refused_with_what_to_type():
    found, (kwh, gpu_price, gpu_hour, years) = _money_inputs()
    functions = {name for name, *_ in found}
    # every function taking money or years is covered (a new one joins by its engine rule)
    assert {
        "GPU_TCO_PER_HOUR",
        "ENERGY_COST_USD",
        "CLUSTER_CAPEX",
        "TRAIN_COST",
        "TRAIN_COST_AMORTISED",
        "COST_PER_MTOK",
    } <= functions
    missed = []
    for name, fn, i, arg, rule, good in found:
        assert _call_errors(fn, _money_call(fn, i, good)) is None, (name, arg)
        slips = {"x1000": good * 1000, "/1000": good / 1000}
        if rule is years:
            slips["months"] = good * 12
        for slip, value in slips.items():
            message = _call_errors(fn, _money_call(fn, i, value))
            if message is None or not _names(message, arg) or "type" not in message:
                missed.append(f"{name}({arg}={value!r}, {slip}): {message!r}")
    assert not missed, "\n".join(missed)


def test_the_wrong_unit_messages_say_what_to_type():
    from flopsheet.functions import CLUSTER_CAPEX, ENERGY_COST_USD, GPU_TCO_PER_HOUR, TRAIN_COST

    assert _call_errors(GPU_TCO_PER_HOUR, (27500, 4, "H100", 80)).endswith("for 80 $/MWh type 0.08")
    assert "for 48 months type 4" in _call_errors(GPU_TCO_PER_HOUR, (27500, 48, "H100", 0.08))
    assert 'for $27.5k type 27500 or "$27.5k"' in _call_errors(CLUSTER_CAPEX, (100000, "H100", 27.5))
    assert "for 150 cents type 1.5" in _call_errors(TRAIN_COST, (3e23, "H100", 150))
    assert "0.08" in _call_errors(ENERGY_COST_USD, (150, 80))
    # the numbers, right once typed right: $1.25 per GPU-hour, not $123.53
    assert round(GPU_TCO_PER_HOUR(27500, 4, "H100", 0.08), 2) == 1.25


def test_finance_text_is_read_as_finance_means_it():
    """ "$2.50", "$27,500", "70bn", "15tn", "$2.5mm" read in every money input and in counts; another
    currency refused, naming the argument."""
    from flopsheet.functions import CLUSTER_CAPEX, GPU_TCO_PER_HOUR, TRAIN_FLOPS

    found, _ = _money_inputs()
    for name, fn, i, arg, _rule, good in found:
        expected = fn(*_money_call(fn, i, good))
        text = "$" + (f"{good:,.0f}" if good >= 1000 else f"{good:g}")
        assert fn(*_money_call(fn, i, text)) == expected, (name, arg, text)
        message = _call_errors(fn, _money_call(fn, i, "€" + f"{good:g}"))
        assert message and _names(message, arg) and "US dollars" in message, (name, arg, message)
    assert CLUSTER_CAPEX(100000, "H100", "$27,500") == CLUSTER_CAPEX(100000, "H100", 27500)
    assert CLUSTER_CAPEX(100000, "H100", "$27.5k") == CLUSTER_CAPEX(100000, "H100", 27500)
    assert GPU_TCO_PER_HOUR("$27,500", 4, "H100", "$0.08") == GPU_TCO_PER_HOUR(27500, 4, "H100", 0.08)
    assert TRAIN_FLOPS("70bn", "15tn") == TRAIN_FLOPS(70e9, 15e12) == 6 * 70e9 * 15e12
    assert CLUSTER_CAPEX("2.5mm", "H100", 27500) == CLUSTER_CAPEX(2.5e6, "H100", 27500)
