-- raw.besluiten: the accepted rows of one month's decisions file as the contract typed them (with
-- their row number `rij`), plus the month and the file name. `ontvangen` is the contract's frame.
SELECT *, $maand::VARCHAR AS maand, $bestand::VARCHAR AS bestand
FROM ontvangen
