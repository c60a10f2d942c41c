-- audit.validatielog: one row per inbox file checked against its contract, accepted or refused
-- (findings and warnings as JSON; `formaat` the delivery format the door recognised, NULL for the
-- contract's canonical file). `validaties` holds the rows of one run (assets/ingest/audit.py).
SELECT tijdstip, bron, maand, bestand, sha256, uitkomst, rijen, quarantaine, waarschuwingen, bevindingen, run_id,
       formaat::VARCHAR AS formaat
FROM validaties
