-- trend.slachtoffers: victims per year and form of exploitation, per bron and regio (SHOP,
-- CoMensha), for every year up to and including the year of $maand. One row per
-- (bron, regio, jaar), one column per uitbuitingsvorm; totaal is the sum of the forms
-- (a delivered 'Totaal' row is never read: the contract has already checked it). Plain
-- counts: suppression is applied by whoever exports them.
WITH rijen AS (
    SELECT bron, regio, jaar, lower(trim(uitbuitingsvorm)) AS vorm, aantal
    FROM staging.slachtoffers
    WHERE jaar <= CAST(left($maand, 4) AS INTEGER)
      AND lower(trim(uitbuitingsvorm)) <> 'totaal'
)
SELECT
    bron,
    regio,
    jaar,
    coalesce(sum(aantal) FILTER (WHERE vorm = 'arbeidsuitbuiting'), 0)::INTEGER AS arbeidsuitbuiting,
    coalesce(sum(aantal) FILTER (WHERE vorm = 'seksuele uitbuiting'), 0)::INTEGER AS seksuele_uitbuiting,
    coalesce(sum(aantal) FILTER (WHERE vorm = 'criminele uitbuiting'), 0)::INTEGER AS criminele_uitbuiting,
    coalesce(sum(aantal) FILTER (WHERE vorm = 'criminele/seksuele uitbuiting'), 0)::INTEGER AS criminele_seksuele_uitbuiting,
    coalesce(sum(aantal) FILTER (WHERE vorm = 'onbekend'), 0)::INTEGER AS onbekend,
    sum(aantal)::INTEGER AS totaal
FROM rijen
GROUP BY bron, regio, jaar
ORDER BY bron, regio, jaar
