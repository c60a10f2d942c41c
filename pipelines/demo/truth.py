"""Ground truth of the demo data, computed from the files as written.

Reads the inbox files of one month back (as strings, like the pipeline receives them) and
applies the contracts' definitions with pandas: gemeente selection on bronhouder,
CBS dwelling stock, BRP/RNI to hoofdadres, KvK by verblijfsobject_id or normalised address,
active establishments, SBI categories by longest prefix, administrative vacancy. Also the
indicator values of a set of objects, to state which indicators a planted case triggers.
This is an independent reference implementation for tests, not the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from assets.settings import CONFIG_DIR

SBI_CONFIG = CONFIG_DIR / "sbi_risico.csv"
WONING_STATUSES = {"Verblijfsobject in gebruik", "Verblijfsobject in gebruik (niet ingemeten)",
                   "Verblijfsobject buiten gebruik"}
INDICATOREN = [
    "laag_m2_per_ingeschrevene", "bewoning_zonder_woonfunctie", "hoge_mutatiegraad", "vertrokken_onbekend",
    "administratieve_leegstand", "veel_briefadressen", "risicosector_op_woonadres", "uitzendbureau_op_woonadres",
    "veel_vestigingen_op_woonadres", "rni_verblijfsadres", "geverifieerd_signaal",
]


def read_csv_table(path: Path, columns: list[str] | None = None, types: dict | None = None) -> pa.Table:
    """A ;-separated CSV with every column as string (empty -> null) unless typed in `types`."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(";")
    column_types = {c: pa.string() for c in header}
    column_types.update(types or {})
    return pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(delimiter=";"),
        convert_options=pacsv.ConvertOptions(column_types=column_types, strings_can_be_null=True,
                                             null_values=[""], include_columns=columns),
    )


BAG_COLUMNS = ["identificatie", "nummeraanduiding_hoofdadres_identificatie", "huisnummer", "huisletter",
               "toevoeging", "postcode", "gebruiksdoel", "oppervlakte", "status", "bronhouder_identificatie"]
_FEW_VALUES = ["huisletter", "toevoeging", "gebruiksdoel", "status", "bronhouder_identificatie"]


def read_bag(path: Path) -> pa.Table:
    """The BAG columns the truth needs; from Parquet, low-cardinality text stays dictionary-encoded."""
    if path.suffix == ".parquet":
        return pq.read_table(path, columns=BAG_COLUMNS, read_dictionary=_FEW_VALUES)
    return read_csv_table(path, columns=BAG_COLUMNS)


def _plain(arr) -> pa.Array:
    """A (chunked, possibly dictionary-encoded) array as one plain array."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr


def _on_values(arr, fn) -> np.ndarray:
    """fn(string array) -> boolean array, evaluated on the distinct values of dictionary
    columns and on every value otherwise; missing -> False."""
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 0:
            return np.zeros(0, dtype=bool)
        return np.concatenate([_on_values(c, fn) for c in arr.chunks])
    if pa.types.is_dictionary(arr.type):
        d = _bool(fn(arr.dictionary))
        if len(d) == 0:
            return np.zeros(len(arr), dtype=bool)
        idx = pc.fill_null(arr.indices, -1).to_numpy().astype(np.int64)
        return np.where(idx >= 0, d[np.maximum(idx, 0)], False)
    return _bool(fn(arr))


def _strings(arr) -> pa.Array:
    arr = _plain(arr)
    return arr.cast(pa.string()) if not pa.types.is_string(arr.type) else arr


def _ints(arr, fill: int = -1) -> np.ndarray:
    """Digit strings or integers -> int64 (missing -> fill)."""
    return np.asarray(pc.fill_null(pc.cast(arr, pa.int64()), fill).to_numpy())


def _bool(arr) -> np.ndarray:
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def _isin(arr, values) -> np.ndarray:
    vs = pa.array(list(values), pa.string())
    return _on_values(arr, lambda a: pc.is_in(a, value_set=vs))


class _Lookup:
    """Position of each query id in `keys` (-1 if absent), by binary search (no hash table)."""

    def __init__(self, keys: np.ndarray):
        self.n = len(keys)
        if self.n and not np.all(keys[1:] >= keys[:-1]):
            self.order = np.argsort(keys, kind="stable")
            self.sorted = keys[self.order]
        else:
            self.order = None
            self.sorted = keys

    def get_indexer(self, q: np.ndarray) -> np.ndarray:
        if self.n == 0:
            return np.full(len(q), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.sorted, q), self.n - 1)
        hit = (self.sorted[pos] == q) & (q >= 0)
        idx = pos if self.order is None else self.order[pos]
        return np.where(hit, idx, -1).astype(np.int64)


def _norm_postcode(arr):
    return pc.replace_substring(pc.utf8_upper(pc.fill_null(_strings(arr), "")), " ", "")


def load_sbi_config(path: Path = SBI_CONFIG) -> pd.DataFrame:
    cfg = pd.read_csv(path, dtype=str, keep_default_na=False)
    return cfg[cfg["actief"] == "J"].reset_index(drop=True)


def sbi_soort(codes, cfg: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(soort, categorie) per SBI code by the longest matching prefix ('' when none)."""
    c = pc.replace_substring(pc.fill_null(pa.array(codes) if not isinstance(codes, (pa.Array, pa.ChunkedArray))
                                          else codes, ""), ".", "")
    n = len(c)
    best_len = np.zeros(n, dtype=int)
    soort = np.full(n, "", dtype=object)
    cat = np.full(n, "", dtype=object)
    first2 = pc.fill_null(pc.cast(pc.if_else(pc.greater_equal(pc.utf8_length(c), 2),
                                             pc.utf8_slice_codeunits(c, 0, 2), pa.scalar(None, pa.string())),
                                  pa.int64()), -1).to_numpy()
    for _, r in cfg.iterrows():
        p = r["sbi2008_prefix"].strip()
        if "-" in p:
            lo, hi = (int(v) for v in p.split("-"))
            match = (first2 >= lo) & (first2 <= hi)
            length = 2
        else:
            digits = p.replace(".", "")
            match = _bool(pc.starts_with(c, digits))
            length = len(digits)
        better = match & (length > best_len)
        best_len[better] = length
        soort[better] = r["soort"]
        cat[better] = r["categorie"]
    return soort, cat


def norm_address(postcode, huisnummer, huisletter, toevoeging) -> pa.Array:
    """Normalised address key as the KvK address match uses it: postcode upper without spaces, huisnummer,
    huisletter upper (a single letter in the toevoeging counts as huisletter when the
    huisletter is empty), toevoeging upper without spaces and leading '-'."""
    p = _norm_postcode(postcode)
    nr = pc.cast(pc.cast(_plain(huisnummer), pa.int64()), pa.string())
    let = pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(_strings(huisletter), "")))
    toe = pc.fill_null(_strings(toevoeging), "")
    single = pc.and_(pc.equal(let, ""), pc.match_substring_regex(toe, r"^\s*[A-Za-z]\s*$"))
    let = pc.if_else(single, pc.utf8_upper(pc.utf8_trim_whitespace(toe)), let)
    toe = pc.if_else(single, "", toe)
    toe = pc.utf8_ltrim(pc.replace_substring(pc.utf8_upper(toe), " ", ""), characters="-")
    return pc.binary_join_element_wise(p, nr, let, toe, "|")


class MonthTruth:
    """Figures and per-object facts of one month, from the written files."""

    def __init__(self, files: dict[str, Path], label: str, gemeenten: set[str] | None, cfg: pd.DataFrame,
                 keep_vbo: np.ndarray | None = None):
        self.label = label
        peil = (pd.Timestamp(label + "-01") + pd.offsets.MonthEnd(0)).date()
        bag = read_bag(files["bag"])
        f: dict = {}
        f["bag_rijen"] = bag.num_rows
        if gemeenten:
            sel = _isin(bag["bronhouder_identificatie"], gemeenten)
            f["bag_andere_gemeente"] = int((~sel).sum())
            bag = bag.filter(pa.array(sel))
        else:
            f["bag_andere_gemeente"] = 0
        f["bag_objecten"] = bag.num_rows
        n = bag.num_rows
        vbo = _ints(bag["identificatie"])
        num = _ints(bag["nummeraanduiding_hoofdadres_identificatie"])
        woonfunctie = _on_values(bag["gebruiksdoel"],
                                 lambda a: pc.match_substring_regex(a, r"(^|,)\s*woonfunctie\s*(,|$)"))
        woning = woonfunctie & _isin(bag["status"], WONING_STATUSES)
        f["woningvoorraad"] = int(woning.sum())
        opp = _ints(bag["oppervlakte"], 0)
        bag = bag.select(["postcode", "huisnummer", "huisletter", "toevoeging"])  # for address matching
        num_index = _Lookup(num)
        vbo_index = _Lookup(vbo)

        # BRP
        counts = ["ingeschrevenen", "briefadressen", "inschrijvingen", "uitschrijvingen", "vertrokken_onbekend"]
        brp = read_csv_table(files["brp"], columns=["nummeraanduiding_id"] + counts,
                             types={c: pa.int64() for c in counts})
        bi = num_index.get_indexer(_ints(brp["nummeraanduiding_id"]))
        ok = bi >= 0
        f["brp_rijen"] = brp.num_rows
        f["brp_quarantaine"] = int((~ok).sum())
        cnt = {}
        for col in counts:
            v = _ints(brp[col], 0)
            cnt[col] = np.bincount(bi[ok], weights=v[ok], minlength=n).astype(np.int32)
        f["ingeschrevenen"] = int(cnt["ingeschrevenen"].sum())
        f["briefadressen"] = int(cnt["briefadressen"].sum())
        del brp, bi, ok, v

        # KvK
        kvk = read_csv_table(files["kvk"], columns=[
            "sbi_code", "huisnummer", "huisletter", "huisnummer_toevoeging", "postcode", "verblijfsobject_id",
            "datum_aanvang", "datum_einde"], types={"datum_aanvang": pa.date32(), "datum_einde": pa.date32()})
        f["kvk_rijen"] = kvk.num_rows
        has_id = _bool(pc.is_valid(kvk["verblijfsobject_id"]))
        f["kvk_rijen_zonder_bag_id"] = int((~has_id).sum())
        ki = vbo_index.get_indexer(_ints(kvk["verblijfsobject_id"]))
        ki[~has_id] = -1
        no = ~has_id
        if no.any():
            sub = kvk.filter(pa.array(no))
            kk = norm_address(sub["postcode"], sub["huisnummer"], sub["huisletter"], sub["huisnummer_toevoeging"])
            pcs = pc.unique(_norm_postcode(sub["postcode"]))
            cand = np.flatnonzero(_bool(pc.is_in(_norm_postcode(bag["postcode"]), value_set=pcs)))
            bsub = bag.take(pa.array(cand))
            bk = norm_address(bsub["postcode"], bsub["huisnummer"], bsub["huisletter"], bsub["toevoeging"])
            vc = pc.value_counts(bk)
            dup = vc.field("values").filter(pc.greater(vc.field("counts"), 1))
            hit = pc.fill_null(pc.index_in(kk, value_set=bk), -1).to_numpy()
            ambiguous = _bool(pc.is_in(kk, value_set=dup))
            ki[no] = np.where((hit >= 0) & ~ambiguous, cand[np.maximum(hit, 0)], -1)
        f["kvk_adresmatch_zonder_bag_id"] = int(((ki >= 0) & no).sum())
        f["kvk_ongematcht"] = int((ki < 0).sum())
        aanv, einde = kvk["datum_aanvang"], kvk["datum_einde"]
        p_ = pa.scalar(peil, pa.date32())
        active = _bool(pc.and_(pc.less_equal(aanv, p_), pc.or_(pc.is_null(einde), pc.fill_null(pc.greater(einde, p_), False))))
        soort, cat = sbi_soort(kvk["sbi_code"], cfg)
        am = active & (ki >= 0)
        f["risicosector_vestigingen"] = int((am & (soort == "risicosector")).sum())
        f["uitzendbureaus"] = int((am & (soort == "uitzendbureau")).sum())
        f["arbeidsbemiddeling"] = int((am & (soort == "arbeidsbemiddeling")).sum())
        cats = pd.Series(cat[am & (soort == "risicosector")]).value_counts()
        f["risicosector_per_categorie"] = {str(k): int(v) for k, v in sorted(cats.items())}
        n_active = np.bincount(ki[am], minlength=n)
        n_risk = np.bincount(ki[am & (soort == "risicosector")], minlength=n)
        n_uitz = np.bincount(ki[am & np.isin(soort, ["uitzendbureau", "arbeidsbemiddeling"])], minlength=n)
        del kvk, bag, aanv, einde, soort, cat, am, ki

        # WOZ (latest file at or before the month)
        woz_use = np.zeros(n, dtype=bool)
        if files.get("woz") is not None:
            woz = read_csv_table(files["woz"])
            wi = vbo_index.get_indexer(_ints(woz["verblijfsobject_id"]))
            use = _isin(woz["gebruik"], ["eigenaar", "huurder"]) & (wi >= 0)
            woz_use[wi[use]] = True
            del woz, wi, use
        vacant = woning & (cnt["ingeschrevenen"] == 0) & (n_active == 0) & ~woz_use
        f["leegstand"] = int(vacant.sum())
        f["leegstand_pct"] = round(100.0 * f["leegstand"] / max(f["woningvoorraad"], 1), 2)

        # RNI
        rni = read_csv_table(files["rni"])
        ins = _ints(rni["inschrijvingen"], 0)
        has = _bool(pc.is_valid(rni["nummeraanduiding_id"]))
        ri = num_index.get_indexer(_ints(rni["nummeraanduiding_id"]))
        ri[~has] = -1
        f["rni_rijen"] = rni.num_rows
        f["rni_inschrijvingen"] = int(ins.sum())
        f["rni_zonder_adres"] = int(ins[~has].sum())
        f["rni_quarantaine"] = int((has & (ri < 0)).sum())
        rni_obj = np.bincount(ri[ri >= 0], weights=ins[ri >= 0], minlength=n).astype(np.int64)

        # signalen, controles
        sig = read_csv_table(files["signalen"])
        si = num_index.get_indexer(_ints(sig["nummeraanduiding_id"]))
        ver = _bool(pc.equal(sig["geverifieerd"], "J"))
        f["signalen"] = sig.num_rows
        f["signalen_geverifieerd"] = int(ver.sum())
        f["signalen_quarantaine"] = int((si < 0).sum())
        sig_ver = np.bincount(si[(si >= 0) & ver], minlength=n)
        ctl = read_csv_table(files["controles"])
        f["controles"] = ctl.num_rows
        f["controles_met_bevinding"] = int((~_isin(ctl["uitkomst"], ["geen bijzonderheden", "geen toegang"])).sum())
        f["controles_quarantaine"] = int((num_index.get_indexer(_ints(ctl["nummeraanduiding_id"])) < 0).sum())
        self.figures = f

        keep = np.ones(n, dtype=bool) if keep_vbo is None else np.isin(vbo, keep_vbo)
        self.objects = pd.DataFrame({
            "verblijfsobject_id": vbo[keep], "woning": woning[keep], "woonfunctie": woonfunctie[keep],
            "oppervlakte": opp[keep], **{k: v[keep] for k, v in cnt.items()},
            "vestigingen": n_active[keep], "risicosector": n_risk[keep], "uitzend": n_uitz[keep],
            "leeg": vacant[keep], "rni": rni_obj[keep], "signaal_geverifieerd": sig_ver[keep],
        }).set_index("verblijfsobject_id")


def indicators_at(history: list[pd.DataFrame], months_index: int) -> pd.DataFrame:
    """Boolean indicator table per object at month `months_index` of a contiguous series.

    `history` holds MonthTruth.objects for consecutive months (same object set allowed to
    change; objects absent in a month count as zero there)."""
    cur = history[months_index]
    idx = cur.index

    def window(col: str, months: int) -> pd.Series:
        lo = max(0, months_index - months + 1)
        parts = [h[col].reindex(idx, fill_value=0) for h in history[lo:months_index + 1]]
        return sum(parts)

    def consecutive_vacant() -> pd.Series:
        run = pd.Series(0, index=idx)
        alive = pd.Series(True, index=idx)
        for h in reversed(history[:months_index + 1]):
            v = h["leeg"].reindex(idx, fill_value=False).astype(bool) & alive
            run += v.astype(int)
            alive = v
        return run

    ing = cur["ingeschrevenen"]
    out = pd.DataFrame(index=idx)
    out["laag_m2_per_ingeschrevene"] = (ing > 0) & (cur["oppervlakte"] >= 6) & (cur["oppervlakte"] / ing.clip(lower=1) < 12)
    out["bewoning_zonder_woonfunctie"] = (ing > 0) & ~cur["woonfunctie"]
    mut = window("inschrijvingen", 12) + window("uitschrijvingen", 12)
    out["hoge_mutatiegraad"] = mut / ing.clip(lower=1) >= 3
    out["vertrokken_onbekend"] = window("vertrokken_onbekend", 24) >= 2
    out["administratieve_leegstand"] = consecutive_vacant() >= 3
    out["veel_briefadressen"] = cur["briefadressen"] >= 3
    out["risicosector_op_woonadres"] = cur["woning"] & (cur["risicosector"] > 0)
    out["uitzendbureau_op_woonadres"] = cur["woning"] & (cur["uitzend"] > 0)
    out["veel_vestigingen_op_woonadres"] = cur["woning"] & (cur["vestigingen"] >= 4)
    out["rni_verblijfsadres"] = window("rni", 12) >= 2
    out["geverifieerd_signaal"] = window("signaal_geverifieerd", 12) > 0
    return out[INDICATOREN]
