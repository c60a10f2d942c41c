"""One month of the inbox into staging.*: check every file, load it, or refuse the month.

Everything happens inside the caller's transaction. Every file of the month is checked against
its contract before the month is published; one refused file refuses the month (raises
`MaandGeweigerd`) and the caller rolls back, so the data tables stay exactly as they were.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from assets.ingest.audit import record_sources
from assets.ingest.buurten import BuurtenGeweigerd, buurt_index, read_buurten
from assets.ingest.inbox import (
    INBOX_FOLDER, MONTHLY_SOURCES, REFERENTIAL, REQUIRED_SOURCES, RUN_MONTH_REASON, month_files, validate,
)
from assets.ingest.kvk import load_kvk
from assets.ingest.received import load_staging, write_quarantine
from assets.ingest.sbi import sbi_prefixes
from assets.settings import Settings
from assets.warehouse import replace_month


class MaandGeweigerd(Exception):
    """A month cannot be published: at least one file was refused or is missing."""

    def __init__(self, maand: str, meldingen: list[str], results: list):
        self.maand = maand
        self.meldingen = meldingen
        self.results = results
        super().__init__(f"Maand {maand} niet verwerkt:\n" + "\n".join(meldingen))


@dataclass
class BronVerslag:
    """What one source contributed to a month (for metadata, checks and the report)."""

    bron: str
    bestand: str | None = None
    sha256: str | None = None
    rijen: int = 0
    geaccepteerd: int = 0
    quarantaine: int = 0
    andere_gemeente: int = 0
    matchpercentage: float | None = None
    waarschuwingen: list[str] = field(default_factory=list)
    result: object = None
    formaat: str | None = None  # the recognised delivery format ("PDOK BAG GeoPackage"); None = canonical
    tabellen: dict = field(default_factory=dict)  # further tables the file filled, with their rows


def load_month(con: duckdb.DuckDBPyConnection, settings: Settings, params: dict) -> dict[str, BronVerslag]:
    """Validate and load every monthly source of `params['maand']` (inside a transaction)."""
    maand = params["maand"]
    files = month_files(settings, maand)
    missing = [s for s in REQUIRED_SOURCES if s not in files]
    if missing:
        meldingen = [
            f"Voor {maand} ontbreekt het bestand van {s}: verwacht "
            f"inbox/{INBOX_FOLDER[s]}/{s}_{maand}.csv. Zet het bestand in de inbox en draai de maand opnieuw."
            for s in missing
        ]
        raise MaandGeweigerd(maand, meldingen, [])

    verslag: dict[str, BronVerslag] = {}

    # BAG first: every other register is checked against it.
    bag_file = files["bag_verblijfsobject"]
    run_month = {"maand": maand} if bag_file.maand_reden == RUN_MONTH_REASON else {}
    bag = validate(bag_file.path, "bag_verblijfsobject", settings, **run_month)
    bag.sha256 = files["bag_verblijfsobject"].sha256  # audit.validatielog: which file, refused or not
    if bag.geweigerd:
        raise MaandGeweigerd(maand, bag.meldingen(), [bag])
    frame = bag.frame
    in_gemeente = (
        pd.Series(True, index=frame.index)
        if settings.gemeentecode == "*"
        else (frame["bronhouder_identificatie"] == settings.gemeentecode).fillna(False).astype(bool)
    )
    try:
        buurten = read_buurten(str(settings.buurten_path))
    except BuurtenGeweigerd as exc:
        raise MaandGeweigerd(maand, [str(exc)], [bag]) from None
    n_bag = load_staging(con, "bag_verblijfsobject", frame, {**params, "gemeente": settings.gemeentecode},
                         files["bag_verblijfsobject"].path.name,
                         columns={"buurtcode": _buurtcodes(frame, in_gemeente.to_numpy(), buurten)})
    levering = bag.levering
    andere = int((~in_gemeente).sum())
    if levering is not None and "andere_gemeente" in levering.kengetallen:
        andere = int(levering.kengetallen["andere_gemeente"])  # left out by the reader, not in the frame
    tabellen = store_bag_extras(con, params, levering)
    verslag["bag_verblijfsobject"] = BronVerslag(
        bron="bag_verblijfsobject",
        bestand=files["bag_verblijfsobject"].path.name,
        sha256=files["bag_verblijfsobject"].sha256,
        rijen=len(frame),
        geaccepteerd=n_bag,
        andere_gemeente=andere,
        waarschuwingen=list(bag.waarschuwingen),
        result=bag,
        formaat=bag.formaat,
        tabellen=tabellen,
    )

    hoofdadressen = _arrow_frame(con.sql(REFERENCE_SQL, params={"maand": maand}).to_arrow_table())
    vorige = con.execute(
        "SELECT sum(ingeschrevenen) AS ingeschrevenen, count(*) AS rijen FROM staging.brp_adrestellingen "
        "WHERE maand = $vorige_maand",
        {"vorige_maand": params["vorige_maand"]},
    ).fetchall()[0]
    vorige_brp = {"ingeschrevenen": int(vorige[0]), "rijen": int(vorige[1])} if vorige[1] else None

    write_quarantine(con, "bag_verblijfsobject", maand, bag.quarantaine)
    bag.release_frame()
    del frame

    # Check each other file and load it at once, so that only one file's rows are in memory.
    # All of this is inside the month's transaction: a refusal of a later file rolls back the
    # files loaded before it. Every file is still checked, so the analyst sees all refusals.
    sbi = sbi_prefixes(settings.sbi_risico_path)
    results = {}
    refused = []
    for source in MONTHLY_SOURCES[1:]:
        if source not in files:
            continue
        context = {}
        if source in REFERENTIAL:
            context["bag_hoofdadressen"] = hoofdadressen
        if source == "brp_adrestellingen":
            context["vorige"] = vorige_brp
        result = results[source] = validate(files[source].path, source, settings, **context)
        result.sha256 = files[source].sha256  # audit.validatielog: which file, refused or not
        if result.geweigerd or refused:
            refused += [result] if result.geweigerd else []
            result.release_frame()
            continue
        inbox_file = files[source]
        if source == "besluiten":
            set_aside_unknown_reasons(result, settings.config.besluiten.redenen)
        n_quarantine = write_quarantine(con, source, maand, result.quarantaine)
        entry = BronVerslag(
            bron=source,
            bestand=inbox_file.path.name,
            sha256=inbox_file.sha256,
            rijen=len(result.frame) + n_quarantine,
            quarantaine=n_quarantine,
            waarschuwingen=list(result.waarschuwingen),
            result=result,
            formaat=result.formaat,
        )
        if source == "kvk_vestigingen":
            entry.geaccepteerd, unmatched, entry.matchpercentage = load_kvk(con, params, sbi, result.frame, inbox_file.path.name)
            entry.quarantaine += unmatched
        else:
            entry.geaccepteerd = load_staging(con, source, result.frame, params, inbox_file.path.name)
        result.release_frame()
        verslag[source] = entry
    from data_contracts.validate import forget_reference

    forget_reference()  # the prepared BAG identifiers were only needed for these checks
    del hoofdadressen
    if refused:
        raise MaandGeweigerd(maand, [m for r in refused for m in r.meldingen()], refused + [bag] + [r for r in results.values() if not r.geweigerd])
    record_sources(con, maand, verslag)
    return verslag


# The month's BAG addresses the other registers are checked against: every hoofdadres (with the CBS
# woning flag) and every nevenadres (never a woning of its own), with the object that carries it.
REFERENCE_SQL = """
SELECT nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id, identificatie AS verblijfsobject_id, is_woning
FROM staging.bag_verblijfsobject WHERE maand = $maand
UNION ALL
SELECT n.nummeraanduiding_id, n.verblijfsobject_id, false AS is_woning
FROM staging.bag_nevenadres AS n
JOIN staging.bag_verblijfsobject AS v ON v.maand = n.maand AND v.identificatie = n.verblijfsobject_id
WHERE n.maand = $maand
"""


def store_bag_extras(con, params: dict, levering) -> dict[str, int]:
    """staging.bag_pand and staging.bag_nevenadres of the month from the BAG delivery (empty when
    it has none, as the canonical CSV); after staging.bag_verblijfsobject. Returns their rows."""
    import pyarrow as pa

    panden = getattr(levering, "panden", None)
    if panden is None:
        panden = pa.table({"identificatie": pa.array([], pa.string()), "bouwjaar": pa.array([], pa.int64()),
                           "status": pa.array([], pa.string()), "geometrie_wkb": pa.array([], pa.binary())})
    nevenadressen = getattr(levering, "nevenadressen", None)
    if nevenadressen is None:
        nevenadressen = pa.table({"verblijfsobject_id": pa.array([], pa.string()),
                                  "nummeraanduiding_id": pa.array([], pa.string())})
    return {
        "staging.bag_pand": replace_month(con, "staging.bag_pand", params, frames={"panden": panden}),
        "staging.bag_nevenadres": replace_month(con, "staging.bag_nevenadres", params,
                                                frames={"nevenadressen": nevenadressen}),
    }


def set_aside_unknown_reasons(result, redenen: tuple[str, ...]) -> None:
    """Move decisions whose reason is not in besluiten.redenen (instellingen.yaml) from the
    accepted rows to the contract's quarantine (the contract only knows the reason's form)."""
    frame = result.frame
    reden = frame["reden"]
    unknown = (reden.notna() & ~reden.isin(list(redenen))).fillna(False).to_numpy(dtype=bool)
    if not unknown.any():
        return
    rows = pd.DataFrame({
        "bestand": pd.array([result.bestand] * int(unknown.sum()), dtype="string"),
        "rij": pd.array(frame["rij"].to_numpy()[unknown], dtype="Int64"),
        "kolom": pd.array(["reden"] * int(unknown.sum()), dtype="string"),
        "waarde": reden[unknown].astype("string").array,
        "reden": pd.array(["reden staat niet in de lijst besluiten.redenen van instellingen.yaml"] * int(unknown.sum()), dtype="string"),
    })
    result.quarantaine = rows if result.quarantaine is None or result.quarantaine.empty else pd.concat(
        [result.quarantaine, rows], ignore_index=True)
    result.frame = frame[~unknown].reset_index(drop=True)


def _buurtcodes(frame: pd.DataFrame, in_gemeente: np.ndarray, buurten: pd.DataFrame):
    """The CBS buurtcode of each row of `frame` (by its RD point), as an Arrow array beside the
    frame's rows: null for rows outside the gemeente or outside every buurt. A column of
    `ontvangen`, not a table joined on identificatie (a join over ten million objects)."""
    import pyarrow as pa

    selected = frame.loc[in_gemeente] if not in_gemeente.all() else frame
    index = buurt_index(selected["x"].to_numpy(dtype="float64", na_value=np.nan),
                        selected["y"].to_numpy(dtype="float64", na_value=np.nan), buurten)
    positions = np.full(len(frame), -1, dtype="int64")
    positions[np.flatnonzero(in_gemeente)] = index
    codes = pa.array(buurten["buurtcode"].astype(str).tolist(), pa.string())
    if not len(codes):
        return pa.nulls(len(frame), pa.string())
    return codes.take(pa.array(positions, mask=positions < 0))


def _arrow_frame(table) -> pd.DataFrame:
    """A pandas frame over an Arrow table, text kept Arrow-backed (no Python string per value)."""
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
