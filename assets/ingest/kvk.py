"""KvK establishments matched to BAG objects: the temp table kvk_gematcht (temp.kvk_gematcht.sql),
then the matched rows to staging.kvk_vestigingen and the rest to staging.quarantaine
(staging.quarantaine__kvk.sql)."""
from __future__ import annotations

import pandas as pd

from assets.ingest.received import received
from assets.ingest.sbi import SBI_VERSIE
from assets.warehouse import create_temp, insert, replace


def load_kvk(con, params: dict, sbi: pd.DataFrame, frame: pd.DataFrame, bestand: str) -> tuple[int, int, float | None]:
    """Match the accepted rows of the month's KvK file `bestand` (the contract's frame) to the
    month's BAG objects; returns (matched, unmatched, percentage of the rows without a BAG id that
    matched by address, or None)."""
    create_temp(con, "kvk_gematcht", {**params, "sbi_versie": SBI_VERSIE, "bestand": bestand},
                frames={"sbi_risico": sbi, "ontvangen": received(frame, "kvk_vestigingen")})
    matched = replace(con, "staging.kvk_vestigingen", params, keys=("maand",))
    unmatched = insert(con, "staging.quarantaine", params, file="staging.quarantaine__kvk")
    address_rows, address_matched = con.execute(
        """
        SELECT count(*) FILTER (WHERE nullif(trim(verblijfsobject_id), '') IS NULL),
               count(*) FILTER (WHERE nullif(trim(verblijfsobject_id), '') IS NULL AND matchwijze = 'adres')
        FROM kvk_gematcht
        """
    ).fetchall()[0]
    con.execute("DROP TABLE kvk_gematcht")
    rate = round(100.0 * address_matched / address_rows, 2) if address_rows else None
    return int(matched), int(unmatched), rate
