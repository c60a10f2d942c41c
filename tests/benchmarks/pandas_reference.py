"""Pandas reference for one month: vacancy, features, scores and control list without DuckDB.

The pandas comparison for the scale benchmark of issue 9 (tests/benchmarks/bench_scale.py): the
same steps as

    assets/vacancy/marts.leegstand.sql            -> vacancy()
    assets/vacancy/marts.leegstand_buurt.sql      -> vacancy_buurt()
    assets/features/marts.adreskenmerken.sql  -> address_features()
    assets/scoring/marts.adresscores.sql     -> address_scores()
    assets/scoring/marts.controlelijst.sql       -> control_list()

written as idiomatic, vectorised pandas (merge, groupby, boolean masks, np.select). Loops run over
configuration (thresholds, template pieces) or output columns, never over addresses; Python is
called per row only where pandas has no vectorised form (md5, '{:.1f}' formatting). Each function
mirrors its SQL file's CTE names, so the two read side by side. A yardstick and a cross-check,
not a second implementation to maintain: the SQL files are the pipeline.

    inputs = {name: con.execute(sql, bind(sql, params)).df() for name, sql in INPUT_QUERIES.items()}
    marts = run(inputs, month_params("2026-10"), load(indicatoren_path), instellingen["controlelijst"])

`fetch_inputs(con, params)` does the first line (`pyarrow_strings=True`: Arrow-backed text). The input queries only select the month's
rows and columns the SQL reads (as DuckDB's scan would); every filter, window, join and
aggregate of the SQL is done here in pandas.

What it takes to give DuckDB's answers exactly:
- DuckDB's round() is std::round(x * 10^d) / 10^d: halves go away from zero. numpy's round
  goes to even, so `_round` rebuilds DuckDB's arithmetic.
- arg_max(uitkomst, ...) skips rows whose uitkomst is NULL; max(datum) does not.
- `DATE - INTERVAL n MONTH` clamps to the month's end (2028-02-29 - 12 months = 2027-02-28),
  as pd.DateOffset does; the result is a timestamp at midnight.
- {waarde} with decimalen > 0 uses fmt's '{:.Nf}' (correctly rounded, like Python's format);
  with decimalen 0 it is round() half away from zero, then an integer. {drempel} and {norm}
  are DOUBLE::VARCHAR (shortest round-trip, like Python's repr) without a trailing '.0'.
- Ties: rang uses md5_number() (the digest as a little-endian 128-bit number), the sample md5()
  as hex text; hashlib in a .map over the id column gives the same orders (one Python call per
  object: pandas has no vectorised md5).
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from data_contracts.months import maandnaam
from assets.scoring.config import TOEGESTANE_KENMERKEN, thresholds_frame

# The month's inputs, as the SQL reads them: its rows (month, windows) and the columns the SQL uses,
# plus each table's NOT NULL columns so the bench can load the same frames into an empty DuckDB
# warehouse (INPUT_TABLES) and run the SQL on them.
INPUT_QUERIES: dict[str, str] = {
    "bag_verblijfsobject": """
        SELECT maand, identificatie, nummeraanduiding_hoofdadres_identificatie, openbare_ruimte_naam, huisnummer,
               huisletter, toevoeging, postcode, gebruiksdoel, oppervlakte, buurtcode, heeft_woonfunctie,
               is_woning, oppervlakte_plausibel
        FROM staging.bag_verblijfsobject WHERE maand = $maand""",
    "brp_adrestellingen": """
        SELECT maand, nummeraanduiding_id, verblijfsobject_id, ingeschrevenen, briefadressen, inschrijvingen,
               uitschrijvingen, vertrokken_onbekend
        FROM staging.brp_adrestellingen WHERE maand BETWEEN $begin_24m AND $maand""",
    "kvk_vestigingen": """
        SELECT maand, vestigingsnummer, bag_verblijfsobject_id, actief, risicosoort, risicocategorie,
               neven_risicocategorieen
        FROM staging.kvk_vestigingen WHERE maand = $maand""",
    "woz_gebruik": """
        SELECT maand, verblijfsobject_id, gebruik
        FROM staging.woz_gebruik
        WHERE maand = (SELECT max(maand) FROM staging.woz_gebruik WHERE maand <= $maand)""",
    "rni_inschrijvingen": """
        SELECT maand, rij, nummeraanduiding_id, inschrijvingen
        FROM staging.rni_inschrijvingen WHERE maand BETWEEN $begin_12m AND $maand""",
    "signalen": "SELECT maand, signaal_id, datum, nummeraanduiding_id, geverifieerd FROM staging.signalen",
    "controles": "SELECT maand, controle_id, datum, nummeraanduiding_id, uitkomst FROM staging.controles",
    "vacancy_vorige": """
        SELECT maand, verblijfsobject_id, leegstand, leegstand_maanden
        FROM marts.leegstand WHERE maand = $vorige_maand""",
    "vacancy_buurt_vorige": "SELECT maand, buurtcode, leegstaand FROM marts.leegstand_buurt WHERE maand = $vorige_maand",
    "cbs_buurten": "SELECT buurtcode, buurtnaam FROM staging.cbs_buurten",
}
INPUT_TABLES: dict[str, str] = {
    "bag_verblijfsobject": "staging.bag_verblijfsobject",
    "brp_adrestellingen": "staging.brp_adrestellingen",
    "kvk_vestigingen": "staging.kvk_vestigingen",
    "woz_gebruik": "staging.woz_gebruik",
    "rni_inschrijvingen": "staging.rni_inschrijvingen",
    "signalen": "staging.signalen",
    "controles": "staging.controles",
    "vacancy_vorige": "marts.leegstand",
    "vacancy_buurt_vorige": "marts.leegstand_buurt",
    "cbs_buurten": "staging.cbs_buurten",
}

# Scored facts that stay as they are; every other allowlisted fact is a count where 0 is no fact
# (nullif(..., 0) in the score SQL).
ZONDER_NULLIF = ("m2_per_ingeschrevene", "oppervlakte")
UITZEND = ("uitzendbureau", "arbeidsbemiddeling")
STEEKPROEF_TEKST = "Steekproef: willekeurig gekozen als vergelijking"


def fetch_inputs(con, params: dict, pyarrow_strings: bool = False) -> dict[str, pd.DataFrame]:
    """Run INPUT_QUERIES on a warehouse connection (DuckDB refuses unused named parameters).

    Text comes as Python str objects (DuckDB's .df()); with `pyarrow_strings` as pandas 3's
    default `str` dtype (Arrow-backed), which makes joins and groups on the ids cheaper.
    """
    from assets.warehouse import bind

    frames = {name: con.execute(sql, bind(sql, params)).df() for name, sql in INPUT_QUERIES.items()}
    return arrow_strings(frames) if pyarrow_strings else frames


def arrow_strings(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Text columns as pandas 3's default `str` dtype (Arrow-backed) instead of Python objects."""
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return {
        name: frame.astype({c: text for c in frame.columns if pd.api.types.infer_dtype(frame[c]) == "string"})
        for name, frame in frames.items()
    }


def run(inputs: dict[str, pd.DataFrame], params: dict, indicatoren, lijst: dict) -> dict[str, pd.DataFrame]:
    """All five marts of `params['maand']`, each step reading the previous steps' frames."""
    vac = vacancy(inputs, params)
    features = address_features(inputs, params, vac)
    scores = address_scores(features, params, indicatoren)
    return {
        "leegstand": vac,
        "leegstand_buurt": vacancy_buurt(inputs, params, vac),
        "adreskenmerken": features,
        "adresscores": scores,
        "controlelijst": control_list(inputs, params, features, scores, lijst),
    }


# --- helpers -----------------------------------------------------------------------------------

def _round(values, decimals: int = 0) -> np.ndarray:
    """DuckDB's round(): std::round(x * 10^d) / 10^d, halves away from zero; NaN stays NaN."""
    scale = 10.0 ** decimals
    scaled = np.asarray(values, dtype=float) * scale
    whole = np.floor(np.abs(scaled))
    whole += (np.abs(scaled) - whole) >= 0.5
    return np.copysign(whole, scaled) / scale


def _true(column: pd.Series) -> np.ndarray:
    """A BOOLEAN column as SQL's WHERE/AND reads it: NULL counts as false."""
    return column.fillna(False).astype(bool).to_numpy()


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column)


def _md5(text: pd.Series) -> np.ndarray:
    """md5() as hex, for ordering. One hashlib call per row: pandas has no vectorised md5. Returned as
    fixed-width numpy text, which sorts like DuckDB's md5() strings and in a fraction of the time
    pandas takes to sort a million Python str objects."""
    return text.map(lambda s: hashlib.md5(s.encode()).hexdigest()).to_numpy(dtype="U32")


def _md5_number(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """md5_number() for ordering: DuckDB reads the 16 digest bytes as one little-endian 128-bit
    number. Returned as its (high, low) 64-bit halves for np.lexsort (numpy has no 128-bit ints).
    One hashlib call per row, as in _md5."""
    digests = b"".join(text.map(lambda s: hashlib.md5(s.encode()).digest()))
    halves = np.frombuffer(digests, dtype="<u8").reshape(-1, 2)
    return halves[:, 1], halves[:, 0]


def _string_agg(keys: pd.Series, positions: pd.Series, values: pd.Series, sep: str) -> pd.Series:
    """string_agg(value, sep) per key with the pieces in `positions` order (0, 1, ...). pandas has no
    vectorised string_agg (groupby(...).agg(sep.join) calls Python once per group): the pieces are
    spread side by side and joined column by column."""
    if keys.empty:
        return pd.Series(dtype=object)
    naast = (
        pd.DataFrame({"key": keys, "pos": positions, "value": values})
        .pivot(index="key", columns="pos", values="value")
    )
    joined = naast[0]
    for pos in naast.columns[1:]:
        joined = joined + (sep + naast[pos]).fillna("")
    return joined


def _months_before(peildatum, months: int) -> pd.Timestamp:
    """`$peildatum - INTERVAL n MONTH`: same day n months earlier, clamped to the month's end."""
    return pd.Timestamp(peildatum) - pd.DateOffset(months=months)


def _getal_tekst(drempel: float) -> str:
    """DOUBLE::VARCHAR without a trailing '.0', decimal comma."""
    tekst = repr(float(drempel))
    return (tekst[:-2] if tekst.endswith(".0") else tekst).replace(".", ",")


# --- marts.leegstand.sql -----------------------------------------------------------------------

def vacancy(inputs: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    maand = params["maand"]
    objecten = inputs["bag_verblijfsobject"].rename(columns={"identificatie": "verblijfsobject_id"})[
        ["verblijfsobject_id", "nummeraanduiding_hoofdadres_identificatie", "buurtcode", "is_woning"]
    ]
    brp = inputs["brp_adrestellingen"]
    bewoners = (
        brp[(brp["maand"] == maand) & brp["verblijfsobject_id"].notna()]
        .groupby("verblijfsobject_id", as_index=False, sort=False)["ingeschrevenen"].sum()
    )
    kvk = inputs["kvk_vestigingen"]
    vestigingen = (
        kvk[_true(kvk["actief"])]
        .groupby("bag_verblijfsobject_id", sort=False).size()
        .rename("vestigingen_actief").rename_axis("verblijfsobject_id").reset_index()
    )
    woz = inputs["woz_gebruik"].rename(columns={"gebruik": "woz_gebruik"})  # already the latest month <= maand
    vorige = inputs["vacancy_vorige"]
    vorige = vorige.loc[_true(vorige["leegstand"]), ["verblijfsobject_id", "leegstand_maanden"]]

    gemarkeerd = (
        objecten.merge(bewoners, on="verblijfsobject_id", how="left")
        .merge(vestigingen, on="verblijfsobject_id", how="left")
        .merge(woz[["verblijfsobject_id", "woz_gebruik"]], on="verblijfsobject_id", how="left")
    )
    gemarkeerd["ingeschrevenen"] = gemarkeerd["ingeschrevenen"].fillna(0).astype("int64")
    gemarkeerd["vestigingen_actief"] = gemarkeerd["vestigingen_actief"].fillna(0).astype("int64")
    gemarkeerd["woz_meegenomen"] = len(woz) > 0

    result = gemarkeerd.merge(vorige, on="verblijfsobject_id", how="left")
    leegstand = (
        _true(result["is_woning"])
        & (result["ingeschrevenen"] == 0).to_numpy()
        & (result["vestigingen_actief"] == 0).to_numpy()
        & ~result["woz_gebruik"].isin(["eigenaar", "huurder"]).to_numpy()   # NULL gebruik: not in use
    )
    result["leegstand"] = leegstand
    result["leegstand_maanden"] = np.where(leegstand, result["leegstand_maanden"].fillna(0) + 1, 0).astype("int64")
    result.insert(0, "maand", maand)
    return result[[
        "maand", "verblijfsobject_id", "buurtcode", "is_woning", "ingeschrevenen", "vestigingen_actief",
        "woz_gebruik", "woz_meegenomen", "leegstand", "leegstand_maanden",
    ]]


# --- marts.leegstand_buurt.sql -----------------------------------------------------------------

def vacancy_buurt(inputs: dict[str, pd.DataFrame], params: dict, vac: pd.DataFrame) -> pd.DataFrame:
    deze_maand = (
        vac.assign(buurtcode=vac["buurtcode"].fillna("onbekend"), is_woning=_true(vac["is_woning"]))
        .groupby("buurtcode", as_index=False)
        .agg(woningen=("is_woning", "sum"), leegstaand=("leegstand", "sum"), woz_meegenomen=("woz_meegenomen", "all"))
    )
    vorige = inputs["vacancy_buurt_vorige"][["buurtcode", "leegstaand"]].rename(columns={"leegstaand": "vorige"})
    d = (
        deze_maand.merge(inputs["cbs_buurten"][["buurtcode", "buurtnaam"]], on="buurtcode", how="left")
        .merge(vorige, on="buurtcode", how="left")
    )
    d["buurtnaam"] = d["buurtnaam"].fillna("Buiten de bekende buurten")
    d["leegstand_pct"] = _round(100.0 * d["leegstaand"] / d["woningen"].where(d["woningen"] > 0), 2)
    d["verschil_vorige_maand"] = (d["leegstaand"] - d["vorige"]).astype("Int64")
    d.insert(0, "maand", params["maand"])
    return d[["maand", "buurtcode", "buurtnaam", "woningen", "leegstaand", "leegstand_pct",
              "verschil_vorige_maand", "woz_meegenomen"]]


# --- marts.adreskenmerken.sql --------------------------------------------------------------

def address_features(inputs: dict[str, pd.DataFrame], params: dict, vac: pd.DataFrame) -> pd.DataFrame:
    maand, peildatum = params["maand"], pd.Timestamp(params["peildatum"])
    objecten = inputs["bag_verblijfsobject"].rename(columns={
        "identificatie": "verblijfsobject_id", "nummeraanduiding_hoofdadres_identificatie": "nummeraanduiding_id",
    })[["verblijfsobject_id", "nummeraanduiding_id", "buurtcode", "gebruiksdoel", "heeft_woonfunctie",
        "is_woning", "oppervlakte", "oppervlakte_plausibel"]]

    brp = inputs["brp_adrestellingen"]
    brp_nu = brp.loc[brp["maand"] == maand, ["nummeraanduiding_id", "ingeschrevenen", "briefadressen"]]
    venster = brp[(brp["maand"] >= params["begin_24m"]) & (brp["maand"] <= maand)]
    brp_historie = (
        venster.assign(mutaties_12m=(venster["inschrijvingen"] + venster["uitschrijvingen"])
                       .where(venster["maand"] >= params["begin_12m"]))
        .groupby("nummeraanduiding_id", as_index=False, sort=False)
        .agg(mutaties_12m=("mutaties_12m", "sum"), vertrokken_onbekend_24m=("vertrokken_onbekend", "sum"))
    )

    kvk = inputs["kvk_vestigingen"]
    actief = kvk[_true(kvk["actief"])]
    risicosector = actief["risicosoort"] == "risicosector"
    vestigingen = (
        actief.assign(
            risicosector=risicosector,
            neven=actief["neven_risicocategorieen"].notna(),
            uitzend=actief["risicosoort"].isin(UITZEND),
        )
        .groupby("bag_verblijfsobject_id", sort=False)
        .agg(vestigingen_actief=("risicosector", "size"), risicosector_vestigingen=("risicosector", "sum"),
             neven_risicosector_vestigingen=("neven", "sum"), uitzend_vestigingen=("uitzend", "sum"))
    )
    categorieen = (   # string_agg(DISTINCT ... ORDER BY ...) FILTER (WHERE risicosoort = 'risicosector')
        actief.loc[risicosector & actief["risicocategorie"].notna(), ["bag_verblijfsobject_id", "risicocategorie"]]
        .drop_duplicates()
        .sort_values("risicocategorie")
    )
    vestigingen["risicocategorieen"] = _string_agg(
        categorieen["bag_verblijfsobject_id"], categorieen.groupby("bag_verblijfsobject_id", sort=False).cumcount(),
        categorieen["risicocategorie"], "|",
    )
    vestigingen = vestigingen.rename_axis("verblijfsobject_id").reset_index()

    rni = inputs["rni_inschrijvingen"]
    rni = (
        rni[(rni["maand"] >= params["begin_12m"]) & (rni["maand"] <= maand) & rni["nummeraanduiding_id"].notna()]
        .groupby("nummeraanduiding_id", as_index=False, sort=False)["inschrijvingen"].sum()
        .rename(columns={"inschrijvingen": "rni_inschrijvingen_12m"})
    )

    sig = inputs["signalen"]
    sig_datum = _dates(sig["datum"])
    signalen = (
        sig[(sig["geverifieerd"] == "J") & (sig_datum <= peildatum) & (sig_datum > _months_before(peildatum, 12))]
        .groupby("nummeraanduiding_id", sort=False)["signaal_id"].nunique()
        .rename("geverifieerde_signalen_12m").reset_index()
    )

    ctl = inputs["controles"].assign(datum=lambda f: _dates(f["datum"]))
    ctl = ctl[ctl["datum"] <= peildatum]
    controles = ctl.groupby("nummeraanduiding_id", sort=False)["datum"].max().to_frame("laatste_controle_datum")
    controles["laatste_controle_uitkomst"] = (   # arg_max(uitkomst, (datum, controle_id)) skips NULL uitkomst
        ctl[ctl["uitkomst"].notna()]
        .sort_values(["datum", "controle_id"])
        .drop_duplicates("nummeraanduiding_id", keep="last")
        .set_index("nummeraanduiding_id")["uitkomst"]
    )
    controles = controles.reset_index()

    f = (
        objecten.merge(brp_nu, on="nummeraanduiding_id", how="left")
        .merge(brp_historie, on="nummeraanduiding_id", how="left")
        .merge(vestigingen, on="verblijfsobject_id", how="left")
        .merge(rni, on="nummeraanduiding_id", how="left")
        .merge(signalen, on="nummeraanduiding_id", how="left")
        .merge(controles, on="nummeraanduiding_id", how="left")
        .merge(vac[["verblijfsobject_id", "leegstand", "leegstand_maanden"]], on="verblijfsobject_id", how="left")
    )
    b_ingeschrevenen = f["ingeschrevenen"]          # NULL when the address has no BRP row
    is_woning = _true(f["is_woning"])

    def coalesce0(column: str) -> pd.Series:
        return f[column].fillna(0).astype("int64")

    f["ingeschrevenen"] = coalesce0("ingeschrevenen")
    f["briefadressen"] = coalesce0("briefadressen")
    plausibel = _true(f["oppervlakte_plausibel"]) & (b_ingeschrevenen > 0).to_numpy()
    f["m2_per_ingeschrevene"] = _round(f["oppervlakte"] / b_ingeschrevenen.where(plausibel), 1)
    zonder_woonfunctie = ~f["heeft_woonfunctie"].fillna(True).astype(bool).to_numpy()   # NOT NULL is not true
    f["bewoning_zonder_woonfunctie"] = np.where(zonder_woonfunctie, f["ingeschrevenen"], 0)
    f["mutaties_12m"] = coalesce0("mutaties_12m")
    f["mutatiegraad_12m"] = _round(f["mutaties_12m"] / f["ingeschrevenen"].clip(lower=1), 2)
    for column in ("vertrokken_onbekend_24m", "vestigingen_actief", "risicosector_vestigingen",
                   "neven_risicosector_vestigingen", "uitzend_vestigingen", "rni_inschrijvingen_12m",
                   "geverifieerde_signalen_12m"):
        f[column] = coalesce0(column)
    f["vestigingen_op_woning"] = np.where(is_woning, f["vestigingen_actief"], 0)
    f["risicosector_op_woning"] = np.where(is_woning, f["risicosector_vestigingen"], 0)
    f["uitzend_op_woning"] = np.where(is_woning, f["uitzend_vestigingen"], 0)
    f.insert(0, "maand", maand)
    return f[[
        "maand", "verblijfsobject_id", "nummeraanduiding_id", "buurtcode", "gebruiksdoel", "heeft_woonfunctie",
        "is_woning", "oppervlakte", "oppervlakte_plausibel", "ingeschrevenen", "briefadressen",
        "m2_per_ingeschrevene", "bewoning_zonder_woonfunctie", "mutaties_12m", "mutatiegraad_12m",
        "vertrokken_onbekend_24m", "vestigingen_actief", "vestigingen_op_woning", "risicosector_vestigingen",
        "risicosector_op_woning", "risicocategorieen", "neven_risicosector_vestigingen", "uitzend_vestigingen",
        "uitzend_op_woning", "rni_inschrijvingen_12m", "geverifieerde_signalen_12m", "laatste_controle_datum",
        "laatste_controle_uitkomst", "leegstand", "leegstand_maanden",
    ]]


# --- marts.adresscores.sql ----------------------------------------------------------------

def address_scores(features: pd.DataFrame, params: dict, indicatoren) -> pd.DataFrame:
    maand = params["maand"]
    indicator_drempels = thresholds_frame(indicatoren)

    # kenmerken: the allowlisted facts as DOUBLE, a zero count turned into NULL. Objects are
    # addressed by row position (`rij`) from here on, so joins and groups run on integers.
    kenmerken = features[["verblijfsobject_id", "buurtcode"]].reset_index(drop=True)
    waarden = {
        kenmerk: features[kenmerk].to_numpy(dtype=float) if kenmerk in ZONDER_NULLIF
        else features[kenmerk].where(features[kenmerk] != 0).to_numpy(dtype=float)
        for kenmerk in TOEGESTANE_KENMERKEN
    }

    # waarden + gebruikt: unpivot (NULLs dropped) of the facts an indicator uses
    gebruikt = pd.concat(
        [
            pd.DataFrame({"rij": np.flatnonzero(~np.isnan(waarden[k])), "kenmerk": k})
            .assign(waarde=lambda g, k=k: waarden[k][g["rij"]])
            for k in TOEGESTANE_KENMERKEN if k in set(indicator_drempels["kenmerk"])
        ],
        ignore_index=True,
    )

    # treffers: per object and indicator the highest threshold step reached
    d = indicator_drempels.rename(columns={"reden": "sjabloon"}).reset_index(names="trede")
    paren = gebruikt.merge(d, on="kenmerk")
    w, grens, vergelijking = paren["waarde"].to_numpy(), paren["drempel"].to_numpy(), paren["vergelijking"].to_numpy()
    voldoet = np.select(
        [vergelijking == "<", vergelijking == "<=", vergelijking == ">", vergelijking == ">="],
        [w < grens, w <= grens, w > grens, w >= grens],
        default=False,
    )
    treffers = (
        paren[voldoet]
        .sort_values("punten", ascending=False, kind="stable")
        .drop_duplicates(["rij", "indicator"])      # max(punten), arg_max(drempel/norm, punten)
    )

    # redenen: the template with {drempel}, {norm} and {maand} filled per threshold step, cut at
    # {waarde}; the value text is put between the pieces.
    maandtekst = maandnaam(maand)
    stukken = pd.Series(
        [
            sjabloon.replace("{drempel}", _getal_tekst(drempel)).replace("{norm}", _getal_tekst(norm))
            .replace("{maand}", maandtekst).split("{waarde}")
            for sjabloon, drempel, norm in zip(d["sjabloon"], d["drempel"], d["norm"])   # threshold steps
        ],
        index=d["trede"],
    )
    waarde_tekst = pd.Series(index=treffers.index, dtype=object)
    for decimalen in treffers["decimalen"].unique():
        hier = (treffers["decimalen"] == decimalen).to_numpy()
        waarden_hier = treffers.loc[hier, "waarde"]
        if decimalen == 0:
            waarde_tekst[hier] = pd.Series(_round(waarden_hier), index=waarden_hier.index).astype("int64").astype(str)
        else:
            waarde_tekst[hier] = waarden_hier.map(f"{{:.{decimalen}f}}".format).str.replace(".", ",", regex=False)
    delen = pd.DataFrame(stukken.tolist(), index=stukken.index).reindex(treffers["trede"].to_numpy())
    delen.index = treffers.index
    reden = delen[0]
    for deel in delen.columns[1:]:
        reden = reden + (waarde_tekst + delen[deel]).fillna("")
    treffers = treffers.assign(reden=reden)

    # per_object: score, indicators by points then configuration order, at most four reasons
    geordend = treffers.sort_values(["rij", "punten", "volgorde"], ascending=[True, False, True])
    positie = geordend.groupby("rij").cumcount()
    per_object = geordend.groupby("rij")["punten"].sum().rename("score").to_frame()
    per_object["indicatoren"] = _string_agg(geordend["rij"], positie, geordend["indicator"], "|")
    eerste4 = positie < 4
    per_object["redenen"] = _string_agg(geordend["rij"][eerste4], positie[eerste4], geordend["reden"][eerste4], "; ")

    scores = kenmerken.join(per_object)
    scores["score"] = scores["score"].fillna(0).astype("int64")
    # row_number() OVER (ORDER BY score DESC, md5_number(maand || verblijfsobject_id))
    hoog, laag = _md5_number(maand + scores["verblijfsobject_id"])
    scores = scores.iloc[np.lexsort((laag, hoog, -scores["score"].to_numpy()))]
    scores["rang"] = np.arange(1, len(scores) + 1)
    scores.insert(0, "maand", maand)
    return scores[["maand", "verblijfsobject_id", "buurtcode", "score", "rang", "indicatoren", "redenen"]]


# --- marts.controlelijst.sql ------------------------------------------------------------------

def control_list(inputs: dict[str, pd.DataFrame], params: dict, features: pd.DataFrame,
                 scores: pd.DataFrame, lijst: dict) -> pd.DataFrame:
    maand = params["maand"]
    capaciteit = int(lijst.get("capaciteit", 25))
    steekproef_omvang = int(lijst.get("steekproef", 5))
    seed = int(lijst.get("steekproef_seed", 638))
    rustperiode = int(lijst.get("rustperiode_maanden", 6))

    rust = features.loc[
        (features["laatste_controle_uitkomst"] == "geen bijzonderheden")
        & (_dates(features["laatste_controle_datum"]) > _months_before(params["peildatum"], rustperiode)),
        "verblijfsobject_id",
    ]
    kandidaten = scores[(scores["score"] > 0) & ~scores["verblijfsobject_id"].isin(rust)]
    top_k = (
        kandidaten.sort_values(["score", "rang"], ascending=[False, True]).head(capaciteit)
        [["verblijfsobject_id", "score", "redenen"]].assign(aanleiding="risicolijst")
    )
    populatie = features.loc[
        (_true(features["is_woning"]) | (features["ingeschrevenen"] > 0) | (features["vestigingen_actief"] > 0))
        & ~features["verblijfsobject_id"].isin(top_k["verblijfsobject_id"])
        & ~features["verblijfsobject_id"].isin(rust),
        ["verblijfsobject_id"],
    ]
    steekproef = (
        populatie.merge(scores[["verblijfsobject_id", "score", "redenen"]], on="verblijfsobject_id")
        .pipe(lambda p: p.iloc[np.argsort(_md5(f"{seed}/{maand}/" + p["verblijfsobject_id"]), kind="stable")])
        .head(steekproef_omvang)
        .assign(aanleiding="steekproef")
    )

    lijst_ = pd.concat([top_k, steekproef], ignore_index=True)
    bag = inputs["bag_verblijfsobject"].rename(columns={"identificatie": "verblijfsobject_id"})[
        ["verblijfsobject_id", "buurtcode", "openbare_ruimte_naam", "huisnummer", "huisletter", "toevoeging", "postcode"]
    ]
    l = (
        lijst_.merge(scores[["verblijfsobject_id", "rang"]], on="verblijfsobject_id")
        .merge(bag, on="verblijfsobject_id")
        .assign(is_steekproef=lambda x: x["aanleiding"] == "steekproef")
        .sort_values(["is_steekproef", "score", "rang"], ascending=[True, False, True])
    )
    l["rang"] = np.arange(1, len(l) + 1)
    l["redenen"] = l["redenen"].where(
        ~l["is_steekproef"], STEEKPROEF_TEKST + ("; " + l["redenen"]).fillna("")
    )
    huisnummer = (
        l["huisnummer"].astype("Int64").astype(str)
        + l["huisletter"].fillna("") + ("-" + l["toevoeging"]).fillna("")
    ).where(l["huisnummer"].notna())
    straat = l["openbare_ruimte_naam"]   # concat_ws(' ', straat, nummer): NULL parts left out
    l["adres"] = straat.fillna("") + np.where(straat.notna() & huisnummer.notna(), " ", "") + huisnummer.fillna("")
    l.insert(0, "maand", maand)
    l["steekproef_seed"] = seed
    return l[["maand", "verblijfsobject_id", "rang", "score", "aanleiding", "redenen", "buurtcode", "adres",
              "postcode", "steekproef_seed"]].reset_index(drop=True)
