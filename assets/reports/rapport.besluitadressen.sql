-- rapport.besluitadressen: the addresses the overleg can add to the month's list from its own
-- signals (any signal of the last 12 months on a hoofdadres of this month's BAG), not already on
-- the list, for the decision form's address picker.
SELECT DISTINCT
    v.nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id,
    concat_ws(' ', v.openbare_ruimte_naam,
              v.huisnummer::VARCHAR || coalesce(v.huisletter, '') || coalesce('-' || v.toevoeging, '')) AS adres,
    v.postcode,
    v.woonplaats_naam AS woonplaats
FROM staging.signalen AS s
JOIN staging.bag_verblijfsobject AS v ON v.maand = $maand AND v.identificatie = s.verblijfsobject_id
WHERE s.maand BETWEEN $begin_12m AND $maand
  AND v.identificatie NOT IN (SELECT verblijfsobject_id FROM marts.controlelijst WHERE maand = $maand)
ORDER BY adres, v.postcode
