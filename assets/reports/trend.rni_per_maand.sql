-- trend.rni_per_maand: RNI registrations per processed month up to and including $maand.
-- Months without an RNI file have NULL counts (unknown, not zero). Rows whose stay address
-- is not a hoofdadres in that month's BAG are quarantined by the ingest and not in the
-- counts; their number is shown beside them.
WITH maanden AS (
    SELECT DISTINCT maand FROM audit.bronnen_maand WHERE maand <= $maand
),
geleverd AS (
    SELECT DISTINCT maand FROM audit.bronnen_maand WHERE bron = 'rni_inschrijvingen' AND maand <= $maand
),
rni AS (
    SELECT maand,
           sum(inschrijvingen) AS inschrijvingen,
           sum(inschrijvingen) FILTER (WHERE nummeraanduiding_id IS NOT NULL) AS met_verblijfsadres,
           sum(inschrijvingen) FILTER (WHERE nummeraanduiding_id IS NULL) AS zonder_verblijfsadres
    FROM staging.rni_inschrijvingen
    WHERE maand <= $maand
    GROUP BY maand
),
quarantaine AS (
    SELECT maand, count(*) AS rijen
    FROM staging.quarantaine
    WHERE bron = 'rni_inschrijvingen' AND maand <= $maand
    GROUP BY maand
)
SELECT
    m.maand,
    CASE WHEN g.maand IS NOT NULL THEN coalesce(r.inschrijvingen, 0) END::INTEGER AS rni_inschrijvingen,
    CASE WHEN g.maand IS NOT NULL THEN coalesce(r.met_verblijfsadres, 0) END::INTEGER AS met_verblijfsadres,
    CASE WHEN g.maand IS NOT NULL THEN coalesce(r.zonder_verblijfsadres, 0) END::INTEGER AS zonder_verblijfsadres,
    CASE WHEN g.maand IS NOT NULL THEN coalesce(q.rijen, 0) END::INTEGER AS rijen_in_quarantaine,
    g.maand IS NOT NULL AS bestand_geleverd
FROM maanden AS m
LEFT JOIN geleverd AS g USING (maand)
LEFT JOIN rni AS r USING (maand)
LEFT JOIN quarantaine AS q USING (maand)
ORDER BY m.maand
