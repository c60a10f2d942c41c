-- audit.validatielog: one row per inbox file checked against its contract, accepted or refused
-- (findings and warnings as JSON). `validaties` holds the rows of one run (assets/ingest/audit.py).
SELECT tijdstip, bron, maand, bestand, sha256, uitkomst, rijen, quarantaine, waarschuwingen, bevindingen, run_id
FROM validaties
