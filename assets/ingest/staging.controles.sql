-- staging.controles: controls of one month's file and their outcome, linked to the BAG object.
SELECT
    $maand::VARCHAR AS maand,
    r.controle_id,
    r.datum,
    r.nummeraanduiding_id,
    r.aanleiding,
    r.uitkomst,
    v.identificatie AS verblijfsobject_id
FROM ontvangen AS r  -- the contract's frame of the file
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = $maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
