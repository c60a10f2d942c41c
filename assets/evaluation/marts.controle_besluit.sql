-- marts.controle_besluit: every control of the month with the decision it carried out: the latest
-- decision on the same object for a list of the $controle_termijn_maanden months before the
-- control's month. The aanleiding follows from that decision (risicolijst, steekproef, overleg =
-- added by the overleg); a control without a decision keeps the aanleiding of the file (signaal).
WITH c AS (
    SELECT maand, controle_id, datum, verblijfsobject_id, uitkomst, aanleiding,
           strftime(datum, '%Y-%m') AS controle_maand,
           strftime(datum - to_months($controle_termijn_maanden), '%Y-%m') AS vroegste_lijst
    FROM staging.controles
    WHERE maand = $maand
),
gekoppeld AS (
    SELECT c.*, b.besluit_id, b.maand AS lijst_maand, b.besluit, b.soort_voorstel
    FROM c
    LEFT JOIN marts.besluiten AS b
      ON b.verblijfsobject_id = c.verblijfsobject_id
     AND b.maand < c.controle_maand AND b.maand >= c.vroegste_lijst
    QUALIFY row_number() OVER (PARTITION BY c.controle_id ORDER BY b.maand DESC NULLS LAST) = 1
)
SELECT maand, controle_id, datum, verblijfsobject_id, uitkomst,
       aanleiding AS aanleiding_bestand, besluit_id, lijst_maand, besluit,
       CASE WHEN besluit_id IS NOT NULL AND (besluit = 'controle' OR aanleiding IN ('risicolijst', 'steekproef', 'overleg'))
            THEN soort_voorstel ELSE aanleiding END AS aanleiding,
       CASE WHEN lijst_maand IS NOT NULL
            THEN date_diff('day', last_day(strptime(lijst_maand || '-01', '%Y-%m-%d')), datum) END AS dagen_na_voorstel
FROM gekoppeld
