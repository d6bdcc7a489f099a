"""An out-of-sample check of the serving model on every cell of TensorRT-LLM 1.0's throughput table (issue 20).

tests/reference/measured.csv types 30 of the table's cells (trtllm-1..-30); this script puts all 210 of them through
the same mapping (benchmarks/fidelity.py: a "batch max" offline run, SERVING_GPUS at no latency limit with the
model's own cache at the running context in the recipe's format), so a change to the serving model is seen on seven
models x four GPUs x ten prompt/output shapes, not on the rows it was looked at with.

    PYTHONPATH=addin python benchmarks/trtllm_table.py            # per-model summary and the cells outside 40%
    PYTHONPATH=addin python benchmarks/trtllm_table.py --cells    # every cell

It prints each figure three ways, so each piece of the engine's own behaviour is a measured figure:
- "as run": trtllm-bench's scheduler admits a request when its cache at prompt + output tokens fits
  (GUARANTEED_NO_EVICT, at most 4,096 sequences: fidelity.reserved_batch, a mixture of experts' attention
  data-parallel ranks each holding its weights outside the routed experts), and its PyTorch executor's CPU time per
  sequence each scheduler steps, TRTLLM_HOST_US, is hidden under the GPUs' step but where it outlasts it
  (fidelity.engine_host);
- "no CPU time": the reservation alone;
- "by use": neither, requests admitted by the cache in use (vLLM's and MLPerf's harness' way).

Source: tests/reference/trtllm-perf-overview.csv, copied from NVIDIA/TensorRT-LLM
docs/source/performance/perf-overview.md at commit 00f37686 (the TensorRT-LLM 1.0-era page, undated; the
measured.csv rows trtllm-1..-30 give the setup it states: trtllm-bench throughput, PyTorch backend, synthetic
requests of exactly ISL/OSL tokens at an infinite rate, 'Total Output Throughput (tokens/sec)' of the TP group). The
page's RTX 6000 Pro tables (pipeline-parallel layouts) are not copied.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fidelity  # noqa: E402
import fit_host  # noqa: E402

TABLE = fidelity.ROOT / "tests" / "reference" / "trtllm-perf-overview.csv"
# the software text fidelity.py reads a run's engine from: trtllm-bench (the reservation), PyTorch (its CPU time)
MODES = {
    "as run": "TensorRT-LLM 1.0 (PyTorch backend, trtllm-bench)",
    "no CPU time": "TensorRT-LLM 1.0 (trtllm-bench), its CPU time not counted",
    "by use": "TensorRT-LLM 1.0, requests admitted by the cache in use",
}


def cells(path: Path = TABLE) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_row(cell: dict, mode: str = "as run") -> dict:
    """A table cell as a measured.csv row of a trtllm-bench offline run (fidelity.predict's input)."""
    return dict(
        id=f"{cell['model']} {cell['gpu']} TP{cell['tp']} {cell['input_tokens']}/{cell['output_tokens']}",
        kind="output_throughput",
        model=cell["model"],
        model_as_typed=cell["model_as_typed"],
        gpu=cell["gpu"],
        gpus=cell["tp"],
        gpus_per_instance=cell["tp"],
        software=MODES[mode],
        precision=cell["precision"],
        batch="max",
        input_tokens=cell["input_tokens"],
        output_tokens=cell["output_tokens"],
        train_tokens="",
        cache_hit_share="",
        value=cell["tokens_per_s"],
        unit="tokens/s",
        source_date="undated",
        notes="trtllm-bench throughput (TensorRT-LLM perf-overview.md, commit 00f37686)",
        layout="",
        kv_context="",
    )


def evaluate(mode: str = "as run", path: Path = TABLE) -> list[dict]:
    return fidelity.evaluate([as_row(c, mode) for c in cells(path)])


def rms_log(results: list[dict]) -> float:
    """RMS of log(predicted / measured) over the cells answered (fit_host's measure)."""
    return fit_host.rms_log({r["id"]: r["ratio"] for r in results if r["ratio"] is not None})


def outside(results: list[dict], factor: float = 1.4) -> list[dict]:
    return [r for r in results if r["factor"] is not None and r["factor"] > factor]


def summary_lines(runs: dict[str, list[dict]]) -> list[str]:
    """A markdown table: per model (and all cells), each mode's median error, cells within 25%, cells outside
    40% and RMS log error."""
    lines = [
        "| Cells | n | engine | Median error factor | Within 25% | Outside 40% | RMS log error |",
        "|---|---|---|---|---|---|---|",
    ]
    models = sorted({r["model"] for r in runs["as run"]})
    for name, pick in [("all", None)] + [(m, m) for m in models]:
        for how, results in runs.items():
            rs = [r for r in results if pick is None or r["model"] == pick]
            s = fidelity.summary(rs)
            lines.append(
                f"| {name} | {len(rs)} | {how} | {s['median_factor']:.2f}x | {s['within_25']} | "
                f"{len(outside(rs))} | {rms_log(rs):.3f} |"
            )
    return lines


def every_mode() -> dict[str, list[dict]]:
    return {mode: evaluate(mode) for mode in MODES}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", action="store_true", help="print every cell")
    args = ap.parse_args(argv)
    runs = every_mode()
    failed = [r for rs in runs.values() for r in rs if r["error"]]
    for r in failed:
        print(f"{r['id']}: {r['error']}")
    print("\n".join(summary_lines(runs)))
    print()
    shown = runs["as run"] if args.cells else outside(runs["as run"])
    print("every cell:" if args.cells else "cells outside 40% as run:")
    others = {m: {r["id"]: r["ratio"] for r in runs[m]} for m in MODES if m != "as run"}
    for r in shown:
        rest = ", ".join(f"{m} {others[m][r['id']]:.2f}" for m in others)
        print(f"  {r['id']:<42} measured {float(r['value']):>9,.0f}  ratio {r['ratio']:.2f}  ({rest})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
