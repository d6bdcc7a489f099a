"""benchmarks/fit_training.py: the refit of TRAIN_MFU's constants finds a constant it was moved away from, fits
only the rows not marked as checks, and leaves engine/training.py's constants as they were. Never timed here."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("fit_training", ROOT / "benchmarks" / "fit_training.py")
fit_training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fit_training)


@pytest.fixture
def engine_constants():
    from flopsheet.engine import training as T

    saved = dict(T.TRAIN_STEP_SHARE), T.A2A_BYTES, T.STEP_OVERHEAD_TOKENS, T.STEP_FIXED_S
    yield T
    T.TRAIN_STEP_SHARE.clear()
    T.TRAIN_STEP_SHARE.update(saved[0])
    T.A2A_BYTES, T.STEP_OVERHEAD_TOKENS, T.STEP_FIXED_S = saved[1:]
    fit_training.forget()  # answers memoised with the fitted constants


def test_the_fit_finds_the_bf16_share_from_a_wrong_start(engine_constants):
    T = engine_constants
    rows = [
        r
        for r in fit_training.fidelity.load()
        if r["kind"] in fit_training.fidelity.TRAINING_KINDS and r["precision"] == "bf16"
    ]
    assert len(rows) >= 15
    today = T.TRAIN_STEP_SHARE["bf16"]
    (share,) = fit_training.fit(["bf16"], np.array([0.2]), rows, {})
    # the BF16 rows alone put it near the constant fitted on every row (0.40), far from the start
    assert share == pytest.approx(today, rel=0.08) and T.TRAIN_STEP_SHARE["bf16"] == pytest.approx(share)


def test_a_run_restores_the_constants_and_the_formula(engine_constants, capsys):
    T = engine_constants
    before = dict(T.TRAIN_STEP_SHARE), T.STEP_FIXED_S, T.train_mfu.formula.fn
    assert fit_training.main(["--term", "size"]) == 0
    out = capsys.readouterr().out
    assert "fitted: bf16" in out and "N0" in out and "(check)" in out and "median error" in out
    assert (dict(T.TRAIN_STEP_SHARE), T.STEP_FIXED_S, T.train_mfu.formula.fn) == before
    # and no answer worked out with the fitted constants is served afterwards
    import flopsheet.functions as F

    assert F.TRAIN_MFU("Llama 3 8B", "H100", "bf16") == pytest.approx(T.TRAIN_STEP_SHARE["bf16"])
