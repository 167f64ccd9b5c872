"""No lower layer imports a higher one (docs/conventions.md, « Layers »).

Every import statement of the product's code is read (ast, so imports inside functions and inside
a workflow's `imports_passed_through()` block count too) and each one naming another of the
product's top-level packages or modules is checked against the order below: a package may import
only those of a lower layer, never one of its own layer (so `api/` and `web/` never import each
other) nor one above. A new top-level package must be given its place here first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. The order the dependencies go: the settings; the rules; what stores, hashes,
# measures and looks up; the texts (e-mails, PDFs) and the letter built from them; the channels
# that deliver a code; the activities that use them; the workflows that call the activities; the
# services that drive the workflows; what the API and the pages share; the API and the pages; the
# processes and the tools.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer.split())
    for layer in (
        "settings",
        "domain",
        "security storage orchestration observability companies",
        "mail documents",
        "letters",
        "channels",
        "activities",
        "workflows",
        "services",
        "http_common",
        "api web",
        "app worker devstack",
        "admin bench clients",
        "chaos",
    )
)
LAYER_OF = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}


def _top_level_names() -> set[str]:
    """The product's top-level packages and modules (the test suite is not one of them)."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    modules = {p.stem for p in ROOT.glob("*.py")}
    return (packages | modules) - {"tests"}


def _sources(name: str) -> list[Path]:
    folder = ROOT / name
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [ROOT / f"{name}.py"]


def _imported(path: Path) -> set[str]:
    """The top-level names a module imports (absolute imports; relative ones stay inside)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def test_every_package_has_a_layer() -> None:
    unplaced = _top_level_names() - LAYER_OF.keys()
    assert not unplaced, f"give {sorted(unplaced)} a place in LAYERS (and docs/conventions.md)"
    gone = LAYER_OF.keys() - _top_level_names()
    assert not gone, f"{sorted(gone)} no longer exist: take them out of LAYERS"


@pytest.mark.parametrize("name", sorted(LAYER_OF))
def test_imports_only_lower_layers(name: str) -> None:
    rank = LAYER_OF[name]
    upward = [
        f"{path.relative_to(ROOT)} imports {imported} (layer {LAYER_OF[imported]})"
        for path in _sources(name)
        for imported in sorted(_imported(path) & LAYER_OF.keys())
        if imported != name and LAYER_OF[imported] >= rank
    ]
    assert not upward, f"{name} is in layer {rank}:\n" + "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The reader finds imports wherever they are written (so the test above can fail)."""
    module = tmp_path / "sample.py"
    module.write_text(
        "import domain.rules\n"
        "def late():\n"
        "    from workflows.enrollment import EnrollmentWorkflow\n"
        "with context():\n"
        "    from activities import inputs\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert _imported(module) == {"domain", "workflows", "activities"}
