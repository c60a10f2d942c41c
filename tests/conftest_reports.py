"""A small synthetic warehouse for the report tests (not a conftest: imported explicitly).

Staging rows are made here (a few hundred objects spread over the real Zoeterwoude buurten,
three months); every mart is then built by the pipeline's own SQL (`build_marts`), so the
report reads exactly the tables the monthly run produces. Fast (about a second) and
independent of the demo generator.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from assets.ingest import load_reference
from assets.ingest.buurten import join_buurten, read_buurten
from assets.warehouse import ensure_schema, month_params
from assets.settings import REFERENCE_DIR, Settings

MAANDEN = ("2026-08", "2026-09", "2026-10")
STRATEN = ("Dorpsstraat", "Hoge Rijndijk", "Noordbuurtseweg", "Westeinde", "Zuidbuurtseweg",
           "Burgemeester Detmersstraat", "Kerkstraat", "Componistenlaan")
WONING_STATUS = "Verblijfsobject in gebruik"


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("_rows", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    finally:
        con.unregister("_rows")


def shop_rows() -> pd.DataFrame:
    """The policy's Tabel 1 (shipped reference file) in the long format of staging.slachtoffers."""
    wide = pd.read_csv(REFERENCE_DIR / "slachtoffers_shop_hollands-midden_2018-2022.csv", sep=";")
    wide = wide[wide["uitbuitingsvorm"].str.lower() != "totaal"]
    long = wide.melt(id_vars="uitbuitingsvorm", var_name="jaar", value_name="aantal")
    return long.assign(bron="SHOP", regio="Hollands Midden", jaar=long["jaar"].astype(int),
                       uitbuitingsvorm=long["uitbuitingsvorm"].str.lower())


def load_slachtoffers(con: duckdb.DuckDBPyConnection) -> None:
    """staging.slachtoffers as the pipeline loads it: through the contract when it is there."""
    try:
        from data_contracts import validate_slachtoffers
    except ImportError:
        rows = shop_rows()
    else:
        result = validate_slachtoffers(sorted(REFERENCE_DIR.glob("slachtoffers_*.csv")))
        assert not result.geweigerd, result.meldingen()
        rows = result.frame
    con.execute("DELETE FROM staging.slachtoffers")
    _insert(con, "staging.slachtoffers", rows[["bron", "regio", "jaar", "uitbuitingsvorm", "aantal"]])


def _points_in_buurten(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    buurten = read_buurten(str(REFERENCE_DIR / "zoeterwoude_buurten_2025_rd.geojson"))
    xmin, ymin, xmax, ymax = shapely.total_bounds(buurten["geometry"].values)
    xs, ys = [], []
    while len(xs) < n:
        x = rng.uniform(xmin, xmax, 4 * n)
        y = rng.uniform(ymin, ymax, 4 * n)
        inside = join_buurten(x, y, buurten) != None  # noqa: E711 (object array)
        xs += list(x[inside])
        ys += list(y[inside])
    return np.round(np.array(xs[:n]), 1), np.round(np.array(ys[:n]), 1)


def _objects(rng: np.random.Generator, n: int) -> pd.DataFrame:
    x, y = _points_in_buurten(rng, n)
    buurten = read_buurten(str(REFERENCE_DIR / "zoeterwoude_buurten_2025_rd.geojson"))
    straat = rng.choice(len(STRATEN), n)
    frame = pd.DataFrame({
        "n": np.arange(1, n + 1),
        "x": x, "y": y,
        "buurtcode": join_buurten(x, y, buurten),
        "openbare_ruimte_naam": np.array(STRATEN)[straat],
    })
    frame["huisnummer"] = frame.groupby("openbare_ruimte_naam").cumcount() + 1
    frame["identificatie"] = [f"0638010000{i:06d}" for i in frame["n"]]
    frame["nummeraanduiding_hoofdadres_identificatie"] = [f"0638200000{i:06d}" for i in frame["n"]]
    woon = rng.random(n) < 0.88
    frame["gebruiksdoel"] = np.where(woon, "woonfunctie", rng.choice(["industriefunctie", "kantoorfunctie"], n))
    frame["oppervlakte"] = rng.integers(35, 180, n)
    frame["postcode"] = [f"238{1 + i % 3}{'ABCDEFGH'[i % 8]}{'ABCD'[i % 4]}" for i in range(n)]
    return frame


def build(path: Path, n_objects: int = 300, seed: int = 638) -> Path:
    """Create the DuckDB file `path` with three processed months (MAANDEN) of synthetic data."""
    from warehouse_builder import build_marts

    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        load_reference(con, Settings(path.parent))
        load_slachtoffers(con)
        _insert(con, "staging.slachtoffers", pd.DataFrame({
            "bron": "CoMensha", "regio": "Nederland", "jaar": [2021, 2021, 2022, 2022],
            "uitbuitingsvorm": ["arbeidsuitbuiting", "seksuele uitbuiting"] * 2, "aantal": [402, 612, 388, 650],
        }))
        objects = _objects(rng, n_objects)
        n = len(objects)
        planted = objects.index[objects["gebruiksdoel"] == "woonfunctie"][:12]
        for step, maand in enumerate(MAANDEN):
            params = month_params(maand)
            bag = objects.assign(
                maand=maand, woonplaats_naam="Zoeterwoude", huisletter=None, toevoeging=None,
                status=WONING_STATUS, pand_identificatie=[f"0638100000{i:06d}" for i in objects["n"]],
                bouwjaar=1975, bronhouder_identificatie="0638",
                heeft_woonfunctie=objects["gebruiksdoel"].str.contains("woonfunctie"),
                oppervlakte_plausibel=True,
            )
            bag["is_woning"] = bag["heeft_woonfunctie"]
            _insert(con, "staging.bag_verblijfsobject", bag.drop(columns=["n"]))

            ingeschrevenen = np.where(bag["is_woning"], rng.integers(1, 6, n), 0)
            ingeschrevenen[rng.random(n) < 0.06] = 0
            inschrijvingen = rng.integers(0, 2, n)
            uitschrijvingen = rng.integers(0, 2, n)
            vow = np.zeros(n, dtype=int)
            briefadressen = np.zeros(n, dtype=int)
            # planted: overcrowding, turnover, VOW and briefadressen at a dozen dwellings
            ingeschrevenen[planted[:6]] = 9 + step
            bag.loc[planted[:6], "oppervlakte"] = 60
            inschrijvingen[planted[3:9]] = 6
            uitschrijvingen[planted[3:9]] = 5
            vow[planted[6:9]] = 2
            briefadressen[planted[8:12]] = 3
            con.execute("UPDATE staging.bag_verblijfsobject SET oppervlakte = 60 WHERE maand = $m AND identificatie IN "
                        "(SELECT unnest($ids))", {"m": maand, "ids": list(bag.loc[planted[:6], "identificatie"])})
            brp = pd.DataFrame({
                "maand": maand, "nummeraanduiding_id": bag["nummeraanduiding_hoofdadres_identificatie"],
                "peildatum": params["peildatum"], "ingeschrevenen": ingeschrevenen, "briefadressen": briefadressen,
                "inschrijvingen": inschrijvingen, "uitschrijvingen": uitschrijvingen, "vertrokken_onbekend": vow,
                "verblijfsobject_id": bag["identificatie"],
            })
            brp = brp[(brp[["ingeschrevenen", "briefadressen", "inschrijvingen", "uitschrijvingen"]].sum(axis=1)) > 0]
            _insert(con, "staging.brp_adrestellingen", brp)

            kvk_at = list(planted[9:12]) + list(objects.index[rng.choice(n, 20, replace=False)])
            soorten = ["risicosector", "uitzendbureau", "risicosector"] + [None, "risicosector"] * 10
            kvk = pd.DataFrame({
                "maand": maand, "vestigingsnummer": [f"{1000 + i:012d}" for i in range(len(kvk_at))],
                "bag_verblijfsobject_id": objects.loc[kvk_at, "identificatie"].values,
                "verblijfsobject_id": objects.loc[kvk_at, "identificatie"].values,
                "matchwijze": "verblijfsobject_id", "datum_aanvang": pd.Timestamp("2020-01-01"), "actief": True,
                "risicosoort": soorten[: len(kvk_at)],
                "risicocategorie": [("horeca" if s == "risicosector" else None) for s in soorten[: len(kvk_at)]],
            })
            _insert(con, "staging.kvk_vestigingen", kvk)

            rni_at = list(planted[:3]) * 2 + [None, None]
            _insert(con, "staging.rni_inschrijvingen", pd.DataFrame({
                "maand": maand, "rij": range(1, len(rni_at) + 1),
                "nummeraanduiding_id": [None if i is None else objects.loc[i, "nummeraanduiding_hoofdadres_identificatie"] for i in rni_at],
                "inschrijvingen": [1] * 6 + [5 + step, 9],
                "verblijfsobject_id": [None if i is None else objects.loc[i, "identificatie"] for i in rni_at],
            }))
            if step:
                vorige = con.execute(
                    "SELECT verblijfsobject_id, aanleiding FROM marts.controlelijst WHERE maand = $m "
                    "ORDER BY aanleiding = 'steekproef' DESC, rang LIMIT 12",
                    {"m": MAANDEN[step - 1]}).df()
                uitkomsten = ["overbewoning", "geen bijzonderheden", "signalen uitbuiting", "geen toegang",
                              "andere overtreding", "geen bijzonderheden"]
                ids = vorige["verblijfsobject_id"].tolist()
                _insert(con, "staging.controles", pd.DataFrame({
                    "maand": maand, "controle_id": [f"C{maand}-{i}" for i in range(len(ids))],
                    "datum": params["peildatum"] - pd.Timedelta(days=10),
                    "nummeraanduiding_id": [i.replace("06380100", "06382000") for i in ids],
                    "aanleiding": vorige["aanleiding"].values,
                    "uitkomst": [uitkomsten[(i + step) % len(uitkomsten)] for i in range(len(ids))],
                    "verblijfsobject_id": ids,
                }))
            _insert(con, "staging.quarantaine", pd.DataFrame({
                "maand": maand, "bron": ["kvk_vestigingen", "brp_adrestellingen", "rni_inschrijvingen"][: 1 + step],
                "bestand": "x.csv", "rij": 7, "kolom": "nummeraanduiding_id", "waarde": "0638200099999999",
                "reden": "adres niet gevonden in de BAG van deze maand",
            }))
            bronnen = ["bag_verblijfsobject", "brp_adrestellingen", "rni_inschrijvingen", "kvk_vestigingen", "controles"]
            _insert(con, "audit.bronnen_maand", pd.DataFrame({
                "maand": maand, "bron": bronnen, "bestand": [f"{b}_{maand}.csv" for b in bronnen],
                "rijen": [n, len(brp), 8, len(kvk) + 1, 12], "geaccepteerd": [n, len(brp), 8, len(kvk), 12],
                "quarantaine": [0, 0, 0, 1, 0], "andere_gemeente": [3, 0, 0, 0, 0],
                "matchpercentage": [None, None, None, 96.5, None],
                "waarschuwingen": ["[]", json.dumps(["Totaal ingeschrevenen 18 % hoger dan vorige maand"]), "[]", "[]", "[]"],
            }))
            _insert(con, "audit.validatielog", pd.DataFrame({
                "tijdstip": pd.Timestamp(f"{maand}-28 09:00"), "bron": bronnen, "maand": maand,
                "bestand": [f"{b}_{maand}.csv" for b in bronnen], "uitkomst": "geaccepteerd",
                "rijen": [n, len(brp), 8, len(kvk), 12], "quarantaine": 0, "waarschuwingen": "[]", "bevindingen": "[]",
            }))
            build_marts(con, maand)
    finally:
        con.close()
    return path


_BUILT: dict[str, Path] = {}


def shared_warehouse(tmp_path_factory) -> Path:
    """The synthetic warehouse, built once per test session and shared read-only by the modules."""
    if "path" not in _BUILT:
        folder = tmp_path_factory.mktemp("rr-warehouse")
        _BUILT["path"] = build(folder / "warehouse.duckdb")
    return _BUILT["path"]


def data_folder(tmp_path_factory, name: str) -> Path:
    """A fresh data folder whose warehouse.duckdb links to the shared warehouse."""
    data = tmp_path_factory.mktemp(name)
    (data / "warehouse.duckdb").symlink_to(shared_warehouse(tmp_path_factory))
    return data
