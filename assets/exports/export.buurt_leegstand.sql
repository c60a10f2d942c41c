-- export.buurt_leegstand: the export month's dwelling stock and administratively vacant
-- dwellings per buurt (plain counts; assets/exports/tables.py suppresses them).
SELECT
    buurtcode,
    buurtnaam,
    woningen,
    leegstaand,
    woz_meegenomen
FROM marts.leegstand_buurt
WHERE maand = $maand
ORDER BY buurtcode
