"""Every worked example of the seed report (tests/reference/seed-figures.md), to the printed precision."""

from pathlib import Path

import pytest

from flopsheet import functions as F

SEED_FIGURES = Path(__file__).resolve().parents[1] / "reference" / "seed-figures.md"

# (row, call, expected, relative tolerance from the digits the reference prints)
ROWS = [
    (1, lambda: F.TRAIN_FLOPS("175B", "300B"), 3.15e23, 5e-3),
    (2, lambda: F.GPU_DAYS(3.15e23, "A100", 0.462, "fp16", 1), 25293, 0.5 / 25293),
    (2, lambda: F.GPU_DAYS(3.15e23, 312, 0.462, "fp16", 1), 25293, 0.5 / 25293),
    (3, lambda: F.TRAIN_DAYS(3.15e23, "A100", 1000, 0.462, "fp16", 1), 25.3, 0.05 / 25.3),
    (4, lambda: F.INFER_FLOPS("175B", 20, 300), 1.12e14, 0.005 / 1.12),
    (5, lambda: F.INFER_SECONDS(1.12e14, "A100", 0.462), 0.777, 0.0005 / 0.777),
    (6, lambda: F.IMAGE_TOKENS(224, 224, 16), 196, 0),
    (7, lambda: F.TOKENS_TO_WORDS(196), 147, 0),
    (8, lambda: F.IMAGE_TOKENS(1024, 768), 3072, 0),
    (9, lambda: 1e11 * F.IMAGE_TOKENS(1024, 768), 3.072e14, 0),
    (10, lambda: F.TRAIN_FLOPS("500B", 3.072e14), 9.216e26, 1e-12),
    (11, lambda: F.GPUS_NEEDED(9.216e26, 1979, 30, 0.462, "fp16", 1), 388884, 0),
    (12, lambda: 5 * F.GPUS_NEEDED(9.216e26, 1979, 30, 0.462, "fp16", 1), 1944420, 0),
]


@pytest.mark.parametrize("row,call,expected,rel", ROWS, ids=[f"row{r[0]}" for r in ROWS])
def test_seed_row(row, call, expected, rel):
    assert call() == pytest.approx(expected, rel=rel, abs=0)


def test_every_reference_row_is_covered():
    rows = {
        int(line.split("|")[1])
        for line in SEED_FIGURES.read_text().splitlines()
        if line.startswith("| ") and line.split("|")[1].strip().isdigit()
    }
    assert rows == {r[0] for r in ROWS}


def test_where_the_seed_is_wrong():
    # Row 11 used H100's with-sparsity headline; the dense catalog peak doubles the GPU count.
    assert F.GPUS_NEEDED(9.216e26, "H100", 30, 0.462, "fp16", 1) == 777768
    assert F.GPU_SPEC("H100", "fp16_tflops") * F.GPU_SPEC("H100", "sparsity_factor") == 1979
    # Row 5 is a compute floor: GPT-3's 350 GB of weights on 8 A100s decode in ~27 ms per token.
    assert F.WEIGHTS_GB("175B") == 350
    assert F.DECODE_MS("175B", "A100", 1, 2, 8) == pytest.approx(26.8, abs=0.1)
    assert F.RESPONSE_SECONDS("175B", 20, 300, "A100", 1, 2, 8) / F.INFER_SECONDS(1.12e14, "A100", 0.462) > 10
