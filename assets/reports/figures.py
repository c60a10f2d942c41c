"""Maps and charts of the monthly report (plotly), drawn offline by the page itself.

Maps are plain `go.Scatter` polygons in RD metres (EPSG:28992) with `scaleanchor`: no geo
trace, no tiles, nothing fetched from the internet (see FACTS.md: geo traces load their base
map from a CDN). A buurt map is a classed choropleth: one filled trace per class (holes kept
through the polygon winding), plus invisible markers at each buurt's inner point that carry
the hover text. Everything a reader sees is Dutch.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from assets.formatting import getal
from assets.reports.trends import UITBUITINGSVORMEN

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
# Sequential classes (ColorBrewer YlOrRd 5, colour-blind safe) and grey for "geen gegevens".
KLASSEKLEUREN = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
GEEN_GEGEVENS = "#d9d9d9"
KLEUR_LIJST = "#1b4f9c"
KLEUR_STEEKPROEF = "#7a7a7a"
UITKOMSTEN = {
    "overbewoning": ("Overbewoning", "#d95f02"),
    "signalen_uitbuiting": ("Signalen uitbuiting", "#b2182b"),
    "andere_overtreding": ("Andere overtreding", "#e6ab02"),
    "geen_bijzonderheden": ("Geen bijzonderheden", "#1b9e77"),
    "geen_toegang": ("Geen toegang", "#999999"),
}
VORMKLEUREN = ("#1b4f9c", "#d95f02", "#7570b3", "#e7298a", "#999999")
# Policy 4.1.1: Zoeterwoude had on average 21 RNI registrations a month in 2018.
RNI_GEMIDDELD_2018 = 21
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "locale": "nl",
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


# --- style ----------------------------------------------------------------------------------------

def _style(fig: go.Figure, titel: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        title={"text": titel, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#222"},
        separators=",.",
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0, "traceorder": "normal"},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


# --- geometry ------------------------------------------------------------------------------------

def read_boundary(path: Path | None):
    """The gemeente boundary (shapely geometry in RD) from a GeoJSON file, or None."""
    if path is None or not Path(path).exists():
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    geoms = [shapely.geometry.shape(f["geometry"]) for f in data.get("features", []) if f.get("geometry")]
    if not geoms:
        return None
    geom = shapely.union_all(geoms)
    crs = json.dumps(data.get("crs") or {})
    if "28992" not in crs and (not data.get("crs") or "4326" in crs or "CRS84" in crs):
        from pyproj import Transformer

        transformer = Transformer.from_crs(4326, 28992, always_xy=True)
        geom = shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    return geom


def buurt_geometries(buurten: pd.DataFrame) -> np.ndarray:
    """Shapely polygons of the rows' `geometrie_wkt`, simplified to what a report page shows."""
    geoms = shapely.from_wkt(buurten["geometrie_wkt"].fillna("GEOMETRYCOLLECTION EMPTY").to_numpy())
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    extent = max(xmax - xmin, ymax - ymin) if np.isfinite(xmin) else 0
    if extent > 0:
        geoms = shapely.simplify(geoms, tolerance=extent / 2500, preserve_topology=True)
    return shapely.orient_polygons(geoms) if hasattr(shapely, "orient_polygons") else geoms


def _path(geoms) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays of every ring (or line), separated by NaN (a gap for plotly), for one trace.

    Vectorised over all geometries (shapely), and numpy arrays go into the figure without
    plotly's per-element validation: 14 thousand buurten take a fraction of a second.
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms):
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(geoms):
        return np.array([np.nan]), np.array([np.nan])
    parts = shapely.get_parts(geoms)
    polygon = shapely.get_type_id(parts) == 3
    lines = np.concatenate([shapely.get_rings(parts[polygon]), parts[~polygon]])
    coords, index = shapely.get_coordinates(lines, return_index=True)
    if not len(coords):
        return np.array([np.nan]), np.array([np.nan])
    # one NaN after every ring: each coordinate moves up by the number of rings before it
    out = np.full((len(coords) + int(index.max()) + 1, 2), np.nan)
    out[np.arange(len(coords)) + index] = np.round(coords, 1)
    return out[:, 0], out[:, 1]


def _map_layout(fig: go.Figure, titel: str, height: int = 560, legenda_rechts: bool = False) -> go.Figure:
    _style(fig, titel, height)
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1)
    legend = ({"orientation": "v", "y": 1, "yanchor": "top", "x": 1.01, "xanchor": "left"} if legenda_rechts
              else {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "xanchor": "left"})
    fig.update_layout(plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={**legend, "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 12}},
                      hovermode="closest", dragmode="pan", title_font_size=15)
    return fig


def _buurtgrenzen(geoms) -> go.Scatter:
    xs, ys = _path(geoms)
    return go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#a0a0a0", "width": 0.6}, fill="toself",
                      fillcolor="#f4f4f4", hoverinfo="skip", showlegend=False, name="buurten")


def _gemeentegrens(boundary) -> list[go.Scatter]:
    if boundary is None:
        return []
    bx, by = _path([boundary.boundary])
    return [go.Scatter(x=bx, y=by, mode="lines", line={"color": "#222", "width": 2},
                       hoverinfo="skip", name="gemeentegrens", showlegend=True)]


def _classes(values: pd.Series, integer: bool) -> list[tuple[float, float, str]]:
    """Up to five class intervals (low, high, label) over the non-missing values."""
    known = values.dropna()
    if known.empty:
        return []
    low, high = float(known.min()), float(known.max())
    if integer and high - low <= 4:
        return [(v, v, getal(v)) for v in range(int(low), int(high) + 1)]
    if high == low:
        return [(low, high, getal(low, 0 if integer else 1))]
    step = (high - low) / 5
    if integer:
        step = max(1, math.ceil(step))
    dec = 0 if integer else max(1, math.ceil(-math.log10(step)))  # enough decimals to tell the classes apart
    bounds = [low + i * step for i in range(6)]
    bounds[-1] = max(bounds[-1], high)
    out = []
    for i in range(5):
        a, b = bounds[i], bounds[i + 1]
        if a > high:
            break
        if integer:
            lo, hi = int(math.ceil(a)), int(math.ceil(b)) - (1 if i < 4 else 0)
            hi = max(lo, min(hi, int(high)))
            out.append((lo, hi, getal(lo) if lo == hi else f"{getal(lo)}–{getal(hi)}"))
        else:
            out.append((a, b, f"{getal(a, dec)}–{getal(b, dec)}"))
    return out


def buurt_kaart(buurten: pd.DataFrame, waarde: str, titel: str, legenda: str, *, eenheid: str = "",
                decimalen: int = 0, integer: bool = True, boundary=None, extra_hover: str | None = None) -> go.Figure:
    """A classed choropleth of column `waarde` of `buurten` (buurtcode, buurtnaam, geometrie_wkt)."""
    geoms = buurt_geometries(buurten)
    values = pd.to_numeric(buurten[waarde], errors="coerce").astype("float64")
    classes = _classes(values, integer)
    kleuren = KLASSEKLEUREN if len(classes) > 2 else KLASSEKLEUREN[1::2]
    fig = go.Figure()
    klasse = np.full(len(buurten), -1)
    for i, (lo, hi, _) in enumerate(classes):
        last = i == len(classes) - 1
        hit = (values >= lo - 1e-9) & ((values <= hi + 1e-9) if (integer or last) else (values < hi))
        klasse[np.asarray(hit) & (klasse < 0)] = i
    groups = [(i, label, kleuren[min(i, len(kleuren) - 1)] if len(classes) > 1 else kleuren[-1])
              for i, (_, _, label) in enumerate(classes)]
    if (klasse < 0).any():
        groups.append((-1, "geen gegevens", GEEN_GEGEVENS))
    for i, label, kleur in groups:
        # every class gets a legend entry, also when no buurt falls in it
        xs, ys = _path(geoms[np.flatnonzero(klasse == i)])
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", fillcolor=kleur, mode="lines",
                                 line={"color": "#ffffff", "width": 0.8}, name=f"{label}{eenheid}" if i >= 0 else label,
                                 legendgroup=str(i), hoverinfo="skip"))
    for trace in _gemeentegrens(boundary):
        fig.add_trace(trace)
    points = shapely.point_on_surface(geoms)
    valid = ~shapely.is_empty(points)
    namen = buurten["buurtnaam"].astype(str).map(html.escape)
    codes = buurten["buurtcode"].astype(str).map(html.escape)
    waarden = [("geen gegevens" if pd.isna(v) else getal(v, decimalen) + eenheid) for v in values]
    tekst = "<b>" + namen + "</b> (" + codes + ")<br>" + legenda + ": " + pd.Series(waarden, index=buurten.index)
    if extra_hover and extra_hover in buurten:
        extra = buurten[extra_hover].fillna("").astype(str).map(html.escape)
        tekst = tekst + np.where(extra != "", "<br>" + extra, "")
    tekst = tekst.tolist()
    fig.add_trace(go.Scatter(
        x=np.round(shapely.get_x(points[valid]), 1), y=np.round(shapely.get_y(points[valid]), 1), mode="markers",
        marker={"size": 14, "opacity": 0}, hovertext=np.asarray(tekst, dtype=object)[valid],
        hoverinfo="text", showlegend=False, name="buurten"))
    fig.update_layout(legend_title={"text": legenda, "side": "top"})
    return _map_layout(fig, titel, height=540)


def controlelijst_kaart(buurten: pd.DataFrame, lijst: pd.DataFrame, titel: str, boundary=None) -> go.Figure:
    """Internal map: every address of the proposed list as a point, its reasons on hover."""
    geoms = buurt_geometries(buurten)
    fig = go.Figure([_buurtgrenzen(geoms), *_gemeentegrens(boundary)])
    for aanleiding, naam, kleur, symbool in (("risicolijst", "Risicolijst (op score)", KLEUR_LIJST, "circle"),
                                             ("steekproef", "Steekproef (willekeurig)", KLEUR_STEEKPROEF, "diamond")):
        part = lijst[(lijst["aanleiding"] == aanleiding) & lijst["x"].notna() & lijst["y"].notna()]
        if part.empty:
            continue
        tekst = [
            f"<b>{html.escape(str(r.adres))}</b>, {html.escape(str(r.postcode or ''))}<br>"
            f"{html.escape(str(r.buurtnaam or r.buurtcode or ''))} · score {r.score} · {html.escape(aanleiding)}<br>"
            + "<br>".join("• " + html.escape(d.strip()) for d in str(r.redenen or "").split(";") if d.strip())
            for r in part.itertuples()
        ]
        fig.add_trace(go.Scatter(
            x=part["x"].round(1), y=part["y"].round(1), mode="markers", name=naam,
            marker={"size": 11, "color": kleur, "symbol": symbool, "line": {"color": "white", "width": 1.2}},
            hovertext=tekst, hoverinfo="text"))
    return _map_layout(fig, titel, height=640, legenda_rechts=True)


# --- trend charts --------------------------------------------------------------------------------

def slachtoffers_grafiek(tabel: pd.DataFrame, bron: str, regio: str) -> go.Figure:
    part = tabel[(tabel["bron"] == bron) & (tabel["regio"] == regio)].sort_values("jaar")
    fig = go.Figure()
    for (kolom, label), kleur in zip(UITBUITINGSVORMEN.items(), VORMKLEUREN):
        fig.add_trace(go.Bar(x=part["jaar"].astype(str), y=part[kolom], name=label, marker_color=kleur,
                             hovertemplate="%{x}: %{y} (" + label + ")<extra></extra>"))
    fig.add_trace(go.Scatter(x=part["jaar"].astype(str), y=part["totaal"], mode="text", text=part["totaal"],
                             textposition="top center", showlegend=False, hoverinfo="skip", name="totaal"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="slachtoffers", rangemode="tozero", range=[0, max(1, part["totaal"].max()) * 1.15])
    fig.update_xaxes(type="category")
    return _style(fig, f"Slachtoffers per uitbuitingsvorm — {bron}, {regio}")


def rni_grafiek(tabel: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=tabel["maand"], y=tabel["met_verblijfsadres"], name="met verblijfsadres in de gemeente",
                         marker_color=KLEUR_LIJST))
    fig.add_trace(go.Bar(x=tabel["maand"], y=tabel["zonder_verblijfsadres"], name="zonder bekend verblijfsadres",
                         marker_color="#9ecae1"))
    fig.add_hline(y=RNI_GEMIDDELD_2018, line={"color": "#b2182b", "dash": "dash", "width": 1.5},
                  annotation_text=f"gemiddeld {RNI_GEMIDDELD_2018} per maand in 2018 (beleid 4.1.1)",
                  annotation_position="top left", annotation_font_color="#b2182b")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="RNI-inschrijvingen", rangemode="tozero")
    return _style(fig, "RNI-inschrijvingen per maand")


def leegstand_grafiek(tabel: pd.DataFrame) -> go.Figure:
    totaal = tabel.groupby("maand", as_index=False)[["woningen", "leegstaand"]].sum()
    totaal["pct"] = 100 * totaal["leegstaand"] / totaal["woningen"].where(totaal["woningen"] > 0)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=totaal["maand"], y=totaal["pct"], mode="lines+markers", name="hele gemeente",
                             line={"color": "#222", "width": 3},
                             customdata=totaal[["leegstaand", "woningen"]].to_numpy(),
                             hovertemplate="%{x}: %{y:.1f} % (%{customdata[0]} van %{customdata[1]} woningen)<extra>gemeente</extra>"))
    buurten = tabel["buurtcode"].nunique()
    if buurten <= 40:
        for (code, naam), part in tabel.groupby(["buurtcode", "buurtnaam"], dropna=False):
            fig.add_trace(go.Scatter(x=part["maand"], y=part["leegstand_pct"], mode="lines+markers",
                                     name=str(naam), visible="legendonly",
                                     hovertemplate="%{x}: %{y:.1f} %<extra>" + html.escape(str(naam)) + "</extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="% woningen administratief leeg", rangemode="tozero")
    fig = _style(fig, "Administratieve leegstand per maand (klik een buurt in de legenda aan)", height=460)
    fig.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"}, margin={"r": 180})
    return fig


def indicatoren_grafiek(tabel: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    fig = go.Figure()
    volgorde = [i for i in labels if i in set(tabel["indicator"])] + sorted(set(tabel["indicator"]) - set(labels))
    for indicator in volgorde:
        part = tabel[tabel["indicator"] == indicator]
        naam = labels.get(indicator, indicator)
        fig.add_trace(go.Scatter(x=part["maand"], y=part["objecten"], mode="lines+markers", name=naam,
                                 customdata=part[["op_risicolijst"]].to_numpy(),
                                 hovertemplate="%{x}: %{y} objecten, %{customdata[0]} op de risicolijst<extra>"
                                 + html.escape(naam) + "</extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="objecten met deze indicator", rangemode="tozero")
    fig = _style(fig, "Objecten per indicator per maand", height=480)
    fig.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"}, margin={"r": 300})
    return fig


def controles_grafiek(tabel: pd.DataFrame) -> go.Figure:
    per_maand = tabel.groupby("maand", as_index=False)[list(UITKOMSTEN)].sum()
    fig = go.Figure()
    for kolom, (label, kleur) in UITKOMSTEN.items():
        fig.add_trace(go.Bar(x=per_maand["maand"], y=per_maand[kolom], name=label, marker_color=kleur,
                             hovertemplate="%{x}: %{y} (" + label + ")<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="controles", rangemode="tozero")
    return _style(fig, "Controles per maand (datum van de controle) naar uitkomst")


def trefkans_grafiek(evaluatie: pd.DataFrame, titel: str, categorie: str, labels: dict[str, str] | None = None) -> go.Figure:
    """Hit rate per category with its Wilson 95 % interval as error bars."""
    part = evaluatie[evaluatie["gecontroleerd"].fillna(0) > 0]
    namen = [labels.get(c, c) if labels else c for c in part[categorie]]
    pct = 100 * part["trefkans"].astype(float)
    fig = go.Figure(go.Bar(
        x=namen, y=pct, marker_color=KLEUR_LIJST,
        text=[f"{getal(p)} % ({getal(t)} van {getal(n)})" for p, t, n in zip(pct, part["treffers"], part["gecontroleerd"])],
        textposition="inside", insidetextanchor="start", textfont={"color": "white"},
        error_y={"type": "data", "symmetric": False,
                 "array": (100 * part["ci_hoog"].astype(float) - pct).clip(lower=0),
                 "arrayminus": (pct - 100 * part["ci_laag"].astype(float)).clip(lower=0), "color": "#444"},
        customdata=np.column_stack([part["treffers"], part["gecontroleerd"], 100 * part["ci_laag"], 100 * part["ci_hoog"]]),
        hovertemplate="%{x}: %{y:.0f} % (%{customdata[0]} van %{customdata[1]}; 95 %-interval "
                      "%{customdata[2]:.0f}–%{customdata[3]:.0f} %)<extra></extra>"))
    fig.update_yaxes(title_text="trefkans (%)", range=[0, 100])
    return _style(fig, titel, height=380)
