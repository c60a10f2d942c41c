-- staging.bag_nevenadres: the nevenadressen of the month's verblijfsobjecten, as the BAG delivery
-- lists them (LV BAG nevenadresNummeraanduidingRef). `nevenadressen` is the BAG reader's frame
-- (verblijfsobject_id, nummeraanduiding_id); only the gemeente's objects are kept. A BAG delivery
-- without nevenadressen (the canonical CSV, PDOK's bag-light) leaves the month empty.
-- Grain: one row per maand and nummeraanduiding_id.
SELECT DISTINCT $maand::VARCHAR AS maand, n.verblijfsobject_id, n.nummeraanduiding_id
FROM nevenadressen AS n
JOIN staging.bag_verblijfsobject AS v
    ON v.maand = $maand AND v.identificatie = n.verblijfsobject_id
