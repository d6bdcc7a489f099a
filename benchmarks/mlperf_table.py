"""An out-of-sample check of the serving model on every closed datacenter Offline LLM result of MLPerf Inference v5.1
(issue 20).

tests/reference/measured.csv types 30 MLPerf Inference rows, most of them NVIDIA's and AMD's own systems; this script
puts every closed Offline result of the round's five LLM benchmarks (Llama 2 70B, Llama 3.1 8B and 405B, Mixtral 8x7B,
DeepSeek-R1) on a GPU of the catalog through the same mapping (benchmarks/fidelity.py, as measured.csv's MLPerf rows):
24 submitters' systems (Dell, HPE, Cisco, Supermicro, Lenovo, Google, Azure, Nebius, Oracle, CoreWeave, MangoBoost ...)
on B200, GB200, GB300, H200, H200 NVL, H100, MI300X, MI325X and L40S, so a change to the serving model is seen on the
systems and software the rows were not chosen from, and the spread of one system's result across its submitters is
seen beside flopsheet's error.

    PYTHONPATH=addin python benchmarks/mlperf_table.py            # summaries and the results outside 40%
    PYTHONPATH=addin python benchmarks/mlperf_table.py --cells    # every result

Each result is typed from what its submission publishes, by one rule:
- the model, the GPU, the node's GPUs times the nodes, the weights' format (the results' weight_data_types);
- the prompt: the dataset's mean (tests/reference/mlperf-lengths/); the answer: the run's own mean, tokens per
  second over samples per second (its mlperf_log_summary.txt), the dataset's answers at that mean held as a running
  context (fidelity.running_context);
- the instance: the submitter's own config where the results repository has one (NVIDIA's harness:
  tensor_parallelism x pipeline_parallelism GPUs, pipeline stages typed as tensor parallel as measured.csv's
  mlperf-inf-27 is, gpu_batch_size the engine's max_batch_size, per attention rank with enable_attention_dp; AMD's vLLM
  harness: tensor_parallel_size, batch "max"); else the config most systems of that benchmark, GPU and format ran
  (ASUSTeK's MI325X as AMD's, Supermicro's B200 as NVIDIA's); else, batch "max", the valid tensor-parallel degree
  dividing the node that serves the most (best_instance: what an Offline submitter tunes for; Cisco's H100 nodes, which
  publish no config);
- DeepSeek-R1 as its configs run it: attention data parallel with the experts spread over the instance
  (LAYOUT_TOKENS_PER_SECOND of "EP<n>");
- the Offline query as run: its samples (mlperf_log_detail.txt's generated_samples_per_query) through the engine's
  batch (fidelity.offline_run) for DeepSeek-R1, whose answers are long and uneven; for the others the steady model, which
  the simulation moves by under 1% (their answers are short and even; measured on measured.csv's rows) at seconds a
  result.
Results on accelerators outside the catalog (RTX PRO 6000, Arc Pro B60, CPUs) and systems of two accelerator types are
listed as not typed.

Source: tests/reference/mlperf-v51-offline.csv, from mlcommons/inference_results_v5.1 (summary_results.json, each
result's mlperf_log_summary.txt and mlperf_log_detail.txt, each submitter's configs), published 2025-09-09, copied
2026-12-06; one row per system and benchmark (Llama 2 70B's 99% result where both accuracy targets were run).
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fidelity  # noqa: E402
import trtllm_table  # noqa: E402

DATA = fidelity.ROOT / "tests" / "reference" / "mlperf-v51-offline.csv"
MODELS = {
    "llama2-70b": "Llama 2 70B",
    "llama3.1-8b": "Llama 3.1 8B",
    "llama3.1-405b": "Llama 3.1 405B",
    "mixtral-8x7b": "Mixtral 8x7B",
    "deepseek-r1": "DeepSeek-R1",
}
EXPERT_LAYOUT = {"DeepSeek-R1"}  # run with attention data parallel and expert parallel (their configs)
SIMULATED = {"DeepSeek-R1"}  # the Offline query simulated (fidelity.offline_run): long, uneven answers

KEYS = ("model", "gpu")  # the summary's groups, beside the whole


def results() -> list[dict]:
    return fidelity.load(DATA)


def _layout(r: dict) -> tuple[int, str] | None:
    """(GPUs an instance, its batch: a number or "max") the result's own config gives; None without one."""
    if not r["tp"]:
        return None
    gpus = int(r["tp"]) * int(r["pp"] or 1)
    if not r["batch"]:
        return gpus, "max"
    batch = int(r["batch"]) * (int(r["tp"]) if r["attention_dp"] else 1)
    return gpus, str(batch)


def common_layouts(rows: list[dict]) -> dict[tuple[str, str, str], tuple[int, str]]:
    """The layout most results of each (benchmark, GPU, precision) declare: what a submission without its own config
    is typed with."""
    seen: dict[tuple[str, str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for r in rows:
        layout = _layout(r)
        if layout is not None:
            seen[(r["benchmark"], r["gpu"], r["precision"])][layout] += 1
    return {k: c.most_common(1)[0][0] for k, c in seen.items()}


def _mean_prompt(model: str) -> float:
    """The model's MLPerf dataset's mean prompt, whole tokens (measured.csv's MLPerf rows type the same)."""
    lengths = fidelity.dataset_lengths(dict(id="mlperf-inf-0", model_as_typed=model))
    return round(sum(i for i, _ in lengths) / len(lengths))


def best_instance(row: dict) -> int:
    """The instance an Offline submission would tune to: of the valid tensor-parallel degrees that divide the node's
    GPUs, the one whose "batch max" answer (fidelity.predict) is the most tokens a second, as a submitter picks the
    layout that serves the most. Not the fewest GPUs that hold the weights: Llama 2 70B in FP8 fills one H100's usable
    memory with its weights and leaves ~2 GB for cache."""
    from flopsheet.errors import FlopsheetError

    node = int(row["gpus_per_node"])
    best, rate = 1, -1.0
    for d in (1, 2, 4, 8):
        if node % d:
            continue
        try:
            value, _ = fidelity.predict(dict(row, gpus_per_instance=str(d), batch="max"))
        except (FlopsheetError, ValueError, ZeroDivisionError):
            continue  # not a valid degree for the model, or the weights do not fit
        if value > rate:
            best, rate = d, value
    return best


def as_row(r: dict, index: int, common: dict) -> dict | None:
    """A result as a measured.csv row of an MLPerf Offline run (fidelity.predict's input); None when it cannot be
    typed (an accelerator outside the catalog, or two kinds in one system)."""
    model = MODELS[r["benchmark"]]
    if not r["gpu"] or r["precision"] not in fidelity.BYTES:
        return None
    gpus = int(r["accelerators_per_node"]) * int(r["nodes"])
    out = float(r["tokens_per_s"]) / float(r["samples_per_s"])
    notes = "MLPerf Offline (all samples queued at once)"
    if model in SIMULATED:
        notes += f"; the run's samples_per_query {r['samples_per_query']}"
    row = dict(
        id=f"mlperf-inf-{index}",
        label=f"{r['submitter']} {r['system']} {r['benchmark']}",
        kind="output_throughput",
        model=model,
        model_as_typed=model,
        gpu=r["gpu"],
        gpus=str(gpus),
        gpus_per_instance="",
        gpus_per_node=r["accelerators_per_node"],
        software=r["software"],
        precision=r["precision"],
        batch="max",
        input_tokens=str(_mean_prompt(model)),
        output_tokens=f"{out:.0f}",
        train_tokens="",
        cache_hit_share="",
        value=r["tokens_per_s"],
        unit="tokens/s",
        source_date="2025-09-09",
        notes=notes,
        layout="",
        kv_context="",
    )
    layout = _layout(r) or common.get((r["benchmark"], r["gpu"], r["precision"]))
    per, batch = layout if layout is not None else (best_instance(row), "max")
    row.update(gpus_per_instance=str(per), batch=batch, layout=f"EP{per}" if model in EXPERT_LAYOUT else "")
    return row


def evaluate() -> tuple[list[dict], list[dict]]:
    """(the results typed and computed, the results not typed)."""
    rows = results()
    common = common_layouts(rows)
    typed, skipped = [], []
    for i, r in enumerate(rows, start=1):
        row = as_row(r, i, common)
        (skipped if row is None else typed).append(row or r)
    return fidelity.evaluate(typed), skipped


def summary_lines(computed: list[dict]) -> list[str]:
    """The grouped summary overall, per benchmark and per GPU (trtllm_table.grouped_summary; the measured results'
    own spread is `spread`)."""
    return trtllm_table.grouped_summary(computed, KEYS)


def spread(computed: list[dict]) -> dict[tuple[str, str, str], float]:
    """Max over min of the measured results of one benchmark on one GPU and format (8-GPU nodes' totals per GPU)."""
    per_gpu: dict[tuple[str, str, str], list[float]] = collections.defaultdict(list)
    for r in trtllm_table.answered(computed):
        per_gpu[(r["model"], r["gpu"], r["precision"])].append(float(r["value"]) / float(r["gpus"]))
    return {k: max(v) / min(v) for k, v in per_gpu.items() if len(v) > 1}


def main(argv: list[str] | None = None) -> int:
    cells = trtllm_table.cells_wanted(__doc__, argv)
    computed, skipped = evaluate()
    trtllm_table.report(
        f"MLPerf Inference v5.1, closed datacenter Offline LLM results ({DATA.name})",
        computed,
        skipped,
        KEYS,
        cells,
        lambda r: (
            f"{r['label'][:64]:<64} {r['gpus']:>3}x{r['gpu']:<8} per {r['gpus_per_instance']:>2} batch "
            f"{r['batch']:>5}  measured {float(r['value']):>9,.0f}  ratio {r['ratio']:.2f}"
        ),
    )
    print("\nspread of the measured results (max / min per GPU, one benchmark, GPU and format):")
    for (model, gpu, prec), x in sorted(spread(computed).items()):
        print(f"  {model} {gpu} {prec}: {x:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
