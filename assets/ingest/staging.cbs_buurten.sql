-- staging.cbs_buurten: the CBS buurten of the configured buurten file (code, name, gemeente and
-- WKT geometry for maps). `buurten_bestand` is that file read by assets/ingest/buurten.py.
SELECT buurtcode, buurtnaam, gemeentecode, geometrie_wkt
FROM buurten_bestand
