-- trend.leegstand_per_buurt_per_maand: administrative vacancy (CBS definition) per buurt and
-- month up to and including $maand, as marts.leegstand_buurt computed it. woz_meegenomen says
-- whether a WOZ file was part of the computation that month.
SELECT
    maand,
    buurtcode,
    buurtnaam,
    woningen,
    leegstaand,
    leegstand_pct,
    verschil_vorige_maand,
    woz_meegenomen
FROM marts.leegstand_buurt
WHERE maand <= $maand
ORDER BY maand, buurtcode
