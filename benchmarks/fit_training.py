"""Refit TRAIN_MFU's constants on the training rows of tests/reference/measured.csv, and try a candidate term.

    PYTHONPATH=addin python benchmarks/fit_training.py                # refit the constants as they stand
    PYTHONPATH=addin python benchmarks/fit_training.py --term width   # with a narrow-GEMM term 1 / (1 + D0 / d_model)
    PYTHONPATH=addin python benchmarks/fit_training.py --term size    # with a small-model term 1 / (1 + N0 / params)

Each training row (MLPerf time to train, model cards' GPU-hours, published per-step rates) is mapped as
benchmarks/fidelity.py maps it, and the constants of engine/training.py (TRAIN_STEP_SHARE by number format,
A2A_BYTES, STEP_OVERHEAD_TOKENS, STEP_FIXED_S, MOE_MICROBATCH_S, plus the candidate term's) are fitted at once: robust least squares
(soft L1 at scale 0.1) on log(predicted / measured), the method engine/training.py documents, solved here by
Levenberg-Marquardt on iteratively reweighted residuals (numpy only, no SciPy). Rows whose notes say they are not
used in fitting (checks) are predicted but not fitted. Prints the fitted constants and every row as it is today
-> after the fit, the median error factor and the rows outside 40%: a term that brings some rows in and moves
others out is a regression, not a fit (the repository's rule: fit the physics across all rows, never one).

A candidate term multiplies TRAIN_MFU's answer (its per-step fixed time still uses the step's work before the
term: a what-if, not a model); engine/training.py's constants are restored when the script ends.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fidelity", ROOT / "benchmarks" / "fidelity.py")
fidelity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fidelity)

CHECK = "not used in fitting"  # a row's notes: predicted, not fitted
SCALE = 0.1  # soft L1 scale on the log ratio: rows beyond ~10% weigh less and less
# the constants fitted, where they live, and the start of the search
BASE = ("bf16", "fp8", "fp4", "a2a_bytes", "overhead_tokens", "fixed_s", "moe_microbatch_s")
TERMS = {"width": ("D0", 1000.0), "size": ("N0", 1e9)}


def _constants():
    from flopsheet.engine import training as T

    return T


def get(name: str) -> float:
    T = _constants()
    return {
        "bf16": lambda: T.TRAIN_STEP_SHARE["bf16"],
        "fp8": lambda: T.TRAIN_STEP_SHARE["fp8"],
        "fp4": lambda: T.TRAIN_STEP_SHARE["fp4"],
        "a2a_bytes": lambda: T.A2A_BYTES,
        "overhead_tokens": lambda: T.STEP_OVERHEAD_TOKENS,
        "fixed_s": lambda: T.STEP_FIXED_S,
        "moe_microbatch_s": lambda: T.MOE_MICROBATCH_S,
    }[name]()


def put(name: str, value: float, term: dict) -> None:
    T = _constants()
    if name == "bf16":
        for p in ("bf16", "fp16", "tf32", "fp32"):
            T.TRAIN_STEP_SHARE[p] = value
    elif name == "fp8":
        T.TRAIN_STEP_SHARE["fp8"] = T.TRAIN_STEP_SHARE["int8"] = value
    elif name == "fp4":
        T.TRAIN_STEP_SHARE["fp4"] = value
    elif name == "a2a_bytes":
        T.A2A_BYTES = value
    elif name == "overhead_tokens":
        T.STEP_OVERHEAD_TOKENS = value
    elif name == "fixed_s":
        T.STEP_FIXED_S = value
    elif name == "moe_microbatch_s":
        T.MOE_MICROBATCH_S = value
    else:
        term[name] = value


def with_term(kind: str | None, term: dict):
    """Wrap TRAIN_MFU's formula with the candidate term (reads term[...] at each call); returns the undo."""
    from flopsheet.engine import training as T

    formula = T.train_mfu.formula
    original = formula.fn
    if kind is None:
        return lambda: None

    def fn(params, peak_tflops, share, layers=0.0, d_model=0.0, *rest, **kw):
        mfu = original(params, peak_tflops, share, layers, d_model, *rest, **kw)
        if kind == "width":
            return mfu / (1.0 + term["D0"] / d_model) if d_model else mfu
        return mfu / (1.0 + term["N0"] / params)

    formula.fn = fn

    def undo():
        formula.fn = original

    return undo


def forget() -> None:
    """Empty the functions' memo: it keeps answers by their arguments, not by the constants they used."""
    from flopsheet.functions import declaration

    declaration._MEMO.clear()


def ratios(rows: list[dict]) -> np.ndarray:
    forget()
    return np.array([fidelity.predict(r)[0] / float(r["value"]) for r in rows])


def fit(names: list[str], x0: np.ndarray, rows: list[dict], term: dict, iterations: int = 60) -> np.ndarray:
    """Levenberg-Marquardt on log-parameters, soft-L1 weights recomputed each iteration (IRLS)."""

    def residuals(logx: np.ndarray) -> np.ndarray:
        for n, v in zip(names, np.exp(logx)):
            put(n, float(v), term)
        return np.log(ratios(rows))

    def cost(r: np.ndarray) -> float:
        return float(np.sum(2.0 * (np.sqrt(1.0 + (r / SCALE) ** 2) - 1.0)))

    logx = np.log(x0)
    r = residuals(logx)
    lam = 1e-2
    for _ in range(iterations):
        w = 1.0 / np.sqrt(1.0 + (r / SCALE) ** 2)
        jac = np.empty((len(r), len(logx)))
        for j in range(len(logx)):
            step = np.zeros_like(logx)
            step[j] = 1e-4
            jac[:, j] = (residuals(logx + step) - r) / 1e-4
        a = jac.T @ (w[:, None] * jac)
        g = jac.T @ (w * r)
        improved = False
        while lam < 1e8:
            delta = np.linalg.solve(a + lam * np.diag(np.diag(a) + 1e-12), -g)
            trial = residuals(logx + delta)
            if cost(trial) < cost(r):
                logx, r, lam, improved = logx + delta, trial, lam / 3.0, True
                break
            lam *= 4.0
        if not improved or np.max(np.abs(delta)) < 1e-6:
            break
    residuals(logx)
    return np.exp(logx)


def summary(rows: list[dict], ratio: np.ndarray) -> str:
    factor = np.maximum(ratio, 1.0 / ratio)
    outside = [r["id"] for r, f in zip(rows, factor) if f > 1.40]
    return f"median error {statistics.median(factor):.3f}x, outside 40%: {', '.join(outside) or 'none'}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--term", choices=sorted(TERMS), help="a candidate term fitted with the constants")
    args = ap.parse_args(argv)
    rows = [r for r in fidelity.load() if r["kind"] in fidelity.TRAINING_KINDS]
    fitted_rows = [r for r in rows if CHECK not in r["notes"]]
    names = list(BASE)
    saved = {n: get(n) for n in names}
    term: dict = {}
    undo = with_term(None, term)
    try:
        before = ratios(rows)
        x0 = [saved[n] for n in names]
        if args.term:
            name, start = TERMS[args.term]
            names.append(name)
            x0.append(start)
            term[name] = start
            undo = with_term(args.term, term)
        x = fit(names, np.array(x0, dtype=float), fitted_rows, term)
        after = ratios(rows)
        print(f"{len(rows)} training rows, {len(fitted_rows)} fitted ({len(rows) - len(fitted_rows)} checks)")
        print("fitted: " + ", ".join(f"{n} {v:.4g}" for n, v in zip(names, x)))
        print(f"{'id':<16} {'model':<18} {'gpu':<14} {'prec':<5} {'today':>6} {'fit':>6}")
        for r, a, b in zip(rows, before, after):
            mark = "" if CHECK not in r["notes"] else "  (check)"
            print(f"{r['id']:<16} {r['model_as_typed']:<18} {r['gpu']:<14} {r['precision']:<5} {a:6.2f} {b:6.2f}{mark}")
        print("today: " + summary(rows, before))
        print("fit:   " + summary(rows, after))
    finally:
        undo()
        for n, v in saved.items():
            put(n, v, term)
        forget()
    return 0 if all(math.isfinite(v) for v in x) else 1


if __name__ == "__main__":
    sys.exit(main())
