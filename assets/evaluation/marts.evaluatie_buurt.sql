-- marts.evaluatie_buurt: disparity check per buurt — the concentration that sank SyRI. The
-- question is whether residents of one neighbourhood are selected far more often than its share
-- of dwellings: distinct woningen on the risicolijst in the 12 months up to this one, against the
-- buurt's share of woningen. A ratio above the bound (default 3x) with at least $buurt_minimum
-- selected woningen is flagged. Also hit rate of all controls per buurt. The buurt is context
-- here, never a score input.
WITH woningen AS (
    SELECT coalesce(buurtcode, 'onbekend') AS buurtcode, count(*) AS objecten
    FROM marts.adreskenmerken
    WHERE maand = $maand AND is_woning
    GROUP BY ALL
),
lijst AS (
    SELECT maand, verblijfsobject_id
    FROM marts.controlelijst
    WHERE aanleiding = 'risicolijst' AND maand BETWEEN $begin_12m AND $maand
),
selecties AS (
    -- The features of the 12 months are read only for the objects on one of the lists (a
    -- semi-join on the object, pushed into the scan), not probed row by row with (maand, object).
    SELECT coalesce(f.buurtcode, 'onbekend') AS buurtcode, count(DISTINCT l.verblijfsobject_id) AS selecties
    FROM lijst AS l
    JOIN marts.adreskenmerken AS f ON f.maand = l.maand AND f.verblijfsobject_id = l.verblijfsobject_id
    WHERE f.is_woning AND f.maand BETWEEN $begin_12m AND $maand
      AND f.verblijfsobject_id IN (SELECT verblijfsobject_id FROM lijst)
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
    SELECT w.buurtcode, w.objecten,
           w.objecten / sum(w.objecten) OVER () AS aandeel_objecten,
           coalesce(s.selecties, 0) AS selecties,
           coalesce(s.selecties, 0) / nullif(sum(coalesce(s.selecties, 0)) OVER (), 0) AS aandeel_selecties,
           coalesce(c.gecontroleerd, 0) AS gecontroleerd,
           coalesce(c.treffers, 0) AS treffers
    FROM woningen AS w
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
