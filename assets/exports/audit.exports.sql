-- audit.exports: one row per RIEC export package written (assets/exports/riec.py binds the values).
SELECT $id AS export_id, $tijd AS tijdstip, $gebruiker AS gebruiker, $os AS os_gebruiker, $maand AS maand,
       $ontvanger AS ontvanger, $doel AS doel, $grondslag AS grondslag, $adressen AS adressen,
       $tabellen AS tabellen, $bestanden AS bestanden, $manifest AS manifest_sha256, $map AS map,
       $code AS code_versie
