"""Vacancy layer: administrative vacancy (CBS definition) per object and per buurt.

`build` runs the SQL (build.py), `specs` are the Dagster assets (specs.py), `check_specs` and
`check_results` their checks (checks.py).
"""
from assets.vacancy.build import build
from assets.vacancy.checks import check_results, check_specs
from assets.vacancy.specs import CHECK_VOORRAAD, OWNERS, VACANCY, VACANCY_BUURT, specs

__all__ = ["build", "specs", "check_specs", "check_results", "OWNERS", "VACANCY", "VACANCY_BUURT", "CHECK_VOORRAAD"]
