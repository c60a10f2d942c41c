-- staging.woz_gebruik: WOZ use per object as delivered for this month (usually yearly).
SELECT r.maand, r.verblijfsobject_id, lower(trim(r.gebruik)) AS gebruik
FROM raw.woz_gebruik AS r
WHERE r.maand = $maand
