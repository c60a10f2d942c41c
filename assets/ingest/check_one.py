"""One inbox file against its contract, warehouse untouched (`risicoradar valideer BESTAND`).

Referential rules (addresses in that month's BAG, KvK address matching) use the same month's
BAG file in the same inbox when there is one, else the warehouse read-only, else they are
reported as not checked. The BAG is staged in an in-memory DuckDB with the pipeline's own SQL,
so `valideer` and the monthly run apply exactly the same rules.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from assets.settings import Settings


def _bag_in_memory(bag_path: Path, settings: Settings, maand: str):
    from assets.ingest.inbox import validate
    from assets.ingest.month import store_bag_extras
    from assets.ingest.received import load_staging
    from assets.warehouse import ensure_schema, month_params

    result = validate(bag_path, "bag_verblijfsobject", settings, maand=maand)
    if result.geweigerd:
        return None, f"Het BAG-bestand {bag_path.name} is zelf geweigerd; adressen zijn niet gecontroleerd."
    con = duckdb.connect()
    ensure_schema(con)
    load_staging(con, "bag_verblijfsobject", result.frame, {**month_params(maand), "gemeente": settings.gemeentecode},
                 bag_path.name)  # no buurten: only the addresses are needed
    store_bag_extras(con, month_params(maand), result.levering)  # nevenadressen count as addresses
    return con, f"Adressen gecontroleerd tegen {bag_path.name}" + (f" ({result.formaat})." if result.formaat else ".")


def _bag_from_warehouse(settings: Settings, maand: str):
    if not settings.warehouse.exists():
        return None, None
    try:
        wh = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:
        return None, None
    try:
        bag = wh.execute("SELECT * FROM staging.bag_verblijfsobject WHERE maand = $m", {"m": maand}).df()
        neven = wh.execute("SELECT * FROM staging.bag_nevenadres WHERE maand = $m", {"m": maand}).df()
    except duckdb.Error:
        bag = neven = pd.DataFrame()
    finally:
        wh.close()
    if bag.empty:
        return None, None
    from assets.warehouse import ensure_schema

    con = duckdb.connect()
    ensure_schema(con)
    con.register("_bag", bag)
    con.execute("INSERT INTO staging.bag_verblijfsobject BY NAME SELECT * FROM _bag")
    if not neven.empty:
        con.register("_neven", neven)
        con.execute("INSERT INTO staging.bag_nevenadres BY NAME SELECT * FROM _neven")
    return con, f"Adressen gecontroleerd tegen de BAG van {maand} in het warehouse (alleen-lezen)."


def check_file(path: Path, settings: Settings) -> tuple[list[str], bool]:
    """The Dutch lines `valideer` prints for one file, and whether the file is accepted."""
    from assets.ingest.inbox import REFERENTIAL, validate
    from assets.ingest.kvk import load_kvk
    from assets.ingest.sbi import sbi_prefixes
    from assets.ingest.month import REFERENCE_SQL
    from assets.warehouse import month_params
    from data_contracts import ContractError, parse_inbox_path, validate_slachtoffers
    from data_contracts.reading import real_delivery

    path = path.resolve()
    try:
        source, maand = parse_inbox_path(path)
    except ContractError:
        entry = real_delivery(path)  # bag-light.gpkg, an LV BAG extract: the month from the file itself
        if entry is None:
            raise
        source, maand = entry[0], entry[1]
    if source == "slachtoffers":
        result = validate_slachtoffers([path])
        return _lines(path, result, []), not result.geweigerd

    con, herkomst = None, None
    if source in REFERENTIAL or source == "kvk_vestigingen":
        bag_dir = path.parent.parent / "bag"
        candidates = sorted(bag_dir.glob(f"bag_verblijfsobject_{maand}.*")) or sorted(
            p for p in (bag_dir.iterdir() if bag_dir.is_dir() else [])
            if (entry := real_delivery(p)) is not None and entry[1] == maand)
        if candidates:
            con, herkomst = _bag_in_memory(candidates[-1], settings, maand)
        if con is None and herkomst is None:
            con, herkomst = _bag_from_warehouse(settings, maand)
        if herkomst is None:
            herkomst = f"Geen BAG van {maand} gevonden (inbox of warehouse): adressen zijn niet gecontroleerd."

    context = {}
    if con is not None and source in REFERENTIAL:
        context["bag_hoofdadressen"] = con.execute(REFERENCE_SQL, {"maand": maand}).df()
    result = validate(path, source, settings, **context)
    extra = [herkomst] if herkomst else []
    if con is not None and source == "kvk_vestigingen" and not result.geweigerd:
        matched, unmatched, rate = load_kvk(con, month_params(maand), sbi_prefixes(settings.sbi_risico_path),
                                            result.frame, path.name)
        extra.append(
            f"KvK: {matched} vestigingen gekoppeld aan een BAG-object, {unmatched} niet (quarantaine)"
            + (f"; adresmatch zonder BAG-id {rate:.1f} %." if rate is not None else ".")
        )
        for bestand, rij, waarde, reden in con.execute(
            "SELECT bestand, rij, waarde, reden FROM staging.quarantaine ORDER BY rij LIMIT 20"
        ).fetchall():
            extra.append(f"  quarantaine rij {rij}: {reden} ({waarde})")
    if con is not None:
        con.close()
    return _lines(path, result, extra), not result.geweigerd


def _lines(path: Path, result, extra: list[str]) -> list[str]:
    lines = []
    herkend = f"{path.name} herkend als "
    notes = [w for w in result.waarschuwingen if w.startswith(herkend)]
    if result.geweigerd:
        lines.append(f"GEWEIGERD: {path.name}")
        lines += result.meldingen()
    else:
        rows = 0 if result.frame is None else len(result.frame)
        q = 0 if result.quarantaine is None else len(result.quarantaine)
        lines.append(f"GEACCEPTEERD: {path.name} ({rows} rijen{f', {q} in quarantaine' if q else ''})")
        if q:
            for r in result.quarantaine.head(20).itertuples():
                lines.append(f"  quarantaine rij {r.rij}, kolom {r.kolom}: {r.reden} ({r.waarde})")
    # the recognised format and the month it is filed under (and why) are facts, not warnings
    lines += [f"Formaat: {w[len(path.name) + 1:]}" for w in notes]
    if result.maand_reden and not notes:
        lines.append(f"Maand: {result.maand} ({result.maand_reden}).")
    lines += [f"Waarschuwing: {w}" for w in result.waarschuwingen if w not in notes]
    lines += extra
    return lines
