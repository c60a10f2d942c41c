-- rapport.evaluatie_indicator: hit rate per indicator up to this month (Wilson 95 %).
SELECT indicator, gecontroleerd, treffers, trefkans, ci_laag, ci_hoog
FROM marts.evaluatie_indicator
WHERE maand = $maand
ORDER BY indicator
