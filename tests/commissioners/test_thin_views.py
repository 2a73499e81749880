"""Pages and API handlers of commissioners read through selectors and write through services:
no ``views.py`` or ``api.py`` of the app or its sub-apps touches a model manager itself."""

from __future__ import annotations

import ast
from pathlib import Path

import baiqianwan.commissioners

APP = Path(baiqianwan.commissioners.__file__).parent
MANAGERS = {"objects", "all_objects"}


def manager_uses(path: Path, *, root: Path = APP.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS
    ]


def test_views_and_api_handlers_do_not_query_models() -> None:
    modules = sorted([*APP.rglob("views.py"), *APP.rglob("api.py")])
    assert len(modules) >= 11  # the app's api.py and each sub-app's views.py and api.py
    found = [use for path in modules for use in manager_uses(path)]
    assert found == [], "views and API handlers go through selectors and services: " + "; ".join(found)


def test_the_check_sees_a_manager() -> None:
    source = "def view(request):\n    return Team.all_objects.filter(pk=1)\n"
    assert [node.attr for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute)][
        1
    ] == "all_objects"
