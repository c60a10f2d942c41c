-- audit.export_adressen: the objects an address-level export carried (ids only), from the
-- registered frame _export_ids (assets/exports/riec.py).
SELECT DISTINCT $id AS export_id, verblijfsobject_id FROM _export_ids
