-- rapport.woz: whether a WOZ file was part of this month's vacancy, and which one: the latest
-- WOZ delivery at or before $maand.
WITH gebruikt AS (
    SELECT max(maand) AS woz_maand FROM staging.woz_gebruik WHERE maand <= $maand
)
SELECT
    coalesce((SELECT bool_or(woz_meegenomen) FROM marts.leegstand WHERE maand = $maand), false) AS woz_meegenomen,
    g.woz_maand,
    (SELECT bestand FROM audit.bronnen_maand a WHERE a.maand = g.woz_maand AND a.bron = 'woz_gebruik') AS bestand
FROM gebruikt AS g
