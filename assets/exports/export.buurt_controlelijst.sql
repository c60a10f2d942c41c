-- export.buurt_controlelijst: addresses on the export month's control list per buurt and
-- aanleiding (risicolijst / steekproef). Plain counts; suppressed before they are written.
SELECT
    coalesce(buurtcode, 'onbekend') AS buurtcode,
    aanleiding,
    count(*)::INTEGER AS adressen
FROM marts.controlelijst
WHERE maand = $maand
GROUP BY ALL
ORDER BY ALL
