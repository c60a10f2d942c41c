"""Where the data lives and what the analyst configures.

One data folder holds the inbox, the warehouse and the outputs. It is `data/` in the current
directory unless `RISICORADAR_DATA` (or the CLI's `--data-dir`) says otherwise, so one install
can serve another gemeente or a test folder.

The analyst's settings (`assets/config/instellingen.yaml`, or a copy in `<data>/config/` that
takes precedence) are validated once per `Settings` into `Instellingen`: frozen dataclasses per
section, whose fields hold the types, ranges and defaults in this one place. A wrong entry or an
unknown key raises `InstellingenFout` with a Dutch message naming the file, the key and what is
allowed.

    settings.config.controlelijst.capaciteit    # 25
    settings.instellingen["export"]             # the same values as a plain dict, defaults filled in
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Mapping

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
CONFIG_DIR = PACKAGE_DIR / "config"
PROJECT_DIR = PACKAGE_DIR.parent

DATA_ENV = "RISICORADAR_DATA"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV, "data")).resolve()


# --- the analyst's settings (instellingen.yaml) ---------------------------------------------------

class InstellingenFout(ValueError):
    """instellingen.yaml is not acceptable; the message says which key and why, in Dutch."""


def _geheel(default: int, van: int, tot: int):
    return field(default=default, metadata={"soort": "geheel", "van": van, "tot": tot})


def _getal(default: float, van: float, tot: float):
    return field(default=default, metadata={"soort": "getal", "van": van, "tot": tot})


class _Deel:
    """What every settings class can do: take a validated object as it is, or validate a mapping."""

    sectie: ClassVar[str] = ""  # the key of the section in instellingen.yaml ("" = the whole file)

    @classmethod
    def of(cls, value, bron: str = "instellingen"):
        """`value` if it is already validated, else the mapping validated (e.g. {"capaciteit": 40}
        for Controlelijst); code that still receives plain dicts calls this."""
        if isinstance(value, cls):
            return value
        return _section(cls, value, bron, f"{cls.sectie}." if cls.sectie else "")


@dataclass(frozen=True)
class Controlelijst(_Deel):
    sectie: ClassVar[str] = "controlelijst"
    capaciteit: int = _geheel(25, 1, 500)
    steekproef: int = _geheel(5, 0, 500)
    steekproef_seed: int = _geheel(638, 0, 2_147_483_647)  # an INTEGER column of marts.controlelijst
    rustperiode_maanden: int = _geheel(6, 0, 60)


@dataclass(frozen=True)
class Evaluatie(_Deel):
    sectie: ClassVar[str] = "evaluatie"
    selectie_ratio_grens: float = _getal(3.0, 1, 100)
    drift_factor: float = _getal(2.0, 1, 100)
    drift_minimum: int = _geheel(5, 0, 100_000)
    drift_aanloop_maanden: int = _geheel(12, 0, 120)
    buurt_minimum: int = _geheel(5, 0, 100_000)


@dataclass(frozen=True)
class Export(_Deel):
    sectie: ClassVar[str] = "export"
    onderdrukkingsgrens: int = _geheel(10, 1, 1000)
    bewaartermijn_maanden: int = _geheel(24, 1, 120)


PNG_KEUZES = {"laatste": "laatste", True: "true", False: "false"}


@dataclass(frozen=True)
class Rapportage(_Deel):
    sectie: ClassVar[str] = "rapportage"
    # PNGs of maps and charts: "laatste" = only for the newest month in the inbox, True = every
    # month, False = never.
    png: bool | str = field(default="laatste", metadata={"soort": "keuze", "keuzes": PNG_KEUZES})


# DuckDB's memory_limit: an amount with a unit (a subset of what DuckDB parses) or a percentage.
GEHEUGEN = re.compile(r"^\s*\d+(\.\d+)?\s*(MB|GB|TB|MiB|GiB|TiB)\s*$|^\s*(100|[1-9]\d?)\s*%\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Warehouse(_Deel):
    sectie: ClassVar[str] = "warehouse"
    geheugenlimiet: str | None = field(default=None, metadata={"soort": "geheugen"})


@dataclass(frozen=True)
class Controles(_Deel):
    """When a monthly check says "look at this" instead of "within normal" (assets/*/checks.py).

    A file with a few quarantined rows is normal (an address just renumbered, an establishment
    without a BAG object): the contract check fails only when a file's share of quarantined
    rows is above `quarantaine_max_pct` and at least `quarantaine_min_rijen` rows. A vacancy
    share above `leegstand_max_pct` of the housing stock almost always means a missing or
    wrong register file.
    """

    sectie: ClassVar[str] = "controles"
    quarantaine_max_pct: float = _getal(5.0, 0, 100)
    quarantaine_min_rijen: int = _geheel(10, 1, 1_000_000)
    leegstand_max_pct: float = _getal(25.0, 1, 100)


# Reasons the signaleringsoverleg gives for a decision (besluiten_<JJJJ-MM>.csv): short texts,
# at most 60 characters, without the CSV separator.
REDENEN = ("al bekend bij partner", "recent gecontroleerd", "onvoldoende grond", "capaciteit",
           "eigen signaal van het overleg", "anders")
REDEN = re.compile(r"^[a-z0-9 ,.'()/-]{2,60}$")


@dataclass(frozen=True)
class Besluiten(_Deel):
    """The overleg's decisions on the proposal (besluiten_<JJJJ-MM>.csv) and their evaluation."""

    sectie: ClassVar[str] = "besluiten"
    redenen: tuple[str, ...] = field(default=REDENEN, metadata={"soort": "redenen"})
    # a control within this many months after the list counts as carrying out its decision
    controle_termijn_maanden: int = _geheel(3, 1, 12)
    # automation bias: warn when the overleg followed at least this share of the proposals ...
    volg_grens: float = _getal(0.95, 0.5, 1)
    # ... in each of this many list months in a row (or decided nothing in them)
    volg_maanden: int = _geheel(3, 1, 12)


GEMEENTECODE = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class Instellingen(_Deel):
    """instellingen.yaml, validated; every default is here and only here."""

    gemeentecode: str = field(default="0638", metadata={"soort": "gemeentecode"})  # four digits, or "*"
    gemeentenaam: str = field(default="de gemeente", metadata={"soort": "naam"})
    controlelijst: Controlelijst = field(default_factory=Controlelijst)
    evaluatie: Evaluatie = field(default_factory=Evaluatie)
    export: Export = field(default_factory=Export)
    rapportage: Rapportage = field(default_factory=Rapportage)
    warehouse: Warehouse = field(default_factory=Warehouse)
    controles: Controles = field(default_factory=Controles)
    besluiten: Besluiten = field(default_factory=Besluiten)

    @classmethod
    def from_dict(cls, raw: Mapping | None, bron: str = "instellingen.yaml") -> "Instellingen":
        """Validate the YAML's mapping; raise InstellingenFout naming the first wrong entry."""
        return _section(cls, raw, bron, "")

    @classmethod
    def load(cls, path: Path, gemeentecode: str | None = None, gemeentecode_bron: str = "gemeente.txt") -> "Instellingen":
        """Read and validate `path`; `gemeentecode` (from `<data>/referentie/gemeente.txt`) overrides."""
        bron = str(path)
        try:
            with open(path, encoding="utf-8") as fh:
                raw = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            waar = f" (regel {mark.line + 1})" if mark is not None else ""
            raise InstellingenFout(f"{bron}: geen geldige YAML{waar}: {getattr(exc, 'problem', None) or exc}.") from None
        config = cls.from_dict(raw, bron)
        if gemeentecode is not None:
            config = replace(config, gemeentecode=_value(cls, "gemeentecode", gemeentecode, gemeentecode_bron, ""))
        return config

    def as_dict(self) -> dict:
        """The settings as the plain nested dict of the YAML, every default filled in (lists as lists)."""
        def plain(value):
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return list(value) if isinstance(value, tuple) else value

        return plain(asdict(self))


def _nl(value: float) -> str:
    """1000 -> '1.000', 2.5 -> '2,5' (how the message shows a bound)."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _shown(value: Any) -> str:
    """A value as the analyst wrote it in YAML (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _section(cls, raw, bron: str, prefix: str):
    naam = prefix.rstrip(".") or None
    known = [f.name for f in fields(cls)]
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        if naam is None:
            raise InstellingenFout(f"{bron}: het bestand moet instellingen bevatten als 'naam: waarde' "
                                   f"({', '.join(known)}), niet '{_shown(raw)}'.")
        raise InstellingenFout(f"{bron}: {naam} moet een groep instellingen zijn ({', '.join(known)}, elk op een "
                               f"eigen regel, ingesprongen), niet '{_shown(raw)}'.")
    for key in raw:
        if key not in known:
            raise InstellingenFout(_unknown(cls, str(key), bron, prefix, known))
    values = {}
    for f in fields(cls):
        if f.name not in raw:
            continue
        if isinstance(f.default_factory, type):  # a section: a dataclass of its own
            values[f.name] = _section(f.default_factory, raw[f.name], bron, f"{prefix}{f.name}.")
        elif raw[f.name] is not None:  # an empty entry keeps the default
            values[f.name] = _value(cls, f.name, raw[f.name], bron, prefix)
    return cls(**values)


def _unknown(cls, key: str, bron: str, prefix: str, known: list[str]) -> str:
    hint = ""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        hint = f" Bedoelt u '{prefix}{close[0]}'?"
    elif cls is Instellingen:  # a key of a section written at the top level
        home = [f.name for f in fields(cls) if isinstance(f.default_factory, type)
                and key in {g.name for g in fields(f.default_factory)}]
        if home:
            hint = f" Die hoort onder '{home[0]}:' (als '{home[0]}.{key}')."
    waar = f"onder '{prefix.rstrip('.')}'" if prefix else "op het hoogste niveau"
    return (f"{bron}: onbekende instelling '{prefix}{key}'.{hint} Bekend {waar}: {', '.join(known)}.")


def _value(cls, name: str, value: Any, bron: str, prefix: str):
    f = next(f for f in fields(cls) if f.name == name)
    meta = f.metadata
    soort = meta["soort"]
    pad = f"{prefix}{name}"
    if soort in ("geheel", "getal"):
        bereik = f"van {_nl(meta['van'])} tot en met {_nl(meta['tot'])}"
        wat = "een geheel getal" if soort == "geheel" else "een getal"
        number = _number(value, integer=soort == "geheel")
        if number is None or not meta["van"] <= number <= meta["tot"]:
            raise InstellingenFout(f"{bron}: {pad} moet {wat} {bereik} zijn, niet '{_shown(value)}'.")
        return number
    if soort == "keuze":
        keuzes = meta["keuzes"]
        for allowed in keuzes:
            if type(value) is type(allowed) and value == allowed:
                return allowed
        opties = list(keuzes.values())
        raise InstellingenFout(f"{bron}: {pad} moet {', '.join(opties[:-1])} of {opties[-1]} zijn, niet '{_shown(value)}'.")
    if soort == "geheugen":
        if isinstance(value, str) and GEHEUGEN.match(value):
            return value.strip()
        raise InstellingenFout(
            f"{bron}: {pad} moet een hoeveelheid geheugen met eenheid zijn (bijvoorbeeld \"3GB\" of \"1GiB\"; "
            f"eenheden MB, GB, TB, MiB, GiB, TiB), een percentage van het RAM (bijvoorbeeld \"50%\") of leeg, "
            f"niet '{_shown(value)}'.")
    if soort == "gemeentecode":
        code = str(value).strip().upper().removeprefix("GM") if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if code == "*":
            return code
        if code is None or not GEMEENTECODE.match(code):
            raise InstellingenFout(f"{bron}: {pad} moet een CBS-gemeentecode van vier cijfers zijn (bijvoorbeeld "
                                   f"0638 of GM0638), of \"*\" voor alle gemeenten in de bestanden, niet '{_shown(value)}'.")
        return code.zfill(4)
    if soort == "naam":
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise InstellingenFout(f"{bron}: {pad} moet een naam zijn (tekst, bijvoorbeeld Zoeterwoude), niet '{_shown(value)}'.")
    if soort == "redenen":
        items = value if isinstance(value, (list, tuple)) else None
        cleaned = tuple(str(v).strip().lower() for v in items) if items and all(isinstance(v, str) for v in items) else ()
        if not cleaned or not all(REDEN.match(v) for v in cleaned) or len(set(cleaned)) != len(cleaned):
            raise InstellingenFout(
                f"{bron}: {pad} moet een lijst van verschillende redenen zijn (elk op een eigen regel met '- ', kleine "
                f"letters, 2 tot 60 tekens, zonder ';'), bijvoorbeeld '- al bekend bij partner', niet '{_shown(value)}'.")
        return cleaned
    raise AssertionError(soort)  # pragma: no cover - a field without a known kind


def _number(value: Any, integer: bool) -> int | float | None:
    """The number a YAML entry means (25, 25.0, "25"), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or value != value:  # NaN
        return None
    if integer:
        if isinstance(value, float) and not value.is_integer():
            return None
        return int(value)
    return float(value)


# --- one data folder ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """Paths and analyst settings for one data folder."""

    data: Path
    gemeente: str | None = None  # set for one gemeente of many (see voor_gemeente)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(data_dir())

    @property
    def inbox(self) -> Path:
        return self.data / "inbox"

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse.duckdb"

    @property
    def output(self) -> Path:
        return self.data / "output"

    def output_month(self, maand: str) -> Path:
        return self.output / maand

    @property
    def dagster_home(self) -> Path:
        return self.data / "dagster_home"

    @property
    def instellingen_path(self) -> Path:
        own = self.data / "config" / "instellingen.yaml"
        return own if own.exists() else CONFIG_DIR / "instellingen.yaml"

    @property
    def indicatoren_path(self) -> Path:
        own = self.data / "config" / "indicatoren.yaml"
        return own if own.exists() else CONFIG_DIR / "indicatoren.yaml"

    @property
    def sbi_risico_path(self) -> Path:
        own = self.data / "config" / "sbi_risico.csv"
        return own if own.exists() else CONFIG_DIR / "sbi_risico.csv"

    @property
    def buurten_path(self) -> Path:
        """<data>/referentie/buurten.geojson, or a CBS wijk- en buurtkaart as buurten.gpkg, else the shipped file."""
        own = next((p for p in (self.data / "referentie" / f"buurten.{ext}" for ext in ("geojson", "gpkg")) if p.exists()), None)
        return own or REFERENCE_DIR / "zoeterwoude_buurten_2025_rd.geojson"

    @property
    def gemeentegrens_path(self) -> Path | None:
        own = self.data / "referentie" / "gemeente.geojson"
        if own.exists():
            return own
        if self.buurten_path.parent == self.data / "referentie":
            return None
        return REFERENCE_DIR / "zoeterwoude_gemeente_2025_rd.geojson"

    @cached_property
    def config(self) -> Instellingen:
        """The validated instellingen.yaml of this folder (read once); `<data>/referentie/gemeente.txt`
        overrides its gemeentecode."""
        override = self.data / "referentie" / "gemeente.txt"
        code = override.read_text(encoding="utf-8").strip() if override.exists() else None
        config = Instellingen.load(self.instellingen_path, code, str(override))
        if self.gemeente and not (self.data / "config" / "instellingen.yaml").exists():
            # one gemeente of many without its own instellingen.yaml: not the package's gemeentenaam
            config = replace(config, gemeentenaam=f"gemeente GM{self.gemeente}")
        return config

    @property
    def instellingen(self) -> dict:
        """The validated settings as a plain nested dict, every default filled in (for callers
        that still read `settings.instellingen["export"]`; new code reads `settings.config`)."""
        return self.config.as_dict()

    def voor_gemeente(self, gemeente: str) -> "Settings":
        """The settings of one gemeente of many: its own folder <data>/gemeenten/GMxxxx/."""
        code = str(gemeente).upper().removeprefix("GM").zfill(4)
        if not code.isdigit() or len(code) != 4:
            raise ValueError(f"'{gemeente}' is geen gemeentecode; gebruik bijvoorbeeld GM0638.")
        return Settings(self.data / "gemeenten" / f"GM{code}", gemeente=code)

    @property
    def gemeentecode(self) -> str:
        """Four-digit bronhouder code (e.g. '0638'), or '*' for every gemeente in the files."""
        if self.gemeente:
            return self.gemeente
        return self.config.gemeentecode
