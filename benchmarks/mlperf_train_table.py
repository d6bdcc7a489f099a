"""An out-of-sample check of the training model on every closed Llama 3.1 result of MLPerf Training v5.0 and v5.1
(issue 20).

tests/reference/measured.csv types 28 MLPerf Training rows, most of them NVIDIA's own; this script puts every closed
Llama 3.1 8B and 405B pretraining result of the two rounds whose number format is known through the same mapping
(benchmarks/fidelity.py's train_minutes rows: TRAIN_DAYS of TRAIN_FLOPS of the tokens the run trained, at TRAIN_MFU of
the run's GPUs, global batch and sequence, goodput 1 on the benchmark's clock), so TRAIN_MFU is seen on 13 submitters'
systems (Dell, Supermicro, Nebius, Oracle, Verda, Lambda, HPE, Cisco, the University of Florida, AMD, GigaComputing,
IBM + CoreWeave, NVIDIA) from 8 to 8,192 GPUs of H100, H200, B200, B300, GB200, GB300, MI350X and MI355X.

    PYTHONPATH=addin python benchmarks/mlperf_train_table.py            # summaries and the results outside 40%
    PYTHONPATH=addin python benchmarks/mlperf_train_table.py --cells    # every result

Each result is typed from its own logs: the minutes from run_start to run_stop of the median of its runs (MLPerf's
score drops the fastest and slowest), the tokens it trained (samples_count at run_stop x max_sequence_length), its
global_batch_size and sequence, its GPUs (the system description's nodes x accelerators a node). Its number format:
what its log says (NeMo prints fp8 and fp4 true or false), else the submitter's one config for that GPU and size
(a name ending _fp4 or sourcing config_common_fp4.sh: NVFP4; else FP8, NVIDIA's config_common.sh and AMD's
FP8_PARAMS). Results whose format neither settles (two configs for one size, or none) are listed as not typed.

Source: tests/reference/mlperf-training-llama31.csv, from mlcommons/training_results_v5.0 (2025-06-04) and v5.1
(2025-11-12): each result's result_*.txt, systems/*.json and benchmarks/*/implementations/*/config_*.sh, read and
copied 2026-12-06 (a result filed in both rounds, Nebius' H200 405B, once).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fidelity  # noqa: E402
import trtllm_table  # noqa: E402

DATA = fidelity.ROOT / "tests" / "reference" / "mlperf-training-llama31.csv"
MODELS = {"llama31_8b": "Llama 3.1 8B", "llama31_405b": "Llama 3.1 405B"}
# the systems' accelerator_model_name -> the catalog's name (the longer names first: GB300 before B300)
GPUS = (
    ("GB300", "GB300"),
    ("GB200", "GB200"),
    ("B300", "B300"),
    ("B200", "B200"),
    ("H100", "H100"),
    ("H200", "H200"),
    ("MI355X", "MI355X"),
    ("MI350X", "MI350X"),
)

KEYS = ("model", "gpu", "precision")  # the summary's groups, beside the whole


def results() -> list[dict]:
    return fidelity.load(DATA)


def catalog_gpu(accelerator: str) -> str:
    return next((gpu for token, gpu in GPUS if token in accelerator), "")


def as_row(r: dict, index: int) -> dict | None:
    """A result as a measured.csv train_minutes row (fidelity.predict's input); None when its number format or GPU is
    not known."""
    gpu = catalog_gpu(r["accelerator"])
    if not r["precision"] or not gpu:
        return None
    gpus = int(r["nodes"]) * int(r["accelerators_per_node"])
    return dict(
        id=f"mlperf-train-{index}",
        label=f"{r['round']} {r['submitter']} {r['system']} {r['benchmark']}",
        kind="train_minutes",
        model=MODELS[r["benchmark"]],
        model_as_typed=MODELS[r["benchmark"]],
        gpu=gpu,
        gpus=str(gpus),
        gpus_per_instance="",
        software=r["framework"],
        precision=r["precision"],
        batch=r["global_batch_size"],
        input_tokens=r["sequence"],
        output_tokens="",
        train_tokens=str(int(r["samples"]) * int(r["sequence"])),
        cache_hit_share="",
        value=r["minutes"],
        unit="minutes",
        source_date=r["published"],
        notes="MLPerf Training: benchmark clock (goodput 1)",
        layout="",
        kv_context="",
    )


def evaluate() -> tuple[list[dict], list[dict]]:
    """(the results typed and computed, the results not typed)."""
    typed, skipped = [], []
    for i, r in enumerate(results(), start=1):
        row = as_row(r, i)
        (skipped if row is None else typed).append(row or r)
    return fidelity.evaluate(typed), skipped


def summary_lines(computed: list[dict]) -> list[str]:
    """The grouped summary overall, per benchmark, per GPU and per number format (trtllm_table.grouped_summary);
    predicted / measured minutes: above 1, flopsheet slower."""
    return trtllm_table.grouped_summary(computed, KEYS)


def main(argv: list[str] | None = None) -> int:
    cells = trtllm_table.cells_wanted(__doc__, argv)
    computed, skipped = evaluate()
    trtllm_table.report(
        f"MLPerf Training v5.0 and v5.1, closed Llama 3.1 results ({DATA.name})",
        computed,
        skipped,
        KEYS,
        cells,
        lambda r: (
            f"{r['label'][:66]:<66} {r['gpus']:>5}x{r['gpu']:<7} {r['precision']}  measured "
            f"{float(r['value']):>8.2f} min  ratio {r['ratio']:.2f}"
        ),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
