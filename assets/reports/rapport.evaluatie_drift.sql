-- rapport.evaluatie_drift: objects per indicator against the previous month; flagged first.
SELECT indicator, objecten, objecten_vorige_maand, factor, signaal
FROM marts.evaluatie_drift
WHERE maand = $maand
ORDER BY signaal DESC, indicator
