-- raw.rni_inschrijvingen: the accepted rows of one month's RNI file as the contract typed them
-- (with their row number `rij`), plus the file name; the month is a column of the file itself,
-- checked by the contract. `ontvangen` is the contract's frame.
SELECT *, $bestand::VARCHAR AS bestand
FROM ontvangen
