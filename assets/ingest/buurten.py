"""CBS buurten: the polygons objects are joined to, and the join itself.

The join is vectorised (shapely STRtree over the polygons, one bulk query for all points), so
it serves 5 thousand objects and 10 million alike without a per-object loop.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely


@lru_cache(maxsize=4)
def read_buurten(path: str) -> pd.DataFrame:
    """buurtcode, buurtnaam, gemeentecode and shapely geometry (EPSG:28992) of a buurten file."""
    import geopandas as gpd  # lazy: geopandas costs a second at import

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
    """Buurtcode for each point (None outside every buurt); first polygon wins on a border."""
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
