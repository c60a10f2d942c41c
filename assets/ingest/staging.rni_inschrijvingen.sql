-- staging.rni_inschrijvingen: RNI registrations of one month; the stay address, when recorded,
-- linked to its BAG object.
SELECT
    $maand AS maand,
    r.rij,
    nullif(r.nummeraanduiding_id, '') AS nummeraanduiding_id,
    r.inschrijvingen,
    v.identificatie AS verblijfsobject_id
FROM ontvangen AS r  -- the contract's frame of the file
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = $maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
