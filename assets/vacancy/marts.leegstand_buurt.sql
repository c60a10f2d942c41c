-- marts.leegstand_buurt: administrative vacancy per CBS buurt for one month: dwelling stock,
-- vacant dwellings, rate, and the change against the previous month.
WITH deze_maand AS (
    SELECT coalesce(buurtcode, 'onbekend') AS buurtcode,
           count(*) FILTER (WHERE is_woning) AS woningen,
           count(*) FILTER (WHERE leegstand) AS leegstaand,
           bool_and(woz_meegenomen) AS woz_meegenomen
    FROM marts.leegstand
    WHERE maand = $maand
    GROUP BY ALL
),
vorige AS (
    SELECT buurtcode, leegstaand FROM marts.leegstand_buurt WHERE maand = $vorige_maand
)
SELECT
    $maand AS maand,
    d.buurtcode,
    coalesce(b.buurtnaam, 'Buiten de bekende buurten') AS buurtnaam,
    d.woningen,
    d.leegstaand,
    CASE WHEN d.woningen > 0 THEN round(100.0 * d.leegstaand / d.woningen, 2) END AS leegstand_pct,
    d.leegstaand - v.leegstaand AS verschil_vorige_maand,
    d.woz_meegenomen
FROM deze_maand AS d
LEFT JOIN staging.cbs_buurten AS b USING (buurtcode)
LEFT JOIN vorige AS v USING (buurtcode)
