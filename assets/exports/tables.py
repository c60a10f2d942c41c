"""The tables of the RIEC package, suppressed: trend tables and per-buurt figures.

Every table that leaves the municipality has an explicit rule here saying which counts add up
to which total; the totals are published and the suppression (assets.exports.suppression)
makes sure they do not give away a hidden cell. A trend table without a rule is left out of
the package (and named in the manifest), never exported unsuppressed.

Rules of thumb used below:
- Totals only within one month (a total over all months up to the export month grows with
  every package, and the difference between two packages would give away the newest month).
- Derived figures are left out when they would add an equation the suppression does not know
  (leegstand `verschil_vorige_maand`, cumulative hit rates); the reader can compute them from
  the cells that are shown.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from assets.exports.suppression import TOTAL, Rule, percentage, suppress

TOTAAL_BUURT = "Totaal gemeente"


def _parts_table(frame: pd.DataFrame, parts: list[str], total: str, rule: Rule, col_totals: bool = False):
    """Suppress rows of `parts` adding up to `total` (the row total, published as `total`).

    Returns (published frame with RangeIndex rows of `frame` (+ a TOTAL row when col_totals),
    hidden mask with the same layout, true counts with the same layout).
    """
    wide = frame[parts].fillna(0).astype(np.int64).reset_index(drop=True)
    if not (wide.sum(axis=1).to_numpy() == frame[total].fillna(0).to_numpy()).all():
        raise ValueError(f"de delen {parts} tellen niet op tot {total}")
    result = suppress(wide, rule.threshold, rule.marker, row_totals=True, col_totals=col_totals)
    rename = {TOTAL: total}
    published = result.table().rename(columns=rename)
    hidden = result.hidden.rename(columns=rename)
    counts = result.counts.rename(columns=rename)
    return published, hidden, counts


# --- leegstand per buurt (one month, and per month for the trend) ---------------------------


def leegstand_buurt(frame: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """One month of marts.leegstand_buurt: buurt x {leegstaand, bewoond}, woningen as row total,
    a gemeente total row. Columns: buurtcode, buurtnaam, woningen, leegstaand, leegstand_pct."""
    frame = frame.sort_values("buurtcode").reset_index(drop=True)
    data = frame.assign(
        woningen=frame["woningen"].fillna(0).astype(np.int64),
        leegstaand=frame["leegstaand"].fillna(0).astype(np.int64),
    )
    data["bewoond"] = data["woningen"] - data["leegstaand"]
    if (data["bewoond"] < 0).any():
        raise ValueError("leegstaand groter dan woningen in marts.leegstand_buurt")
    published, hidden, counts = _parts_table(data, ["leegstaand", "bewoond"], "woningen", rule, col_totals=True)
    out = pd.DataFrame({
        "buurtcode": list(data["buurtcode"]) + [TOTAL],
        "buurtnaam": list(data["buurtnaam"]) + [TOTAAL_BUURT],
        "woningen": published["woningen"].to_numpy(),
        "leegstaand": published["leegstaand"].to_numpy(),
    })
    out["leegstand_pct"] = percentage(
        counts["leegstaand"].reset_index(drop=True), counts["woningen"].reset_index(drop=True), rule.threshold,
        rule.marker, hidden=(hidden["leegstaand"] | hidden["woningen"]).reset_index(drop=True),
    ).to_numpy()
    return out


def trend_leegstand(frame: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """trend.leegstand_per_buurt_per_maand, each month suppressed as `leegstand_buurt`."""
    months = []
    for maand, month in frame.groupby("maand", sort=True):
        table = leegstand_buurt(month, rule)
        woz = month.set_index("buurtcode")["woz_meegenomen"]
        alle = bool(woz.fillna(False).all()) if len(woz) else None
        # per buurt its own value (the same objects as woz.get(code)); the total row: all buurten
        values, where = woz.to_numpy(), woz.index.get_indexer(table["buurtcode"]).tolist()
        table["woz_meegenomen"] = [values[p] if p >= 0 else alle for p in where]
        months.append(table.assign(maand=maand))
    columns = ["maand", "buurtcode", "buurtnaam", "woningen", "leegstaand", "leegstand_pct", "woz_meegenomen"]
    return pd.concat(months, ignore_index=True)[columns] if months else pd.DataFrame(columns=columns)


# --- control list per buurt (one month) --------------------------------------------------------


def controlelijst_buurt(frame: pd.DataFrame, buurten: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Addresses on the month's control list per buurt and aanleiding, with totals.

    `frame`: buurtcode, aanleiding, adressen (counts); `buurten`: buurtcode, buurtnaam of every
    buurt to show (buurten without addresses get 0, hidden like any small count)."""
    aanleidingen = ["risicolijst", "steekproef"]
    extra = sorted(set(frame["aanleiding"]) - set(aanleidingen))
    wide = (
        frame.pivot_table(index="buurtcode", columns="aanleiding", values="adressen", aggfunc="sum", fill_value=0)
        .reindex(index=sorted(set(buurten["buurtcode"]) | set(frame["buurtcode"])), columns=aanleidingen + extra, fill_value=0)
        .fillna(0)
        .astype(np.int64)
    )
    result = suppress(wide.reset_index(drop=True), rule.threshold, rule.marker, row_totals=True, col_totals=True)
    published = result.table().rename(columns={TOTAL: "controlelijst"})
    namen = buurten.drop_duplicates("buurtcode").set_index("buurtcode")["buurtnaam"]
    out = pd.DataFrame({
        "buurtcode": list(wide.index) + [TOTAL],
        "buurtnaam": [namen.get(code, code) for code in wide.index] + [TOTAAL_BUURT],
    })
    for column in published.columns:
        out[column] = published[column].to_numpy()
    return out


def buurtcijfers(vacancy_buurt: pd.DataFrame, controlelijst: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """The per-buurt figures of the export month: leegstand and control-list counts side by side.

    Both parts are suppressed on their own (they share no cell and no total)."""
    leeg = leegstand_buurt(vacancy_buurt, rule)
    lijst = controlelijst_buurt(controlelijst, vacancy_buurt[["buurtcode", "buurtnaam"]], rule)
    out = leeg.merge(lijst.drop(columns="buurtnaam"), on="buurtcode", how="outer", sort=False)
    out["buurtnaam"] = out["buurtnaam"].fillna(out["buurtcode"].map(lijst.set_index("buurtcode")["buurtnaam"]))
    # an outer join can leave buurten without a vacancy row: their counts are unknown, not zero
    out[["woningen", "leegstaand", "leegstand_pct"]] = out[["woningen", "leegstaand", "leegstand_pct"]].astype(object)
    order = out["buurtcode"].eq(TOTAL)
    return pd.concat([out[~order].sort_values("buurtcode"), out[order]], ignore_index=True)


# --- the other trend tables ----------------------------------------------------------------------


def trend_objecten_per_indicator(frame: pd.DataFrame, rule: Rule, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Per month and indicator: objects, of which on the risk list (objects can meet several
    indicators, so there are no totals over indicators)."""
    data = frame.sort_values(["maand", "indicator"]).reset_index(drop=True)
    data["niet_op_risicolijst"] = data["objecten"] - data["op_risicolijst"]
    published, _hidden, _counts = _parts_table(data, ["op_risicolijst", "niet_op_risicolijst"], "objecten", rule)
    out = data[["maand", "indicator"]].copy()
    if labels:
        out["omschrijving"] = data["indicator"].map(labels)
    out["objecten"] = published["objecten"].to_numpy()
    out["op_risicolijst"] = published["op_risicolijst"].to_numpy()
    return out


UITKOMSTEN = ["treffers", "geen_bijzonderheden", "geen_toegang"]


def trend_controles(frame: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Controls per month and aanleiding: treffers (overbewoning, signalen uitbuiting, andere
    overtreding together), geen bijzonderheden, geen toegang; the month's hit rate. The finer
    outcomes and the cumulative rates stay inside (need to know; differencing)."""
    data = frame.sort_values(["maand", "aanleiding"]).reset_index(drop=True)
    parts = list(UITKOMSTEN)
    data["overige_uitkomst"] = data["controles"] - data[parts].sum(axis=1)
    if (data["overige_uitkomst"] != 0).any():
        parts.append("overige_uitkomst")
    published, hidden, counts = _parts_table(data, parts, "controles", rule)
    out = data[["maand", "aanleiding"]].copy()
    for column in ["controles"] + parts:
        out[column] = published[column].to_numpy()
    gecontroleerd_parts = [p for p in parts if p != "geen_toegang"]
    gecontroleerd = counts[gecontroleerd_parts].sum(axis=1)
    out["trefkans_pct"] = percentage(
        counts["treffers"], gecontroleerd, rule.threshold, rule.marker,
        hidden=hidden[gecontroleerd_parts].any(axis=1),
    ).to_numpy()
    return out


def trend_rni(frame: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """RNI registrations per month, with and without a known stay address. Months without an
    RNI file stay empty (unknown). Quarantine counts are data quality: not for the RIEC."""
    data = frame.sort_values("maand").reset_index(drop=True)
    delivered = data["bestand_geleverd"].fillna(False).astype(bool)
    out = data[["maand"]].copy()
    columns = ["rni_inschrijvingen", "met_verblijfsadres", "zonder_verblijfsadres"]
    for column in columns:
        out[column] = pd.Series([None] * len(data), dtype=object)
    if delivered.any():
        part = data[delivered].reset_index(drop=True)
        published, _h, _c = _parts_table(part, ["met_verblijfsadres", "zonder_verblijfsadres"], "rni_inschrijvingen", rule)
        for column in columns:
            out.loc[delivered.to_numpy(), column] = published[column].to_numpy()
    out["bestand_geleverd"] = delivered
    return out


VORMEN = ["arbeidsuitbuiting", "seksuele_uitbuiting", "criminele_uitbuiting", "criminele_seksuele_uitbuiting", "onbekend"]


def trend_slachtoffers(frame: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Victims per year and form of exploitation, per bron and regio, totaal per year. Published
    figures of SHOP/CoMensha, suppressed anyway: the rule holds for all that leaves the gemeente."""
    vormen = [v for v in VORMEN if v in frame.columns]
    groups = []
    for (_bron, _regio), group in frame.sort_values(["bron", "regio", "jaar"]).groupby(["bron", "regio"], sort=True):
        group = group.reset_index(drop=True)
        published, _h, _c = _parts_table(group, vormen, "totaal", rule)
        out = group[["bron", "regio", "jaar"]].copy()
        for column in vormen + ["totaal"]:
            out[column] = published[column].to_numpy()
        groups.append(out)
    columns = ["bron", "regio", "jaar", *vormen, "totaal"]
    return pd.concat(groups, ignore_index=True)[columns] if groups else pd.DataFrame(columns=columns)


# What each exported trend table holds (Dutch, for LEESMIJ.txt and the manifest).
TREND_DESCRIPTIONS: dict[str, str] = {
    "leegstand_per_buurt_per_maand": "Per maand en buurt: woningen, administratief leegstaand (CBS-definitie), "
                                     "leegstandpercentage; per maand een totaal voor de gemeente",
    "objecten_per_indicator_per_maand": "Per maand en indicator: aantal objecten dat eraan voldoet, en hoeveel "
                                        "daarvan op de risicolijst staan (een object kan meerdere indicatoren hebben)",
    "controles_per_maand": "Per maand en aanleiding: controles, treffers (overbewoning, signalen uitbuiting, andere "
                           "overtreding samen), geen bijzonderheden, geen toegang, trefkans van de maand",
    "rni_per_maand": "Per maand: RNI-inschrijvingen, met en zonder bekend verblijfsadres (leeg: geen bestand geleverd)",
    "slachtoffers": "Slachtoffers per jaar en uitbuitingsvorm, per bron en regio (SHOP, CoMensha)",
}

# Trend table name (assets.reports.trends) -> how it is suppressed for export.
TREND_RULES: dict[str, Callable[..., pd.DataFrame]] = {
    "leegstand_per_buurt_per_maand": trend_leegstand,
    "objecten_per_indicator_per_maand": trend_objecten_per_indicator,
    "controles_per_maand": trend_controles,
    "rni_per_maand": trend_rni,
    "slachtoffers": trend_slachtoffers,
}


def suppress_trends(
    trends: dict[str, pd.DataFrame], rule: Rule, labels: dict[str, str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Suppressed trend tables for export, and the names of tables left out (no rule)."""
    out, left_out = {}, []
    for name, frame in trends.items():
        fn = TREND_RULES.get(name)
        if fn is None:
            left_out.append(name)
            continue
        out[name] = fn(frame, rule, labels) if fn is trend_objecten_per_indicator else fn(frame, rule)
    return out, left_out
