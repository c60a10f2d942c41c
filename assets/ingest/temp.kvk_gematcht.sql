-- kvk_gematcht (temp table): every establishment of one month's HR extract, matched to a BAG
-- object (by verblijfsobject_id when delivered, else by normalised address), active on the
-- peildatum, with the risk category of the hoofdactiviteit. The matched rows go to
-- staging.kvk_vestigingen (staging.kvk_vestigingen.sql), the unmatched ones
-- (bag_verblijfsobject_id NULL) to staging.quarantaine (staging.quarantaine__kvk.sql).
-- `sbi_risico` is the SBI risk table (assets/ingest/sbi.py), `ontvangen` the contract's frame of the file.
WITH bag AS (
    SELECT identificatie, postcode, huisnummer,
           coalesce(huisletter, '') AS huisletter,
           upper(regexp_replace(coalesce(toevoeging, ''), '^[\s-]+|\s+', '', 'g')) AS toevoeging
    FROM staging.bag_verblijfsobject
    WHERE maand = $maand
),
received AS (
    SELECT r.*,
           trim(coalesce(r.huisletter, '')) = ''
               AND regexp_full_match(trim(coalesce(r.huisnummer_toevoeging, '')), '[A-Za-z]')
               AS letter_in_toevoeging
    FROM ontvangen AS r  -- the contract's frame of the file
),
normalised AS (
    SELECT *,
           upper(regexp_replace(coalesce(postcode, ''), '\s', '', 'g')) AS pc_norm,
           CASE WHEN letter_in_toevoeging THEN upper(trim(huisnummer_toevoeging))
                ELSE upper(trim(coalesce(huisletter, ''))) END AS letter_norm,
           CASE WHEN letter_in_toevoeging THEN ''
                ELSE upper(regexp_replace(coalesce(huisnummer_toevoeging, ''), '^[\s-]+|\s+', '', 'g'))
           END AS toevoeging_norm,
           regexp_replace(coalesce(sbi_code, ''), '\D', '', 'g') AS sbi_digits
    FROM received
),
matched AS (
    SELECT n.*,
           coalesce(by_id.identificatie, by_adres.identificatie) AS bag_verblijfsobject_id,
           CASE WHEN by_id.identificatie IS NOT NULL THEN 'verblijfsobject_id'
                WHEN by_adres.identificatie IS NOT NULL THEN 'adres' END AS matchwijze
    FROM normalised AS n
    LEFT JOIN bag AS by_id
        ON by_id.identificatie = nullif(trim(n.verblijfsobject_id), '')
    LEFT JOIN bag AS by_adres
        ON by_id.identificatie IS NULL
       AND by_adres.postcode = n.pc_norm
       AND by_adres.huisnummer = n.huisnummer
       AND by_adres.huisletter = n.letter_norm
       AND by_adres.toevoeging = n.toevoeging_norm
),
hoofd_categorie AS (
    SELECT m.vestigingsnummer,
           arg_max(s.categorie, length(s.prefix)) AS risicocategorie,
           arg_max(s.soort, length(s.prefix)) AS risicosoort
    FROM matched AS m
    JOIN sbi_risico AS s ON starts_with(m.sbi_digits, s.prefix)
    GROUP BY m.vestigingsnummer
),
neven AS (
    SELECT vestigingsnummer,
           string_agg(DISTINCT s.categorie, '|' ORDER BY s.categorie) AS neven_risicocategorieen
    FROM (
        SELECT vestigingsnummer,
               regexp_replace(unnest(string_split(sbi_codes_neven, '|')), '\D', '', 'g') AS code
        FROM matched
        WHERE coalesce(sbi_codes_neven, '') <> ''
    ) AS n
    JOIN sbi_risico AS s ON starts_with(n.code, s.prefix) AND s.soort = 'risicosector'
    GROUP BY vestigingsnummer
)
SELECT
    $bestand::VARCHAR AS bestand, m.rij,
    $maand::VARCHAR AS maand, m.vestigingsnummer, m.kvk_nummer, m.sbi_code, m.sbi_codes_neven, m.straatnaam,
    m.huisnummer, m.huisletter, m.huisnummer_toevoeging, m.postcode, m.plaats,
    m.verblijfsobject_id, m.werkzame_personen, m.datum_aanvang, m.datum_einde,
    m.ind_hoofdvestiging,
    m.bag_verblijfsobject_id,
    m.matchwijze,
    m.datum_aanvang <= $peildatum AND (m.datum_einde IS NULL OR m.datum_einde > $peildatum) AS actief,
    $sbi_versie AS sbi_versie,
    h.risicocategorie,
    h.risicosoort,
    nv.neven_risicocategorieen
FROM matched AS m
LEFT JOIN hoofd_categorie AS h USING (vestigingsnummer)
LEFT JOIN neven AS nv USING (vestigingsnummer)
