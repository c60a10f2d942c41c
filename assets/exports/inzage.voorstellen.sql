-- inzage.voorstellen: every month one object was on the proposal list (risicolijst) or in the
-- steekproef: its place, score and the reasons exactly as the signaleringsoverleg saw them,
-- with the configuration version (SHA-256 of indicatoren.yaml and instellingen.yaml) that
-- produced the month. One row per maand in marts.controlelijst.
WITH configuratie AS (
    SELECT maand,
           arg_max(indicatoren_sha256, tijdstip) AS indicatoren_sha256,
           arg_max(instellingen_sha256, tijdstip) AS instellingen_sha256
    FROM audit.configuratie_maand
    GROUP BY maand
),
omvang AS (
    SELECT maand,
           count(*) FILTER (WHERE aanleiding = 'risicolijst') AS risicolijst,
           count(*) FILTER (WHERE aanleiding = 'steekproef') AS steekproef
    FROM marts.controlelijst
    GROUP BY maand
)
SELECT
    c.maand,
    c.aanleiding,
    c.rang,
    c.score,
    c.redenen,
    s.punten_per_indicator,
    o.risicolijst AS lijst_risicolijst,
    o.steekproef AS lijst_steekproef,
    c.steekproef_seed,
    k.indicatoren_sha256,
    k.instellingen_sha256,
    (strptime(c.maand || '-01', '%Y-%m-%d')::DATE + to_months($bewaartermijn + 1))::DATE AS verwijderd_vanaf
FROM marts.controlelijst AS c
LEFT JOIN marts.adresscores AS s ON s.maand = c.maand AND s.verblijfsobject_id = c.verblijfsobject_id
LEFT JOIN omvang AS o ON o.maand = c.maand
LEFT JOIN configuratie AS k ON k.maand = c.maand
WHERE c.verblijfsobject_id = $verblijfsobject_id
ORDER BY c.maand
