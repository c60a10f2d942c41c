"""Scoring rules, reasons, the control list and its evaluation on hand-made cases."""
import copy

import pytest
import yaml

from assets.scoring import config as scoring_config
from assets.scoring.config import ConfiguratieFout, TOEGESTANE_KENMERKEN
from assets.warehouse import sql_file
from assets.settings import CONFIG_DIR
from tests.warehouse_builder import (
    add_brp, add_controle, add_object, add_rni, add_signaal, add_vestiging, build_marts, frame, new_warehouse, row,
    vbo_id,
)

M = "2026-10"


def default_config() -> dict:
    return yaml.safe_load((CONFIG_DIR / "indicatoren.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "kenmerk, expected",
    [
        ("nationaliteit", "nationaliteit"),
        ("geboorteland", "geboortedatum of geboorteland"),
        ("aandeel_vrouwen_geslacht", "geslacht"),
        ("leeftijd_oudste", "leeftijd"),
        ("huishoudgrootte", "huishoudsamenstelling"),
        ("buurtcode", "de buurt zelf"),
        ("achternaam", "namen"),
    ],
)
def test_forbidden_feature_in_config_is_refused_with_explanation(kenmerk, expected):
    cfg = default_config()
    cfg["indicatoren"][0]["kenmerk"] = kenmerk
    with pytest.raises(ConfiguratieFout) as err:
        scoring_config.validate(cfg)
    message = str(err.value)
    assert expected in message and "nooit" in message and "laag_m2_per_ingeschrevene" in message


def test_unknown_feature_and_bad_operator_are_refused():
    cfg = default_config()
    cfg["indicatoren"][1]["kenmerk"] = "schoenmaat"
    with pytest.raises(ConfiguratieFout, match="onbekende kenmerk 'schoenmaat'"):
        scoring_config.validate(cfg)
    cfg = default_config()
    cfg["indicatoren"][1]["vergelijking"] = "=="
    with pytest.raises(ConfiguratieFout, match="vergelijking '=='"):
        scoring_config.validate(cfg)


def test_allowlist_is_exactly_what_the_score_sql_can_read():
    sql = sql_file("marts.adresscores").read_text(encoding="utf-8")
    unpivoted = {line.split(" AS ")[-1].strip().rstrip(",") for line in sql.splitlines() if "::DOUBLE" in line}
    assert unpivoted == set(TOEGESTANE_KENMERKEN)


def test_default_config_has_every_indicator_with_rationale():
    indicatoren = scoring_config.load(CONFIG_DIR / "indicatoren.yaml")
    ids = [i.id for i in indicatoren]
    assert ids == [
        "laag_m2_per_ingeschrevene", "bewoning_zonder_woonfunctie", "hoge_mutatiegraad", "vertrokken_onbekend",
        "administratieve_leegstand", "veel_briefadressen", "risicosector_op_woonadres", "uitzendbureau_op_woonadres",
        "veel_vestigingen_op_woonadres", "rni_verblijfsadres", "geverifieerd_signaal",
    ]
    assert all(i.onderbouwing and i.label and i.bron for i in indicatoren)


def test_reasons_are_exact_plain_dutch_with_value_threshold_and_month():
    con = new_warehouse()
    add_object(con, M, 1, oppervlakte=68); add_brp(con, M, 1, ingeschrevenen=4)      # 17 m2 per person
    add_object(con, M, 2, oppervlakte=45); add_brp(con, M, 2, ingeschrevenen=5, briefadressen=3)   # 9 m2
    add_signaal(con, M, 2, "2026-10-01")
    add_object(con, M, 3, gebruiksdoel="industriefunctie", oppervlakte=800); add_brp(con, M, 3, ingeschrevenen=7)
    add_object(con, M, 4, oppervlakte=100); add_brp(con, M, 4, ingeschrevenen=2, inschrijvingen=4, uitschrijvingen=3)
    build_marts(con, M)
    assert row(con, "marts.adresscores", M, 1)["score"] == 0
    r2 = row(con, "marts.adresscores", M, 2)
    assert r2["score"] == 3 + 3 + 1
    assert r2["redenen"] == (
        "9 m² per ingeschrevene (norm 12 m²), oktober 2026; "
        "1 geverifieerd(e) signaal/signalen in 12 maanden, oktober 2026; "
        "3 briefadressen (drempel 3), oktober 2026"
    )
    assert row(con, "marts.adresscores", M, 3)["redenen"] == "7 ingeschrevene(n) in een object zonder woonfunctie, oktober 2026"
    assert row(con, "marts.adresscores", M, 4)["redenen"] == (
        "3,5 in- en uitschrijvingen per ingeschrevene in 12 maanden (drempel 3), oktober 2026"
    )


def test_at_most_four_reasons_highest_points_first():
    con = new_warehouse()
    add_object(con, M, 1, oppervlakte=40)
    add_brp(con, M, 1, ingeschrevenen=5, briefadressen=4, inschrijvingen=10, uitschrijvingen=9, vow=2)
    add_signaal(con, M, 1, "2026-10-01")
    add_rni(con, M, 1, 3)
    for _ in range(4):
        add_vestiging(con, M, 1, risicosoort="risicosector", risicocategorie="bouw")
    build_marts(con, M)
    r = row(con, "marts.adresscores", M, 1)
    reasons = r["redenen"].split("; ")
    assert len(reasons) == 4
    assert len(r["indicatoren"]) == 8
    assert r["score"] == 3 + 2 + 2 + 1 + 1 + 2 + 2 + 3
    assert reasons[0].startswith("8 m² per ingeschrevene")
    assert reasons[1].startswith("1 geverifieerd")   # 3 points, later in config order than m2


def test_control_list_top_k_rest_period_and_reproducible_sample():
    con = new_warehouse()
    for n in range(1, 41):
        add_object(con, M, n, oppervlakte=60)
        add_brp(con, M, n, ingeschrevenen=1 + (n % 8))     # 60/1..60/8 m2 -> some score
    add_controle(con, M, 8, "2026-09-15", "geen bijzonderheden")     # rest period: leave out
    add_controle(con, "2026-01", 16, "2026-01-10", "geen bijzonderheden")   # older than 6 months: may return
    build_marts(con, M, lijst={"capaciteit": 5, "steekproef": 3, "steekproef_seed": 7})
    lijst = frame(con, "SELECT * FROM marts.controlelijst WHERE maand = $m ORDER BY rang", m=M)
    top = lijst[lijst.aanleiding == "risicolijst"]
    sample = lijst[lijst.aanleiding == "steekproef"]
    assert len(top) == 5 and len(sample) == 3
    assert vbo_id(8) not in set(lijst.verblijfsobject_id)
    assert list(top.rang) == [1, 2, 3, 4, 5] and list(sample.rang) == [6, 7, 8]
    assert (top.score == 3).all()     # 60/7 and 60/8 m2 -> < 10 m2 -> 3 points
    assert not set(sample.verblijfsobject_id) & set(top.verblijfsobject_id)
    assert sample.redenen.str.startswith("Steekproef: willekeurig gekozen").all()
    first = list(lijst.verblijfsobject_id)
    build_marts(con, M, lijst={"capaciteit": 5, "steekproef": 3, "steekproef_seed": 7})
    again = list(frame(con, "SELECT verblijfsobject_id FROM marts.controlelijst WHERE maand = $m ORDER BY rang", m=M).verblijfsobject_id)
    assert again == first, "same seed and month give the same list"
    build_marts(con, M, lijst={"capaciteit": 5, "steekproef": 3, "steekproef_seed": 8})
    other = frame(con, "SELECT verblijfsobject_id FROM marts.controlelijst WHERE maand = $m AND aanleiding = 'steekproef'", m=M)
    assert set(other.verblijfsobject_id) != set(sample.verblijfsobject_id)


def test_evaluation_figures_exact_on_hand_made_outcomes():
    con = new_warehouse()
    prev, cur = "2026-09", "2026-10"
    for m in (prev, cur):
        for n in range(1, 11):
            add_object(con, m, n, oppervlakte=40 if n <= 4 else 120, buurtcode="BU06380001" if n <= 5 else "BU06380002")
            add_brp(con, m, n, ingeschrevenen=5 if n <= 4 else 2)
    build_marts(con, prev, lijst={"capaciteit": 4, "steekproef": 2, "steekproef_seed": 1})
    # controls in October on September's list: 3 risicolijst (2 hits, 1 no access), 2 steekproef (0 hits), 1 signaal (hit)
    add_controle(con, cur, 1, "2026-10-05", "overbewoning")
    add_controle(con, cur, 2, "2026-10-05", "signalen uitbuiting")
    add_controle(con, cur, 3, "2026-10-06", "geen toegang")
    add_controle(con, cur, 6, "2026-10-07", "geen bijzonderheden", aanleiding="steekproef")
    add_controle(con, cur, 7, "2026-10-07", "geen bijzonderheden", aanleiding="steekproef")
    add_controle(con, cur, 9, "2026-10-08", "andere overtreding", aanleiding="signaal")
    build_marts(con, cur, lijst={"capaciteit": 4, "steekproef": 2, "steekproef_seed": 1})
    a = frame(con, "SELECT * FROM marts.evaluatie_aanleiding WHERE maand = $m ORDER BY aanleiding", m=cur).set_index("aanleiding")
    assert a.loc["risicolijst", ["controles", "gecontroleerd", "treffers"]].tolist() == [3, 2, 2]
    assert a.loc["risicolijst", "trefkans"] == 1.0
    assert a.loc["steekproef", "trefkans"] == 0.0 and a.loc["signaal", "trefkans"] == 1.0
    # Wilson 95 % interval for 2 of 2: [0.3424, 1.0]
    assert round(a.loc["risicolijst", "ci_laag"], 4) == 0.3424 and round(a.loc["risicolijst", "ci_hoog"], 4) == 1.0
    assert round(a.loc["steekproef", "ci_hoog"], 4) == 0.6576
    ind = frame(con, "SELECT * FROM marts.evaluatie_indicator WHERE maand = $m", m=cur).set_index("indicator")
    assert ind.loc["laag_m2_per_ingeschrevene", ["gecontroleerd", "treffers"]].tolist() == [2, 2]
    klasse = frame(con, "SELECT * FROM marts.evaluatie_scoreklasse WHERE maand = $m", m=cur).set_index("scoreklasse")
    assert klasse.loc["score 0", ["gecontroleerd", "treffers"]].tolist() == [3, 1]
    assert klasse.loc["score 3-4", ["gecontroleerd", "treffers"]].tolist() == [2, 2]
    p = frame(con, "SELECT * FROM marts.evaluatie_precisie WHERE maand = $m", m=cur)
    assert p[["lijst_maand", "k", "gecontroleerd", "treffers", "precisie"]].values.tolist() == [[prev, 4, 2, 2, 1.0]]


def test_controls_are_scored_with_the_list_month_before_them_even_months_back():
    """Every control up to the peildatum is linked to the score its object had in the month before
    the control, however far back: not to the current score, and not at all when the object had
    no score row that month. Also the risicolijst selections of the 12 months count in the buurt
    the object had in its list month."""
    con = new_warehouse()
    months = ("2026-07", "2026-08", "2026-09", "2026-10")
    for m in months:
        for n in range(1, 7):
            crowded = (n == 1 and m == "2026-07") or (n == 2 and m != "2026-07")
            buurt = "BU06380001" if n == 1 and m == "2026-07" else "BU06380002"
            add_object(con, m, n, oppervlakte=40 if crowded else 120, buurtcode=buurt)
            add_brp(con, m, n, ingeschrevenen=5 if crowded else 1)
    add_object(con, "2026-10", 7)                  # new in October: no score row before
    for m in months[:-1]:
        build_marts(con, m, lijst={"capaciteit": 1, "steekproef": 0})
    add_controle(con, "2026-10", 1, "2026-08-20", "overbewoning")     # July list: object 1 scored 3
    add_controle(con, "2026-10", 2, "2026-08-21", "geen bijzonderheden", aanleiding="signaal")  # July: 0
    add_controle(con, "2026-10", 2, "2026-10-03", "signalen uitbuiting")                        # September: 3
    add_controle(con, "2026-10", 7, "2026-10-04", "overbewoning", aanleiding="signaal")         # no score row
    build_marts(con, "2026-10", lijst={"capaciteit": 1, "steekproef": 0})
    klasse = frame(con, "SELECT * FROM marts.evaluatie_scoreklasse WHERE maand = '2026-10'").set_index("scoreklasse")
    assert klasse.loc["score 3-4", ["gecontroleerd", "treffers"]].tolist() == [2, 2]
    assert klasse.loc["score 0", ["gecontroleerd", "treffers"]].tolist() == [1, 0]
    assert klasse.gecontroleerd.sum() == 3, "the control on object 7 has no score of its list month"
    ind = frame(con, "SELECT * FROM marts.evaluatie_indicator WHERE maand = '2026-10'").set_index("indicator")
    assert ind.loc["laag_m2_per_ingeschrevene", ["gecontroleerd", "treffers"]].tolist() == [2, 2]
    b = frame(con, "SELECT * FROM marts.evaluatie_buurt WHERE maand = '2026-10'").set_index("buurtcode")
    assert b.loc["BU06380001", "selecties"] == 1, "object 1 was on July's list while in buurt 1"
    assert b.loc["BU06380002", "selecties"] == 1, "object 2 on the lists of August to October counts once"


def test_disparity_flag_fires_on_concentrated_selection_and_stays_quiet_when_spread():
    con = new_warehouse()
    # 100 objects in buurt 1 and 10 in buurt 2, but all risk sits in buurt 2
    for n in range(1, 111):
        buurt = "BU06380001" if n <= 100 else "BU06380002"
        add_object(con, M, n, oppervlakte=40 if n > 100 else 120, buurtcode=buurt)
        add_brp(con, M, n, ingeschrevenen=5 if n > 100 else 2)
    build_marts(con, M, lijst={"capaciteit": 8, "steekproef": 0})
    b = frame(con, "SELECT * FROM marts.evaluatie_buurt WHERE maand = $m", m=M).set_index("buurtcode")
    assert bool(b.loc["BU06380002", "signaal"]) and round(b.loc["BU06380002", "selectie_ratio"], 2) == 11.0
    assert not bool(b.loc["BU06380001", "signaal"])

    spread = new_warehouse()
    for n in range(1, 111):
        buurt = "BU06380001" if n % 2 else "BU06380002"
        add_object(spread, M, n, oppervlakte=40 if n % 10 == 0 else 120, buurtcode=buurt)
        add_brp(spread, M, n, ingeschrevenen=5 if n % 10 == 0 else 2)
    build_marts(spread, M, lijst={"capaciteit": 8, "steekproef": 0})
    assert not frame(spread, "SELECT signaal FROM marts.evaluatie_buurt").signaal.any()


def test_drift_flag_fires_on_a_jump_and_not_on_stable_months_or_during_run_in():
    con = new_warehouse()
    months = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02"]
    briefadres_objects = dict(zip(months, [2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10, 25]))
    for m in months:
        for n in range(1, 31):
            add_object(con, m, n)
            add_brp(con, m, n, ingeschrevenen=1, briefadressen=3 if n <= briefadres_objects[m] else 0)
        build_marts(con, m)
    d = frame(con, "SELECT maand, aanloop, signaal, objecten FROM marts.evaluatie_drift "
                   "WHERE indicator = 'veel_briefadressen' ORDER BY maand")
    assert d.aanloop.tolist() == [True] * 12 + [False, False]
    assert not d.signaal.iloc[:13].any(), "2 -> 9 in month 2 is run-in, 9 -> 10 is stable"
    assert bool(d.signaal.iloc[13]) and d.objecten.iloc[13] == 25
    assert frame(con, "SELECT count(*) AS n FROM marts.evaluatie_drift WHERE signaal").n[0] == 1


def test_algorithm_description_is_generated_from_the_running_config():
    from assets.scoring.algoritmeregister import VELDEN, as_json, as_markdown, beschrijving

    cfg = default_config()
    instellingen = {"gemeentenaam": "Zoeterwoude", "controlelijst": {"capaciteit": 25, "steekproef": 5}}
    doc = beschrijving(scoring_config.validate(cfg), instellingen)
    assert [k for k, _ in VELDEN] == list(doc)
    md = as_markdown(doc)
    assert "Weinig vloeroppervlak per ingeschrevene: lager dan 12 → 2 punten; lager dan 10 → 3 punten." in md
    assert "De 25 adressen met de hoogste score" in md
    changed = copy.deepcopy(cfg)
    changed["indicatoren"][0]["drempels"][0] = {"waarde": 14, "punten": 1}
    doc2 = beschrijving(scoring_config.validate(changed), {**instellingen, "controlelijst": {"capaciteit": 40}})
    md2 = as_markdown(doc2)
    assert "lager dan 14 → 1 punt;" in md2 and "De 40 adressen" in md2
    assert '"id": "geverifieerd_signaal"' in as_json(doc2)
