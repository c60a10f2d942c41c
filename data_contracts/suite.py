"""Turn a contract into a great-expectations suite, run it, and report which rows broke which rule.

great-expectations is imported lazily (it costs seconds): only `run_checks` imports it, in a
second process when `risicoradar run` started one (`gx_worker`, beside the run's start). The
ephemeral context, its pandas data source and one batch definition per source are created
once per process and reused; progress bars are off.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from data_contracts.columns import INTEGER_TEXT, ISO_DATE, NUMBER_TEXT, text_column_name
from data_contracts.months import MONTH_TEXT
from data_contracts.contract import Contract

REQUIRED = "verplicht (niet leeg)"


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
            if col.max_lengte:
                checks.append(Check(
                    "ExpectColumnValueLengthsToBeBetween", {"column": name, "max_value": int(col.max_lengte)}, name,
                    f"hoogstens {int(col.max_lengte)} tekens",
                    _advies(col, f"Een waarde van '{name}' is hoogstens {int(col.max_lengte)} tekens lang. Een langere waarde "
                                 "is bijna altijd een exportfout (samengevoegde kolommen, een ontbrekend scheidingsteken of "
                                 f"aanhalingsteken). {fix}"),
                ))
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
def contract_checks(contract: Contract, maand: str | None, today: date) -> list[Check]:
    """The checks of a contract, month and date (cached). Their great-expectations suites are
    built where they run (`_suite`), so that this process need not import great-expectations."""
    return build_checks(contract, maand, today)


def run_checks(source: str, frame: pd.DataFrame, checks: list[Check], suite=None) -> list[Failure]:
    """Validate `frame` (positional index) with great-expectations; the failed checks with their rows.

    Every rule of a contract is a rule about one value (or one pair of values) of a row, so
    great-expectations may validate each distinct value once instead of every row: a value fails
    for each row that carries it, and the failing values are mapped back to their rows. Findings
    name the same rows as a row-by-row run. Columns with few distinct values (codes, streets,
    dates, counts) are validated that way, in one great-expectations run.

    Columns with (nearly) a distinct value per row (identifiers, coordinates) are validated row by
    row, except for the rules great-expectations evaluates value by value in Python (regex, date
    format): those run on the values a vectorised pre-check (Arrow's RE2, same pattern) rejects
    plus a random sample of the values it accepts, and on every value after all when
    great-expectations disagrees with the pre-check on any sampled value.

    Text columns may be Arrow-backed: great-expectations gets the values it checks as Python
    objects. `suite` (the full suite of `checks`) is accepted for compatibility and not used.
    """
    if not checks:
        return []
    inputs: dict[tuple, _Input] = {}

    def single(column: str) -> _Input:
        if (column,) not in inputs:
            inputs[(column,)] = _input(frame[column])
        return inputs[(column,)]

    batches: dict[str, list[tuple[int, Check, _Input]]] = {"klein": [], "groot": [], "steekproef": []}
    for position, check in enumerate(checks):
        if "column_A" in check.kwargs:
            a, b = check.kwargs["column_A"], check.kwargs["column_B"]
            if (a, b) not in inputs:
                inputs[(a, b)] = _pair(single(a), single(b))
            data = inputs[(a, b)]
        else:
            data = single(check.kwargs["column"])
        if check.expectation in PYTHON_ROW_RULES and data.n > DISTINCT_LIMIT:
            batches["steekproef"].append((position, check, data))
        elif data.codes is None and data.n > DISTINCT_LIMIT:
            batches["groot"].append((position, check, data))
        else:
            batches["klein"].append((position, check, data))

    failing: dict[int, tuple[np.ndarray, _Input]] = {}  # check position -> failing value positions
    for name in ("klein", "groot"):
        if batches[name]:
            found = _run_values(source, batches[name])
            failing.update({p: (found[p], d) for p, _, d in batches[name] if p in found})
    for position, check, data in batches["steekproef"]:
        failing[position] = (_run_sampled(source, check, data), data)

    failures = []
    for position in sorted(failing):
        bad, data = failing[position]
        if len(bad) == 0:
            continue
        failures.append(Failure(checks[position], data.rows(bad)))
    return failures


# Rules that great-expectations' pandas engine evaluates value by value in Python.
PYTHON_ROW_RULES = {"ExpectColumnValuesToMatchRegex", "ExpectColumnValuesToMatchStrftimeFormat"}
DISTINCT_LIMIT = 100_000  # above this many values, Python row rules run on a checked sample
SAMPLE_SIZE = 20_000  # values of a column looked at to judge whether it is worth deduplicating
HIGH_CARDINALITY = 0.5  # share of distinct values in that sample above which a column is not deduplicated


@dataclass
class _Input:
    """The values great-expectations validates for one column (or pair) and how rows map to them.

    `codes` gives, per row, the position of the row's value among `arrays` (distinct values);
    None means the arrays are the rows themselves. `arrays` are numpy arrays or Arrow arrays
    (text), one per column.
    """

    codes: np.ndarray | None  # int32 where the values fit: ten million codes per column add up
    arrays: list

    @property
    def n(self) -> int:
        return len(self.arrays[0])

    def column(self, i: int = 0, positions: np.ndarray | None = None) -> np.ndarray:
        """Column `i` (or its values at `positions`) as great-expectations gets it: objects for text."""
        values = self.arrays[i]
        if isinstance(values, np.ndarray):
            return values if positions is None else values[positions]
        if positions is not None:
            values = values.take(positions)
        return values.to_numpy(zero_copy_only=False)

    def rows(self, failing: np.ndarray) -> np.ndarray:
        """Row positions whose value is among the `failing` value positions."""
        if self.codes is None:
            return np.asarray(np.sort(failing), dtype="int64")
        mask = np.zeros(self.n, dtype=bool)
        mask[failing] = True
        return np.flatnonzero(mask[self.codes]).astype("int64")


def _input(series: pd.Series) -> _Input:
    """Distinct values of a column, or the column itself when nearly every value is distinct."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(series)
    arrow = None
    if isinstance(series.dtype, (pd.StringDtype, pd.ArrowDtype)):
        arrow = pa.chunked_array(series.array.__arrow_array__())  # shared with the frame, not copied
        if pa.types.is_large_string(arrow.type):
            arrow = arrow.cast(pa.string())
        values = None
    else:
        values = series.to_numpy()
    if n > DISTINCT_LIMIT:
        probe = np.linspace(0, n - 1, SAMPLE_SIZE).astype("int64")
        sample = arrow.take(probe) if arrow is not None else pd.Series(values[probe])
        distinct = pc.count_distinct(sample, mode="all").as_py() if arrow is not None else sample.nunique(dropna=False)
        if distinct > HIGH_CARDINALITY * SAMPLE_SIZE:
            return _Input(None, [arrow if arrow is not None else values])
    if arrow is not None:
        encoded = pc.dictionary_encode(arrow.combine_chunks(), null_encoding="encode")
        return _Input(encoded.indices.to_numpy(zero_copy_only=False).astype("int32", copy=False), [encoded.dictionary])
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    uniques = np.asarray(uniques)
    if uniques.dtype == object:
        uniques[pd.isna(uniques)] = None  # pd.factorize turns None into NaN
    return _Input(codes.astype("int32" if len(uniques) < 2**31 else "int64", copy=False), [uniques])


def _pair(a: _Input, b: _Input) -> _Input:
    """Distinct (a, b) pairs of two deduplicated columns; else the rows of both."""
    if a.codes is None or b.codes is None:
        return _Input(None, [_rows_of(a), _rows_of(b)])
    combined = a.codes.astype("int64") * np.int64(b.n) + b.codes
    codes, uniques = pd.factorize(combined)
    return _Input(codes.astype("int32" if len(uniques) < 2**31 else "int64", copy=False), [_take(a.arrays[0], uniques // b.n), _take(b.arrays[0], uniques % b.n)])


def _rows_of(data: _Input):
    return data.arrays[0] if data.codes is None else _take(data.arrays[0], data.codes)


def _take(values, positions: np.ndarray):
    return values[positions] if isinstance(values, np.ndarray) else values.take(positions)


def _padded(values: np.ndarray, length: int) -> np.ndarray:
    """`values` repeated with its first value up to `length` (a repeated value fails exactly when the first does)."""
    if len(values) >= length:
        return values
    return np.concatenate([values, np.repeat(values[:1], length - len(values))])


def _run_values(source: str, batch: list[tuple[int, Check, _Input]]) -> dict[int, np.ndarray]:
    """One great-expectations run over the batch's values; the failing value positions per check position."""
    length = max(data.n for _, _, data in batch)
    columns: dict[str, np.ndarray] = {}
    renamed: list[Check] = []
    for i, (_, check, data) in enumerate(batch):
        if "column_A" in check.kwargs:
            a, b = f"__paar{i}_a", f"__paar{i}_b"
            columns[a], columns[b] = _padded(data.column(0), length), _padded(data.column(1), length)
            renamed.append(replace(check, kwargs={**check.kwargs, "column_A": a, "column_B": b}))
        else:
            columns.setdefault(check.kwargs["column"], _padded(data.column(0), length))
            renamed.append(check)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(length))
    out = {}
    for i, rows in _run_gx(source, frame, renamed).items():
        position, _, data = batch[i]
        out[position] = np.unique(rows[rows < data.n])
    return out


def _run_sampled(source: str, check: Check, data: _Input) -> np.ndarray:
    """A Python row rule on many values: great-expectations on the values a vectorised pre-check
    rejects plus a sample of those it accepts; on any disagreement, on all of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def everything() -> np.ndarray:
        return _run_values(source, [(0, check, data)]).get(0, np.array([], dtype="int64"))

    arrow = data.arrays[0]
    if check.expectation != "ExpectColumnValuesToMatchRegex" or isinstance(arrow, np.ndarray):
        return everything()
    try:
        suspect = pc.invert(pc.match_substring_regex(arrow, check.kwargs["regex"])).fill_null(False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a pattern RE2 does not know
        return everything()
    suspect = suspect.to_numpy(zero_copy_only=False)
    accepted = np.flatnonzero(~suspect & arrow.is_valid().to_numpy(zero_copy_only=False))
    rng = np.random.default_rng(data.n)
    sample = np.sort(rng.choice(accepted, size=min(SAMPLE_SIZE, len(accepted)), replace=False))
    chosen = np.concatenate([np.flatnonzero(suspect), sample])
    subset = _input(pd.Series(pd.arrays.ArrowStringArray(arrow.take(chosen))))
    failed = chosen[subset.rows(_run_values(source, [(0, check, subset)]).get(0, np.array([], dtype="int64")))]
    if np.isin(failed, sample).any():  # the pre-check is not equivalent for this rule: no shortcut
        return everything()
    return np.sort(failed)


def _run_gx(source: str, frame: pd.DataFrame, checks: list[Check]) -> dict[int, np.ndarray]:
    """`_run_gx_here` in the great-expectations worker process when `risicoradar run` started one
    (data_contracts/gx_worker.py), else in this process."""
    from data_contracts import gx_worker

    found = gx_worker.run_gx(source, frame, checks)
    return _run_gx_here(source, frame, checks) if found is None else found


def _run_gx_here(source: str, frame: pd.DataFrame, checks: list[Check]) -> dict[int, np.ndarray]:
    """Two great-expectations passes over `frame`: success only, then full results for the failed
    expectations. Returns the failing row positions per index in `checks`."""
    suite = _suite(source, checks)
    failed = [int(er.expectation_config.meta["check"]) for er in _validate(source, frame, suite, "BOOLEAN_ONLY").results
              if not er.success or (er.exception_info or {}).get("raised_exception")]
    if not failed:
        return {}
    detail = _suite(source, [checks[i] for i in failed])
    out = {}
    for er in _validate(source, frame, detail, {"result_format": "COMPLETE", "return_unexpected_index_query": False}).results:
        position = failed[int(er.expectation_config.meta["check"])]
        check = checks[position]
        info = er.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(f"great-expectations failed on {check.expectation} {check.kwargs}: {info.get('exception_message')}")
        if er.success:
            continue
        rows = er.result.get("unexpected_index_list") or []
        out[position] = np.asarray(sorted(int(r) for r in rows), dtype="int64")
    return out


_SUITES: dict[tuple, object] = {}


def _suite(source: str, checks: list[Check]):
    """to_suite, cached on the expectations and their arguments (building a suite costs time)."""
    key = (source, tuple((c.expectation, repr(sorted(c.kwargs.items()))) for c in checks))
    if key not in _SUITES:
        if len(_SUITES) > 256:
            _SUITES.clear()
        _SUITES[key] = to_suite(source, checks)
    return _SUITES[key]


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
