"""Issue 20, item 7: the docs say for each function whether it gives an estimate, a bound or an exact figure.
Every registered function declares it (Function.nature, with one line saying why) and the generated
reference and README table show it."""

from pathlib import Path

import pytest

from flopsheet.functions import REGISTRY
from flopsheet.functions.declaration import NATURES, Function

ROOT = Path(__file__).resolve().parents[2]


def test_every_function_says_what_its_number_is():
    missing = [n for n, f in REGISTRY.items() if f.nature not in NATURES or len(f.nature_why.strip()) < 10]
    assert missing == [], f"functions without nature= and nature_why=: {missing}"
    assert {f.nature for f in REGISTRY.values()} == set(NATURES)  # each kind is used


def test_a_roofline_is_a_bound_and_a_calibrated_default_an_estimate():
    for name in ("INFER_SECONDS", "TRAIN_MEMORY_GB", "GPUS_TO_FIT"):
        assert REGISTRY[name].nature == "bound", name
    # serving's rooflines run at efficiencies and all-reduce costs fitted on published runs (issue 20)
    serving = ("DECODE_MS", "TTFT_SECONDS", "RESPONSE_SECONDS", "TOKENS_PER_SECOND", "SERVING_GPUS", "COST_PER_MTOK")
    for name in ("GPU_HOURS", "TRAIN_DAYS", "TRAIN_COST", "TEXT_TOKENS") + serving:
        assert REGISTRY[name].nature == "estimate", name
    for name in ("WEIGHTS_GB", "GPU_SPEC", "PARSE_NUM"):
        assert REGISTRY[name].nature == "exact", name


def test_an_unknown_nature_is_refused():
    with pytest.raises(ValueError, match="nature must be one of estimate, bound, exact"):
        Function(name="X", summary="", returns="", args=(), source="", example=(), nature="guess")


def test_the_docs_show_it():
    reference = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, f in REGISTRY.items():
        assert f"Gives: **{f.nature}** ({f.nature_why})." in reference, name
        assert f"| {f.nature} |" in readme
    assert "| Function | Gives | What it gives |" in readme
