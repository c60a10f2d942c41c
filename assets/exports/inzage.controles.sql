-- inzage.controles: controls of one object and their outcomes, as delivered in the monthly
-- control files (one row per control; a control delivered in several months counts once, as
-- in its latest delivery).
SELECT
    controle_id,
    arg_max(maand, maand) AS maand,
    arg_max(datum, maand) AS datum,
    arg_max(aanleiding, maand) AS aanleiding,
    arg_max(uitkomst, maand) AS uitkomst,
    (strptime(max(maand) || '-01', '%Y-%m-%d')::DATE + to_months($bewaartermijn + 1))::DATE AS verwijderd_vanaf
FROM staging.controles
WHERE verblijfsobject_id = $verblijfsobject_id
GROUP BY controle_id
ORDER BY datum, controle_id
