"""Benchmark: one gemeente's month from a national PDOK BAG GeoPackage (bag-light.gpkg).

    .venv/bin/python tests/benchmarks/bench_gpkg.py [--rows 10000000] [--gemeenten 345] [--gemeente 0638]

Builds (once; cached under /tmp/risicoradar_bench_gpkg/) a synthetic GeoPackage in PDOK's schema:
layer `verblijfsobject` with FID feature_id, POINT geometry `geom` and the published columns,
`--rows` rows spread over `--gemeenten` gemeenten in blocks (as the national file is ordered by
identificatie), written with pyogrio `write_arrow` in batches. Then reads the gemeente in a child
process, twice: the reader alone (`data_contracts.formats.bag_gpkg.read`, the
`bronhouder_identificatie` filter pushed into GDAL's read) and the whole door
(`validate_delivery`, contract checks with great-expectations included), and prints wall time
and the child's peak RSS. Target: < 1 GiB for one gemeente's month. Not run in the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path("/tmp/risicoradar_bench_gpkg")
BATCH = 500_000
STATUSES = ["Verblijfsobject in gebruik", "Verblijfsobject in gebruik (niet ingemeten)", "Verblijfsobject gevormd",
            "Verblijfsobject buiten gebruik"]
DOELEN = ["woonfunctie", "woonfunctie", "woonfunctie", "winkelfunctie,woonfunctie", "kantoorfunctie", "industriefunctie"]
STRAAT = ["Dorpsstraat", "Kerkweg", "Burgemeester Doctor van Oostveenstraatweg", "Hoge Rijndijk", "Stationsplein"]
KORT = ["Dorpsstraat", "Kerkweg", "Burg Dr v Oostveenstrwg", "Hoge Rijndijk", "Stationsplein"]


def gemeente_codes(n: int, gemeente: str) -> list[str]:
    codes = [f"{i:04d}" for i in range(1, n + 1)]
    if gemeente not in codes:
        codes[len(codes) // 2] = gemeente
    return sorted(codes)


def _ids(prefix: pa.Array, kind: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pa.scalar(kind),
                                       pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 10, "0"), "")


def batch(start: int, stop: int, rows: int, codes: list[str], seed: int) -> pa.Table:
    import shapely

    rng = np.random.default_rng(seed + start)
    i = np.arange(start, stop)
    n = len(i)
    g = (i * len(codes)) // rows
    code = pa.array(np.asarray(codes, dtype=object)[g], pa.string())
    pick = lambda values: pa.array(np.asarray(values, dtype=object)[rng.integers(0, len(values), n)], pa.string())  # noqa: E731
    street = rng.integers(0, len(STRAAT), n)
    x = 13000.0 + (g % 20) * 12000.0 + rng.random(n) * 10000.0
    y = 306000.0 + (g // 20) * 18000.0 + rng.random(n) * 15000.0
    postcode = pc.binary_join_element_wise(pc.cast(pa.array(1000 + (g * 25) % 9000 + rng.integers(0, 25, n)), pa.string()),
                                           pa.array(np.asarray(["AA", "AB", "BC", "KL"], dtype=object)[rng.integers(0, 4, n)]), "")
    postcode = pc.if_else(pa.array(rng.random(n) < 0.002), pa.scalar(None, pa.string()), postcode)
    ident = _ids(code, "01", i)
    return pa.table({
        "rdf_seealso": pc.binary_join_element_wise(pa.scalar("http://bag.basisregistraties.overheid.nl/bag/id/verblijfsobject/"), ident, ""),
        "identificatie": ident,
        "oppervlakte": pa.array(rng.integers(15, 400, n).astype(np.int32)),
        "status": pick(STATUSES),
        "gebruiksdoel": pick(DOELEN),
        "openbare_ruimte_naam": pa.array(np.asarray(STRAAT, dtype=object)[street], pa.string()),
        "openbare_ruimte_naam_kort": pa.array(np.asarray(KORT, dtype=object)[street], pa.string()),
        "huisnummer": pa.array(rng.integers(1, 300, n).astype(np.int32)),
        "huisletter": pc.if_else(pa.array(rng.random(n) < 0.05), pa.scalar("A"), pa.scalar(None, pa.string())),
        "toevoeging": pc.if_else(pa.array(rng.random(n) < 0.05), pa.scalar("2"), pa.scalar(None, pa.string())),
        "postcode": postcode,
        "woonplaats_naam": pc.binary_join_element_wise(pa.scalar("Plaats "), code, ""),
        "bouwjaar": pa.array(rng.integers(1850, 2026, n).astype(np.int32)),
        "pand_identificatie": _ids(code, "10", i // 3),
        "pandstatus": pa.array(["Pand in gebruik"] * n, pa.string()),
        "nummeraanduiding_hoofdadres_identificatie": _ids(code, "20", i),
        "openbare_ruimte_identificatie": _ids(code, "30", g * 10 + street),
        "woonplaats_identificatie": pc.utf8_lpad(pc.cast(pa.array(1000 + g), pa.string()), 4, "0"),
        "bronhouder_identificatie": code,
        "geom": pa.array(shapely.to_wkb(shapely.points(x, y)), pa.binary()),
    })


def build(path: Path, rows: int, codes: list[str]) -> float:
    from pyogrio import set_gdal_config_options
    from pyogrio.raw import write_arrow

    set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "OFF", "OGR_SQLITE_CACHE": "512"})
    tmp = path.with_suffix(".part.gpkg")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    for start in range(0, rows, BATCH):
        table = batch(start, min(start + BATCH, rows), rows, codes, seed=638)
        write_arrow(table, tmp, layer="verblijfsobject", driver="GPKG", geometry_name="geom", geometry_type="Point",
                    crs="EPSG:28992", append=start > 0,
                    layer_options={"FID": "feature_id", "SPATIAL_INDEX": "NO"} if start == 0 else None)
        print(f"  {min(start + BATCH, rows):>10,} rijen geschreven ({time.perf_counter() - started:.0f} s)", flush=True)
    tmp.rename(path)
    return time.perf_counter() - started


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
if {mode!r} == "reader":
    from data_contracts.formats import bag_gpkg
    delivery = bag_gpkg.read({path!r}, gemeente={gemeente!r}, panden=False)
    rows, refused = len(delivery.table.frame), False
else:
    from datetime import date
    from data_contracts.formats import validate_delivery
    result, delivery = validate_delivery({path!r}, gemeente={gemeente!r}, maand="2026-10", today=date(2026, 11, 15))
    rows, refused = (0 if result.frame is None else len(result.frame)), result.geweigerd
    if refused:
        print("\\n".join(result.meldingen()[:5]), file=sys.stderr)
elapsed = time.perf_counter() - started
print(json.dumps({{"seconds": elapsed, "rows": rows, "refused": refused,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(path: Path, gemeente: str, mode: str) -> dict:
    """Run the read in a child process; peak RSS from /usr/bin/time -v (a child's own getrusage can carry
    the parent's high-water mark across fork/exec, e.g. after building the file in this process)."""
    code = CHILD.format(root=str(ROOT), path=str(path), gemeente=gemeente, mode=mode)
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    out = subprocess.run([*timer, sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = wall
    for line in out.stderr.splitlines():
        if "Maximum resident set size" in line:
            report["maxrss_mb"] = int(line.rsplit(":", 1)[1]) / 1024
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--gemeenten", type=int, default=345)
    parser.add_argument("--gemeente", default="0638")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"bag-light_{args.rows}_{args.gemeenten}.gpkg"
    codes = gemeente_codes(args.gemeenten, args.gemeente)
    if not path.exists():
        print(f"GeoPackage bouwen: {args.rows:,} rijen, {args.gemeenten} gemeenten -> {path}")
        print(f"  gebouwd in {build(path, args.rows, codes):.0f} s")
    size = path.stat().st_size / 2**30
    print(f"GeoPackage: {path} ({size:.2f} GiB, {args.rows:,} rijen)")
    for mode, label in (("reader", "lezer alleen (bag_gpkg.read)"), ("door", "hele deur (validate_delivery)")):
        r = measure(path, args.gemeente, mode)
        print(f"{label:32s} gemeente {args.gemeente}: {r['rows']:,} objecten, {r['wall_seconds']:.1f} s "
              f"(proces), {r['seconds']:.1f} s (lezen), piek RSS {r['maxrss_mb']:.0f} MB"
              + (" — GEWEIGERD" if r["refused"] else ""))


if __name__ == "__main__":
    main()
