"""The registers' real delivery formats, recognised at the door and read into the canonical table.

Registry of formats: a name, a Dutch label ("herkend als …"), the contract source it feeds, how
a file is recognised and its reader. The BAG readers return a `Delivery` whose `table` is the
canonical table as text (`RawTable`), so the contract's own checks (`validate.py`) run on it
unchanged; `validate_delivery` runs them until `validate_file` dispatches here itself.

    from data_contracts.formats import recognise, validate_delivery
    fmt = recognise(path)                      # Format or None (a canonical file)
    result, delivery = validate_delivery(path, gemeente="0638", maand="2026-10")
    print(delivery.label, delivery.maand, delivery.maand_reden)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from data_contracts.formats import bag_gpkg, cbs_buurten, lvbag
from data_contracts.formats._common import Delivery
from data_contracts.reading import MONTH_IN_NAME, Refused


@dataclass(frozen=True)
class Format:
    name: str
    label: str  # as shown: f"herkend als {label}"
    source: str  # the contract it feeds ('bag_verblijfsobject'), or 'cbs_buurten' (reference data)
    recognise: Callable[[Path], bool]
    read: Callable
    month_of_delivery: Callable[[Path], tuple[str | None, str]] | None = None

    @property
    def herkend(self) -> str:
        return f"herkend als {self.label}"


FORMATS: tuple[Format, ...] = (
    Format(bag_gpkg.FORMAT, bag_gpkg.LABEL, "bag_verblijfsobject", bag_gpkg.recognise, bag_gpkg.read,
           bag_gpkg.month_of_delivery),
    Format(lvbag.FORMAT, lvbag.LABEL, "bag_verblijfsobject", lvbag.recognise, lvbag.read, lvbag.month_of_delivery),
    Format(cbs_buurten.FORMAT, cbs_buurten.LABEL, "cbs_buurten", cbs_buurten.recognise, cbs_buurten.read),
)
BY_NAME = {f.name: f for f in FORMATS}


def recognise(path: Path, source: str | None = None) -> Format | None:
    """The real format of `path` (optionally only among the formats of `source`), or None."""
    path = Path(path)
    for fmt in FORMATS:
        if source is not None and fmt.source != source:
            continue
        if fmt.recognise(path):
            return fmt
    return None


def month_of_delivery(path: Path, maand: str | None = None) -> tuple[str | None, str]:
    """(maand, reden) of a delivery: the run's month (--maand) first, then the file name, then the
    file's own metadata (a GeoPackage's gpkg_contents.last_change, an extract's standdatum)."""
    path = Path(path)
    if maand:
        return maand, "maand van de run (--maand)"
    match = MONTH_IN_NAME.search(path.stem)
    if match:
        return f"{match.group(1)}-{match.group(2)}", "maand in de bestandsnaam"
    fmt = recognise(path)
    if fmt is not None and fmt.month_of_delivery is not None:
        return fmt.month_of_delivery(path)
    return None, "geen maand: niet in de bestandsnaam en niet in het bestand zelf"


def inbox_entry(path: Path) -> tuple[str, str | None, str, Format] | None:
    """(source, maand, reden, format) for a real delivery in the inbox that `parse_inbox_path`
    does not know by name (e.g. inbox/bag/bag-light.gpkg), or None."""
    fmt = recognise(path)
    if fmt is None or fmt.source == "cbs_buurten":
        return None
    maand, reden = month_of_delivery(path)
    return fmt.source, maand, reden, fmt


def read_delivery(path: Path, *, gemeente: str, maand: str | None = None, panden: bool = True) -> Delivery:
    """Read a recognised BAG delivery; Refused (Dutch findings) when it cannot be read or holds person data."""
    path = Path(path)
    fmt = recognise(path, "bag_verblijfsobject")
    if fmt is None:
        raise ValueError(f"{path.name} is geen herkend BAG-formaat")
    delivery = fmt.read(path, gemeente=gemeente, panden=panden)
    delivery.maand, delivery.maand_reden = month_of_delivery(path, maand)
    return delivery


def validate_delivery(path: Path, *, gemeente: str = "0638", maand: str | None = None, today: date | None = None):
    """(ValidationResult, Delivery or None): a real BAG delivery read and checked against the contract.

    The same steps as `validate_file` for the BAG (month, columns, values, keys, warnings), on
    the canonical table the reader made; the result's frame is the canonical typed frame.
    """
    from data_contracts import validate as v
    from data_contracts.contract import load_contract
    from data_contracts.result import Bevinding, ValidationResult

    path = Path(path)
    today = today or date.today()
    contract = load_contract("bag_verblijfsobject")
    maand_used, reden = month_of_delivery(path, maand)
    result = ValidationResult(source="bag_verblijfsobject", maand=maand_used, paths=[path])
    if maand_used is None:
        result.bevindingen.append(Bevinding(
            bestand=path.name, regel="maand van de levering bekend", toelichting=reden,
            advies="Geef de maand mee (risicoradar run --maand JJJJ-MM) of noem het bestand "
                   "bag_verblijfsobject_JJJJ-MM met de extensie van het bestand."))
        return result, None
    try:
        delivery = read_delivery(path, gemeente=gemeente, maand=maand)
    except Refused as refused:
        result.bevindingen += refused.bevindingen
        return result, None
    result.waarschuwingen.append(f"{path.name} {recognise(path).herkend}; maand {delivery.maand}: {delivery.maand_reden}.")
    month_ok = v.check_month(result, contract, maand_used, today)
    table = delivery.table
    result.waarschuwingen += delivery.waarschuwingen
    columns = v.check_columns(result, table, contract)
    if columns is None:
        return result, delivery
    text, rij = v.data_rows(result, table, columns, contract)
    if text is None:
        return result, delivery
    prepared = v.check_values(result, contract, text, rij, maand_used if month_ok else None, today)
    if result.geweigerd:
        return result, delivery
    result.kengetallen.update(delivery.kengetallen)
    v._warn_implausible(result, contract, prepared, rij)
    result.frame = v.typed_frame(prepared, rij)
    return result, delivery


def store_panden(con, panden, maand: str, table: str = "staging.bag_pand") -> int:
    """Replace the month's pand footprints in DuckDB (`table`: maand, identificatie, bouwjaar,
    status, geometrie_wkb BLOB in EPSG:28992). For the ingest assets; returns the rows written."""
    if table not in ("staging.bag_pand",):
        raise ValueError("onbekende tabel voor panden")
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (maand VARCHAR, identificatie VARCHAR, bouwjaar BIGINT, "
                "status VARCHAR, geometrie_wkb BLOB)")
    con.execute(f"DELETE FROM {table} WHERE maand = $maand", {"maand": maand})
    if panden is None or panden.num_rows == 0:
        return 0
    con.register("_panden", panden)
    try:
        con.execute(f"INSERT INTO {table} SELECT $maand, identificatie, bouwjaar, status, geometrie_wkb FROM _panden",
                    {"maand": maand})
    finally:
        con.unregister("_panden")
    return panden.num_rows


def write_panden(panden, path: Path) -> Path:
    """The pand footprints as GeoParquet (EPSG:28992) beside the month's files, e.g. bag_pand_2026-10.parquet."""
    import geopandas as gpd
    import shapely

    geometry = shapely.from_wkb(panden.column("geometrie_wkb").to_numpy(zero_copy_only=False))
    frame = gpd.GeoDataFrame(panden.drop_columns(["geometrie_wkb"]).to_pandas(), geometry=geometry, crs=28992)
    frame.to_parquet(path)
    return Path(path)


__all__ = ["FORMATS", "Format", "Delivery", "recognise", "month_of_delivery", "inbox_entry", "read_delivery",
           "validate_delivery", "store_panden", "write_panden"]
