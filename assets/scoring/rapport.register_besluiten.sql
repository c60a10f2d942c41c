-- rapport.register_besluiten: the decision figures over the 12 lists up to the newest month in the
-- warehouse, per soort_voorstel, for the Algoritmeregister description.
SELECT maand, soort_voorstel, voorstellen, besloten, controle, gecontroleerd, trefkans, ci_laag, ci_hoog
FROM marts.evaluatie_besluiten
WHERE lijst_maand = '12 maanden'
  AND maand = (SELECT max(maand) FROM marts.evaluatie_besluiten)
