"""Everything `pip install flopsheet` pulls in can be installed by micropip inside xlwings Lite:
each dependency (and theirs) is a Pyodide build at a version the requirement accepts, a
pure-Python wheel, or xlwings, which Lite brings itself. Pyodide's builds are its lock file,
copied from the npm package pyodide 314.0.8 into tests/reference/ (see its README)."""

import json
import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[2]
LOCK = json.loads((ROOT / "tests" / "reference" / "pyodide-lock-314.0.8.json").read_text(encoding="utf-8"))
# Pyodide's platform as markers see it (what micropip evaluates a requirement's marker with)
PYODIDE = {
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "python_version": ".".join(LOCK["info"]["python"].split(".")[:2]),
    "python_full_version": LOCK["info"]["python"],
    "extra": "",
}
LITE_PROVIDES = "xlwings"  # installed by the add-in itself, before requirements.txt


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def core_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"]]


def _applies(req: Requirement) -> bool:
    return req.marker is None or Marker(str(req.marker)).evaluate(PYODIDE)


def _pure_python(name: str) -> bool:
    wheel = metadata.distribution(name).read_text("WHEEL") or ""
    return "Root-Is-Purelib: true" in wheel


def resolve_under_pyodide() -> dict[str, str]:
    """name -> how micropip gets it ("pyodide x.y", "pure", "lite"), walking pure wheels' own
    requirements; AssertionError naming what cannot be had."""
    packages = {_name(k): v for k, v in LOCK["packages"].items()}
    how, todo = {}, [r for r in core_requirements() if _applies(r)]
    while todo:
        req = todo.pop()
        name = _name(req.name)
        if name in how:
            continue
        if name == LITE_PROVIDES:
            how[name] = "lite"
        elif name in packages:
            version = packages[name]["version"]
            assert Version(version) in req.specifier, f"Pyodide builds {name} {version}, outside {req}"
            how[name] = f"pyodide {version}"
            todo += [Requirement(d) for d in packages[name]["depends"]]
        else:
            assert _pure_python(req.name), f"{req.name} is compiled and not among Pyodide's builds"
            how[name] = "pure"
            todo += [r for r in map(Requirement, metadata.distribution(req.name).requires or []) if _applies(r)]
    return how


def test_every_dependency_installs_under_pyodide():
    how = resolve_under_pyodide()
    assert how["numpy"].startswith("pyodide ") and how["xlwings"] == "lite"
    assert how["openpyxl"] == "pure" and how["et-xmlfile"] == "pure"


def test_lites_python_is_one_flopsheet_supports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert Version(LOCK["info"]["python"]) in SpecifierSet(project["requires-python"])


def test_xlwings_has_no_upper_bound():
    """Lite's own xlwings must satisfy flopsheet's requirement whatever its version: a cap would
    make micropip look for another xlwings, which has no Pyodide build on PyPI."""
    (xlwings,) = [r for r in core_requirements() if _name(r.name) == "xlwings"]
    assert not [s for s in xlwings.specifier if s.operator in ("<", "<=", "==", "~=", "===")], xlwings
    assert LITE_PROVIDES not in {_name(k) for k in LOCK["packages"]}


def test_the_check_can_fail(monkeypatch):
    monkeypatch.setitem(LOCK["packages"]["numpy"], "version", "3.0.0")
    with pytest.raises(AssertionError, match="numpy 3.0.0"):
        resolve_under_pyodide()
