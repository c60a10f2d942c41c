-- staging.controles: controls of one month's file and their outcome, linked to the BAG object.
SELECT
    r.maand,
    r.controle_id,
    r.datum,
    r.nummeraanduiding_id,
    r.aanleiding,
    r.uitkomst,
    v.identificatie AS verblijfsobject_id
FROM raw.controles AS r
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = r.maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
WHERE r.maand = $maand
