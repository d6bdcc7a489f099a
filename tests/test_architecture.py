"""The package's layers, read from its import graph (`ast`, imports inside functions included).

- no import cycle between modules, nor between the package's folders (each first-level folder
  counts as one node with everything under it; a module at the top level is a node of its own);
- no private name (`_x`) imported from another module, and no private module imported from
  outside its own folder: what is shared is public;
- the engine imports nothing of flopsheet outside `engine/` but `flopsheet.errors`;
- the shared spreadsheet text (exceltext, placeholders, assumptions, the template's editions)
  sits under both the template and the hand-off, and the hand-off under the template: neither
  imports upward;
- the installed package never imports the repository's tooling (`tools/`).

Each rule is also run on a small package written to tmp_path that breaks it, so a rule that
cannot fail is caught. No rule has an exception.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "addin" / "flopsheet"

# (importer prefix, allowed targets or None, forbidden targets): "flopsheet.x" covers flopsheet.x.*
ENGINE = "flopsheet.engine"
ENGINE_MAY_IMPORT = ("flopsheet.engine", "flopsheet.errors")
SHARED_TEXT = ("flopsheet.exceltext", "flopsheet.placeholders", "flopsheet.assumptions", "flopsheet.editions")
UPWARD = (
    (SHARED_TEXT, ("flopsheet.template", "flopsheet.handoff")),
    (("flopsheet.handoff",), ("flopsheet.template",)),
    (("flopsheet",), ("tools",)),
)


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


class Graph:
    """Modules of a package (dotted name -> (path, is a package)) and who imports whom."""

    def __init__(self, package_dir: Path):
        top = package_dir.name
        self.modules: dict[str, tuple[Path, bool]] = {}
        for path in sorted(package_dir.rglob("*.py")):
            parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            self.modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
        self.top = top
        self.edges: dict[str, set[str]] = defaultdict(set)
        self.external: dict[str, set[str]] = defaultdict(set)  # imports of other top-level names
        self.private: list[tuple[str, str, str]] = []  # (importer, imported module, name)
        for name, (path, is_package) in self.modules.items():
            self._read(name, path, is_package)

    def _module_of(self, dotted: str) -> str | None:
        while dotted and dotted not in self.modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    def _add(self, importer: str, target: str, names: list[str]) -> None:
        if not _under(target, self.top):
            self.external[importer].add(target)
            return
        for alias in names or [None]:
            full = f"{target}.{alias}" if alias else target
            module = full if full in self.modules else self._module_of(target)
            if module is None or module == importer:
                continue
            self.edges[importer].add(module)
            private_module = next((p for p in module.split(".") if p.startswith("_") and p != "__init__"), None)
            dunder = alias and alias.startswith("__") and alias.endswith("__")  # __version__ is public
            if alias and alias.startswith("_") and not dunder and full not in self.modules:
                self.private.append((importer, module, alias))
            elif private_module:
                home = module.rpartition(".")[0]
                if not _under(importer, home):
                    self.private.append((importer, module, private_module))

    def _read(self, name: str, path: Path, is_package: bool) -> None:
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self._add(name, alias.name, [])
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                self._add(name, target, [a.name for a in node.names])

    def unit(self, module: str) -> str:
        """The folder-level node of a module: its first-level folder, or itself at the top level."""
        parts = module.split(".")
        first = ".".join(parts[:2])
        if len(parts) > 1 and first in self.modules and self.modules[first][1]:
            return first
        return module

    def unit_edges(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for a, targets in self.edges.items():
            for b in targets:
                if self.unit(a) != self.unit(b):
                    out[self.unit(a)].add(self.unit(b))
        return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    nodes = set(edges) | {w for ws in edges.values() for w in ws}
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def engine_escapes(graph: Graph) -> list[tuple[str, str]]:
    return sorted(
        (a, b)
        for a, targets in graph.edges.items()
        if _under(a, ENGINE)
        for b in targets
        if not any(_under(b, ok) for ok in ENGINE_MAY_IMPORT)
    )


def upward_imports(graph: Graph) -> list[tuple[str, str]]:
    bad = []
    for importers, forbidden in UPWARD:
        for a in graph.modules:
            if any(_under(a, i) for i in importers):
                targets = graph.edges.get(a, set()) | graph.external.get(a, set())
                bad += [(a, b) for b in sorted(targets) if any(_under(b, f) for f in forbidden)]
    return bad


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph(PACKAGE)


def test_the_graph_sees_the_package(graph):
    # the reader must find imports at module level, inside functions and relative ones
    assert len(graph.modules) > 50
    assert "flopsheet.functions.declaration" in graph.edges["flopsheet.functions.training"]
    assert any(_under(b, "flopsheet.engine") for b in graph.edges["flopsheet.functions.declaration"])


def test_no_cycle_between_modules(graph):
    assert cycles(graph.edges) == []


def test_no_cycle_between_folders(graph):
    assert cycles(graph.unit_edges()) == []


def test_no_private_name_crosses_a_module(graph):
    assert graph.private == []


def test_the_engine_imports_only_the_engine_and_the_error_type(graph):
    assert engine_escapes(graph) == []


def test_no_layer_imports_one_above_it(graph):
    assert upward_imports(graph) == []


def _write(root: Path, files: dict[str, str]) -> Graph:
    for rel, text in files.items():
        path = root / "flopsheet" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Graph(root / "flopsheet")


def test_each_rule_fails_on_a_package_that_breaks_it(tmp_path):
    g = _write(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "exceltext.py": "def f():\n    from flopsheet.handoff import twins\n",
            "engine/__init__.py": "from . import core\n",
            "engine/core.py": "from flopsheet.errors import E\ndef g():\n    from flopsheet import exceltext\n",
            "engine/_checks.py": "",
            "handoff/__init__.py": "",
            "handoff/twins.py": "from flopsheet.handoff.plan import _private\nfrom flopsheet.engine import _checks\n",
            "handoff/plan.py": "def h():\n    from .twins import x\n",
            "template/__init__.py": "from flopsheet.handoff import plan\n",
            "template/build.py": "import tools.regenerate\n",
            "cli.py": "from flopsheet.template import build\n",
        },
    )
    assert ["flopsheet.handoff.plan", "flopsheet.handoff.twins"] in cycles(g.edges)  # a relative import in a function
    assert any({"flopsheet.exceltext", "flopsheet.handoff"} <= set(c) for c in cycles(g.unit_edges()))
    assert ("flopsheet.handoff.twins", "flopsheet.handoff.plan", "_private") in g.private
    assert ("flopsheet.handoff.twins", "flopsheet.engine._checks", "_checks") in g.private
    assert engine_escapes(g) == [("flopsheet.engine.core", "flopsheet.exceltext")]
    assert ("flopsheet.exceltext", "flopsheet.handoff.twins") in upward_imports(g)
    assert ("flopsheet.template.build", "tools.regenerate") in upward_imports(g)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
