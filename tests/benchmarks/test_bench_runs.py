"""The benchmark command runs (tiny sizes) and writes every kind of figure. Never timed here."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    r = subprocess.run(
        # the hand-off benchmark's smoke run is tests/handoff/test_handoff_bench.py (one run of it is enough)
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--skip-handoff", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(out.read_text())
    kinds = {row["kind"] for row in data["results"]}
    assert {"array", "scalar", "template"} <= kinds
    from flopsheet.functions import REGISTRY

    assert {row["function"] for row in data["results"] if row["kind"] == "scalar"} == set(REGISTRY)
    assert all(row["ratio_ndarray"] > 0 for row in data["results"] if row["kind"] == "array")
    assert "target <= 20 us" in r.stdout and data["machine"]["cores"]
