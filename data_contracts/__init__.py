"""Data contracts: one YAML contract per inbox source and the checks that enforce them.

Importing this package is cheap: the names below are loaded on first use, and
great-expectations only when a file is actually validated.

    from data_contracts import validate_file, validate_slachtoffers, scan_inbox, parse_inbox_path
"""
from __future__ import annotations

from data_contracts.lazy import lazy_exports

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

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())
