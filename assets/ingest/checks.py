"""Checks of the ingest tables: the contract check per source (after publication) and the keys
the month's grain check guards (before publication, in assets/maand.py).

The contract check separates "within normal" from "look at this": a few quarantined rows and a
missing optional file (WOZ is usually yearly) are normal and are noted as metadata; the check
fails only when a file's quarantined share passes the configured limit (instellingen.yaml,
`controles.quarantaine_max_pct` and `quarantaine_min_rijen`). Counts only, never addresses.
"""
from __future__ import annotations

import dagster as dg

from assets.ingest.asset_specs import CONTRACT_CHECK
from assets.ingest.inbox import INBOX_FOLDER, MONTHLY_SOURCES, REQUIRED_SOURCES
from assets.settings import Controles

# One row per maand and these columns, none of them empty (no PRIMARY KEY on these tables: too
# costly at national scale, see assets/schema.sql); checked inside the month's transaction.
SLEUTELS = {
    dg.AssetKey(["staging", "bag_verblijfsobject"]): ("identificatie",),
    dg.AssetKey(["staging", "brp_adrestellingen"]): ("nummeraanduiding_id",),
    dg.AssetKey(["staging", "kvk_vestigingen"]): ("vestigingsnummer",),
    dg.AssetKey(["staging", "woz_gebruik"]): ("verblijfsobject_id",),
}


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " %"


def contract_results(verslag: dict, maand: str, controles: Controles) -> list[dg.AssetCheckResult]:
    """The contract check of every monthly source for a published month (severity WARN)."""
    controles = Controles.of(controles)
    out = []
    for source in MONTHLY_SOURCES:
        key = dg.AssetKey(["staging", source])
        v = verslag.get(source)
        if v is None:  # a required file missing refuses the month before this; an optional one is normal
            out.append(dg.AssetCheckResult(
                check_name=CONTRACT_CHECK, asset_key=key, passed=True, severity=dg.AssetCheckSeverity.WARN,
                description=f"Geen bestand voor {maand} (optioneel; bijvoorbeeld WOZ komt meestal eens per jaar).",
                metadata={"uitkomst": "geen bestand (optioneel)", "verwacht": f"inbox/{INBOX_FOLDER[source]}/",
                          "quarantaine": 0}))
            continue
        share = 100.0 * v.quarantaine / v.rijen if v.rijen else 0.0
        too_many = share > controles.quarantaine_max_pct and v.quarantaine >= controles.quarantaine_min_rijen
        if too_many:
            description = (f"{v.quarantaine} van {v.rijen} rijen ({_pct(share)}) van {v.bestand} in quarantaine, meer dan "
                           f"de grens van {_pct(controles.quarantaine_max_pct)} (controles.quarantaine_max_pct): kijk in "
                           "staging.quarantaine welke regel ze raakt en of de BAG van dezelfde maand is geladen.")
        elif v.quarantaine:
            description = f"{v.quarantaine} rij(en) in quarantaine ({_pct(share)}): binnen de normale marge."
        else:
            description = "Geaccepteerd, geen quarantaine."
        out.append(dg.AssetCheckResult(
            check_name=CONTRACT_CHECK, asset_key=key, passed=not too_many, severity=dg.AssetCheckSeverity.WARN,
            description=description,
            metadata={
                "uitkomst": "geaccepteerd",
                "bestand": v.bestand or "",
                "rijen": dg.MetadataValue.int(int(v.rijen)),
                "quarantaine": dg.MetadataValue.int(int(v.quarantaine)),
                "quarantaine_pct": round(share, 2),
                "grens_pct": controles.quarantaine_max_pct,
                "verplicht": source in REQUIRED_SOURCES,
                # the contract's notes (encoding, skipped columns, implausible values): counts and
                # row numbers, no addresses
                "opmerkingen": dg.MetadataValue.json(list(v.waarschuwingen)),
            }))
    return out
