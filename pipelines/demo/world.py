"""Synthetic geography and BAG objects for the demo data generator.

Builds the static part of the demo world: gemeenten, buurten (the real CBS buurten of
Zoeterwoude at gemeente scale, a grid of square synthetic buurten at larger scales) and
verblijfsobjecten with addresses, panden, points, floor areas and statuses. Everything is
vectorised with numpy; only loops over object classes or a handful of special objects.
All data are synthetic: street names are generated, numbers are drawn at random.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assets.settings import REFERENCE_DIR

ZOETERWOUDE_BUURTEN = REFERENCE_DIR / "zoeterwoude_buurten_2025_rd.geojson"

GEMEENTE_CODE = 638  # Zoeterwoude
GEMEENTE_NAAM = "Zoeterwoude"

STATUSES = [
    "Verblijfsobject in gebruik",  # 0
    "Verblijfsobject in gebruik (niet ingemeten)",  # 1
    "Verblijfsobject buiten gebruik",  # 2
    "Verblijfsobject gevormd",  # 3
    "Verbouwing verblijfsobject",  # 4
    "Niet gerealiseerd verblijfsobject",  # 5
    "Verblijfsobject ingetrokken",  # 6
    "Verblijfsobject ten onrechte opgevoerd",  # 7
]
ST_IN_GEBRUIK, ST_NIET_INGEMETEN, ST_BUITEN_GEBRUIK, ST_GEVORMD = 0, 1, 2, 3
STOCK_STATUSES = (0, 1, 2)  # CBS woningvoorraad
HABITABLE_STATUSES = (0, 1)

SOORT_DORP, SOORT_LANDELIJK, SOORT_BEDRIJVEN = 0, 1, 2

# Object classes: name, gebruiksdoel, objects per Zoeterwoude (~4,300), relative density per
# hectare in (dorp, landelijk, bedrijven) buurten, floor area (median, sigma, min, max),
# maximum objects per pand.
KLASSEN = [
    ("eengezins", "woonfunctie", 2725, (1.0, 0.011, 0.004), (118, 0.22, 60, 200), 1),
    ("appartement", "woonfunctie", 700, (1.0, 0.0, 0.0), (68, 0.18, 40, 115), 16),
    ("boerderij", "woonfunctie", 240, (0.0, 1.0, 0.08), (150, 0.15, 90, 200), 1),
    ("winkel_wonen", "winkelfunctie,woonfunctie", 12, (1.0, 0.0, 0.0), (125, 0.2, 70, 200), 1),
    ("kantoor_wonen", "kantoorfunctie,woonfunctie", 6, (1.0, 0.02, 0.0), (140, 0.2, 80, 200), 1),
    ("industrie", "industriefunctie", 262, (0.006, 0.02, 1.0), (650, 1.0, 25, 25000), 2),
    ("industrie_kantoor", "industriefunctie,kantoorfunctie", 16, (0.0, 0.0, 1.0), (1100, 0.8, 120, 20000), 2),
    ("kantoor", "kantoorfunctie", 118, (0.25, 0.002, 1.0), (160, 0.9, 18, 6000), 4),
    ("winkel", "winkelfunctie", 82, (1.0, 0.002, 0.35), (130, 0.9, 15, 3500), 2),
    ("bijeenkomst", "bijeenkomstfunctie", 44, (1.0, 0.01, 0.15), (220, 0.8, 30, 2500), 1),
    ("logies", "logiesfunctie", 21, (0.2, 0.012, 0.5), (300, 0.9, 30, 6000), 1),
    ("gezondheidszorg", "gezondheidszorgfunctie", 18, (1.0, 0.0, 0.0), (260, 0.7, 40, 3000), 1),
    ("onderwijs", "onderwijsfunctie", 9, (1.0, 0.0, 0.0), (1500, 0.5, 200, 8000), 1),
    ("sport", "sportfunctie", 12, (1.0, 0.01, 0.0), (700, 0.8, 40, 6000), 1),
    ("overig", "overige gebruiksfunctie", 110, (0.25, 0.025, 0.4), (22, 0.9, 2, 600), 1),
]
KLASSE_NAMEN = [k[0] for k in KLASSEN]
K = {name: i for i, name in enumerate(KLASSE_NAMEN)}
GEBRUIKSDOEL = np.array([k[1] for k in KLASSEN], dtype=object)
HEEFT_WOONFUNCTIE = np.array(["woonfunctie" in k[1] for k in KLASSEN])
OBJECTS_PER_SET = sum(k[2] for k in KLASSEN)  # ~4,300: one "Zoeterwoude-sized" unit

# Street names: generated from Dutch bases and suffixes (never a register extract).
_BASES = """Kievit Grutto Reiger Zwaluw Merel Lijster Spreeuw Vink Koolmees Roodborst Ooievaar
Tureluur Meerkoet Buizerd Fazant Wielewaal Karekiet Scholekster Patrijs Torenvalk Populier Eiken
Linden Berken Wilgen Esdoorn Kastanje Meidoorn Hazelaar Vlier Seringen Rozen Tulpen Narcissen
Krokus Hyacinten Lelie Iris Zonnebloem Klaver Boterbloem Margriet Korenbloem Lavendel Jasmijn
Dahlia Anjer Akelei Fuchsia Vergeetmenietje Boeren Molen Kerk School Polder Dijk Sloot Vaart Wetering
Akker Kamp Weide Hoeve Schuur Hooiberg Boomgaard Tuinders Veenderij Turf Klei Zand Gors Waard Rijn
Vliet Brug Sluis Haven Kade Dorps Noord Zuid Oost West Burgemeester Pastoor Notaris Schout
Heemraad Dijkgraaf Smeden Kuipers Bakkers Wevers Touwslagers Molenaars Zuivel Kaas Melk Graan""".split()
_SUFFIXES = ["straat", "laan", "weg", "hof", "plein", "pad", "dreef", "erf", "singel", "kade",
             "gracht", "park", "veld", "hoek"]
STREET_NAMES = np.array(sorted({b + s for b in _BASES for s in _SUFFIXES}), dtype=object)

_PLAATS_A = ["Noord", "Zuid", "Oost", "West", "Groot", "Klein", "Nieuw", "Oud", "Hoog", "Laag",
             "Ter", "Sint", "Midden", "Over", "Neder", "Boven"]
_PLAATS_B = ["wijk", "dorp", "veen", "dam", "hout", "broek", "wolde", "meer", "horst", "berg",
             "rode", "zijl", "mond", "kerk", "hoven", "burg", "loo", "lo", "beek", "sloot",
             "hem", "drecht", "gouw", "ven", "woude", "land", "haven", "stede"]
_PLAATS_C = ["", "", "", "", "erveld", "erdijk", "erbroek", "erwaard", "ermeer"]

# Postcode letter pairs (SA, SD and SS are not used in Dutch postcodes).
LETTER_PAIRS = np.array(
    [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
     if a + b not in ("SA", "SD", "SS")], dtype=object)
LETTERS = np.array([""] + list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)

# Scales: total objects, gemeenten, buurten, bounding box (RD New metres).
SCHALEN = {
    "gemeente": None,
    "regio": dict(objects=1_000_000, gemeenten=38, buurten=1_300, box=(68_500, 433_800, 121_000, 482_600)),
    "nationaal": dict(objects=10_000_000, gemeenten=342, buurten=14_000, box=(14_000, 308_000, 276_000, 618_000)),
}


@dataclass
class World:
    """Static demo world. Object arrays all have length n (one entry per verblijfsobject)."""

    schaal: str
    months: int
    buurten: gpd.GeoDataFrame  # statcode, statnaam, gemeentecode, geometry (+ helper columns)
    gemeenten: pd.DataFrame  # code (int), naam (woonplaats), n_objects
    gem: np.ndarray  # index into gemeenten (-1 for rows of another bronhouder)
    bronhouder: np.ndarray  # gemeentecode as int
    klasse: np.ndarray
    buurt: np.ndarray  # index into buurten (-1 outside)
    status0: np.ndarray  # status code at the start
    appear: np.ndarray  # month index from which the object is in BAG (0 = from the start)
    complete: np.ndarray  # month index in which a 'gevormd' object goes in gebruik (large = never)
    oppervlakte: np.ndarray
    bouwjaar: np.ndarray
    pand_id: np.ndarray  # int64, 16-digit id value
    vbo_id: np.ndarray
    num_id: np.ndarray
    straat: np.ndarray  # index into STREET_NAMES
    huisnummer: np.ndarray
    huisletter: np.ndarray  # 0 = none, 1..26 = A..Z
    toevoeging: np.ndarray  # 0 = none, k = str(k)
    pc4: np.ndarray
    pcl: np.ndarray  # index into LETTER_PAIRS
    x: np.ndarray
    y: np.ndarray
    woonplaats: np.ndarray  # index into woonplaats_namen
    woonplaats_namen: list[str] = field(default_factory=list)
    special: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.gem)

    @property
    def woonfunctie(self) -> np.ndarray:
        return HEEFT_WOONFUNCTIE[self.klasse]

    def status_at(self, m: int) -> np.ndarray:
        st = self.status0.copy()
        st[(self.status0 == ST_GEVORMD) & (self.complete <= m)] = ST_IN_GEBRUIK
        return st

    def present_at(self, m: int) -> np.ndarray:
        return self.appear <= m


# --------------------------------------------------------------------------- helpers


def _group_start(keys: np.ndarray) -> np.ndarray:
    """For a sorted key array: index of the first element of each element's group."""
    n = len(keys)
    new = np.ones(n, dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new)
    return starts[np.cumsum(new) - 1]


def rank_in_group(keys: np.ndarray) -> np.ndarray:
    """For a sorted key array: 0-based position of each element within its group."""
    return np.arange(len(keys)) - _group_start(keys)


def choose_in_groups(rng, group_of_item: np.ndarray, weights: np.ndarray, n_groups: int,
                     group_of_draw: np.ndarray) -> np.ndarray:
    """Draw one item per draw, restricted to the draw's group, with the given weights.

    Items must be sorted by group. Groups without weight fall back to equal weights.
    Returns item indices (or -1 if a group has no items)."""
    w = weights.astype(float).copy()
    tot = np.bincount(group_of_item, weights=w, minlength=n_groups)
    zero = tot[group_of_item] <= 0
    w[zero] = 1.0
    tot = np.bincount(group_of_item, weights=w, minlength=n_groups)
    cum = np.cumsum(w)
    start = np.concatenate([[0.0], np.cumsum(tot)[:-1]])
    u = start[group_of_draw] + rng.random(len(group_of_draw)) * tot[group_of_draw]
    idx = np.searchsorted(cum, u, side="right")
    idx = np.minimum(idx, len(w) - 1)
    cnt = np.bincount(group_of_item, minlength=n_groups)
    ok = cnt[group_of_draw] > 0
    # guard against float edge effects: clamp to the group's range
    first = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    idx = np.clip(idx, first[group_of_draw], first[group_of_draw] + np.maximum(cnt[group_of_draw], 1) - 1)
    return np.where(ok, idx, -1)


def sample_points_in(rng, polys: np.ndarray, bounds: np.ndarray, which: np.ndarray):
    """Uniform points inside polys[which] by vectorised rejection sampling."""
    n = len(which)
    x = np.empty(n)
    y = np.empty(n)
    b = bounds[which]
    rect = np.isclose(shapely.area(polys), (bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1]))
    r = np.flatnonzero(rect[which])  # axis-parallel squares: uniform in the bounds (interior)
    x[r] = b[r, 0] + (0.001 + rng.random(len(r)) * 0.998) * (b[r, 2] - b[r, 0])
    y[r] = b[r, 1] + (0.001 + rng.random(len(r)) * 0.998) * (b[r, 3] - b[r, 1])
    todo = np.flatnonzero(~rect[which])
    for _ in range(200):
        if len(todo) == 0:
            break
        b = bounds[which[todo]]
        xs = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
        ys = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
        ok = shapely.contains_xy(polys[which[todo]], xs, ys)
        x[todo[ok]] = xs[ok]
        y[todo[ok]] = ys[ok]
        todo = todo[~ok]
    if len(todo):
        raise RuntimeError("could not sample points inside some buurten")
    return x, y


def _plaatsnamen(rng, n: int) -> list[str]:
    names = sorted({a + b + c for a in _PLAATS_A for b in _PLAATS_B for c in _PLAATS_C}
                   | {b.capitalize() + c for b in _PLAATS_B for c in _PLAATS_C if c})
    names = np.array(names, dtype=object)
    pick = rng.choice(len(names), size=n, replace=False)
    return [str(s) for s in names[pick]]


# --------------------------------------------------------------------------- geography


def _zoeterwoude_buurten() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    b = gpd.read_file(ZOETERWOUDE_BUURTEN)[["statcode", "statnaam", "geometry"]]
    b = b.sort_values("statcode").reset_index(drop=True)
    naam = b["statnaam"].str.lower()
    landelijk = {"westeinde", "zuidbuurt", "weipoort", "gelderswoude", "verspreide huizen"}
    soort = np.where(naam.str.contains("industrie|bedrijven|grote polder|barrepolder"), SOORT_BEDRIJVEN,
                     np.where(naam.isin(landelijk), SOORT_LANDELIJK, SOORT_DORP))
    b["soort"] = soort
    b["gem"] = 0
    b["gemeentecode"] = "0638"
    # Zoeterwoude-Rijndijk (north, along the Oude Rijn) has 2382, the rest 2381.
    b["pc_zone"] = np.where(b.geometry.centroid.y > 461_000, 1, 0)
    b["dichtheid"] = 1.0
    gemeenten = pd.DataFrame({"code": [GEMEENTE_CODE], "naam": [GEMEENTE_NAAM]})
    return b, gemeenten


def _morton(ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
    def spread(v):
        v = v.astype(np.uint64)
        v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
        v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
        v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
        v = (v | (v << np.uint64(1))) & np.uint64(0x55555555)
        return v
    return spread(ix) | (spread(iy) << np.uint64(1))


def _grid_buurten(rng, spec: dict) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    x0, y0, x1, y1 = spec["box"]
    cell = np.sqrt((x1 - x0) * (y1 - y0) / spec["buurten"])
    nx, ny = int((x1 - x0) // cell), int((y1 - y0) // cell)
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny))
    ix, iy = ix.ravel(), iy.ravel()
    order = np.argsort(_morton(ix, iy), kind="stable")  # compact, contiguous gemeenten
    ix, iy = ix[order], iy[order]
    nb = len(ix)
    g = spec["gemeenten"]
    size = rng.lognormal(0.0, 0.8, g)
    size = size / size.sum()
    nb_per = np.maximum(1, np.round(size * nb).astype(int))
    while nb_per.sum() > nb:
        nb_per[np.argmax(nb_per)] -= 1
    nb_per[-1] += nb - nb_per.sum()
    gem = np.repeat(np.arange(g), nb_per)
    codes = np.sort(rng.choice(np.setdiff1d(np.arange(3, 1990), [546, 547, 638]), g, replace=False))
    names = _plaatsnamen(rng, g)
    minx, miny = x0 + ix * cell, y0 + iy * cell
    geoms = shapely.box(minx, miny, minx + cell, miny + cell)
    rank = rank_in_group(gem)
    statcode = np.char.add(np.char.add("BU", np.char.zfill(codes[gem].astype(str), 4)),
                           np.char.zfill((rank + 1).astype(str), 4))
    naam_arr = np.array(names, dtype=object)[gem]
    statnaam = [f"{a} buurt {r + 1}" for a, r in zip(naam_arr, rank)]  # ~14k: fine
    soort = rng.choice(3, size=nb, p=[0.55, 0.35, 0.10])
    b = gpd.GeoDataFrame({"statcode": statcode.astype(object), "statnaam": statnaam,
                          "gemeentecode": np.char.zfill(codes[gem].astype(str), 4).astype(object),
                          "soort": soort, "gem": gem, "pc_zone": 0,
                          "dichtheid": rng.lognormal(0.0, 0.5, nb)},
                         geometry=geoms, crs="EPSG:28992")
    gemeenten = pd.DataFrame({"code": codes, "naam": names})
    return b, gemeenten


# --------------------------------------------------------------------------- objects


def build_world(schaal: str, labels: list[str], seed: int) -> World:
    """The static demo world for the months `labels` (YYYY-MM, consecutive)."""
    months = len(labels)
    if schaal not in SCHALEN:
        raise ValueError(f"onbekende schaal {schaal!r}; kies uit {', '.join(SCHALEN)}")
    rng = np.random.default_rng([seed, 1])
    spec = SCHALEN[schaal]
    if spec is None:
        buurten, gemeenten = _zoeterwoude_buurten()
        n_per_gem = np.array([OBJECTS_PER_SET])
    else:
        buurten, gemeenten = _grid_buurten(rng, spec)
        share = np.bincount(buurten["gem"].to_numpy(), minlength=len(gemeenten)).astype(float)
        share *= rng.lognormal(0.0, 0.15, len(share))
        n_per_gem = np.maximum(500, np.round(share / share.sum() * spec["objects"])).astype(int)
    G = len(gemeenten)
    gemeenten["n_objects"] = n_per_gem

    bgem = buurten["gem"].to_numpy()
    bsoort = buurten["soort"].to_numpy()
    area_ha = buurten.geometry.area.to_numpy() / 1e4
    bdicht = buurten["dichtheid"].to_numpy()
    polys = buurten.geometry.to_numpy()
    shapely.prepare(polys)
    bbounds = shapely.bounds(polys)

    # --- objects per gemeente and class
    counts = np.array([[k[2] for k in KLASSEN]], dtype=float) / OBJECTS_PER_SET
    counts = np.round(counts * n_per_gem[:, None]).astype(int)  # G x C
    gem = np.repeat(np.repeat(np.arange(G), len(KLASSEN)), counts.ravel())
    klasse = np.repeat(np.tile(np.arange(len(KLASSEN)), G), counts.ravel())
    n = len(gem)

    # --- buurt per object (class-specific density weights)
    buurt = np.empty(n, dtype=np.int32)
    for c, k in enumerate(KLASSEN):
        sel = np.flatnonzero(klasse == c)
        if len(sel) == 0:
            continue
        dens = np.array(k[3])[bsoort]
        w = area_ha * dens * bdicht
        buurt[sel] = choose_in_groups(rng, bgem, w, G, gem[sel])

    # --- panden: multi-object buildings for some classes
    perm = rng.permutation(n)  # random order within (class, buurt)
    order = perm[np.argsort((klasse.astype(np.int64) << 32 | buurt)[perm], kind="stable")]
    pand_local = np.empty(n, dtype=np.int64)
    within = np.zeros(n, dtype=np.int32)
    next_pand = 0
    bounds_c = np.searchsorted(klasse[order], np.arange(len(KLASSEN) + 1))  # order is sorted by class
    for c, k in enumerate(KLASSEN):
        sel = order[bounds_c[c]:bounds_c[c + 1]]
        m = len(sel)
        if m == 0:
            continue
        maxsize = k[5]
        if maxsize == 1:
            sizes = np.ones(m, dtype=np.int64)
        else:
            lo = 4 if c == K["appartement"] else 1
            sizes = rng.integers(lo, maxsize + 1, m)
            if c != K["appartement"]:
                sizes = np.where(rng.random(m) < 0.7, 1, sizes)
        cs = np.cumsum(sizes)
        lab = np.searchsorted(cs, np.arange(m), side="right")
        # a pand never crosses a buurt or gemeente boundary
        bkey = buurt[sel].astype(np.int64)
        newb = np.ones(m, dtype=bool)
        newb[1:] = bkey[1:] != bkey[:-1]
        newlab = np.ones(m, dtype=bool)
        newlab[1:] = lab[1:] != lab[:-1]
        lab2 = np.cumsum(newlab | newb) - 1
        pand_local[sel] = next_pand + lab2
        within[sel] = rank_in_group(lab2)
        next_pand += lab2[-1] + 1
    del perm, order, bounds_c, sel, sizes, cs, lab, bkey, newb, newlab, lab2
    n_pand = next_pand
    pand_size = np.bincount(pand_local, minlength=n_pand)
    first_obj = np.full(n_pand, -1, dtype=np.int64)
    first_obj[pand_local[within == 0]] = np.flatnonzero(within == 0)
    pand_buurt = buurt[first_obj]
    pand_klasse = klasse[first_obj]

    # --- statuses and timing: new builds are whole panden ('gevormd' until completed)
    woon = HEEFT_WOONFUNCTIE[klasse]
    pand_new = rng.random(n_pand) < np.where(HEEFT_WOONFUNCTIE[pand_klasse], 0.018, 0.010)
    u = rng.random(n)
    p_woon = np.cumsum([0.968, 0.014, 0.006, 0.0, 0.004, 0.002, 0.004, 0.002])
    p_rest = np.cumsum([0.940, 0.020, 0.020, 0.0, 0.008, 0.004, 0.006, 0.002])
    status0 = np.where(woon, np.searchsorted(p_woon, u * p_woon[-1], side="right"),
                       np.searchsorted(p_rest, u * p_rest[-1], side="right")).astype(np.int8)
    status0 = np.minimum(status0, 7)
    status0[status0 == ST_GEVORMD] = ST_IN_GEBRUIK
    gevormd = pand_new[pand_local]
    status0[gevormd] = ST_GEVORMD
    pand_complete = rng.integers(0, months + 8, n_pand)
    pand_late = pand_new & (rng.random(n_pand) < 0.5) & (pand_complete > 0)
    pand_appear = np.where(pand_late, (rng.random(n_pand) * pand_complete).astype(np.int64), 0)
    complete = np.where(gevormd, pand_complete[pand_local], 10_000).astype(np.int32)
    appear = pand_appear[pand_local].astype(np.int32)

    del u, woon, pand_late, pand_appear

    # --- points: one per pand, objects jittered around it
    px, py = sample_points_in(rng, polys, bbounds, pand_buurt)
    x = px[pand_local].copy()
    y = py[pand_local].copy()
    multi = np.flatnonzero(pand_size[pand_local] > 1)
    jx = x[multi] + rng.uniform(-3, 3, len(multi))
    jy = y[multi] + rng.uniform(-3, 3, len(multi))
    ok = shapely.contains_xy(polys[pand_buurt[pand_local[multi]]], jx, jy)
    x[multi[ok]] = jx[ok]
    y[multi[ok]] = jy[ok]

    del jx, jy, ok, multi

    # --- streets: strips of panden within a buurt, ordered by x
    L = rng.integers(28, 65, len(buurten))
    porder = np.argsort(pand_buurt * 1e6 + px)
    pb = pand_buurt[porder]
    cum_before = np.cumsum(pand_size[porder]) - pand_size[porder]
    cum_before = cum_before - cum_before[_group_start(pb)]
    street_local = cum_before // L[pb]
    skey = pb.astype(np.int64) * 100_000 + street_local
    newst = np.ones(len(skey), dtype=bool)
    newst[1:] = skey[1:] != skey[:-1]
    street_of_pand = np.empty(n_pand, dtype=np.int64)
    street_of_pand[porder] = np.cumsum(newst) - 1
    n_street = int(street_of_pand.max()) + 1
    street_gem = np.empty(n_street, dtype=np.int64)
    street_gem[street_of_pand[porder]] = bgem[pb]
    street_buurt = np.empty(n_street, dtype=np.int64)
    street_buurt[street_of_pand[porder]] = pb
    # street names: a pseudo-permutation of the name list per gemeente (unique up to list length)
    N = len(STREET_NAMES)
    st_rank = rank_in_group(street_gem)  # streets are numbered in gemeente order already
    a = rng.integers(1, N, G)
    while True:  # multipliers coprime with N
        bad = np.gcd(a, N) != 1
        if not bad.any():
            break
        a[bad] = rng.integers(1, N, bad.sum())
    b_off = rng.integers(0, N, G)
    street_name = (a[street_gem] * st_rank + b_off[street_gem]) % N

    del porder, pb, cum_before, street_local, skey, newst, st_rank

    # --- house numbers: per pand a step, consecutive within the street
    pand_street = street_of_pand
    pmode = np.zeros(n_pand, dtype=np.int8)  # 0 single, 1 own numbers, 2 toevoeging, 3 huisletter
    many = pand_size > 1
    r = rng.random(n_pand)
    pmode[many] = np.where(r[many] < 0.4, 1, np.where((r[many] < 0.6) & (pand_size[many] <= 6), 3, 2))
    single_letter = (~many) & (rng.random(n_pand) < 0.02)
    pmode[single_letter] = 3
    step = np.where(pmode == 1, pand_size, 1) + rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], n_pand)
    po = np.argsort(pand_street * 1e6 + px)
    ps = pand_street[po]
    cs = np.cumsum(step[po])
    cs_before = cs - step[po]
    start_num = cs_before - cs_before[_group_start(ps)] + 1
    pand_num = np.empty(n_pand, dtype=np.int64)
    pand_num[po] = start_num
    # odd/even sides in the village: double the numbers for a share of streets
    street_odd_even = rng.random(n_street) < 0.35
    oe = street_odd_even[pand_street]
    pand_num = np.where(oe, pand_num * 2 - 1, pand_num)
    mode_o = pmode[pand_local]
    huisnummer = pand_num[pand_local] + np.where(mode_o == 1, within * np.where(oe[pand_local], 2, 1), 0)
    huisletter = np.where(mode_o == 3, np.where(pand_size[pand_local] > 1, within + 1, 1), 0).astype(np.int8)
    toevoeging = np.where(mode_o == 2, within + 1, 0).astype(np.int16)
    street_o = street_of_pand[pand_local]
    straat = street_name[street_o]

    del r, step, po, ps, cs, cs_before, start_num, oe, mode_o

    # --- postcodes: blocks of 12-25 addresses along a street within a postcode zone
    if huisnummer.max() >= 2**13 or street_o.max() >= 2**20 or toevoeging.max() >= 32:
        raise RuntimeError("adresnummering buiten het verwachte bereik")
    zone = buurten["pc_zone"].to_numpy()[buurt]
    zkey = gem.astype(np.int64) * 10 + zone
    B = rng.integers(12, 26, n_street)
    oo = np.argsort((zkey << 43) | (street_o.astype(np.int64) << 23) | (huisnummer.astype(np.int64) << 10)
                    | (huisletter.astype(np.int64) << 5) | toevoeging)
    so = street_o[oo]
    rank_st = rank_in_group(so)
    blk = rank_st // B[so]
    new = np.ones(n, dtype=bool)
    new[1:] = (so[1:] != so[:-1]) | (blk[1:] != blk[:-1])
    zk = zkey[oo]
    cnew = np.cumsum(new)
    block_in_zone = cnew - cnew[_group_start(zk)]  # 0-based: first block has cnew==start value
    block = np.empty(n, dtype=np.int64)
    block[oo] = block_in_zone
    npairs = len(LETTER_PAIRS)
    if spec is None:
        if block.max() >= npairs:
            raise RuntimeError("te veel postcodeblokken in een zone")
        pc4 = np.where(zone == 1, 2382, 2381) + block // npairs
    else:
        per_gem = np.zeros(G, dtype=np.int64)
        np.maximum.at(per_gem, gem, block // npairs + 1)
        base = 1000 + np.concatenate([[0], np.cumsum(per_gem)[:-1]])
        pc4 = base[gem] + block // npairs
        if pc4.max() > 9999:
            raise RuntimeError("postcodes op")
    pcl = (block % npairs).astype(np.int16)

    del so, rank_st, blk, new, zk, cnew, block_in_zone, zkey, zone

    # --- floor area, build year
    med = np.array([k[4][0] for k in KLASSEN], dtype=float)
    sig = np.array([k[4][1] for k in KLASSEN])
    lo = np.array([k[4][2] for k in KLASSEN])
    hi = np.array([k[4][3] for k in KLASSEN])
    opp = np.exp(np.log(med[klasse]) + sig[klasse] * rng.standard_normal(n))
    opp = np.clip(np.round(opp), lo[klasse], hi[klasse]).astype(np.int32)
    era = rng.uniform(1955, 2016, len(buurten))
    era[bsoort == SOORT_LANDELIJK] = 1935
    era[bsoort == SOORT_BEDRIJVEN] = 1992
    if spec is None:
        era[buurten["statnaam"].str.lower().str.contains("dorpskern").to_numpy()] = 1905
    spread_ = np.where(bsoort == SOORT_LANDELIJK, 35, np.where(bsoort == SOORT_BEDRIJVEN, 15, 9))
    pj = np.round(era[pand_buurt] + spread_[pand_buurt] * rng.standard_normal(n_pand))
    pj = np.clip(pj, 1600, int(labels[0][:4]) - 1)
    years = np.array([int(lb[:4]) for lb in labels] + [int(labels[-1][:4]) + 1])
    pj[pand_new] = years[np.minimum(pand_complete[pand_new], months)]
    pj[(rng.random(n_pand) < 0.003) & ~pand_new] = 1005  # BAG's "unknown"
    bouwjaar = pj[pand_local].astype(np.int16)

    # --- identifiers: serials per gemeente in address order, new objects last
    codes = gemeenten["code"].to_numpy().astype(np.int64)
    io = oo[np.argsort((gem[oo].astype(np.int64) << 16) | appear[oo], kind="stable")]
    g_sorted = gem[io]

    def serials(g_sorted_, start_lo, start_hi, p_gap):
        gaps = np.where(rng.random(len(g_sorted_)) < p_gap, 1, rng.integers(2, 6, len(g_sorted_)))
        cs_ = np.cumsum(gaps)
        s = cs_ - cs_[_group_start(g_sorted_)]
        starts = rng.integers(start_lo, start_hi, G)
        return starts[g_sorted_] + s

    vbo_serial = np.empty(n, dtype=np.int64)
    vbo_serial[io] = serials(g_sorted, 10_000, 40_000, 0.6)
    num_serial = np.empty(n, dtype=np.int64)
    num_serial[io] = serials(g_sorted, 10_000, 40_000, 0.5)
    pio = np.argsort((pand_street << 20) | pand_num)  # streets are numbered in gemeente order
    pand_serial = np.empty(n_pand, dtype=np.int64)
    pand_serial[pio] = serials(bgem[pand_buurt][pio], 100_000, 400_000, 0.7)
    T12 = 10**12
    T10 = 10**10
    vbo_id = codes[gem] * T12 + 1 * T10 + vbo_serial
    num_id = codes[gem] * T12 + 20 * T10 + num_serial
    pand_id = (codes[bgem[pand_buurt]] * T12 + 10 * T10 + pand_serial)[pand_local]

    del io, oo, g_sorted, vbo_serial, num_serial, pio, pand_serial
    bronhouder = codes[gem].copy()
    world = World(
        schaal=schaal, months=months, buurten=buurten, gemeenten=gemeenten,
        gem=gem.astype(np.int32), bronhouder=bronhouder, klasse=klasse.astype(np.int8),
        buurt=buurt, status0=status0, appear=appear, complete=complete,
        oppervlakte=opp, bouwjaar=bouwjaar, pand_id=pand_id, vbo_id=vbo_id, num_id=num_id,
        straat=straat.astype(np.int32), huisnummer=huisnummer.astype(np.int32),
        huisletter=huisletter, toevoeging=toevoeging, pc4=pc4.astype(np.int16), pcl=pcl,
        x=np.round(x, 3), y=np.round(y, 3), woonplaats=gem.astype(np.int32).copy(),
        woonplaats_namen=list(gemeenten["naam"]),
    )
    _add_special_objects(world, rng)
    _sort_by_identificatie(world)
    return world


def _sort_by_identificatie(w: World) -> None:
    """Store objects in the order of their identificatie, so monthly BAG snapshots are
    sequential slices (much faster gathers at national scale)."""
    order = np.argsort(w.vbo_id, kind="stable")
    for name, value in list(vars(w).items()):
        if isinstance(value, np.ndarray) and len(value) == len(order):
            setattr(w, name, value[order])
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    w.special = {k: inverse[v] for k, v in w.special.items()}


def _add_special_objects(w: World, rng) -> None:
    """Objects that test the gemeente selection on bronhouder_identificatie.

    - one ordinary woning of the first gemeente gets an identificatie (and hoofdadres id)
      with another gemeente's code as prefix but keeps its bronhouder: it must be kept;
    - at gemeente scale, six objects of Leiden (bronhouder 0546) just north of the border:
      they must be counted and left out.
    """
    T12, T10 = 10**12, 10**10
    cand = np.flatnonzero((w.gem == 0) & (w.klasse == K["eengezins"]) & (w.status0 == ST_IN_GEBRUIK)
                          & (w.appear == 0))
    i = int(cand[rng.integers(0, len(cand))])
    other = 547 if w.schaal == "gemeente" else int(w.gemeenten["code"].iloc[min(1, len(w.gemeenten) - 1)])
    w.vbo_id[i] = other * T12 + 1 * T10 + 9_000_000_000 + rng.integers(0, 99_999)
    w.num_id[i] = other * T12 + 20 * T10 + 9_000_000_000 + rng.integers(0, 99_999)
    w.special["ander_prefix"] = i
    if w.schaal != "gemeente":
        w.special["andere_bronhouder"] = np.array([], dtype=np.int64)
        return
    k = 6
    n0 = w.n
    leiden = len(w.woonplaats_namen)
    w.woonplaats_namen.append("Leiden")
    straat = np.full(k, int(rng.integers(0, len(STREET_NAMES))))
    new = dict(
        gem=np.full(k, -1, np.int32), bronhouder=np.full(k, 546, np.int64),
        klasse=np.full(k, K["eengezins"], np.int8), buurt=np.full(k, -1, np.int32),
        status0=np.zeros(k, np.int8), appear=np.zeros(k, np.int32), complete=np.full(k, 10_000, np.int32),
        oppervlakte=rng.integers(70, 160, k).astype(np.int32), bouwjaar=rng.integers(1960, 2010, k).astype(np.int16),
        pand_id=546 * T12 + 10 * T10 + 500_000 + np.arange(k) * 3, vbo_id=546 * T12 + 1 * T10 + 120_000 + np.arange(k) * 2,
        num_id=546 * T12 + 20 * T10 + 130_000 + np.arange(k) * 2, straat=straat.astype(np.int32),
        huisnummer=(2 * np.arange(k) + 1).astype(np.int32), huisletter=np.zeros(k, np.int8),
        toevoeging=np.zeros(k, np.int16), pc4=np.full(k, 2321, np.int16), pcl=np.full(k, 40, np.int16),
        x=np.round(rng.uniform(93_000, 94_000, k), 3), y=np.round(rng.uniform(463_000, 463_600, k), 3),
        woonplaats=np.full(k, leiden, np.int32),
    )
    for name, arr in new.items():
        setattr(w, name, np.concatenate([getattr(w, name), arr.astype(getattr(w, name).dtype)]))
    w.special["andere_bronhouder"] = np.arange(n0, n0 + k)
