-- staging.signalen: signals of one month's file, linked to the BAG object of the address.
SELECT
    $maand::VARCHAR AS maand,
    r.signaal_id,
    r.datum,
    r.nummeraanduiding_id,
    r.bron,
    r.soort,
    r.geverifieerd,
    v.identificatie AS verblijfsobject_id
FROM ontvangen AS r  -- the contract's frame of the file
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = $maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
