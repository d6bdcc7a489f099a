"""The linter configured in pyproject.toml ([tool.ruff]) passes on the whole repository.

ruff comes with the test extras; under CI=true a missing ruff fails rather than skips.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    try:
        from ruff.__main__ import find_ruff_bin  # the wheel ships the binary beside the module

        return [find_ruff_bin()]
    except ImportError:
        pass
    if shutil.which("ruff"):
        return [shutil.which("ruff")]
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail("ruff is missing: pip install -e '.[test]'", pytrace=False)
    pytest.skip("ruff is missing: pip install -e '.[test]'")


def test_ruff_check_passes_on_the_repository():
    r = subprocess.run(
        [*_ruff(), "check", "--no-cache", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_ruff_check_finds_a_planted_problem(tmp_path):
    # the same configuration on a file with an unused import and an undefined name must fail
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\nprint(undefined_name)\n", encoding="utf-8")
    r = subprocess.run(
        [*_ruff(), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and "F401" in r.stdout and "F821" in r.stdout, r.stdout + r.stderr


def test_ruff_format_leaves_the_repository_as_it_is():
    r = subprocess.run(
        [*_ruff(), "format", "--check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_ruff_format_finds_a_planted_problem(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x = {  'a':1 }\n", encoding="utf-8")
    r = subprocess.run(
        [*_ruff(), "format", "--check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and "bad.py" in r.stdout + r.stderr, r.stdout + r.stderr
