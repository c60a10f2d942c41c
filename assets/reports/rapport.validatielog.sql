-- rapport.validatielog: every contract check of this month's files (accepted and refused),
-- newest first, so the report shows refused deliveries that were later replaced too.
SELECT tijdstip, bron, bestand, uitkomst, rijen, quarantaine, waarschuwingen, bevindingen
FROM audit.validatielog
WHERE maand = $maand
ORDER BY tijdstip DESC, bron
LIMIT 50
