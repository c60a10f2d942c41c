"""The indicator configuration: load it, and refuse anything that is not an object-level fact.

The configuration is data (assets/config/indicatoren.yaml). Loading validates it against an
allowlist of object-level facts, so that nationality, origin, language, sex, age, names,
household composition or the neighbourhood itself can never become a score input — the
lessons of SyRI, the childcare-benefits scandal and the Rotterdam welfare model.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

# Object-level facts from marts.adreskenmerken that an indicator may use. The unpivot in
# marts.adresscores.sql lists exactly these columns.
TOEGESTANE_KENMERKEN: dict[str, str] = {
    "m2_per_ingeschrevene": "vloeroppervlak (BAG) gedeeld door ingeschrevenen (BRP)",
    "ingeschrevenen": "aantal ingeschrevenen op het adres (BRP)",
    "oppervlakte": "vloeroppervlak in m² (BAG)",
    "bewoning_zonder_woonfunctie": "ingeschrevenen in een object zonder woonfunctie",
    "mutaties_12m": "in- plus uitschrijvingen in 12 maanden (BRP)",
    "mutatiegraad_12m": "in- plus uitschrijvingen in 12 maanden per ingeschrevene",
    "vertrokken_onbekend_24m": "uitschrijvingen 'vertrokken onbekend waarheen' in 24 maanden",
    "briefadressen": "aantal briefadressen (BRP)",
    "leegstand_maanden": "aaneengesloten maanden administratief leeg",
    "vestigingen_actief": "actieve vestigingen op het object (HR)",
    "vestigingen_op_woning": "actieve vestigingen op een woning (HR)",
    "risicosector_vestigingen": "actieve vestigingen in een risicosector (HR)",
    "risicosector_op_woning": "actieve vestigingen in een risicosector op een woning (HR)",
    "neven_risicosector_vestigingen": "vestigingen met een nevenactiviteit in een risicosector",
    "uitzend_vestigingen": "uitzendbureaus en arbeidsbemiddelaars op het object (HR)",
    "uitzend_op_woning": "uitzendbureaus en arbeidsbemiddelaars op een woning (HR)",
    "rni_inschrijvingen_12m": "RNI-inschrijvingen met dit verblijfsadres in 12 maanden",
    "geverifieerde_signalen_12m": "geverifieerde signalen op het adres in 12 maanden",
}

# Words that mark a forbidden input, with the explanation the analyst gets.
VERBODEN: dict[str, str] = {
    "nationaliteit": "nationaliteit",
    "herkomst": "herkomst of migratieachtergrond",
    "afkomst": "herkomst of migratieachtergrond",
    "migratie": "herkomst of migratieachtergrond",
    "etni": "etniciteit",
    "taal": "taal",
    "geslacht": "geslacht",
    "sekse": "geslacht",
    "leeftijd": "leeftijd",
    "geboorte": "geboortedatum of geboorteland",
    "naam": "namen",
    "huishoud": "huishoudsamenstelling",
    "gezin": "huishoudsamenstelling",
    "kinderen": "huishoudsamenstelling",
    "buurt": "de buurt zelf",
    "wijk": "de buurt zelf",
    "postcode": "de buurt zelf (postcode als woongebied)",
    "notitie": "vrije tekst van medewerkers",
}

VERGELIJKINGEN = {"<", "<=", ">", ">="}
VERPLICHT = ("id", "label", "bron", "kenmerk", "vergelijking", "drempels", "reden", "onderbouwing")


class ConfiguratieFout(ValueError):
    """The indicator configuration is not acceptable; the message says why, in Dutch."""


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    bron: str
    kenmerk: str
    vergelijking: str
    drempels: tuple[tuple[float, int], ...]
    reden: str
    onderbouwing: str
    norm: float | None = None
    decimalen: int = 0


def _forbidden(name: str) -> str | None:
    lowered = name.lower()
    for word, what in VERBODEN.items():
        if word in lowered:
            return what
    return None


def validate(raw: dict, bron: str = "indicatoren.yaml") -> list[Indicator]:
    """Turn the YAML into indicators, or raise ConfiguratieFout naming the problem."""
    items = (raw or {}).get("indicatoren")
    if not items:
        raise ConfiguratieFout(f"{bron}: geen indicatoren gevonden (sleutel 'indicatoren' ontbreekt of is leeg).")
    seen: set[str] = set()
    result = []
    for pos, item in enumerate(items, start=1):
        ident = str(item.get("id", f"#{pos}"))
        missing = [k for k in VERPLICHT if k not in item]
        if missing:
            raise ConfiguratieFout(f"{bron}: indicator '{ident}' mist de velden {', '.join(missing)}.")
        if ident in seen:
            raise ConfiguratieFout(f"{bron}: indicator '{ident}' komt twee keer voor.")
        seen.add(ident)
        kenmerk = str(item["kenmerk"])
        for name in (kenmerk, ident):
            what = _forbidden(name)
            if what and kenmerk not in TOEGESTANE_KENMERKEN:
                raise ConfiguratieFout(
                    f"{bron}: indicator '{ident}' gebruikt '{name}', dat gaat over {what}. "
                    "Dat mag nooit meetellen in een risicoscore: de score gebruikt alleen feiten over "
                    "het object (oppervlakte, inschrijvingen, vestigingen, leegstand, signalen), nooit "
                    "kenmerken van personen of van de buurt. Zo voorkomen we discriminatie en "
                    "profilering (AVG artikel 22; lessen van SyRI en de toeslagenaffaire)."
                )
        if kenmerk not in TOEGESTANE_KENMERKEN:
            raise ConfiguratieFout(
                f"{bron}: indicator '{ident}' gebruikt het onbekende kenmerk '{kenmerk}'. "
                f"Toegestaan zijn alleen feiten over het object: {', '.join(sorted(TOEGESTANE_KENMERKEN))}."
            )
        if item["vergelijking"] not in VERGELIJKINGEN:
            raise ConfiguratieFout(
                f"{bron}: indicator '{ident}' heeft vergelijking '{item['vergelijking']}'; "
                f"gebruik een van {', '.join(sorted(VERGELIJKINGEN))}."
            )
        try:
            drempels = tuple((float(d["waarde"]), int(d["punten"])) for d in item["drempels"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfiguratieFout(
                f"{bron}: indicator '{ident}': elke drempel heeft een getal 'waarde' en een geheel getal 'punten' ({exc})."
            ) from exc
        if not drempels or any(p <= 0 for _, p in drempels):
            raise ConfiguratieFout(f"{bron}: indicator '{ident}': geef minstens één drempel met punten > 0.")
        result.append(
            Indicator(
                id=ident,
                label=str(item["label"]),
                bron=str(item["bron"]),
                kenmerk=kenmerk,
                vergelijking=item["vergelijking"],
                drempels=drempels,
                reden=str(item["reden"]),
                onderbouwing=" ".join(str(item["onderbouwing"]).split()),
                norm=float(item["norm"]) if item.get("norm") is not None else None,
                decimalen=int(item.get("decimalen", 0)),
            )
        )
    return result


def load(path: Path) -> list[Indicator]:
    with open(path, encoding="utf-8") as fh:
        return validate(yaml.safe_load(fh), bron=Path(path).name)


def thresholds_frame(indicatoren: list[Indicator]) -> pd.DataFrame:
    """One row per indicator threshold, the table the score SQL joins on."""
    rows = []
    for volgorde, ind in enumerate(indicatoren, start=1):
        for drempel, punten in ind.drempels:
            rows.append(
                {
                    "indicator": ind.id,
                    "volgorde": volgorde,
                    "label": ind.label,
                    "kenmerk": ind.kenmerk,
                    "vergelijking": ind.vergelijking,
                    "drempel": drempel,
                    "punten": punten,
                    "norm": ind.norm if ind.norm is not None else drempel,
                    "decimalen": ind.decimalen,
                    "reden": ind.reden,
                }
            )
    return pd.DataFrame(rows)
