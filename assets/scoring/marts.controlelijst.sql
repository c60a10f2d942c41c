-- marts.controlelijst: the proposal for the signaleringsoverleg of one month. The top-k
-- addresses by score (k = capacity), leaving out objects whose last control in the rest period
-- found nothing, plus a seeded random sample from outside the top-k (aanleiding 'steekproef')
-- so that hit rates can be compared with a base rate. People decide; this is a proposal.
WITH rust AS (
    SELECT verblijfsobject_id
    FROM marts.adreskenmerken
    WHERE maand = $maand
      AND laatste_controle_uitkomst = 'geen bijzonderheden'
      AND laatste_controle_datum > $peildatum - to_months($rustperiode_maanden)
),
kandidaten AS (
    SELECT s.*
    FROM marts.adresscores AS s
    WHERE s.maand = $maand AND s.score > 0
      AND s.verblijfsobject_id NOT IN (SELECT verblijfsobject_id FROM rust)
),
top_k AS (
    SELECT verblijfsobject_id, score, redenen, 'risicolijst' AS aanleiding
    FROM kandidaten
    ORDER BY score DESC, rang
    LIMIT $capaciteit
),
populatie AS (
    -- places where people live or work: the base rate is measured there
    SELECT f.verblijfsobject_id
    FROM marts.adreskenmerken AS f
    WHERE f.maand = $maand
      AND (f.is_woning OR f.ingeschrevenen > 0 OR f.vestigingen_actief > 0)
      AND f.verblijfsobject_id NOT IN (SELECT verblijfsobject_id FROM top_k)
      AND f.verblijfsobject_id NOT IN (SELECT verblijfsobject_id FROM rust)
),
getrokken AS (
    -- the sample is drawn first; only its few objects are then looked up among the scores
    -- (every object of the month has one score row)
    SELECT p.verblijfsobject_id
    FROM populatie AS p
    ORDER BY md5($steekproef_seed::VARCHAR || '/' || $maand || '/' || p.verblijfsobject_id)
    LIMIT $steekproef
),
steekproef AS (
    SELECT g.verblijfsobject_id, s.score, s.redenen, 'steekproef' AS aanleiding
    FROM getrokken AS g
    JOIN marts.adresscores AS s ON s.maand = $maand AND s.verblijfsobject_id = g.verblijfsobject_id
),
lijst AS (
    SELECT * FROM top_k UNION ALL SELECT * FROM steekproef
)
SELECT
    $maand AS maand,
    l.verblijfsobject_id,
    row_number() OVER (ORDER BY l.aanleiding = 'steekproef', l.score DESC, s.rang)::INTEGER AS rang,
    l.score,
    l.aanleiding,
    CASE WHEN l.aanleiding = 'steekproef'
         THEN 'Steekproef: willekeurig gekozen als vergelijking' || coalesce('; ' || l.redenen, '')
         ELSE l.redenen END AS redenen,
    v.buurtcode,
    concat_ws(' ', v.openbare_ruimte_naam,
              v.huisnummer::VARCHAR || coalesce(v.huisletter, '') ||
              coalesce('-' || v.toevoeging, '')) AS adres,
    v.postcode,
    $steekproef_seed AS steekproef_seed
FROM lijst AS l
JOIN marts.adresscores AS s ON s.maand = $maand AND s.verblijfsobject_id = l.verblijfsobject_id
JOIN staging.bag_verblijfsobject AS v ON v.maand = $maand AND v.identificatie = l.verblijfsobject_id
