-- inzage.besluiten: the signaleringsoverleg's decision on each proposal of this object (and on the
-- object when the overleg added it itself), with the reason and the note as recorded, and when
-- they are deleted under the retention term. NULL besluit: the proposal was left undecided.
SELECT
    b.maand,
    b.soort_voorstel,
    b.rang,
    b.score,
    b.besluit,
    b.reden,
    s.notitie,
    b.besluit_datum,
    (strptime(b.maand || '-01', '%Y-%m-%d')::DATE + to_months($bewaartermijn + 1))::DATE AS verwijderd_vanaf
FROM marts.besluiten AS b
LEFT JOIN staging.besluiten AS s
    ON s.maand = b.maand AND s.verblijfsobject_id = b.verblijfsobject_id
WHERE b.verblijfsobject_id = $verblijfsobject_id
ORDER BY b.maand
