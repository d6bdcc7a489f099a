"""How fast `handoff` and `evaluate` are (a benchmark, not a test: it prints, it never asserts).

For generated scenario workbooks of 1k, 10k and 100k rows (inputs plus flopsheet calls on
every row), side by side in one run:
  openpyxl   openpyxl's own load + save of the same file (what any copy costs at least)
  handoff    `flopsheet handoff` (load, translate, save)            target (issue 6): <= 3x openpyxl at 10k
  lo_recalc  LibreOffice recalculating the hand-off copy, alone
  evaluate   `flopsheet evaluate --csv` (handoff + recalc + read)   target: <= 2x lo_recalc at 100k
Each step runs in a fresh Python process, so its peak memory (ru_maxrss, LibreOffice included
for the steps that run it) is its own.

    python benchmarks/handoff_bench.py                # 1000 10000 100000 rows
    python benchmarks/handoff_bench.py 2000 20000     # other sizes
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

GPUS = ("H100", "A100", "MI300X", "B200", "nvidia h100 sxm", "TPU v5p")

_STEP = r"""
import json, resource, sys, time
from pathlib import Path
step, src, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
if step == "openpyxl":
    import openpyxl
    openpyxl.load_workbook(src).save(work / "openpyxl.xlsx")
elif step == "handoff":
    from flopsheet.handoff.copy import handoff
    handoff(src, work / "handoff.xlsx", force=True)
elif step == "lo_recalc":
    from flopsheet.recalc import recalculate
    recalculate(work / "handoff.xlsx", work / "recalc.xlsx")
elif step == "evaluate":
    from flopsheet.handoff.evaluate import evaluate
    evaluate(src, csv_path=work / "values.csv", force=True, progress=lambda line: None)
seconds = time.perf_counter() - t
# VmHWM is this process's own peak (ru_maxrss of RUSAGE_SELF would also count the parent's pages
# the child was forked from); RUSAGE_CHILDREN is LibreOffice's peak, for the steps that run it.
own_kb = next((int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:")), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
rss = max(own_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_mb": rss / 1024}))
"""


def scenario_workbook(path, rows: int) -> Path:
    """Scenario rows: a model's size and tokens (some typed as "70B"), a GPU, MFU and price,
    then compute, GPU-days, cost, GPUs for a 90-day deadline and a plain formula."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Scenarios"
    ws.append(["scenario", "params", "tokens", "gpu", "mfu", "usd_per_gpu_hour",
               "flops", "gpu_days", "cost", "gpus_90d", "cost_per_day"])
    for i in range(rows):
        r = i + 2
        params = (1 + i % 400) * 1e9
        ws.append([
            f"run {i + 1}",
            f"{1 + i % 400}B" if i % 10 == 0 else params,  # every tenth typed as text
            params * 20,
            GPUS[i % len(GPUS)],
            0.3 + (i % 20) / 100,
            1.5 + (i % 7) / 2,
            f"=TRAIN_FLOPS(B{r},C{r})",
            f"=GPU_DAYS(G{r},D{r},E{r})",
            f"=TRAIN_COST(G{r},D{r},F{r},E{r})",
            f"=GPUS_NEEDED(G{r},D{r},90,E{r})",
            f"=I{r}/H{r}",
        ])
    wb.save(path)
    return Path(path)


def _step(step: str, src: Path, work: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _STEP, step, str(src), str(work)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(rows=(1000, 10000, 100000)) -> list[dict]:
    """Time every step for each size and print a table. Returns, per size, one row of kind
    "handoff" (against openpyxl's load+save) and one of kind "evaluate" (against LibreOffice's
    recalculation of the same hand-off copy), as benchmarks/run.py collects them."""
    results = []
    print(f"{'rows':>8} {'openpyxl s':>11} {'handoff s':>10} {'x':>5} {'LO recalc s':>12} "
          f"{'evaluate s':>11} {'x':>5}  peak MB (openpyxl/handoff/LO/evaluate)")
    for n in rows:
        with tempfile.TemporaryDirectory(prefix="flopsheet-bench-") as tmp:
            work = Path(tmp)
            src = scenario_workbook(work / "scenarios.xlsx", n)
            s = {step: _step(step, src, work) for step in ("openpyxl", "handoff", "lo_recalc", "evaluate")}
        handoff = {"kind": "handoff", "rows": n, "seconds": s["handoff"]["seconds"],
                   "openpyxl_seconds": s["openpyxl"]["seconds"],
                   "ratio_vs_openpyxl": s["handoff"]["seconds"] / s["openpyxl"]["seconds"],
                   "peak_mb": s["handoff"]["peak_mb"], "openpyxl_peak_mb": s["openpyxl"]["peak_mb"],
                   "target": "<= 3x openpyxl at 10k rows"}
        evaluate = {"kind": "evaluate", "rows": n, "seconds": s["evaluate"]["seconds"],
                    "libreoffice_seconds": s["lo_recalc"]["seconds"],
                    "ratio_vs_libreoffice": s["evaluate"]["seconds"] / s["lo_recalc"]["seconds"],
                    "peak_mb": s["evaluate"]["peak_mb"], "libreoffice_peak_mb": s["lo_recalc"]["peak_mb"],
                    "target": "<= 2x LibreOffice at 100k rows"}
        results += [handoff, evaluate]
        print(f"{n:>8} {handoff['openpyxl_seconds']:>11.2f} {handoff['seconds']:>10.2f} "
              f"{handoff['ratio_vs_openpyxl']:>5.2f} {evaluate['libreoffice_seconds']:>12.2f} "
              f"{evaluate['seconds']:>11.2f} {evaluate['ratio_vs_libreoffice']:>5.2f}  "
              + "/".join(f"{s[k]['peak_mb']:.0f}" for k in ("openpyxl", "handoff", "lo_recalc", "evaluate")),
              flush=True)
    return results


def markdown(results: list[dict]) -> str:
    """The rows of `run` as a Markdown table (for the README)."""
    by_size: dict[int, dict] = {}
    for r in results:
        by_size.setdefault(r["rows"], {})[r["kind"]] = r
    lines = ["| rows | openpyxl load+save | handoff | ratio | LibreOffice recalc | evaluate | ratio | peak MB handoff / evaluate |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, k in sorted(by_size.items()):
        h, e = k.get("handoff"), k.get("evaluate")
        if not h or not e:
            continue
        lines.append(f"| {n:,} | {h['openpyxl_seconds']:.2f} s | {h['seconds']:.2f} s | {h['ratio_vs_openpyxl']:.2f}x "
                     f"| {e['libreoffice_seconds']:.2f} s | {e['seconds']:.2f} s | {e['ratio_vs_libreoffice']:.2f}x "
                     f"| {h['peak_mb']:.0f} / {e['peak_mb']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:]) or (1000, 10000, 100000)
    out = run(sizes)
    print()
    print(markdown(out))
