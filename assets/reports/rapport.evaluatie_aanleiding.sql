-- rapport.evaluatie_aanleiding: hit rate per aanleiding up to this month (Wilson 95 %).
SELECT aanleiding, controles, gecontroleerd, treffers, trefkans, ci_laag, ci_hoog
FROM marts.evaluatie_aanleiding
WHERE maand = $maand
ORDER BY CASE aanleiding WHEN 'risicolijst' THEN 1 WHEN 'signaal' THEN 2 WHEN 'steekproef' THEN 3 ELSE 4 END, aanleiding
