-- export.adressen: the export month's control list, minimised for an address-level export
-- with a legal basis: which object, its address, why it is on the list and its place.
-- No resident counts, no scores per indicator, no buurt, no sample seed.
SELECT
    rang,
    verblijfsobject_id,
    adres,
    postcode,
    aanleiding,
    redenen
FROM marts.controlelijst
WHERE maand = $maand
ORDER BY rang
