"""Exports: what leaves the municipality, and how long address-level data stay.

- `export_riec(settings, maand, ...)`: the RIEC package (suppressed trend tables and per-buurt
  figures; the minimised control list only with a legal basis), manifest, audit row.
- `opschonen(settings, ...)`: retention: remove address-level data older than the term from
  the warehouse and the output folder, verify, audit.
- `assets.exports.suppression`: small-cell suppression with secondary suppression.
"""
from assets.exports.retention import OpschoningMislukt, opschonen
from assets.exports.riec import ExportFout, ExportGeweigerd, export_riec

__all__ = ["ExportFout", "ExportGeweigerd", "OpschoningMislukt", "export_riec", "opschonen"]
