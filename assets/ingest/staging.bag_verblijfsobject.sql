-- staging.bag_verblijfsobject: the gemeente's verblijfsobjecten of one month, with buurt and
-- the CBS dwelling definition. Rows of other bronhouders are left out (counted at ingest).
-- `ontvangen` is the contract's frame of the file (the accepted rows), `bag_buurt` the buurt of each object.
WITH received AS (
    SELECT *, $maand::VARCHAR AS maand,
           list_transform(string_split(gebruiksdoel, ','), lambda d: trim(lower(d))) AS doelen
    FROM ontvangen
    WHERE ($gemeente = '*' OR bronhouder_identificatie = $gemeente)
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
    b.buurtcode,
    list_contains(r.doelen, 'woonfunctie') AS heeft_woonfunctie,
    list_contains(r.doelen, 'woonfunctie')
        AND r.status IN ('Verblijfsobject in gebruik',
                         'Verblijfsobject in gebruik (niet ingemeten)',
                         'Verblijfsobject buiten gebruik') AS is_woning,
    coalesce(r.oppervlakte >= 6, false) AS oppervlakte_plausibel
FROM received AS r
LEFT JOIN bag_buurt AS b USING (identificatie)
