"""Trend tables of the RIEC export, the parts restructured for national scale.

- trend.objecten_per_indicator_per_maand reads only the objects with indicators and no longer
  deduplicates (the grain of marts.adresscores and the distinct map keys make that a no-op): it
  must give the table the DISTINCT formulation gives, also for months in which no object meets
  an indicator and for objects with an empty list.
- trend_leegstand takes woz_meegenomen per buurt by position instead of a look-up per row: the
  same values (also a missing one) and the gemeente row's "all buurten" value.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from assets.exports.suppression import TOTAL, Rule
from assets.exports.tables import trend_leegstand
from assets.reports.trends import trend_table
from tests.warehouse_builder import new_warehouse

# The query as it was, with the DISTINCT over (maand, object, indicator) and the unnest of every row.
DISTINCT_REFERENCE = """
WITH per_object AS (
    SELECT DISTINCT s.maand, s.verblijfsobject_id, i.indicator
    FROM marts.adresscores AS s, unnest(s.indicatoren) AS i(indicator)
    WHERE s.maand <= $maand
),
lijst AS (
    SELECT maand, verblijfsobject_id FROM marts.controlelijst WHERE maand <= $maand AND aanleiding = 'risicolijst'
),
telling AS (
    SELECT p.maand, p.indicator, count(*) AS objecten, count(l.verblijfsobject_id) AS op_risicolijst
    FROM per_object AS p LEFT JOIN lijst AS l USING (maand, verblijfsobject_id)
    GROUP BY p.maand, p.indicator
),
maanden AS (SELECT DISTINCT maand FROM marts.adresscores WHERE maand <= $maand),
indicatoren AS (SELECT DISTINCT indicator FROM telling)
SELECT m.maand, i.indicator, coalesce(t.objecten, 0)::INTEGER AS objecten,
       coalesce(t.op_risicolijst, 0)::INTEGER AS op_risicolijst
FROM maanden AS m CROSS JOIN indicatoren AS i LEFT JOIN telling AS t USING (maand, indicator)
ORDER BY m.maand, i.indicator
"""


def test_objects_per_indicator_equal_the_distinct_formulation():
    con = new_warehouse()
    rng = np.random.default_rng(3)
    indicatoren = ["laag_m2_per_ingeschrevene", "hoge_mutatiegraad", "veel_briefadressen", "rni_verblijfsadres"]
    rows, lijst = [], []
    for maand in ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]:
        for n in range(400):
            vo = f"0638010000{n:06d}"
            if maand == "2026-08" or n % 3:  # 2026-08: a month in which no object meets an indicator
                lijstje = None if n % 2 or maand == "2026-08" else []
            else:
                k = int(rng.integers(1, 4))
                lijstje = list(rng.choice(indicatoren, size=k, replace=False))
            rows.append({"maand": maand, "verblijfsobject_id": vo, "score": 0 if not lijstje else 10 * len(lijstje),
                         "rang": n + 1, "indicatoren": lijstje})
            if lijstje and n % 5 == 0:
                lijst.append({"maand": maand, "verblijfsobject_id": vo, "rang": len(lijst) + 1, "score": 10,
                              "aanleiding": "risicolijst" if n % 10 else "steekproef"})
    con.register("_scores", pd.DataFrame(rows))
    con.execute("INSERT INTO marts.adresscores BY NAME SELECT * FROM _scores")
    con.register("_lijst", pd.DataFrame(lijst))
    con.execute("INSERT INTO marts.controlelijst BY NAME SELECT * FROM _lijst")

    for maand in ["2026-08", "2026-10", "2026-11"]:
        got = trend_table(con, "objecten_per_indicator_per_maand", maand)
        expected = con.execute(DISTINCT_REFERENCE, {"maand": maand}).df()
        pd.testing.assert_frame_equal(got, expected)
    got = trend_table(con, "objecten_per_indicator_per_maand", "2026-11")
    assert set(got.loc[got["maand"] == "2026-08", "objecten"]) == {0}  # the month is there, with zeros
    assert got["op_risicolijst"].sum() > 0 and got["objecten"].sum() > got["op_risicolijst"].sum()


def test_trend_leegstand_keeps_the_woz_flag_of_every_buurt_and_of_the_gemeente():
    def month(maand: str, woz: list) -> pd.DataFrame:
        return pd.DataFrame({
            "maand": maand, "buurtcode": ["BU06380003", "BU06380001", "BU06380002"],
            "buurtnaam": ["C", "A", "B"], "woningen": [120, 45, 300], "leegstaand": [3, 12, 25],
            "leegstand_pct": [2.5, 26.7, 8.3], "verschil_vorige_maand": None, "woz_meegenomen": woz,
        })

    frame = pd.concat([month("2026-09", [True, None, True]), month("2026-10", [True, True, True]),
                       month("2026-11", [False, True, True])], ignore_index=True)
    out = trend_leegstand(frame, Rule(10))
    got = {(m, code): woz for m, code, woz in out[["maand", "buurtcode", "woz_meegenomen"]].itertuples(index=False)}
    # per buurt the buurt's own value (sorted by buurtcode); the total: every buurt had WOZ
    assert got[("2026-09", "BU06380001")] is None
    assert got[("2026-09", "BU06380003")] == True  # noqa: E712 (a numpy or Python bool)
    assert got[("2026-09", TOTAL)] is False  # a missing flag counts as no WOZ
    assert got[("2026-10", TOTAL)] is True
    assert got[("2026-11", "BU06380003")] == False  # noqa: E712
    assert got[("2026-11", TOTAL)] is False
    assert list(out.loc[out["maand"] == "2026-10", "buurtcode"]) == ["BU06380001", "BU06380002", "BU06380003", TOTAL]
