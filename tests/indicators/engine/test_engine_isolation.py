"""The engine stands alone: no module of it imports Django or another app of the project."""

from __future__ import annotations

import ast
from pathlib import Path

import baiqianwan.indicators.engine as engine

# pydantic checks the shape of a definition file (model.py).
ALLOWED = {"numpy", "pydantic", "pydantic_core", "__future__"}


def test_engine_imports_only_the_standard_library_numpy_and_pydantic() -> None:
    import sys

    stdlib = set(sys.stdlib_module_names)
    files = sorted(Path(engine.__file__).parent.glob("*.py"))
    assert len(files) >= 7
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in stdlib or top in ALLOWED, f"{file.name} imports {name}"
