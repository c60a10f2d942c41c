-- rapport.evaluatie_precisie: precision@k of the last twelve risk lists.
SELECT lijst_maand, k, gecontroleerd, treffers, precisie
FROM marts.evaluatie_precisie
WHERE maand = $maand
ORDER BY lijst_maand DESC
LIMIT 12
