"""The layers of DESIGN.md hold: data flows pipeline -> store -> spatial/scoring ->
recommend/coordination/lookup -> web, and nothing points back. Each module's
imports (at the top or inside functions) are read from its source and checked
against what its layer may use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "turfmap"
BASE = {"errors", "config", "clock", "postcode", "geometry", "usstates", "words"}
# What each layer may import, besides itself and BASE.
MAY_USE = {
    "geometry": set(),
    "store": set(),
    "inputs": {"store"},
    "scoring": set(),
    "travel": set(),
    "turf": set(),
    "spatial": {"store"},
    "layouts": {"inputs"},
    "pipeline": {"store", "inputs", "scoring", "layouts"},
    "recommend": {"store", "spatial", "scoring", "travel"},
    "coordination": {"store", "inputs", "spatial", "scoring", "recommend", "pipeline", "turf"},
    "lookup": {"store", "spatial", "scoring", "recommend", "coordination"},
    "extensions": {"store", "spatial", "scoring", "travel", "recommend"},
    "web": {
        "store",
        "inputs",
        "spatial",
        "scoring",
        "travel",
        "turf",
        "recommend",
        "coordination",
        "lookup",
        "extensions",
    },  # fmt: skip
    "cli": None,  # the command line may use anything
    "cli_doorstep": None,
    "__init__": {"extensions", "web"},
}


def layer_of(module: str) -> str:
    """'turfmap.web.api' -> 'web'; 'turfmap' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imports_of(module: str, path: Path) -> set[str]:
    found = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names}
            submodules = {name for name in submodules if is_module(name)}
            # "from turfmap import lookup" imports the module turfmap.lookup, and
            # "from turfmap import create_app" the package root.
            found |= submodules or {target}
    return {name for name in found if name == "turfmap" or name.startswith("turfmap.")}


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def known_layer(name: str) -> str | None:
    layer = layer_of(name)
    if layer in MAY_USE or layer in BASE or layer == "__init__":
        return layer
    return None


@pytest.mark.parametrize("module, path", list(modules()), ids=lambda v: str(v))
def test_nothing_points_back(module, path):
    mine = layer_of(module)
    if module == "turfmap":
        mine = "__init__"
    allowed = MAY_USE.get(mine, set()) if mine not in BASE else set()
    if allowed is None:
        return
    for name in imports_of(module, path):
        theirs = known_layer(name)
        if theirs is None or theirs == mine or theirs in BASE:
            continue
        if name == "turfmap" and mine != "__init__":
            pytest.fail(f"{module} imports the package root (create_app): only the CLI may")
        assert theirs in allowed, f"{module} ({mine}) imports {name} ({theirs})"
