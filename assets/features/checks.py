"""Checks of the features table: the keys the month's grain check guards before publication
(assets/maand.py)."""
from __future__ import annotations

from assets.features.specs import ADDRESS_FEATURES

SLEUTELS = {ADDRESS_FEATURES: ("verblijfsobject_id",)}
