-- marts.evaluatie_scoreklasse: hit rate per score band (score of the month before the control).
WITH c AS (
    SELECT c.verblijfsobject_id, c.uitkomst,
           strftime(date_trunc('month', c.datum) - INTERVAL 1 MONTH, '%Y-%m') AS lijst_maand
    FROM staging.controles AS c
    WHERE c.datum <= $peildatum AND c.uitkomst <> 'geen toegang' AND c.verblijfsobject_id IS NOT NULL
),
banded AS (
    SELECT c.uitkomst,
           CASE WHEN s.score = 0 THEN 0 WHEN s.score <= 2 THEN 1 WHEN s.score <= 4 THEN 3
                WHEN s.score <= 6 THEN 5 ELSE 7 END AS ondergrens
    FROM c
    JOIN marts.adresscores AS s
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
