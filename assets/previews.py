"""What the monthly step shows of a table in Dagster: an allow-list per table, never an address.

Dagster keeps materialization metadata, check results and failures in its run and event storage
(<data>/dagster_home/) next to, not inside, the warehouse. So what goes there is chosen per
table, by allow-list, not by leaving out the columns known to be addresses:

- aggregate tables (per buurt, aanleiding, indicator, score band): their first rows, only the
  listed columns (counts, months, buurtcodes, indicator ids);
- address-level tables: counts per group of listed, non-identifying columns (gebruiksdoel,
  aanleiding, buurtcode, ...), never a row of an address.

Never in a preview: a verblijfsobject or nummeraanduiding id, vestigingsnummer, kvk nummer,
postcode, address, rank or score of an address, reasons of an address. A table not listed here
gets no preview (a table added later shows nothing rather than its rows).

    preview(con, "marts.controlelijst", "2026-10")   # -> dg.MetadataValue.md(...)
    refusal_text(refused)                             # a refused month, without values from the files
"""
from __future__ import annotations

import re

import dagster as dg

ROWS = 5
GROUPS = 10

# Never shown, whatever a table's entry says (checked at import, see _check_allow_list).
FORBIDDEN = {
    "verblijfsobject_id", "nummeraanduiding_id", "identificatie", "nummeraanduiding_hoofdadres_identificatie",
    "bag_verblijfsobject_id", "pand_identificatie", "vestigingsnummer", "kvk_nummer", "postcode", "adres",
    "openbare_ruimte_naam", "straatnaam", "huisnummer", "huisletter", "toevoeging", "huisnummer_toevoeging", "x", "y",
    "rang", "score", "redenen", "punten_per_indicator", "indicatoren", "waarde", "rij", "controle_id", "signaal_id",
    "datum", "peildatum", "laatste_controle_datum", "steekproef_seed",
}

# Aggregate tables: the listed columns of their first rows.
ROW_PREVIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    "marts.leegstand_buurt": (("buurtcode", "buurtnaam", "woningen", "leegstaand", "leegstand_pct", "verschil_vorige_maand"),
                              "leegstand_pct DESC, buurtcode"),
    "marts.evaluatie_aanleiding": (("aanleiding", "controles", "gecontroleerd", "treffers", "trefkans"), "aanleiding"),
    "marts.evaluatie_indicator": (("indicator", "gecontroleerd", "treffers", "trefkans"), "indicator"),
    "marts.evaluatie_scoreklasse": (("scoreklasse", "ondergrens", "gecontroleerd", "treffers", "trefkans"), "ondergrens"),
    "marts.evaluatie_precisie": (("lijst_maand", "k", "gecontroleerd", "treffers", "precisie"), "lijst_maand, k"),
    "marts.evaluatie_buurt": (("buurtcode", "buurtnaam", "objecten", "selecties", "selectie_ratio", "gecontroleerd", "treffers"),
                              "selectie_ratio DESC, buurtcode"),
    "marts.evaluatie_drift": (("indicator", "objecten", "objecten_vorige_maand", "factor", "signaal"), "indicator"),
    "marts.evaluatie_besluiten": (("lijst_maand", "soort_voorstel", "voorstellen", "besloten", "later", "open", "controle",
                                   "aandeel_gevolgd", "gecontroleerd", "treffers"), "lijst_maand DESC, soort_voorstel"),
    "marts.evaluatie_besluit_redenen": (("soort_voorstel", "besluit", "reden", "aantal"), "aantal DESC, soort_voorstel"),
}

# Address-level tables: counts per group of the listed columns (alias -> aggregate over the month's rows).
COUNT_PREVIEWS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "staging.bag_verblijfsobject": (("gebruiksdoel", "is_woning"), {"objecten": "count(*)"}),
    "staging.brp_adrestellingen": ((), {"adressen": "count(*)", "ingeschrevenen": "sum(ingeschrevenen)",
                                        "briefadressen": "sum(briefadressen)", "inschrijvingen": "sum(inschrijvingen)",
                                        "uitschrijvingen": "sum(uitschrijvingen)",
                                        "vertrokken_onbekend": "sum(vertrokken_onbekend)"}),
    "staging.rni_inschrijvingen": ((), {"adressen": "count(*)", "inschrijvingen": "sum(inschrijvingen)"}),
    "staging.kvk_vestigingen": (("risicocategorie", "actief"), {"vestigingen": "count(*)"}),
    "staging.woz_gebruik": (("gebruik",), {"objecten": "count(*)"}),
    "staging.signalen": (("bron", "soort", "geverifieerd"), {"signalen": "count(*)"}),
    "staging.controles": (("aanleiding", "uitkomst"), {"controles": "count(*)"}),
    "marts.leegstand": (("is_woning", "leegstand"), {"objecten": "count(*)"}),
    "marts.adreskenmerken": (("is_woning", "leegstand"), {"objecten": "count(*)",
                                                          "zonder_woonfunctie_bewoond": "count(*) FILTER (WHERE bewoning_zonder_woonfunctie)",
                                                          "vestigingen_actief": "sum(vestigingen_actief)"}),
    "marts.adresscores": (("buurtcode",), {"objecten": "count(*)", "met_score": "count(*) FILTER (WHERE score > 0)"}),
    "marts.controlelijst": (("aanleiding", "buurtcode"), {"adressen": "count(*)"}),
    "staging.bag_nevenadres": ((), {"nevenadressen": "count(*)", "objecten": "count(DISTINCT verblijfsobject_id)"}),
    "staging.bag_pand": (("status",), {"panden": "count(*)"}),
    "staging.besluiten": (("soort_voorstel", "besluit"), {"besluiten": "count(*)"}),
    "marts.besluiten": (("soort_voorstel", "besluit"), {"adressen": "count(*)"}),
    "marts.controle_besluit": (("aanleiding", "besluit"), {"controles": "count(*)"}),
}


def _check_allow_list() -> None:
    for table, (columns, _order) in ROW_PREVIEWS.items():
        bad = FORBIDDEN.intersection(columns)
        assert not bad, f"{table}: {sorted(bad)} may not be in a preview"
    for table, (columns, aggregates) in COUNT_PREVIEWS.items():
        bad = FORBIDDEN.intersection(columns) | FORBIDDEN.intersection(aggregates)
        assert not bad, f"{table}: {sorted(bad)} may not be in a preview"


_check_allow_list()


def preview_frame(con, table: str, maand: str):
    """The month's preview of `table` as a DataFrame (None when the table is not allow-listed)."""
    if table in ROW_PREVIEWS:
        columns, order = ROW_PREVIEWS[table]
        select = ", ".join(f'"{c}"' for c in columns)
        sql = f"SELECT {select} FROM {table} WHERE maand = $maand ORDER BY {order} LIMIT {ROWS}"
    elif table in COUNT_PREVIEWS:
        columns, aggregates = COUNT_PREVIEWS[table]
        groups = [f'"{c}"' for c in columns]
        measures = [f'{expr} AS "{alias}"' for alias, expr in aggregates.items()]
        first = next(iter(aggregates))
        group_by = f"GROUP BY {', '.join(groups)} ORDER BY \"{first}\" DESC, {', '.join(groups)}" if groups else ""
        sql = f"SELECT {', '.join(groups + measures)} FROM {table} WHERE maand = $maand {group_by} LIMIT {GROUPS}"
    else:
        return None
    frame = con.execute(sql, {"maand": maand}).df()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v if isinstance(v, (str, type(None))) else str(v))
    return frame


def preview(con, table: str, maand: str) -> dg.MetadataValue:
    """Markdown preview for the Dagster UI: allow-listed columns or counts only (see module docstring)."""
    frame = preview_frame(con, table, maand)
    if frame is None:
        return dg.MetadataValue.md("Geen voorbeeld: deze tabel staat niet in de lijst van assets/previews.py.")
    if frame.empty:
        return dg.MetadataValue.md("Geen rijen in deze maand.")
    return dg.MetadataValue.md(frame.to_markdown(index=False))


def refusal_text(refused) -> str:
    """A refused month for Dagster's event log: which file, column and rule, how many rows; no value
    from a file (no example, no explanation quoting the file). The command line prints the full
    findings from audit.validatielog (`refusal_details`)."""
    lines = []
    for result in refused.results:
        if result is None or not getattr(result, "geweigerd", False):
            continue
        for b in result.bevindingen:
            # a column of the contract (snake_case); a header cell that is data is not repeated
            kolom = f"kolom '{b.kolom}', " if b.kolom and re.fullmatch(r"[a-z][a-z0-9_]*", b.kolom) else ""
            rijen = f": {b.aantal} rij(en)" if b.aantal else ""
            lines.append(f"{b.bestand} geweigerd — {kolom}regel '{b.regel}'{rijen}. Wat te doen: {b.advies.strip()}")
    if not lines:  # refused before any file was read (e.g. no BAG file): those texts hold no file values
        lines = list(refused.meldingen)
    return (f"Maand {refused.maand} niet verwerkt:\n" + "\n".join(lines)
            + "\nDe bevindingen met voorbeeldwaarden staan in audit.validatielog (en in de uitvoer van risicoradar run).")


def refusal_details(warehouse, run_id: str) -> list[str]:
    """The full findings (example values included) of a run's refused files, from audit.validatielog."""
    import json

    import duckdb

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(
            "SELECT bevindingen FROM audit.validatielog WHERE run_id = $run AND uitkomst = 'geweigerd' ORDER BY tijdstip",
            {"run": run_id},
        ).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    return [m for (text,) in rows for m in json.loads(text or "[]")]
