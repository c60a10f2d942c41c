"""Ingest layer: inbox files -> contract check -> raw.* -> staging.* (one month at a time).

Everything happens inside the caller's transaction. Every file of the month is checked against
its contract before the month is published; one refused file refuses the month (raises
`MaandGeweigerd`) and the caller rolls back, so the data tables stay exactly as they were.
Rows that do not match another register are kept aside in staging.quarantaine.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from assets.ingest.buurten import buurten_table, join_buurten, read_buurten  # noqa: F401 (join_buurten: public)
from assets.warehouse import replace_month
from data_contracts.contract import SOURCES as CONTRACT_SOURCES
from assets.settings import Settings

# Every contract source except the yearly victim figures, in load order (BAG first).
MONTHLY_SOURCES = tuple(s for s in CONTRACT_SOURCES if s != "slachtoffers")
REQUIRED_SOURCES = ("bag_verblijfsobject", "brp_adrestellingen", "kvk_vestigingen")
INBOX_FOLDER = {
    "bag_verblijfsobject": "bag",
    "brp_adrestellingen": "brp",
    "rni_inschrijvingen": "rni",
    "kvk_vestigingen": "kvk",
    "woz_gebruik": "woz",
    "signalen": "signalen",
    "controles": "signalen",
    "slachtoffers": "slachtoffers",
}
# Sources whose address must be a hoofdadres of the month's BAG (else the row is quarantined).
REFERENTIAL = ("brp_adrestellingen", "rni_inschrijvingen", "signalen", "controles")
SBI_VERSIE = "SBI 2008"


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


def sbi_prefixes(path: Path) -> pd.DataFrame:
    """The SBI risk table as (categorie, soort, prefix) rows; ranges become their divisions."""
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("actief", "J").strip().upper() != "J":
                continue
            prefix = row["sbi2008_prefix"].strip()
            if "-" in prefix:
                low, high = (int(p) for p in prefix.split("-"))
                prefixes = [f"{d:02d}" for d in range(low, high + 1)]
            else:
                prefixes = [prefix.replace(".", "")]
            rows += [{"categorie": row["categorie"], "soort": row["soort"], "prefix": p} for p in prefixes]
    return pd.DataFrame(rows, columns=["categorie", "soort", "prefix"])


def month_files(settings: Settings, maand: str) -> dict:
    """The inbox file of each monthly source for `maand` (latest wins), by source."""
    from data_contracts import scan_inbox

    return {f.source: f for f in scan_inbox(settings.inbox) if f.usable and f.maand == maand and f.source in MONTHLY_SOURCES}


def _unregister(con, name: str) -> None:
    """Drop a registered frame; quietly, so an aborted transaction keeps its own error."""
    try:
        con.unregister(name)
    except duckdb.Error:
        pass


def _write_raw(con, source: str, frame: pd.DataFrame, maand: str, bestand: str) -> None:
    """Replace the month's rows of raw.<source> with the accepted rows, plus `maand` and `bestand`.

    The frame goes to DuckDB as an Arrow table (its Arrow-backed text columns without a copy);
    ten million rows through pandas' object path would cost half a minute.
    """
    import pyarrow as pa

    # RNI carries its own `maand` column (checked by the contract)
    added = {"bestand": bestand} if source == "rni_inschrijvingen" else {"maand": maand, "bestand": bestand}
    replaced = [c for c in frame.columns if c in added]
    data = pa.Table.from_pandas(frame.drop(columns=replaced) if replaced else frame, preserve_index=False)
    select = "SELECT *, " + ", ".join(f"${c}::VARCHAR AS {c}" for c in added) + " FROM _raw_frame"
    con.register("_raw_frame", data)
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{source} AS {select} LIMIT 0", added)
        con.execute(f"DELETE FROM raw.{source} WHERE maand = $maand", {"maand": maand})
        con.execute(f"INSERT INTO raw.{source} BY NAME {select}", added)
    finally:
        _unregister(con, "_raw_frame")


def _write_quarantine(con, source: str, maand: str, quarantaine: pd.DataFrame | None) -> int:
    con.execute("DELETE FROM staging.quarantaine WHERE maand = $maand AND bron = $bron", {"maand": maand, "bron": source})
    if quarantaine is None or quarantaine.empty:
        return 0
    rows = quarantaine.assign(maand=maand, bron=source)
    rows = rows[["maand", "bron", "bestand", "rij", "kolom", "waarde", "reden"]].astype(
        {"waarde": "string", "kolom": "string", "reden": "string", "bestand": "string"}
    )
    con.register("_q", rows)
    try:
        con.execute("INSERT INTO staging.quarantaine BY NAME SELECT * FROM _q")
    finally:
        _unregister(con, "_q")
    return len(rows)


def _validate(path: Path, source: str, settings: Settings, **context):
    from data_contracts import validate_file  # lazy: pulls in great-expectations

    return validate_file(path, source, gemeente=settings.gemeentecode, **context)


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
    bag = _validate(files["bag_verblijfsobject"].path, "bag_verblijfsobject", settings)
    bag.sha256 = files["bag_verblijfsobject"].sha256  # audit.validatielog: which file, refused or not
    if bag.geweigerd:
        raise MaandGeweigerd(maand, bag.meldingen(), [bag])
    frame = bag.frame
    in_gemeente = (
        pd.Series(True, index=frame.index)
        if settings.gemeentecode == "*"
        else (frame["bronhouder_identificatie"] == settings.gemeentecode).fillna(False).astype(bool)
    )
    buurten = read_buurten(str(settings.buurten_path))
    bag_buurt = _bag_buurt(frame, in_gemeente.to_numpy(), buurten)
    _write_raw(con, "bag_verblijfsobject", frame, maand, files["bag_verblijfsobject"].path.name)
    con.register("bag_buurt", bag_buurt)
    try:
        n_bag = replace_month(con, "staging.bag_verblijfsobject", {**params, "gemeente": settings.gemeentecode})
    finally:
        _unregister(con, "bag_buurt")
    verslag["bag_verblijfsobject"] = BronVerslag(
        bron="bag_verblijfsobject",
        bestand=files["bag_verblijfsobject"].path.name,
        sha256=files["bag_verblijfsobject"].sha256,
        rijen=len(frame),
        geaccepteerd=n_bag,
        andere_gemeente=int((~in_gemeente).sum()),
        waarschuwingen=list(bag.waarschuwingen),
        result=bag,
    )

    hoofdadressen = _arrow_frame(con.sql(
        "SELECT nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id, is_woning "
        "FROM staging.bag_verblijfsobject WHERE maand = $maand",
        params={"maand": maand},
    ).to_arrow_table())
    vorige = con.execute(
        "SELECT sum(ingeschrevenen) AS ingeschrevenen, count(*) AS rijen FROM staging.brp_adrestellingen "
        "WHERE maand = $vorige_maand",
        {"vorige_maand": params["vorige_maand"]},
    ).fetchall()[0]
    vorige_brp = {"ingeschrevenen": int(vorige[0]), "rijen": int(vorige[1])} if vorige[1] else None

    _write_quarantine(con, "bag_verblijfsobject", maand, bag.quarantaine)
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
        result = results[source] = _validate(files[source].path, source, settings, **context)
        result.sha256 = files[source].sha256
        if result.geweigerd or refused:
            refused += [result] if result.geweigerd else []
            result.release_frame()
            continue
        inbox_file = files[source]
        _write_raw(con, source, result.frame, maand, inbox_file.path.name)
        n_quarantine = _write_quarantine(con, source, maand, result.quarantaine)
        entry = BronVerslag(
            bron=source,
            bestand=inbox_file.path.name,
            sha256=inbox_file.sha256,
            rijen=len(result.frame) + n_quarantine,
            quarantaine=n_quarantine,
            waarschuwingen=list(result.waarschuwingen),
            result=result,
        )
        result.release_frame()
        if source == "kvk_vestigingen":
            entry.geaccepteerd, unmatched, entry.matchpercentage = _load_kvk(con, params, sbi)
            entry.quarantaine += unmatched
        else:
            entry.geaccepteerd = replace_month(con, f"staging.{source}", params)
        verslag[source] = entry
    from data_contracts.validate import forget_reference

    forget_reference()  # the prepared BAG identifiers were only needed for these checks
    del hoofdadressen
    if refused:
        raise MaandGeweigerd(maand, [m for r in refused for m in r.meldingen()], refused + [bag] + [r for r in results.values() if not r.geweigerd])
    _record_sources(con, maand, verslag)
    return verslag


def _bag_buurt(frame: pd.DataFrame, in_gemeente, buurten: pd.DataFrame):
    """(identificatie, buurtcode) of the gemeente's objects as an Arrow table for the staging SQL."""
    import numpy as np
    import pyarrow as pa

    from assets.ingest.buurten import buurt_index

    selected = frame.loc[in_gemeente] if not in_gemeente.all() else frame
    index = buurt_index(selected["x"].to_numpy(dtype="float64", na_value=np.nan),
                        selected["y"].to_numpy(dtype="float64", na_value=np.nan), buurten)
    codes = pa.array(buurten["buurtcode"].astype(str).tolist(), pa.string())
    buurtcode = codes.take(pa.array(index, mask=index < 0)) if len(codes) else pa.nulls(len(index), pa.string())
    return pa.table({"identificatie": pa.Table.from_pandas(selected[["identificatie"]], preserve_index=False)["identificatie"],
                     "buurtcode": buurtcode})


def _arrow_frame(table) -> pd.DataFrame:
    """A pandas frame over an Arrow table, text kept Arrow-backed (no Python string per value)."""
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


def _load_kvk(con, params: dict, sbi: pd.DataFrame) -> tuple[int, int, float | None]:
    """Match establishments to BAG objects; matched rows to staging, the rest to quarantine."""
    from assets.warehouse import bind, sql_file

    sql = sql_file("staging.kvk_vestigingen").read_text(encoding="utf-8")
    con.register("sbi_risico", sbi)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE kvk_gematcht AS {sql}",
            bind(sql, {**params, "sbi_versie": SBI_VERSIE}),
        )
    finally:
        _unregister(con, "sbi_risico")
    maand = params["maand"]
    con.execute("DELETE FROM staging.kvk_vestigingen WHERE maand = $maand", {"maand": maand})
    con.execute(
        "INSERT INTO staging.kvk_vestigingen BY NAME "
        "SELECT * EXCLUDE (bestand, rij) FROM kvk_gematcht WHERE bag_verblijfsobject_id IS NOT NULL"
    )
    con.execute(
        """
        INSERT INTO staging.quarantaine BY NAME
        SELECT maand, 'kvk_vestigingen' AS bron, bestand, rij,
               CASE WHEN nullif(trim(verblijfsobject_id), '') IS NOT NULL THEN 'verblijfsobject_id'
                    ELSE 'postcode, huisnummer, huisletter, huisnummer_toevoeging' END AS kolom,
               coalesce(nullif(trim(verblijfsobject_id), ''),
                        concat_ws(' ', postcode, huisnummer::VARCHAR, huisletter, huisnummer_toevoeging)) AS waarde,
               'Vestiging ' || vestigingsnummer || ': adres niet gevonden in de BAG van deze maand '
                 || '(ook niet na normaliseren van postcode, huisletter en toevoeging)' AS reden
        FROM kvk_gematcht WHERE bag_verblijfsobject_id IS NULL
        """
    )
    matched, unmatched, address_rows, address_matched = con.execute(
        """
        SELECT count(*) FILTER (WHERE bag_verblijfsobject_id IS NOT NULL),
               count(*) FILTER (WHERE bag_verblijfsobject_id IS NULL),
               count(*) FILTER (WHERE nullif(trim(verblijfsobject_id), '') IS NULL),
               count(*) FILTER (WHERE nullif(trim(verblijfsobject_id), '') IS NULL AND matchwijze = 'adres')
        FROM kvk_gematcht
        """
    ).fetchall()[0]
    con.execute("DROP TABLE kvk_gematcht")
    rate = round(100.0 * address_matched / address_rows, 2) if address_rows else None
    return int(matched), int(unmatched), rate


def _record_sources(con, maand: str, verslag: dict[str, BronVerslag]) -> None:
    con.execute("DELETE FROM audit.bronnen_maand WHERE maand = $maand", {"maand": maand})
    rows = pd.DataFrame(
        [
            {
                "maand": maand,
                "bron": v.bron,
                "bestand": v.bestand,
                "sha256": v.sha256,
                "rijen": v.rijen,
                "geaccepteerd": v.geaccepteerd,
                "quarantaine": v.quarantaine,
                "andere_gemeente": v.andere_gemeente,
                "matchpercentage": v.matchpercentage,
                "waarschuwingen": json.dumps(v.waarschuwingen, ensure_ascii=False),
            }
            for v in verslag.values()
        ]
    )
    con.register("_bronnen", rows)
    try:
        con.execute("INSERT INTO audit.bronnen_maand BY NAME SELECT * FROM _bronnen")
    finally:
        _unregister(con, "_bronnen")


def log_validations(con, results: list, maand: str | None, run_id: str | None) -> None:
    """Append one row per checked file to audit.validatielog (own transaction or caller's)."""
    import datetime as dt

    rows = []
    for r in results:
        if r is None:
            continue
        rows.append(
            {
                "tijdstip": dt.datetime.now(),
                "bron": r.source,
                "maand": r.maand or maand,
                "bestand": str(getattr(r, "bestand", "") or ""),
                "sha256": getattr(r, "sha256", None),
                "uitkomst": "geweigerd" if r.geweigerd else "geaccepteerd",
                "rijen": int(getattr(r, "rijen_geaccepteerd", 0) or 0),
                "quarantaine": 0 if r.quarantaine is None else len(r.quarantaine),
                "waarschuwingen": json.dumps(list(r.waarschuwingen), ensure_ascii=False),
                "bevindingen": json.dumps(r.meldingen(), ensure_ascii=False),
                "run_id": run_id,
            }
        )
    if not rows:
        return
    con.register("_log", pd.DataFrame(rows))
    try:
        con.execute("INSERT INTO audit.validatielog BY NAME SELECT * FROM _log")
    finally:
        _unregister(con, "_log")


def load_reference(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Replace staging.cbs_buurten from the configured buurten file."""
    table = buurten_table(settings.buurten_path)
    con.register("_buurten", table)
    try:
        con.execute("DELETE FROM staging.cbs_buurten")
        con.execute("INSERT INTO staging.cbs_buurten BY NAME SELECT * FROM _buurten")
    finally:
        _unregister(con, "_buurten")
    return len(table)


def reference_paths(settings: Settings) -> list[Path]:
    """Every file the reference job (buurten, slachtoffers, algoritmebeschrijving) reads."""
    from assets.settings import REFERENCE_DIR

    return [
        settings.buurten_path,
        *sorted(REFERENCE_DIR.glob("slachtoffers_*.csv")),
        *sorted((settings.inbox / "slachtoffers").glob("slachtoffers_*.csv")),
        settings.indicatoren_path,
        settings.instellingen_path,
        settings.data / "referentie" / "gemeente.txt",
    ]


def reference_fingerprint(settings: Settings) -> str:
    """SHA-256 over the reference job's input files and the code that loads them. Stored with
    each reference materialization; `risicoradar run` skips the job while it is unchanged."""
    import hashlib

    from assets.settings import PROJECT_DIR

    code = [PROJECT_DIR / f for f in ("assets/ingest/__init__.py", "assets/ingest/buurten.py", "assets/scoring/algoritmeregister.py",
                                      "assets/scoring/config.py", "data_contracts/slachtoffers.py")]
    digest = hashlib.sha256()
    for path in [*reference_paths(settings), *code]:
        digest.update(str(path.name).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<ontbreekt>")
        digest.update(b"\0")
    return digest.hexdigest()


# --- Dagster: the tables this layer produces ---------------------------------------------
import dagster as dg  # noqa: E402
from dagster_duckdb import DuckDBResource  # noqa: E402

from assets.resources import DataFolder  # noqa: E402

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
}


def specs() -> list[dg.AssetSpec]:
    bag_key = dg.AssetKey(["staging", "bag_verblijfsobject"])
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
                deps=[] if source == "bag_verblijfsobject" else [bag_key],
            )
        )
    out.append(
        dg.AssetSpec(
            dg.AssetKey(["staging", "quarantaine"]),
            description="Rijen die niet aansluiten op een ander register (adres niet in de BAG van de maand, vestiging zonder BAG-object), met bestand, rij, kolom en reden.",
            group_name="ingest",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=[dg.AssetKey(["staging", s]) for s in MONTHLY_SOURCES],
        )
    )
    return out


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CONTRACT_CHECK,
            asset=dg.AssetKey(["staging", source]),
            description="Het inboxbestand voldoet aan zijn datacontract (data_contracts/). Waarschuwing bij quarantaine of ontbrekend optioneel bestand.",
        )
        for source in MONTHLY_SOURCES
    ]


@dg.asset(
    key=["staging", "cbs_buurten"],
    group_name="ingest",
    owners=OWNERS,
    kinds={"duckdb", "geopandas"},
    pool="duckdb_writer",
    description="CBS-buurten van de gemeente (CBS/PDOK, CC BY 4.0): code, naam en geometrie voor kaarten. Referentie, niet per maand.",
)
def cbs_buurten(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder) -> dg.MaterializeResult:
    from assets.warehouse import connect

    settings = data_folder.settings()
    with connect(duckdb) as con:
        con.execute("BEGIN TRANSACTION")
        n = load_reference(con, settings)
        con.execute("COMMIT")
        preview = con.execute("SELECT buurtcode, buurtnaam FROM staging.cbs_buurten ORDER BY 1 LIMIT 25").df()
    return dg.MaterializeResult(
        metadata={"rijen": n, "bron": str(settings.buurten_path.name), "voorbeeld": dg.MetadataValue.md(preview.to_markdown(index=False)),
                  "vingerafdruk": reference_fingerprint(settings)}
    )


@dg.asset(
    key=["staging", "slachtoffers"],
    group_name="ingest",
    owners=OWNERS,
    kinds={"duckdb"},
    pool="duckdb_writer",
    description="Slachtofferaantallen SHOP/CoMensha per jaar en uitbuitingsvorm (lang formaat). Bevat altijd Tabel 1 van het beleid (SHOP, Hollands Midden 2018-2022) plus alle bestanden in inbox/slachtoffers/.",
)
def slachtoffers(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder) -> dg.MaterializeResult:
    from data_contracts import validate_slachtoffers

    from assets.warehouse import connect
    from assets.settings import REFERENCE_DIR

    settings = data_folder.settings()
    paths = sorted(REFERENCE_DIR.glob("slachtoffers_*.csv")) + sorted((settings.inbox / "slachtoffers").glob("slachtoffers_*.csv"))
    result = validate_slachtoffers(paths)
    with connect(duckdb) as con:
        if result.geweigerd:
            log_validations(con, [result], None, context.run_id)
            raise dg.Failure(description="\n".join(result.meldingen()), metadata={"bestanden": [p.name for p in paths]})
        con.execute("BEGIN TRANSACTION")
        con.register("_slachtoffers", result.frame[["bron", "regio", "jaar", "uitbuitingsvorm", "aantal"]])
        con.execute("DELETE FROM staging.slachtoffers")
        con.execute("INSERT INTO staging.slachtoffers BY NAME SELECT * FROM _slachtoffers")
        con.unregister("_slachtoffers")
        log_validations(con, [result], None, context.run_id)
        con.execute("COMMIT")
        totals = con.execute(
            "SELECT bron, regio, jaar, sum(aantal) AS totaal FROM staging.slachtoffers GROUP BY ALL ORDER BY ALL"
        ).df()
    return dg.MaterializeResult(
        metadata={
            "rijen": len(result.frame),
            "bestanden": dg.MetadataValue.json([p.name for p in paths]),
            "totalen_per_jaar": dg.MetadataValue.md(totals.to_markdown(index=False)),
            "vingerafdruk": reference_fingerprint(settings),
        }
    )
