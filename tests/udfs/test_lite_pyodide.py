"""Optional: every function's example in real Pyodide under Node (the Python xlwings Lite runs), with
the same answers as CPython. Needs `node` and a Pyodide distribution that holds numpy's Pyodide
wheel: FLOPSHEET_PYODIDE=<folder with pyodide.mjs, pyodide-lock.json and the wheels>, or
node_modules/pyodide in the repository. The npm package `pyodide` alone is not enough: it ships the
runtime and the lock file but none of the package wheels (numpy's is on Pyodide's own download
site, neither on npm nor on PyPI), so on a machine that reaches only the package registries this
test skips, saying so."""

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flopsheet import excel_io
from flopsheet.functions import REGISTRY

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
const [indexURL, addin, examples] = process.argv.slice(2);
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
const py = await loadPyodide({ indexURL });
await py.loadPackage("numpy");
py.FS.mkdirTree("/flopsheet_src");
py.FS.mount(py.FS.filesystems.NODEFS, { root: addin }, "/flopsheet_src");
py.globals.set("examples", examples);
console.log(py.runPython(`
import json, sys
sys.path.insert(0, "/flopsheet_src")
from flopsheet import excel_io
from flopsheet.functions import REGISTRY
json.dumps({"python": sys.version, "results": {name: excel_io.call(REGISTRY[name], args)
                                               for name, args in json.loads(examples).items()}})
`));
"""


def _pyodide_dir() -> Path:
    for candidate in (os.environ.get("FLOPSHEET_PYODIDE"), ROOT / "node_modules" / "pyodide"):
        if candidate and (Path(candidate) / "pyodide.mjs").is_file():
            return Path(candidate)
    pytest.skip("no Pyodide distribution (set FLOPSHEET_PYODIDE to a folder with pyodide.mjs and its wheels)")


def _same(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):  # wasm's libm may round a last bit differently
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def test_every_function_in_pyodide_answers_as_in_cpython(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    folder = _pyodide_dir()
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    numpy_wheel = lock["packages"]["numpy"]["file_name"]
    if not (folder / numpy_wheel).is_file():
        pytest.skip(
            f"numpy's Pyodide build ({numpy_wheel}) is not in {folder}: the npm package pyodide ships the "
            f"runtime and lock file only, and the wheels are on no registry this machine reaches"
        )
    examples = {name: list(fn.example) for name, fn in REGISTRY.items()}
    script = tmp_path / "run.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    run = subprocess.run(
        [node, str(script), folder.as_posix() + "/", str(ROOT / "addin"), json.dumps(examples)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["python"].startswith(lock["info"]["python"])
    differ = {
        name: (out["results"][name], excel_io.call(fn, fn.example))
        for name, fn in REGISTRY.items()
        if not _same(out["results"][name], excel_io.call(fn, fn.example))
    }
    assert not differ, differ
