-- marts.evaluatie_besluiten: how the signaleringsoverleg weighed the proposals of the lists of the
-- last 12 months (and over those 12 together: lijst_maand '12 maanden'), per soort_voorstel: proposals,
-- decided (controle or geen controle), later, left open, followed (controle), and of the decided
-- controls the ones carried out with a finding (hit rate, Wilson 95 %), and the median days from
-- the list (its peildatum) to the control. Controls up to this month's peildatum count.
WITH besluiten AS (
    SELECT maand AS lijst_maand, besluit_id, soort_voorstel, besluit
    FROM marts.besluiten
    WHERE maand BETWEEN $begin_12m AND $maand
),
uitgevoerd AS (
    SELECT besluit_id, bool_or(is_treffer(uitkomst)) AS treffer, min(dagen_na_voorstel) AS dagen
    FROM marts.controle_besluit
    WHERE maand <= $maand AND datum <= $peildatum AND besluit_id IS NOT NULL AND uitkomst <> 'geen toegang'
    GROUP BY besluit_id
),
rijen AS (
    SELECT b.lijst_maand, b.soort_voorstel, b.besluit, u.treffer, u.dagen
    FROM besluiten AS b LEFT JOIN uitgevoerd AS u USING (besluit_id)
),
telling AS (
    SELECT coalesce(lijst_maand, '12 maanden') AS lijst_maand, soort_voorstel,
           count(*) AS voorstellen,
           count(*) FILTER (WHERE besluit IN ('controle', 'geen controle')) AS besloten,
           count(*) FILTER (WHERE besluit = 'later') AS later,
           count(*) FILTER (WHERE besluit IS NULL) AS open,
           count(*) FILTER (WHERE besluit = 'controle') AS controle,
           count(treffer) FILTER (WHERE besluit = 'controle') AS gecontroleerd,
           count(*) FILTER (WHERE besluit = 'controle' AND treffer) AS treffers,
           median(dagen) FILTER (WHERE besluit = 'controle') AS mediaan_dagen
    FROM rijen
    GROUP BY GROUPING SETS ((lijst_maand, soort_voorstel), (soort_voorstel))
)
SELECT $maand AS maand, lijst_maand, soort_voorstel, voorstellen, besloten, later, open, controle,
       besloten / nullif(voorstellen, 0) AS aandeel_besloten,
       controle / nullif(besloten, 0) AS aandeel_gevolgd,
       gecontroleerd, treffers,
       treffers / nullif(gecontroleerd, 0) AS trefkans,
       wilson_laag(treffers, gecontroleerd) AS ci_laag,
       wilson_hoog(treffers, gecontroleerd) AS ci_hoog,
       mediaan_dagen
FROM telling
