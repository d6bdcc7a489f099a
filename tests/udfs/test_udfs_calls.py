"""Calls shaped like Excel's: scalars, blanks, text magnitudes, columns, rows, blocks, broadcast,
mismatched shapes, error values, one bad element. `excel_call` converts arguments and the result
with xlwings' own pipeline and the options flopsheet.udfs declares (udfs_excel_sim.py)."""

import math

import numpy as np
import pytest
from udfs_excel_sim import DIV0, MISSING, NA, excel_call

import flopsheet
from flopsheet.engine import DEFAULT_GOODPUT
from flopsheet.functions import REGISTRY
from xlwings_harness import import_with_real_decorators


@pytest.fixture(scope="module")
def u():
    return import_with_real_decorators("flopsheet.udfs")


def days(flops, gpu="A100", mfu=0.462):
    # GPU_DAYS charges downtime: the default goodput applies when the argument is blank.
    return flops / ({"A100": 312.0, "H100": 989.5}[gpu] * 1e12 * mfu * DEFAULT_GOODPUT * 86400)


def is_error(value, name="GPU_DAYS"):
    return isinstance(value, str) and value.startswith(name + ": ") and "\n" not in value


# -- single cells -------------------------------------------------------------------------------


def test_scalar_call_returns_a_float(u):
    r = u.GPU_DAYS(3.15e23, "A100", 0.462)
    assert type(r) is float and r == pytest.approx(3.15e23 / (312e12 * 0.462 * DEFAULT_GOODPUT * 86400), rel=1e-12)
    assert excel_call(u.GPU_DAYS, 3.15e23, "A100", 0.462) == [[r]]
    assert u.GPU_DAYS(3.15e23, "A100", mfu=0.462) == r  # keyword calls from Python work too


def test_one_cell_ranges_take_the_scalar_path(u):
    assert u.GPU_DAYS([[3.15e23]], [["A100"]], [[0.462]]) == u.GPU_DAYS(3.15e23, "A100", 0.462)


def test_blank_optional_means_default_and_blank_required_is_an_error(u):
    default = u.GPU_DAYS(3.15e23, "A100")
    assert default == pytest.approx(days(3.15e23, mfu=0.375))  # BF16 training MFU (TrainMFU)
    assert excel_call(u.GPU_DAYS, 3.15e23, "A100", None) == [[default]]  # empty cell
    assert excel_call(u.GPU_DAYS, 3.15e23, "A100", MISSING) == [[default]]  # omitted argument
    assert excel_call(u.GPU_DAYS, 3.15e23, "A100", "") == [[default]]
    r = excel_call(u.GPU_DAYS, None, "A100")[0][0]
    assert is_error(r) and "flops" in r and "blank" in r
    r = excel_call(u.GPU_DAYS, 3.15e23, None)[0][0]
    assert is_error(r) and "gpu" in r


def test_text_magnitudes(u):
    assert u.TRAIN_FLOPS("175B", "300B") == pytest.approx(3.15e23)
    assert u.GPU_DAYS("3.15e23", "A100", "46.2%") == pytest.approx(u.GPU_DAYS(3.15e23, "A100", 0.462))
    assert u.PARSE_NUM("2.53万") == 25300.0
    assert u.TRAIN_FLOPS(" 1,000,000 ", "1M") == pytest.approx(6e12)


def test_text_results(u):
    assert u.FLOPSHEET_VERSION() == flopsheet.__version__
    assert u.GPU_SPEC("H100", "vendor") == "NVIDIA"
    assert u.GPU_SPEC("H100", "memory_gb") == 80.0 and type(u.GPU_SPEC("H100", "year")) is float
    names = u.GPU_NAMES()
    assert all(len(row) == 1 and isinstance(row[0], str) for row in names) and ["H100 SXM"] in names


# -- ranges ------------------------------------------------------------------------------------


def test_column_row_and_block_keep_their_shape(u):
    col = [[1e23], [2e23], [3e23]]
    assert u.GPU_DAYS(col, "A100", 0.462) == [[pytest.approx(days(x[0]))] for x in col]
    row = [[1e23, 2e23, 3e23]]
    assert u.GPU_DAYS(row, "A100", 0.462) == [[pytest.approx(days(x)) for x in row[0]]]
    block = [[1e23, 2e23, 3e23], [4e23, 5e23, 6e23]]
    assert u.GPU_DAYS(block, "A100", 0.462) == [[pytest.approx(days(x)) for x in r] for r in block]
    # and through xlwings' conversion (COM hands ranges over as tuples of tuples)
    assert excel_call(u.GPU_DAYS, block, "A100", 0.462) == u.GPU_DAYS(block, "A100", 0.462)


def test_column_against_row_broadcasts_like_excel(u):
    r = excel_call(u.GPU_DAYS, [[1e23], [2e23], [3e23]], [["A100", "H100"]], 0.462)
    assert r == [[pytest.approx(days(f, g)) for g in ("A100", "H100")] for f in (1e23, 2e23, 3e23)]


def test_python_arrays_and_flat_lists(u):
    arr = np.array([[1e23], [2e23]])
    assert u.GPU_DAYS(arr, "A100", 0.462) == [[pytest.approx(days(1e23))], [pytest.approx(days(2e23))]]
    assert u.GPU_DAYS([1e23, 2e23], "A100", 0.462) == u.GPU_DAYS(arr, "A100", 0.462)  # 1-D -> column


def test_mismatched_shapes_are_one_line(u):
    r = excel_call(u.GPU_DAYS, [[1e23], [2e23], [3e23]], "A100", [[0.4], [0.5]])
    assert len(r) == 1 and len(r[0]) == 1
    msg = r[0][0]
    assert is_error(msg) and "flops" in msg and "mfu" in msg and "3x1" in msg and "2x1" in msg


def test_one_bad_element_errors_alone(u):
    col = [[1e23], ["abc"], [3e23], [-1.0], [None]]
    r = excel_call(u.GPU_DAYS, col, "A100", 0.462)
    assert r[0][0] == pytest.approx(days(1e23)) and r[2][0] == pytest.approx(days(3e23))
    assert is_error(r[1][0]) and '"abc"' in r[1][0] and "flops" in r[1][0]
    assert is_error(r[3][0]) and "flops must be > 0" in r[3][0]
    assert is_error(r[4][0]) and "blank" in r[4][0]


def test_one_bad_gpu_in_a_column(u):
    r = u.GPU_DAYS(1e23, [["A100"], ["H10"], ["H100"]], 0.462)
    assert r[0][0] == pytest.approx(days(1e23)) and r[2][0] == pytest.approx(days(1e23, "H100"))
    assert r[1][0] == 'GPU_DAYS: unknown GPU "H10"; did you mean "H100 SXM"?'


# -- Excel error values -------------------------------------------------------------------------


def test_error_cells_arrive_as_text_and_are_reported(u):
    r = excel_call(u.GPU_DAYS, NA, "A100", 0.462)[0][0]
    assert r == "GPU_DAYS: flops is #N/A (an error value in the input)"
    # an error in an OPTIONAL argument must not quietly become the default
    r = excel_call(u.GPU_DAYS, 3.15e23, "A100", DIV0)[0][0]
    assert is_error(r) and "mfu" in r and "#DIV/0!" in r
    col = excel_call(u.GPU_DAYS, [[1e23], [NA], [3e23]], "A100", 0.462)
    assert col[0][0] == pytest.approx(days(1e23)) and col[2][0] == pytest.approx(days(3e23))
    assert col[1][0] == "GPU_DAYS: flops is #N/A (an error value in the input)"


def test_error_values_as_python_none_or_typed_text(u):
    # Without err_to_str xlwings would pass None: a required argument then says "blank".
    assert "flops is required" in u.GPU_DAYS(None, "A100")
    assert u.GPU_DAYS("#N/A", "A100") == "GPU_DAYS: flops is #N/A (an error value in the input)"
    assert "gpu is #N/A" in u.GPU_DAYS(1e23, "#N/A")


def test_true_is_not_a_number(u):
    r = excel_call(u.GPU_DAYS, True, "A100")[0][0]
    assert is_error(r) and "flops" in r and "TRUE" in r


# -- never a traceback --------------------------------------------------------------------------


def test_unexpected_exceptions_become_one_line(u, monkeypatch):
    import flopsheet.excel_io as excel_io

    def boom(*args, **kwargs):
        raise RuntimeError("engine exploded\nsecond line")

    monkeypatch.setattr(excel_io, "evaluate", boom)
    r = u.GPU_DAYS(1e23, "A100")
    assert r == "GPU_DAYS: internal error: RuntimeError: engine exploded"


@pytest.mark.parametrize("weird", [object(), {"a": 1}, [[[1.0]]], [], [[]], np.zeros((2, 2, 2)), b"bytes", 1j])
def test_weird_python_values_never_raise(u, weird):
    r = u.GPU_DAYS(weird, "A100")
    cells = r if isinstance(r, list) else [[r]]
    for row in cells:
        for c in row:
            assert isinstance(c, (str, float)), c
            if isinstance(c, str):
                assert is_error(c) and "Traceback" not in c
            else:
                assert math.isfinite(c)


def test_non_finite_results_of_custom_functions_are_errors(u):
    # PARSE_NUM has its own implementation (no engine rules): the face still never shows inf
    r = u.PARSE_NUM("1e400")
    assert is_error(r, "PARSE_NUM") and "text" in r
    col = u.PARSE_NUM([["1e400"], ["5"]])
    assert is_error(col[0][0], "PARSE_NUM") and col[1][0] == 5.0


# -- the face adds nothing: every example equals the Python API ---------------------------------


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_examples_through_excel_equal_the_python_api(name, u):
    fn = REGISTRY[name]
    expected = fn(*fn.example)
    got = excel_call(getattr(u, name), *fn.example)
    if isinstance(expected, np.ndarray):
        assert got == expected.tolist()
    else:
        assert got == [[float(expected) if not isinstance(expected, str) else expected]]
