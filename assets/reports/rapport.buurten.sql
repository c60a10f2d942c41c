-- rapport.buurten: one row per CBS buurt for the maps of $maand: polygon (WKT, EPSG:28992),
-- administrative vacancy, number of addresses on the risk list (the random sample is not
-- counted: it says nothing about the buurt), and the average score per verblijfsobject.
WITH leegstand AS (
    SELECT buurtcode, woningen, leegstaand, leegstand_pct, verschil_vorige_maand
    FROM marts.leegstand_buurt WHERE maand = $maand
),
lijst AS (
    SELECT buurtcode,
           count(*) FILTER (WHERE aanleiding = 'risicolijst') AS op_risicolijst,
           count(*) FILTER (WHERE aanleiding = 'steekproef') AS in_steekproef
    FROM marts.controlelijst WHERE maand = $maand
    GROUP BY buurtcode
),
scores AS (
    SELECT buurtcode, count(*) AS objecten, avg(score) AS gemiddelde_score,
           count(*) FILTER (WHERE score > 0) AS objecten_met_score
    FROM marts.adresscores WHERE maand = $maand
    GROUP BY buurtcode
)
SELECT
    b.buurtcode,
    b.buurtnaam,
    b.geometrie_wkt,
    l.woningen,
    l.leegstaand,
    l.leegstand_pct,
    l.verschil_vorige_maand,
    coalesce(c.op_risicolijst, 0)::INTEGER AS op_risicolijst,
    coalesce(c.in_steekproef, 0)::INTEGER AS in_steekproef,
    s.objecten,
    s.objecten_met_score,
    s.gemiddelde_score
FROM staging.cbs_buurten AS b
LEFT JOIN leegstand AS l USING (buurtcode)
LEFT JOIN lijst AS c USING (buurtcode)
LEFT JOIN scores AS s USING (buurtcode)
ORDER BY b.buurtcode
