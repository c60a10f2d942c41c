-- staging.quarantaine (KvK matching): the establishments of one month without a BAG object, from
-- the temp table kvk_gematcht (temp.kvk_gematcht.sql), with the column and value that did not match.
SELECT maand, 'kvk_vestigingen' AS bron, bestand, rij,
       CASE WHEN nullif(trim(verblijfsobject_id), '') IS NOT NULL THEN 'verblijfsobject_id'
            ELSE 'postcode, huisnummer, huisletter, huisnummer_toevoeging' END AS kolom,
       coalesce(nullif(trim(verblijfsobject_id), ''),
                concat_ws(' ', postcode, huisnummer::VARCHAR, huisletter, huisnummer_toevoeging)) AS waarde,
       'Vestiging ' || vestigingsnummer || ': adres niet gevonden in de BAG van deze maand '
         || '(ook niet na normaliseren van postcode, huisletter en toevoeging)' AS reden
FROM kvk_gematcht
WHERE bag_verblijfsobject_id IS NULL
