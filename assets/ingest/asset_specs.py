"""Dagster: the tables the ingest produces (asset specs of the month job) and their contract checks."""
from __future__ import annotations

import dagster as dg

from assets.ingest.inbox import INBOX_FOLDER, MONTHLY_SOURCES
from assets.lineage import asset_deps

OWNERS = ["team:aov-informatie"]
CONTRACT_CHECK = "contract"
BESCHRIJVING = {
    "bag_verblijfsobject": "BAG-verblijfsobjecten van de gemeente voor de maand, met buurt (ruimtelijke koppeling) en CBS-woningdefinitie.",
    "brp_adrestellingen": "BRP-aantallen per adres (geen persoonsgegevens), gekoppeld aan het BAG-object van het hoofdadres.",
    "rni_inschrijvingen": "RNI-inschrijvingen van de maand, met verblijfsadres waar bekend.",
    "kvk_vestigingen": "Vestigingen uit het Handelsregister, gekoppeld aan BAG (id of genormaliseerd adres), actief op de peildatum, met risicocategorie (SBI).",
    "woz_gebruik": "WOZ-gebruik per object (optioneel; meestal jaarlijks).",
    "signalen": "Signalen uit het signaleringsoverleg (alleen geverifieerde tellen mee in de score).",
    "controles": "Uitgevoerde controles en hun uitkomst (voor de evaluatie van de score).",
    "besluiten": "Besluiten van het signaleringsoverleg over het voorstel van de maand (controle, geen controle, later; reden uit de vaste lijst) en de adressen die het overleg zelf toevoegt.",
}

# Tables filled from the BAG delivery besides staging.bag_verblijfsobject (empty for a canonical CSV).
EXTRA_BAG_TABLES = {
    "bag_nevenadres": "Nevenadressen van de verblijfsobjecten (LV BAG-extract); BRP-aantallen op een nevenadres tellen bij het object.",
    "bag_pand": "Pandcontouren (WKB, RD) van de panden waarin de verblijfsobjecten liggen (PDOK GeoPackage of LV BAG-extract).",
}


def specs() -> list[dg.AssetSpec]:
    out = []
    for source in MONTHLY_SOURCES:
        key = dg.AssetKey(["staging", source])
        out.append(
            dg.AssetSpec(
                key,
                description=BESCHRIJVING[source] + f" Tabel staging.{source}; inbox/{INBOX_FOLDER[source]}/.",
                group_name="ingest",
                owners=OWNERS,
                kinds={"duckdb"},
                deps=asset_deps(f"staging.{source}"),
            )
        )
        if source == "bag_verblijfsobject":  # yielded in this order: they follow the BAG, the others read them
            out += [_extra_bag_spec(table, description) for table, description in EXTRA_BAG_TABLES.items()]
    out.append(
        dg.AssetSpec(
            dg.AssetKey(["staging", "quarantaine"]),
            description="Rijen die niet aansluiten op een ander register (adres niet in de BAG van de maand, vestiging zonder BAG-object), met bestand, rij, kolom en reden.",
            group_name="ingest",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=asset_deps("staging.quarantaine"),
        )
    )
    return out


def _extra_bag_spec(table: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        dg.AssetKey(["staging", table]),
        description=description + f" Tabel staging.{table}; uit de BAG-levering van inbox/bag/.",
        group_name="ingest",
        owners=OWNERS,
        kinds={"duckdb"},
        deps=asset_deps(f"staging.{table}"),
    )


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CONTRACT_CHECK,
            asset=dg.AssetKey(["staging", source]),
            description=("Het inboxbestand voldoet aan zijn datacontract (data_contracts/). Waarschuwing pas als het aandeel "
                         "rijen in quarantaine boven controles.quarantaine_max_pct ligt; een paar rijen in quarantaine en een "
                         "ontbrekend optioneel bestand (WOZ) zijn normaal en staan in de metadata."),
        )
        for source in MONTHLY_SOURCES
    ]
