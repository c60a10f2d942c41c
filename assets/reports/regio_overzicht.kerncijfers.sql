-- regio_overzicht.kerncijfers: one gemeente's key figures for $maand, counts only (the RIEC's
-- regional overview puts one row per gemeente side by side and suppresses small counts).
SELECT
    (SELECT count(*) FILTER (WHERE is_woning) FROM marts.leegstand WHERE maand = $maand) AS woningen,
    (SELECT count(*) FILTER (WHERE leegstand) FROM marts.leegstand WHERE maand = $maand) AS leegstaand,
    (SELECT count(*) FROM staging.kvk_vestigingen
      WHERE maand = $maand AND actief AND risicosoort = 'risicosector') AS risicosector,
    (SELECT count(*) FROM staging.kvk_vestigingen
      WHERE maand = $maand AND actief AND risicosoort IN ('uitzendbureau', 'arbeidsbemiddeling')) AS uitzend,
    (SELECT count(*) FROM marts.controlelijst WHERE maand = $maand AND aanleiding = 'risicolijst') AS risicolijst,
    (SELECT count(*) FROM staging.signalen WHERE maand = $maand AND geverifieerd = 'J') AS signalen,
    (SELECT count(*) FROM staging.controles WHERE maand = $maand) AS controles,
    (SELECT count(*) FROM staging.controles WHERE maand = $maand AND is_treffer(uitkomst)) AS treffers
