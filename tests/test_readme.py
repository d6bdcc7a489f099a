"""The README's generated blocks and quick-start commands stay true."""

import re
from pathlib import Path

from tools import docs

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_are_current():
    assert docs.fill_blocks(README, docs.readme_blocks()) == README, \
        "README is stale: run `python -m tools.regenerate`"


def test_seed_table_shows_every_row_and_both_corrections():
    block = README.split("<!-- BEGIN seed-table -->")[1].split("<!-- END seed-table -->")[0]
    numbers = re.findall(r"^\| (\d+)′? \|", block, re.M)
    assert sorted(set(map(int, numbers))) == list(range(1, 13))
    assert "777,768" in block and "388,884" in block


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n(.+?)\n```", README)
    install_and_test = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text()
    assert install_and_test in ci.splitlines()


def test_every_function_is_listed():
    from flopsheet.functions import REGISTRY

    for name in REGISTRY:
        assert f"[`{name}(" in README
