"""CBS wijk- en buurtkaart (GeoPackage, or any OGR file) as the buurten reference.

The GeoPackage has several layers (gemeenten, wijken, buurten): the buurt layer is the one with
a buurt code column. Column names differ per release: `BU_CODE`, `BU_NAAM`, `GM_CODE`, `WATER`
in older releases, `buurtcode`, `buurtnaam`, `gemeentecode`, `water` in newer ones (and PDOK's
gebiedsindelingen `statcode`, `statnaam`, `gmCode`). Water polygons (`WATER = 'JA'`) are left
out. The result has the columns of `assets.ingest.buurten.read_buurten`: buurtcode, buurtnaam,
gemeentecode (`GM0638`) and shapely geometry in EPSG:28992. Key figures (with their -99995 /
-99997 markers) are not read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.formats._common import refuse

FORMAT = "cbs_wijk_buurtkaart"
LABEL = "CBS wijk- en buurtkaart"
CODE = ("bu_code", "buurtcode", "statcode")
NAME = ("bu_naam", "buurtnaam", "statnaam")
GEMEENTE = ("gm_code", "gemeentecode", "gmcode")
WATER = ("water",)
ADVIES = ("Lever de buurtenlaag van de CBS wijk- en buurtkaart aan (GeoPackage of shapefile met BU_CODE/BU_NAAM of "
          "buurtcode/buurtnaam), niet de laag met gemeenten of wijken.")


@dataclass
class Buurten:
    frame: pd.DataFrame
    label: str
    laag: str
    waarschuwingen: list[str] = field(default_factory=list)


def _find(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def buurt_layer(path: Path) -> tuple[str | None, list[str]]:
    """(the layer with a buurt code column, all layer names); a layer named after buurten wins."""
    import pyogrio

    layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    found = [layer for layer in layers if _find(list(pyogrio.read_info(path, layer=layer)["fields"]), CODE)]
    named = [layer for layer in found if "buurt" in layer.lower()]
    return (named or found or [None])[0], layers


def recognise(path: Path) -> bool:
    path = Path(path)
    if path.suffix.lower() not in (".gpkg", ".shp", ".geojson", ".json", ".zip"):
        return False
    try:
        return buurt_layer(path)[0] is not None
    except Exception:  # noqa: BLE001 - not a readable geo file
        return False


def read(path: Path, *, gemeente: str | None = None) -> Buurten:
    """The buurten (water left out) of a wijk- en buurtkaart; `gemeente` ('0638' or 'GM0638') selects one."""
    import pyogrio

    path = Path(path)
    name = path.name
    try:
        layer, layers = buurt_layer(path)
    except Exception as exc:  # noqa: BLE001
        raise refuse(name, "leesbare wijk- en buurtkaart", f"het bestand kan niet gelezen worden ({type(exc).__name__})",
                     ADVIES) from None
    if layer is None:
        raise refuse(name, "laag met buurten (BU_CODE of buurtcode)",
                     f"dit bestand is geen buurtenlaag: geen laag heeft een kolom BU_CODE of buurtcode "
                     f"(lagen: {', '.join(layers) or 'geen'})", ADVIES)
    fields = list(pyogrio.read_info(path, layer=layer)["fields"])
    code, naam = _find(fields, CODE), _find(fields, NAME)
    gm, water = _find(fields, GEMEENTE), _find(fields, WATER)
    frame = pyogrio.read_dataframe(path, layer=layer, columns=[c for c in (code, naam, gm, water) if c])
    codes = frame[code].astype("string").str.strip()
    if not codes.str.upper().str.startswith("BU").fillna(False).all():
        raise refuse(name, "laag met buurten (codes BUxxxxxxxx)",
                     f"laag '{layer}' bevat geen buurten: de codes beginnen niet met BU (bijvoorbeeld "
                     f"'{codes.dropna().iloc[0] if codes.notna().any() else ''}')", ADVIES)
    if frame.crs is not None and frame.crs.to_epsg() != 28992:
        frame = frame.to_crs(28992)
    warnings = []
    keep = np.ones(len(frame), dtype=bool)
    if water:
        is_water = frame[water].astype("string").str.strip().str.upper().eq("JA").fillna(False).to_numpy()
        keep &= ~is_water
        if is_water.any():
            warnings.append(f"{int(is_water.sum())} waterpolygonen (WATER = 'JA') weggelaten.")
    if gm:
        gemeentecode = frame[gm].astype("string").str.strip().str.upper()
        gemeentecode = gemeentecode.where(gemeentecode.str.startswith("GM"), "GM" + gemeentecode.str.zfill(4))
    else:  # a buurtcode is BU + gemeentecode (4) + wijk (2) + buurt (2): CBS's own coding
        gemeentecode = "GM" + codes.str[2:6]
    if gemeente is not None and gemeente != "*":
        wanted = gemeente if str(gemeente).upper().startswith("GM") else f"GM{str(gemeente).zfill(4)}"
        keep &= (gemeentecode == wanted.upper()).fillna(False).to_numpy()
    out = pd.DataFrame({
        "buurtcode": codes.to_numpy(dtype=object),
        "buurtnaam": (frame[naam].astype("string") if naam else codes).to_numpy(dtype=object),
        "gemeentecode": pd.array(gemeentecode, dtype="string"),
        "geometry": np.asarray(frame.geometry.values),
    })[keep].reset_index(drop=True)
    out["buurtcode"] = out["buurtcode"].astype(str)
    out["buurtnaam"] = out["buurtnaam"].astype(str)
    return Buurten(frame=out, label=LABEL, laag=layer, waarschuwingen=warnings)
