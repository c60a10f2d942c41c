-- inzage.configuratie: per configuration version that produced a month of one object's scores,
-- the months, the configuration files as they were, and the indicators that gave the object
-- points in those months (the rules that applied). Months processed before the version was
-- recorded have NULL hashes and files. One row per version.
WITH configuratie AS (
    SELECT maand,
           arg_max(indicatoren_sha256, tijdstip) AS indicatoren_sha256,
           arg_max(instellingen_sha256, tijdstip) AS instellingen_sha256,
           arg_max(indicatoren_yaml, tijdstip) AS indicatoren_yaml,
           arg_max(instellingen_yaml, tijdstip) AS instellingen_yaml
    FROM audit.configuratie_maand
    GROUP BY maand
),
versie_per_maand AS (
    SELECT s.maand, s.punten_per_indicator, k.indicatoren_sha256, k.instellingen_sha256,
           k.indicatoren_yaml, k.instellingen_yaml
    FROM marts.adresscores AS s
    LEFT JOIN configuratie AS k USING (maand)
    WHERE s.verblijfsobject_id = $verblijfsobject_id
),
toegepast AS (
    SELECT indicatoren_sha256, instellingen_sha256, list(DISTINCT indicator ORDER BY indicator) AS indicatoren
    FROM (
        SELECT indicatoren_sha256, instellingen_sha256, unnest(map_keys(punten_per_indicator)) AS indicator
        FROM versie_per_maand
        WHERE punten_per_indicator IS NOT NULL
    ) AS t
    GROUP BY ALL
)
SELECT
    v.indicatoren_sha256,
    v.instellingen_sha256,
    any_value(v.indicatoren_yaml) AS indicatoren_yaml,
    any_value(v.instellingen_yaml) AS instellingen_yaml,
    list(v.maand ORDER BY v.maand) AS maanden,
    coalesce(any_value(t.indicatoren), []) AS toegepaste_indicatoren
FROM versie_per_maand AS v
LEFT JOIN toegepast AS t
  ON t.indicatoren_sha256 IS NOT DISTINCT FROM v.indicatoren_sha256
 AND t.instellingen_sha256 IS NOT DISTINCT FROM v.instellingen_sha256
GROUP BY v.indicatoren_sha256, v.instellingen_sha256
ORDER BY min(v.maand)
