-- staging.brp_adrestellingen: BRP counts per address of one month, linked to the BAG object
-- whose hoofdadres it is (addresses outside the month's BAG were quarantined at the contract).
SELECT
    r.maand,
    r.nummeraanduiding_id,
    r.peildatum,
    r.ingeschrevenen,
    r.briefadressen,
    r.inschrijvingen,
    r.uitschrijvingen,
    r.vertrokken_onbekend,
    v.identificatie AS verblijfsobject_id
FROM raw.brp_adrestellingen AS r
LEFT JOIN staging.bag_verblijfsobject AS v
    ON v.maand = r.maand
   AND v.nummeraanduiding_hoofdadres_identificatie = r.nummeraanduiding_id
WHERE r.maand = $maand
