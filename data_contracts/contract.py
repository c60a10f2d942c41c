"""Load the YAML contracts (`data_contracts/<source>.yaml`) and describe their rules in Dutch."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).resolve().parent

SOURCES = (
    "bag_verblijfsobject",
    "brp_adrestellingen",
    "rni_inschrijvingen",
    "kvk_vestigingen",
    "woz_gebruik",
    "signalen",
    "controles",
    "besluiten",
    "slachtoffers",
)

TYPES = {"id", "text", "code", "list", "integer", "number", "date", "month"}
DEFAULT_MAX_MB = 256  # a contract without `max_bestandsgrootte_mb`
# A pattern that bounds a value's length: anchored, no unbounded repetition (*, +, {n,}).
_BOUNDED_PATTERN = r"^\^(?:[^*+{\\]|\\.|\{[0-9]+(?:,[0-9]+)?\})*\$$"
NUMERIC = {"integer", "number"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = True
    pattern: str | None = None
    pattern_label: str | None = None
    id_length: int | None = None
    allowed: tuple[str, ...] = ()
    case_insensitive: bool = False
    separator: str | None = None
    normalize: tuple[str, ...] = ()
    min: object = None
    max: object = None
    max_years_after_today: int | None = None
    range_label: str | None = None
    equals: str | None = None
    warn_below: float | None = None
    warn_message: str | None = None
    advies: str | None = None
    max_lengte: int | None = None
    hide_values: bool = False  # a message never repeats the value (notes that may hold person data)

    @property
    def checks_text_values(self) -> bool:
        """A text column whose values are checked by a pattern or a list: an empty value fails that check."""
        return self.type in ("id", "text", "code", "list", "month") and bool(
            self.pattern or self.allowed or self.type in ("list", "month")
        )

    def bounds(self, today: date) -> tuple[object, object]:
        """(min, max) for numeric columns, with 'years after today' resolved."""
        high = self.max
        if self.max_years_after_today is not None:
            high = today.year + self.max_years_after_today
        return self.min, high

    def type_label(self, today: date, peildatum: date | None = None) -> str:
        """The rule as the analyst reads it, e.g. 'geheel getal ≥ 0'."""
        if self.type in NUMERIC:
            noun = "geheel getal" if self.type == "integer" else "getal"
            if self.range_label:
                return self.range_label
            low, high = self.bounds(today)
            if low is not None and high is not None:
                return f"{noun} van {_num(low)} t/m {_num(high)}"
            if low is not None:
                return f"{noun} ≥ {_num(low)}"
            if high is not None:
                return f"{noun} ≤ {_num(high)}"
            return noun
        if self.type == "date":
            return "datum (JJJJ-MM-DD of DD-MM-JJJJ)"
        if self.type == "month":
            return "maand JJJJ-MM"
        if self.type == "code":
            return "één van: " + ", ".join(self.allowed)
        if self.type == "list":
            return f"lijst gescheiden door '{self.separator}' met alleen: " + ", ".join(self.allowed)
        if self.pattern_label:
            return self.pattern_label
        return "tekst"


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


@dataclass(frozen=True)
class Rule:
    type: str
    low: str
    high: str
    label: str
    advies: str
    column: str | None = None  # the column named in the message (default: low)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: load_contract caches one per source
class Contract:
    source: str
    titel: str
    bestandsnaam: str
    formats: tuple[str, ...]
    monthly: bool
    columns: dict[str, Column]
    key: tuple[str, ...] = ()
    reference_column: str | None = None
    gemeente_column: str | None = None
    free_text_forbidden: bool = False
    rules: tuple[Rule, ...] = ()
    plausibility: dict = field(default_factory=dict)
    gpkg: dict = field(default_factory=dict)
    wide: dict = field(default_factory=dict)
    max_mb: float = DEFAULT_MAX_MB
    selectief_vanaf_mb: float | None = None

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)


def contract_yaml(name: str):
    """`data_contracts/<name>.yaml` parsed with libyaml's safe loader (7x faster than the Python
    one on these files; the same values)."""
    text = (CONTRACT_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=None)
def load_contract(source: str) -> Contract:
    """The contract of `source`, read from `data_contracts/<source>.yaml` (cached)."""
    if source not in SOURCES:
        raise KeyError(f"Onbekende bron '{source}'; bekende bronnen: {', '.join(SOURCES)}")
    raw = contract_yaml(source)
    columns = {}
    for name, spec in raw["columns"].items():
        spec = dict(spec or {})
        if spec.get("type") not in TYPES:
            raise ValueError(f"{source}.yaml: column {name} has unknown type {spec.get('type')!r}")
        for key in ("allowed", "normalize"):
            if key in spec:
                spec[key] = tuple(spec[key])
        columns[name] = Column(name=name, **spec)
        _check_bounded(source, columns[name])
    rules = tuple(Rule(**r) for r in raw.get("rules", []))
    for rule in rules:
        if rule.low not in columns or rule.high not in columns:
            raise ValueError(f"{source}.yaml: rule {rule.label!r} names an unknown column")
    return Contract(
        source=raw["source"],
        titel=raw["titel"],
        bestandsnaam=raw["bestandsnaam"],
        formats=tuple(raw.get("formats", ["csv"])),
        monthly=bool(raw.get("monthly", True)),
        columns=columns,
        key=tuple(raw.get("key", [])),
        reference_column=raw.get("reference_column"),
        gemeente_column=raw.get("gemeente_column"),
        free_text_forbidden=bool(raw.get("free_text_forbidden", False)),
        rules=rules,
        plausibility=dict(raw.get("plausibility", {})),
        gpkg=dict(raw.get("gpkg", {})),
        wide=dict(raw.get("wide", {})),
        max_mb=float(raw.get("max_bestandsgrootte_mb", DEFAULT_MAX_MB)),
        selectief_vanaf_mb=(float(raw["selectief_lezen_vanaf_mb"]) if raw.get("selectief_lezen_vanaf_mb") is not None else None),
    )


def _check_bounded(source: str, col: Column) -> None:
    """Every free text or identifier column has a length limit: `max_lengte`, or a pattern that
    fixes the length. A column without one would store a street name of ten megabytes."""
    import re

    if col.type not in ("id", "text"):
        return  # codes, lists and months are bounded by their allowed values or format
    if col.max_lengte is not None:
        if int(col.max_lengte) < 1:
            raise ValueError(f"{source}.yaml: column {col.name} has max_lengte {col.max_lengte}")
        return
    if col.pattern and re.fullmatch(_BOUNDED_PATTERN, col.pattern):
        return
    raise ValueError(f"{source}.yaml: column {col.name} ({col.type}) needs max_lengte or a pattern of bounded length")


@lru_cache(maxsize=None)
def person_data_terms() -> dict:
    """Column-name fragments that point at person data or free text (persoonsgegevens.yaml)."""
    return contract_yaml("persoonsgegevens")
