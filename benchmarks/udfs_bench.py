"""How fast the Excel face is (a benchmark, not a test: it prints, it never asserts).

Array calls: GPU_DAYS over a column of n FLOPs figures, given as Excel gives it (a list of
one-element row lists) and as an ndarray, against bare numpy doing the same arithmetic on the
same data, and against numpy plus the unavoidable list conversions (list -> array in, array ->
list of rows out). Scalar calls: microseconds per call of every function with its example.

    python benchmarks/udfs_bench.py            # 1e5 and 1e6 rows
    python benchmarks/udfs_bench.py 10000      # other sizes
"""

from __future__ import annotations

import sys
import time
import timeit

import numpy as np

from flopsheet import udfs
from flopsheet.functions import REGISTRY

A100_BF16_TFLOPS = 312.0
MFU = 0.462


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def array_rows(sizes=(100_000, 1_000_000), repeat: int = 3) -> list[dict]:
    rows = []
    rng = np.random.default_rng(0)
    for n in sizes:
        flops = rng.uniform(1e20, 1e25, size=(n, 1))
        nested = flops.tolist()
        numpy_s = _best(lambda: flops / (A100_BF16_TFLOPS * 1e12 * MFU * 86400), repeat)
        to_array_s = _best(lambda: np.asarray(nested, dtype=float), repeat)
        result = flops / (A100_BF16_TFLOPS * 1e12 * MFU * 86400)
        to_list_s = _best(lambda: result.tolist(), repeat)
        floor_s = to_array_s + numpy_s + to_list_s
        for given, data in (("nested lists", nested), ("ndarray", flops)):
            out = udfs.GPU_DAYS(data, "A100", MFU)
            assert isinstance(out, list) and len(out) == n and out[0][0] == result[0, 0]
            face_s = _best(lambda: udfs.GPU_DAYS(data, "A100", MFU), repeat)
            floor = floor_s if given == "nested lists" else numpy_s + to_list_s
            rows.append({
                "kind": "array", "function": "GPU_DAYS", "rows": n, "input": given,
                "face_ms": face_s * 1e3, "numpy_ms": numpy_s * 1e3, "numpy_plus_conversion_ms": floor * 1e3,
                "ratio_vs_numpy": face_s / numpy_s, "ratio_vs_numpy_plus_conversion": face_s / floor,
            })
    return rows


def scalar_rows(number: int = 5000) -> list[dict]:
    rows = []
    for name, fn in REGISTRY.items():
        func = getattr(udfs, name)
        args = fn.example
        seconds = min(timeit.repeat(lambda: func(*args), number=number, repeat=3)) / number
        rows.append({"kind": "scalar", "function": name, "args": args, "us_per_call": seconds * 1e6})
    return rows


def run(sizes=(100_000, 1_000_000)) -> list[dict]:
    """All measurements as dicts (the lead's bigger benchmark folds these in)."""
    return array_rows(sizes) + scalar_rows()


def report(rows: list[dict]) -> str:
    lines = ["Array calls: GPU_DAYS(column, \"A100\", 0.462)",
             f"{'rows':>9} {'input':<13} {'face ms':>9} {'numpy ms':>9} {'np+conv ms':>10} "
             f"{'x numpy':>8} {'x np+conv':>9}"]
    for r in rows:
        if r["kind"] == "array":
            lines.append(f"{r['rows']:>9,} {r['input']:<13} {r['face_ms']:>9.2f} {r['numpy_ms']:>9.2f} "
                         f"{r['numpy_plus_conversion_ms']:>10.2f} {r['ratio_vs_numpy']:>8.1f} "
                         f"{r['ratio_vs_numpy_plus_conversion']:>9.2f}")
    lines += ["", "Scalar calls (the function's documented example), microseconds per call"]
    for r in rows:
        if r["kind"] == "scalar":
            lines.append(f"  {r['function']:<18} {r['us_per_call']:7.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = tuple(int(float(a)) for a in sys.argv[1:]) or (100_000, 1_000_000)
    print(report(run(sizes)))
