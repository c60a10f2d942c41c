-- inzage.quarantaine: rows kept aside (staging.quarantaine) that concern one object: the value
-- is its verblijfsobject id or one of its nummeraanduiding ids, or (KvK) its address. One row
-- per quarantined row; the KvK reason loses the establishment number (it names a business).
WITH object AS (
    SELECT DISTINCT identificatie, nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id,
           upper(regexp_replace(coalesce(postcode, ''), '\s', '', 'g')) AS postcode, huisnummer,
           upper(coalesce(huisletter, '') || regexp_replace(coalesce(toevoeging, ''), '[\s-]+', '', 'g')) AS letter_toevoeging
    FROM staging.bag_verblijfsobject
    WHERE identificatie = $verblijfsobject_id
),
q AS (
    SELECT *,
           -- KvK address values are 'postcode huisnummer huisletter toevoeging' as delivered
           regexp_extract(upper(trim(coalesce(waarde, ''))), '^(\d{4})\s*([A-Z]{2})\s+(\d+)\s*(.*)$', ['pc', 'pl', 'nr', 'rest']) AS delen
    FROM staging.quarantaine
)
SELECT DISTINCT
    q.maand,
    q.bron,
    q.bestand,
    q.rij,
    q.kolom,
    CASE WHEN q.bron = 'kvk_vestigingen' THEN regexp_replace(q.reden, '^Vestiging [0-9]+: ', 'Vestiging: ')
         ELSE q.reden END AS reden
FROM q
JOIN object AS o
  ON q.waarde IN (o.identificatie, o.nummeraanduiding_id)
  OR (q.bron = 'kvk_vestigingen'
      AND q.delen.pc || q.delen.pl = o.postcode
      AND TRY_CAST(q.delen.nr AS INTEGER) = o.huisnummer
      AND regexp_replace(q.delen.rest, '[\s-]+', '', 'g') = o.letter_toevoeging)
ORDER BY q.maand, q.bron, q.rij
