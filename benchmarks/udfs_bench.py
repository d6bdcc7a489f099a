"""How fast the Excel face is (a benchmark, not a test: it prints, it never asserts).

Array calls: every formula function with its main numeric arguments as n-row columns, through
the Python API on ndarrays against the engine formula's bare numpy arithmetic on the same data,
and through the Excel face on nested lists (as xlwings hands a range over) against numpy's own
list round trip (list -> array, the same arithmetic, array -> list). Scalar calls: microseconds
per call of every function with its example.

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
from flopsheet.functions.declaration import Bound, _arguments
from flopsheet.functions.inputs import numbers, texts
from flopsheet.magnitudes import parse_num

A100_BF16_TFLOPS = 312.0
MFU = 0.462


def _best(fn, repeat: int) -> float:
    """Seconds per call: the best of `repeat` batches, each batch long enough (>= 20 ms) that
    timer resolution and one-off cache misses do not decide a 50-microsecond measurement."""
    t = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t, 1e-7)
    number = max(1, int(0.02 / once))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


# Arguments that stay scalar in the array benchmark (counts and shapes a sheet rarely varies
# per row); every other numeric argument of the example becomes a column.
_KEEP_SCALAR = {
    "layers",
    "d_model",
    "seq_len",
    "patch",
    "temporal_patch",
    "gpus",
    "batch",
    "frames",
    "kv_heads",
    "head_dim",
    "prompt_tokens",
    "output_tokens",
    "mfu",
    "bw_efficiency",
    "bytes_per_param",
    "usable_fraction",
    "pue",
    "flops_per_param_token",
    "tokens_per_param",
    "tokens_per_word",
    "bytes_per_value",
    "kv_gb",
    "latency_ms",
    "peak_factor",
    "kv_gb_per_sequence",
    "allreduce_us",
    "goodput",
}


def _columns(fn, n: int, rng):
    """The function's example with its main numeric arguments as n-row columns (x0.5-1.0, so
    every row stays valid)."""
    args = list(fn.example)
    for i, (arg, value) in enumerate(zip(fn.args, args)):
        numeric = arg.kind == "number" or (
            arg.kind == "model" and not str(value)[:1].isalpha()
        )  # "175B", not "DeepSeek-V3"
        if numeric and arg.name not in _KEEP_SCALAR:
            x = parse_num(value) if isinstance(value, str) else float(value)
            col = x * rng.uniform(0.5, 1.0, size=(n, 1))
            if arg.name in ("height", "width", "context_tokens", "amount", "tokens", "days"):
                col = np.ceil(col)
            args[i] = col
    return args


def _bare(fn, args):
    """The engine formula's own numpy arithmetic on already-resolved arguments: what the same
    computation costs with no conversion, no validation and no error handling."""
    given = _arguments(fn, args, {})
    values = {
        a.name: (
            numbers(given.get(a.name), a.name, a.default)[0]
            if a.kind == "number"
            else texts(given.get(a.name), a.name, a.default)[0]
        )
        for a in fn.args
    }
    kwargs = fn.bind(Bound(fn, values, False))
    return lambda: fn.formula.fn(**kwargs)


def array_rows(sizes=(100_000, 1_000_000), repeat: int = 5) -> list[dict]:
    """Every formula function over n-row columns: the Python API on ndarrays against the bare
    formula, and the Excel face on nested lists against numpy's own list round trip (list ->
    array, the same formula, array -> list)."""
    rows = []
    rng = np.random.default_rng(0)
    for n in sizes:
        for name, fn in REGISTRY.items():
            if fn.formula is None:
                continue
            args = _columns(fn, n, rng)
            if not any(isinstance(a, np.ndarray) for a in args):  # example all names and counts (TTFT_SECONDS)
                continue
            nested = [a.tolist() if isinstance(a, np.ndarray) else a for a in args]
            bare = _bare(fn, args)
            expected = bare()
            assert np.allclose(fn(*args), expected, rtol=1e-12)
            face_out = getattr(udfs, name)(*nested)
            assert isinstance(face_out, list) and len(face_out) == n, face_out if isinstance(face_out, str) else ""

            def round_trip():
                for a in nested:
                    if isinstance(a, list):
                        np.asarray(a, dtype=float)
                return bare().tolist()

            bare_s = _best(bare, repeat)
            api_s = _best(lambda: fn(*args), repeat)
            trip_s = _best(round_trip, max(2, repeat // 2))
            face_s = _best(lambda: getattr(udfs, name)(*nested), max(2, repeat // 2))
            rows.append(
                {
                    "kind": "array",
                    "function": name,
                    "rows": n,
                    "columns": sum(isinstance(a, np.ndarray) for a in args),
                    "api_ndarray_ms": api_s * 1e3,
                    "numpy_ms": bare_s * 1e3,
                    "ratio_ndarray": api_s / bare_s,
                    "face_lists_ms": face_s * 1e3,
                    "numpy_list_round_trip_ms": trip_s * 1e3,
                    "ratio_lists": face_s / trip_s,
                }
            )
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
    lines = [
        "Array calls (main numeric arguments as columns; the rest scalar)",
        f"{'function':<18} {'rows':>9} {'API ms':>8} {'numpy ms':>9} {'x':>5} | "
        f"{'face ms':>8} {'np list ms':>10} {'x':>5}",
    ]
    for r in rows:
        if r["kind"] == "array":
            lines.append(
                f"{r['function']:<18} {r['rows']:>9,} {r['api_ndarray_ms']:>8.2f} {r['numpy_ms']:>9.3f} "
                f"{r['ratio_ndarray']:>5.1f} | {r['face_lists_ms']:>8.1f} "
                f"{r['numpy_list_round_trip_ms']:>10.1f} {r['ratio_lists']:>5.2f}"
            )
    lines += ["", "Scalar calls through flopsheet.udfs (the documented example), microseconds per call"]
    for r in rows:
        if r["kind"] == "scalar":
            lines.append(f"  {r['function']:<18} {r['us_per_call']:7.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = tuple(int(float(a)) for a in sys.argv[1:]) or (100_000, 1_000_000)
    print(report(run(sizes)))
