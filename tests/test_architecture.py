"""The package's floors, read from its own source: imports point down, never in circles.

Every ``import`` counts, including those inside functions (a lazy import is still a
dependency). Floors, top to bottom (DEVELOPERS.md):

    front doors   perfdesk.cli, perfdesk.__main__, perfdesk.show, perfdesk.ui
    services      perfdesk.carry, perfdesk.library, perfdesk.pdf, perfdesk.excel, perfdesk.store, perfdesk.progress,
                  perfdesk.resources, perfdesk.paths
    models        perfdesk.models
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "perfdesk"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The perfdesk modules a file imports (``from perfdesk.x import y`` counts as
    ``perfdesk.x.y`` when that is a module, else ``perfdesk.x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("perfdesk"):
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("perfdesk"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {m for m in found if m in known}


@functools.cache
def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges = {}
    for name, path in mods.items():
        # A package's __init__ is implied by importing any of its modules; it is not an edge.
        edges[name] = {m for m in imports_of(path, known) if m != name and m != "perfdesk"}
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


FLOORS = {
    "models": 0,
    "progress": 1, "resources": 1, "paths": 1,
    "store": 2,
    "excel": 3, "pdf": 3, "exchange": 3,
    "carry": 4, "library": 4,
    "show": 5, "ui": 5, "cli": 6, "__main__": 7,
}  # fmt: skip


def floor(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 5  # perfdesk/__init__.py: the version, imported from anywhere
    return FLOORS[parts[1]]


def test_every_module_has_a_floor() -> None:
    for name in modules():
        floor(name)


def test_no_two_modules_import_each_other() -> None:
    assert strongly_connected(graph()) == []


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_point_down(module: str) -> None:
    edges = graph()
    up = sorted(m for m in edges[module] if m != "perfdesk" and floor(m) > floor(module))
    # The window is a front door: only cli (which opens it) may import it.
    if not module.startswith("perfdesk.cli"):
        up += sorted(m for m in edges[module] if m.startswith("perfdesk.ui") and
                     not module.startswith("perfdesk.ui"))
    assert up == [], f"{module} imports a higher floor: {up}"


def test_the_detector_sees_a_cycle() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_package_is_in_the_wheel() -> None:
    """pyproject.toml names the packages a wheel holds: a folder left out installs a broken
    perfdesk (`pip install .`), while the editable install of the tests would not notice."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    folders = {module_name(p.parent) for p in PACKAGE.rglob("__init__.py")}
    assert folders <= listed, sorted(folders - listed)
