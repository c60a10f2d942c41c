-- marts.evaluatie_besluit_redenen: the reasons the overleg gave over the lists of the last 12
-- months, per soort_voorstel and decision ('geen reden' when none was given; 'geen besluit' when the
-- proposal was left).
SELECT $maand AS maand, soort_voorstel,
       coalesce(besluit, 'geen besluit') AS besluit,
       coalesce(reden, 'geen reden') AS reden,
       count(*) AS aantal
FROM marts.besluiten
WHERE maand BETWEEN $begin_12m AND $maand
GROUP BY ALL
