-- staging.bag_pand: the footprints of the panden the month's verblijfsobjecten lie in (every pand of
-- an object, not only the one whose bouwjaar it got), as the BAG delivery has them: PDOK's layer pand,
-- the LV BAG's PND; the canonical CSV has none, so its months stay empty. `panden` is the BAG reader's
-- frame (identificatie, bouwjaar, status, geometrie_wkb: WKB polygons in EPSG:28992), already limited to
-- the panden the gemeente's objects name. Not used by the maps yet.
-- Grain: one row per maand and pand identificatie.
SELECT DISTINCT ON (identificatie)
    $maand::VARCHAR AS maand, identificatie, CAST(bouwjaar AS BIGINT) AS bouwjaar, status, geometrie_wkb
FROM panden
WHERE identificatie IS NOT NULL
ORDER BY identificatie
