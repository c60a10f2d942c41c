-- inzage.opschoning: the retention runs (audit.opschoning), newest first: when address-level
-- data were last removed and from which month on they are kept.
SELECT tijdstip, vandaag, bewaartermijn_maanden, oudste_bewaarde_maand, geverifieerd
FROM audit.opschoning
ORDER BY tijdstip DESC
LIMIT 5
