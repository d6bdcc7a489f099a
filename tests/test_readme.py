"""The README's generated blocks and quick-start commands stay true."""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import docs

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_are_current():
    assert docs.fill_blocks(README, docs.readme_blocks()) == README, "README is stale: run `python -m tools.regenerate`"


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


def console_examples() -> list[tuple[str, str]]:
    """(command, printed output) for every `$ flopsheet ...` line of the README's console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output))
    return examples


def test_the_readme_shows_console_examples():
    commands = [c for c, _ in console_examples()]
    assert any(c.startswith("flopsheet calc GPU_DAYS 3.15e23 A100 0.462") for c in commands)
    assert any(c.startswith("flopsheet handoff ") for c in commands)


@pytest.mark.parametrize("command, output", console_examples(), ids=[c for c, _ in console_examples()])
def test_every_console_example_prints_what_the_readme_says(command, output, tmp_path):
    """Each command runs as written (from a folder holding the repository's workbook/) and prints exactly the
    README's lines, stdout then stderr as a terminal interleaves them here (notes go to stderr first)."""
    words = shlex.split(command)
    assert words[0] == "flopsheet"
    (tmp_path / "workbook").symlink_to(ROOT / "workbook")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "addin"))
    r = subprocess.run(
        [sys.executable, "-m", "flopsheet", *words[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    # progress lines ("flopsheet handoff: writing the copy (2.1 s)") appear only on a slow machine
    progress = re.compile(r"^flopsheet \w+: .*\(\d+(\.\d+)? s\)\n", re.M)
    assert progress.sub("", r.stderr) + r.stdout == output


def test_no_help_text_shows_a_doubled_percent_sign():
    from flopsheet.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        assert "%%" not in p.format_help(), name
    assert "%%" not in parser.format_help()


def test_prerequisites_are_one_line_installing_what_ci_installs():
    def packages(text):
        lines = [ln for ln in text.splitlines() if "apt-get install" in ln]
        assert len(lines) == 1, lines
        words = lines[0].split("apt-get install", 1)[1].split()
        return {w for w in words if not w.startswith("-") and w != ">/dev/null"}

    ci = (ROOT / ".ci" / "run").read_text()
    assert packages(README) == packages(ci)
    assert {"libreoffice-calc-nogui", "gnumeric", "poppler-utils"} <= packages(README)


def test_the_readme_states_the_suites_running_time():
    after = README.split("python -m pytest\n```", 1)[1][:300]
    assert re.search(r"about \d+ minutes", after)


def test_sheet_lists_follow_the_templates_sheet_order():
    from flopsheet.template.layout import SHEET_ORDER

    workbook_readme = (ROOT / "workbook" / "README.md").read_text(encoding="utf-8")
    assert docs.fill_blocks(workbook_readme, docs.workbook_readme_blocks()) == workbook_readme, (
        "workbook/README.md is stale: run `python -m tools.regenerate`"
    )
    for text, block in ((README, "sheets"), (workbook_readme, "sheets")):
        body = text.split(f"<!-- BEGIN {block} -->")[1].split(f"<!-- END {block} -->")[0]
        listed = [m for m in re.findall(r"^(?:- \*\*|\| )([^*|]+?)(?:\*\*| \|)", body, re.M) if m not in ("Sheet",)]
        assert [n for n in listed if n in SHEET_ORDER] == list(SHEET_ORDER), (block, listed)
        assert {"Models", "Economics"} <= set(listed)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_what_the_quick_start_writes_is_ignored_by_git():
    from flopsheet.template.build import copy_path, default_output
    from flopsheet.template.i18n import LANGS

    written = [p for lang in LANGS for p in (default_output(lang), copy_path(default_output(lang)).name)]
    r = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *written], capture_output=True, text=True)
    assert sorted(r.stdout.split()) == sorted(written), r.stdout
