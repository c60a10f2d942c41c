"""Evaluation layer: how well past lists did, and whether the score concentrates or drifts.

Hit rates (with Wilson 95 % intervals) per aanleiding, per indicator and per score band;
precision@k of past lists; selection against object share per buurt (disparity); indicator
prevalence month over month (drift). All from `controles` outcomes, in DuckDB SQL.

`build` runs the SQL (build.py), `specs` are the Dagster assets (specs.py), `check_specs` and
`check_results` their checks (checks.py).
"""
from assets.evaluation.build import ADDRESS_TABLES, DECISION_TABLES, TABLES, build, build_decisions
from assets.evaluation.checks import check_results, check_specs, human_review
from assets.evaluation.specs import (BESCHRIJVING, CHECK_CONCENTRATIE, CHECK_DRIFT, EVALUATIE_BUURT, EVALUATIE_DRIFT,
                                     OWNERS, key, specs)

__all__ = [
    "TABLES", "ADDRESS_TABLES", "DECISION_TABLES", "build", "build_decisions", "human_review", "specs", "check_specs", "check_results", "key", "OWNERS", "BESCHRIJVING",
    "CHECK_CONCENTRATIE", "CHECK_DRIFT", "EVALUATIE_BUURT", "EVALUATIE_DRIFT",
]
