"""An out-of-sample check of the serving model on every cell of TensorRT-LLM's two published throughput tables (issue 20).

tests/reference/measured.csv types 30 cells of the 1.0-era table (trtllm-1..-30) and 10 of the later one
(trtllm-pg-1..-10); this script puts every cell of both through the same mapping (benchmarks/fidelity.py: a "batch
max" offline run, SERVING_GPUS at no latency limit with the model's own cache at the running context in the recipe's
format; a DEP column, attention data-parallel with expert parallel, as LAYOUT_TOKENS_PER_SECOND of "EP<n>"), so a
change to the serving model is seen on eight models x four GPUs x up to ten prompt/output shapes, not on the rows it
was looked at with.

    PYTHONPATH=addin python benchmarks/trtllm_table.py            # per-model summaries and the cells outside 40%
    PYTHONPATH=addin python benchmarks/trtllm_table.py --cells    # every cell

It prints each figure four ways, so each piece of the engine's own behaviour is a measured figure:
- "as run": trtllm-bench's scheduler admits a request when its cache at prompt + output tokens fits
  (GUARANTEED_NO_EVICT, at most 4,096 sequences: fidelity.reserved_batch, a mixture of experts' attention
  data-parallel ranks each holding its weights outside the routed experts), its PyTorch executor's CPU time per
  sequence each scheduler steps, TRTLLM_HOST_US, is hidden under the GPUs' step but where it outlasts it
  (fidelity.engine_host), and the run is its page's finite dataset of requests, in waves (fidelity.run_requests,
  finite_run);
- "an endless stream": the same engine fed without end (the steady batch, no last wave);
- "no CPU time": the reservation and the finite run, no CPU time;
- "by use": none of these, requests admitted by the cache in use (vLLM's and MLPerf's harness' way).
A DEP column goes through the expert-parallel layout's own batch search, at no latency limit (an offline run), with
the layout's own reservation and the finite run (fidelity.layout_bench_batch) and the same CPU time, each attention
rank's over its own sequences (LAYOUT_TOKENS_PER_SECOND's host_us and host_serial: fidelity.layout_host); "by use" is
that search alone.

Sources:
- tests/reference/trtllm-perf-overview.csv: NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md at commit
  00f37686 (the 1.0-era page, undated): trtllm-bench throughput, PyTorch backend, synthetic requests of exactly
  ISL/OSL tokens at an infinite rate, 'Total Output Throughput (tokens/sec)' of the TP group.
- tests/reference/trtllm-perf-overview-later.csv: docs/source/developer-guide/perf-overview.md at commit 03e27c7 (the
  later page, undated): the same benchmark, 'Output Throughput per GPU (tokens/sec/GPU)', columns TP<n> or DEP<n>;
  its recipes set enable_attention_dp for every mixture of experts, an FP8 cache for gpt-oss on Blackwell and
  DeepSeek-R1 (Hopper's gpt-oss "auto": typed as the other rows, FP8 beside FP8 weights).
The pages' RTX 6000 Pro tables (pipeline-parallel layouts) are not copied.

The 1.0 page's mixtures of experts on several GPUs are typed as their columns say (TP<n>); the script also prints the
table with them typed as the DEP layout the page's MoE command asks for (as_dep), which lands further from measured.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fidelity  # noqa: E402
import fit_host  # noqa: E402

REFERENCE = fidelity.ROOT / "tests" / "reference"
TABLES = {"1.0": REFERENCE / "trtllm-perf-overview.csv", "later": REFERENCE / "trtllm-perf-overview-later.csv"}
# the software text fidelity.py reads a run's engine from: trtllm-bench (the reservation), PyTorch (its CPU time)
MODES = {
    "as run": "TensorRT-LLM (PyTorch backend, trtllm-bench)",
    "an endless stream": f"TensorRT-LLM (PyTorch backend, trtllm-bench), {fidelity.ENDLESS}",
    "no CPU time": "TensorRT-LLM (trtllm-bench), its CPU time not counted",
    "by use": "TensorRT-LLM, requests admitted by the cache in use",
}


def cells(table: str = "1.0") -> list[dict]:
    with open(TABLES[table], newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_row(cell: dict, mode: str = "as run") -> dict:
    """A table cell as a measured.csv row of a trtllm-bench offline run (fidelity.predict's input): the 1.0 table's
    cells are the TP group's tokens/s; the later table's are per GPU, a DEP column an expert-parallel layout."""
    later = "parallel" in cell
    gpus = cell["gpus"] if later else cell["tp"]
    dep = later and cell["parallel"].startswith("DEP")
    shape = f"{cell['parallel'] if later else 'TP' + gpus} {cell['input_tokens']}/{cell['output_tokens']}"
    return dict(
        id=f"{cell['model']} {cell['gpu']} {shape}",
        kind="output_throughput",
        model=cell["model"],
        model_as_typed=cell["model_as_typed"],
        gpu=cell["gpu"],
        gpus=gpus,
        gpus_per_instance=gpus,
        software=MODES[mode],
        precision=cell["precision"],
        batch="max",
        input_tokens=cell["input_tokens"],
        output_tokens=cell["output_tokens"],
        train_tokens="",
        cache_hit_share="",
        value=cell["tokens_per_s_per_gpu"] if later else cell["tokens_per_s"],
        unit="tokens/s per GPU" if later else "tokens/s",
        source_date="undated",
        notes="trtllm-bench throughput (TensorRT-LLM perf-overview.md)",
        layout=f"EP{gpus}" if dep else "",
        kv_context="",
    )


def evaluate(mode: str = "as run", table: str = "1.0") -> list[dict]:
    return fidelity.evaluate([as_row(c, mode) for c in cells(table)])


def as_dep(row: dict) -> dict:
    """A 1.0-table cell of a mixture of experts on n > 1 GPUs retyped as the later page's DEP column would be (attention
    data-parallel, experts over the n GPUs: LAYOUT_TOKENS_PER_SECOND of "EP<n>", per GPU), the layout the page's MoE
    command asks for (`trtllm-bench --tp --ep`, enable_attention_dp in its llm_options.yml) though its column says
    TP<n>; any other cell as it is."""
    n = int(row["gpus"])
    if n < 2 or fidelity.attention_ranks(row) == 1.0:  # one GPU, or a dense model
        return row
    return dict(row, layout=f"EP{n}", value=str(float(row["value"]) / n), unit="tokens/s per GPU")


def evaluate_moe_as_dep() -> list[dict]:
    """The 1.0 table as run, its mixtures of experts on several GPUs typed as DEP columns (as_dep)."""
    return fidelity.evaluate([as_dep(as_row(c)) for c in cells("1.0")])


def answered(results: list[dict]) -> list[dict]:
    return [r for r in results if r["ratio"] is not None]


def rms_log(results: list[dict]) -> float:
    """RMS of log(predicted / measured) over the cells answered (fit_host's measure)."""
    return fit_host.rms_log({r["id"]: r["ratio"] for r in answered(results)})


def outside(results: list[dict], factor: float = 1.4) -> list[dict]:
    return [r for r in answered(results) if r["factor"] > factor]


def summary_lines(runs: dict[str, list[dict]]) -> list[str]:
    """A markdown table: per model (and all cells), each mode's median error factor, cells within 25%, cells outside
    40% and RMS log error, over the cells answered."""
    lines = [
        "| Cells | n | engine | Median error factor | Within 25% | Outside 40% | RMS log error |",
        "|---|---|---|---|---|---|---|",
    ]
    models = sorted({r["model"] for r in runs["as run"]})
    for name, pick in [("all", None)] + [(m, m) for m in models]:
        for how, results in runs.items():
            rs = answered([r for r in results if pick is None or r["model"] == pick])
            s = fidelity.summary(rs)
            lines.append(
                f"| {name} | {len(rs)} | {how} | {s['median_factor']:.2f}x | {s['within_25']} | "
                f"{len(outside(rs))} | {rms_log(rs):.3f} |"
            )
    return lines


def grouped_summary(results: list[dict], keys: tuple[str, ...]) -> list[str]:
    """A markdown table of the results answered, overall and per value of each of `keys` (a result's fields): median
    error factor, median predicted / measured, within 25%, outside 40%, RMS log error (the MLPerf tables' summary)."""
    lines = [
        "| Results | n | Median error factor | Median predicted/measured | Within 25% | Outside 40% | RMS log error |",
        "|---|---|---|---|---|---|---|",
    ]
    rs = answered(results)
    groups = [("all", rs)] + [(v, [r for r in rs if r[k] == v]) for k in keys for v in sorted({r[k] for r in rs})]
    for name, some in groups:
        s = fidelity.summary(some)
        ratio = statistics.median(r["ratio"] for r in some)
        lines.append(
            f"| {name} | {len(some)} | {s['median_factor']:.2f}x | {ratio:.2f} | {s['within_25']} | "
            f"{len(outside(some))} | {rms_log(some):.3f} |"
        )
    return lines


def untyped(skipped: list[dict]) -> str:
    """The results an MLPerf table could not type, by submitter, system and benchmark."""
    return "; ".join(f"{r['submitter']} {r['system']} {r['benchmark']}" for r in skipped)


def cells_wanted(doc: str, argv: list[str] | None) -> bool:
    """An out-of-sample table script's command line: --cells prints every result."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--cells", action="store_true", help="print every result")
    return ap.parse_args(argv).cells


def report(title: str, computed: list[dict], skipped: list[dict], keys: tuple[str, ...], cells: bool, line) -> None:
    """Print an out-of-sample table: its grouped summary, the results not typed and not answered, and the results
    outside 40% (every result with `cells`), each as `line(result)` gives it."""
    print(f"\n## {title}\n")
    print("\n".join(grouped_summary(computed, keys)))
    print(f"\nnot typed ({len(skipped)}): {untyped(skipped)}")
    for r in computed:
        if r["error"]:
            print(f"  not answered: {r['label']}: {r['error']}")
    print("\nevery result:" if cells else "\nresults outside 40%:")
    for r in answered(computed) if cells else outside(computed):
        print("  " + line(r))


def every_mode(table: str = "1.0") -> dict[str, list[dict]]:
    return {mode: evaluate(mode, table) for mode in MODES}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", action="store_true", help="print every cell")
    args = ap.parse_args(argv)
    for table in TABLES:
        runs = every_mode(table)
        print(f"\n## TensorRT-LLM's {table} table ({TABLES[table].name})\n")
        print("\n".join(summary_lines(runs)))
        for r in runs["as run"]:
            if r["error"]:
                print(f"  not answered: {r['id']}: {r['error']}")
        shown = answered(runs["as run"]) if args.cells else outside(runs["as run"])
        print("\nevery cell:" if args.cells else "\ncells outside 40% as run:")
        others = {m: {r["id"]: r["ratio"] for r in runs[m]} for m in MODES if m != "as run"}
        for r in shown:
            rest = ", ".join(f"{m} {others[m][r['id']]:.2f}" for m in others)
            print(f"  {r['id']:<42} measured {float(r['value']):>9,.0f}  ratio {r['ratio']:.2f}  ({rest})")
    dep = answered(evaluate_moe_as_dep())
    print(
        "\nthe 1.0 table as run with its mixtures of experts on several GPUs typed as DEP columns (as_dep): RMS log error "
        f"{rms_log(dep):.3f}, {len(outside(dep))} cells outside 40%"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
