"""Fit the share of a prefill pass's shorter phase left exposed beside the longer one
(engine.inference.PREFILL_EXPOSED_SHARE) on the time-to-first-token rows of tests/reference/measured.csv.

    PYTHONPATH=addin python benchmarks/fit_prefill.py

Each ttft_s row (a prefill measured alone: TensorRT-LLM v0.6's table, NIM's runs) is predicted as fidelity.py
predicts it, TTFT_SECONDS, on a grid of shares from 0 (the roofline's full overlap: the slower phase alone, how the
engine stood before) to 1 (the two phases in series); the error is the RMS of log(predicted / measured) over all
those rows. Prints the error and the mean log ratio along the grid, each row at 0 -> the engine's share, and the
leave-one-out error (each row at the share fitted without it). The engine's constant is restored when the script
ends. A least-squares fit over all the rows, never one. The error and the rows' printout are fit_host's.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fit_host", ROOT / "benchmarks" / "fit_host.py")
fit_host = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fit_host)
fidelity, rms_log = fit_host.fidelity, fit_host.rms_log

SHARES = [round(0.05 * i, 2) for i in range(21)]


def fitted_rows(rows: list[dict]) -> list[dict]:
    """Every time-to-first-token row: a prefill measured on its own."""
    return [r for r in rows if r["kind"] == "ttft_s"]


def ratios(rows: list[dict], share: float) -> dict[str, float]:
    """predicted / measured of each row with `share` of the shorter phase exposed."""
    from flopsheet.engine import inference as I

    saved = I.PREFILL_EXPOSED_SHARE
    I.PREFILL_EXPOSED_SHARE = share
    try:
        return {r["id"]: fidelity.predict(r)[0] / float(r["value"]) for r in rows}
    finally:
        I.PREFILL_EXPOSED_SHARE = saved


def mean_log(ratio: dict[str, float]) -> float:
    return sum(math.log(x) for x in ratio.values()) / len(ratio)


def main() -> int:
    from flopsheet.engine import inference as I

    rows = fitted_rows(fidelity.load())
    share = I.PREFILL_EXPOSED_SHARE
    print(f"{len(rows)} time-to-first-token rows")
    print("share  RMS log error  mean log ratio")
    for s in SHARES:
        r = ratios(rows, s)
        mark = "  <- PREFILL_EXPOSED_SHARE" if s == share else ""
        print(f"  {s:4.2f}  {rms_log(r):.3f}  {mean_log(r):+.3f}{mark}")
    before, now = ratios(rows, 0.0), ratios(rows, share)
    # leave-one-out: each row predicted at the share fitted on the others (the grid's least RMS without it)
    table = {s: ratios(rows, s) for s in SHARES}
    loo = {}
    for rid in now:
        best = min(SHARES, key=lambda s: sum(math.log(x) ** 2 for k, x in table[s].items() if k != rid))
        loo[rid] = table[best][rid]
    print(f"leave-one-out RMS log error {rms_log(loo):.3f} (in sample {rms_log(now):.3f}); worst ", end="")
    worst = max(loo, key=lambda k: abs(math.log(loo[k])))
    print(f"{worst} {loo[worst]:.2f}")
    fit_host.print_rows(before, now, share)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
