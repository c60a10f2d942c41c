-- inzage.adres: the BAG objects (any month in the warehouse) at one address as typed by the
-- analyst: postcode without spaces, huisnummer, and huisletter + toevoeging together with
-- spaces and hyphens removed (so 12A-2, 12 A 2 and 12a2 are the same address, as in the KvK
-- address match of staging.kvk_vestigingen.sql). One row per verblijfsobject.
WITH bag AS (
    SELECT identificatie, maand, openbare_ruimte_naam, huisnummer, huisletter, toevoeging, postcode,
           upper(coalesce(huisletter, '') || regexp_replace(coalesce(toevoeging, ''), '[\s-]+', '', 'g')) AS letter_toevoeging,
           regexp_replace(lower(strip_accents(coalesce(openbare_ruimte_naam, ''))), '[^a-z0-9]+', '', 'g') AS straat_norm
    FROM staging.bag_verblijfsobject
    WHERE upper(regexp_replace(coalesce(postcode, ''), '\s', '', 'g')) = $postcode
      AND huisnummer = $huisnummer
)
SELECT identificatie AS verblijfsobject_id,
       arg_max(concat_ws(' ', openbare_ruimte_naam,
               huisnummer::VARCHAR || coalesce(huisletter, '') || coalesce('-' || toevoeging, '')), maand) AS adres,
       arg_max(postcode, maand) AS postcode,
       bool_or(straat_norm = $straat) AS straat_klopt,
       min(maand) AS eerste_maand,
       max(maand) AS laatste_maand
FROM bag
WHERE letter_toevoeging = $letter_toevoeging
GROUP BY identificatie
ORDER BY identificatie
