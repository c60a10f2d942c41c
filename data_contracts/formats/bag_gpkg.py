"""PDOK's BAG GeoPackage (`bag-light.gpkg`) as the canonical BAG table.

The national file holds ~10 million verblijfsobject rows (~7.5 GB). Only the gemeente's rows
are read: the `bronhouder_identificatie` filter goes into GDAL's read (`where`), so one
gemeente's month needs a fraction of the file in memory (see tests/benchmarks/bench_gpkg.py).

The layer as published carries address fields flattened onto each object and one row per pand
the object lies in. A verblijfsobject in several panden is one object: the row of the pand
with the **lowest pand identificatie** is kept (with that pand's bouwjaar), the other panden
are named in a warning. Rows of one identificatie that differ in anything else than the pand
stay, so the contract refuses them as a duplicate key. An address without a postcode is kept.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyarrow as pa

from data_contracts.contract import load_contract
from data_contracts.formats._common import (
    Delivery,
    canonical_table,
    check_delivered_columns,
    check_gemeente_code,
    ids_as_text,
    month_from_date,
    refuse,
)
from data_contracts.reading import Refused

FORMAT = "pdok_bag_gpkg"
LABEL = "PDOK BAG GeoPackage"
LAYER = "verblijfsobject"
PAND_LAYER = "pand"
DOWNLOAD_NAMES = ("bag-light.gpkg",)

# The columns of PDOK's verblijfsobject layer (besides the FID feature_id and the geometry geom).
PUBLISHED_COLUMNS = (
    "rdf_seealso", "identificatie", "oppervlakte", "status", "gebruiksdoel", "openbare_ruimte_naam",
    "openbare_ruimte_naam_kort", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats_naam",
    "bouwjaar", "pand_identificatie", "pandstatus", "nummeraanduiding_hoofdadres_identificatie",
    "openbare_ruimte_identificatie", "woonplaats_identificatie", "bronhouder_identificatie",
)
# Columns only PDOK's layer has (the canonical GeoPackage of the contract does not).
MARKERS = {"openbare_ruimte_identificatie", "woonplaats_identificatie"}
PAND_COLUMNS = ("identificatie", "bouwjaar", "status")
PAND_MARGIN = 250.0  # metres around the gemeente's objects in which its panden are looked up

ADVIES = "Download de BAG GeoPackage opnieuw bij PDOK (bag-light.gpkg) en zet hem ongewijzigd in de inbox."


def gpkg_layers(path: Path) -> dict[str, str]:
    """Layer name -> data type ('features', 'attributes') from gpkg_contents; {} when not a GeoPackage."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return {}
        con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro&immutable=1", uri=True)
        try:
            return dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return {}


def layer_columns(path: Path, layer: str) -> list[str]:
    con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro&immutable=1", uri=True)
    try:
        return [row[1] for row in con.execute("SELECT * FROM pragma_table_info(?)", (layer,)).fetchall()]
    finally:
        con.close()


def recognise(path: Path) -> bool:
    """A GeoPackage named as PDOK's download, or with PDOK's verblijfsobject layer."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        return False
    if path.name.lower() in DOWNLOAD_NAMES:
        return True
    layers = gpkg_layers(path)
    return LAYER in layers and MARKERS <= set(layer_columns(path, LAYER))


def last_change(path: Path) -> str | None:
    """gpkg_contents.last_change of the verblijfsobject layer (ISO timestamp), or None."""
    try:
        con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro&immutable=1", uri=True)
        try:
            row = con.execute("SELECT last_change FROM gpkg_contents WHERE table_name = ?", (LAYER,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def month_of_delivery(path: Path) -> tuple[str | None, str]:
    """(maand, reden) from the GeoPackage's own metadata."""
    stamp = last_change(path)
    maand = month_from_date(stamp or "")
    if maand is None:
        return None, "de GeoPackage noemt geen datum (gpkg_contents.last_change ontbreekt)"
    return maand, f"datum van de GeoPackage zelf (gpkg_contents.last_change = {stamp})"


def read(path: Path, *, gemeente: str, panden: bool = True) -> Delivery:
    """The gemeente's verblijfsobjecten of a PDOK BAG GeoPackage as the canonical table.

    Refused (Dutch findings) when the layer is missing, a column points at person data or free
    text, a canonical column is missing, or no row belongs to the gemeente.
    """
    from pyogrio.raw import read_arrow

    path = Path(path)
    name = path.name
    gemeente = check_gemeente_code(gemeente)
    contract = load_contract("bag_verblijfsobject")
    layers = gpkg_layers(path)
    if LAYER not in layers:
        shown = ", ".join(layers) if layers else "geen: het bestand is geen leesbare GeoPackage"
        raise refuse(name, "GeoPackage met laag verblijfsobject",
                     f"de GeoPackage heeft geen laag '{LAYER}' (lagen: {shown})", ADVIES)
    columns = layer_columns(path, LAYER)
    wanted = [c for c in contract.columns if c not in ("x", "y")]
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise refuse(name, "kolommen van de PDOK BAG GeoPackage aanwezig",
                     f"de laag verblijfsobject mist kolom(men) {', '.join(missing)}", ADVIES)

    where = None if gemeente == "*" else f"bronhouder_identificatie = '{gemeente}'"  # 4 digits, checked above
    try:
        meta, table = read_arrow(path, layer=LAYER, where=where, return_fids=True)
        total = _feature_count(path)
    except Exception as exc:  # noqa: BLE001 - any GDAL error means the file is unreadable
        raise refuse(name, "leesbare GeoPackage", f"de laag verblijfsobject kan niet gelezen worden ({type(exc).__name__})",
                     ADVIES) from None
    geometry = meta.get("geometry_name") or "wkb_geometry"
    fid = next((c for c in (meta.get("fid_column"), "OGC_FID") if c and c in table.column_names), None)
    attributes = table.drop_columns([c for c in (geometry, fid) if c and c in table.column_names])
    if table.num_rows == 0:
        raise refuse(name, f"verblijfsobjecten van gemeente {gemeente}",
                     f"geen enkele rij heeft bronhouder_identificatie {gemeente} (wel: {_some_codes(path)})",
                     "Controleer of dit de BAG van de juiste gemeente is en of de gemeentecode in de instellingen klopt.",
                     kolom="bronhouder_identificatie")
    warnings = check_delivered_columns(name, attributes, set(PUBLISHED_COLUMNS), set(wanted))
    attributes, id_warnings = ids_as_text(attributes.select(wanted), contract)
    warnings += id_warnings

    x, y = _points(table.column(geometry) if geometry in table.column_names else None, table.num_rows)
    rij = table.column(fid) if fid else pa.array(np.arange(1, table.num_rows + 1))
    rows = attributes.append_column("x", pa.array(x)).append_column("y", pa.array(y)).append_column("rij", rij.cast(pa.int64()))
    canonical, several = _one_row_per_object(rows, list(contract.columns))
    delivery = Delivery(
        format=FORMAT, label=LABEL,
        table=canonical_table(canonical, contract, "gpkg", canonical.column("rij")),
        waarschuwingen=warnings,
    )
    other = max(total - table.num_rows, 0) if total is not None else None
    if gemeente != "*" and other is not None:
        delivery.kengetallen["andere_gemeente"] = other
        if other:
            delivery.waarschuwingen.append(
                f"{other} rijen van andere gemeenten (bronhouder_identificatie ≠ {gemeente}) zijn bij het lezen "
                "overgeslagen."
            )
    delivery.kengetallen["meerdere_panden"] = len(several)
    if len(several):
        delivery.waarschuwingen.append(several_panden_warning(several))
    if panden and PAND_LAYER in layers:
        delivery.panden = read_panden(path, rows.column("pand_identificatie"), x, y)
    return delivery


def several_panden_warning(several: pa.Table) -> str:
    """Dutch warning naming objects in several panden (identificatie, gekozen_pand, andere_panden)."""
    examples = []
    for row in several.slice(0, 10).to_pylist():
        examples.append(f"{row['identificatie']} (pand {row['gekozen_pand']}; ook in {', '.join(row['andere_panden'])})")
    more = f" en {len(several) - 10} andere" if len(several) > 10 else ""
    return (
        f"{len(several)} verblijfsobject(en) liggen in meer dan één pand: per object is het pand met het laagste "
        f"pandnummer gebruikt (met zijn bouwjaar), de andere panden staan hier: {'; '.join(examples)}{more}."
    )


def _one_row_per_object(rows: pa.Table, columns: list[str]) -> tuple[pa.Table, pa.Table]:
    """One row per object: rows equal but for the pand collapse to the lowest pand id (DuckDB SQL)."""
    import duckdb

    object_columns = [c for c in columns if c not in ("pand_identificatie", "bouwjaar")]
    partition = ", ".join(f'"{c}"' for c in object_columns)
    con = duckdb.connect()
    try:
        con.register("rows_in", rows)
        con.execute(f"""
            CREATE TEMP TABLE ranked AS
            SELECT *,
                   row_number() OVER w AS volgorde,
                   list(pand_identificatie) OVER w AS panden
            FROM rows_in
            WINDOW w AS (PARTITION BY {partition} ORDER BY pand_identificatie NULLS LAST, rij
                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        """)
        kept = con.sql(f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)}, rij FROM ranked "
                       "WHERE volgorde = 1 ORDER BY rij").to_arrow_table()
        several = con.sql(
            "SELECT identificatie, pand_identificatie AS gekozen_pand, list_filter(panden[2:], lambda p: p IS NOT NULL) AS andere_panden "
            "FROM ranked WHERE volgorde = 1 AND len(panden) > 1 ORDER BY identificatie"
        ).to_arrow_table()
    finally:
        con.close()
    return kept, several


def _points(wkb: pa.ChunkedArray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    if wkb is None:
        return np.full(n, np.nan), np.full(n, np.nan)
    geoms = shapely.from_wkb(wkb.to_numpy(zero_copy_only=False))
    kind = shapely.get_type_id(geoms)
    # A point stays itself; any other shape (not in PDOK's layer) gets a point inside it.
    other = (kind != 0) & ~shapely.is_missing(geoms)
    if other.any():
        geoms[other] = shapely.point_on_surface(geoms[other])
    return shapely.get_x(geoms), shapely.get_y(geoms)


def _feature_count(path: Path) -> int | None:
    import pyogrio

    count = pyogrio.read_info(path, layer=LAYER).get("features")
    return int(count) if count is not None and count >= 0 else None


def _some_codes(path: Path) -> str:
    from pyogrio.raw import read_arrow

    _, table = read_arrow(path, layer=LAYER, columns=["bronhouder_identificatie"], read_geometry=False, max_features=10000)
    codes = [c for c in dict.fromkeys(table.column(0).to_pylist()) if c][:3]
    return ", ".join(codes) if codes else "geen"


def read_panden(path: Path, pand_ids: pa.ChunkedArray, x: np.ndarray, y: np.ndarray) -> pa.Table:
    """Footprints of the panden the objects lie in (all panden of each object, not only the kept one).

    The pand layer has no bronhouder: it is read inside the objects' bounding box (the
    GeoPackage's spatial index makes that a small read) and kept to the panden the objects name.
    """
    import pyarrow.compute as pc
    from pyogrio.raw import read_arrow

    ids = pc.unique(pc.drop_null(pand_ids))
    valid = ~(np.isnan(x) | np.isnan(y))
    empty = pa.table({"identificatie": pa.array([], pa.string()), "bouwjaar": pa.array([], pa.int64()),
                      "status": pa.array([], pa.string()), "geometrie_wkb": pa.array([], pa.binary())})
    if len(ids) == 0 or not valid.any():
        return empty
    bbox = (float(x[valid].min()) - PAND_MARGIN, float(y[valid].min()) - PAND_MARGIN,
            float(x[valid].max()) + PAND_MARGIN, float(y[valid].max()) + PAND_MARGIN)
    meta, table = read_arrow(path, layer=PAND_LAYER, bbox=bbox, columns=list(PAND_COLUMNS))
    geometry = meta.get("geometry_name") or "wkb_geometry"
    table = table.filter(pc.is_in(table.column("identificatie"), value_set=ids))
    return pa.table({
        "identificatie": table.column("identificatie"),
        "bouwjaar": table.column("bouwjaar").cast(pa.int64()),
        "status": table.column("status"),
        "geometrie_wkb": table.column(geometry).cast(pa.binary()),
    })


__all__ = ["FORMAT", "LABEL", "read", "recognise", "month_of_delivery", "read_panden", "Refused"]
