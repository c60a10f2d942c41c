-- staging.besluiten: the overleg's decisions of one month's file, linked to the BAG object of the
-- address. Rows whose reason is not in besluiten.redenen were quarantined before staging
-- (assets/ingest/month.py: set_aside_unknown_reasons); an empty reason is allowed.
SELECT
    $maand::VARCHAR AS maand,
    r.nummeraanduiding_id,
    r.soort_voorstel,
    r.besluit,
    r.reden,
    r.notitie,
    r.datum,
    v.identificatie AS verblijfsobject_id
FROM ontvangen AS r  -- the contract's frame of the file
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = $maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
