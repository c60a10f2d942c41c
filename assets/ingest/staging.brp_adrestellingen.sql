-- staging.brp_adrestellingen: BRP counts of one month per BAG verblijfsobject.
-- Grain: one row per maand and verblijfsobject (a row whose address is not in the month's BAG
-- stays one row per delivered key; the contract normally quarantines those).
-- A count keyed on the object (verblijfsobject_id, BRP 11.80) attaches to it directly; a count
-- keyed on a nummeraanduiding attaches to the object whose hoofdadres it is, or whose nevenadres
-- it is (staging.bag_nevenadres, filled when the BAG delivery lists nevenadressen). Counts on
-- several addresses of one object are added up, and nummeraanduiding_id is the object's
-- hoofdadres: the history by address (marts.adreskenmerken) stays on one key.
-- $per_object: whether any accepted row names its object (assets/ingest/received.py); a file
-- keyed on addresses only does not build the join on the objects (national: ~1-2 s of ~9 s).
WITH received AS (
    SELECT * FROM ontvangen  -- the contract's frame of the file
),
objecten AS (
    SELECT identificatie, nummeraanduiding_hoofdadres_identificatie AS hoofdadres
    FROM staging.bag_verblijfsobject
    WHERE maand = $maand
),
nevenadressen AS (
    SELECT n.nummeraanduiding_id, min(n.verblijfsobject_id) AS verblijfsobject_id,
           arg_min(o.hoofdadres, n.verblijfsobject_id) AS hoofdadres
    FROM staging.bag_nevenadres AS n
    JOIN objecten AS o ON o.identificatie = n.verblijfsobject_id
    WHERE n.maand = $maand
    GROUP BY n.nummeraanduiding_id
),
toegewezen AS (
    -- the object each count attaches to, with that object's hoofdadres (from the join that found
    -- it: no fourth join over the month's objects)
    SELECT r.*,
           coalesce(per_object.identificatie, per_hoofdadres.identificatie, per_nevenadres.verblijfsobject_id)
               AS object_id,
           CASE WHEN per_object.identificatie IS NOT NULL THEN per_object.hoofdadres
                WHEN per_hoofdadres.identificatie IS NOT NULL THEN per_hoofdadres.hoofdadres
                ELSE per_nevenadres.hoofdadres END AS object_hoofdadres
    FROM received AS r
    LEFT JOIN (SELECT * FROM objecten WHERE $per_object) AS per_object  -- no table of ten million
        ON per_object.identificatie = r.verblijfsobject_id                 -- objects for a file without them
    LEFT JOIN objecten AS per_hoofdadres
        ON per_hoofdadres.hoofdadres = r.nummeraanduiding_id
    LEFT JOIN nevenadressen AS per_nevenadres
        ON per_nevenadres.nummeraanduiding_id = r.nummeraanduiding_id
)
-- Grouped on the object (and, for a count that attaches to none, its own key): the object's
-- hoofdadres is one value per object, so it is carried along rather than grouped on.
SELECT
    $maand::VARCHAR AS maand,
    coalesce(min(t.object_hoofdadres), min(t.nummeraanduiding_id)) AS nummeraanduiding_id,
    max(t.peildatum) AS peildatum,
    sum(t.ingeschrevenen) AS ingeschrevenen,
    sum(t.briefadressen) AS briefadressen,
    sum(t.inschrijvingen) AS inschrijvingen,
    sum(t.uitschrijvingen) AS uitschrijvingen,
    sum(t.vertrokken_onbekend) AS vertrokken_onbekend,
    t.object_id AS verblijfsobject_id
FROM toegewezen AS t
GROUP BY t.object_id, coalesce(t.object_id, t.nummeraanduiding_id, t.verblijfsobject_id)
