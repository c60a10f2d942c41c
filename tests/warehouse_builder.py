"""Hand-made staging rows for SQL tests: tiny, readable cases instead of demo data."""
from __future__ import annotations

import itertools

import duckdb
import pandas as pd

from assets.warehouse import ensure_schema, month_params

_ids = itertools.count(1)

WONING = "Verblijfsobject in gebruik"


def new_warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    return con


def vbo_id(n: int) -> str:
    return f"0638010000{n:06d}"


def na_id(n: int) -> str:
    return f"0638200000{n:06d}"


def add_object(con, maand, n, *, gebruiksdoel="woonfunctie", oppervlakte=80, status=WONING,
               buurtcode="BU06380001", straat="Dorpsstraat", huisnummer=None, huisletter=None,
               toevoeging=None, postcode="2381AA"):
    doelen = [d.strip() for d in gebruiksdoel.split(",")]
    heeft_woon = "woonfunctie" in doelen
    con.execute(
        """INSERT INTO staging.bag_verblijfsobject BY NAME
           SELECT $maand AS maand, $id AS identificatie, $na AS nummeraanduiding_hoofdadres_identificatie,
                  $straat AS openbare_ruimte_naam, 'Zoeterwoude' AS woonplaats_naam, $nr AS huisnummer,
                  $hl AS huisletter, $tv AS toevoeging, $pc AS postcode, $doel AS gebruiksdoel,
                  $opp AS oppervlakte, $status AS status, '0638' AS bronhouder_identificatie,
                  $buurt AS buurtcode, $woon AS heeft_woonfunctie,
                  $woon AND $status IN ('Verblijfsobject in gebruik', 'Verblijfsobject in gebruik (niet ingemeten)',
                                        'Verblijfsobject buiten gebruik') AS is_woning,
                  coalesce($opp >= 6, false) AS oppervlakte_plausibel""",
        {"maand": maand, "id": vbo_id(n), "na": na_id(n), "straat": straat, "nr": huisnummer or n,
         "hl": huisletter, "tv": toevoeging, "pc": postcode, "doel": ",".join(doelen), "opp": oppervlakte,
         "status": status, "buurt": buurtcode, "woon": heeft_woon},
    )


def add_brp(con, maand, n, ingeschrevenen=0, briefadressen=0, inschrijvingen=0, uitschrijvingen=0, vow=0):
    con.execute(
        "INSERT INTO staging.brp_adrestellingen VALUES ($m, $na, $p, $i, $b, $in, $uit, $vow, $id)",
        {"m": maand, "na": na_id(n), "p": month_params(maand)["peildatum"], "i": ingeschrevenen, "b": briefadressen,
         "in": inschrijvingen, "uit": uitschrijvingen, "vow": vow, "id": vbo_id(n)},
    )


def add_vestiging(con, maand, n, *, aanvang="2020-01-01", einde=None, risicosoort=None, risicocategorie=None,
                  neven=None):
    peildatum = month_params(maand)["peildatum"]
    con.execute(
        """INSERT INTO staging.kvk_vestigingen BY NAME
           SELECT $m AS maand, $vn AS vestigingsnummer, $id AS bag_verblijfsobject_id, 'verblijfsobject_id' AS matchwijze,
                  $aanvang::DATE AS datum_aanvang, $einde::DATE AS datum_einde,
                  $aanvang::DATE <= $p AND ($einde IS NULL OR $einde::DATE > $p) AS actief,
                  $soort AS risicosoort, $cat AS risicocategorie, $neven AS neven_risicocategorieen""",
        {"m": maand, "vn": f"{next(_ids):012d}", "id": vbo_id(n), "aanvang": aanvang, "einde": einde, "p": peildatum,
         "soort": risicosoort, "cat": risicocategorie, "neven": neven},
    )


def add_signaal(con, maand, n, datum, geverifieerd="J"):
    con.execute(
        "INSERT INTO staging.signalen VALUES ($m, $sid, $d, $na, 'wijkagent', 'arbeidsuitbuiting', $g, $id)",
        {"m": maand, "sid": f"S{next(_ids)}", "d": datum, "na": na_id(n), "g": geverifieerd, "id": vbo_id(n)},
    )


def add_rni(con, maand, n, inschrijvingen=1):
    con.execute(
        "INSERT INTO staging.rni_inschrijvingen VALUES ($m, $rij, $na, $i, $id)",
        {"m": maand, "rij": next(_ids), "na": na_id(n) if n else None, "i": inschrijvingen, "id": vbo_id(n) if n else None},
    )


def add_controle(con, maand, n, datum, uitkomst, aanleiding="risicolijst"):
    con.execute(
        "INSERT INTO staging.controles VALUES ($m, $cid, $d, $na, $a, $u, $id)",
        {"m": maand, "cid": f"C{next(_ids)}", "d": datum, "na": na_id(n), "a": aanleiding, "u": uitkomst, "id": vbo_id(n)},
    )


def add_woz(con, maand, n, gebruik):
    con.execute("INSERT INTO staging.woz_gebruik VALUES ($m, $id, $g)", {"m": maand, "id": vbo_id(n), "g": gebruik})


def build_marts(con, maand, *, indicatoren=None, lijst=None, evaluatie=None) -> None:
    """Run the month's marts (vacancy .. evaluation) exactly as the pipeline does."""
    from assets import evaluation, features, scoring, vacancy
    from assets.settings import CONFIG_DIR

    params = month_params(maand)
    vacancy.build(con, params)
    features.build(con, params)
    scoring.build_scores(con, params, indicatoren or scoring.load(CONFIG_DIR / "indicatoren.yaml"))
    scoring.build_control_list(con, params, lijst or {})
    evaluation.build(con, params, evaluatie or {})


def row(con, table: str, maand: str, n: int) -> dict:
    frame = con.execute(f"SELECT * FROM {table} WHERE maand = $m AND verblijfsobject_id = $id",
                        {"m": maand, "id": vbo_id(n)}).df()
    assert len(frame) == 1, f"expected one row for object {n} in {table}, got {len(frame)}"
    return frame.iloc[0].to_dict()


def frame(con, sql: str, **params) -> pd.DataFrame:
    return con.execute(sql, params).df()
