-- inzage.registerfeiten: one object's register facts per month as the pipeline used them, for
-- every month in the warehouse (one row per maand, also when the object was not in that
-- month's BAG). Counts only: the BRP delivers numbers per address, never persons.
WITH maanden AS (
    SELECT DISTINCT maand FROM marts.controlelijst
    UNION
    SELECT DISTINCT maand FROM staging.bag_verblijfsobject WHERE identificatie = $verblijfsobject_id
),
bag AS (
    SELECT maand, gebruiksdoel, oppervlakte, oppervlakte_plausibel, status, is_woning, heeft_woonfunctie,
           nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id
    FROM staging.bag_verblijfsobject
    WHERE identificatie = $verblijfsobject_id
),
brp AS (
    SELECT maand, sum(ingeschrevenen) AS ingeschrevenen, sum(briefadressen) AS briefadressen,
           sum(inschrijvingen) AS inschrijvingen, sum(uitschrijvingen) AS uitschrijvingen,
           sum(vertrokken_onbekend) AS vertrokken_onbekend
    FROM staging.brp_adrestellingen
    WHERE verblijfsobject_id = $verblijfsobject_id
    GROUP BY maand
),
rni AS (
    SELECT maand, sum(inschrijvingen) AS rni_inschrijvingen
    FROM staging.rni_inschrijvingen
    WHERE verblijfsobject_id = $verblijfsobject_id
    GROUP BY maand
),
signalen AS (
    SELECT maand, count(*) FILTER (WHERE geverifieerd = 'J') AS geverifieerde_signalen,
           count(*) FILTER (WHERE geverifieerd IS DISTINCT FROM 'J') AS niet_geverifieerde_signalen
    FROM staging.signalen
    WHERE verblijfsobject_id = $verblijfsobject_id
    GROUP BY maand
),
kenmerken AS (
    SELECT * FROM marts.adreskenmerken WHERE verblijfsobject_id = $verblijfsobject_id
),
leeg AS (
    SELECT maand, woz_gebruik, woz_meegenomen FROM marts.leegstand WHERE verblijfsobject_id = $verblijfsobject_id
),
scores AS (
    SELECT maand, score, rang, indicatoren FROM marts.adresscores WHERE verblijfsobject_id = $verblijfsobject_id
),
bronnen AS (
    SELECT maand, list(bron ORDER BY bron) AS geleverd
    FROM audit.bronnen_maand
    GROUP BY maand
),
quarantaine AS (
    SELECT maand, count(*) AS rijen, list(DISTINCT bron ORDER BY bron) AS bronnen
    FROM inzage_quarantaine
    GROUP BY maand
)
SELECT
    m.maand,
    b.maand IS NOT NULL AS in_bag,
    b.nummeraanduiding_id,
    b.gebruiksdoel,
    b.oppervlakte,
    b.oppervlakte_plausibel,
    b.status,
    b.is_woning,
    b.heeft_woonfunctie,
    p.maand IS NOT NULL AS in_brp,
    p.ingeschrevenen,
    p.briefadressen,
    p.inschrijvingen,
    p.uitschrijvingen,
    p.vertrokken_onbekend,
    k.m2_per_ingeschrevene,
    k.bewoning_zonder_woonfunctie,
    k.mutaties_12m,
    k.mutatiegraad_12m,
    k.vertrokken_onbekend_24m,
    k.vestigingen_actief,
    k.vestigingen_op_woning,
    k.risicosector_vestigingen,
    k.neven_risicosector_vestigingen,
    k.uitzend_vestigingen,
    coalesce(r.rni_inschrijvingen, 0) AS rni_inschrijvingen,
    k.rni_inschrijvingen_12m,
    coalesce(s.geverifieerde_signalen, 0) AS geverifieerde_signalen,
    coalesce(s.niet_geverifieerde_signalen, 0) AS niet_geverifieerde_signalen,
    k.geverifieerde_signalen_12m,
    l.woz_gebruik,
    l.woz_meegenomen,
    k.leegstand,
    k.leegstand_maanden,
    sc.score,
    sc.rang,
    coalesce(sc.indicatoren, []) AS indicatoren,
    coalesce(bm.geleverd, []) AS bronnen_geleverd,
    list_filter($bronnen, lambda x: NOT list_contains(coalesce(bm.geleverd, []), x)) AS bronnen_ontbrekend,
    coalesce(q.rijen, 0) AS quarantaine_rijen,
    coalesce(q.bronnen, []) AS quarantaine_bronnen,
    (strptime(m.maand || '-01', '%Y-%m-%d')::DATE + to_months($bewaartermijn + 1))::DATE AS verwijderd_vanaf
FROM maanden AS m
LEFT JOIN bag AS b USING (maand)
LEFT JOIN brp AS p USING (maand)
LEFT JOIN rni AS r USING (maand)
LEFT JOIN signalen AS s USING (maand)
LEFT JOIN kenmerken AS k USING (maand)
LEFT JOIN leeg AS l USING (maand)
LEFT JOIN scores AS sc USING (maand)
LEFT JOIN bronnen AS bm USING (maand)
LEFT JOIN quarantaine AS q USING (maand)
ORDER BY m.maand
