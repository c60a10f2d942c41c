-- staging.bag_verblijfsobject: the gemeente's verblijfsobjecten of one month, with buurt and
-- the CBS dwelling definition. Rows of other bronhouders are left out (counted at ingest).
-- `ontvangen` is the contract's frame of the file (the accepted rows), with the buurtcode of each
-- row's RD point beside it (assets/ingest/month.py: _buurtcodes).
WITH doelen AS (  -- the distinct combinations of gebruiksdoelen (a few hundred), each split once
    SELECT gebruiksdoel, list_transform(string_split(gebruiksdoel, ','), lambda d: trim(lower(d))) AS doelen
    FROM (SELECT DISTINCT gebruiksdoel FROM ontvangen)
),
received AS (
    SELECT o.*, $maand::VARCHAR AS maand, d.doelen
    FROM ontvangen AS o
    LEFT JOIN doelen AS d ON d.gebruiksdoel IS NOT DISTINCT FROM o.gebruiksdoel
    WHERE ($gemeente = '*' OR o.bronhouder_identificatie = $gemeente)
)
SELECT
    r.maand,
    r.identificatie,
    r.nummeraanduiding_hoofdadres_identificatie,
    r.openbare_ruimte_naam,
    r.woonplaats_naam,
    r.huisnummer,
    nullif(upper(trim(r.huisletter)), '') AS huisletter,
    nullif(trim(r.toevoeging), '') AS toevoeging,
    upper(replace(r.postcode, ' ', '')) AS postcode,
    array_to_string(r.doelen, ',') AS gebruiksdoel,
    r.oppervlakte,
    r.status,
    r.pand_identificatie,
    r.bouwjaar,
    r.bronhouder_identificatie,
    r.x,
    r.y,
    r.buurtcode,
    list_contains(r.doelen, 'woonfunctie') AS heeft_woonfunctie,
    list_contains(r.doelen, 'woonfunctie')
        AND r.status IN ('Verblijfsobject in gebruik',
                         'Verblijfsobject in gebruik (niet ingemeten)',
                         'Verblijfsobject buiten gebruik') AS is_woning,
    coalesce(r.oppervlakte >= 6, false) AS oppervlakte_plausibel
FROM received AS r
