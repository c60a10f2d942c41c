"""One small set of BAG facts written as each register delivers it (tests/test_real_bag_formats.py).

The layouts follow the registers' own schemas as /work/shared/REAL_FORMATS.md documents them
(PDOK's bag-light.gpkg layers and columns; the Kadaster's LV BAG 2.0 extract XML, nested zips
and GEM-WPL-RELATIE file), not the project's contract. The canonical CSV of the same facts is
written by hand from the same rows.

Facts: gemeente 0638 (woonplaats 2608) and 0546 (woonplaats 2088). Object ...0002 lies in two
panden (0638100000000003 built 1990 and 0638100000000002 built 1965), object ...0003 has no
postcode, object 0546010000000004 carries Leiden's code in its id but lies in 0638, and
0638010000000006 the other way round. In the LV BAG extract object ...0001 also has an ended
voorkomen (80 m²), and woonplaats 2608 an ended relation to gemeente 0999.
"""
from __future__ import annotations

import io
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

WPL = {"2608": ("Zoeterwoude", "0638"), "2088": ("Leiden", "0546")}
OPR = {
    "0638300000000001": ("Dorpsstraat", "Dorpsstraat", "2608"),
    "0638300000000002": ("Burgemeester Doctor van Oostveenstraatweg", "Burg Dr v Oostveenstrwg", "2608"),
    "0546300000000001": ("Breestraat", "Breestraat", "2088"),
}
# identificatie, num, opr, huisnummer, huisletter, toevoeging, postcode, gebruiksdoel, oppervlakte, status, panden, x, y
VBO = [
    ("0638010000000001", "0638200000000001", "0638300000000001", 1, None, None, "2381AA", ["woonfunctie"], 85,
     "Verblijfsobject in gebruik", ["0638100000000001"], 97000.5, 459000.25),
    ("0638010000000002", "0638200000000002", "0638300000000001", 3, "A", None, "2381AA", ["winkelfunctie", "woonfunctie"],
     140, "Verblijfsobject in gebruik", ["0638100000000003", "0638100000000002"], 97040.0, 459010.0),
    ("0638010000000003", "0638200000000003", "0638300000000002", 12, None, "2", None, ["kantoorfunctie"], 40,
     "Verblijfsobject gevormd", ["0638100000000004"], 97100.0, 459100.0),
    ("0546010000000004", "0546200000000004", "0638300000000001", 5, None, None, "2381AB", ["woonfunctie"], 70,
     "Verblijfsobject in gebruik", ["0638100000000001"], 97004.0, 459003.0),
    ("0546010000000005", "0546200000000005", "0546300000000001", 10, None, None, "2311CS", ["woonfunctie"], 60,
     "Verblijfsobject in gebruik", ["0546100000000001"], 93500.0, 463500.0),
    ("0638010000000006", "0638200000000006", "0546300000000001", 12, None, "bis", "2311CS", ["logiesfunctie"], 30,
     "Verblijfsobject in gebruik", ["0546100000000001"], 93504.0, 463504.0),
]
PND = {  # identificatie: (bouwjaar, status, centre x, y)
    "0638100000000001": (1930, "Pand in gebruik", 97002.0, 459002.0),
    "0638100000000002": (1965, "Pand in gebruik", 97035.0, 459010.0),
    "0638100000000003": (1990, "Pand in gebruik", 97045.0, 459010.0),
    "0638100000000004": (2025, "Bouw gestart", 97100.0, 459100.0),
    "0546100000000001": (1900, "Pand in gebruik", 93502.0, 463502.0),
}
CANONICAL = ["identificatie", "nummeraanduiding_hoofdadres_identificatie", "openbare_ruimte_naam", "woonplaats_naam",
             "huisnummer", "huisletter", "toevoeging", "postcode", "gebruiksdoel", "oppervlakte", "status",
             "pand_identificatie", "bouwjaar", "bronhouder_identificatie", "x", "y"]
STAND = "2026-10-08"
NEVENADRESSEN = {"0638010000000002": ("0638200000000022",)}  # object ...0002 also has a nevenadres
GWR = [("2608", "0999", "2009-01-01", "2015-01-01"), ("2608", "0638", "2015-01-01", None), ("2088", "0546", "2009-01-01", None)]


@dataclass
class Facts:
    """BAG facts in the registers' terms: woonplaatsen {id: (naam, gemeente)}, openbare ruimten
    {id: (naam, verkorte naam, woonplaats)}, verblijfsobjecten (tuples as VBO), panden {id: (bouwjaar,
    status, x, y)}, nevenadressen per object, GEM-WPL-RELATIE rows and the extract's date."""

    wpl: dict
    opr: dict
    vbo: list
    pnd: dict
    nevenadressen: dict = field(default_factory=dict)
    gwr: list = field(default_factory=list)
    stand: str = STAND


DEFAULT = Facts(WPL, OPR, VBO, PND, NEVENADRESSEN, GWR, STAND)


def facts_from_canonical_csv(path: Path, stand: str) -> Facts:
    """The facts of a canonical BAG CSV (`;`, the contract's header) in the registers' terms: the
    woonplaats and openbare-ruimte identifiers the canonical file does not carry are made up, one
    per distinct name; each object lies in its own pand (with its bouwjaar)."""
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    wpl_ids, wpl = {}, {}
    for r in rows:
        naam = r["woonplaats_naam"]
        if naam not in wpl_ids:
            wpl_ids[naam] = f"{9000 + len(wpl_ids)}"
            wpl[wpl_ids[naam]] = (naam, r["bronhouder_identificatie"])
    opr_ids, opr, vbo, pnd = {}, {}, [], {}
    for r in rows:
        key = (r["openbare_ruimte_naam"], r["woonplaats_naam"])
        if key not in opr_ids:
            opr_ids[key] = f"{r['bronhouder_identificatie']}30{len(opr_ids) + 1:010d}"
            opr[opr_ids[key]] = (key[0], key[0], wpl_ids[key[1]])
        x, y = float(r["x"]), float(r["y"])
        vbo.append((r["identificatie"], r["nummeraanduiding_hoofdadres_identificatie"], opr_ids[key],
                    int(r["huisnummer"]), r["huisletter"] or None, r["toevoeging"] or None, r["postcode"] or None,
                    r["gebruiksdoel"].split(","), int(r["oppervlakte"]), r["status"], [r["pand_identificatie"]], x, y))
        pnd.setdefault(r["pand_identificatie"], (int(r["bouwjaar"]), "Pand in gebruik", x, y))
    gwr = [(w, gemeente, "2009-01-01", None) for w, (_, gemeente) in wpl.items()]
    return Facts(wpl, opr, vbo, pnd, {}, gwr, stand)


def _square(x: float, y: float, half: float = 5.0):
    import shapely

    return shapely.box(x - half, y - half, x + half, y + half)


def _vbo_row(v, pand, f: Facts = DEFAULT):
    ident, num, opr, nr, letter, toev, pc, doelen, opp, status, panden, x, y = v
    OPR, WPL, PND = f.opr, f.wpl, f.pnd  # noqa: N806
    naam, kort, wpl = OPR[opr]
    return {
        "rdf_seealso": f"http://bag.basisregistraties.overheid.nl/bag/id/verblijfsobject/{ident}",
        "identificatie": ident, "oppervlakte": opp, "status": status, "gebruiksdoel": ",".join(doelen),
        "openbare_ruimte_naam": naam, "openbare_ruimte_naam_kort": kort, "huisnummer": nr, "huisletter": letter,
        "toevoeging": toev, "postcode": pc, "woonplaats_naam": WPL[wpl][0], "bouwjaar": PND[pand][0],
        "pand_identificatie": pand, "pandstatus": PND[pand][1], "nummeraanduiding_hoofdadres_identificatie": num,
        "openbare_ruimte_identificatie": opr, "woonplaats_identificatie": wpl, "bronhouder_identificatie": WPL[wpl][1],
    }


def write_pdok_gpkg(path: Path, *, extra_columns: dict | None = None, last_change: str = "2026-10-08T04:12:00.000Z",
                    with_pand: bool = True, facts: Facts = DEFAULT) -> Path:
    """PDOK's bag-light.gpkg layout: layer verblijfsobject (FID feature_id, POINT geom), one row per pand."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    VBO, PND = facts.vbo, facts.pnd  # noqa: N806
    rows = []
    for v in VBO:
        for pand in v[10]:
            rows.append({**_vbo_row(v, pand, facts), "geom": shapely.Point(v[11], v[12])})
    frame = pd.DataFrame(rows)
    for column, values in (extra_columns or {}).items():
        frame[column] = values
    for c in ("oppervlakte", "huisnummer", "bouwjaar"):
        frame[c] = frame[c].astype("int32")
    gdf = gpd.GeoDataFrame(frame, geometry="geom", crs=28992)
    gdf.to_file(path, layer="verblijfsobject", driver="GPKG", engine="pyogrio",
                layer_options={"FID": "feature_id", "GEOMETRY_NAME": "geom"})
    if with_pand:
        counts = pd.Series([p for v in VBO for p in v[10]]).value_counts()
        panden = gpd.GeoDataFrame({
            "identificatie": list(PND),
            "bouwjaar": [PND[p][0] for p in PND],
            "status": [PND[p][1] for p in PND],
            "gebruiksdoel": ["woonfunctie"] * len(PND),
            "oppervlakte_min": [30] * len(PND),
            "oppervlakte_max": [140] * len(PND),
            "aantal_verblijfsobjecten": [int(counts.get(p, 0)) for p in PND],
            "geom": [_square(PND[p][2], PND[p][3]) for p in PND],
        }, geometry="geom", crs=28992)
        panden.to_file(path, layer="pand", driver="GPKG", engine="pyogrio",
                       layer_options={"FID": "feature_id", "GEOMETRY_NAME": "geom"})
    con = sqlite3.connect(path)
    con.execute("UPDATE gpkg_contents SET last_change = ?", (last_change,))
    con.commit()
    con.close()
    return path


def write_canonical_csv(path: Path) -> Path:
    """The same facts as the contract's canonical CSV (one row per object, lowest pand)."""
    lines = [";".join(CANONICAL)]
    for v in VBO:
        pand = min(v[10])
        row = _vbo_row(v, pand)
        values = [row[c] if c not in ("x", "y") else None for c in CANONICAL]
        values[-2], values[-1] = v[11], v[12]
        lines.append(";".join("" if x is None else str(x) for x in values))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- LV BAG 2.0 extract

_NS = (
    'xmlns:DatatypenNEN3610="www.kadaster.nl/schemas/lvbag/imbag/datatypennen3610/v20200601" '
    'xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601" '
    'xmlns:gml="http://www.opengis.net/gml/3.2" '
    'xmlns:Historie="www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601" '
    'xmlns:Objecten-ref="www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601" '
    'xmlns:nen5825="www.kadaster.nl/schemas/lvbag/imbag/nen5825/v20200601" '
    'xmlns:KenmerkInOnderzoek="www.kadaster.nl/schemas/lvbag/imbag/kenmerkinonderzoek/v20200601" '
    'xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601" '
    'xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" '
    'xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0"'
)


def _stand_document(kind: str, objects: list[str], stand: str = STAND) -> str:
    stands = "".join(f"<sl:stand><sl-bag-extract:bagObject>{o}</sl-bag-extract:bagObject></sl:stand>" for o in objects)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sl-bag-extract:bagStand {_NS}>'
        "<sl-bag-extract:bagInfo><selecties-extract:Gebied-Registratief><selecties-extract:Gebied-NLD/>"
        "</selecties-extract:Gebied-Registratief><selecties-extract:LVC-Extract>"
        f"<selecties-extract:StandTechnischeDatum>{stand}</selecties-extract:StandTechnischeDatum>"
        "</selecties-extract:LVC-Extract></sl-bag-extract:bagInfo>"
        "<sl:standBestand><sl:dataset>LVBAG</sl:dataset><sl:inhoud><sl:gebied>Nederland</sl:gebied>"
        f"<sl:leveringsId>0000000001</sl:leveringsId><sl:objectTypen><sl:objectType>{kind}</sl:objectType>"
        f"</sl:objectTypen></sl:inhoud>{stands}</sl:standBestand></sl-bag-extract:bagStand>"
    )


def _voorkomen(n: int, begin: str, eind: str | None = None) -> str:
    end = (f"<Historie:eindGeldigheid>{eind}</Historie:eindGeldigheid>"
           f"<Historie:tijdstipRegistratie>{begin}T09:00:00.000</Historie:tijdstipRegistratie>"
           f"<Historie:eindRegistratie>{eind}T09:00:00.000</Historie:eindRegistratie>") if eind else (
           f"<Historie:tijdstipRegistratie>{begin}T09:00:00.000</Historie:tijdstipRegistratie>")
    return (f"<Objecten:voorkomen><Historie:Voorkomen><Historie:voorkomenidentificatie>{n}</Historie:voorkomenidentificatie>"
            f"<Historie:beginGeldigheid>{begin}</Historie:beginGeldigheid>{end}<Historie:BeschikbaarLV>"
            f"<Historie:tijdstipRegistratieLV>{begin}T09:05:00.000</Historie:tijdstipRegistratieLV></Historie:BeschikbaarLV>"
            "</Historie:Voorkomen></Objecten:voorkomen>")


def _ref(kind: str, domain: str, ident: str) -> str:
    return f'<Objecten-ref:{kind} domein="NL.IMBAG.{domain}">{ident}</Objecten-ref:{kind}>'


def _vbo_xml(v, voorkomen: str, oppervlakte: int, nevenadressen: tuple[str, ...] = ()) -> str:
    ident, num, _, _, _, _, _, doelen, _, status, panden, x, y = v
    neven = "".join("<Objecten:heeftAlsNevenadres>" + _ref("NummeraanduidingRef", "Nummeraanduiding", n)
                    + "</Objecten:heeftAlsNevenadres>" for n in nevenadressen)
    return (
        "<Objecten:Verblijfsobject><Objecten:heeftAlsHoofdadres>" + _ref("NummeraanduidingRef", "Nummeraanduiding", num)
        + "</Objecten:heeftAlsHoofdadres>" + neven + voorkomen
        + f'<Objecten:identificatie domein="NL.IMBAG.Verblijfsobject">{ident}</Objecten:identificatie>'
        + '<Objecten:geometrie><Objecten:punt><gml:Point srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="3">'
        + f"<gml:pos>{x} {y} 0.0</gml:pos></gml:Point></Objecten:punt></Objecten:geometrie>"
        + "".join(f"<Objecten:gebruiksdoel>{d}</Objecten:gebruiksdoel>" for d in doelen)
        + f"<Objecten:oppervlakte>{oppervlakte}</Objecten:oppervlakte><Objecten:status>{status}</Objecten:status>"
        + "<Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2001-03-01</Objecten:documentdatum>"
        + "<Objecten:documentnummer>2001-BW-17</Objecten:documentnummer><Objecten:maaktDeelUitVan>"
        + "".join(_ref("PandRef", "Pand", p) for p in panden)
        + "</Objecten:maaktDeelUitVan></Objecten:Verblijfsobject>"
    )


def _num_xml(v) -> str:
    _, num, opr, nr, letter, toev, pc, *_ = v
    return (
        f'<Objecten:Nummeraanduiding><Objecten:identificatie domein="NL.IMBAG.Nummeraanduiding">{num}</Objecten:identificatie>'
        f"<Objecten:huisnummer>{nr}</Objecten:huisnummer>"
        + (f"<Objecten:huisletter>{letter}</Objecten:huisletter>" if letter else "")
        + (f"<Objecten:huisnummertoevoeging>{toev}</Objecten:huisnummertoevoeging>" if toev else "")
        + (f"<Objecten:postcode>{pc}</Objecten:postcode>" if pc else "")
        + "<Objecten:typeAdresseerbaarObject>Verblijfsobject</Objecten:typeAdresseerbaarObject>"
        "<Objecten:status>Naamgeving uitgegeven</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd>"
        "<Objecten:documentdatum>2001-03-01</Objecten:documentdatum><Objecten:documentnummer>2001-NG-3</Objecten:documentnummer>"
        + _voorkomen(1, "2001-03-01")
        + "<Objecten:ligtAan>" + _ref("OpenbareRuimteRef", "Openbareruimte", opr) + "</Objecten:ligtAan>"
        "</Objecten:Nummeraanduiding>"
    )


def _opr_xml(ident: str, f: Facts = DEFAULT) -> str:
    naam, kort, wpl = f.opr[ident]
    verkort = (f"<Objecten:verkorteNaam><nen5825:VerkorteNaamOpenbareRuimte><nen5825:verkorteNaam>{kort}"
               "</nen5825:verkorteNaam></nen5825:VerkorteNaamOpenbareRuimte></Objecten:verkorteNaam>") if kort != naam else ""
    return (
        f'<Objecten:OpenbareRuimte><Objecten:identificatie domein="NL.IMBAG.Openbareruimte">{ident}</Objecten:identificatie>'
        f"<Objecten:naam>{naam}</Objecten:naam><Objecten:type>Weg</Objecten:type>"
        "<Objecten:status>Naamgeving uitgegeven</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd>"
        "<Objecten:documentdatum>1990-01-01</Objecten:documentdatum><Objecten:documentnummer>1990-OR-1</Objecten:documentnummer>"
        "<Objecten:ligtIn>" + _ref("WoonplaatsRef", "Woonplaats", wpl) + "</Objecten:ligtIn>"
        + _voorkomen(1, "1990-01-01") + verkort + "</Objecten:OpenbareRuimte>"
    )


def _polygon_xml(x: float, y: float, half: float = 5.0, dim: int = 3) -> str:
    ring = [(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half), (x - half, y - half)]
    coords = " ".join(f"{a} {b}" + (" 0.0" if dim == 3 else "") for a, b in ring)
    return (f'<gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="{dim}"><gml:exterior><gml:LinearRing>'
            f'<gml:posList count="5">{coords}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>')


def _wpl_xml(ident: str, f: Facts = DEFAULT) -> str:
    naam = f.wpl[ident][0]
    x, y = (97000.0, 459000.0) if ident == "2608" else (93500.0, 463500.0)
    return (
        f'<Objecten:Woonplaats><Objecten:identificatie domein="NL.IMBAG.Woonplaats">{ident}</Objecten:identificatie>'
        f"<Objecten:naam>{naam}</Objecten:naam><Objecten:geometrie><Objecten:vlak>{_polygon_xml(x, y, 2000.0, 2)}"
        "</Objecten:vlak></Objecten:geometrie><Objecten:status>Woonplaats aangewezen</Objecten:status>"
        "<Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>1990-01-01</Objecten:documentdatum>"
        "<Objecten:documentnummer>1990-WP-1</Objecten:documentnummer>" + _voorkomen(1, "1990-01-01")
        + "</Objecten:Woonplaats>"
    )


def _pnd_xml(ident: str, f: Facts = DEFAULT) -> str:
    bouwjaar, status, x, y = f.pnd[ident]
    return (
        f'<Objecten:Pand><Objecten:identificatie domein="NL.IMBAG.Pand">{ident}</Objecten:identificatie>'
        f"<Objecten:geometrie>{_polygon_xml(x, y)}</Objecten:geometrie>"
        f"<Objecten:oorspronkelijkBouwjaar>{bouwjaar}</Objecten:oorspronkelijkBouwjaar><Objecten:status>{status}</Objecten:status>"
        "<Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>1960-01-01</Objecten:documentdatum>"
        "<Objecten:documentnummer>1960-BW-1</Objecten:documentnummer>" + _voorkomen(1, "1960-01-01") + "</Objecten:Pand>"
    )


def _gwr_xml(relations: list[tuple[str, str, str, str | None]]) -> str:
    items = []
    for wpl, gem, begin, end in relations:
        eind = f"<bagtypes:einddatumTijdvakGeldigheid>{end}</bagtypes:einddatumTijdvakGeldigheid>" if end else ""
        items.append(
            "<gwr-product:GemeenteWoonplaatsRelatie><gwr-product:tijdvakgeldigheid>"
            f"<bagtypes:begindatumTijdvakGeldigheid>{begin}</bagtypes:begindatumTijdvakGeldigheid>{eind}"
            "</gwr-product:tijdvakgeldigheid><gwr-product:gerelateerdeWoonplaats>"
            f"<gwr-product:identificatie>{wpl}</gwr-product:identificatie></gwr-product:gerelateerdeWoonplaats>"
            f"<gwr-product:gerelateerdeGemeente><gwr-product:identificatie>{gem}</gwr-product:identificatie>"
            "</gwr-product:gerelateerdeGemeente><gwr-product:status>definitief</gwr-product:status>"
            "</gwr-product:GemeenteWoonplaatsRelatie>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gwr-bestand:BAG-GWR-Deelbestand-LVC '
        'xmlns:gwr-bestand="www.kadaster.nl/schemas/lvbag/gem-wpl-rel/gwr-deelbestand-lvc/v20200601" '
        'xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601" '
        'xmlns:bagtypes="www.kadaster.nl/schemas/lvbag/gem-wpl-rel/bag-types/v20200601" '
        'xmlns:gwr-product="www.kadaster.nl/schemas/lvbag/gem-wpl-rel/gwr-producten-lvc/v20200601">'
        "<gwr-bestand:Product><gwr-product:GemeenteWoonplaatsRelatieProduct>" + "".join(items)
        + "</gwr-product:GemeenteWoonplaatsRelatieProduct></gwr-bestand:Product></gwr-bestand:BAG-GWR-Deelbestand-LVC>"
    )


def _levering_xml(stand: str = STAND) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xb:BAG-Extract-Levering '
        'xmlns:xb="http://www.kadaster.nl/schemas/lvbag/extract-levering/v20200601" '
        'xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601">'
        "<xb:SelectieGegevens><selecties-extract:LVC-Extract>"
        f"<selecties-extract:StandTechnischeDatum>{stand}</selecties-extract:StandTechnischeDatum>"
        "</selecties-extract:LVC-Extract><selecties-extract:Gebied-Registratief><selecties-extract:Gebied-NLD/>"
        "</selecties-extract:Gebied-Registratief></xb:SelectieGegevens></xb:BAG-Extract-Levering>"
    )


def _inner_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buffer.getvalue()


def write_lvbag_zip(path: Path, *, with_gwr: bool = True, facts: Facts = DEFAULT) -> Path:
    """lvbag-extract-nl.zip as the Kadaster nests it: per object type an inner zip of XML files,
    GEM-WPL-RELATIE-<ddmmyyyy>.zip and Leveringsdocument-BAG-Extract.xml."""
    f = facts
    VBO, OPR, WPL, PND = f.vbo, f.opr, f.wpl, f.pnd  # noqa: N806
    year, month, dom = f.stand.split("-")
    day = f"{dom}{month}{year}"
    vbo = []
    for v in VBO:
        if v[0] == "0638010000000001":  # an ended voorkomen before the current one
            vbo.append(_vbo_xml(v, _voorkomen(1, "2001-03-01", "2020-05-01"), 80))
            vbo.append(_vbo_xml(v, _voorkomen(2, "2020-05-01"), v[8]))
        else:
            vbo.append(_vbo_xml(v, _voorkomen(1, "2001-03-01"), v[8], f.nevenadressen.get(v[0], ())))
    parts = {
        f"9999VBO{day}.zip": {f"9999VBO{day}-000001.xml": _stand_document("VBO", vbo[:3], f.stand),
                              f"9999VBO{day}-000002.xml": _stand_document("VBO", vbo[3:], f.stand)},
        f"9999NUM{day}.zip": {f"9999NUM{day}-000001.xml": _stand_document("NUM", [_num_xml(v) for v in VBO], f.stand)},
        f"9999OPR{day}.zip": {f"9999OPR{day}-000001.xml": _stand_document("OPR", [_opr_xml(o, f) for o in OPR], f.stand)},
        f"9999WPL{day}.zip": {f"9999WPL{day}-000001.xml": _stand_document("WPL", [_wpl_xml(w, f) for w in WPL], f.stand)},
        f"9999PND{day}.zip": {f"9999PND{day}-000001.xml": _stand_document("PND", [_pnd_xml(p, f) for p in PND], f.stand)},
    }
    if with_gwr:
        parts[f"GEM-WPL-RELATIE-{day}.zip"] = {f"GEM-WPL-RELATIE-{day}.xml": _gwr_xml(f.gwr)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("Leveringsdocument-BAG-Extract.xml", _levering_xml(f.stand))
        for name, files in parts.items():
            z.writestr(name, _inner_zip(files))
    return path
