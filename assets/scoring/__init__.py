"""Scoring layer: transparent rules per address and the monthly control list.

Score = sum of the points of the indicators an address meets (assets/config/indicatoren.yaml);
at most four reasons per address in plain Dutch. The control list is top-k by capacity plus a
seeded random sample outside it. Nothing here decides anything about a resident: the list is a
proposal for the signaleringsoverleg.

`build_scores`/`build_control_list` run the SQL (build.py), `specs` are the Dagster assets
(specs.py), `check_specs`/`check_results` their checks (checks.py); the indicator configuration
is config.py, the Algoritmeregister description algoritmeregister.py and its asset
algoritmeregister_asset.py.
"""
from assets.scoring.algoritmeregister_asset import ALGORITMEBESCHRIJVING, algoritmebeschrijving
from assets.scoring.build import build_control_list, build_scores, register_indicators
from assets.scoring.checks import check_results, check_specs
from assets.scoring.config import load
from assets.scoring.specs import ADDRESS_SCORES, CHECK_OMVANG, CONTROL_LIST, OWNERS, specs

__all__ = [
    "build_scores", "build_control_list", "register_indicators", "load", "specs", "check_specs", "check_results",
    "algoritmebeschrijving", "OWNERS", "ADDRESS_SCORES", "CONTROL_LIST", "CHECK_OMVANG", "ALGORITMEBESCHRIJVING",
]
