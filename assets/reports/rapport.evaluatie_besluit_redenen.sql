-- rapport.evaluatie_besluit_redenen: reasons for the decisions on the lists of the last 12 months.
SELECT soort_voorstel, besluit, reden, aantal
FROM marts.evaluatie_besluit_redenen
WHERE maand = $maand AND besluit <> 'controle'
ORDER BY aantal DESC, soort_voorstel, besluit, reden
