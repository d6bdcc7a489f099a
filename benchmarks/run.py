"""flopsheet's benchmark: one command, a table on screen and the same figures as JSON.

    python benchmarks/run.py                 # full sizes (about 5-10 minutes on 2 cores)
    python benchmarks/run.py --quick         # tiny sizes: checks that everything runs
    python benchmarks/run.py --readme README.md   # also refresh the README's table

Every ratio is measured in the same run, side by side, because machines are noisy. Targets:
array call <= 3x bare numpy on ndarrays and <= 2x numpy's own list round trip on nested lists;
scalar call <= 20 us; `flopsheet template` < 2 s; handoff of 10k rows <= 3x openpyxl's
load+save; evaluate of 100k rows <= 2x LibreOffice's own recalculation. Benchmarks print; the
test suite only checks that this command runs on tiny sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # tools/ (the README block writer)

import udfs_bench  # noqa: E402


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "system": f"{platform.system()} {platform.release()}",
    }


def template_rows(repeat: int = 3, copy: bool = True) -> list[dict]:
    """`flopsheet template` as a user runs it: a new process, interpreter start included (and, with
    `copy`, the hand-off copy that LibreOffice computes; --quick, a smoke check, leaves it out)."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            out = Path(tmp) / f"t{i}.xlsm"
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "flopsheet", "template", "-o", str(out)] + ([] if copy else ["--no-copy"]),
                check=True,
                capture_output=True,
            )
            best = min(best, time.perf_counter() - t)
    return [{"kind": "template", "seconds": best, "target_seconds": 2.0}]


def handoff_rows(rows: tuple[int, ...], repeat: int = 3) -> list[dict]:
    try:
        import handoff_bench
    except ImportError:
        return []
    return handoff_bench.run(rows, repeat)


def summarize(results: list[dict]) -> list[str]:
    """The verdict lines: each target, the worst case measured, pass or not."""
    lines = []
    arrays = [r for r in results if r["kind"] == "array"]
    if arrays:
        worst_nd = max(arrays, key=lambda r: r["ratio_ndarray"])
        worst_li = max(arrays, key=lambda r: r["ratio_lists"])
        lines.append(
            f"array call vs bare numpy (ndarray): worst {worst_nd['ratio_ndarray']:.1f}x "
            f"({worst_nd['function']}, {worst_nd['rows']:,} rows); target <= 3x"
        )
        lines.append(
            f"array call vs numpy list round trip (nested lists): worst {worst_li['ratio_lists']:.2f}x "
            f"({worst_li['function']}, {worst_li['rows']:,} rows); target <= 2x"
        )
    scalars = [r for r in results if r["kind"] == "scalar"]
    if scalars:
        worst = max(scalars, key=lambda r: r["us_per_call"])
        lines.append(f"scalar call: worst {worst['us_per_call']:.1f} us ({worst['function']}); target <= 20 us")
    for r in results:
        if r["kind"] == "template":
            lines.append(f"flopsheet template: {r['seconds']:.2f} s; target < 2 s")
    for r in results:
        if r["kind"] == "handoff" and r.get("ratio_vs_openpyxl") is not None:
            lines.append(
                f"handoff {r['rows']:,} rows: {r['seconds']:.2f} s = {r['ratio_vs_openpyxl']:.2f}x openpyxl "
                f"load+save (end to end {r.get('cli_ratio_vs_openpyxl', 0):.2f}x); target < 1x; "
                f"peak {r.get('peak_mb', 0):.0f} MB"
            )
        if r["kind"] == "carry" and r.get("ratio_vs_floor") is not None:
            lines.append(
                f"handoff without calls {r['rows']:,} rows: {r['ratio_vs_floor']:.2f}x unzip+rezip in-process, "
                f"{r.get('cli_ratio_vs_floor', 0):.2f}x end to end (CLI); target <= 3x"
            )
        if r["kind"] == "evaluate" and r.get("ratio_vs_libreoffice") is not None:
            lines.append(
                f"evaluate {r['rows']:,} rows: {r['seconds']:.2f} s = {r['ratio_vs_libreoffice']:.2f}x "
                f"LibreOffice's recalculation; target <= 2x at 100k; peak {r.get('peak_mb', 0):.0f} MB"
            )
    return lines


def markdown(results: list[dict], info: dict) -> str:
    lines = [
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores), Python {info['python']}, "
        f"numpy {info['numpy']}, with `python benchmarks/run.py` (figures in "
        f"[`benchmarks/results.json`](benchmarks/results.json)).",
        "",
    ]
    lines += [f"- {line}" for line in summarize(results)]
    arrays = [r for r in results if r["kind"] == "array"]
    if arrays:
        lines += [
            "",
            'The API column is `flopsheet.functions` on ndarrays; "bare numpy" is the engine formula\'s '
            "own arithmetic on the same arrays (no conversion, no validation). The face column is "
            "`flopsheet.udfs` on nested lists as xlwings hands over a range; it pauses Python's cyclic "
            "garbage collector while it builds the spilled rows, which numpy's plain round trip "
            "(list -> array -> `tolist()`) does not, hence ratios below 1.",
        ]
        lines += [
            "",
            "| function | rows | API on ndarray | bare numpy | ratio | face on lists | numpy list round trip | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in arrays:
            lines.append(
                f"| {r['function']} | {r['rows']:,} | {r['api_ndarray_ms']:.2f} ms | {r['numpy_ms']:.3f} ms | "
                f"{r['ratio_ndarray']:.1f}x | {r['face_lists_ms']:.0f} ms | "
                f"{r['numpy_list_round_trip_ms']:.0f} ms | {r['ratio_lists']:.2f}x |"
            )
    scalars = [r for r in results if r["kind"] == "scalar"]
    if scalars:
        lines += [
            "",
            "Scalar call through `flopsheet.udfs`, µs: "
            + ", ".join(f"{r['function']} {r['us_per_call']:.1f}" for r in scalars),
        ]
    others = [r for r in results if r["kind"] in ("handoff", "evaluate")]
    if others:
        try:
            import handoff_bench

            lines += ["", handoff_bench.markdown(others)]
        except (ImportError, AttributeError):
            pass
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, to check that everything runs")
    p.add_argument("--json", default=str(HERE / "results.json"), help="where to write the figures")
    p.add_argument("--readme", help="refresh this README's benchmark block with the table")
    p.add_argument("--from-json", metavar="JSON", help="measure nothing: re-render --readme from saved figures")
    p.add_argument(
        "--skip-handoff",
        action="store_true",
        help="leave out the hand-off benchmark (benchmarks/handoff_bench.py, which has its own smoke test)",
    )
    args = p.parse_args(argv)
    if args.from_json:
        from tools.docs import fill_blocks

        saved = json.loads(Path(args.from_json).read_text())
        readme = Path(args.readme)
        readme.write_text(
            fill_blocks(readme.read_text(encoding="utf-8"), {"bench": markdown(saved["results"], saved["machine"])}),
            encoding="utf-8",
        )
        return 0

    sizes = (1000,) if args.quick else (100_000, 1_000_000)
    rows = (20,) if args.quick else (1000, 10_000, 100_000)
    info = machine() | {"date": time.strftime("%Y-%m-%d"), "quick": args.quick}
    results: list[dict] = []
    for title, step in (
        ("array calls", lambda: udfs_bench.array_rows(sizes, repeat=2 if args.quick else 5)),
        ("scalar calls", lambda: udfs_bench.scalar_rows(200 if args.quick else 5000)),
        ("template", lambda: template_rows(1 if args.quick else 3, copy=not args.quick)),
        ("handoff and evaluate", lambda: [] if args.skip_handoff else handoff_rows(rows, 1 if args.quick else 3)),
    ):
        print(f"[bench] {title}...", file=sys.stderr, flush=True)
        results += step()

    print(udfs_bench.report([r for r in results if r["kind"] in ("array", "scalar")]))
    print()
    for line in summarize(results):
        print(line)
    Path(args.json).write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str) + "\n")
    print(f"\nfigures written to {args.json}")
    if args.readme:
        from tools.docs import fill_blocks

        readme = Path(args.readme)
        readme.write_text(
            fill_blocks(readme.read_text(encoding="utf-8"), {"bench": markdown(results, info)}), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
