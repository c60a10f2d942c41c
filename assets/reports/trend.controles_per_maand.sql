-- trend.controles_per_maand: controls per month in which they took place (datum) and
-- aanleiding, up to the peildatum of $maand: outcomes, the month's hit rate, and the
-- cumulative hit rate with its Wilson 95 % interval as marts.evaluatie_aanleiding had it at
-- the end of that month. A control delivered in several monthly files counts once (latest
-- file). 'geen toegang' is a control without observation: not in gecontroleerd.
WITH controles AS (
    SELECT *
    FROM staging.controles
    WHERE maand <= $maand AND datum <= $peildatum
    QUALIFY row_number() OVER (PARTITION BY controle_id ORDER BY maand DESC) = 1
),
per_maand AS (
    SELECT strftime(datum, '%Y-%m') AS maand,
           aanleiding,
           count(*) AS controles,
           count(*) FILTER (WHERE uitkomst <> 'geen toegang') AS gecontroleerd,
           count(*) FILTER (WHERE is_treffer(uitkomst)) AS treffers,
           count(*) FILTER (WHERE uitkomst = 'geen bijzonderheden') AS geen_bijzonderheden,
           count(*) FILTER (WHERE uitkomst = 'overbewoning') AS overbewoning,
           count(*) FILTER (WHERE uitkomst = 'signalen uitbuiting') AS signalen_uitbuiting,
           count(*) FILTER (WHERE uitkomst = 'andere overtreding') AS andere_overtreding,
           count(*) FILTER (WHERE uitkomst = 'geen toegang') AS geen_toegang
    FROM controles
    GROUP BY ALL
),
maanden AS (
    SELECT DISTINCT maand FROM audit.bronnen_maand WHERE maand <= $maand
    UNION
    SELECT maand FROM per_maand
),
aanleidingen AS (
    SELECT unnest(['risicolijst', 'signaal', 'steekproef']) AS aanleiding
    UNION
    SELECT aanleiding FROM per_maand
)
SELECT
    m.maand,
    a.aanleiding,
    coalesce(p.controles, 0)::INTEGER AS controles,
    coalesce(p.gecontroleerd, 0)::INTEGER AS gecontroleerd,
    coalesce(p.treffers, 0)::INTEGER AS treffers,
    coalesce(p.geen_bijzonderheden, 0)::INTEGER AS geen_bijzonderheden,
    coalesce(p.overbewoning, 0)::INTEGER AS overbewoning,
    coalesce(p.signalen_uitbuiting, 0)::INTEGER AS signalen_uitbuiting,
    coalesce(p.andere_overtreding, 0)::INTEGER AS andere_overtreding,
    coalesce(p.geen_toegang, 0)::INTEGER AS geen_toegang,
    p.treffers / nullif(p.gecontroleerd, 0) AS trefkans_maand,
    e.gecontroleerd::INTEGER AS gecontroleerd_cumulatief,
    e.treffers::INTEGER AS treffers_cumulatief,
    e.trefkans AS trefkans_cumulatief,
    e.ci_laag,
    e.ci_hoog
FROM maanden AS m
CROSS JOIN aanleidingen AS a
LEFT JOIN per_maand AS p USING (maand, aanleiding)
LEFT JOIN marts.evaluatie_aanleiding AS e USING (maand, aanleiding)
ORDER BY m.maand, a.aanleiding
