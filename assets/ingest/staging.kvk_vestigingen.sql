-- staging.kvk_vestigingen: the establishments of one month that matched a BAG object, from the
-- temp table kvk_gematcht (temp.kvk_gematcht.sql).
SELECT
    maand, vestigingsnummer, kvk_nummer, sbi_code, sbi_codes_neven, straatnaam,
    huisnummer, huisletter, huisnummer_toevoeging, postcode, plaats,
    verblijfsobject_id, werkzame_personen, datum_aanvang, datum_einde,
    ind_hoofdvestiging,
    bag_verblijfsobject_id,
    matchwijze,
    actief,
    sbi_versie,
    risicocategorie,
    risicosoort,
    neven_risicocategorieen
FROM kvk_gematcht
WHERE bag_verblijfsobject_id IS NOT NULL
