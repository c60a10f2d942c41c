-- staging.besluiten: the overleg's decisions of one month's file, linked to the BAG object of the
-- address. Rows whose reason is not in besluiten.redenen were quarantined before raw
-- (assets/ingest/month.py: set_aside_unknown_reasons); an empty reason is allowed.
SELECT
    r.maand,
    r.nummeraanduiding_id,
    r.soort_voorstel,
    r.besluit,
    r.reden,
    r.notitie,
    r.datum,
    v.identificatie AS verblijfsobject_id
FROM raw.besluiten AS r
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = r.maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
WHERE r.maand = $maand
