-- audit.bronnen_maand: what each source contributed to one month (file, hash, rows accepted,
-- quarantined, of another gemeente, KvK match rate, warnings as JSON, and the delivery format the
-- door recognised: NULL for the contract's canonical file), for the report's data-quality
-- section. `bronverslag` holds one row per source (assets/ingest/month.py).
SELECT $maand::VARCHAR AS maand, bron, bestand, sha256, rijen, geaccepteerd, quarantaine, andere_gemeente,
       matchpercentage, waarschuwingen, formaat::VARCHAR AS formaat
FROM bronverslag
