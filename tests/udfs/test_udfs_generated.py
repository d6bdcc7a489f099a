"""flopsheet/udfs.py is generated from the registry: the committed file must be current, and
each Excel function must be a real `def` a reader can find by its name."""

import ast
from pathlib import Path

import flopsheet
from flopsheet.functions import REGISTRY
from tools import udfs_source

UDFS = Path(flopsheet.__file__).with_name("udfs.py")


def test_committed_udfs_module_is_current():
    assert UDFS.read_text(encoding="utf-8") == udfs_source.source(), (
        "flopsheet/udfs.py is stale: run `python -m tools.regenerate`"
    )


def test_every_function_is_a_plain_def_named_as_in_excel():
    tree = ast.parse(UDFS.read_text(encoding="utf-8"))
    defs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert set(defs) == set(REGISTRY)
    for name, node in defs.items():
        assert [a.arg for a in node.args.args] == [a.name for a in REGISTRY[name].args]
    assert "exec(" not in UDFS.read_text(encoding="utf-8")
    assert "globals()" not in UDFS.read_text(encoding="utf-8")


def test_a_changed_declaration_makes_the_module_stale(monkeypatch):
    fn = REGISTRY["GPU_DAYS"]
    changed = udfs_source.function_source(fn).replace("GPU-days", "GPU days")
    assert changed != udfs_source.function_source(fn)
    monkeypatch.setattr(udfs_source, "function_source", lambda f: changed if f is fn else "")
    assert udfs_source.source() != UDFS.read_text(encoding="utf-8")


def test_committed_call_names_are_the_registry_names():
    from flopsheet import callnames

    path = Path(callnames.__file__)
    assert path.read_text(encoding="utf-8") == udfs_source.names_source(), (
        "flopsheet/callnames.py is stale: run `python -m tools.regenerate`"
    )
    assert callnames.NAMES == tuple(REGISTRY)
