"""Lazy re-exports for a package's `__init__`: a name is imported from its module on first use,
so that importing the package stays cheap (the CLI's quick paths need neither pandas nor Dagster).

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {"name": "package.module", ...}, globals())
"""
from __future__ import annotations

from importlib import import_module


def lazy_exports(package: str, exports: dict[str, str], namespace: dict):
    """Module-level `__getattr__` and `__dir__` for `exports` (name -> module), and `__all__`."""
    names = sorted(exports)

    def __getattr__(name: str):
        if name in exports:
            value = getattr(import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(list(namespace) + names)

    return __getattr__, __dir__, names
