"""The packages import one way only: pipelines -> assets -> data_contracts.

Every module's imports are read with `ast`, including imports inside functions (the lazy ones
that an import-time check would miss).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipelines", "assets", "data_contracts")
# A package may import only the packages after it in this order.
ALLOWED = {"pipelines": {"assets", "data_contracts"}, "assets": {"data_contracts"}, "data_contracts": set()}


def _package(path: Path) -> str:
    """The package a module file belongs to (for a package's __init__.py: that package)."""
    return ".".join(path.relative_to(PROJECT).parent.parts)


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, a module of `package`;
    relative imports resolved."""
    tree = ast.parse(source)
    package = package.split(".")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def _files(package: str) -> list[Path]:
    return sorted((PROJECT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_downward(package):
    files = _files(package)
    assert files, f"no modules found under {package}/"
    forbidden = set(PACKAGES) - ALLOWED[package] - {package}
    upward = [
        f"{path.relative_to(PROJECT)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path.read_text(encoding="utf-8"), _package(path))
        if module.split(".")[0] in forbidden
    ]
    assert not upward, f"{package} must not import {sorted(forbidden)}:\n" + "\n".join(upward)


def test_the_import_reader_sees_imports_inside_functions_and_relative_ones():
    source = "import duckdb\n\ndef f():\n    from pipelines.definitions import defs\n    from .. import lineage\n    from . import specs\n"
    assert imported_modules(source, "assets.scoring") == [
        (1, "duckdb"), (4, "pipelines.definitions"), (5, "assets"), (6, "assets.scoring")]
