-- staging.quarantaine (contracts): the rows of one source's file that its contract kept aside
-- (e.g. an address that is not in the month's BAG). `quarantaine_rijen` is the contract's frame.
SELECT $maand::VARCHAR AS maand, $bron::VARCHAR AS bron, bestand, rij, kolom, waarde, reden
FROM quarantaine_rijen
