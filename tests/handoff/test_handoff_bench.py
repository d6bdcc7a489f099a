"""benchmarks/handoff_bench.py runs on a tiny workbook and reports every figure (never timed here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "handoff_bench.py"


def test_handoff_benchmark_runs_on_tiny_sizes(soffice, capsys):
    spec = importlib.util.spec_from_file_location("handoff_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.run(rows=(20,), repeat=1)  # a smoke run: every figure is written; timing is the benchmark's job
    assert [(r["kind"], r["rows"]) for r in rows] == [
        ("handoff", 20),
        ("carry", 20),
        ("evaluate", 20),
        ("merge", 1_048_576),
    ]
    handoff, carry, evaluate, merge = rows
    assert carry["ratio_vs_floor"] > 0 and handoff["floor_seconds"] > 0 and merge["seconds"] > 0
    assert handoff["seconds"] > 0 and handoff["openpyxl_seconds"] > 0 and handoff["ratio_vs_openpyxl"] > 0
    assert evaluate["libreoffice_seconds"] > 0 and evaluate["ratio_vs_libreoffice"] > 0
    assert all(r["peak_mb"] > 0 for r in rows)
    printed = capsys.readouterr().out
    assert "openpyxl s" in printed and "whole-column merge" in printed
    assert bench.markdown(rows).count("\n") == 2
