"""The registers' real delivery formats, recognised at the door and read into the canonical table.

Registry of formats: a name, a Dutch label ("herkend als …"), the contract source it feeds, how
a file is recognised and its reader. Every reader returns a `Delivery` whose `table` is the
canonical table as text (`RawTable`), so the contract's own checks run on it unchanged:
`validate.validate_file` dispatches here (`recognise`, `read`) and records the delivery on the
result (`result.levering`, `result.formaat`).

    from data_contracts.formats import recognise, month_of_delivery
    fmt = recognise(path)                      # Format or None (a canonical file)
    result = validate_file(path, gemeente="0638", maand="2026-10")
    print(result.formaat, result.maand, result.maand_reden)

A canonical CSV whose values use another spelling the contract declares (`accepted_spellings`,
`may_be_absent`; `delivered.py`) is recognised while it is read, as `csv_label(source)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from data_contracts.formats import bag_gpkg, brp_object, cbs_buurten, kvk_api, lvbag
from data_contracts.formats._common import Delivery
from data_contracts.reading import MONTH_IN_NAME


@dataclass(frozen=True)
class Format:
    name: str
    label: str  # as shown: f"herkend als {label}"
    source: str  # the contract it feeds ('bag_verblijfsobject'), or 'cbs_buurten' (reference data)
    recognise: Callable[[Path], bool]
    read: Callable  # read(path, *, gemeente) -> Delivery
    month_of_delivery: Callable[[Path], tuple[str | None, str]] | None = None
    contract: Callable | None = None  # the contract variant the delivery is checked against, when not the source's own
    selective: bool = False  # the reader reads only the gemeente's rows (a national file is not refused for its size)

    @property
    def herkend(self) -> str:
        return f"herkend als {self.label}"


def _bag_reader(module):
    def read(path: Path, *, gemeente: str, panden: bool = True) -> Delivery:
        return module.read(path, gemeente=gemeente, panden=panden)
    return read


def _plain_reader(function):
    def read(path: Path, *, gemeente: str | None = None, **_) -> Delivery:
        return function(path)
    return read


FORMATS: tuple[Format, ...] = (
    Format(bag_gpkg.FORMAT, bag_gpkg.LABEL, "bag_verblijfsobject", bag_gpkg.recognise, _bag_reader(bag_gpkg),
           bag_gpkg.month_of_delivery, selective=True),
    Format(lvbag.FORMAT, lvbag.LABEL, "bag_verblijfsobject", lvbag.recognise, _bag_reader(lvbag),
           lvbag.month_of_delivery, selective=True),
    Format(kvk_api.FORMAT_JSON, kvk_api.LABEL_JSON, "kvk_vestigingen", kvk_api.recognise, _plain_reader(kvk_api.read)),
    Format(brp_object.FORMAT, brp_object.LABEL, "brp_adrestellingen", brp_object.recognise, _plain_reader(brp_object.read),
           contract=brp_object.variant_contract),
    Format(cbs_buurten.FORMAT, cbs_buurten.LABEL, "cbs_buurten", cbs_buurten.recognise, cbs_buurten.read),
)
BY_NAME = {f.name: f for f in FORMATS}
# A canonical CSV/Parquet read with the contract's declared spellings or without its optional columns.
CSV_FORMAT = "csv_toegestane_schrijfwijzen"
CSV_LABELS = {"kvk_vestigingen": kvk_api.LABEL_CSV}


def csv_label(source: str) -> str:
    return CSV_LABELS.get(source, "CSV met door het contract toegestane schrijfwijzen")


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
    does not know by name (e.g. inbox/bag/bag-light.gpkg, an LV BAG zip), or None."""
    fmt = recognise(path)
    if fmt is None or fmt.month_of_delivery is None:
        return None
    maand, reden = month_of_delivery(path)
    return fmt.source, maand, reden, fmt


def validate_delivery(path: Path, *, gemeente: str = "0638", maand: str | None = None, today: date | None = None):
    """(ValidationResult, Delivery or None): a real BAG delivery checked by `validate_file`."""
    from data_contracts.validate import validate_file

    result = validate_file(Path(path), "bag_verblijfsobject", gemeente=gemeente, maand=maand, today=today)
    return result, (None if result.geweigerd else result.levering)


def write_panden(panden, path: Path) -> Path:
    """The pand footprints as GeoParquet (EPSG:28992) beside the month's files, e.g. bag_pand_2026-10.parquet."""
    import geopandas as gpd
    import shapely

    geometry = shapely.from_wkb(panden.column("geometrie_wkb").to_numpy(zero_copy_only=False))
    frame = gpd.GeoDataFrame(panden.drop_columns(["geometrie_wkb"]).to_pandas(), geometry=geometry, crs=28992)
    frame.to_parquet(path)
    return Path(path)


__all__ = ["FORMATS", "Format", "Delivery", "CSV_FORMAT", "csv_label", "recognise", "month_of_delivery",
           "inbox_entry", "validate_delivery", "write_panden"]
