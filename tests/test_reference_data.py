"""The tests use only what the repository holds: reference data lives in tests/reference/ with its
origin in the README, and no test reaches for a folder beside the checkout."""

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REFERENCE = TESTS / "reference"


def test_every_reference_file_has_its_origin_in_the_readme():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in REFERENCE.iterdir() if p.name != "README.md")
    assert files == [
        "accelerators.csv",
        "h100-measured.json",
        "llm-analysis-0.2.2.json",
        "measured.csv",
        "mlperf-lengths",
        "mlperf-training-llama31.csv",
        "mlperf-v51-offline.csv",
        "pyodide-lock-314.0.8.json",
        "seed-figures.md",
        "trtllm-perf-overview-later.csv",
        "trtllm-perf-overview.csv",
        "vision-rates.csv",
        "vision-tokens.csv",
    ]
    for name in files:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row and row.count("|") >= 5, f"{name} has no row (what, origin, read by) in the README"
        reader = row.rsplit("|", 2)[-2].strip().strip("`")
        assert (TESTS.parent / reader).exists() and name in (TESTS.parent / reader).read_text(), (name, reader)


# A path leaving the repository: the research folder beside the clone (by a relative path or ROOT / its name), parents[3] from
# tests/x/y.py... (not the word itself: t="shared" is a spreadsheet's shared formula)
OUTSIDE = re.compile(r"""\.\./shared|["']shared/|/\s*["']shared["']|parents\[3\]|\.parent\.parent\.parent""")


def _docstring_lines(source: str) -> set[int]:
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def test_no_test_reads_outside_the_repository():
    offenders = []
    for path in TESTS.rglob("*.py"):
        if path.name == Path(__file__).name:
            continue
        source = path.read_text(encoding="utf-8")
        prose = _docstring_lines(source)  # a docstring may say where a copy came from
        for n, line in enumerate(source.splitlines(), 1):
            code = line.split("#", 1)[0]
            if n not in prose and OUTSIDE.search(code):
                offenders.append(f"{path.relative_to(TESTS)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
