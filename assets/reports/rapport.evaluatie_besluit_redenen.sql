-- rapport.evaluatie_besluit_redenen: reasons for the decisions on the lists of the last 12 months.
SELECT herkomst, besluit, reden, aantal
FROM marts.evaluatie_besluit_redenen
WHERE maand = $maand AND besluit <> 'controle'
ORDER BY aantal DESC, herkomst, besluit, reden
