-- inzage.vestigingen: establishments (HR) matched to one object, per month and sector of the
-- hoofdactiviteit: how many were active on the peildatum and how many not. Counts only: no
-- establishment or KvK numbers, no names.
SELECT
    maand,
    coalesce(risicocategorie, 'geen risicosector') AS sector,
    coalesce(risicosoort, '') AS soort,
    count(*) FILTER (WHERE actief) AS actief,
    count(*) FILTER (WHERE NOT coalesce(actief, false)) AS niet_actief,
    count(*) FILTER (WHERE neven_risicocategorieen IS NOT NULL) AS met_neven_risicosector,
    count(*) FILTER (WHERE matchwijze = 'adres') AS gekoppeld_op_adres
FROM staging.kvk_vestigingen
WHERE bag_verblijfsobject_id = $verblijfsobject_id
GROUP BY ALL
ORDER BY maand, sector, soort
