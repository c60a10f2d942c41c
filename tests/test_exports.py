"""Exports: small-cell suppression, the RIEC package, its audit trail, permissions, retention.

Suppression is checked with an independent solver: for every hidden cell a linear program
finds its smallest and largest value given the published cells and totals (counts >= 0); a
cell whose minimum equals its maximum is recovered. Export and retention tests use a small
hand-made warehouse (assets/schema.sql plus a few rows per month), not the whole pipeline.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from assets.exports import ExportGeweigerd, OpschoningMislukt, export_riec, opschonen
from assets.exports import retention
from assets.exports.suppression import MARKER, TOTAL, percentage, suppress, suppress_long
from assets.warehouse import ensure_schema
from assets.settings import Settings

MAANDEN = ("2026-08", "2026-09", "2026-10")
GRONDSLAG = "RIEC-convenant 2023, art. 5"


# --- an independent check: can a hidden cell be solved from what is published? ------------------


def lp_recovered(ext: np.ndarray, hidden: np.ndarray, row_totals: bool = True, col_totals: bool = True) -> set:
    """Hidden cells (i, j) of an extended table (totals as last column/row) whose value is the
    only one consistent with the published cells and totals, counts being >= 0."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    er, ec = ext.shape
    n_rows = er - 1 if col_totals else er
    n_cols = ec - 1 if row_totals else ec
    cells = [(i, j) for i in range(er) for j in range(ec) if hidden[i, j]]
    if not cells:
        return set()
    index = {cell: k for k, cell in enumerate(cells)}
    a_eq, b_eq = [], []

    def equation(parts, total):
        row, rhs = np.zeros(len(cells)), 0.0
        for part in parts:
            if part in index:
                row[index[part]] += 1
            else:
                rhs -= ext[part]
        if total in index:
            row[index[total]] -= 1
        else:
            rhs += ext[total]
        a_eq.append(row)
        b_eq.append(rhs)

    if row_totals:
        for i in range(er if col_totals else n_rows):
            equation([(i, j) for j in range(n_cols)], (i, n_cols))
    if col_totals:
        for j in range(ec):
            equation([(i, j) for i in range(n_rows)], (n_rows, j))
    recovered = set()
    for k, cell in enumerate(cells):
        objective = np.zeros(len(cells))
        objective[k] = 1
        kwargs = {"A_eq": np.array(a_eq), "b_eq": np.array(b_eq)} if a_eq else {}
        low = linprog(objective, bounds=(0, None), method="highs", **kwargs)
        high = linprog(-objective, bounds=(0, None), method="highs", **kwargs)
        if low.status == 0 and high.status == 0 and abs(-high.fun - low.fun) < 1e-6:
            recovered.add(cell)
    return recovered


def recovered_from(result) -> set:
    return lp_recovered(result.counts.to_numpy(), result.hidden.to_numpy(), result.row_totals, result.col_totals)


# --- suppression on constructed tables -------------------------------------------------------------


def test_marker_placement_on_a_hand_made_table():
    counts = pd.DataFrame(
        [[20, 30, 4], [25, 35, 40], [50, 60, 70]], index=["r1", "r2", "r3"], columns=["a", "b", "c"]
    )
    result = suppress(counts, threshold=10)
    x = MARKER
    expected = pd.DataFrame(
        [[x, 30, x, 54], [x, 35, x, 100], [50, 60, 70, 180], [95, 125, 114, 334]],
        index=["r1", "r2", "r3", TOTAL], columns=["a", "b", "c", TOTAL], dtype=object,
    )
    # the single 4 would follow from its row and column totals; the cheapest rectangle that
    # hides it (20 + 25 + 40) is suppressed with it
    pd.testing.assert_frame_equal(result.table(), expected, check_names=False)
    assert result.primary.to_numpy().sum() == 1
    assert result.secondary.to_numpy().sum() == 3
    assert recovered_from(result) == set()


def test_the_checker_recovers_a_cell_that_only_primary_suppression_hides():
    counts = pd.DataFrame([[20, 30, 4], [25, 35, 40], [50, 60, 70]])
    result = suppress(counts, threshold=10)
    assert recovered_from(result) == set()
    # primary suppression alone: the 4 is the row total minus the other cells
    assert lp_recovered(result.counts.to_numpy(), result.primary.to_numpy()) == {(0, 2)}


def test_hidden_zeros_that_add_up_to_a_known_remainder_are_protected():
    counts = pd.DataFrame([[0, 0, 30, 40], [12, 15, 11, 50]], columns=list("abcd"))
    result = suppress(counts, threshold=10)
    # both zeros together are 70 - 30 - 40 = 0, so each would be 0: more must be hidden
    assert lp_recovered(result.counts.to_numpy(), result.primary.to_numpy())
    assert recovered_from(result) == set()
    assert result.secondary.to_numpy().sum() >= 1


@pytest.mark.parametrize("margins", [(True, True), (True, False), (False, True)], ids=["rij+kolom", "rij", "kolom"])
def test_no_small_cell_is_recoverable_from_totals_in_random_tables(margins):
    row_totals, col_totals = margins
    rng = np.random.default_rng(638)
    values = [0, 1, 2, 3, 5, 8, 9, 10, 12, 15, 25, 40, 100]
    weights = np.array([3, 2, 2, 2, 2, 2, 1, 1, 2, 1, 2, 1, 1], dtype=float)
    for _ in range(20):
        shape = (int(rng.integers(1, 7)), int(rng.integers(1, 6)))
        counts = pd.DataFrame(rng.choice(values, size=shape, p=weights / weights.sum()))
        result = suppress(counts, threshold=10, row_totals=row_totals, col_totals=col_totals)
        shown = result.counts.to_numpy()[~result.hidden.to_numpy()]
        assert (shown >= 10).all(), "a count below the threshold is shown"
        assert (result.hidden.to_numpy() | (result.counts.to_numpy() >= 10)).all()
        assert recovered_from(result) == set(), f"recoverable cell in\n{result.table()}"
        assert result.recoverable() == []


def test_long_form_table_with_a_dimension_pair():
    long = pd.DataFrame({
        "buurt": ["B1", "B1", "B2", "B2", "B3"],
        "maand": ["2026-09", "2026-10", "2026-09", "2026-10", "2026-10"],
        "leegstaand": [14, 3, 22, 31, 12],
    })
    published, result = suppress_long(long, "buurt", "maand", "leegstaand", threshold=10, row_totals=False)
    cell = published.set_index(["buurt", "maand"])["leegstaand"]
    assert cell[("B1", "2026-10")] == MARKER
    assert cell[("B3", "2026-09")] == MARKER  # missing pair: 0
    assert cell[(TOTAL, "2026-10")] == 46  # month totals over the real counts
    assert (published["leegstaand"] == MARKER).sum() == result.hidden.to_numpy().sum()
    assert recovered_from(result) == set()
    # one hidden cell per month would be the month total minus the rest
    assert result.hidden["2026-10"].sum() >= 2 and result.hidden["2026-09"].sum() >= 2


def test_percentages_only_with_a_large_enough_denominator():
    teller = pd.Series([5, 12, 40, 30, 0])
    noemer = pd.Series([8, 100, 50, 60, 300])
    verborgen = pd.Series([False, False, False, True, False])
    pct = percentage(teller, noemer, threshold=10, hidden=verborgen)
    # 5/8: small denominator; 30/60: the numerator is hidden in its table; 0/300: the numerator
    # would be 0, itself a small count
    assert pct.tolist() == [MARKER, 12.0, 80.0, MARKER, MARKER]


# --- a small hand-made warehouse ---------------------------------------------------------------------

BUURTEN = {"BU06380001": "Westwout", "BU06380002": "Vogelweide", "BU06380003": "Bloemenweide",
           "BU06380101": "Westeinde", "BU06380909": "Verspreide huizen"}
WONINGEN = [120, 45, 8, 300, 15]


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_rows", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    finally:
        con.unregister("_rows")


def add_month(con, maand: str, step: int = 0) -> None:
    """One processed month: per-buurt vacancy, scores, a control list of 30, controls, RNI."""
    codes = list(BUURTEN)
    leeg = [3 + step, 12, 0, 25 + step, 2]
    _insert(con, "marts.leegstand_buurt", pd.DataFrame({
        "maand": maand, "buurtcode": codes, "buurtnaam": [BUURTEN[c] for c in codes], "woningen": WONINGEN,
        "leegstaand": leeg, "leegstand_pct": [round(100 * l / w, 2) for l, w in zip(leeg, WONINGEN)],
        "woz_meegenomen": False,
    }))
    ids = [f"0638010000{n:06d}" for n in range(1, 61)]
    buurt_of = [codes[(n * 7) % 5] if n % 4 else "BU06380101" for n in range(60)]
    indicatoren = [["laag_m2_per_ingeschrevene"] if n < 25 else ["hoge_mutatiegraad", "veel_briefadressen"] if n < 40
                   else ["hoge_mutatiegraad"] for n in range(60)]
    _insert(con, "marts.adresscores", pd.DataFrame({
        "maand": maand, "verblijfsobject_id": ids, "buurtcode": buurt_of, "score": [100 - n for n in range(60)],
        "rang": range(1, 61), "indicatoren": indicatoren, "redenen": "reden",
    }))
    _insert(con, "marts.controlelijst", pd.DataFrame({
        "maand": maand, "verblijfsobject_id": ids[:30], "rang": range(1, 31), "score": [100 - n for n in range(30)],
        "aanleiding": ["risicolijst"] * 25 + ["steekproef"] * 5,
        "redenen": ["6 m² per ingeschrevene (norm 12 m²), " + maand] * 30,
        "buurtcode": buurt_of[:30], "adres": [f"Dorpsstraat {n}" for n in range(1, 31)], "postcode": "2381AA",
        "steekproef_seed": 638,
    }))
    uitkomsten = ["overbewoning", "geen bijzonderheden", "geen toegang", "signalen uitbuiting"]
    _insert(con, "staging.controles", pd.DataFrame({
        "maand": maand, "controle_id": [f"C{maand}-{i}" for i in range(14)],
        "datum": pd.Timestamp(f"{maand}-15"), "nummeraanduiding_id": [f"0638200000{n:06d}" for n in range(1, 15)],
        "aanleiding": ["risicolijst"] * 12 + ["steekproef"] * 2, "uitkomst": [uitkomsten[i % 4] for i in range(14)],
        "verblijfsobject_id": ids[:14],
    }))
    _insert(con, "staging.rni_inschrijvingen", pd.DataFrame({
        "maand": maand, "rij": [1, 2, 3], "nummeraanduiding_id": ["0638200000000001", None, "0638200000000002"],
        "inschrijvingen": [4, 15 + step, 2], "verblijfsobject_id": [ids[0], None, ids[1]],
    }))
    _insert(con, "staging.bag_verblijfsobject", pd.DataFrame({
        "maand": maand, "identificatie": ids, "nummeraanduiding_hoofdadres_identificatie": ids,
        "openbare_ruimte_naam": "Dorpsstraat", "huisnummer": range(1, 61), "postcode": "2381AA", "buurtcode": buurt_of,
    }))
    _insert(con, "marts.leegstand", pd.DataFrame({
        "maand": maand, "verblijfsobject_id": ids, "buurtcode": buurt_of, "is_woning": True, "ingeschrevenen": 2,
        "leegstand": False, "leegstand_maanden": 0,
    }))
    _insert(con, "staging.quarantaine", pd.DataFrame({
        "maand": [maand], "bron": ["brp_adrestellingen"], "rij": [3], "kolom": ["nummeraanduiding_id"],
        "waarde": ["0638200099999999"], "reden": ["adres niet gevonden"],
    }))
    _insert(con, "marts.evaluatie_aanleiding", pd.DataFrame({
        "maand": [maand], "aanleiding": ["risicolijst"], "controles": [12], "gecontroleerd": [9], "treffers": [6],
    }))
    _insert(con, "audit.bronnen_maand", pd.DataFrame({
        "maand": maand, "bron": ["bag_verblijfsobject", "rni_inschrijvingen"], "rijen": [60, 3],
    }))
    # one staging table stands for all of them
    con.execute("INSERT INTO staging.brp_adrestellingen (maand, nummeraanduiding_id, ingeschrevenen) "
                "VALUES ($m, '0638200000000001', 3)", {"m": maand})


def make_warehouse(data: Path, maanden=MAANDEN) -> Settings:
    data.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    try:
        ensure_schema(con)
        _insert(con, "staging.slachtoffers", pd.DataFrame({
            "bron": "SHOP", "regio": "Hollands Midden", "jaar": [2021, 2021, 2022, 2022],
            "uitbuitingsvorm": ["arbeidsuitbuiting", "seksuele uitbuiting"] * 2, "aantal": [14, 31, 9, 28],
        }))
        for step, maand in enumerate(maanden):
            add_month(con, maand, step)
    finally:
        con.close()
    return Settings(data)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("export") / "data").warehouse


@pytest.fixture
def settings(template, tmp_path) -> Settings:
    """A private copy of the three-month warehouse."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(template, data / "warehouse.duckdb")
    return Settings(data)


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def audit_rows(settings: Settings, table: str) -> pd.DataFrame:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        schema, name = table.split(".")
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = $s AND table_name = $t",
                           {"s": schema, "t": name}).fetchall()[0][0]:
            return pd.DataFrame()
        return con.execute(f"SELECT * FROM {table} ORDER BY tijdstip").df()
    finally:
        con.close()


# --- the RIEC package ----------------------------------------------------------------------------------


def test_manifest_lists_every_file_with_its_rows_and_sha256(settings):
    folder = export_riec(settings, "2026-10", ontvanger="RIEC Den Haag")
    assert folder == settings.output / "2026-10" / "export_riec"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {t["bestand"]: t for t in manifest["tabellen"]}
    assert set(listed) == {p.name for p in folder.iterdir()} - {"manifest.json"}
    for name, entry in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name
        if name.endswith(".csv"):
            assert len(read_csv(folder / name)) == entry["rijen"], name
            assert (folder / name).read_bytes().startswith(b"\xef\xbb\xbf"), "CSV without BOM"
    assert manifest["ontvanger"] == "RIEC Den Haag"
    assert manifest["maand"] == "2026-10" and manifest["peildatum"] == "2026-10-31"
    assert manifest["grondslag"] is None and manifest["adresgegevens"] is False
    assert manifest["onderdrukking"]["drempel"] == 10 and manifest["onderdrukking"]["markering"] == MARKER
    assert manifest["code_versie"]["pakket"] and manifest["code_versie"]["git_commit"]
    assert [s["stap"] for s in manifest["stappenplan_5_6_2"]] == list(range(1, 9))
    dt.datetime.fromisoformat(manifest["datum"])
    assert {t["tabel"] for t in manifest["tabellen"]} >= {
        "buurtcijfers", "trend_leegstand_per_buurt_per_maand", "trend_controles_per_maand",
        "trend_objecten_per_indicator_per_maand", "trend_rni_per_maand", "trend_slachtoffers", "werkmap",
    }


def test_exported_tables_show_no_small_count_and_no_address(settings):
    folder = export_riec(settings, "2026-10")
    ids = {f"0638010000{n:06d}" for n in range(1, 61)}
    for path in folder.glob("*.csv"):
        for row in read_csv(path):
            for column, value in row.items():
                assert value not in ids and "Dorpsstraat" not in value, f"{path.name}: address data"
                if column in ("maand", "jaar", "buurtcode", "bron", "regio") or not value.isdigit():
                    continue
                assert int(value) >= 10, f"{path.name} {column}={value}: below the threshold"
    buurt = {r["buurtcode"]: r for r in read_csv(folder / "buurtcijfers_2026-10.csv")}
    assert buurt["BU06380101"]["woningen"] == "300"
    assert buurt["BU06380003"]["woningen"] == MARKER  # 8 dwellings
    assert buurt[TOTAL]["controlelijst"] == "30"


def test_buurt_figures_cannot_be_solved_from_their_totals(settings):
    folder = export_riec(settings, "2026-10")
    rows = read_csv(folder / "buurtcijfers_2026-10.csv")
    codes = [r["buurtcode"] for r in rows]
    leeg = [3 + 2, 12, 0, 25 + 2, 2]
    counts = np.array([[l, w - l, w] for l, w in zip(leeg, WONINGEN)])  # leegstaand, bewoond, woningen
    ext = np.vstack([counts, counts.sum(axis=0)])
    assert codes == list(BUURTEN) + [TOTAL]
    hidden = np.array([[r["leegstaand"] == MARKER, True, r["woningen"] == MARKER] for r in rows])  # bewoond: never shown
    recovered = lp_recovered(ext, hidden)
    assert not {(i, j) for i, j in recovered if j != 1}, "a hidden leegstand or woningen cell can be solved"


def test_address_export_without_grondslag_is_refused_in_dutch(settings):
    for grondslag in (None, "", "  ", "n.v.t."):
        with pytest.raises(ExportGeweigerd) as refused:
            export_riec(settings, "2026-10", adressen=True, grondslag=grondslag)
        message = str(refused.value)
        for phrase in ("geweigerd", "grondslag", "5.6.2", "need to know", "doelbinding", "persoonsgegevens"):
            assert phrase in message, phrase
    assert not (settings.output / "2026-10" / "export_riec").exists()
    assert audit_rows(settings, "audit.exports").empty


def test_address_export_with_grondslag_is_minimised(settings):
    folder = export_riec(settings, "2026-10", adressen=True, grondslag=GRONDSLAG,
                         stappenplan={2: "Geen geheimhoudingsplicht van toepassing."})
    rows = read_csv(folder / "adressen_2026-10.csv")
    assert len(rows) == 30
    assert list(rows[0]) == ["rang", "verblijfsobject_id", "adres", "postcode", "aanleiding", "redenen"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["grondslag"] == GRONDSLAG and manifest["adresgegevens"] is True
    stappen = {s["stap"]: s for s in manifest["stappenplan_5_6_2"]}
    assert GRONDSLAG in stappen[5]["antwoord"]
    assert stappen[2] == {**stappen[2], "antwoord": "Geen geheimhoudingsplicht van toepassing.", "bron": "opgegeven"}
    assert stappen[8]["bron"] == "niet vastgelegd"


def test_every_export_is_audited(settings):
    first = export_riec(settings, "2026-10")
    first_manifest = hashlib.sha256((first / "manifest.json").read_bytes()).hexdigest()
    second = export_riec(settings, "2026-10", ontvanger="RIEC Den Haag", grondslag=GRONDSLAG, adressen=True,
                         gebruiker="analist")
    rows = audit_rows(settings, "audit.exports")
    assert len(rows) == 2
    assert rows["adressen"].tolist() == [False, True]
    assert rows["manifest_sha256"].tolist() == [first_manifest,
                                                hashlib.sha256((second / "manifest.json").read_bytes()).hexdigest()]
    assert rows["gebruiker"].iloc[1] == "analist" and rows["os_gebruiker"].iloc[1]
    assert rows["grondslag"].tolist()[1] == GRONDSLAG and pd.isna(rows["grondslag"].iloc[0])
    assert rows["maand"].tolist() == ["2026-10", "2026-10"]
    bestanden = json.loads(rows["bestanden"].iloc[1])
    assert "adressen_2026-10.csv" in bestanden
    assert bestanden == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                         for p in second.iterdir() if p.name != "manifest.json"}
    assert {t["tabel"] for t in json.loads(rows["tabellen"].iloc[1])} >= {"buurtcijfers", "adressen"}


def test_a_failed_export_leaves_no_package_and_no_audit_row(settings, monkeypatch):
    from assets.exports import riec

    def broken(tmp, target):
        raise OSError("schijf vol")

    monkeypatch.setattr(riec, "_publish", broken)
    with pytest.raises(OSError, match="schijf vol"):
        export_riec(settings, "2026-10", adressen=True, grondslag=GRONDSLAG)
    assert audit_rows(settings, "audit.exports").empty
    assert list(settings.output_month("2026-10").iterdir()) == []


def test_package_is_owner_only_even_with_a_permissive_umask(settings):
    previous = os.umask(0o022)
    try:
        folder = export_riec(settings, "2026-10")
        assert os.umask(0o022) == 0o022, "umask not restored"
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_threshold_comes_from_the_settings(settings):
    (settings.data / "config").mkdir()
    (settings.data / "config" / "instellingen.yaml").write_text("export:\n  onderdrukkingsgrens: 20\n", encoding="utf-8")
    folder = export_riec(Settings(settings.data), "2026-10")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["onderdrukking"]["drempel"] == 20
    rows = read_csv(folder / "buurtcijfers_2026-10.csv")
    shown = [int(r[c]) for r in rows for c in ("woningen", "leegstaand", "risicolijst", "steekproef") if r[c].isdigit()]
    assert shown and min(shown) >= 20


def test_unprocessed_month_is_refused(settings):
    with pytest.raises(Exception, match="niet verwerkt"):
        export_riec(settings, "2026-05")


# --- retention --------------------------------------------------------------------------------------------

OLD = ("2024-09", "2024-10", "2024-11", "2024-12")


def _output_month(settings: Settings, maand: str) -> None:
    folder = settings.output_month(maand)
    (folder / "trends").mkdir(parents=True)
    (folder / "trends" / "leegstand_per_buurt_per_maand.csv").write_text("maand;buurtcode\n", encoding="utf-8")
    (folder / "png").mkdir()
    (folder / "png" / "kaart_leegstand.png").write_bytes(b"png")
    (folder / "maandrapportage.html").write_text("<td>Dorpsstraat 1</td>", encoding="utf-8")


def test_opschonen_removes_address_rows_and_files_older_than_the_term(tmp_path):
    settings = make_warehouse(tmp_path / "data", OLD + MAANDEN)
    for maand in ("2024-10", "2024-11"):
        export_riec(settings, maand, adressen=True, grondslag=GRONDSLAG)
        _output_month(settings, maand)

    result = opschonen(settings, bewaartermijn=24, vandaag=dt.date(2026, 11, 29))

    assert result["oudste_bewaarde_maand"] == "2024-11" and result["geverifieerd"]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        tables = con.execute(
            "SELECT DISTINCT schema_name || '.' || table_name FROM duckdb_columns() WHERE column_name = 'maand'"
        ).fetchall()
        for (table,) in tables:
            months = {m for (m,) in con.execute(f"SELECT DISTINCT maand FROM {table}").fetchall()}
            if table.startswith("audit.") or table in retention.AGGREGATE_TABLES:
                continue
            assert not {m for m in months if m < "2024-11"}, f"{table} still holds old months"
        # aggregates and the audit trail stay
        kept = con.execute("SELECT min(maand) FROM marts.leegstand_buurt").fetchall()[0][0]
        assert kept == "2024-09"
        assert con.execute("SELECT min(maand) FROM marts.evaluatie_aanleiding").fetchall()[0][0] == "2024-09"
        assert con.execute("SELECT count(*) FROM audit.exports").fetchall()[0][0] == 2
        assert con.execute("SELECT min(maand) FROM marts.controlelijst").fetchall()[0][0] == "2024-11"
        assert con.execute("SELECT count(*) FROM staging.brp_adrestellingen WHERE maand < '2024-11'").fetchall()[0][0] == 0
        log = con.execute("SELECT * FROM audit.opschoning").df()
    finally:
        con.close()
    assert len(log) == 1 and bool(log["geverifieerd"].iloc[0]) and log["oudste_bewaarde_maand"].iloc[0] == "2024-11"
    assert json.loads(log["verwijderde_rijen"].iloc[0])["marts.controlelijst"] == 60  # 2024-09 and 2024-10

    old, kept = settings.output_month("2024-10"), settings.output_month("2024-11")
    assert sorted(p.name for p in old.iterdir()) == ["export_riec", "trends"]
    assert not list((old / "export_riec").glob("adressen_*"))
    assert (old / "export_riec" / "manifest.json").exists() and (old / "trends").is_dir()
    assert (kept / "maandrapportage.html").exists() and list((kept / "export_riec").glob("adressen_*"))
    assert stat.S_IMODE(settings.warehouse.stat().st_mode) == 0o600
    assert "bewaartermijn 24 maanden" in result["samenvatting"] and "2024-11" in result["samenvatting"]

    again = opschonen(settings, bewaartermijn=24, vandaag=dt.date(2026, 11, 29))
    assert again["verwijderde_rijen"] == {} and again["geverifieerd"]


def test_opschonen_takes_the_term_from_the_settings(tmp_path):
    settings = make_warehouse(tmp_path / "data", ("2026-01",) + MAANDEN)
    config = settings.data / "config"
    config.mkdir()
    (config / "instellingen.yaml").write_text("export:\n  bewaartermijn_maanden: 3\n", encoding="utf-8")
    result = opschonen(Settings(settings.data), vandaag=dt.date(2026, 11, 1))
    assert result["bewaartermijn"] == 3 and result["oudste_bewaarde_maand"] == "2026-08"
    assert result["verwijderde_rijen"]["marts.controlelijst"] == 30


def test_opschonen_fails_loudly_when_rows_survive(tmp_path, monkeypatch):
    settings = make_warehouse(tmp_path / "data", OLD)
    monkeypatch.setattr(retention, "_delete_old_rows", lambda con, grens: {})
    with pytest.raises(OpschoningMislukt, match="marts.controlelijst"):
        opschonen(settings, bewaartermijn=1, vandaag=dt.date(2026, 11, 29))
    log = audit_rows(settings, "audit.opschoning")
    assert log["geverifieerd"].tolist() == [False]


# --- end to end on the demo -------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_export_and_cleanup(demo_copy):
    settings = Settings(demo_copy)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    maanden = [m for (m,) in con.execute("SELECT DISTINCT maand FROM marts.controlelijst ORDER BY 1").fetchall()]
    con.close()
    folder = export_riec(settings, maanden[-1], adressen=True, grondslag=GRONDSLAG)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["niet_opgenomen"] == []
    assert next(t for t in manifest["tabellen"] if t["tabel"] == "adressen")["rijen"] > 0
    result = opschonen(settings, bewaartermijn=1, vandaag=dt.date(2100, 1, 1))
    assert result["geverifieerd"] and result["verwijderde_rijen"]
    assert not list(settings.output.glob("*/export_riec/adressen_*"))
    assert not list(settings.output.glob("*/maandrapportage.html"))


def test_a_sheet_too_big_for_excel_is_left_to_its_csv_and_the_workbook_says_so(tmp_path, monkeypatch):
    import pandas as pd
    from openpyxl import load_workbook

    from assets import writing
    from assets.exports import riec

    monkeypatch.setattr(writing, "EXCEL_MAX_RIJEN", 3)
    riec.write_xlsx({"klein": pd.DataFrame({"a": [1, 2]}), "groot": pd.DataFrame({"a": range(5)})},
                    ["Exportpakket voor het RIEC."], tmp_path / "pakket.xlsx")
    book = load_workbook(tmp_path / "pakket.xlsx", read_only=True)
    assert book.sheetnames == ["toelichting", "klein"]
    regels = [r[0] for r in book["toelichting"].iter_rows(values_only=True)]
    assert "Blad groot ontbreekt: 5 rijen is te groot voor Excel; zie het CSV-bestand." in regels
