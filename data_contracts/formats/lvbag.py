"""The Kadaster's LV BAG 2.0 extract (the monthly XML zip) as the canonical BAG table.

The product nests zips: `lvbag-extract-nl.zip` (or a gemeente's `…`-extract) holds
`Leveringsdocument-BAG-Extract.xml`, one inner zip per object type (`9999VBO08102026.zip`,
`…NUM…`, `…OPR…`, `…WPL…`, `…PND…`; a gemeente extract has its code instead of 9999) with the
XML files, and `GEM-WPL-RELATIE-08102026.zip`. GDAL's LVBAG driver reads each inner zip
(`/vsizip/{/vsizip/outer.zip/inner.zip}`) as one layer; the joins are DuckDB SQL.

- **Current voorkomen**: per object the voorkomen valid on the extract's date
  (StandTechnischeDatum): not corrected away (no `eindRegistratie`), begun on or before the
  date, not ended (`eindGeldigheid` empty or later); of several, the highest
  voorkomenidentificatie. An object without such a voorkomen is not current and left out.
- **Address**: the hoofdadres (Nummeraanduiding) gives huisnummer, huisletter, toevoeging and
  postcode; its openbare ruimte the street name; the woonplaats is the nummeraanduiding's own
  (`ligtIn`) when it has one, else its openbare ruimte's.
- **Gemeente (bronhouder)**: the LV BAG carries no bronhouder on a verblijfsobject. The
  extract's own `GEM-WPL-RELATIE` file registers which gemeente each woonplaats belongs to (a
  woonplaats lies in one gemeente; that gemeente is bronhouder of the objects in it). The
  object's `bronhouder_identificatie` is the gemeente related to the woonplaats of its
  hoofdadres on the extract's date. The gemeentecode inside an identifier is never used (it
  stays when an object moves to another gemeente).
- **Nevenadressen**: the object's `nevenadresNummeraanduidingRef` (current voorkomen), as
  `Delivery.nevenadressen` (verblijfsobject_id, nummeraanduiding_id).
- **Pand**: an object in several panden gets the lowest pand identificatie (of its current
  panden) and that pand's oorspronkelijkBouwjaar, as for PDOK's GeoPackage.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import pyarrow as pa

from data_contracts.contract import load_contract
from data_contracts.formats._common import Delivery, canonical_table, check_gemeente_code, month_from_date, refuse
from data_contracts.formats.bag_gpkg import several_panden_warning

FORMAT = "lvbag_extract"
LABEL = "LV BAG 2.0-extract"
INNER = re.compile(r"^(?:.*/)?([0-9]{4})(VBO|NUM|OPR|WPL|PND|LIG|STA)([0-9]{8})\.zip$", re.IGNORECASE)
GWR = re.compile(r"^(?:.*/)?GEM-WPL-RELATIE-([0-9]{8})\.zip$", re.IGNORECASE)
LEVERING = "Leveringsdocument-BAG-Extract.xml"
NEEDED = ("VBO", "NUM", "OPR", "WPL", "PND")
ADVIES = ("Lever het BAG 2.0-extract van het Kadaster ongewijzigd aan (het zip-bestand met per objecttype een zip, "
          "GEM-WPL-RELATIE en het leveringsdocument), of de BAG GeoPackage van PDOK.")

HISTORY = ["voorkomenIdentificatie", "beginGeldigheid", "eindGeldigheid", "eindRegistratie"]
COLUMNS = {
    "VBO": ["identificatie", "hoofdadresNummeraanduidingRef", "nevenadresNummeraanduidingRef", "pandRef", "gebruiksdoel",
            "oppervlakte", "status"],
    "NUM": ["identificatie", "huisnummer", "huisletter", "huisnummerToevoeging", "postcode", "openbareruimteRef",
            "woonplaatsRef"],
    "OPR": ["identificatie", "naam", "woonplaatsRef"],
    "WPL": ["identificatie", "naam"],
    "PND": ["identificatie", "oorspronkelijkBouwjaar", "status"],
}


def _entries(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as z:
            return z.namelist()
    except (OSError, zipfile.BadZipFile):
        return []


def recognise(path: Path) -> bool:
    """A zip with the extract's inner zips per object type (or its leveringsdocument)."""
    path = Path(path)
    if path.suffix.lower() != ".zip":
        return False
    names = _entries(path)
    return any(INNER.match(n) and INNER.match(n).group(2).upper() == "VBO" for n in names) or any(
        n.rsplit("/", 1)[-1] == LEVERING for n in names)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def stand_date(path: Path) -> tuple[date | None, str]:
    """(date, where it comes from): StandTechnischeDatum of the leveringsdocument, else the inner zips' names."""
    with zipfile.ZipFile(path) as z:
        levering = next((n for n in z.namelist() if n.rsplit("/", 1)[-1] == LEVERING), None)
        if levering:
            with z.open(levering) as fh:
                for _, element in ET.iterparse(fh):
                    if _local(element.tag) == "StandTechnischeDatum" and element.text:
                        return date.fromisoformat(element.text.strip()[:10]), (
                            f"StandTechnischeDatum {element.text.strip()} in {LEVERING}")
        for name in z.namelist():
            match = INNER.match(name)
            if match and match.group(2).upper() == "VBO":
                d = match.group(3)
                return date(int(d[4:]), int(d[2:4]), int(d[:2])), f"datum in de naam van {name.rsplit('/', 1)[-1]}"
    return None, "het extract noemt geen datum"


def month_of_delivery(path: Path) -> tuple[str | None, str]:
    """(maand, reden) from the extract itself."""
    stand, reden = stand_date(path)
    if stand is None:
        return None, reden
    return month_from_date(stand.isoformat()), f"datum van het extract zelf ({reden})"


def _date(text: str | None) -> date | None:
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"[0-9]{8}([0-9]{8})?", text):  # BAG 1.0 style 2010100800000000
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    return date.fromisoformat(text[:10])


def gemeente_woonplaats(path: Path, inner: str, stand: date) -> pa.Table:
    """woonplaats -> gemeente relations of GEM-WPL-RELATIE valid on `stand` (Arrow: woonplaats, gemeente, status)."""
    rows = {"woonplaats": [], "gemeente": [], "status": [], "begin": []}
    with zipfile.ZipFile(path) as outer, zipfile.ZipFile(outer.open(inner)) as z:
        for name in z.namelist():
            if not name.lower().endswith(".xml"):
                continue
            with z.open(name) as fh:
                for _, element in ET.iterparse(fh):
                    if _local(element.tag) != "GemeenteWoonplaatsRelatie":
                        continue
                    found = {"begin": None, "eind": None, "woonplaats": None, "gemeente": None, "status": None}
                    for child in element.iter():
                        tag = _local(child.tag)
                        if tag == "begindatumTijdvakGeldigheid":
                            found["begin"] = child.text
                        elif tag == "einddatumTijdvakGeldigheid":
                            found["eind"] = child.text
                        elif tag == "status":
                            found["status"] = (child.text or "").strip()
                        elif tag in ("gerelateerdeWoonplaats", "gerelateerdeGemeente"):
                            ident = next((c.text for c in child.iter() if _local(c.tag) == "identificatie"), None)
                            found["woonplaats" if tag == "gerelateerdeWoonplaats" else "gemeente"] = (ident or "").strip()
                    element.clear()
                    begin, eind = _date(found["begin"]), _date(found["eind"])
                    if (begin is None or begin <= stand) and (eind is None or eind > stand):
                        rows["woonplaats"].append(found["woonplaats"].zfill(4))
                        rows["gemeente"].append(found["gemeente"].zfill(4))
                        rows["status"].append(found["status"])
                        rows["begin"].append(begin)
    return pa.table(rows, schema=pa.schema([("woonplaats", pa.string()), ("gemeente", pa.string()),
                                            ("status", pa.string()), ("begin", pa.date32())]))


def _with_xy(batch: pa.RecordBatch) -> pa.RecordBatch:
    import shapely

    geoms = shapely.from_wkb(batch.column(batch.num_columns - 1).to_numpy(zero_copy_only=False))
    kind = shapely.get_type_id(geoms)
    other = (kind != 0) & ~shapely.is_missing(geoms)
    if other.any():
        geoms[other] = shapely.point_on_surface(geoms[other])
    attrs = batch.select(list(range(batch.num_columns - 1)))
    return pa.RecordBatch.from_arrays(
        list(attrs.columns) + [pa.array(shapely.get_x(geoms)), pa.array(shapely.get_y(geoms))],
        names=attrs.schema.names + ["x", "y"],
    )


def _flat_wkb(wkb: pa.ChunkedArray) -> pa.Array:
    """Footprints in 2D (the extract's panden are 3D polygons with z = 0)."""
    import shapely

    geoms = shapely.force_2d(shapely.from_wkb(wkb.to_numpy(zero_copy_only=False)))
    return pa.array(shapely.to_wkb(geoms), type=pa.binary())


def _load(con, name: str, dataset: str, columns: list[str], stand: date, *, geometry: str | None = None) -> None:
    """Stream one object type into DuckDB table `name`, keeping voorkomens valid on `stand`.

    `geometry`: 'xy' adds x, y (points); 'wkb' keeps the WKB as geometrie_wkb; None reads no geometry.
    """
    from pyogrio.raw import open_arrow

    with open_arrow(dataset, columns=columns + HISTORY, read_geometry=geometry is not None,
                    use_pyarrow=True, batch_size=200_000) as (_, reader):
        if geometry == "xy":
            first = _with_xy(pa.RecordBatch.from_pylist([], schema=reader.schema))
            reader = pa.RecordBatchReader.from_batches(first.schema, (_with_xy(b) for b in reader))
        con.register("lvbag_stream", reader)
        try:
            source = "lvbag_stream"
            if geometry == "wkb":
                geom = reader.schema.names[-1].replace('"', '""')
                source = f'(SELECT * EXCLUDE ("{geom}"), CAST("{geom}" AS BLOB) AS geometrie_wkb FROM lvbag_stream)'
            con.execute(
                f"CREATE TEMP TABLE {name} AS SELECT * EXCLUDE (eindRegistratie, eindGeldigheid) FROM {source} "
                "WHERE eindRegistratie IS NULL AND (beginGeldigheid IS NULL OR beginGeldigheid <= $stand) "
                "AND (eindGeldigheid IS NULL OR eindGeldigheid > $stand) "
                "QUALIFY row_number() OVER (PARTITION BY identificatie ORDER BY voorkomenIdentificatie DESC) = 1",
                {"stand": stand},
            )
        finally:
            con.unregister("lvbag_stream")


SQL_CANONICAL = """
WITH vbo AS (
    SELECT regexp_extract(identificatie, '[0-9]+$') AS identificatie,
           regexp_extract(hoofdadresNummeraanduidingRef, '[0-9]+$') AS num_id,
           list_transform(pandRef, lambda r: regexp_extract(r, '[0-9]+$')) AS pand_ids,
           gebruiksdoel, oppervlakte, status, x, y
    FROM lv_vbo
), num AS (
    SELECT regexp_extract(identificatie, '[0-9]+$') AS identificatie, huisnummer, huisletter,
           huisnummerToevoeging AS toevoeging, postcode,
           regexp_extract(openbareruimteRef, '[0-9]+$') AS opr_id,
           nullif(regexp_extract(woonplaatsRef, '[0-9]+$'), '') AS wpl_id
    FROM lv_num
), opr AS (
    SELECT regexp_extract(identificatie, '[0-9]+$') AS identificatie, naam,
           nullif(regexp_extract(woonplaatsRef, '[0-9]+$'), '') AS wpl_id
    FROM lv_opr
), wpl AS (
    SELECT lpad(regexp_extract(identificatie, '[0-9]+$'), 4, '0') AS identificatie, naam FROM lv_wpl
), pnd AS (
    SELECT regexp_extract(identificatie, '[0-9]+$') AS identificatie, oorspronkelijkBouwjaar AS bouwjaar FROM lv_pnd
), gwr AS (
    SELECT woonplaats, gemeente FROM lv_gwr
    QUALIFY row_number() OVER (PARTITION BY woonplaats ORDER BY status = 'definitief' DESC, begin DESC, gemeente) = 1
), vbo_pand AS (
    SELECT v.identificatie, min(p.identificatie) AS pand, list_sort(list_distinct(list(u.pand_id))) AS alle
    FROM vbo v CROSS JOIN unnest(v.pand_ids) AS u(pand_id)
    LEFT JOIN pnd p ON p.identificatie = u.pand_id
    GROUP BY v.identificatie
), joined AS (
    SELECT v.identificatie,
           v.num_id AS nummeraanduiding_hoofdadres_identificatie,
           o.naam AS openbare_ruimte_naam,
           w.naam AS woonplaats_naam,
           n.huisnummer, n.huisletter, n.toevoeging, n.postcode,
           array_to_string(v.gebruiksdoel, ',') AS gebruiksdoel,
           v.oppervlakte, v.status,
           coalesce(vp.pand, vp.alle[1]) AS pand_identificatie,
           p.bouwjaar,
           g.gemeente AS bronhouder_identificatie,
           v.x, v.y,
           list_filter(vp.alle, lambda a: a IS DISTINCT FROM coalesce(vp.pand, vp.alle[1])) AS andere_panden
    FROM vbo v
    LEFT JOIN num n ON n.identificatie = v.num_id
    LEFT JOIN opr o ON o.identificatie = n.opr_id
    LEFT JOIN wpl w ON w.identificatie = lpad(coalesce(n.wpl_id, o.wpl_id), 4, '0')
    LEFT JOIN gwr g ON g.woonplaats = lpad(coalesce(n.wpl_id, o.wpl_id), 4, '0')
    LEFT JOIN vbo_pand vp ON vp.identificatie = v.identificatie
    LEFT JOIN pnd p ON p.identificatie = coalesce(vp.pand, vp.alle[1])
)
SELECT *, row_number() OVER (ORDER BY identificatie) AS rij FROM joined
"""


def read(path: Path, *, gemeente: str, panden: bool = True) -> Delivery:
    """The gemeente's current verblijfsobjecten of an LV BAG 2.0 extract as the canonical table."""
    import duckdb

    path = Path(path).resolve()
    name = path.name
    gemeente = check_gemeente_code(gemeente)
    contract = load_contract("bag_verblijfsobject")
    names = _entries(path)
    inner: dict[str, str] = {}
    for n in names:
        match = INNER.match(n)
        if match:
            inner.setdefault(match.group(2).upper(), n)
    missing = [k for k in NEEDED if k not in inner]
    if missing:
        raise refuse(name, "BAG 2.0-extract met VBO, NUM, OPR, WPL en PND",
                     f"het extract mist de deelbestanden {', '.join(missing)}", ADVIES)
    gwr_name = next((n for n in names if GWR.match(n)), None)
    if gwr_name is None:
        raise refuse(name, "BAG 2.0-extract met GEM-WPL-RELATIE",
                     "het extract heeft geen GEM-WPL-RELATIE-bestand, zodat niet te bepalen is bij welke gemeente "
                     "(bronhouder) een verblijfsobject hoort", ADVIES)
    stand, stand_reden = stand_date(path)
    if stand is None:
        raise refuse(name, "BAG 2.0-extract met een standdatum", stand_reden, ADVIES)

    con = duckdb.connect()
    try:
        try:
            con.register("lv_gwr", gemeente_woonplaats(path, gwr_name, stand))
            for kind, geometry in (("VBO", "xy"), ("NUM", None), ("OPR", None), ("WPL", None),
                                   ("PND", "wkb" if panden else None)):
                _load(con, f"lv_{kind.lower()}", f"/vsizip/{{/vsizip/{path}/{inner[kind]}}}", COLUMNS[kind], stand,
                      geometry=geometry)
        except Exception as exc:  # noqa: BLE001 - any reader error means the extract is unreadable
            raise refuse(name, "leesbaar BAG 2.0-extract", f"het extract kan niet gelezen worden ({type(exc).__name__}: "
                         f"{str(exc)[:120]})", ADVIES) from None
        con.execute(f"CREATE TEMP TABLE lv_canonical AS {SQL_CANONICAL}")
        counts = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE bronhouder_identificatie IS NULL), "
            "count(*) FILTER (WHERE bronhouder_identificatie = $g) FROM lv_canonical", {"g": gemeente}).fetchall()[0]
        total, unknown, own = (int(c) for c in counts)
        keep = "TRUE" if gemeente == "*" else "bronhouder_identificatie = $g"
        params = {} if gemeente == "*" else {"g": gemeente}
        selected = con.sql(
            f"SELECT * EXCLUDE (rij, andere_panden), row_number() OVER (ORDER BY identificatie) AS rij "
            f"FROM lv_canonical WHERE {keep} ORDER BY identificatie", params=params).to_arrow_table()
        several = con.sql(
            f"SELECT identificatie, pand_identificatie AS gekozen_pand, andere_panden FROM lv_canonical "
            f"WHERE {keep} AND len(andere_panden) > 0 ORDER BY identificatie", params=params).to_arrow_table()
        nevenadressen = con.sql(
            "SELECT DISTINCT v.identificatie AS verblijfsobject_id, v.num_id AS nummeraanduiding_id FROM ("
            "  SELECT regexp_extract(identificatie, '[0-9]+$') AS identificatie, "
            "         unnest(list_transform(nevenadresNummeraanduidingRef, lambda r: regexp_extract(r, '[0-9]+$'))) AS num_id "
            "  FROM lv_vbo) AS v "
            f"WHERE v.num_id <> '' AND v.identificatie IN (SELECT identificatie FROM lv_canonical WHERE {keep}) "
            "ORDER BY 1, 2", params=params).to_arrow_table()
        pand_table = None
        if panden:
            pand_table = con.sql(
                "SELECT regexp_extract(identificatie, '[0-9]+$') AS identificatie, "
                "CAST(oorspronkelijkBouwjaar AS BIGINT) AS bouwjaar, status, geometrie_wkb FROM lv_pnd "
                "WHERE regexp_extract(identificatie, '[0-9]+$') IN ("
                f"  SELECT unnest(list_concat([pand_identificatie], andere_panden)) FROM lv_canonical WHERE {keep}) "
                "ORDER BY 1", params=params).to_arrow_table()
    finally:
        con.close()

    if gemeente != "*" and own == 0:
        raise refuse(name, f"verblijfsobjecten van gemeente {gemeente}",
                     f"geen enkel verblijfsobject ligt volgens GEM-WPL-RELATIE in gemeente {gemeente}",
                     "Controleer of dit het BAG-extract van de juiste gemeente is en of de gemeentecode in de "
                     "instellingen klopt.", kolom="bronhouder_identificatie")
    if pand_table is not None:
        pand_table = pand_table.set_column(3, "geometrie_wkb", _flat_wkb(pand_table.column("geometrie_wkb")))
    delivery = Delivery(
        format=FORMAT, label=LABEL,
        table=canonical_table(selected, contract, "lvbag", selected.column("rij")),
        panden=pand_table,
        nevenadressen=nevenadressen,
    )
    delivery.kengetallen["standdatum"] = stand.isoformat()
    if gemeente != "*":
        other = total - own - unknown
        delivery.kengetallen["andere_gemeente"] = other
        if other:
            delivery.waarschuwingen.append(
                f"{other} verblijfsobject(en) van andere gemeenten (volgens GEM-WPL-RELATIE) zijn niet meegenomen.")
    if unknown:
        delivery.kengetallen["zonder_gemeente"] = unknown
        delivery.waarschuwingen.append(
            f"{unknown} verblijfsobject(en) zonder gemeente: de woonplaats van hun hoofdadres staat niet in "
            "GEM-WPL-RELATIE (of het hoofdadres ontbreekt); niet meegenomen.")
    delivery.kengetallen["meerdere_panden"] = len(several)
    if len(several):
        delivery.waarschuwingen.append(several_panden_warning(several))
    delivery.waarschuwingen.append(f"Actuele voorkomens op {stand.isoformat()} ({stand_reden}).")
    return delivery
