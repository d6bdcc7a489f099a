"""benchmarks/checks_bench.py (the timings the tests no longer assert) runs on tiny sizes and
reports every figure beside its same-run baseline. Never timed here."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_checks_benchmark_writes_every_figure(tmp_path):
    out = tmp_path / "checks.json"
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "addin"), os.environ.get("PYTHONPATH")]))
    )
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "checks_bench.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    rows = {row["kind"]: row for row in json.loads(out.read_text())["results"]}
    assert set(rows) == {"check_workbook", "zip_bomb", "lying_directory", "resolve"}
    assert rows["check_workbook"]["ratio"] > 0 and rows["resolve"]["ratio"] > 0
    assert all(row["kind"] in r.stdout for row in rows.values())
