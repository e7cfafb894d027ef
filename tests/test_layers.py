"""The layers point one way, and no module of the project imports itself round a circle.

Read from the source (every `import` and `from … import`, also those inside functions),
so nothing needs importing: `hms_core` (the domain) imports nothing from the layers
around it, `projections` and `policies` nothing from `api` or `demo`, and no chain of
imports among the project's modules comes back to where it started.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("hms_core", "projections", "policies", "adapters", "api", "demo")
# What each layer must not import.
FORBIDDEN = {
    "hms_core": ("api", "projections", "policies", "demo", "adapters"),
    "adapters": ("api", "projections", "policies", "demo"),
    "projections": ("api", "policies", "demo"),
    "policies": ("api", "demo"),
    "demo": ("api", "projections", "policies"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for package in PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if "__pycache__" not in p.parts
    }


def imported(path: Path, name: str, known: set[str]) -> Iterator[str]:
    """The project's modules that `name` (at `path`) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name`
            # the module.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imported(path, name, known)) for name, path in found.items()}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_the_layers_around_it(layer):
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name.split(".")[0] == layer
        for target in targets
        if target.split(".")[0] in FORBIDDEN[layer]
    )
    assert not wrong, "\n".join(wrong)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_a_circle():
    # A package's __init__ that only gathers its modules' names is not a cycle of logic:
    # leave out the edges from a package to its own modules.
    edges = {
        name: {t for t in targets if not t.startswith(f"{name}.")}
        for name, targets in graph().items()
    }
    assert cycles(edges) == []


def test_the_import_graph_is_read_from_every_module():
    found = graph()
    assert "hms_core.application" in found
    assert "hms_core.deviations.use_cases" in found["hms_core.application"]
