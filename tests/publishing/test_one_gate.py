"""Publishers read only what the gate gives them: no module but the gate and the dataset reaches storage."""

from __future__ import annotations

import ast
from pathlib import Path

import habeas.publishing

READERS = {"redact.py", "dataset.py"}  # the gate, and the one read through it
FORBIDDEN = ("habeas.storage", "habeas.service", "sqlalchemy")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_publishers_never_open_the_store() -> None:
    folder = Path(habeas.publishing.__file__).parent
    modules = sorted(p for p in folder.glob("*.py") if p.name not in READERS | {"__init__.py"})
    assert len(modules) >= 3
    for module in modules:
        reached = {name for name in _imports(module) if name.startswith(FORBIDDEN)}
        assert not reached, f"{module.name} imports {sorted(reached)}: read through habeas.publishing.dataset"
