"""Checks of the evaluation tables (concentration per buurt, drift): specs and results for a month."""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.evaluation.specs import (CHECK_CONCENTRATIE, CHECK_DRIFT, CHECK_MENSELIJK, EVALUATIE_BESLUITEN, EVALUATIE_BUURT,
                                     EVALUATIE_DRIFT)
from assets.settings import Besluiten


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(CHECK_CONCENTRATIE, asset=EVALUATIE_BUURT,
                          description="Geen buurt krijgt onevenredig veel selecties (selectieratio boven de grens)."),
        dg.AssetCheckSpec(CHECK_DRIFT, asset=EVALUATIE_DRIFT,
                          description="Geen indicator verandert sterk ten opzichte van de vorige maand (vaak een bronwijziging)."),
        dg.AssetCheckSpec(CHECK_MENSELIJK, asset=EVALUATIE_BESLUITEN,
                          description="Het signaleringsoverleg weegt de voorstellen: het volgt de lijst niet maandenlang vrijwel "
                                      "geheel (automatiseringsbias) en laat ze niet maandenlang onbesloten."),
    ]


def human_review(con: duckdb.DuckDBPyConnection, maand: str, besluiten: Besluiten | None = None) -> list[str]:
    """Dutch warnings when, in each of the last `volg_maanden` list months before `maand`, the
    overleg followed at least `volg_grens` of the decided proposals, or decided nothing."""
    besluiten = Besluiten.of(besluiten or {})
    from data_contracts.months import add_months

    months = [add_months(maand, -k) for k in range(besluiten.volg_maanden, 0, -1)]
    rows = con.execute(
        """SELECT lijst_maand, sum(voorstellen)::INTEGER, sum(besloten)::INTEGER, sum(controle)::INTEGER
           FROM marts.evaluatie_besluiten
           WHERE maand = $maand AND soort_voorstel IN ('risicolijst', 'steekproef') AND list_contains($maanden, lijst_maand)
           GROUP BY lijst_maand ORDER BY lijst_maand""", {"maand": maand, "maanden": months}).fetchall()
    if len(rows) < len(months) or not all(voorstellen for _, voorstellen, _, _ in rows):
        return []  # not every month has a list yet
    periode = f"{months[0]} t/m {months[-1]}" if len(months) > 1 else months[0]
    if all(besloten == 0 for _, _, besloten, _ in rows):
        return [f"Het signaleringsoverleg heeft over de lijsten van {periode} niets besloten: geen besluitenbestand, of "
                f"alle voorstellen open gelaten. Zonder besluiten is niet te zien dat mensen de voorstellen wegen."]
    grens = besluiten.volg_grens
    if all(besloten and controle / besloten >= grens for _, _, besloten, controle in rows):
        aandeel = sum(c for *_, c in rows) / sum(b for _, _, b, _ in rows)
        return [f"Het signaleringsoverleg volgde in {periode} {aandeel:.0%} van de besloten voorstellen (grens "
                f"{grens:.0%}, {len(months)} maanden achter elkaar): let op automatiseringsbias. Weeg elk voorstel, "
                f"noteer waarom een adres wel of niet gecontroleerd wordt en voeg eigen signalen toe."]
    return []


def check_results(con: duckdb.DuckDBPyConnection, maand: str, besluiten: Besluiten | None = None) -> list[dg.AssetCheckResult]:
    buurten = con.execute(
        "SELECT buurtcode, buurtnaam, round(selectie_ratio, 2) AS ratio, selecties FROM marts.evaluatie_buurt "
        "WHERE maand = $maand AND signaal ORDER BY selectie_ratio DESC", {"maand": maand}).df()
    drift = con.execute(
        "SELECT indicator, objecten, objecten_vorige_maand FROM marts.evaluatie_drift "
        "WHERE maand = $maand AND signaal ORDER BY indicator", {"maand": maand}).df()
    return [
        dg.AssetCheckResult(
            check_name=CHECK_CONCENTRATIE, asset_key=EVALUATIE_BUURT, passed=buurten.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"gemelde_buurten": dg.MetadataValue.md(buurten.to_markdown(index=False) if not buurten.empty else "geen")},
        ),
        dg.AssetCheckResult(
            check_name=CHECK_DRIFT, asset_key=EVALUATIE_DRIFT, passed=drift.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"gemelde_indicatoren": dg.MetadataValue.md(drift.to_markdown(index=False) if not drift.empty else "geen")},
        ),
        dg.AssetCheckResult(
            check_name=CHECK_MENSELIJK, asset_key=EVALUATIE_BESLUITEN, passed=not (meldingen := human_review(con, maand, besluiten)),
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"meldingen": dg.MetadataValue.json(meldingen)},
        ),
    ]
