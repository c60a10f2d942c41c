"""Deterministic demo data for risicoradar.

`generate_demo` writes a synthetic but realistic set of monthly inbox files (BAG, BRP counts,
RNI, KvK, WOZ, signalen, controles) exactly as the input contracts (data_contracts/*.yaml) specify, calibrated at gemeente
scale to Zoeterwoude (GM0638), plus the ground truth outside the inbox. Same arguments ->
byte-identical files. All persons, addresses and businesses are synthetic; no slachtoffers
file is written (the real SHOP table ships with the project).

Truth (never read by the pipeline), computed from the written files with the definitions of
the input contracts and the CBS vacancy definition (pipelines/demo/truth.py), not from the generator's intentions:

``<data>/demo_waarheid/waarheid.json``
    beschrijving, schaal, seed, gemeente ("0638" or "*"), maanden [YYYY-MM...], bag_formaat,
    woz_maanden, objecten, gemeenten, buurten, bestanden (inbox/referentie paths written),
    samenvatting {geplante_gevallen, geplante_gevallen_per_soort, bereik_per_maand {key: [min,
    max]}, rni_gemiddeld_per_maand, indicatoren_laatste_maand (gemeente scale: indicator
    counts of planted vs ordinary objects)} and per_maand {YYYY-MM: {bag_rijen,
    bag_andere_gemeente, bag_objecten, woningvoorraad, brp_rijen, brp_quarantaine,
    ingeschrevenen, briefadressen, kvk_rijen, kvk_rijen_zonder_bag_id,
    kvk_adresmatch_zonder_bag_id, kvk_ongematcht, risicosector_vestigingen, uitzendbureaus,
    arbeidsbemiddeling, risicosector_per_categorie {categorie: n}, leegstand, leegstand_pct,
    rni_rijen, rni_inschrijvingen, rni_zonder_adres, rni_quarantaine, signalen,
    signalen_geverifieerd, signalen_quarantaine, controles, controles_met_bevinding,
    controles_quarantaine, woz_bestand}}.
``<data>/demo_waarheid/geplante_gevallen.csv`` (; separated)
    geval_id, soort, verblijfsobject_id, nummeraanduiding_id, eerste_maand, laatste_maand,
    verwachte_indicatoren (| separated: every indicator that holds for the object in
    laatste_maand), gemeentecode.

Scales: "gemeente" (~4.4k objects in the real 20 CBS buurten, BAG as CSV), "regio" (~1 M
objects, 38 synthetic gemeenten) and "nationaal" (~10 M objects, 342 synthetic gemeenten);
the latter two write BAG as Parquet, a grid of synthetic buurten to
<data>/referentie/buurten.geojson and `*` (all gemeenten) to <data>/referentie/gemeente.txt.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.demo import registers as dr
from pipelines.demo import truth as dtr
from data_contracts.months import add_months, is_month, last_completed_month, month_range
from pipelines.demo.world import build_world

log = logging.getLogger(__name__)

WAARHEID_DIR = "demo_waarheid"
INBOX_DIRS = ("bag", "brp", "rni", "kvk", "woz", "signalen")
GEPLANTE_KOLOMMEN = ["geval_id", "soort", "verblijfsobject_id", "nummeraanduiding_id", "eerste_maand",
                     "laatste_maand", "verwachte_indicatoren", "gemeentecode"]


def _peak_gb() -> float:
    """Peak resident memory of this process in GB (0 where unknown)."""
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    except (ImportError, AttributeError):
        return 0.0


def default_end_month(today: dt.date | None = None) -> str:
    """The last completed calendar month."""
    return last_completed_month(today)


def month_labels(end_month: str, months: int) -> list[str]:
    if not is_month(end_month):
        raise ValueError(f"eindmaand {end_month!r} moet de vorm JJJJ-MM hebben")
    if months < 1:
        raise ValueError("aantal maanden moet minstens 1 zijn")
    return month_range(add_months(end_month, 1 - months), end_month)


def _write_csv(table: pa.Table, path: Path) -> None:
    """;-separated UTF-8 CSV, no quoting (no value contains ; or quotes), empty = missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write((";".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, delimiter=";",
                                                     quoting_style="none", batch_size=65_536))


BESLUIT_REDENEN_TERZIJDE = ["al bekend bij partner", "recent gecontroleerd", "onvoldoende grond", "capaciteit"]


def _decisions(world, history: list[pd.DataFrame], m: int, controles: pa.Table, rng) -> pa.Table:
    """besluiten_<list month m-1>.csv: what the overleg decided in month m on the list of m-1.

    Consistent with the controls of month m: every control from the list or the sample carries
    out a decision 'controle' on that address; about half of the signal controls were added to
    the list by the overleg itself (soort_voorstel 'overleg'). Of the addresses that look like list
    addresses in month m-1 (two or more indicators) and were not controlled, about a third is set
    aside ('geen controle', with a reason), some are postponed ('later'), the rest left open.
    Only addresses that are hoofdadres in the BAG of month m-1 are written.
    """
    present = world.present_at(m - 1) & (world.gem >= 0)
    index = pd.Index(world.num_id)
    ids = np.asarray(controles["nummeraanduiding_id"].to_pylist(), dtype=np.int64)
    obj = index.get_indexer(ids)
    aanl = np.asarray(controles["aanleiding"].to_pylist(), dtype=object)
    ok = (obj >= 0) & present[np.maximum(obj, 0)]
    lijst = ok & np.isin(aanl, ["risicolijst", "steekproef"])
    signaal = ok & (aanl == "signaal") & (rng.random(len(aanl)) < 0.5)
    rows_id = list(ids[lijst]) + list(ids[signaal])
    soort_voorstel = list(aanl[lijst]) + ["overleg"] * int(signaal.sum())
    besluit = ["controle"] * len(rows_id)
    reden = [""] * int(lijst.sum()) + ["eigen signaal van het overleg"] * int(signaal.sum())
    gecontroleerd = set(rows_id) | set(ids.tolist())
    if history:
        ind = dtr.indicators_at(history, m - 1)
        kandidaten = ind.index[ind.sum(axis=1).to_numpy() >= 2]
        vbo_index = pd.Index(world.vbo_id)
        cobj = vbo_index.get_indexer(np.asarray(kandidaten, dtype=np.int64))
        cobj = cobj[(cobj >= 0)]
        cobj = cobj[present[cobj]]
        cnum = world.num_id[cobj]
        cnum = cnum[~np.isin(cnum, list(gecontroleerd))]
        u = rng.random(len(cnum))
        terzijde, later = cnum[u < 0.35], cnum[(u >= 0.35) & (u < 0.45)]
        rows_id += list(terzijde) + list(later)
        soort_voorstel += ["risicolijst"] * (len(terzijde) + len(later))
        besluit += ["geen controle"] * len(terzijde) + ["later"] * len(later)
        reden += list(rng.choice(BESLUIT_REDENEN_TERZIJDE, len(terzijde))) + ["capaciteit"] * len(later)
    order = np.argsort(np.asarray(rows_id, dtype=np.int64), kind="stable")
    return pa.table({
        "nummeraanduiding_id": dr.ids16(np.asarray(rows_id, dtype=np.int64)[order]),
        "soort_voorstel": pa.array([soort_voorstel[i] for i in order], pa.string()),
        "besluit": pa.array([besluit[i] for i in order], pa.string()),
        "reden": pa.array([reden[i] for i in order], pa.string()),
        "notitie": pa.array([""] * len(order), pa.string()),
        "datum": pa.array([_overleg_datum(controles)] * len(order), pa.string()),
    })


def _overleg_datum(controles: pa.Table) -> str:
    """The 10th of the controls' month: the day the overleg met."""
    first = min(controles["datum"].to_pylist()) if controles.num_rows else None
    if first is None:
        return ""
    return f"{first:%Y-%m}-10"


def _write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # store_schema=False: readers see plain strings, not the in-memory dictionary encoding
    pq.write_table(table, path, compression="zstd", row_group_size=1_000_000, store_schema=False)


def _prepare_dir(data_dir: Path) -> None:
    """Remove the files of an earlier demo in this folder; refuse a folder with other data."""
    truth = data_dir / WAARHEID_DIR / "waarheid.json"
    previous: set[str] = set()
    if truth.exists():
        try:
            previous = set(json.loads(truth.read_text(encoding="utf-8")).get("bestanden", []))
        except (json.JSONDecodeError, OSError):
            previous = set()
    foreign = []
    for sub in INBOX_DIRS:
        d = data_dir / "inbox" / sub
        if d.exists():
            for p in sorted(d.iterdir()):
                if p.is_file() and p.relative_to(data_dir).as_posix() not in previous:
                    foreign.append(p)
    if foreign:
        raise FileExistsError(
            f"De map {data_dir / 'inbox'} bevat al bronbestanden die niet van een eerdere demo zijn "
            f"(bijvoorbeeld {foreign[0].name}); kies een lege datamap voor de demo.")
    for rel in sorted(previous):
        p = data_dir / rel
        if p.is_file():
            p.unlink()


def _write_referentie(data_dir: Path, world) -> list[Path]:
    ref = data_dir / "referentie"
    ref.mkdir(parents=True, exist_ok=True)
    b = world.buurten[["statcode", "statnaam", "gemeentecode", "geometry"]]
    p1 = ref / "buurten.geojson"
    if p1.exists():
        p1.unlink()
    b.to_file(p1, driver="GeoJSON")
    p2 = ref / "gemeente.txt"
    p2.write_text("*\n", encoding="utf-8")
    return [p1, p2]


def generate_demo(data_dir: Path, months: int = 24, end_month: str | None = None,
                  schaal: str = "gemeente", seed: int = 638) -> dict:
    """Write deterministic demo inbox files and their ground truth under `data_dir`.

    Returns a small summary: paths, months, counts. Same arguments -> byte-identical files.
    """
    t0 = time.perf_counter()
    data_dir = Path(data_dir)
    end_month = end_month or default_end_month()
    labels = month_labels(end_month, months)
    if labels[-1] > default_end_month(dt.date.today() + dt.timedelta(days=31)):
        raise ValueError(f"eindmaand {end_month} ligt in de toekomst")
    _prepare_dir(data_dir)
    world = build_world(schaal, labels, seed)
    log.info("demo %s: wereld met %d objecten (%.0f s, piek %.1f GB)", schaal, world.n,
             time.perf_counter() - t0, _peak_gb())
    sim = dr.Simulator(world, labels, seed)
    log.info("demo %s: registers voorbereid (%.0f s, piek %.1f GB)", schaal, time.perf_counter() - t0, _peak_gb())
    inbox = data_dir / "inbox"
    written: list[Path] = []
    if schaal != "gemeente":
        written += _write_referentie(data_dir, world)
        gemeenten = None
    else:
        gemeenten = {"0638"}
    bag_csv = schaal == "gemeente"
    cfg = dtr.load_sbi_config()
    pl = sim.pl
    keep_all = world.n <= 200_000
    keep_vbo = None if keep_all else world.vbo_id[pl.obj]
    history: list[pd.DataFrame] = []
    besluit_rng = np.random.default_rng(seed + 7919)  # own stream: the registers stay as they were
    per_maand: dict[str, dict] = {}
    woz_path = None
    for m, lab in enumerate(labels):
        woz_now = m == 0 or lab.endswith("-01")
        paths = {
            "bag": inbox / "bag" / f"bag_verblijfsobject_{lab}.{'csv' if bag_csv else 'parquet'}",
            "brp": inbox / "brp" / f"brp_adrestellingen_{lab}.csv",
            "rni": inbox / "rni" / f"rni_inschrijvingen_{lab}.csv",
            "kvk": inbox / "kvk" / f"kvk_vestigingen_{lab}.csv",
            "signalen": inbox / "signalen" / f"signalen_{lab}.csv",
            "controles": inbox / "signalen" / f"controles_{lab}.csv",
        }
        if woz_now:
            paths["woz"] = inbox / "woz" / f"woz_gebruik_{lab}.csv"
        for key, table in sim.month(m, woz=woz_now, xy_decimal=bag_csv):
            path = paths[key]
            if key == "bag" and not bag_csv:
                _write_parquet(table, path)
            else:
                _write_csv(table, path)
            written.append(path)
            if key == "controles" and m > 0:
                # the overleg met in this month on last month's list: its decisions follow from
                # the controls it led to, plus some proposals set aside or postponed
                besluit_path = inbox / "besluiten" / f"besluiten_{labels[m - 1]}.csv"
                _write_csv(_decisions(world, history, m, table, besluit_rng), besluit_path)
                written.append(besluit_path)
            del table
        if woz_now:
            woz_path = paths["woz"]
        log.info("demo %s geschreven (%.0f s, piek %.1f GB)", lab, time.perf_counter() - t0, _peak_gb())
        files = dict(paths)
        files["woz"] = woz_path
        mt = dtr.MonthTruth(files, lab, gemeenten, cfg, keep_vbo=keep_vbo)
        fig = dict(mt.figures)
        fig["woz_bestand"] = woz_path.name if woz_path else None
        per_maand[lab] = fig
        history.append(mt.objects)
        log.info("demo %s klaar (%.0f s, piek %.1f GB)", lab, time.perf_counter() - t0, _peak_gb())

    # planted cases and the indicators they trigger in their last month
    codes = world.gemeenten["code"].to_numpy()
    gem_of = world.gem[pl.obj]
    vbo_ids = world.vbo_id[pl.obj]
    verwacht = [""] * len(pl)
    for b in np.unique(pl.b):
        ind = dtr.indicators_at(history, int(b))
        sel = np.flatnonzero(pl.b == b)
        sub = ind.reindex(vbo_ids[sel], fill_value=False)
        for j, (_, row) in zip(sel, sub.iterrows()):  # a handful of cases per gemeente
            verwacht[j] = "|".join(c for c in dtr.INDICATOREN if bool(row[c]))
    nr_in_gem = dr.dw.rank_in_group(gem_of)
    geplant = pd.DataFrame({
        "geval_id": [f"GEVAL-{codes[g]:04d}-{k + 1:03d}" for g, k in zip(gem_of, nr_in_gem)],
        "soort": np.array(dr.SOORTEN, dtype=object)[pl.soort],
        "verblijfsobject_id": [f"{v:016d}" for v in vbo_ids],
        "nummeraanduiding_id": [f"{v:016d}" for v in world.num_id[pl.obj]],
        "eerste_maand": np.array(labels, dtype=object)[pl.a],
        "laatste_maand": np.array(labels, dtype=object)[pl.b],
        "verwachte_indicatoren": verwacht,
        "gemeentecode": [f"{codes[g]:04d}" for g in gem_of],
    })[GEPLANTE_KOLOMMEN]
    wdir = data_dir / WAARHEID_DIR
    wdir.mkdir(parents=True, exist_ok=True)
    geplant_path = wdir / "geplante_gevallen.csv"
    geplant.to_csv(geplant_path, sep=";", index=False, lineterminator="\n")

    summary_ind = None
    if keep_all:
        ind = dtr.indicators_at(history, len(labels) - 1)
        nind = ind.sum(axis=1)
        is_pl = nind.index.isin(vbo_ids)
        gew = nind[~is_pl]
        actief = nind.index.isin(vbo_ids[pl.b == len(labels) - 1])
        summary_ind = {
            "geplant_min": int(nind[actief].min()) if actief.any() else None,
            "geplant_mediaan": float(nind[actief].median()) if actief.any() else None,
            "gewoon_max": int(gew.max()),
            "gewoon_met_2_of_meer": int((gew >= 2).sum()),
            "gewoon_met_1": int((gew == 1).sum()),
            "prevalentie": {c: int(ind[c].sum()) for c in dtr.INDICATOREN},
        }

    def rng_of(key):
        vals = [per_maand[lb][key] for lb in labels]
        return [min(vals), max(vals)]

    rel = [p.relative_to(data_dir).as_posix() for p in written]
    waarheid = {
        "beschrijving": ("Synthetische demodata voor risicoradar; alle personen, adressen en bedrijven zijn "
                         "verzonnen. Cijfers berekend uit de geschreven bestanden volgens de datacontracten en de CBS-definitie van leegstand."),
        "schaal": schaal,
        "seed": seed,
        "gemeente": "0638" if schaal == "gemeente" else "*",
        "maanden": labels,
        "bag_formaat": "csv" if bag_csv else "parquet",
        "woz_maanden": [lb for i, lb in enumerate(labels) if i == 0 or lb.endswith("-01")],
        "objecten": int(world.n),
        "gemeenten": int(len(world.gemeenten)),
        "buurten": int(len(world.buurten)),
        "samenvatting": {
            "geplante_gevallen": int(len(pl)),
            "geplante_gevallen_per_soort": {s: int((pl.soort == i).sum()) for i, s in enumerate(dr.SOORTEN)},
            "bereik_per_maand": {k: rng_of(k) for k in [
                "ingeschrevenen", "woningvoorraad", "leegstand", "leegstand_pct", "risicosector_vestigingen",
                "uitzendbureaus", "arbeidsbemiddeling", "kvk_rijen", "kvk_rijen_zonder_bag_id",
                "kvk_adresmatch_zonder_bag_id", "kvk_ongematcht", "brp_quarantaine", "rni_inschrijvingen",
                "rni_quarantaine", "bag_andere_gemeente", "signalen", "controles"]},
            "rni_gemiddeld_per_maand": round(float(np.mean([per_maand[lb]["rni_inschrijvingen"] for lb in labels])), 2),
            "indicatoren_laatste_maand": summary_ind,
        },
        "per_maand": per_maand,
        "bestanden": sorted(rel),
    }
    truth_path = wdir / "waarheid.json"
    truth_path.write_text(json.dumps(waarheid, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return {
        "data_dir": str(data_dir),
        "inbox": str(inbox),
        "waarheid": str(truth_path),
        "geplante_gevallen": str(geplant_path),
        "schaal": schaal,
        "maanden": [labels[0], labels[-1]],
        "aantal_maanden": len(labels),
        "objecten": int(world.n),
        "bestanden": len(written),
        "geplante_gevallen_aantal": int(len(pl)),
        "seconden": round(time.perf_counter() - t0, 1),
    }
