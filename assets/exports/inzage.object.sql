-- inzage.object: the object's address and place as in its latest month in the warehouse, and
-- the months it appears in the BAG. One row (none when the id is not in the warehouse).
SELECT
    v.identificatie AS verblijfsobject_id,
    arg_max(v.nummeraanduiding_hoofdadres_identificatie, v.maand) AS nummeraanduiding_id,
    arg_max(concat_ws(' ', v.openbare_ruimte_naam,
            v.huisnummer::VARCHAR || coalesce(v.huisletter, '') || coalesce('-' || v.toevoeging, '')), v.maand) AS adres,
    arg_max(v.postcode, v.maand) AS postcode,
    arg_max(v.woonplaats_naam, v.maand) AS woonplaats,
    arg_max(v.buurtcode, v.maand) AS buurtcode,
    arg_max(b.buurtnaam, v.maand) AS buurtnaam,
    min(v.maand) AS eerste_maand,
    max(v.maand) AS laatste_maand,
    count(*) AS maanden_in_bag
FROM staging.bag_verblijfsobject AS v
LEFT JOIN staging.cbs_buurten AS b ON b.buurtcode = v.buurtcode
WHERE v.identificatie = $verblijfsobject_id
GROUP BY v.identificatie
