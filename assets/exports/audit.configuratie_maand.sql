-- audit.configuratie_maand: which indicatoren.yaml, instellingen.yaml, reference files and code produced a month (one row per
-- publication of the month; the latest belongs to its current scores). Bound by assets/exports/inzage.py.
SELECT $maand AS maand, $tijd AS tijdstip, $ind_sha AS indicatoren_sha256, $inst_sha AS instellingen_sha256,
       $ind AS indicatoren_yaml, $inst AS instellingen_yaml, $run AS run_id,
       $ref_sha AS referentie_sha256, $code_sha AS code_sha256
