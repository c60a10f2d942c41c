-- rapport.quarantaine: rows of this month kept aside per source and column (counts only; the
-- rows themselves stay in staging.quarantaine).
SELECT bron, coalesce(kolom, '') AS kolom, count(*)::INTEGER AS rijen
FROM staging.quarantaine
WHERE maand = $maand
GROUP BY ALL
ORDER BY rijen DESC, bron, kolom
