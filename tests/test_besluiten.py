"""The overleg's decisions in the warehouse: reasons outside the configured list are kept aside,
controls take their aanleiding from the decision they carry out, and the human-review check
warns when the list is followed almost entirely for months, or nothing is decided."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from assets.evaluation import build_decisions, human_review
from assets.ingest.month import set_aside_unknown_reasons
from assets.settings import Besluiten
from assets.warehouse import ensure_schema, month_params
from data_contracts.result import ValidationResult

MAANDEN = ("2026-05", "2026-06", "2026-07", "2026-08")


def _list(con, maand: str, n: int = 10) -> None:
    rows = pd.DataFrame({"maand": maand, "verblijfsobject_id": [f"06380100000{i:05d}" for i in range(n)],
                         "rang": range(1, n + 1), "score": 5, "aanleiding": ["risicolijst"] * (n - 2) + ["steekproef"] * 2})
    con.register("_l", rows)
    con.execute("INSERT INTO marts.controlelijst BY NAME SELECT * FROM _l")
    con.unregister("_l")


def _decide(con, maand: str, besluiten: list[str], extra: int = 0) -> None:
    ids = [f"06380100000{i:05d}" for i in range(len(besluiten))] + [f"06380100009{i:05d}" for i in range(extra)]
    rows = pd.DataFrame({"maand": maand, "verblijfsobject_id": ids, "nummeraanduiding_id": [i.replace("0638010", "0638200") for i in ids],
                         "besluit": besluiten + ["controle"] * extra,
                         "reden": [None if b == "controle" else "capaciteit" for b in besluiten] + ["eigen signaal van het overleg"] * extra})
    con.register("_b", rows)
    con.execute("INSERT INTO staging.besluiten BY NAME SELECT * FROM _b")
    con.unregister("_b")


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_schema(con)
    yield con
    con.close()


def test_a_reason_outside_the_list_is_quarantined_not_loaded():
    frame = pd.DataFrame({"nummeraanduiding_id": ["0638200000000001", "0638200000000002"], "reden": ["capaciteit", "geen zin"],
                          "rij": [1, 2]})
    result = ValidationResult(source="besluiten", maand="2026-08", paths=[]); result.frame = frame
    set_aside_unknown_reasons(result, Besluiten().redenen)
    assert result.frame["reden"].tolist() == ["capaciteit"]
    assert result.quarantaine[["rij", "kolom", "waarde"]].values.tolist() == [[2, "reden", "geen zin"]]


def test_controls_take_their_aanleiding_from_the_decision(con):
    _list(con, "2026-07")
    _decide(con, "2026-07", ["controle", "geen controle"], extra=1)
    build_decisions(con, month_params("2026-07"))
    controles = pd.DataFrame({"maand": "2026-08", "controle_id": ["C1", "C2", "C3"],
                              "datum": pd.to_datetime(["2026-08-05", "2026-08-06", "2026-08-07"]),
                              "verblijfsobject_id": ["0638010000000000", "0638010000900000", "0638010000000005"],
                              "aanleiding": ["signaal", "signaal", "signaal"], "uitkomst": ["overbewoning", "geen bijzonderheden", "overbewoning"]})
    con.register("_c", controles)
    con.execute("INSERT INTO staging.controles BY NAME SELECT * FROM _c")
    build_decisions(con, month_params("2026-08"))
    got = dict(con.execute("SELECT controle_id, aanleiding FROM marts.controle_besluit WHERE maand = '2026-08'").fetchall())
    assert got == {"C1": "risicolijst", "C2": "overleg", "C3": "signaal"}
    rows = con.execute("SELECT soort_voorstel, voorstellen, besloten, controle, gecontroleerd, treffers FROM marts.evaluatie_besluiten "
                       "WHERE maand = '2026-08' AND lijst_maand = '2026-07' ORDER BY soort_voorstel").fetchall()
    assert rows == [("overleg", 1, 1, 1, 1, 0), ("risicolijst", 8, 2, 1, 1, 1), ("steekproef", 2, 0, 0, 0, 0)]


@pytest.mark.parametrize("besluiten, verwacht", [
    (["controle"] * 10, "automatiseringsbias"),
    ([], "niets besloten"),
    (["controle"] * 6 + ["geen controle"] * 4, None),
])
def test_human_review_warns_on_following_everything_or_deciding_nothing(con, besluiten, verwacht):
    for maand in MAANDEN:
        _list(con, maand)
        if maand != MAANDEN[-1] and besluiten:
            _decide(con, maand, besluiten)
        build_decisions(con, month_params(maand))
    meldingen = human_review(con, MAANDEN[-1])
    if verwacht is None:
        assert meldingen == []
    else:
        assert len(meldingen) == 1 and verwacht in meldingen[0], meldingen


def test_decisions_are_address_level_data_under_retention(con):
    from assets.exports.retention import address_tables

    found = set(address_tables(con))
    assert {"staging.besluiten", "marts.besluiten", "marts.controle_besluit"} <= found
    assert "marts.evaluatie_besluiten" not in found  # aggregates stay
