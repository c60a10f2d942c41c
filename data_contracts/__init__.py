"""Data contracts: one YAML contract per inbox source and the checks that enforce them.

Importing this package is cheap: the names below are loaded on first use, and
great-expectations only when a file is actually validated.

    from data_contracts import validate_file, validate_slachtoffers, scan_inbox, parse_inbox_path
"""
from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "validate_file": "data_contracts.validate",
    "validate_slachtoffers": "data_contracts.slachtoffers",
    "scan_inbox": "data_contracts.reading",
    "parse_inbox_path": "data_contracts.reading",
    "InboxFile": "data_contracts.reading",
    "ValidationResult": "data_contracts.result",
    "Bevinding": "data_contracts.result",
    "ContractError": "data_contracts.result",
    "OngeldigInboxbestand": "data_contracts.result",
    "check_inbox_link": "data_contracts.reading",
    "load_contract": "data_contracts.contract",
    "SOURCES": "data_contracts.contract",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'data_contracts' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
