-- marts.adresscores: points per indicator, total score, rank and at most four reasons in
-- plain Dutch for every verblijfsobject of one month. The indicator thresholds come from the
-- configuration (table indicator_drempels, registered by the scoring module); the facts the
-- score may read are exactly the columns unpivoted below (the allowlist). A zero count is no
-- fact to score, so it is turned into NULL and left out of the unpivot.
WITH kenmerken AS (
    SELECT verblijfsobject_id, buurtcode,
           m2_per_ingeschrevene::DOUBLE                            AS m2_per_ingeschrevene,
           nullif(ingeschrevenen, 0)::DOUBLE                       AS ingeschrevenen,
           oppervlakte::DOUBLE                                     AS oppervlakte,
           nullif(bewoning_zonder_woonfunctie, 0)::DOUBLE          AS bewoning_zonder_woonfunctie,
           nullif(mutaties_12m, 0)::DOUBLE                         AS mutaties_12m,
           nullif(mutatiegraad_12m, 0)::DOUBLE                     AS mutatiegraad_12m,
           nullif(vertrokken_onbekend_24m, 0)::DOUBLE              AS vertrokken_onbekend_24m,
           nullif(briefadressen, 0)::DOUBLE                        AS briefadressen,
           nullif(leegstand_maanden, 0)::DOUBLE                    AS leegstand_maanden,
           nullif(vestigingen_actief, 0)::DOUBLE                   AS vestigingen_actief,
           nullif(vestigingen_op_woning, 0)::DOUBLE                AS vestigingen_op_woning,
           nullif(risicosector_vestigingen, 0)::DOUBLE             AS risicosector_vestigingen,
           nullif(risicosector_op_woning, 0)::DOUBLE               AS risicosector_op_woning,
           nullif(neven_risicosector_vestigingen, 0)::DOUBLE       AS neven_risicosector_vestigingen,
           nullif(uitzend_vestigingen, 0)::DOUBLE                  AS uitzend_vestigingen,
           nullif(uitzend_op_woning, 0)::DOUBLE                    AS uitzend_op_woning,
           nullif(rni_inschrijvingen_12m, 0)::DOUBLE               AS rni_inschrijvingen_12m,
           nullif(geverifieerde_signalen_12m, 0)::DOUBLE           AS geverifieerde_signalen_12m
    FROM marts.adreskenmerken
    WHERE maand = $maand
),
waarden AS (
    UNPIVOT kenmerken
    ON COLUMNS(* EXCLUDE (verblijfsobject_id, buurtcode))
    INTO NAME kenmerk VALUE waarde
),
gebruikt AS (
    SELECT w.* FROM waarden AS w
    WHERE w.kenmerk IN (SELECT kenmerk FROM indicator_drempels)
),
treffers AS (
    -- per object and indicator the highest threshold step reached
    SELECT g.verblijfsobject_id,
           d.indicator,
           any_value(d.volgorde) AS volgorde,
           max(d.punten) AS punten,
           arg_max(d.drempel, d.punten) AS drempel,
           arg_max(d.norm, d.punten) AS norm,
           any_value(d.decimalen) AS decimalen,
           any_value(d.reden) AS sjabloon,
           any_value(g.waarde) AS waarde
    FROM gebruikt AS g
    JOIN indicator_drempels AS d
      ON d.kenmerk = g.kenmerk
     AND CASE d.vergelijking
             WHEN '<'  THEN g.waarde <  d.drempel
             WHEN '<=' THEN g.waarde <= d.drempel
             WHEN '>'  THEN g.waarde >  d.drempel
             WHEN '>=' THEN g.waarde >= d.drempel
         END
    GROUP BY g.verblijfsobject_id, d.indicator
),
redenen AS (
    SELECT *,
           replace(replace(replace(replace(sjabloon,
               '{waarde}', CASE WHEN decimalen = 0 THEN CAST(round(waarde) AS BIGINT)::VARCHAR
                                ELSE replace(format('{:.' || decimalen || 'f}', waarde), '.', ',') END),
               '{drempel}', replace(regexp_replace(drempel::VARCHAR, '\.0$', ''), '.', ',')),
               '{norm}', replace(regexp_replace(norm::VARCHAR, '\.0$', ''), '.', ',')),
               '{maand}', $maandnaam) AS reden
    FROM treffers
),
per_object AS (
    SELECT verblijfsobject_id,
           sum(punten)::INTEGER AS score,
           map(list(indicator ORDER BY volgorde), list(punten::INTEGER ORDER BY volgorde)) AS punten_per_indicator,
           list(indicator ORDER BY punten DESC, volgorde) AS indicatoren,
           array_to_string(list(reden ORDER BY punten DESC, volgorde)[1:4], '; ') AS redenen
    FROM redenen
    GROUP BY verblijfsobject_id
),
gerangschikt AS (
    -- ties in a fixed pseudo-random order (the MD5 of month and id as a 128-bit number: sorting
    -- a number is ~2x faster than its hex text, which counts for 10 M objects). Sorted on id,
    -- buurt and score only: the reasons and lists join afterwards (sorting them along with
    -- 10 M rows was most of this table's time).
    SELECT k.verblijfsobject_id,
           k.buurtcode,
           coalesce(p.score, 0) AS score,
           row_number() OVER (ORDER BY coalesce(p.score, 0) DESC, md5_number($maand || k.verblijfsobject_id))::INTEGER AS rang
    FROM marts.adreskenmerken AS k  -- read again (two columns), so the CTE kenmerken is not materialised
    LEFT JOIN per_object AS p USING (verblijfsobject_id)
    WHERE k.maand = $maand
)
SELECT
    $maand AS maand,
    g.verblijfsobject_id,
    g.buurtcode,
    g.score,
    g.rang,
    p.punten_per_indicator,
    p.indicatoren,
    p.redenen
FROM gerangschikt AS g
LEFT JOIN per_object AS p USING (verblijfsobject_id)
