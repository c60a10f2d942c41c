-- marts.adreskenmerken: one row per verblijfsobject per month with the object-level facts the
-- score may use. Windows run over months already in staging: registrations over 12 months, VOW
-- over 24 months, RNI stay addresses and verified signals over 12 months. BRP history is joined
-- through the address (nummeraanduiding), which stays the same when objects are re-registered.
WITH objecten AS (
    SELECT identificatie AS verblijfsobject_id,
           nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id,
           buurtcode, gebruiksdoel, heeft_woonfunctie, is_woning, oppervlakte, oppervlakte_plausibel
    FROM staging.bag_verblijfsobject
    WHERE maand = $maand
),
brp_nu AS (
    SELECT nummeraanduiding_id, ingeschrevenen, briefadressen
    FROM staging.brp_adrestellingen
    WHERE maand = $maand
),
brp_historie AS (
    -- Only the rows with any churn (a few percent of 24 months of adrestellingen) are grouped: a
    -- row whose three counts are all 0 (or NULL) adds nothing to either sum, and an address
    -- without any such row gets 0 from the coalesce below, as it would from a group of zeros.
    SELECT nummeraanduiding_id,
           sum(inschrijvingen + uitschrijvingen) FILTER (WHERE maand >= $begin_12m) AS mutaties_12m,
           sum(vertrokken_onbekend) AS vertrokken_onbekend_24m
    FROM staging.brp_adrestellingen
    WHERE maand BETWEEN $begin_24m AND $maand
      AND (inschrijvingen <> 0 OR uitschrijvingen <> 0 OR vertrokken_onbekend <> 0)
    GROUP BY nummeraanduiding_id
),
vestigingen AS (
    SELECT bag_verblijfsobject_id AS verblijfsobject_id,
           count(*) AS vestigingen_actief,
           count(*) FILTER (WHERE risicosoort = 'risicosector') AS risicosector_vestigingen,
           string_agg(DISTINCT risicocategorie, '|' ORDER BY risicocategorie)
               FILTER (WHERE risicosoort = 'risicosector') AS risicocategorieen,
           count(*) FILTER (WHERE neven_risicocategorieen IS NOT NULL) AS neven_risicosector_vestigingen,
           count(*) FILTER (WHERE risicosoort IN ('uitzendbureau', 'arbeidsbemiddeling')) AS uitzend_vestigingen
    FROM staging.kvk_vestigingen
    WHERE maand = $maand AND actief
    GROUP BY bag_verblijfsobject_id
),
rni AS (
    SELECT nummeraanduiding_id, sum(inschrijvingen) AS rni_inschrijvingen_12m
    FROM staging.rni_inschrijvingen
    WHERE maand BETWEEN $begin_12m AND $maand AND nummeraanduiding_id IS NOT NULL
    GROUP BY nummeraanduiding_id
),
signalen AS (
    SELECT nummeraanduiding_id, count(DISTINCT signaal_id) AS geverifieerde_signalen_12m
    FROM staging.signalen
    WHERE geverifieerd = 'J'
      AND datum <= $peildatum AND datum > $peildatum - INTERVAL 12 MONTH
    GROUP BY nummeraanduiding_id
),
controles AS (
    SELECT nummeraanduiding_id,
           max(datum) AS laatste_controle_datum,
           arg_max(uitkomst, (datum, controle_id)) AS laatste_controle_uitkomst
    FROM staging.controles
    WHERE datum <= $peildatum
    GROUP BY nummeraanduiding_id
)
SELECT
    $maand AS maand,
    o.verblijfsobject_id,
    o.nummeraanduiding_id,
    o.buurtcode,
    o.gebruiksdoel,
    o.heeft_woonfunctie,
    o.is_woning,
    o.oppervlakte,
    o.oppervlakte_plausibel,
    coalesce(b.ingeschrevenen, 0) AS ingeschrevenen,
    coalesce(b.briefadressen, 0) AS briefadressen,
    CASE WHEN o.oppervlakte_plausibel AND b.ingeschrevenen > 0
         THEN round(o.oppervlakte / b.ingeschrevenen, 1) END AS m2_per_ingeschrevene,
    CASE WHEN NOT o.heeft_woonfunctie THEN coalesce(b.ingeschrevenen, 0) ELSE 0 END
        AS bewoning_zonder_woonfunctie,
    coalesce(h.mutaties_12m, 0) AS mutaties_12m,
    round(coalesce(h.mutaties_12m, 0) / greatest(coalesce(b.ingeschrevenen, 0), 1), 2) AS mutatiegraad_12m,
    coalesce(h.vertrokken_onbekend_24m, 0) AS vertrokken_onbekend_24m,
    coalesce(v.vestigingen_actief, 0) AS vestigingen_actief,
    CASE WHEN o.is_woning THEN coalesce(v.vestigingen_actief, 0) ELSE 0 END AS vestigingen_op_woning,
    coalesce(v.risicosector_vestigingen, 0) AS risicosector_vestigingen,
    CASE WHEN o.is_woning THEN coalesce(v.risicosector_vestigingen, 0) ELSE 0 END AS risicosector_op_woning,
    v.risicocategorieen,
    coalesce(v.neven_risicosector_vestigingen, 0) AS neven_risicosector_vestigingen,
    coalesce(v.uitzend_vestigingen, 0) AS uitzend_vestigingen,
    CASE WHEN o.is_woning THEN coalesce(v.uitzend_vestigingen, 0) ELSE 0 END AS uitzend_op_woning,
    coalesce(r.rni_inschrijvingen_12m, 0) AS rni_inschrijvingen_12m,
    coalesce(s.geverifieerde_signalen_12m, 0) AS geverifieerde_signalen_12m,
    c.laatste_controle_datum,
    c.laatste_controle_uitkomst,
    va.leegstand,
    va.leegstand_maanden
FROM objecten AS o
LEFT JOIN brp_nu AS b USING (nummeraanduiding_id)
LEFT JOIN brp_historie AS h USING (nummeraanduiding_id)
LEFT JOIN vestigingen AS v USING (verblijfsobject_id)
LEFT JOIN rni AS r USING (nummeraanduiding_id)
LEFT JOIN signalen AS s USING (nummeraanduiding_id)
LEFT JOIN controles AS c USING (nummeraanduiding_id)
LEFT JOIN marts.leegstand AS va ON va.maand = $maand AND va.verblijfsobject_id = o.verblijfsobject_id
