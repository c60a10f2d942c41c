-- audit.inzage: one row per inzage document made (who, when, which object, why, file hashes).
-- Bound by assets/exports/inzage.py.
SELECT $id AS inzage_id, $tijd AS tijdstip, $gebruiker AS gebruiker, $os AS os_gebruiker,
       $object AS verblijfsobject_id, $reden AS reden, $html AS html_sha256, $json AS json_sha256, $map AS map
