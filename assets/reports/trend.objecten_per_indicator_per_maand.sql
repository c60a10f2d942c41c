-- trend.objecten_per_indicator_per_maand: how many verblijfsobjecten meet each indicator per
-- month (prevalence), and how many of those are on that month's risk list, up to and
-- including $maand. An indicator that occurs in some month gets a row (0) in every month.
WITH per_object AS (
    -- one row per object and indicator it meets, without a DISTINCT: (maand, verblijfsobject_id)
    -- is the grain of marts.adresscores (checked before a month is published, assets/maand.py) and
    -- an object's indicatoren are distinct (the keys of its punten_per_indicator map). Objects
    -- without indicators (NULL) are left out in the scan, so their ids are never materialised.
    SELECT maand, verblijfsobject_id, unnest(indicatoren) AS indicator
    FROM marts.adresscores
    WHERE maand <= $maand AND indicatoren IS NOT NULL
),
lijst AS (
    SELECT maand, verblijfsobject_id
    FROM marts.controlelijst
    WHERE maand <= $maand AND aanleiding = 'risicolijst'
),
telling AS (
    SELECT p.maand, p.indicator,
           count(*) AS objecten,
           count(l.verblijfsobject_id) AS op_risicolijst
    FROM per_object AS p
    LEFT JOIN lijst AS l USING (maand, verblijfsobject_id)
    GROUP BY p.maand, p.indicator
),
maanden AS (
    SELECT DISTINCT maand FROM marts.adresscores WHERE maand <= $maand
),
indicatoren AS (
    SELECT DISTINCT indicator FROM telling
)
SELECT
    m.maand,
    i.indicator,
    coalesce(t.objecten, 0)::INTEGER AS objecten,
    coalesce(t.op_risicolijst, 0)::INTEGER AS op_risicolijst
FROM maanden AS m
CROSS JOIN indicatoren AS i
LEFT JOIN telling AS t USING (maand, indicator)
ORDER BY m.maand, i.indicator
