-- marts.evaluatie_precisie: precision@k of past control lists: of the risicolijst addresses of
-- list month L that were controlled in month L+1, the share with a finding.
WITH lijsten AS (
    SELECT maand AS lijst_maand, verblijfsobject_id
    FROM marts.controlelijst
    WHERE aanleiding = 'risicolijst' AND maand < $maand
),
controles AS (
    SELECT strftime(date_trunc('month', datum) - INTERVAL 1 MONTH, '%Y-%m') AS lijst_maand,
           verblijfsobject_id, bool_or(is_treffer(uitkomst)) AS treffer
    FROM staging.controles
    WHERE datum <= $peildatum AND uitkomst <> 'geen toegang'
    GROUP BY ALL
)
SELECT $maand AS maand, l.lijst_maand,
       count(*) AS k,
       count(c.treffer) AS gecontroleerd,
       count(*) FILTER (WHERE c.treffer) AS treffers,
       count(*) FILTER (WHERE c.treffer) / nullif(count(c.treffer), 0) AS precisie
FROM lijsten AS l
LEFT JOIN controles AS c USING (lijst_maand, verblijfsobject_id)
GROUP BY l.lijst_maand
