"""Vacancy and per-address features on tiny hand-made cases: every edge a reader would ask about."""
import datetime as dt

import pandas as pd
import pytest

from assets.ingest import load_kvk, sbi_prefixes
from assets.warehouse import month_params
from assets.settings import CONFIG_DIR
from tests.warehouse_builder import (
    add_brp, add_controle, add_object, add_rni, add_signaal, add_vestiging, add_woz, build_marts, new_warehouse,
    row, vbo_id,
)

M = "2026-10"


@pytest.fixture
def con():
    c = new_warehouse()
    yield c
    c.close()


def test_dwelling_without_residents_establishment_or_woz_use_is_vacant(con):
    add_object(con, M, 1)                       # empty dwelling -> vacant
    add_object(con, M, 2); add_brp(con, M, 2, ingeschrevenen=2)
    add_object(con, M, 3); add_brp(con, M, 3, briefadressen=4)   # only briefadressen: still vacant
    add_object(con, M, 4, gebruiksdoel="kantoorfunctie")          # no dwelling: never vacant
    add_object(con, M, 5, status="Verblijfsobject gevormd")       # not (yet) in the dwelling stock
    build_marts(con, M)
    assert row(con, "marts.leegstand", M, 1)["leegstand"]
    assert not row(con, "marts.leegstand", M, 2)["leegstand"]
    assert row(con, "marts.leegstand", M, 3)["leegstand"], "briefadressen alone do not make an object occupied"
    assert not row(con, "marts.leegstand", M, 4)["leegstand"]
    assert not row(con, "marts.leegstand", M, 5)["leegstand"]
    buurt = con.execute("SELECT woningen, leegstaand, leegstand_pct FROM marts.leegstand_buurt WHERE maand = $m", {"m": M}).fetchall()
    assert buurt == [(3, 2, 66.67)]


def test_object_with_two_gebruiksdoelen_counts_as_dwelling(con):
    add_object(con, M, 1, gebruiksdoel="winkelfunctie,woonfunctie", oppervlakte=120)
    add_brp(con, M, 1, ingeschrevenen=3)
    add_object(con, M, 2, gebruiksdoel="winkelfunctie, woonfunctie")   # vacant mixed-use dwelling
    build_marts(con, M)
    f = row(con, "marts.adreskenmerken", M, 1)
    assert f["heeft_woonfunctie"] and f["is_woning"]
    assert f["bewoning_zonder_woonfunctie"] == 0
    assert f["m2_per_ingeschrevene"] == 40.0
    assert row(con, "marts.leegstand", M, 2)["leegstand"]


def test_residents_in_object_without_woonfunctie(con):
    add_object(con, M, 1, gebruiksdoel="industriefunctie", oppervlakte=900)
    add_brp(con, M, 1, ingeschrevenen=6)
    build_marts(con, M)
    f = row(con, "marts.adreskenmerken", M, 1)
    assert f["bewoning_zonder_woonfunctie"] == 6
    assert not row(con, "marts.leegstand", M, 1)["leegstand"]


def test_establishment_ended_mid_month_no_longer_counts(con):
    add_object(con, M, 1); add_vestiging(con, M, 1, einde="2026-10-15")          # ended before peildatum
    add_object(con, M, 2); add_vestiging(con, M, 2, einde="2026-11-03")          # ends after peildatum
    add_object(con, M, 3); add_vestiging(con, M, 3, aanvang="2026-11-01")        # starts after peildatum
    add_object(con, M, 4); add_vestiging(con, M, 4, einde="2026-10-31")          # ends on the peildatum
    build_marts(con, M)
    assert row(con, "marts.leegstand", M, 1)["leegstand"]
    assert not row(con, "marts.leegstand", M, 2)["leegstand"]
    assert row(con, "marts.leegstand", M, 3)["leegstand"]
    assert row(con, "marts.leegstand", M, 4)["leegstand"], "active means datum_einde later than the peildatum"
    assert row(con, "marts.adreskenmerken", M, 2)["vestigingen_actief"] == 1
    assert row(con, "marts.adreskenmerken", M, 1)["vestigingen_actief"] == 0


def test_zero_residents_and_missing_or_implausible_area_give_no_m2_per_resident(con):
    add_object(con, M, 1, oppervlakte=60)                                   # nobody registered
    add_object(con, M, 2, oppervlakte=None); add_brp(con, M, 2, ingeschrevenen=3)
    add_object(con, M, 3, oppervlakte=4); add_brp(con, M, 3, ingeschrevenen=3)   # < 6 m2: implausible
    add_object(con, M, 4, oppervlakte=30); add_brp(con, M, 4, ingeschrevenen=0, inschrijvingen=2, uitschrijvingen=3)
    build_marts(con, M)
    assert pd.isna(row(con, "marts.adreskenmerken", M, 1)["m2_per_ingeschrevene"])
    f2 = row(con, "marts.adreskenmerken", M, 2)
    assert pd.isna(f2["m2_per_ingeschrevene"]) and not f2["oppervlakte_plausibel"]
    assert pd.isna(row(con, "marts.adreskenmerken", M, 3)["m2_per_ingeschrevene"])
    f4 = row(con, "marts.adreskenmerken", M, 4)
    assert f4["mutaties_12m"] == 5 and f4["mutatiegraad_12m"] == 5.0, "turnover relative to max(residents, 1)"


def test_vacancy_duration_counts_consecutive_months_and_resets():
    con = new_warehouse()
    months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    occupied_in = {"2026-08"}
    for m in months:
        add_object(con, m, 1)
        if m in occupied_in:
            add_brp(con, m, 1, ingeschrevenen=1)
        build_marts(con, m)
    durations = [row(con, "marts.leegstand", m, 1)["leegstand_maanden"] for m in months]
    assert durations == [1, 2, 0, 1, 2]
    verschil = con.execute("SELECT verschil_vorige_maand FROM marts.leegstand_buurt ORDER BY maand").df()["verschil_vorige_maand"]
    assert pd.isna(verschil.iloc[0]) and list(verschil.iloc[1:]) == [0, -1, 1, 0]


def test_latest_woz_file_at_or_before_the_month_is_used(con):
    add_object(con, M, 1); add_object(con, M, 2); add_object(con, M, 3)
    add_woz(con, "2026-01", 1, "huurder")
    add_woz(con, "2026-01", 2, "huurder")
    add_woz(con, "2026-06", 1, "geen")        # newer file: object 1 no longer in use
    add_woz(con, "2026-12", 3, "eigenaar")    # after the month: not used
    build_marts(con, M)
    v1, v2, v3 = (row(con, "marts.leegstand", M, n) for n in (1, 2, 3))
    assert v1["leegstand"] and v1["woz_meegenomen"]
    assert v2["leegstand"], "object 2 is not in the latest WOZ file (2026-06): no WOZ use"
    assert v3["leegstand"]


def test_without_woz_vacancy_says_it_is_bag_brp_hr_only(con):
    add_object(con, M, 1)
    build_marts(con, M)
    assert not row(con, "marts.leegstand", M, 1)["woz_meegenomen"]
    assert con.execute("SELECT woz_meegenomen FROM marts.leegstand_buurt").fetchall() == [(False,)]


def test_windows_over_months(con):
    add_object(con, M, 1)
    add_brp(con, M, 1, ingeschrevenen=1, inschrijvingen=1)
    add_brp(con, "2025-11", 1, ingeschrevenen=1, inschrijvingen=1, uitschrijvingen=1, vow=1)   # 12th month back
    add_brp(con, "2025-10", 1, ingeschrevenen=1, inschrijvingen=5, vow=1)                      # 13th: outside 12m, inside 24m
    add_brp(con, "2024-10", 1, ingeschrevenen=1, vow=7)                                        # 25th: outside 24m
    add_rni(con, "2025-12", 1, 2); add_rni(con, "2025-10", 1, 9); add_rni(con, M, None, 4)
    add_signaal(con, M, 1, "2026-10-02")
    add_signaal(con, M, 1, "2026-10-03", geverifieerd="N")
    add_signaal(con, "2025-10", 1, "2025-10-20")          # older than 12 months
    add_signaal(con, "2025-11", 1, "2025-11-05")
    build_marts(con, M)
    f = row(con, "marts.adreskenmerken", M, 1)
    assert f["mutaties_12m"] == 3
    assert f["vertrokken_onbekend_24m"] == 2
    assert f["rni_inschrijvingen_12m"] == 2
    assert f["geverifieerde_signalen_12m"] == 2


def test_churn_windows_count_only_rows_with_churn_and_default_to_zero(con):
    """The 24-month BRP window is grouped over the rows with churn only: an address whose churn
    lies 13-24 months back still has it in vertrokken_onbekend_24m but not in mutaties_12m, and
    an address with only zero rows (or no BRP row at all) gets 0, never NULL."""
    for n in (1, 2, 3, 4):
        add_object(con, M, n)
    for maand in ("2026-10", "2026-06", "2025-11"):                           # inside 12 months: zeros only
        add_brp(con, maand, 1, ingeschrevenen=2)
        add_brp(con, maand, 2, ingeschrevenen=2)
    add_brp(con, "2025-06", 1, ingeschrevenen=2, inschrijvingen=4, uitschrijvingen=1, vow=3)   # 17th month back
    add_brp(con, "2024-11", 1, ingeschrevenen=2, vow=1)                                        # 24th month back
    add_brp(con, "2024-10", 1, ingeschrevenen=2, inschrijvingen=9, vow=5)                      # 25th: outside
    add_brp(con, "2026-09", 3, ingeschrevenen=1, vow=2)                       # VOW only: no mutaties
    build_marts(con, M)
    f1, f2, f3, f4 = (row(con, "marts.adreskenmerken", M, n) for n in (1, 2, 3, 4))
    assert (f1["mutaties_12m"], f1["mutatiegraad_12m"], f1["vertrokken_onbekend_24m"]) == (0, 0.0, 4)
    assert (f2["mutaties_12m"], f2["mutatiegraad_12m"], f2["vertrokken_onbekend_24m"]) == (0, 0.0, 0)
    assert (f3["mutaties_12m"], f3["vertrokken_onbekend_24m"], f3["ingeschrevenen"]) == (0, 2, 0)
    assert (f4["mutaties_12m"], f4["mutatiegraad_12m"], f4["vertrokken_onbekend_24m"]) == (0, 0.0, 0)


def test_establishment_features_by_kind_and_only_on_dwellings(con):
    add_object(con, M, 1)
    add_vestiging(con, M, 1, risicosoort="risicosector", risicocategorie="bouw")
    add_vestiging(con, M, 1, risicosoort="risicosector", risicocategorie="horeca")
    add_vestiging(con, M, 1, risicosoort="uitzendbureau", risicocategorie="uitzendbureaus")
    add_vestiging(con, M, 1, neven="bouw")
    add_object(con, M, 2, gebruiksdoel="industriefunctie")
    add_vestiging(con, M, 2, risicosoort="risicosector", risicocategorie="industrie")
    build_marts(con, M)
    f1, f2 = row(con, "marts.adreskenmerken", M, 1), row(con, "marts.adreskenmerken", M, 2)
    assert (f1["vestigingen_actief"], f1["vestigingen_op_woning"], f1["risicosector_op_woning"], f1["uitzend_op_woning"]) == (4, 4, 2, 1)
    assert f1["risicocategorieen"] == "bouw|horeca" and f1["neven_risicosector_vestigingen"] == 1
    assert (f2["risicosector_vestigingen"], f2["risicosector_op_woning"], f2["vestigingen_op_woning"]) == (1, 0, 0)


def test_last_control_date_and_outcome(con):
    add_object(con, M, 1)
    add_controle(con, "2026-08", 1, "2026-08-10", "overbewoning")
    add_controle(con, M, 1, "2026-10-12", "geen toegang")
    add_controle(con, "2026-11", 1, "2026-11-02", "geen bijzonderheden")   # after the peildatum
    build_marts(con, M)
    f = row(con, "marts.adreskenmerken", M, 1)
    assert f["laatste_controle_datum"].date() == dt.date(2026, 10, 12) and f["laatste_controle_uitkomst"] == "geen toegang"


def _kvk_frame(rows):
    columns = ["vestigingsnummer", "kvk_nummer", "sbi_code", "sbi_codes_neven", "straatnaam", "huisnummer", "huisletter",
               "huisnummer_toevoeging", "postcode", "plaats", "verblijfsobject_id", "werkzame_personen",
               "datum_aanvang", "datum_einde", "ind_hoofdvestiging"]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows])
    frame["datum_aanvang"] = pd.to_datetime(frame["datum_aanvang"].fillna("2020-01-01"))
    frame["datum_einde"] = pd.to_datetime(frame["datum_einde"])
    frame["huisnummer"] = frame["huisnummer"].astype("Int64")
    frame["werkzame_personen"] = frame["werkzame_personen"].astype("Int64")
    frame["rij"] = range(1, len(frame) + 1)
    return frame


def test_kvk_address_matching_normalises_like_real_extracts(con):
    add_object(con, M, 1, huisnummer=2, huisletter="A", postcode="2381AB")
    add_object(con, M, 2, huisnummer=12, toevoeging="1", postcode="2381AB")
    add_object(con, M, 3, huisnummer=7, toevoeging="BIS", postcode="2381AC")
    add_object(con, M, 4, huisnummer=9, postcode="2381AC")
    rows = [
        {"vestigingsnummer": "000000000001", "postcode": "2381 ab", "huisnummer": 2, "huisletter": "a", "sbi_code": "4120"},
        {"vestigingsnummer": "000000000002", "postcode": "2381AB", "huisnummer": 2, "huisnummer_toevoeging": "A", "sbi_code": "78201"},
        {"vestigingsnummer": "000000000003", "postcode": "2381AB", "huisnummer": 12, "huisnummer_toevoeging": "-1", "sbi_code": "6201"},
        {"vestigingsnummer": "000000000004", "postcode": "2381AC", "huisnummer": 7, "huisnummer_toevoeging": "bis", "sbi_code": "96021"},
        {"vestigingsnummer": "000000000005", "postcode": "2381AC", "huisnummer": 99, "sbi_code": "4120"},          # no such address
        {"vestigingsnummer": "000000000006", "verblijfsobject_id": vbo_id(4), "postcode": "9999ZZ", "huisnummer": 1, "sbi_code": "01131",
         "sbi_codes_neven": "4120|6201"},
    ]
    matched, unmatched, rate = load_kvk(con, month_params(M), sbi_prefixes(CONFIG_DIR / "sbi_risico.csv"),
                                        _kvk_frame(rows), f"kvk_vestigingen_{M}.csv")
    assert (matched, unmatched) == (5, 1)
    assert rate == 80.0, "4 of the 5 rows without a BAG id match by address"
    got = con.execute("SELECT vestigingsnummer, bag_verblijfsobject_id, matchwijze, risicocategorie, risicosoort, neven_risicocategorieen "
                      "FROM staging.kvk_vestigingen ORDER BY 1").fetchall()
    assert got == [
        ("000000000001", vbo_id(1), "adres", "bouw", "risicosector", None),
        ("000000000002", vbo_id(1), "adres", "uitzendbureaus", "uitzendbureau", None),
        ("000000000003", vbo_id(2), "adres", None, None, None),
        ("000000000004", vbo_id(3), "adres", "beautybranche", "risicosector", None),
        ("000000000006", vbo_id(4), "verblijfsobject_id", "landbouw", "risicosector", "bouw"),
    ]
    q = con.execute("SELECT bron, rij, reden FROM staging.quarantaine").fetchall()
    assert len(q) == 1 and q[0][0] == "kvk_vestigingen" and q[0][1] == 5 and "000000000005" in q[0][2]


def test_sbi_table_expands_ranges_and_skips_inactive_rows():
    table = sbi_prefixes(CONFIG_DIR / "sbi_risico.csv")
    assert set(table.loc[table.categorie == "bouw", "prefix"]) == {"41", "42", "43"}
    assert len(table[table.categorie == "industrie"]) == 24
    assert "812" not in set(table.prefix), "optional rows (actief N) are not applied"
    assert set(table.loc[table.soort == "uitzendbureau", "prefix"]) == {"782"}
