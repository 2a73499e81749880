"""The house has no import circles: a module never imports, directly or through others, a module
that imports it back. (Import-linter's layer contracts order the apps; this covers every module.)"""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("baiqianwan")
    circles = sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )
    assert circles == [], "导入成环：" + "；".join(f"{a} → {b}" for a, b in circles)
