"""Monthly registers for the demo data: BRP counts, RNI, KvK, WOZ, signalen, controles.

`Simulator` holds the evolving state of the demo world (residents per address, the pool of
establishments with start and end dates, the planted cases) and produces one month at a
time as pyarrow tables in exactly the columns of the input contracts (data_contracts/*.yaml). Vectorised with numpy: loops
only over months, sectors, planted-case kinds and a few pools.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.demo import world as dw
from pipelines.demo.world import K, World, choose_in_groups

# ----------------------------------------------------------------------------- constants

P_LEAVE = 0.0042  # whole household leaves a dwelling, per month
Q_FAST, Q_SLOW, Q_NEW = 0.60, 0.025, 0.45  # chance per month that a vacant dwelling is let
P_SLOW, P_LOCKED = 0.10, 0.033  # slow-letting dwellings; structurally vacant dwellings
P_PLUS, P_MINUS = 0.0080, 0.0086  # one person more / less in an occupied dwelling
P_VOW = 0.02  # share of deregistrations "vertrokken onbekend waarheen"
HH_SIZES = np.array([1, 2, 3, 4, 5, 6])
HH_P = np.array([0.27, 0.33, 0.15, 0.17, 0.06, 0.02])
RNI_BASE = 16.5  # per Zoeterwoude-sized unit per month; planted stay addresses add ~4.5

# Planted cases: soort, cases per gemeente, object pool, parameters.
#   c: ingeschrevenen range, churn: mean in+out movers per month, vow: VOW share,
#   brief: briefadressen range, opp: floor area override (None = keep)
PLANTED = [
    ("overbewoning", 4, "woning", dict(c=(6, 9), churn=1.6, vow=0.25, brief=(0, 0), opp=(38, 50))),
    ("bewoning_zonder_woonfunctie", 3, "industrie", dict(c=(5, 12), churn=1.8, vow=0.4, brief=(0, 1), opp=None)),
    ("hoge_mutatiegraad", 3, "woning", dict(c=(4, 7), churn=6.0, vow=0.3, brief=(0, 1), opp=(70, 105))),
    ("verborgen_bewoning", 3, "woning", dict(c=(0, 0), churn=0.0, vow=0.0, brief=(0, 0), opp=None)),
    ("veel_vestigingen", 2, "woning", dict(c=(1, 2), churn=0.1, vow=0.0, brief=(0, 1), opp=None)),
    ("uitzendbureau_huisvesting", 2, "woning", dict(c=(8, 10), churn=2.0, vow=0.3, brief=(0, 0), opp=(58, 78))),
    ("veel_briefadressen", 2, "woning", dict(c=(1, 1), churn=0.1, vow=0.0, brief=(4, 12), opp=None)),
]
SOORTEN = [p[0] for p in PLANTED]
BEOOGDE_INDICATOREN = {
    "overbewoning": ["laag_m2_per_ingeschrevene", "vertrokken_onbekend"],
    "bewoning_zonder_woonfunctie": ["bewoning_zonder_woonfunctie", "vertrokken_onbekend"],
    "hoge_mutatiegraad": ["hoge_mutatiegraad", "vertrokken_onbekend", "rni_verblijfsadres"],
    "verborgen_bewoning": ["administratieve_leegstand", "rni_verblijfsadres", "geverifieerd_signaal"],
    "veel_vestigingen": ["veel_vestigingen_op_woonadres", "risicosector_op_woonadres"],
    "uitzendbureau_huisvesting": ["uitzendbureau_op_woonadres", "laag_m2_per_ingeschrevene", "vertrokken_onbekend"],
    "veel_briefadressen": ["veel_briefadressen", "risicosector_op_woonadres", "geverifieerd_signaal"],
}

# KvK sectors: name, SBI codes (hoofdactiviteit), active establishments per Zoeterwoude-sized
# unit at the start, location pools with weights, median werkzame personen.
SECTOREN = [
    ("bouw", ["4120", "4211", "4221", "4311", "4312", "4321", "43221", "43222", "4329", "4331", "4332",
              "4333", "4334", "4339", "4391", "4399"], 116, {"woning": 0.55, "industrie": 0.35, "kantoor": 0.10}, 2),
    ("handel", ["4511", "4520", "4617", "4631", "4669", "4711", "4719", "4721", "4729", "4752", "4778", "4791"],
     52, {"winkel": 0.5, "industrie": 0.3, "woning": 0.2}, 4),
    ("landbouw", ["0111", "01131", "0119", "01411", "0142", "0145", "0150", "0161", "0162"], 40,
     {"boerderij": 0.85, "industrie": 0.15}, 2),
    ("industrie", ["1011", "1013", "1071", "1089", "1105", "1610", "2511", "2562", "2812", "3109", "3311"], 22,
     {"industrie": 0.9, "woning": 0.1}, 15),
    ("vervoer", ["4941", "4942", "5210", "5229", "5320"], 21, {"industrie": 0.55, "woning": 0.45}, 4),
    ("horeca", ["5510", "5520", "5610", "56101", "5621", "5630"], 19, {"horeca": 0.85, "woning": 0.15}, 6),
    ("beauty", ["96021", "96022", "9604"], 15, {"woning": 0.6, "winkel": 0.4}, 1),
    ("huishoudelijk", ["9700"], 2, {"woning": 1.0}, 1),
    ("zakelijk", ["6201", "6202", "6209", "6910", "6920", "7022", "7111", "7112", "7311", "7410", "7420",
                  "6820", "6831", "9001", "9003", "7490"], 520, {"woning": 0.7, "kantoor": 0.3}, 1),
    ("schoonmaak", ["8121", "8122", "8130"], 25, {"woning": 0.6, "industrie": 0.4}, 2),
    ("zorg", ["8621", "8622", "8623", "8690", "8891"], 30, {"zorg": 0.7, "kantoor": 0.2, "woning": 0.1}, 5),
    ("onderwijs_sport", ["8551", "8552", "8559", "9311", "9312", "9313"], 35,
     {"onderwijs": 0.2, "sport": 0.4, "woning": 0.4}, 2),
    ("overig", ["9499", "9412", "9491", "6619", "6499"], 30, {"kantoor": 0.6, "woning": 0.4}, 2),
    ("uitzendbureau", ["7820"], 8, {"kantoor": 0.7, "industrie": 0.3}, 4),
    ("arbeidsbemiddeling", ["7810"], 2, {"kantoor": 1.0}, 2),
]
SECTOR_NAMEN = [s[0] for s in SECTOREN]
S = {name: i for i, name in enumerate(SECTOR_NAMEN)}
P_END = 0.009  # establishments ending per month (not the uitzendbureaus and arbeidsbemiddeling)
P_START = 0.0105  # new establishments per month, as share of the active stock
PLANTED_SBI_MIX = ["4120", "4399", "4941", "8121", "5610", "4719", "7022", "96022", "43222"]

SIGNAAL_BRON = np.array(["melding", "wijkagent", "boa", "partner", "RIEC"], dtype=object)
SIGNAAL_BRON_P = [0.35, 0.25, 0.2, 0.12, 0.08]
SIGNAAL_SOORT = np.array(["arbeidsuitbuiting", "seksuele uitbuiting", "criminele uitbuiting", "overig"], dtype=object)
SIGNAAL_SOORT_P = [0.5, 0.15, 0.1, 0.25]
AANLEIDING = np.array(["risicolijst", "signaal", "steekproef"], dtype=object)
UITKOMST = np.array(["geen bijzonderheden", "overbewoning", "signalen uitbuiting", "andere overtreding",
                     "geen toegang"], dtype=object)
UITKOMST_P_GEPLANT = np.array([0.14, 0.38, 0.2, 0.14, 0.14])
UITKOMST_P_VERBORGEN = np.array([0.2, 0.3, 0.25, 0.0, 0.25])
UITKOMST_P_GEWOON = np.array([0.80, 0.03, 0.01, 0.06, 0.10])

T12, T10 = 10**12, 10**10


# ----------------------------------------------------------------------------- helpers


def last_day(label: str) -> dt.date:
    y, m = int(label[:4]), int(label[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def first_day(label: str) -> dt.date:
    return dt.date(int(label[:4]), int(label[5:7]), 1)


def ids16(values: np.ndarray) -> pa.Array:
    """16-digit identifiers as zero-padded strings."""
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width=16, padding="0")


def lpad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width=width, padding="0")


def dict_array(indices: np.ndarray, dictionary, mask: np.ndarray | None = None, fmt=str) -> pa.DictionaryArray:
    """Dictionary-encoded strings: dictionary[indices] (null where mask)."""
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32(), mask=mask),
                                          pa.array([fmt(v) for v in dictionary], pa.string()))


def dict_strings(indices: np.ndarray, dictionary, mask: np.ndarray | None = None) -> pa.Array:
    return dict_array(indices, dictionary, mask).cast(pa.string())


def days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def date_array(day_numbers: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(day_numbers.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())


def postcode_strings(pc4: np.ndarray, pcl: np.ndarray) -> pa.Array:
    """'2381AB' from the 4-digit number and the index of the letter pair."""
    return pc.binary_join_element_wise(pc.cast(pa.array(pc4.astype(np.int64)), pa.string()),
                                       dict_strings(pcl, dw.LETTER_PAIRS), "")


def hh_size(rng, opp: np.ndarray) -> np.ndarray:
    size = rng.choice(HH_SIZES, size=len(opp), p=HH_P)
    cap = np.maximum(1, opp // 14)
    return np.minimum(size, cap).astype(np.int32)


@dataclass
class PlantedCases:
    soort: np.ndarray  # index into SOORTEN
    obj: np.ndarray  # object index
    a: np.ndarray  # first month index
    b: np.ndarray  # last month index
    c_lo: np.ndarray
    c_hi: np.ndarray
    churn: np.ndarray
    vow: np.ndarray
    b_lo: np.ndarray
    b_hi: np.ndarray
    nr: np.ndarray  # case number within its gemeente and soort

    def __len__(self) -> int:
        return len(self.obj)


# ----------------------------------------------------------------------------- simulator


class Simulator:
    def __init__(self, world: World, labels: list[str], seed: int):
        self.w = world
        self.labels = labels
        self.M = len(labels)
        self.rng = np.random.default_rng([seed, 2])
        w = world
        n = w.n
        self.scale_g = w.gemeenten["n_objects"].to_numpy() / dw.OBJECTS_PER_SET
        self.G = len(w.gemeenten)
        rng = self.rng
        self.woon = w.woonfunctie & (w.gem >= 0)
        self.locked = self.woon & ((rng.random(n) < P_LOCKED) | (w.status0 == dw.ST_BUITEN_GEBRUIK))
        self.slow = rng.random(n) < P_SLOW
        self._select_planted()
        self.locked[self.planted_mask] = False
        self.locked[self.pl.obj[self.pl.soort == SOORTEN.index("verborgen_bewoning")]] = True
        self.locked[w.special["ander_prefix"]] = False
        self._initial_brp()
        self._build_establishments()
        self.bag_order = np.argsort(world.vbo_id, kind="stable")
        self._schedule_signals()
        self.prev_signal_obj = np.array([], dtype=np.int64)

    # ------------------------------------------------------------------ planted cases
    def _select_planted(self):
        w, rng = self.w, self.rng
        n = w.n
        st0 = w.status0
        base_ok = (w.gem >= 0) & (w.appear == 0) & (st0 == dw.ST_IN_GEBRUIK)
        base_ok[w.special["ander_prefix"]] = False
        pools = {
            "woning": base_ok & np.isin(w.klasse, [K["eengezins"], K["appartement"]]),
            "industrie": base_ok & (w.klasse == K["industrie"]) & (w.oppervlakte >= 150),
        }
        bsoort = w.buurten["soort"].to_numpy()
        taken = np.zeros(n, dtype=bool)
        rows = []
        for si, (soort, k, pool, par) in enumerate(PLANTED):
            elig = np.flatnonzero(pools[pool] & ~taken)
            # thin out large gemeenten first (about 60 candidates each), then shuffle per gemeente
            cnt = np.bincount(w.gem[elig], minlength=self.G)
            elig = elig[rng.random(len(elig)) < np.minimum(1.0, 60.0 / np.maximum(cnt[w.gem[elig]], 1))]
            key = rng.random(len(elig))
            if pool == "industrie":  # prefer the business parks
                key = key + (bsoort[w.buurt[elig]] != dw.SOORT_BEDRIJVEN)
            order = np.lexsort((key, w.gem[elig]))
            e = elig[order]
            r = dw.rank_in_group(w.gem[e])
            chosen = e[r < k]
            nr = r[r < k]
            taken[chosen] = True
            a = np.zeros(len(chosen), dtype=np.int32)
            b = np.full(len(chosen), self.M - 1, dtype=np.int32)
            if soort == "overbewoning" and self.M >= 6:
                a[nr == 3] = self.M // 2  # a case that starts half-way the series
            if soort == "hoge_mutatiegraad" and self.M >= 8:
                b[nr == 2] = self.M - 4  # a case that ends after a control
            if par["opp"] is not None:
                w.oppervlakte[chosen] = rng.integers(par["opp"][0], par["opp"][1] + 1, len(chosen))
            m_ = len(chosen)
            rows.append(dict(
                soort=np.full(m_, si), obj=chosen, a=a, b=b,
                c_lo=np.full(m_, par["c"][0]), c_hi=np.full(m_, par["c"][1]),
                churn=np.full(m_, par["churn"]), vow=np.full(m_, par["vow"]),
                b_lo=np.full(m_, par["brief"][0]), b_hi=np.full(m_, par["brief"][1]), nr=nr))
        cat = {key: np.concatenate([r[key] for r in rows]) for key in rows[0]}
        order = np.lexsort((cat["nr"], cat["soort"], w.gem[cat["obj"]]))
        self.pl = PlantedCases(**{key: v[order] for key, v in cat.items()})
        self.planted_mask = np.zeros(n, dtype=bool)
        self.planted_mask[self.pl.obj] = True

    # ------------------------------------------------------------------ BRP state
    def _initial_brp(self):
        w, rng = self.w, self.rng
        n = w.n
        st = w.status_at(0)
        self.c = np.zeros(n, dtype=np.int32)
        self.brief = np.zeros(n, dtype=np.int32)
        hab = self.woon & w.present_at(0) & np.isin(st, dw.HABITABLE_STATUSES) & ~self.locked
        q = np.where(self.slow, Q_SLOW, Q_FAST)
        p_vac = P_LEAVE / (P_LEAVE + q)
        occ = hab & (rng.random(n) >= p_vac)
        occ[w.special["ander_prefix"]] = True
        self.c[occ] = hh_size(rng, w.oppervlakte[occ])
        # people registered at a few ordinary non-residential objects (bedrijfswoning, B&B owner)
        nonres = (w.gem >= 0) & ~w.woonfunctie & np.isin(
            w.klasse, [K["industrie"], K["kantoor"], K["winkel"], K["overig"], K["logies"]]) & (
            w.status0 == dw.ST_IN_GEBRUIK) & ~self.planted_mask & (w.oppervlakte >= 30)
        p_nr = np.where(w.klasse == K["logies"], 0.06, 0.004)
        self.nonres_res = nonres & (rng.random(n) < p_nr)
        self.c[self.nonres_res] = rng.integers(1, 3, self.nonres_res.sum())
        # briefadressen: about 0.5 % of occupied dwellings
        hasb = occ & (rng.random(n) < 0.005)
        self.brief[hasb] = np.where(rng.random(hasb.sum()) < 0.1, 2, 1)
        # planted cases that start at month 0 start at their planted level
        pl = self.pl
        start0 = pl.a == 0
        self.c[pl.obj[start0]] = rng.integers(pl.c_lo[start0], pl.c_hi[start0] + 1)
        self.brief[pl.obj[start0]] = rng.integers(pl.b_lo[start0], pl.b_hi[start0] + 1)
        # BRP rows whose address is not in the BAG (withdrawn addresses): quarantine
        nq = np.maximum(1, np.round(4 * self.scale_g)).astype(int)
        qg = np.repeat(np.arange(self.G), nq)
        codes = self.w.gemeenten["code"].to_numpy().astype(np.int64)
        self.q_num = codes[qg] * T12 + 20 * T10 + 8_000_000_000 + rng.integers(0, 999_999, len(qg)) * 7
        self.q_num = np.unique(self.q_num)
        self.q_c = rng.integers(1, 4, len(self.q_num)).astype(np.int32)

    def _brp_step(self, m: int):
        w, rng = self.w, self.rng
        n = w.n
        pl = self.pl
        st = w.status_at(m)
        present = w.present_at(m)
        ins = np.zeros(n, dtype=np.int32)
        uit = np.zeros(n, dtype=np.int32)
        vow = np.zeros(n, dtype=np.int32)
        override = np.zeros(n, dtype=bool)
        inwin = (pl.a <= m) & (m <= pl.b)
        ending = m == pl.b + 1
        override[pl.obj[inwin | ending]] = True
        override[pl.obj[pl.soort == SOORTEN.index("verborgen_bewoning")]] = True
        hab = self.woon & present & np.isin(st, dw.HABITABLE_STATUSES) & ~self.locked & ~override
        c = self.c
        if m > 0:
            # whole households leave
            u1 = rng.random(n)
            leave = hab & (c > 0) & (u1 < P_LEAVE)
            leave[w.special["ander_prefix"]] = False
            uit[leave] += c[leave]
            c[leave] = 0
            # one person more or less
            u2 = rng.random(n)
            occ = hab & (c > 0) & ~leave
            roomy = (w.oppervlakte / (c + 1) >= 13) | (rng.random(n) < 0.02)
            plus = occ & (u2 < P_PLUS) & roomy
            minus = occ & (c >= 2) & (u2 >= 1 - P_MINUS)
            c += plus
            ins += plus
            c -= minus
            uit += minus
            # vacant dwellings are let
            newly = (w.status0 == dw.ST_GEVORMD) & (w.complete <= m)
            q = np.where(newly, Q_NEW, np.where(self.slow, Q_SLOW, Q_FAST))
            fill = hab & (c == 0) & ~leave & (rng.random(n) < q)
            size = hh_size(rng, w.oppervlakte[fill])
            c[fill] = size
            ins[fill] += size
            vow = rng.binomial(uit, P_VOW).astype(np.int32)
            # briefadressen come and go
            b_end = (self.brief > 0) & ~override & (rng.random(n) < 0.04)
            self.brief[b_end] = 0
            b_new = hab & (c > 0) & (self.brief == 0) & (rng.random(n) < 0.0002)
            self.brief[b_new] = 1
        # planted cases
        if inwin.any():
            o = pl.obj[inwin]
            cp = c[o]
            lo, hi = pl.c_lo[inwin], pl.c_hi[inwin]
            first = (pl.a[inwin] == m) | (cp == 0)
            walk = np.clip(cp + rng.integers(-1, 2, len(o)), lo, hi)
            target = np.where(first, rng.integers(lo, hi + 1), walk)
            if m == 0:
                target = np.where(pl.a[inwin] == 0, cp, target)
            k = rng.poisson(pl.churn[inwin])
            wants_vow = pl.vow[inwin] > 0
            k = np.where(first & wants_vow, np.maximum(k, 2), k)
            pi = k + np.maximum(0, target - cp)
            pu = k + np.maximum(0, cp - target)
            pv = rng.binomial(pu, pl.vow[inwin])
            pv = np.where(first & wants_vow, np.maximum(pv, np.minimum(2, pu)), pv)
            c[o] = target
            ins[o] = pi
            uit[o] = pu
            vow[o] = pv
            blo, bhi = pl.b_lo[inwin], pl.b_hi[inwin]
            bp = self.brief[o]
            self.brief[o] = np.where(first, rng.integers(blo, bhi + 1),
                                     np.clip(bp + rng.integers(-1, 2, len(o)), blo, bhi))
        if ending.any():
            o = pl.obj[ending]
            uit[o] = c[o]
            ins[o] = 0
            vow[o] = rng.binomial(c[o], 0.4)
            c[o] = 0
            self.brief[o] = 0
        if m == 0:
            ins[:] = 0
            uit[:] = 0
            vow[:] = 0
            # a first month has movements too: draw them around the initial state
            mv = (c > 0) & ~override & (rng.random(n) < 0.012)
            ins[mv] = 1
            mv2 = (c > 1) & ~override & ~mv & (rng.random(n) < 0.012)
            uit[mv2] = 1
            vow[mv2] = (rng.random(mv2.sum()) < P_VOW).astype(np.int32)
            if inwin.any():
                o = pl.obj[inwin]
                k = rng.poisson(pl.churn[inwin])
                wants_vow = pl.vow[inwin] > 0
                k = np.where(wants_vow, np.maximum(k, 2), k)
                ins[o] = k
                uit[o] = k
                vow[o] = np.where(wants_vow, np.maximum(rng.binomial(k, pl.vow[inwin]), np.minimum(2, k)), 0)
        self.ins, self.uit, self.vow = ins, uit, vow

    def brp_table(self, m: int) -> pa.Table:
        w = self.w
        keep = (self.c > 0) | (self.brief > 0) | (self.ins > 0) | (self.uit > 0)
        keep &= w.present_at(m) & (w.gem >= 0)
        idx = np.flatnonzero(keep)
        num = np.concatenate([w.num_id[idx], self.q_num])
        cols = [np.concatenate([a[idx], b]) for a, b in (
            (self.c, self.q_c), (self.brief, np.zeros_like(self.q_c)), (self.ins, np.zeros_like(self.q_c)),
            (self.uit, np.zeros_like(self.q_c)), (self.vow, np.zeros_like(self.q_c)))]
        order = np.argsort(num, kind="stable")
        p = days(last_day(self.labels[m]))
        return pa.table({
            "nummeraanduiding_id": ids16(num[order]),
            "peildatum": date_array(np.full(len(num), p)),
            "ingeschrevenen": pa.array(cols[0][order], pa.int32()),
            "briefadressen": pa.array(cols[1][order], pa.int32()),
            "inschrijvingen": pa.array(cols[2][order], pa.int32()),
            "uitschrijvingen": pa.array(cols[3][order], pa.int32()),
            "vertrokken_onbekend": pa.array(cols[4][order], pa.int32()),
        })

    # ------------------------------------------------------------------ BAG
    def bag_table(self, m: int, xy_decimal: bool) -> pa.Table:
        """BAG snapshot of month m, sorted by identificatie. Text columns with few distinct
        values stay dictionary-encoded (plain strings in the file) unless written as CSV."""
        w = self.w
        o = self.bag_order[w.present_at(m)[self.bag_order]]
        st = w.status_at(m)[o]
        txt = (lambda a: a.cast(pa.string())) if xy_decimal else (lambda a: a)
        toev = w.toevoeging[o]
        hl = w.huisletter[o]
        cols = {
            "identificatie": ids16(w.vbo_id[o]),
            "nummeraanduiding_hoofdadres_identificatie": ids16(w.num_id[o]),
            "openbare_ruimte_naam": txt(dict_array(w.straat[o], dw.STREET_NAMES)),
            "woonplaats_naam": txt(dict_array(w.woonplaats[o], w.woonplaats_namen)),
            "huisnummer": pa.array(w.huisnummer[o], pa.int32()),
            "huisletter": txt(dict_array(hl, dw.LETTERS, mask=hl == 0)),
            "toevoeging": txt(dict_array(toev, [str(i) for i in range(int(toev.max(initial=0)) + 1)], mask=toev == 0)),
            "postcode": postcode_strings(w.pc4[o], w.pcl[o]),
            "gebruiksdoel": txt(dict_array(w.klasse[o], dw.GEBRUIKSDOEL)),
            "oppervlakte": pa.array(w.oppervlakte[o], pa.int32()),
            "status": txt(dict_array(st, dw.STATUSES)),
            "pand_identificatie": ids16(w.pand_id[o]),
            "bouwjaar": pa.array(w.bouwjaar[o].astype(np.int32), pa.int32()),
            "bronhouder_identificatie": txt(dict_array(*np.unique(w.bronhouder[o], return_inverse=True)[::-1],
                                                       fmt=lambda c: f"{c:04d}")),
        }
        if xy_decimal:
            cols["x"] = _decimal3(w.x[o])
            cols["y"] = _decimal3(w.y[o])
        else:
            cols["x"] = pa.array(w.x[o], pa.float64())
            cols["y"] = pa.array(w.y[o], pa.float64())
        return pa.table(cols)

    # ------------------------------------------------------------------ KvK
    def _pools(self) -> dict[str, np.ndarray]:
        w = self.w
        ok = (w.gem >= 0) & (w.appear == 0) & np.isin(w.status0, dw.HABITABLE_STATUSES) & ~self.planted_mask
        ok[w.special["ander_prefix"]] = False
        kl = w.klasse
        def sel(mask):
            idx = np.flatnonzero(ok & mask)
            return idx[np.argsort(w.gem[idx], kind="stable")]
        return {
            "woning": sel(np.isin(kl, [K["eengezins"], K["appartement"], K["boerderij"]])),
            "boerderij": sel(kl == K["boerderij"]),
            "industrie": sel(np.isin(kl, [K["industrie"], K["industrie_kantoor"]])),
            "kantoor": sel(np.isin(kl, [K["kantoor"], K["kantoor_wonen"], K["industrie_kantoor"]])),
            "winkel": sel(np.isin(kl, [K["winkel"], K["winkel_wonen"]])),
            "horeca": sel(np.isin(kl, [K["bijeenkomst"], K["logies"], K["winkel"]])),
            "zorg": sel(kl == K["gezondheidszorg"]),
            "onderwijs": sel(kl == K["onderwijs"]),
            "sport": sel(kl == K["sport"]),
        }

    def _place(self, pools, pool_names: np.ndarray, gem: np.ndarray) -> np.ndarray:
        """One object per establishment from the named pool within its gemeente."""
        rng = self.rng
        obj = np.full(len(gem), -1, dtype=np.int64)
        for name, items in pools.items():
            sel = np.flatnonzero(pool_names == name)
            if len(sel) == 0 or len(items) == 0:
                continue
            pick = choose_in_groups(rng, self.w.gem[items], np.ones(len(items)), self.G, gem[sel])
            obj[sel] = np.where(pick >= 0, items[np.maximum(pick, 0)], -1)
        # a gemeente without such an object: fall back to a dwelling
        miss = np.flatnonzero(obj < 0)
        if len(miss):
            items = pools["woning"]
            pick = choose_in_groups(rng, self.w.gem[items], np.ones(len(items)), self.G, gem[miss])
            obj[miss] = items[np.maximum(pick, 0)]
        return obj

    def _build_establishments(self):
        w, rng, G, M = self.w, self.rng, self.G, self.M
        start = first_day(self.labels[0])
        d0 = days(start)
        month_first = np.array([days(first_day(lb)) for lb in self.labels])
        month_last = np.array([days(last_day(lb)) for lb in self.labels])
        pools = self._pools()
        parts = []  # dicts of arrays
        for si, (name, codes, per_unit, locs, wp_med) in enumerate(SECTOREN):
            exp_active = per_unit * self.scale_g
            n0 = np.round(exp_active).astype(int) if self.G == 1 else rng.poisson(exp_active)
            # active at the start
            gem0 = np.repeat(np.arange(G), n0)
            aanv0 = d0 - np.minimum(rng.exponential(9 * 365, len(gem0)).astype(int) + 1, d0 - days(dt.date(1965, 1, 1)))
            # new ones during the series
            if name in ("uitzendbureau", "arbeidsbemiddeling"):
                gem_new = np.array([], dtype=np.int64)
                aanv_new = np.array([], dtype=np.int64)
                m_new = np.array([], dtype=np.int64)
            else:
                cnt = rng.poisson(np.broadcast_to(exp_active * P_START, (M - 1, G)))
                mm, gg = np.nonzero(cnt)
                reps = cnt[mm, gg]
                m_new = np.repeat(mm + 1, reps)
                gem_new = np.repeat(gg, reps)
                span = month_last[m_new] - month_first[m_new] + 1
                aanv_new = month_first[m_new] + (rng.random(len(m_new)) * span).astype(int)
            # stale: ended before the series but still listed in the extract
            n_stale = rng.binomial(n0, 0.03)
            if name == "uitzendbureau":
                n_stale = np.maximum(n_stale, 1)
            gem_st = np.repeat(np.arange(G), n_stale)
            einde_st = d0 - rng.integers(30, 3 * 365, len(gem_st))
            aanv_st = einde_st - rng.integers(200, 15 * 365, len(gem_st))
            gem_all = np.concatenate([gem0, gem_new, gem_st])
            aanv = np.concatenate([aanv0, aanv_new, aanv_st])
            start_m = np.concatenate([np.zeros(len(gem0), int), m_new, np.zeros(len(gem_st), int)])
            stale = np.concatenate([np.zeros(len(gem0) + len(gem_new), bool), np.ones(len(gem_st), bool)])
            einde = np.full(len(gem_all), -1, dtype=np.int64)
            einde[stale] = einde_st
            if name not in ("uitzendbureau", "arbeidsbemiddeling"):
                life = rng.geometric(P_END, len(gem_all))  # months until the end
                end_m = start_m + life - (start_m == 0)  # existing ones can end in month 0
                ends = ~stale & (end_m < M)
                em = end_m[ends]
                lo_ = np.maximum(month_first[em], aanv[ends] + 1)
                span = np.maximum(month_last[em] - lo_ + 1, 1)
                einde[ends] = np.minimum(lo_ + (rng.random(ends.sum()) * span).astype(int), month_last[em])
            loc_names = np.array(list(locs), dtype=object)
            loc_p = np.array(list(locs.values()))
            pool_of = loc_names[rng.choice(len(loc_names), size=len(gem_all), p=loc_p / loc_p.sum())]
            obj = self._place(pools, pool_of, gem_all)
            sbi = np.array(codes, dtype=object)[rng.integers(0, len(codes), len(gem_all))]
            parts.append(dict(gem=gem_all, obj=obj, aanv=aanv, einde=einde, stale=stale, sbi=sbi,
                              sector=np.full(len(gem_all), si), wp_med=np.full(len(gem_all), wp_med),
                              planted=np.zeros(len(gem_all), bool)))
        parts.append(self._planted_establishments(d0))
        e = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        ne = len(e["gem"])
        # identifiers
        vest = 10**8 + np.cumsum(rng.integers(1, 30_000, ne))
        e["vestigingsnummer"] = rng.permutation(vest)
        hoofd = rng.random(ne) < 0.88
        kvk_j = 1_000_000 + np.cumsum(rng.integers(1, 35, ne))
        kvk_n = rng.integers(1_000_000, 99_999_999, ne)
        e["kvk_nummer"] = np.where(hoofd, rng.permutation(kvk_j), kvk_n)
        e["hoofd"] = hoofd
        # neven activities
        all_codes = np.array(sorted({c for s in SECTOREN for c in s[1]}), dtype=object)
        nn = np.where(rng.random(ne) < 0.15, rng.integers(1, 3, ne), 0)
        c1 = all_codes[rng.integers(0, len(all_codes), ne)]
        c2 = all_codes[rng.integers(0, len(all_codes), ne)]
        neven = np.where(nn == 0, None, np.where(nn == 1, c1, c1 + "|" + c2))
        neven = np.where((nn == 2) & (c1 == c2), c1, neven)
        e["neven"] = neven
        # werkzame personen: lognormal around the sector median, 1 at a dwelling mostly
        obj = e["obj"]
        at_home = np.isin(w.klasse[obj], [K["eengezins"], K["appartement"], K["boerderij"]])
        wp = np.maximum(1, np.round(e["wp_med"] * rng.lognormal(0, 0.8, ne))).astype(np.int64)
        wp = np.where(at_home, np.minimum(wp, rng.integers(1, 3, ne)), wp)
        e["wp"] = wp
        e["wp_missing"] = rng.random(ne) < 0.08
        order = np.argsort(e["vestigingsnummer"], kind="stable")
        e = {k: v[order] for k, v in e.items()}
        self._address_variants(e)
        self.est = e
        self._build_static_kvk_columns()

    def _planted_establishments(self, d0: int) -> dict:
        rng, pl = self.rng, self.pl
        gem, obj, sbi, planted = [], [], [], []
        for soort in ["veel_vestigingen", "uitzendbureau_huisvesting", "veel_briefadressen",
                      "bewoning_zonder_woonfunctie"]:
            sel = np.flatnonzero(pl.soort == SOORTEN.index(soort))
            o = pl.obj[sel]
            if soort == "veel_vestigingen":
                k = rng.integers(5, 9, len(o))
                oo = np.repeat(o, k)
                r = dw.rank_in_group(np.repeat(np.arange(len(o)), k))
                mix = np.array(PLANTED_SBI_MIX, dtype=object)
                # the first three are always in risk sectors (bouw, bouw, vervoer)
                codes = np.where(r < 3, mix[np.minimum(r, 2)], mix[rng.integers(3, len(mix), len(oo))])
            elif soort == "uitzendbureau_huisvesting":
                oo, codes = o, np.full(len(o), "7820", dtype=object)
            elif soort == "veel_briefadressen":
                oo, codes = o, np.array(["4399", "4941"], dtype=object)[np.arange(len(o)) % 2]
            else:
                oo, codes = o, np.array(["4120", "4941", "1013"], dtype=object)[np.arange(len(o)) % 3]
            obj.append(oo)
            sbi.append(codes)
            gem.append(self.w.gem[oo])
        obj = np.concatenate(obj)
        gem = np.concatenate(gem).astype(np.int64)
        sbi = np.concatenate(sbi)
        ne = len(obj)
        return dict(gem=gem, obj=obj, aanv=d0 - rng.integers(60, 5 * 365, ne), einde=np.full(ne, -1, np.int64),
                    stale=np.zeros(ne, bool), sbi=sbi, sector=np.full(ne, -1), wp_med=np.full(ne, 2),
                    planted=np.ones(ne, bool))

    def _address_variants(self, e: dict) -> None:
        """Address columns as the KvK writes them; ~9 % without verblijfsobject_id.

        Variants in those rows: postcode with a space or in lower case, huisletter in lower
        case or in huisnummer_toevoeging, toevoeging '-1' for '1', and a few addresses that
        do not exist in the BAG (unmatchable)."""
        w, rng = self.w, self.rng
        obj = e["obj"]
        ne = len(obj)
        has_letter = w.huisletter[obj] > 0
        has_toev = w.toevoeging[obj] > 0
        no_id = rng.random(ne) < np.where(e["planted"], 0.3, np.where(has_letter, 0.25, 0.09))
        huisnr = w.huisnummer[obj].astype(np.int64)
        # 0 as in BAG, 1 postcode with space, 2 postcode lower case, 3 both, 4 huisletter lower
        # case, 5 huisletter in huisnummer_toevoeging, 6 toevoeging '-1', 7 no such address
        v_letter = np.array([0, 4, 5, 1])[rng.choice(4, ne, p=[0.2, 0.35, 0.35, 0.1])]
        v_toev = np.array([0, 6, 1, 2])[rng.choice(4, ne, p=[0.3, 0.5, 0.1, 0.1])]
        v_plain = np.array([0, 1, 2, 3, 7])[rng.choice(5, ne, p=[0.35, 0.25, 0.2, 0.1, 0.1])]
        v = np.where(has_letter, v_letter, np.where(has_toev, v_toev, v_plain))
        v = np.where(no_id, v, 0)
        # planted establishments and temp agencies always have an address that exists
        protected = e["planted"] | np.isin(e["sector"], [S["uitzendbureau"], S["arbeidsbemiddeling"]])
        v = np.where((v == 7) & protected, 1, v)
        # the variants are written as strings only for the (few) rows without id
        vi = np.flatnonzero(v > 0)
        ov = obj[vi]
        pc4 = np.char.zfill(w.pc4[ov].astype(str), 4).astype(object)
        pcl = dw.LETTER_PAIRS[w.pcl[ov]]
        letter = dw.LETTERS[w.huisletter[ov]]
        toev = np.where(w.toevoeging[ov] > 0, w.toevoeging[ov].astype(str), "").astype(object)
        vv = v[vi]
        postcode = pc4 + pcl
        postcode = np.where(vv == 1, pc4 + " " + pcl, postcode)
        postcode = np.where(vv == 2, pc4 + np.char.lower(pcl.astype(str)).astype(object), postcode)
        postcode = np.where(vv == 3, pc4 + " " + np.char.lower(pcl.astype(str)).astype(object), postcode)
        letter_out = np.where(vv == 4, np.char.lower(letter.astype(str)).astype(object), letter)
        letter_out = np.where(vv == 5, "", letter_out)
        toev_out = np.where(vv == 5, letter, toev)
        toev_out = np.where(vv == 6, "-" + toev, toev_out)
        huisnr[vi] = np.where(vv == 7, huisnr[vi] + 1000, huisnr[vi])  # no such number in the BAG
        e["variant_rows"] = vi
        e["no_id"] = no_id
        e["variant"] = v
        e["variant_postcode"] = postcode
        e["variant_letter"] = letter_out
        e["variant_toev"] = toev_out
        e["huisnr"] = huisnr

    def _build_static_kvk_columns(self):
        e, w = self.est, self.w
        obj = e["obj"]
        vi = e["variant_rows"]
        hl = w.huisletter[obj]
        tv = w.toevoeging[obj]
        self.kvk_static = {
            "vestigingsnummer": lpad(e["vestigingsnummer"], 12),
            "kvk_nummer": lpad(e["kvk_nummer"], 8),
            "sbi_code": pa.array(e["sbi"], pa.string()),
            "sbi_codes_neven": pa.array(e["neven"], pa.string()),
            "straatnaam": dict_strings(w.straat[obj], dw.STREET_NAMES),
            "plaats": dict_strings(w.woonplaats[obj], w.woonplaats_namen),
            "huisnummer": pa.array(e["huisnr"], pa.int32()),
            "huisletter": _overlay(dict_strings(hl, dw.LETTERS, mask=hl == 0), vi, e["variant_letter"]),
            "huisnummer_toevoeging": _overlay(
                pc.cast(pa.array(tv.astype(np.int64), pa.int64(), mask=tv == 0), pa.string()), vi, e["variant_toev"]),
            "postcode": _overlay(postcode_strings(w.pc4[obj], w.pcl[obj]), vi, e["variant_postcode"]),
            "verblijfsobject_id": pc.if_else(pa.array(e["no_id"]), pa.scalar(None, pa.string()), ids16(w.vbo_id[obj])),
            "werkzame_personen": pa.array(e["wp"], pa.int32(), mask=e["wp_missing"]),
            "datum_aanvang": date_array(e["aanv"]),
        }

    def kvk_table(self, m: int) -> pa.Table:
        e = self.est
        P = days(last_day(self.labels[m]))
        einde = e["einde"]
        ended = (einde >= 0) & (einde <= P)
        listed = (e["aanv"] <= P) & (~ended | e["stale"] | (einde > P - 62))
        cols = dict(self.kvk_static)
        cols["datum_einde"] = date_array(np.where(ended, einde, 0), mask=~ended)
        cols["ind_hoofdvestiging"] = pa.array(np.where(e["hoofd"], "J", "N").astype(object), pa.string())
        return pa.table(cols).filter(pa.array(listed))

    # ------------------------------------------------------------------ WOZ
    def woz_table(self, m: int) -> pa.Table:
        w, rng = self.w, self.rng
        st = w.status_at(m)
        exists = w.present_at(m) & (w.gem >= 0) & ~np.isin(st, [5, 6, 7])
        idx = self.bag_order[exists[self.bag_order]]  # sorted by identificatie
        u = rng.random(len(idx))
        woon = w.woonfunctie[idx]
        occ = self.c[idx] > 0
        g = np.where(woon & occ, np.where(u < 0.62, 1, 2),
                     np.where(woon, np.where(u < 0.85, 0, 1), np.where(u < 0.55, 1, np.where(u < 0.9, 2, 0))))
        g = np.where(st[idx] == dw.ST_GEVORMD, 0, g)
        verborgen = self.pl.obj[self.pl.soort == SOORTEN.index("verborgen_bewoning")]
        g[np.isin(idx, verborgen)] = 0
        return pa.table({
            "verblijfsobject_id": ids16(w.vbo_id[idx]),
            "gebruik": dict_strings(g, ["geen", "eigenaar", "huurder"]),
        })

    # ------------------------------------------------------------------ RNI
    def rni_table(self, m: int) -> pa.Table:
        w, rng, G = self.w, self.rng, self.G
        codes = w.gemeenten["code"].to_numpy().astype(np.int64)
        n_g = rng.poisson(RNI_BASE * self.scale_g)
        gem = np.repeat(np.arange(G), n_g)
        kind = rng.choice(3, size=len(gem), p=[0.58, 0.38, 0.04])  # empty, address, unknown address
        st = w.status_at(m)
        pool = np.flatnonzero((w.gem >= 0) & w.present_at(m) & ~self.planted_mask & np.isin(st, dw.HABITABLE_STATUSES)
                              & (w.woonfunctie | (w.klasse == K["industrie"])))
        pool = pool[np.argsort(w.gem[pool], kind="stable")]
        ai = np.flatnonzero(kind == 1)
        pick = choose_in_groups(rng, w.gem[pool], np.ones(len(pool)), G, gem[ai])
        addr = w.num_id[pool[pick]]
        qi = np.flatnonzero(kind == 2)
        bad = codes[gem[qi]] * T12 + 20 * T10 + 8_500_000_000 + rng.integers(0, 99_999, len(qi)) * 3
        leiden = w.special.get("andere_bronhouder", np.array([], np.int64))
        if len(leiden) and len(qi):
            use = rng.random(len(qi)) < 0.5
            bad = np.where(use, w.num_id[leiden[rng.integers(0, len(leiden), len(qi))]], bad)
        # planted hidden occupation: stay addresses of RNI registrants
        vb = self.pl.soort == SOORTEN.index("verborgen_bewoning")
        o = self.pl.obj[vb]
        k = np.where(m == 0, 2, rng.poisson(0.9, len(o)))
        # and some registrants at the high-turnover addresses
        hm = self.pl.soort == SOORTEN.index("hoge_mutatiegraad")
        inwin = hm & (self.pl.a <= m) & (m <= self.pl.b)
        o2 = self.pl.obj[inwin]
        k2 = np.where(m == self.pl.a[inwin], 2, rng.poisson(0.6, len(o2)))
        planted_addr = np.concatenate([np.repeat(w.num_id[o], k), np.repeat(w.num_id[o2], k2)])
        all_addr = np.concatenate([addr, bad, planted_addr])
        u, cnt = np.unique(all_addr, return_counts=True)
        ei = np.flatnonzero(kind == 0)
        batch = gem[ei] * 4 + rng.integers(0, 3, len(ei))  # registered in a few batches
        bu, bc = np.unique(batch, return_counts=True)
        order_ids = ids16(u)
        lab = self.labels[m]
        ids = pa.concat_arrays([pa.nulls(len(bu), pa.string()), order_ids])
        cnts = np.concatenate([bc, cnt]).astype(np.int32)
        return pa.table({
            "maand": pa.array([lab] * (len(bu) + len(u)), pa.string()),
            "nummeraanduiding_id": ids,
            "inschrijvingen": pa.array(cnts, pa.int32()),
        })

    # ------------------------------------------------------------------ signalen, controles
    def _schedule_signals(self):
        """Signals at planted addresses: verified ones mostly there."""
        rng, pl, M = self.rng, self.pl, self.M
        vb = pl.soort == SOORTEN.index("verborgen_bewoning")
        sched_m, sched_o, sched_v = [], [], []
        # hidden occupation: one verified signal within the last 9 months, an earlier one if the
        # series is long, and unverified ones now and then
        s1 = np.maximum(0, M - 1 - rng.integers(0, min(M, 9), vb.sum()))
        sched_m.append(s1); sched_o.append(pl.obj[vb]); sched_v.append(np.ones(vb.sum(), bool))
        if M > 12:
            s0 = rng.integers(0, M - 12, vb.sum())
            sched_m.append(s0); sched_o.append(pl.obj[vb]); sched_v.append(rng.random(vb.sum()) < 0.5)
        # other planted cases: a signal in ~12 % of their months, mostly verified
        for m in range(M):
            inwin = (pl.a <= m) & (m <= pl.b) & ~vb & (rng.random(len(pl)) < 0.12)
            sched_m.append(np.full(inwin.sum(), m)); sched_o.append(pl.obj[inwin])
            sched_v.append(rng.random(inwin.sum()) < 0.65)
        # a verified signal in the last 6 months of the veel_briefadressen cases
        vba = pl.soort == SOORTEN.index("veel_briefadressen")
        sched_m.append(np.maximum(pl.a[vba], pl.b[vba] - rng.integers(0, 6, vba.sum())))
        sched_o.append(pl.obj[vba]); sched_v.append(np.ones(vba.sum(), bool))
        self.sig_m = np.concatenate(sched_m)
        self.sig_o = np.concatenate(sched_o)
        self.sig_v = np.concatenate(sched_v)

    def signalen_table(self, m: int) -> pa.Table:
        w, rng, G = self.w, self.rng, self.G
        lab = self.labels[m]
        f, lday = days(first_day(lab)), days(last_day(lab))
        n_g = rng.poisson(2.5 * self.scale_g)
        gem = np.repeat(np.arange(G), n_g)
        pool = np.flatnonzero((w.gem >= 0) & w.present_at(m) & w.woonfunctie & ~self.planted_mask)
        pool = pool[np.argsort(w.gem[pool], kind="stable")]
        pick = choose_in_groups(rng, w.gem[pool], np.ones(len(pool)), G, gem)
        o = np.concatenate([pool[pick], self.sig_o[self.sig_m == m]])
        ver = np.concatenate([rng.random(len(gem)) < 0.12, self.sig_v[self.sig_m == m]])
        k = len(o)
        datum = f + (rng.random(k) * (lday - f + 1)).astype(int)
        order = np.lexsort((w.num_id[o], datum))
        o, ver, datum = o[order], ver[order], datum[order]
        self.prev_signal_obj = o
        ids = [f"SIG-{lab[:4]}{lab[5:]}-{i + 1:05d}" for i in range(k)]
        return pa.table({
            "signaal_id": pa.array(ids, pa.string()),
            "datum": date_array(datum),
            "nummeraanduiding_id": ids16(w.num_id[o]),
            "bron": pa.array(SIGNAAL_BRON[rng.choice(5, k, p=SIGNAAL_BRON_P)], pa.string()),
            "soort": pa.array(SIGNAAL_SOORT[rng.choice(4, k, p=SIGNAAL_SOORT_P)], pa.string()),
            "geverifieerd": pa.array(np.where(ver, "J", "N").astype(object), pa.string()),
        })

    def controles_table(self, m: int, signal_obj_prev: np.ndarray) -> pa.Table:
        w, rng, G, pl = self.w, self.rng, self.G, self.pl
        lab = self.labels[m]
        f, lday = days(first_day(lab)), days(last_day(lab))
        if G == 1:
            n_g = np.array([rng.integers(8, 16)])
        else:
            n_g = rng.poisson(11.5 * self.scale_g)
        # planted cases on the risk list now and then (always in the last month of a case
        # that ends: the control that ended it)
        inwin = (pl.a <= m) & (m <= pl.b)
        pick_pl = inwin & ((rng.random(len(pl)) < 0.10) | ((pl.b == m) & (pl.b < self.M - 1)))
        o_pl = pl.obj[pick_pl]
        # signals of the previous month and this month
        o_sig = np.unique(signal_obj_prev)
        o_sig = o_sig[rng.random(len(o_sig)) < 0.6]
        # ordinary objects that look risky: many residents, vacant dwellings, people in
        # non-residential objects, risk-sector establishments at home
        st = w.status_at(m)
        woning = w.woonfunctie & np.isin(st, dw.STOCK_STATUSES) & w.present_at(m) & (w.gem >= 0)
        risky = (woning & ((self.c >= 5) | (self.c == 0))) | (self.nonres_res & (self.c > 0))
        risky &= ~self.planted_mask
        rpool = np.flatnonzero(risky)
        rpool = rpool[np.argsort(w.gem[rpool], kind="stable")]
        spool = np.flatnonzero(woning & ~self.planted_mask)
        spool = spool[np.argsort(w.gem[spool], kind="stable")]
        n_rest = np.maximum(0, n_g - np.bincount(w.gem[o_pl], minlength=G) - np.bincount(w.gem[o_sig], minlength=G))
        gem_rest = np.repeat(np.arange(G), n_rest)
        is_risk = rng.random(len(gem_rest)) < 0.55
        o_r = rpool[choose_in_groups(rng, w.gem[rpool], np.ones(len(rpool)), G, gem_rest[is_risk])]
        o_s = spool[choose_in_groups(rng, w.gem[spool], np.ones(len(spool)), G, gem_rest[~is_risk])]
        o = np.concatenate([o_pl, o_sig, o_r, o_s])
        aanl = np.concatenate([np.zeros(len(o_pl), int), np.ones(len(o_sig), int),
                               np.zeros(len(o_r), int), np.full(len(o_s), 2)])
        _, first = np.unique(o, return_index=True)
        first = np.sort(first)
        o, aanl = o[first], aanl[first]
        k = len(o)
        planted = self.planted_mask[o]
        verborgen = np.isin(o, pl.obj[pl.soort == SOORTEN.index("verborgen_bewoning")])
        u = rng.random(k)
        cum_g = np.cumsum(UITKOMST_P_GEPLANT)
        cum_v = np.cumsum(UITKOMST_P_VERBORGEN)
        cum_o = np.cumsum(UITKOMST_P_GEWOON)
        uitk = np.where(verborgen, np.searchsorted(cum_v, u * cum_v[-1], side="right"),
                        np.where(planted, np.searchsorted(cum_g, u * cum_g[-1], side="right"),
                                 np.searchsorted(cum_o, u * cum_o[-1], side="right")))
        ending = np.isin(o, pl.obj[(pl.b == m) & (pl.b < self.M - 1)])
        uitk = np.where(ending, 1, np.minimum(uitk, 4))
        datum = f + (rng.random(k) * (lday - f + 1)).astype(int)
        order = np.lexsort((w.num_id[o], datum))
        o, aanl, uitk, datum = o[order], aanl[order], uitk[order], datum[order]
        ids = [f"CTL-{lab[:4]}{lab[5:]}-{i + 1:05d}" for i in range(k)]
        return pa.table({
            "controle_id": pa.array(ids, pa.string()),
            "datum": date_array(datum),
            "nummeraanduiding_id": ids16(w.num_id[o]),
            "aanleiding": pa.array(AANLEIDING[aanl], pa.string()),
            "uitkomst": pa.array(UITKOMST[uitk], pa.string()),
        })

    # ------------------------------------------------------------------ one month
    def month(self, m: int, woz: bool, xy_decimal: bool):
        """Advance to month m and yield (bron, table) one at a time, so that a caller can
        write and drop each table before the next is built."""
        self._brp_step(m)
        prev_sig = self.prev_signal_obj
        yield "bag", self.bag_table(m, xy_decimal)
        yield "brp", self.brp_table(m)
        yield "rni", self.rni_table(m)
        yield "kvk", self.kvk_table(m)
        if woz:
            yield "woz", self.woz_table(m)
        yield "signalen", self.signalen_table(m)
        yield "controles", self.controles_table(m, np.concatenate([prev_sig, self.prev_signal_obj]))


def _overlay(base: pa.Array, rows: np.ndarray, values: np.ndarray) -> pa.Array:
    """`base` with the given rows replaced by `values` ('' = missing)."""
    vals = pa.array([None if v == "" else str(v) for v in values], pa.string())
    idx = np.arange(len(base), dtype=np.int64)
    idx[rows] = len(base) + np.arange(len(rows))
    return pa.concat_arrays([base, vals]).take(pa.array(idx))


def _decimal3(values: np.ndarray) -> pa.Array:
    """Coordinates with exactly three decimals (as text in a CSV)."""
    mm = np.round(values * 1000).astype(np.int64)
    s = pc.cast(pa.array(mm), pa.string())
    s = pc.utf8_lpad(s, width=4, padding="0")
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(s, 0, -3), pc.utf8_slice_codeunits(s, -3), ".")
