"""docs/functions.md is generated from the registry; this fails when it is stale."""

import argparse
from pathlib import Path

from flopsheet.functions import REGISTRY
from tools import docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "functions.md"


def test_function_reference_is_up_to_date():
    expected = docs.function_reference()
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert current == expected, "docs/functions.md is stale: run `python -m tools.regenerate`"


def test_reference_documents_every_function():
    text = docs.function_reference()
    for name, fn in REGISTRY.items():
        assert f"### {name}\n" in text
        assert f"`{docs.syntax(fn)}`" in text
        assert fn.source in text
        for arg in fn.args:
            assert f"| `{arg.name}` |" in text and arg.doc.replace("|", "\\|") in text


def test_examples_show_computed_results():
    text = docs.function_reference()
    assert '`=GPU_DAYS(3.15E+23, "A100", 0.462, "bf16", 1)` → 25,293' in text  # goodput 1: the seed's figure
    assert '`=TRAIN_FLOPS("175B", "300B")` → 3.15E+23' in text
    examples = [line for line in text.splitlines() if line.startswith("Example: ")]
    assert len(examples) == len(REGISTRY)
    for name, line in zip(REGISTRY, examples):
        assert f"`={name}(" in line and f'"{name}: ' not in line, f"the example of {name} is an error: {line}"


def test_syntax_brackets_optional_arguments():
    assert docs.syntax(REGISTRY["GPU_DAYS"]) == "GPU_DAYS(flops, gpu, [mfu], [precision], [goodput])"
    assert docs.syntax(REGISTRY["GPU_NAMES"]) == "GPU_NAMES()"


def test_cli_check_and_write(tmp_path, capsys):
    out = tmp_path / "functions.md"
    args = argparse.Namespace(output=str(out), force=False, check=None)
    assert docs.run(args) == 0 and out.read_text(encoding="utf-8") == docs.function_reference()
    assert docs.run(argparse.Namespace(output=None, force=False, check=str(out))) == 0
    out.write_text("old", encoding="utf-8")
    assert docs.run(argparse.Namespace(output=None, force=False, check=str(out))) == 1
    assert "stale" in capsys.readouterr().err


def test_docs_command_checks_the_committed_file():
    assert docs.main(["--check", str(DOCS)]) == 0
