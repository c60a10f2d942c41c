-- marts.evaluatie_drift: prevalence of each indicator (objects that score on it) against the
-- previous month. A jump above the factor is flagged: usually a source change, not a real one.
-- While the warehouse holds less history than the indicators' windows ($drift_aanloop_maanden
-- months before this one), counts grow because the windows fill up: that run-in is shown
-- (aanloop = true) but not flagged.
WITH per_object AS (
    SELECT maand, unnest(indicatoren) AS indicator
    FROM marts.adresscores
    WHERE maand IN ($maand, $vorige_maand) AND indicatoren IS NOT NULL
),
telling AS (
    SELECT maand, indicator, count(*) AS objecten FROM per_object GROUP BY ALL
),
vorige_bekend AS (
    SELECT count(*) > 0 AS bekend FROM marts.adresscores WHERE maand = $vorige_maand
),
historie AS (
    -- The months are grouped first and the earlier ones counted after: a filter on the scan
    -- would compare every row's maand, the grouping yields one row per month.
    SELECT count(*) FILTER (WHERE maand < $maand) < $drift_aanloop_maanden AS aanloop
    FROM (SELECT DISTINCT maand FROM staging.bag_verblijfsobject)
),
indicatoren AS (
    SELECT DISTINCT indicator FROM indicator_drempels
)
SELECT $maand AS maand, i.indicator,
       coalesce(n.objecten, 0) AS objecten,
       CASE WHEN (SELECT bekend FROM vorige_bekend) THEN coalesce(v.objecten, 0) END AS objecten_vorige_maand,
       greatest(coalesce(n.objecten, 0), coalesce(v.objecten, 0))
           / nullif(least(coalesce(n.objecten, 0), coalesce(v.objecten, 0)), 0) AS factor,
       (SELECT aanloop FROM historie) AS aanloop,
       coalesce((SELECT bekend FROM vorige_bekend) AND NOT (SELECT aanloop FROM historie)
                AND greatest(coalesce(n.objecten, 0), coalesce(v.objecten, 0)) >= $drift_minimum
                AND (least(coalesce(n.objecten, 0), coalesce(v.objecten, 0)) = 0
                     OR greatest(coalesce(n.objecten, 0), coalesce(v.objecten, 0))
                        / least(coalesce(n.objecten, 0), coalesce(v.objecten, 0)) > $drift_factor),
                false) AS signaal
FROM indicatoren AS i
LEFT JOIN telling AS n ON n.indicator = i.indicator AND n.maand = $maand
LEFT JOIN telling AS v ON v.indicator = i.indicator AND v.maand = $vorige_maand
