-- rapport.evaluatie_besluiten: how the overleg decided on the lists of the last 12 months.
SELECT lijst_maand, soort_voorstel, voorstellen, besloten, later, open, controle, aandeel_besloten, aandeel_gevolgd,
       gecontroleerd, treffers, trefkans, ci_laag, ci_hoog, mediaan_dagen
FROM marts.evaluatie_besluiten
WHERE maand = $maand
ORDER BY lijst_maand = '12 maanden' DESC, lijst_maand DESC,
         CASE soort_voorstel WHEN 'risicolijst' THEN 1 WHEN 'steekproef' THEN 2 ELSE 3 END
