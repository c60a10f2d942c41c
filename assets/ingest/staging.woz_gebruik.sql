-- staging.woz_gebruik: WOZ use per object as delivered for this month (usually yearly).
-- `ontvangen` is the contract's frame of the file (the accepted rows).
SELECT $maand::VARCHAR AS maand, r.verblijfsobject_id, lower(trim(r.gebruik)) AS gebruik
FROM ontvangen AS r
