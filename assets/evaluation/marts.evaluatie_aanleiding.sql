-- marts.evaluatie_aanleiding: hit rate of controls per aanleiding (risicolijst, signaal,
-- steekproef) up to the peildatum, with Wilson 95 % intervals. 'geen toegang' is a control
-- without observation: counted in controles, not in gecontroleerd.
WITH c AS (
    SELECT aanleiding,
           count(*) AS controles,
           count(*) FILTER (WHERE uitkomst <> 'geen toegang') AS gecontroleerd,
           count(*) FILTER (WHERE is_treffer(uitkomst)) AS treffers
    FROM staging.controles
    WHERE datum <= $peildatum
    GROUP BY aanleiding
)
SELECT $maand AS maand, aanleiding, controles, gecontroleerd, treffers,
       treffers / nullif(gecontroleerd, 0) AS trefkans,
       wilson_laag(treffers, gecontroleerd) AS ci_laag,
       wilson_hoog(treffers, gecontroleerd) AS ci_hoog
FROM c
