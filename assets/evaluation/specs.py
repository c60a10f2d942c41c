"""Dagster specs of the evaluation tables; their deps are read from the SQL (assets.lineage)."""
from __future__ import annotations

import dagster as dg

from assets.evaluation.build import ADDRESS_TABLES, TABLES
from assets.lineage import asset_deps, table_key

OWNERS = ["team:aov-informatie"]
EVALUATIE_BUURT = table_key("marts.evaluatie_buurt")
CHECK_CONCENTRATIE = "geen_concentratie_in_buurt"  # on EVALUATIE_BUURT
EVALUATIE_DRIFT = table_key("marts.evaluatie_drift")
CHECK_DRIFT = "geen_sprong_in_indicatoren"  # on EVALUATIE_DRIFT
BESCHRIJVING = {
    "marts.evaluatie_aanleiding": "Trefkans van controles per aanleiding (risicolijst, signaal, steekproef) met 95 %-betrouwbaarheidsinterval (Wilson).",
    "marts.evaluatie_indicator": "Trefkans per indicator (score van de maand vóór de controle).",
    "marts.evaluatie_scoreklasse": "Trefkans per scoreklasse.",
    "marts.evaluatie_precisie": "Precisie@k van eerdere risicolijsten: aandeel gecontroleerde adressen met een bevinding.",
    "marts.evaluatie_buurt": "Selectie per buurt tegenover het aandeel objecten (dispariteit), met signaal boven de grens.",
    "marts.evaluatie_drift": "Aantal objecten per indicator tegenover de vorige maand, met signaal bij een sprong.",
    "marts.besluiten": "Elk voorstel van de lijst van de maand (risicolijst en steekproef) en elk adres dat het overleg zelf toevoegde, met het besluit van het signaleringsoverleg (leeg: niet besloten).",
    "marts.controle_besluit": "Elke controle van de maand met het besluit dat zij uitvoerde; de aanleiding volgt uit dat besluit.",
    "marts.evaluatie_besluiten": "Hoe het overleg de voorstellen woog, per lijstmaand en over 12 maanden: besloten, gevolgd, later, open, trefkans (Wilson) en dagen tot de controle.",
    "marts.evaluatie_besluit_redenen": "Redenen bij de besluiten over de lijsten van de laatste 12 maanden.",
}
EVALUATIE_BESLUITEN = table_key("marts.evaluatie_besluiten")
CHECK_MENSELIJK = "menselijke_afweging"  # on EVALUATIE_BESLUITEN


def key(table: str) -> dg.AssetKey:
    return table_key(table)


def specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key(table),
            description=BESCHRIJVING[table] + f" SQL: assets/evaluation/{table}.sql.",
            group_name="evaluatie",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=asset_deps(table),
        )
        for table in ADDRESS_TABLES + TABLES
    ]
