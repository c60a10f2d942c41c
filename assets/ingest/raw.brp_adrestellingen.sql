-- raw.brp_adrestellingen: the accepted rows of one month's file as the contract typed them (with their row
-- number `rij`), plus the month and the file name. `ontvangen` is the contract's frame; a file keyed on
-- the verblijfsobject (contract variant per_verblijfsobject) also carries `verblijfsobject_id`, a file keyed
-- on the nummeraanduiding leaves it empty.
SELECT * EXCLUDE (verblijfsobject_id), $maand::VARCHAR AS maand, $bestand::VARCHAR AS bestand, verblijfsobject_id
FROM (
    SELECT * FROM ontvangen
    UNION ALL BY NAME
    SELECT NULL::VARCHAR AS verblijfsobject_id WHERE false
)
