-- rapport.kerncijfers: the report's key figures for $maand and the month before ($vorige_maand).
-- A figure of a month that is not in the warehouse (or, for RNI, a month without an RNI file)
-- is NULL: the report then shows no change instead of a false one. Each count repeats the two
-- months as a constant range, so the scan reads only their row groups (the correlated
-- `= m.maand` alone becomes a join with counts over every month of the history).
WITH maanden AS (
    SELECT $maand AS maand, 'deze' AS rol
    UNION ALL
    SELECT $vorige_maand, 'vorige'
),
verwerkt AS (
    SELECT DISTINCT maand FROM audit.bronnen_maand
),
cijfers AS (
    SELECT 1 AS volgorde, 'leegstand' AS sleutel, m.rol,
           (SELECT count(*) FILTER (WHERE leegstand) FROM marts.leegstand v
             WHERE v.maand = m.maand AND v.maand BETWEEN $vorige_maand AND $maand)::DOUBLE AS waarde
    FROM maanden m
    UNION ALL
    SELECT 2, 'woningen', m.rol,
           (SELECT count(*) FILTER (WHERE is_woning) FROM marts.leegstand v
             WHERE v.maand = m.maand AND v.maand BETWEEN $vorige_maand AND $maand)::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 3, 'ingeschrevenen', m.rol,
           (SELECT sum(ingeschrevenen) FROM staging.brp_adrestellingen b
             WHERE b.maand = m.maand AND b.maand BETWEEN $vorige_maand AND $maand)::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 4, 'rni', m.rol,
           CASE WHEN EXISTS (SELECT 1 FROM audit.bronnen_maand a
                              WHERE a.maand = m.maand AND a.maand BETWEEN $vorige_maand AND $maand
                                AND a.bron = 'rni_inschrijvingen')
                THEN (SELECT coalesce(sum(inschrijvingen), 0) FROM staging.rni_inschrijvingen r
                       WHERE r.maand = m.maand AND r.maand BETWEEN $vorige_maand AND $maand) END::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 5, 'risicosector', m.rol,
           (SELECT count(*) FROM staging.kvk_vestigingen k
             WHERE k.maand = m.maand AND k.maand BETWEEN $vorige_maand AND $maand
               AND k.actief AND k.risicosoort = 'risicosector')::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 6, 'uitzend', m.rol,
           (SELECT count(*) FROM staging.kvk_vestigingen k
             WHERE k.maand = m.maand AND k.maand BETWEEN $vorige_maand AND $maand
               AND k.actief AND k.risicosoort IN ('uitzendbureau', 'arbeidsbemiddeling'))::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 7, 'quarantaine', m.rol,
           (SELECT count(*) FROM staging.quarantaine q
             WHERE q.maand = m.maand AND q.maand BETWEEN $vorige_maand AND $maand)::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 8, 'controlelijst', m.rol,
           (SELECT count(*) FILTER (WHERE aanleiding = 'risicolijst') FROM marts.controlelijst c
             WHERE c.maand = m.maand AND c.maand BETWEEN $vorige_maand AND $maand)::DOUBLE
    FROM maanden m
    UNION ALL
    SELECT 9, 'steekproef', m.rol,
           (SELECT count(*) FILTER (WHERE aanleiding = 'steekproef') FROM marts.controlelijst c
             WHERE c.maand = m.maand AND c.maand BETWEEN $vorige_maand AND $maand)::DOUBLE
    FROM maanden m
)
SELECT
    c.volgorde,
    c.sleutel,
    max(c.waarde) FILTER (WHERE c.rol = 'deze' AND $maand IN (SELECT maand FROM verwerkt)) AS waarde,
    max(c.waarde) FILTER (WHERE c.rol = 'vorige' AND $vorige_maand IN (SELECT maand FROM verwerkt)) AS vorige
FROM cijfers AS c
GROUP BY c.volgorde, c.sleutel
ORDER BY c.volgorde
