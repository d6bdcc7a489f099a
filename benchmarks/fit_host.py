"""Fit the server's CPU time per running sequence (engine.inference.VLLM_HOST_US) and the share of it on the step's
critical path (HOST_SERIAL_SHARE) on the steady-state vLLM rows of tests/reference/measured.csv.

    PYTHONPATH=addin python benchmarks/fit_host.py

Each vLLM row measured under a steady load (benchmarks/fidelity.py's under_load: ML.ENERGY's leaderboard, ITL_MS or,
typed with its expert-parallel layout, LAYOUT_DECODE_MS with host_us) is predicted as fidelity.py predicts it, on a
grid of (host_us, share); the error is the RMS of log(predicted / measured) over those rows but the B200 runs slower
than their own H100 runs (fidelity.SLOWER_THAN_THEIR_H100). Prints the grid's best points, the error along the share
at the engine's host_us, and each row as fully overlapped (share 0, how the engine stood before) -> today. The
engine's constants are restored when the script ends. A least-squares fit over all the rows, never one: a share
that brings some rows in and moves others away is judged by the whole error.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fidelity", ROOT / "benchmarks" / "fidelity.py")
fidelity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fidelity)

SHARES = [round(0.05 * i, 2) for i in range(21)]
HOSTS = [float(h) for h in range(40, 101, 4)]


def fitted_rows(rows: list[dict]) -> list[dict]:
    """The vLLM rows measured under a steady load, but the B200 runs slower than their own H100 runs."""
    return [
        r
        for r in rows
        if fidelity.under_load(r)
        and r["software"].startswith("vLLM")
        and r["id"] not in fidelity.SLOWER_THAN_THEIR_H100
    ]


def ratios(rows: list[dict], host: float, share: float) -> dict[str, float]:
    """predicted / measured of each row at host_us `host` and critical-path share `share`."""
    from flopsheet.engine import inference as I

    saved = I.VLLM_HOST_US, I.HOST_SERIAL_SHARE
    I.VLLM_HOST_US, I.HOST_SERIAL_SHARE = host, share
    try:
        return {r["id"]: fidelity.predict(r)[0] / float(r["value"]) for r in rows}
    finally:
        I.VLLM_HOST_US, I.HOST_SERIAL_SHARE = saved


def rms_log(ratio: dict[str, float]) -> float:
    return math.sqrt(sum(math.log(x) ** 2 for x in ratio.values()) / len(ratio))


def main() -> int:
    from flopsheet.engine import inference as I

    rows = fitted_rows(fidelity.load())
    host, share = I.VLLM_HOST_US, I.HOST_SERIAL_SHARE
    grid = sorted((rms_log(ratios(rows, h, s)), h, s) for h in HOSTS for s in SHARES)
    print(
        f"{len(rows)} steady-state vLLM rows (without {len(fidelity.SLOWER_THAN_THEIR_H100)} B200 runs slower than their H100 runs)"
    )
    print("best (RMS log error, host_us, share):", ", ".join(f"({e:.3f}, {h:g}, {s:g})" for e, h, s in grid[:8]))
    print(f"along the share at host_us = {host:g}:")
    for s in SHARES:
        mark = "  <- HOST_SERIAL_SHARE" if s == share else ""
        print(f"  share {s:4.2f}: {rms_log(ratios(rows, host, s)):.3f}{mark}")
    print_rows(ratios(rows, host, 0.0), ratios(rows, host, share), share)
    return 0


def print_rows(before: dict[str, float], now: dict[str, float], share: float) -> None:
    """Each row fully overlapped (share 0) -> at the engine's share, predicted / measured, and the rows outside 40%
    (fit_host and fit_prefill alike)."""
    print(f"each row, fully overlapped -> share {share:g} (predicted / measured):")
    for rid in before:
        print(f"  {rid:14s} {before[rid]:5.2f} -> {now[rid]:5.2f}")
    out = [rid for rid, x in now.items() if max(x, 1 / x) > 1.4]
    print(f"outside 40%: {sum(max(x, 1 / x) > 1.4 for x in before.values())} -> {len(out)} ({', '.join(out)})")


if __name__ == "__main__":
    raise SystemExit(main())
