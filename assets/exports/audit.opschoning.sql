-- audit.opschoning: one row per retention run (assets/exports/retention.py binds the values).
SELECT $tijd AS tijdstip, $gebruiker AS gebruiker, $vandaag AS vandaag, $termijn AS bewaartermijn_maanden,
       $grens AS oudste_bewaarde_maand, $rijen AS verwijderde_rijen, $bestanden AS verwijderde_bestanden,
       $mappen AS verwijderde_mappen, $compact AS compactering, $ok AS geverifieerd
