-- rapport.evaluatie_buurt: selection against object share per buurt (disparity); flagged
-- buurten first.
SELECT buurtcode, buurtnaam, objecten, aandeel_objecten, selecties, aandeel_selecties,
       selectie_ratio, gecontroleerd, treffers, trefkans, signaal
FROM marts.evaluatie_buurt
WHERE maand = $maand
ORDER BY signaal DESC, selectie_ratio DESC NULLS LAST, buurtcode
