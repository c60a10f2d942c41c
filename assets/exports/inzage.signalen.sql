-- inzage.signalen: signals on one object per month and kind, verified or not. The source of a
-- signal (who reported it) is left out to protect whoever reported it.
SELECT
    maand,
    soort,
    count(*) FILTER (WHERE geverifieerd = 'J') AS geverifieerd,
    count(*) FILTER (WHERE geverifieerd IS DISTINCT FROM 'J') AS niet_geverifieerd,
    min(datum) AS eerste_datum,
    max(datum) AS laatste_datum
FROM staging.signalen
WHERE verblijfsobject_id = $verblijfsobject_id
GROUP BY ALL
ORDER BY maand, soort
