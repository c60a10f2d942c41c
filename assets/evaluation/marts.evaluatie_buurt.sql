-- marts.evaluatie_buurt: disparity check per buurt. Share of all risicolijst selections so far
-- against the buurt's share of objects; a ratio above the bound (default 3x) with at least
-- $buurt_minimum selections is flagged — the concentration that sank SyRI. Also hit rate per
-- buurt. The buurt is context here, never a score input.
WITH objecten AS (
    SELECT coalesce(buurtcode, 'onbekend') AS buurtcode, count(*) AS objecten
    FROM marts.address_features
    WHERE maand = $maand AND (is_woning OR ingeschrevenen > 0 OR vestigingen_actief > 0)
    GROUP BY ALL
),
selecties AS (
    SELECT coalesce(buurtcode, 'onbekend') AS buurtcode, count(*) AS selecties
    FROM marts.control_list
    WHERE aanleiding = 'risicolijst' AND maand <= $maand
    GROUP BY ALL
),
controles AS (
    SELECT coalesce(v.buurtcode, 'onbekend') AS buurtcode,
           count(*) FILTER (WHERE c.uitkomst <> 'geen toegang') AS gecontroleerd,
           count(*) FILTER (WHERE is_treffer(c.uitkomst)) AS treffers
    FROM staging.controles AS c
    LEFT JOIN staging.bag_verblijfsobject AS v
      ON v.maand = $maand AND v.identificatie = c.verblijfsobject_id
    WHERE c.datum <= $peildatum
    GROUP BY ALL
),
samen AS (
    SELECT o.buurtcode, o.objecten,
           o.objecten / sum(o.objecten) OVER () AS aandeel_objecten,
           coalesce(s.selecties, 0) AS selecties,
           coalesce(s.selecties, 0) / nullif(sum(coalesce(s.selecties, 0)) OVER (), 0) AS aandeel_selecties,
           coalesce(c.gecontroleerd, 0) AS gecontroleerd,
           coalesce(c.treffers, 0) AS treffers
    FROM objecten AS o
    LEFT JOIN selecties AS s USING (buurtcode)
    LEFT JOIN controles AS c USING (buurtcode)
)
SELECT $maand AS maand, s.buurtcode, b.buurtnaam, s.objecten, s.aandeel_objecten, s.selecties,
       s.aandeel_selecties,
       s.aandeel_selecties / s.aandeel_objecten AS selectie_ratio,
       s.gecontroleerd, s.treffers, s.treffers / nullif(s.gecontroleerd, 0) AS trefkans,
       coalesce(s.aandeel_selecties / s.aandeel_objecten > $selectie_ratio_grens
                AND s.selecties >= $buurt_minimum, false) AS signaal
FROM samen AS s
LEFT JOIN staging.cbs_buurten AS b USING (buurtcode)
