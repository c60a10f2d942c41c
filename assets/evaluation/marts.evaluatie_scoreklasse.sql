-- marts.evaluatie_scoreklasse: hit rate per score band (score of the month before the control).
WITH c AS (
    SELECT c.verblijfsobject_id, c.uitkomst,
           strftime(date_trunc('month', c.datum) - INTERVAL 1 MONTH, '%Y-%m') AS lijst_maand
    FROM staging.controles AS c
    WHERE c.datum <= $peildatum AND c.uitkomst <> 'geen toegang' AND c.verblijfsobject_id IS NOT NULL
),
scores AS MATERIALIZED (
    -- Only the score rows of objects that were controlled, and no month after the list of the
    -- newest control ($vorige_maand): a semi-join on the object alone is cheaper than probing
    -- every score row of every month with (maand, object).
    SELECT s.maand, s.verblijfsobject_id, s.score
    FROM marts.adresscores AS s
    WHERE s.maand <= $vorige_maand AND s.verblijfsobject_id IN (SELECT verblijfsobject_id FROM c)
),
banded AS (
    SELECT c.uitkomst,
           CASE WHEN s.score = 0 THEN 0 WHEN s.score <= 2 THEN 1 WHEN s.score <= 4 THEN 3
                WHEN s.score <= 6 THEN 5 ELSE 7 END AS ondergrens
    FROM c
    JOIN scores AS s
      ON s.maand = c.lijst_maand AND s.verblijfsobject_id = c.verblijfsobject_id
)
SELECT $maand AS maand,
       CASE ondergrens WHEN 0 THEN 'score 0' WHEN 1 THEN 'score 1-2' WHEN 3 THEN 'score 3-4'
                       WHEN 5 THEN 'score 5-6' ELSE 'score 7 of meer' END AS scoreklasse,
       ondergrens,
       count(*) AS gecontroleerd,
       count(*) FILTER (WHERE is_treffer(uitkomst)) AS treffers,
       count(*) FILTER (WHERE is_treffer(uitkomst)) / count(*) AS trefkans,
       wilson_laag(count(*) FILTER (WHERE is_treffer(uitkomst)), count(*)) AS ci_laag,
       wilson_hoog(count(*) FILTER (WHERE is_treffer(uitkomst)), count(*)) AS ci_hoog
FROM banded
GROUP BY ondergrens
