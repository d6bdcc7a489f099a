"""Scaling laws and broadcasting rules of the engine, as properties (hypothesis)."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopsheet import engine
from flopsheet.errors import FlopsheetError

pos = st.floats(min_value=1e-3, max_value=1e15, allow_nan=False, allow_infinity=False)
big = st.floats(min_value=1e6, max_value=1e27, allow_nan=False, allow_infinity=False)
frac = st.floats(min_value=0.01, max_value=1.0)
peak = st.floats(min_value=1.0, max_value=20000.0)
whole = st.integers(min_value=1, max_value=100_000)


@given(params=big, tokens=big)
def test_double_the_tokens_double_the_flops(params, tokens):
    assert engine.train_flops(params, 2 * tokens) == pytest.approx(2 * engine.train_flops(params, tokens), rel=1e-12)


@given(flops=big, pk=peak, mfu=frac, gpus=whole)
def test_gpu_days_over_gpus_is_train_days(flops, pk, mfu, gpus):
    assert engine.gpu_days(flops, pk, mfu) / gpus == pytest.approx(engine.train_days(flops, pk, gpus, mfu), rel=1e-12)


@given(flops=big, pk=peak, mfu=frac)
def test_gpu_hours_is_24_gpu_days(flops, pk, mfu):
    assert engine.gpu_hours(flops, pk, mfu) == pytest.approx(24 * engine.gpu_days(flops, pk, mfu), rel=1e-12)


@given(flops=big, pk=peak, mfu=frac, days=st.floats(min_value=0.01, max_value=1e4))
def test_gpus_needed_finishes_in_time_and_one_fewer_does_not(flops, pk, mfu, days):
    n = engine.gpus_needed(flops, pk, days, mfu)
    assert n >= 1 and n == int(n)
    assert engine.train_days(flops, pk, n, mfu) <= days * (1 + 1e-9)
    if n > 1:
        assert engine.train_days(flops, pk, n - 1, mfu) > days * (1 - 1e-9)


@given(h=st.integers(1, 10_000), w=st.integers(1, 10_000), patch=st.integers(1, 64))
def test_image_tokens_monotone_and_whole(h, w, patch):
    t = engine.image_tokens(h, w, patch)
    assert t == int(t) and t >= 1
    assert engine.image_tokens(h + 1, w, patch) >= t
    assert engine.image_tokens(h, w + 1, patch) >= t
    assert t * patch * patch >= h * w  # a partial patch still costs a token


@given(frames=st.integers(1, 500), h=st.integers(1, 4096), tp=st.integers(1, 8))
def test_video_tokens_monotone_in_frames(frames, h, tp):
    assert engine.video_tokens(frames + 1, h, h, 16, tp) >= engine.video_tokens(frames, h, h, 16, tp)


@given(amount=pos)
def test_text_tokens_and_words_invert(amount):
    assert engine.tokens_to_words(engine.text_tokens(amount)) == pytest.approx(amount, rel=1e-12)


@settings(max_examples=50)
@given(rows=st.integers(1, 5), cols=st.integers(1, 5))
def test_broadcast_shape_out(rows, cols):
    col = np.linspace(1e9, 2e9, rows).reshape(rows, 1)
    row = np.linspace(1e11, 2e11, cols).reshape(1, cols)
    out = engine.train_flops(col, row)
    assert out.shape == (rows, cols)
    assert out[rows - 1, cols - 1] == pytest.approx(6 * col[-1, 0] * row[0, -1])
    assert isinstance(engine.train_flops(1e9, 1e9), float)


def test_mismatched_shapes_are_one_line():
    with pytest.raises(FlopsheetError) as e:
        engine.train_flops(np.ones(3), np.ones(4))
    assert "\n" not in str(e.value) and "shapes" in str(e.value)


def test_attention_terms():
    # PaLM appendix B: 12 L d s per token on top of 6N.
    base = engine.train_flops(1e9, 1e9)
    assert engine.train_flops(1e9, 1e9, 6, 24, 2048, 2048) - base == pytest.approx(12 * 24 * 2048 * 2048 * 1e9)
    # The spec's long-context example: 1M-token prompt on an 8B model, attention ~17x the 2N term.
    with_attn = engine.infer_flops(8.03e9, 1_000_000, 0, 32, 4096)
    plain = engine.infer_flops(8.03e9, 1_000_000, 0)
    assert (with_attn - plain) / plain == pytest.approx(16.3, rel=0.1)


@pytest.mark.parametrize(
    "call,arg",
    [
        (lambda: engine.gpu_days(1e23, 312, 46.2), "mfu"),
        (lambda: engine.gpu_days(-1, 312), "flops"),
        (lambda: engine.gpu_days(1e23, 0), "peak_tflops"),
        (lambda: engine.train_flops(1e9, 1e9, layers=32), "layers"),
        (lambda: engine.decode_ms(175e9, 312, 2.0, 80, gpus=1), "gpus"),
        (lambda: engine.decode_ms(175e9, 312, 2.0, 80, gpus=3, heads=96, kv_heads=8), "gpus"),
        (lambda: engine.decode_ms(1e13, 312, 2.0, 80), "gpus"),  # blank: no valid degree holds 20 TB
        (lambda: engine.image_tokens(224, 224, 0), "patch"),
        (lambda: engine.train_flops(1e308, 1e308), None),
    ],
)
def test_bad_input_is_one_flopsheet_error(call, arg):
    with pytest.raises(FlopsheetError) as e:
        call()
    msg = str(e.value)
    assert "\n" not in msg
    if arg:
        assert arg in msg


def test_only_the_bad_element_errors():
    from flopsheet.engine._checks import run_masked

    out, errors = run_masked(
        engine.gpu_days.formula,
        {"flops": np.array([1e23, -1, 1e23]), "peak_tflops": np.array(312.0), "mfu": np.array(0.4)},
    )
    assert errors[0] is None and errors[2] is None and "flops" in errors[1]
    assert out[0] == out[2] == pytest.approx(engine.gpu_days(1e23, 312, 0.4))


def _valid(rule):
    """A Hypothesis strategy of values `rule` accepts (kept moderate so nothing overflows)."""
    lo = max(rule.lo, 0.0)
    hi = min(rule.hi, 1e6)
    if rule.whole:
        return st.integers(int(max(lo, 1 if rule.lo_open else lo)), int(hi)).map(float)
    return st.floats(min_value=lo, max_value=hi, exclude_min=rule.lo_open, allow_nan=False).filter(rule.ok_scalar)


FORMULAS = [getattr(engine, n).formula for n in engine.__all__ if hasattr(getattr(engine, n), "formula")]


def test_an_infinite_element_is_reported_as_the_argument_not_an_overflow():
    from flopsheet.engine._checks import run_masked

    flops = np.array([1e23, np.inf, 2e23])
    out, errors = run_masked(
        engine.gpu_days.formula, {"flops": flops, "peak_tflops": np.array(312.0), "mfu": np.array(0.4)}
    )
    assert errors[0] is None and errors[2] is None
    assert errors[1] == "flops must be > 0 (got inf)"


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.fn.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_valid_arguments_give_a_non_negative_result(formula, data):
    # every quantity is a count, a size, a time or a cost: valid arguments never make it negative
    if formula.fn.__name__ == "gross_margin":  # the one signed quantity: a margin below 0 is a loss
        assert formula.fn(price=1.0, cost=2.0) == -1.0
        return
    values = {k: np.asarray(data.draw(_valid(formula.rules[k]), label=k)) for k in formula.params}
    with np.errstate(all="ignore"):
        out = formula.fn(**values)
    assert not (np.asarray(out) < 0).any(), values


def _engine_default(fn, name):
    import inspect

    param = inspect.signature(fn.formula.fn).parameters.get(name)
    return None if param is None or param.default is inspect.Parameter.empty else param.default


def _outcome(fn, *args):
    try:
        return fn(*args)
    except FlopsheetError as err:  # the same refusal either way is the same outcome
        return f"error: {err}"


_DOC_DEFAULT = re.compile(r"default (-?[0-9][0-9.eE+-]*)(?:/([0-9]+))?")


def test_blank_optional_arguments_get_the_engine_defaults():
    # A default is defined once, in the engine's signature. Through the Excel face, a blank
    # optional argument must give exactly what typing the engine's default gives, and the
    # argument's help text (shown in Excel's wizard) must state that same number.
    from flopsheet.functions import REGISTRY

    checked = documented = 0
    for fn in REGISTRY.values():
        if fn.formula is None:
            continue
        example = list(fn.example)
        for i, arg in enumerate(fn.args):
            default = _engine_default(fn, arg.name)
            if arg.kind != "number" or not arg.optional or default is None:
                continue
            stated = _DOC_DEFAULT.search(arg.doc)
            if stated:
                said = float(stated.group(1).rstrip(".")) / float(stated.group(2) or 1)
                assert said == pytest.approx(default, rel=1e-12), (fn.name, arg.name, arg.doc, default)
                documented += 1
            if len(example) < i:
                continue
            blank = _outcome(fn, *example[:i], None)
            typed = _outcome(fn, *example[:i], default)
            assert blank == typed, (fn.name, arg.name, blank, typed)
            checked += 1
    assert checked >= 20 and documented >= 30, (checked, documented)
