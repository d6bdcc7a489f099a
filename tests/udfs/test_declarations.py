"""One declaration per function: what a `Function` derives from its engine formula."""

import dataclasses

import pytest

from flopsheet import engine
from flopsheet.functions import REGISTRY, REQUIRED, Arg, Function


def _fn(**overrides):
    base = dict(
        name="X_DAYS",
        summary="s",
        returns="days",
        source="src",
        example=(),
        args=(
            Arg("flops", "f"),
            Arg("gpu", "g", kind="gpu"),
            Arg("mfu", "m"),
            Arg("precision", "p", kind="precision", default="bf16"),
        ),
        formula=engine.infer_seconds,
    )  # flops, peak, mfu: no goodput
    return Function(**{**base, **overrides})


def test_function_is_keyword_only():
    with pytest.raises(TypeError):
        Function("X", "s", "days", (), "src", ())  # noqa - positional on purpose


def test_defaults_come_from_the_engine_signature():
    fn = _fn()
    defaults = {a.name: a.default for a in fn.args}
    assert defaults == {
        "flops": REQUIRED,
        "gpu": REQUIRED,
        "mfu": engine.infer_seconds.formula.defaults["mfu"],
        "precision": "bf16",
    }
    # an engine default that changes changes the Excel default with it
    formula = dataclasses.replace(engine.infer_seconds.formula, defaults={"mfu": 0.25})
    assert _fn(formula=formula).args[2].default == 0.25


def test_gpu_figures_bind_to_the_gpu_argument_and_errors_name_it():
    fn = _fn()
    assert fn.labels == {"peak_tflops": "gpu"}
    assert fn(3.15e23, "A100", 0.462) == pytest.approx(REGISTRY["INFER_SECONDS"](3.15e23, "A100", 0.462))
    with pytest.raises(Exception, match="X_DAYS: mfu must be > 0 and <= 1"):
        fn(3.15e23, "A100", 46.2)


def test_an_engine_argument_without_an_excel_argument_is_a_declaration_error():
    with pytest.raises(TypeError, match="'mfu' has no Excel argument"):
        _fn(args=(Arg("flops", "f"), Arg("gpu", "g", kind="gpu")))


def test_a_converted_text_argument_feeds_its_engine_argument():
    fn = REGISTRY["TEXT_TOKENS"]
    assert fn.labels == {"tokens_per_unit": "unit"}
    assert fn(1000, "zh_char") == pytest.approx(600)
    with pytest.raises(Exception, match="TEXT_TOKENS: unit must be"):
        fn(1000, "furlong")
