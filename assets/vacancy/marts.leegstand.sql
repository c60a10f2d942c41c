-- marts.leegstand: administrative vacancy (CBS definition) per verblijfsobject for one month.
-- A woning is vacant when nobody is registered there in the BRP (briefadressen do not count),
-- no active establishment is matched to it in the HR, and the WOZ shows no use. Without any WOZ
-- file at or before the month, vacancy is BAG-BRP-HR only (woz_meegenomen = false).
-- leegstand_maanden counts consecutive vacant months, continuing the previous month's row.
WITH objecten AS (
    SELECT identificatie AS verblijfsobject_id, nummeraanduiding_hoofdadres_identificatie,
           buurtcode, is_woning
    FROM staging.bag_verblijfsobject
    WHERE maand = $maand
),
bewoners AS (
    SELECT verblijfsobject_id, sum(ingeschrevenen) AS ingeschrevenen
    FROM staging.brp_adrestellingen
    WHERE maand = $maand AND verblijfsobject_id IS NOT NULL
    GROUP BY verblijfsobject_id
),
vestigingen AS (
    SELECT bag_verblijfsobject_id AS verblijfsobject_id, count(*) AS vestigingen_actief
    FROM staging.kvk_vestigingen
    WHERE maand = $maand AND actief
    GROUP BY bag_verblijfsobject_id
),
woz_maand AS (
    SELECT max(maand) AS maand FROM staging.woz_gebruik WHERE maand <= $maand
),
woz AS (
    SELECT w.verblijfsobject_id, w.gebruik
    FROM staging.woz_gebruik AS w
    JOIN woz_maand USING (maand)
),
vorige AS (
    SELECT verblijfsobject_id, leegstand_maanden
    FROM marts.leegstand
    WHERE maand = $vorige_maand AND leegstand
),
gemarkeerd AS (
    SELECT o.verblijfsobject_id, o.buurtcode, o.is_woning,
           coalesce(b.ingeschrevenen, 0) AS ingeschrevenen,
           coalesce(v.vestigingen_actief, 0) AS vestigingen_actief,
           w.gebruik AS woz_gebruik,
           (SELECT maand IS NOT NULL FROM woz_maand) AS woz_meegenomen
    FROM objecten AS o
    LEFT JOIN bewoners AS b USING (verblijfsobject_id)
    LEFT JOIN vestigingen AS v USING (verblijfsobject_id)
    LEFT JOIN woz AS w USING (verblijfsobject_id)
)
SELECT
    $maand AS maand,
    g.verblijfsobject_id,
    g.buurtcode,
    g.is_woning,
    g.ingeschrevenen,
    g.vestigingen_actief,
    g.woz_gebruik,
    g.woz_meegenomen,
    g.is_woning AND g.ingeschrevenen = 0 AND g.vestigingen_actief = 0
        AND coalesce(g.woz_gebruik NOT IN ('eigenaar', 'huurder'), true) AS leegstand,
    CASE WHEN g.is_woning AND g.ingeschrevenen = 0 AND g.vestigingen_actief = 0
              AND coalesce(g.woz_gebruik NOT IN ('eigenaar', 'huurder'), true)
         THEN coalesce(p.leegstand_maanden, 0) + 1 ELSE 0 END AS leegstand_maanden
FROM gemarkeerd AS g
LEFT JOIN vorige AS p USING (verblijfsobject_id)
