"""Imports only go down the floors of the pipeline (STYLE.md): read them with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "indicator_rules"

# Lowest floor first. A module may import from lower floors only.
FLOORS: list[set[str]] = [
    # collector: the garbage collector while checking; limits: the sizes readers accept;
    # atomic: files written whole or not at all
    {"errors", "source", "collector", "limits", "atomic"},
    {"values", "taxonomy"},
    {"model"},
    {"labels"},
    {"serialize", "dsl"},  # the rules language never imports the loaders, nor they it
    {"forms"},  # the form readers build declarations and may validate through serialize
    {"intake"},  # files and folders → declarations, through serialize and forms
    {"findings"},
    {"engine"},
    {"ruleset"},
    {"runner"},  # a ruleset over a stream of inputs, in worker processes
    {"catalog", "render"},
    {"testing"},  # hypothesis strategies, mutations and checks for testing rules
    {"_hypothesis_hook"},  # hypothesis's entry point: registers (deferred) testing strategies
    {"cli"},
    {"__main__"},
]


def _floor(module: str) -> int:
    top = module.split(".")[0]
    if top == "dsl" and module.count("."):  # inside the dsl package its stages may import down
        return _floor("dsl")
    for level, members in enumerate(FLOORS):
        if top in members:
            return level
    raise AssertionError(f"module {module!r} is on no floor: add it to FLOORS")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    package = path.relative_to(PACKAGE).parent.parts
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:  # from .x / from ..x import
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            found.add(".".join([*base, *(node.module or "").split(".")]).strip("."))
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("indicator_rules."):
                found.add(node.module.removeprefix("indicator_rules."))
        elif isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("indicator_rules.") for alias in node.names
                      if alias.name.startswith("indicator_rules.")}
    return found


def test_imports_only_go_down():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        if relative.parts == ("__init__",):
            continue  # the public API re-exports everything
        module = ".".join(relative.parts)
        for imported in _imports(path):
            if imported.split(".")[0] != module.split(".")[0] and \
                    _floor(imported) >= _floor(module):
                upward.append(f"{module} imports {imported}")
    assert upward == []


def test_every_module_is_on_a_floor():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).with_suffix("")
        if relative.parts != ("__init__",):
            _floor(".".join(relative.parts))
