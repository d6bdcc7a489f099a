"""workbook/lite/ is what `flopsheet lite` writes: the committed main.py and requirements.txt must be
current, and the command writes, refuses and checks what it is given."""

import ast
import subprocess
import sys

import pytest
from lite_face import LITE_DIR, MAIN

import flopsheet
from flopsheet import lite
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.functions.declaration import excel_required


def test_committed_lite_face_is_current():
    assert MAIN.read_text(encoding="utf-8") == lite.main_source(), (
        "workbook/lite/main.py is stale: run `python -m tools.regenerate` (or `flopsheet lite workbook/lite --force`)"
    )
    assert (LITE_DIR / "requirements.txt").read_text(encoding="utf-8") == lite.requirements_text()


def test_main_py_is_plain_decorated_defs_importing_what_lite_documents():
    text = MAIN.read_text(encoding="utf-8")
    tree = ast.parse(text)
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert "from xlwings import arg, func, ret" in imports
    assert not [i for i in imports if "flopsheet.udfs" in i or "xlwings.pro" in i]
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert set(defs) == set(REGISTRY)
    for name, node in defs.items():
        fn = REGISTRY[name]
        assert [a.arg for a in node.args.args] == [a.name for a in fn.args]
        defaults = [
            a.default if a.optional else None for i, a in enumerate(fn.args) if a.optional or i >= excel_required(fn)
        ]  # KV_CACHE_GB's head_dim...: blank
        assert [ast.literal_eval(d) for d in node.args.defaults] == defaults
        decorators = [ast.unparse(d) for d in node.decorator_list]
        assert decorators[0] == "func" and len(decorators) == 1 + len(fn.args)
        assert ast.get_docstring(node) == fn.summary
    assert f"flopsheet {flopsheet.__version__}" in text


def test_a_changed_declaration_makes_the_file_stale(monkeypatch):
    fn = REGISTRY["GPU_DAYS"]
    changed = lite.function_source(fn).replace("GPU-days", "GPU days")
    assert changed != lite.function_source(fn)
    monkeypatch.setattr(lite, "function_source", lambda f: changed if f is fn else "")
    assert lite.main_source() != MAIN.read_text(encoding="utf-8")


def test_the_command_writes_both_files_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "lite"
    cmd = [sys.executable, "-m", "flopsheet", "lite", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (out / "main.py").read_text(encoding="utf-8") == lite.main_source()
    assert (out / "requirements.txt").read_text(encoding="utf-8") == f"flopsheet=={flopsheet.__version__}\n"
    again = subprocess.run(cmd, capture_output=True, text=True)
    assert again.returncode != 0 and "--force" in again.stderr and "Traceback" not in again.stderr
    url = "https://example.org/dist/flopsheet-0.1.0-py3-none-any.whl"
    forced = subprocess.run(cmd + ["--force", "--requirement", url], capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr
    assert (out / "requirements.txt").read_text(encoding="utf-8") == url + "\n"


@pytest.mark.parametrize(
    "bad",
    [
        "http://example.org/flopsheet-0.1.0-py3-none-any.whl",
        "numpy",
        "flopsheet",
        "https://example.org/other-1.0-py3-none-any.whl",
        "flopsheet==0.1.0\nevil",
    ],
)
def test_a_requirement_that_would_not_install_flopsheet_is_refused(bad, tmp_path):
    with pytest.raises(FlopsheetError, match="--requirement"):
        lite.write(tmp_path, bad)
    assert not list(tmp_path.iterdir())
