-- marts.besluiten: every proposal of the month's list (risicolijst and steekproef) and every address
-- the overleg added itself, with the decision from besluiten_<maand>.csv. The soort_voorstel follows from
-- the list: an address of the file that is not on the list was added by the overleg ('overleg').
-- No decision (besluit NULL) means the proposal was left, not weighed.
WITH lijst AS (
    SELECT l.verblijfsobject_id, l.aanleiding AS soort_voorstel, l.rang, l.score
    FROM marts.controlelijst AS l
    WHERE l.maand = $maand
),
besloten AS (
    SELECT b.verblijfsobject_id, b.nummeraanduiding_id, b.soort_voorstel, b.besluit, b.reden, b.datum
    FROM staging.besluiten AS b
    WHERE b.maand = $maand AND b.verblijfsobject_id IS NOT NULL
),
samen AS (
    SELECT coalesce(l.verblijfsobject_id, b.verblijfsobject_id) AS verblijfsobject_id,
           b.nummeraanduiding_id,
           coalesce(l.soort_voorstel, 'overleg') AS soort_voorstel,
           b.soort_voorstel AS soort_voorstel_formulier,
           l.rang, l.score, b.besluit, b.reden, b.datum AS besluit_datum
    FROM lijst AS l
    FULL OUTER JOIN besloten AS b USING (verblijfsobject_id)
)
SELECT $maand AS maand,
       $maand || '/' || coalesce(s.nummeraanduiding_id, v.nummeraanduiding_hoofdadres_identificatie, s.verblijfsobject_id) AS besluit_id,
       s.verblijfsobject_id,
       coalesce(s.nummeraanduiding_id, v.nummeraanduiding_hoofdadres_identificatie) AS nummeraanduiding_id,
       s.soort_voorstel, s.soort_voorstel_formulier, s.rang, s.score, s.besluit, s.reden, s.besluit_datum
FROM samen AS s
LEFT JOIN staging.bag_verblijfsobject AS v ON v.maand = $maand AND v.identificatie = s.verblijfsobject_id
