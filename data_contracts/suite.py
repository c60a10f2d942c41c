"""Turn a contract into a great-expectations suite, run it, and report which rows broke which rule.

great-expectations is imported lazily (it costs seconds): only `run_checks` imports it. The
ephemeral context, its pandas data source and one batch definition per source are created
once per process and reused; progress bars are off.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from data_contracts.columns import INTEGER_TEXT, ISO_DATE, NUMBER_TEXT, text_column_name
from data_contracts.contract import Contract

REQUIRED = "verplicht (niet leeg)"
MONTH_TEXT = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Check:
    """One expectation plus what the analyst reads when it fails.

    `split_missing`: failing rows whose text is empty are reported under REQUIRED; with
    `invalid_regel`, filled-in values that could not be typed under that rule; the rest under
    `regel`. `fill_invalid`: the typed column is validated with a sentinel (outside every range)
    in place of missing or unparsable values, so one 'between' expectation covers required,
    type and range.
    """

    expectation: str
    kwargs: dict
    kolom: str
    regel: str
    advies: str
    split_missing: bool = False
    invalid_regel: str | None = None  # with split_missing: rule for filled-in values that are not of the type
    invalid_advies: str | None = None
    fill_invalid: bool = False  # the validated column carries a sentinel for missing/unparsable values
    pair: tuple[str, str] | None = None


@dataclass
class Failure:
    check: Check
    rows: np.ndarray = field(default_factory=lambda: np.array([], dtype="int64"))  # positions in the frame


def _advies(col, default: str) -> str:
    return (col.advies or default).strip()


def build_checks(contract: Contract, maand: str | None, today: date) -> list[Check]:
    """The contract's column and row rules as expectations. `maand` None: month rules are skipped."""
    peildatum = None
    if maand:
        year, month = map(int, maand.split("-"))
        peildatum = (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).normalize()
    fix = "Corrigeer de waarde(n) in de bron of vraag een nieuwe export aan, en zet het bestand opnieuw in de inbox."
    checks: list[Check] = []
    for name, col in contract.columns.items():
        label = col.type_label(today)
        if col.type in ("id", "text", "code", "list", "month"):
            # Required columns with a value rule carry '' for missing, so that rule also finds the empty rows.
            split = col.required and col.checks_text_values
            if col.required and not split:
                checks.append(Check("ExpectColumnValuesToNotBeNull", {"column": name}, name, REQUIRED,
                                    _advies(col, f"Vul '{name}' in op elke rij. {fix}")))
            if col.pattern:
                advice = fix
                if col.type == "id" and col.id_length:
                    advice = (f"Een identificatie is tekst van {col.id_length} cijfers met voorloopnullen. Als het bestand "
                              f"in Excel is geopend, zijn de voorloopnullen misschien verdwenen: exporteer opnieuw uit de "
                              f"bron zonder het in Excel te openen. {fix}")
                checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": name, "regex": col.pattern}, name,
                                    col.pattern_label or f"patroon {col.pattern}", _advies(col, advice), split_missing=split))
            if col.type == "code":
                checks.append(Check("ExpectColumnValuesToBeInSet", {"column": name, "value_set": list(col.allowed)}, name,
                                    label, _advies(col, f"Gebruik alleen de toegestane waarden (let op spelling). {fix}"),
                                    split_missing=split))
            if col.type == "list":
                item = "(?:" + "|".join(re.escape(v) for v in col.allowed) + ")"
                sep = re.escape(col.separator)
                checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": name, "regex": f"^{item}(?:{sep}{item})*$"},
                                    name, label, _advies(col, f"Gebruik alleen de toegestane waarden, gescheiden door '{col.separator}'. {fix}"),
                                    split_missing=split))
            if col.type == "month":
                checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": name, "regex": MONTH_TEXT}, name, label,
                                    _advies(col, f"Schrijf de maand als JJJJ-MM, bijvoorbeeld 2026-10. {fix}"), split_missing=split))
                if col.equals == "file_month" and maand:
                    checks.append(Check("ExpectColumnValuesToBeInSet", {"column": name, "value_set": [maand]}, name,
                                        f"maand gelijk aan de maand in de bestandsnaam ({maand})",
                                        "Een maandbestand bevat alleen gegevens van die maand. Controleer of de bestandsnaam "
                                        "de juiste maand noemt, of splits het bestand per maand.", split_missing=split))
        elif col.type in ("integer", "number"):
            noun = "een geheel getal" if col.type == "integer" else "een getal"
            advice = _advies(col, f"Vul {noun} in ({label}), zonder punten voor duizendtallen of andere tekens. {fix}")
            low, high = col.bounds(today)
            ranged = low is not None or high is not None
            between = {"column": name, "min_value": low, "max_value": high}
            if col.required and ranged:
                # One expectation: missing and unparsable values carry a sentinel outside every range.
                checks.append(Check("ExpectColumnValuesToBeBetween", between, name, label, advice,
                                    split_missing=True, invalid_regel=label, fill_invalid=True))
                continue
            if col.required:
                checks.append(Check("ExpectColumnValuesToNotBeNull", {"column": name}, name, label, advice,
                                    split_missing=True, invalid_regel=label))
            else:
                regex = INTEGER_TEXT if col.type == "integer" else NUMBER_TEXT
                checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": text_column_name(name), "regex": regex},
                                    name, label, advice))
            if ranged:
                checks.append(Check("ExpectColumnValuesToBeBetween", between, name, label, advice))
        elif col.type == "date":
            advice = _advies(col, f"Schrijf datums als JJJJ-MM-DD (of DD-MM-JJJJ) en controleer of de datum bestaat. {fix}")
            rule = None
            if col.equals == "peildatum" and peildatum is not None:
                low = high = peildatum.to_pydatetime()
                rule = f"laatste dag van de maand uit de bestandsnaam ({peildatum:%Y-%m-%d})"
                range_advice = ("De peildatum is de laatste dag van de maand in de bestandsnaam. Controleer of de "
                                "bestandsnaam de juiste maand noemt en of de export op de juiste peildatum is gemaakt.")
            else:
                low = pd.Timestamp(col.min).to_pydatetime() if col.min else None
                high = peildatum.to_pydatetime() if (col.max == "peildatum" and peildatum is not None) else (
                    pd.Timestamp(col.max).to_pydatetime() if col.max not in (None, "peildatum") else None)
                if low is not None and high is not None:
                    rule = (f"datum van {low:%Y-%m-%d} t/m de peildatum {high:%Y-%m-%d}" if col.max == "peildatum"
                            else f"datum van {low:%Y-%m-%d} t/m {high:%Y-%m-%d}")
                elif high is not None:
                    rule = f"datum op of vóór de peildatum {high:%Y-%m-%d}"
                elif low is not None:
                    rule = f"datum niet vóór {low:%Y-%m-%d}"
                range_advice = (
                    "Een datum na de peildatum (de laatste dag van de maand in de bestandsnaam) hoort in het bestand van "
                    "een latere maand. Controleer de datum en de maand in de bestandsnaam. " if col.max == "peildatum"
                    else "Controleer of de datum goed is overgenomen (bijvoorbeeld het jaartal). "
                ) + fix
            between = {"column": name, "min_value": low, "max_value": high}
            if col.required and rule:
                # One expectation: empty and non-existent dates carry a sentinel date outside every range.
                checks.append(Check("ExpectColumnValuesToBeBetween", between, name, rule, range_advice,
                                    split_missing=True, invalid_regel=label, invalid_advies=advice, fill_invalid=True))
                continue
            if col.required:
                checks.append(Check("ExpectColumnValuesToNotBeNull", {"column": name}, name, label, advice,
                                    split_missing=True, invalid_regel=label))
            else:
                checks.append(Check("ExpectColumnValuesToMatchStrftimeFormat",
                                    {"column": text_column_name(name), "strftime_format": ISO_DATE}, name, label, advice))
            if rule:
                checks.append(Check("ExpectColumnValuesToBeBetween", between, name, rule, range_advice))
    for rule in contract.rules:
        if rule.type != "column_order":
            raise ValueError(f"{contract.source}.yaml: unknown rule type {rule.type!r}")
        checks.append(Check(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": rule.high, "column_B": rule.low, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            rule.column or rule.low, rule.label, rule.advies.strip(), pair=(rule.low, rule.high),
        ))
    return checks


# --------------------------------------------------------------------------- great-expectations

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@lru_cache(maxsize=1)
def _data_source():
    return _context().data_sources.add_pandas("risicoradar_inbox")


@lru_cache(maxsize=None)
def _batch_definition(source: str):
    asset = _data_source().add_dataframe_asset(name=source)
    return asset.add_batch_definition_whole_dataframe(f"{source}_bestand")


def to_suite(source: str, checks: list[Check]):
    """A great-expectations ExpectationSuite for the checks (meta.check = position in `checks`)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    _context()  # a suite needs a current context
    suite = gx.ExpectationSuite(name=f"contract_{source}")
    for i, check in enumerate(checks):
        suite.add_expectation(getattr(gxe, check.expectation)(**check.kwargs, meta={"check": i}))
    return suite


@lru_cache(maxsize=64)
def contract_suite(contract: Contract, maand: str | None, today: date) -> tuple[list[Check], object]:
    """The checks and their suite for a contract, month and date (cached: suites are rebuilt rarely)."""
    checks = build_checks(contract, maand, today)
    return checks, to_suite(contract.source, checks)


def run_checks(source: str, frame: pd.DataFrame, checks: list[Check], suite=None) -> list[Failure]:
    """Validate `frame` (positional index) with great-expectations; the failed checks with their rows.

    A first pass asks only for success (cheap on large files); the failed expectations are run
    again with full results to name their rows.
    """
    if not checks:
        return []
    suite = suite if suite is not None else to_suite(source, checks)
    failed = [int(er.expectation_config.meta["check"]) for er in _validate(source, frame, suite, "BOOLEAN_ONLY").results
              if not er.success or (er.exception_info or {}).get("raised_exception")]
    if not failed:
        return []
    detail = to_suite(source, [checks[i] for i in failed])
    failures = []
    for er in _validate(source, frame, detail, {"result_format": "COMPLETE", "return_unexpected_index_query": False}).results:
        position = failed[int(er.expectation_config.meta["check"])]
        check = checks[position]
        info = er.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(f"great-expectations failed on {check.expectation} {check.kwargs}: {info.get('exception_message')}")
        if er.success:
            continue
        rows = er.result.get("unexpected_index_list") or []
        failures.append((position, Failure(check, np.asarray(sorted(int(r) for r in rows), dtype="int64"))))
    return [failure for _, failure in sorted(failures, key=lambda pair: pair[0])]


def _validate(source: str, frame: pd.DataFrame, suite, result_format):
    from great_expectations.validator.v1_validator import Validator

    with _LOCK:
        # The validator that ValidationDefinition.run uses, without storing results in the context
        # (a long-running process would keep every result) and loading the batch once.
        validator = Validator(
            batch_definition=_batch_definition(source),
            batch_parameters={"dataframe": frame},
            result_format=result_format,
        )
        return validator.validate_expectation_suite(suite)
