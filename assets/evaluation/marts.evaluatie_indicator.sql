-- marts.evaluatie_indicator: hit rate per indicator. A control is linked to the score the
-- address had in the month before the control (the list the overleg discussed).
WITH c AS (
    SELECT c.controle_id, c.verblijfsobject_id, c.uitkomst,
           strftime(date_trunc('month', c.datum) - INTERVAL 1 MONTH, '%Y-%m') AS lijst_maand
    FROM staging.controles AS c
    WHERE c.datum <= $peildatum AND c.uitkomst <> 'geen toegang' AND c.verblijfsobject_id IS NOT NULL
),
per_indicator AS (
    SELECT unnest(s.indicatoren) AS indicator, c.controle_id, c.uitkomst
    FROM c
    JOIN marts.adresscores AS s
      ON s.maand = c.lijst_maand AND s.verblijfsobject_id = c.verblijfsobject_id
    WHERE s.indicatoren IS NOT NULL
)
SELECT $maand AS maand, indicator,
       count(*) AS gecontroleerd,
       count(*) FILTER (WHERE is_treffer(uitkomst)) AS treffers,
       count(*) FILTER (WHERE is_treffer(uitkomst)) / count(*) AS trefkans,
       wilson_laag(count(*) FILTER (WHERE is_treffer(uitkomst)), count(*)) AS ci_laag,
       wilson_hoog(count(*) FILTER (WHERE is_treffer(uitkomst)), count(*)) AS ci_hoog
FROM per_indicator
GROUP BY indicator
