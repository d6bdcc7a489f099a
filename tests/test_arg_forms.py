"""Each argument has one form (functions.declaration.ARG_FORMS), resolved by the method of the
form's name on each face: Python's `Bound` (evaluate) and the twins' `TwinCall` (the hand-off).
A form added to the table without both resolvers, or a declared argument outside the table,
fails here."""

from flopsheet.functions import REGISTRY
from flopsheet.functions.declaration import ARG_FORMS, Arg, Bound
from flopsheet.handoff.twins import TwinCall


def test_every_form_has_a_python_and_an_excel_resolver():
    assert set(ARG_FORMS) == {
        "gpu_form",
        "precision_form",
        "model_form",
        "from_model_form",
        "fallback_form",
        "by_precision_form",
        "text_form",
        "number_form",
    }
    for form in ARG_FORMS:
        assert callable(getattr(Bound, form, None)), f"Bound.{form}"
        assert callable(getattr(TwinCall, form, None)), f"TwinCall.{form}"


def test_every_declared_argument_has_a_form_in_the_table():
    forms = {a.form for fn in REGISTRY.values() for a in fn.args}
    assert forms <= set(ARG_FORMS)
    assert forms >= {
        "gpu_form",
        "model_form",
        "from_model_form",
        "fallback_form",
        "by_precision_form",
        "text_form",
        "number_form",
    }


def test_the_form_follows_what_the_declaration_says():
    assert Arg("gpu", "", kind="gpu").form == "gpu_form"
    assert Arg("params", "", kind="model").form == "model_form"
    assert Arg("tokens", "", from_model=("params", "training_tokens")).form == "from_model_form"
    assert Arg("price", "", fallback="usd_per_gpu_hour").form == "fallback_form"
    assert Arg("unit", "", kind="text").form == "text_form"
    assert Arg("unit", "", convert=float).form == "text_form"
    assert Arg("mfu", "").form == "number_form"
    assert Arg("mfu", "", default=None, by_precision=lambda p: 0.4).form == "by_precision_form"
