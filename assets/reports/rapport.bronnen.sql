-- rapport.bronnen: this month's inputs per source as the ingest recorded them
-- (audit.bronnen_maand), with every monthly source listed, also when no file came in; `formaat` is the
-- register format the door recognised (NULL: the contract's canonical file).
WITH bronnen AS (
    SELECT * FROM (VALUES
        (1, 'bag_verblijfsobject', true), (2, 'brp_adrestellingen', true), (3, 'rni_inschrijvingen', false),
        (4, 'kvk_vestigingen', true), (5, 'woz_gebruik', false), (6, 'signalen', false), (7, 'controles', false)
    ) AS t(volgorde, bron, verplicht)
)
SELECT
    b.bron,
    b.verplicht,
    a.bestand,
    a.rijen,
    a.geaccepteerd,
    a.quarantaine,
    a.andere_gemeente,
    a.matchpercentage,
    a.waarschuwingen,
    a.formaat
FROM bronnen AS b
LEFT JOIN audit.bronnen_maand AS a ON a.maand = $maand AND a.bron = b.bron
ORDER BY b.volgorde
