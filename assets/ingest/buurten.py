"""CBS buurten: the polygons objects are joined to, and the join itself.

The join is vectorised (a grid of cells over the points, and per buurt one prepared
`intersects_xy` test of the points in the cells its bounding box covers), so it serves 5
thousand objects and 10 million alike without a per-object loop or a geometry per object.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely


class BuurtenGeweigerd(Exception):
    """The buurten file (a CBS wijk- en buurtkaart in <data>/referentie/) cannot be used; Dutch message."""


@lru_cache(maxsize=4)
def read_buurten(path: str) -> pd.DataFrame:
    """buurtcode, buurtnaam, gemeentecode and shapely geometry (EPSG:28992) of a buurten file.

    A CBS wijk- en buurtkaart (GeoPackage, any release; `data_contracts.formats.cbs_buurten`)
    is read by its reader: its buurten layer, water left out. Raises BuurtenGeweigerd (Dutch)
    when such a file holds no buurten."""
    import geopandas as gpd  # lazy: geopandas costs a second at import

    from data_contracts.formats import cbs_buurten
    from data_contracts.reading import Refused

    if Path(path).suffix.lower() == ".gpkg" and cbs_buurten.recognise(Path(path)):
        try:
            return cbs_buurten.read(Path(path), gemeente=None).frame
        except Refused as exc:
            raise BuurtenGeweigerd(str(exc)) from None
    frame = gpd.read_file(path)
    if frame.crs is not None and frame.crs.to_epsg() != 28992:
        frame = frame.to_crs(28992)
    code = next(c for c in ("statcode", "buurtcode", "code") if c in frame.columns)
    name = next((c for c in ("statnaam", "buurtnaam", "naam") if c in frame.columns), code)
    gemeente = frame["gmCode"] if "gmCode" in frame.columns else frame.get("gemeentecode", pd.Series([None] * len(frame)))
    return pd.DataFrame(
        {
            "buurtcode": frame[code].astype(str).values,
            "buurtnaam": frame[name].astype(str).values,
            "gemeentecode": pd.Series(gemeente).astype("string").values,
            "geometry": np.asarray(frame.geometry.values),
        }
    )


def join_buurten(x: np.ndarray, y: np.ndarray, buurten: pd.DataFrame) -> np.ndarray:
    """Buurtcode for each point (None outside every buurt); on a border shared by buurten, the
    first match of an STRtree query over the buurten."""
    codes = buurt_index(x, y, buurten)
    result = np.full(len(codes), None, dtype=object)
    inside = codes >= 0
    result[inside] = buurten["buurtcode"].to_numpy(dtype=object)[codes[inside]]
    return result


def buurt_index(x: np.ndarray, y: np.ndarray, buurten: pd.DataFrame) -> np.ndarray:
    """Position in `buurten` of the polygon each point lies in or on (-1: none; first polygon wins).

    Points are bucketed in a grid of cells about the size of a buurt and sorted by cell; each
    polygon is tested (prepared, vectorised `intersects_xy`) only against the points in the cells
    its bounding box covers. Ten million points against 14 thousand buurten take seconds, without
    building a geometry per point.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    result = np.full(len(x), -1, dtype=np.int32)
    valid = np.flatnonzero(~(np.isnan(x) | np.isnan(y)))
    geoms = np.asarray(buurten["geometry"].values)
    if len(valid) == 0 or len(geoms) == 0:
        return result
    vx, vy = x[valid], y[valid]
    bounds = shapely.bounds(geoms)
    usable = ~np.isnan(bounds).any(axis=1)
    if not usable.any():
        return result
    sizes = np.concatenate([bounds[usable, 2] - bounds[usable, 0], bounds[usable, 3] - bounds[usable, 1]])
    cell = max(float(np.median(sizes)), 1.0)
    x0, y0 = float(vx.min()), float(vy.min())
    ncols = int((vx.max() - x0) // cell) + 1
    nrows = int((vy.max() - y0) // cell) + 1
    cells = ((vy - y0) // cell).astype(np.int64) * ncols + ((vx - x0) // cell).astype(np.int64)
    order = np.argsort(cells, kind="stable")
    sorted_cells = cells[order]
    del cells
    assigned = np.full(len(vx), -1, dtype=np.int32)
    several = np.zeros(len(vx), dtype=bool)
    shapely.prepare(geoms[usable])
    for i in np.flatnonzero(usable):
        minx, miny, maxx, maxy = bounds[i]
        c0 = max(int((minx - x0) // cell), 0)
        c1 = min(int((maxx - x0) // cell), ncols - 1)
        r0 = max(int((miny - y0) // cell), 0)
        r1 = min(int((maxy - y0) // cell), nrows - 1)
        if c0 > c1 or r0 > r1:
            continue
        rows = np.arange(r0, r1 + 1, dtype=np.int64) * ncols
        starts = np.searchsorted(sorted_cells, rows + c0, side="left")
        ends = np.searchsorted(sorted_cells, rows + c1, side="right")
        if (ends - starts).sum() == 0:
            continue
        candidates = np.concatenate([order[a:b] for a, b in zip(starts, ends) if b > a])
        cx, cy = vx[candidates], vy[candidates]
        candidates = candidates[(cx >= minx) & (cx <= maxx) & (cy >= miny) & (cy <= maxy)]
        hits = candidates[shapely.intersects_xy(geoms[i], vx[candidates], vy[candidates])]
        shared = hits[assigned[hits] >= 0]
        if len(shared):
            several[shared] = True
        assigned[hits] = np.where(assigned[hits] >= 0, assigned[hits], i)
    if several.any():
        # A point on a border shared by buurten: decided as the STRtree query always did (its
        # first match), so that the result does not depend on how the join is computed.
        points = np.flatnonzero(several)
        point_idx, poly_idx = shapely.STRtree(geoms).query(shapely.points(vx[points], vy[points]), predicate="intersects")
        first = pd.Series(poly_idx).groupby(point_idx).first()
        assigned[points[first.index.to_numpy()]] = first.to_numpy()
    result[valid] = assigned
    return result


def _join_buurten_strtree(x: np.ndarray, y: np.ndarray, buurten: pd.DataFrame) -> np.ndarray:
    """The earlier implementation (one STRtree query with a point per object); kept for comparison."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    result = np.full(len(x), None, dtype=object)
    valid = ~(np.isnan(x) | np.isnan(y))
    if not valid.any():
        return result
    tree = shapely.STRtree(buurten["geometry"].values)
    points = shapely.points(x[valid], y[valid])
    point_idx, poly_idx = tree.query(points, predicate="intersects")
    first = pd.Series(poly_idx).groupby(point_idx).first()
    codes = buurten["buurtcode"].to_numpy(dtype=object)
    valid_positions = np.flatnonzero(valid)
    result[valid_positions[first.index.to_numpy()]] = codes[first.to_numpy()]
    return result


def buurten_table(path: Path) -> pd.DataFrame:
    """The rows of staging.cbs_buurten: codes, names and WKT geometry for maps."""
    frame = read_buurten(str(path))
    return pd.DataFrame(
        {
            "buurtcode": frame["buurtcode"],
            "buurtnaam": frame["buurtnaam"],
            "gemeentecode": frame["gemeentecode"],
            "geometrie_wkt": shapely.to_wkt(frame["geometry"].values, rounding_precision=1),
        }
    )
