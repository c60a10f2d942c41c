-- rapport.controlelijst: the proposed control list of $maand with everything the
-- signaleringsoverleg reads per address, the object's location for the internal map, and
-- two orders: by rank (score) and a neutral one by street, house number and letter.
SELECT
    c.rang,
    row_number() OVER (
        ORDER BY v.openbare_ruimte_naam, v.huisnummer, coalesce(v.huisletter, ''), coalesce(v.toevoeging, ''), v.postcode
    )::INTEGER AS straatvolgorde,
    c.verblijfsobject_id,
    v.nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id,
    c.adres,
    c.postcode,
    v.woonplaats_naam AS woonplaats,
    c.buurtcode,
    b.buurtnaam,
    c.score,
    c.aanleiding,
    c.redenen,
    v.gebruiksdoel,
    f.laatste_controle_datum,
    f.laatste_controle_uitkomst,
    v.x,
    v.y
FROM marts.controlelijst AS c
LEFT JOIN staging.bag_verblijfsobject AS v ON v.maand = c.maand AND v.identificatie = c.verblijfsobject_id
LEFT JOIN staging.cbs_buurten AS b ON b.buurtcode = c.buurtcode
LEFT JOIN marts.adreskenmerken AS f ON f.maand = c.maand AND f.verblijfsobject_id = c.verblijfsobject_id
WHERE c.maand = $maand
ORDER BY c.rang
