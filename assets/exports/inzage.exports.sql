-- inzage.exports: every export package that carried one object (audit.exports with the ids in
-- audit.export_adressen). An address-level export recorded before the ids were kept per
-- package is included when the object was on that month's control list (what the package's
-- address list held), marked 'afgeleid'. One row per export; no user names.
WITH vastgelegd AS (
    SELECT DISTINCT export_id FROM audit.export_adressen
),
met_object AS (
    SELECT e.*, 'vastgelegd' AS vastlegging
    FROM audit.exports AS e
    JOIN audit.export_adressen AS a ON a.export_id = e.export_id AND a.verblijfsobject_id = $verblijfsobject_id
    UNION ALL
    SELECT e.*, 'afgeleid' AS vastlegging
    FROM audit.exports AS e
    WHERE e.adressen
      AND e.export_id NOT IN (SELECT export_id FROM vastgelegd)
      AND EXISTS (SELECT 1 FROM marts.controlelijst AS c
                  WHERE c.maand = e.maand AND c.verblijfsobject_id = $verblijfsobject_id)
)
SELECT
    export_id,
    tijdstip,
    maand,
    ontvanger,
    doel,
    grondslag,
    'adressen_' || maand || '.csv' AS adressenbestand,
    json_extract_string(bestanden, '$."adressen_' || maand || '.csv"') AS adressenbestand_sha256,
    manifest_sha256,
    vastlegging,
    (strptime(maand || '-01', '%Y-%m-%d')::DATE + to_months($bewaartermijn + 1))::DATE AS adressenbestand_verwijderd_vanaf
FROM met_object
ORDER BY tijdstip, export_id
