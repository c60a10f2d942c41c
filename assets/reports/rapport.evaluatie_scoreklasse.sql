-- rapport.evaluatie_scoreklasse: hit rate per score band up to this month (Wilson 95 %).
SELECT scoreklasse, ondergrens, gecontroleerd, treffers, trefkans, ci_laag, ci_hoog
FROM marts.evaluatie_scoreklasse
WHERE maand = $maand
ORDER BY ondergrens
