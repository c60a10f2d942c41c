# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Trends voor het RIEC
#
# Het RIEC Den Haag krijgt elke maand een pakket met trendtabellen: slachtoffers per jaar
# (SHOP/CoMensha), RNI-inschrijvingen, administratieve leegstand per buurt, het aantal objecten
# per indicator en de controles per aanleiding. Dit notebook laat die tabellen zien:
#
# 1. eerst **intern**, met de echte aantallen en een grafiek per tabel;
# 2. daarna **zoals ze de gemeente verlaten**: met kleine aantallen verborgen (onderdrukking),
#    precies zoals de RIEC-export ze schrijft (`assets.exports.tables.suppress_trends`).
#
# De tabellen komen uit `assets.reports.trends.trend_tables`, dezelfde functie die het
# maandrapport en de export gebruiken. Het warehouse wordt alleen gelezen; dit notebook maakt
# geen exportpakket (dat doet `risicoradar export`, met een regel in het auditlog).

# %%
import pandas as pd
import plotly.express as px

from _common import choose_month, connect_readonly, heading, settings, show, table

from assets.exports.suppression import Rule, threshold_from
from assets.exports.tables import suppress_trends
from assets.reports.trends import TREND_TABLES, UITBUITINGSVORMEN, trend_tables
from assets.scoring import load

instellingen = settings()
con = connect_readonly(instellingen)
maand = choose_month(con)
labels = {i.id: i.label for i in load(instellingen.indicatoren_path)}
trends = trend_tables(con, maand)
con.close()

heading(f"Trendtabellen tot en met **{maand}**:")
table(
    pd.DataFrame(
        [{"tabel": name, "inhoud": TREND_TABLES[name], "rijen": len(frame)} for name, frame in trends.items()]
    )
)

# %% [markdown]
# ## 1. Intern: de aantallen en hun verloop
#
# ### Slachtoffers per jaar en uitbuitingsvorm
#
# Jaarcijfers van de regio (SHOP, CoMensha): context voor de gemeentelijke cijfers, geen
# meting van de pipeline zelf.

# %%
slachtoffers = trends["slachtoffers"]
table(slachtoffers, "Slachtoffers (intern)")
if len(slachtoffers):
    long = slachtoffers.melt(
        id_vars=["bron", "regio", "jaar"], value_vars=[c for c in UITBUITINGSVORMEN if c in slachtoffers],
        var_name="vorm", value_name="aantal",
    )
    long["vorm"] = long["vorm"].map(UITBUITINGSVORMEN)
    long["reeks"] = long["bron"] + " " + long["regio"]
    fig = px.bar(
        long, x="jaar", y="aantal", color="vorm", facet_col="reeks",
        title="Slachtoffers per jaar en uitbuitingsvorm", labels={"aantal": "slachtoffers", "jaar": "jaar", "vorm": ""},
    )
    show(fig)

# %% [markdown]
# ### RNI-inschrijvingen per maand
#
# Inschrijvingen in de Registratie Niet-ingezetenen (RNI) met of zonder bekend verblijfsadres
# in de gemeente. Een maand zonder RNI-bestand heeft lege cellen: onbekend, niet nul.

# %%
rni = trends["rni_per_maand"]
table(rni, "RNI per maand (intern)")
fig = px.bar(
    rni.melt(id_vars="maand", value_vars=["met_verblijfsadres", "zonder_verblijfsadres"], var_name="soort", value_name="aantal"),
    x="maand", y="aantal", color="soort", title="RNI-inschrijvingen per maand",
    labels={"aantal": "inschrijvingen", "maand": "maand", "soort": ""},
)
show(fig)

# %% [markdown]
# ### Administratieve leegstand per buurt
#
# Woningen zonder ingeschrevenen, zonder actieve vestiging en zonder WOZ-gebruik (CBS-definitie),
# als percentage van de woningen in de buurt.

# %%
leegstand = trends["leegstand_per_buurt_per_maand"]
table(leegstand[leegstand["maand"] == maand], f"Leegstand per buurt in {maand} (intern)")
fig = px.line(
    leegstand, x="maand", y="leegstand_pct", color="buurtnaam", markers=True,
    title="Administratieve leegstand per buurt (% van de woningen)",
    labels={"leegstand_pct": "% leegstaand", "maand": "maand", "buurtnaam": "buurt"},
)
show(fig)

# %% [markdown]
# ### Objecten per indicator
#
# Hoeveel verblijfsobjecten per maand aan een indicator voldoen, en hoeveel daarvan op de
# risicolijst staan. Let op: vensters van 12 of 24 maanden lopen in de eerste maanden nog vol,
# dus een stijging in het begin is geen echte toename.

# %%
indicatoren = trends["objecten_per_indicator_per_maand"].assign(
    label=lambda f: f["indicator"].map(labels).fillna(f["indicator"])
)
table(indicatoren[indicatoren["maand"] == maand], f"Objecten per indicator in {maand} (intern)")
fig = px.line(
    indicatoren, x="maand", y="objecten", color="label", markers=True,
    title="Objecten per indicator per maand", labels={"objecten": "objecten", "maand": "maand", "label": "indicator"},
)
show(fig)

# %% [markdown]
# ### Controles per maand en aanleiding
#
# Het aantal controles per maand, naar aanleiding, met de cumulatieve trefkans (zie ook
# notebook 03 voor de intervallen).

# %%
controles = trends["controles_per_maand"]
table(controles, "Controles per maand (intern)")
fig = px.bar(
    controles, x="maand", y="controles", color="aanleiding", barmode="group",
    title="Controles per maand en aanleiding", labels={"controles": "controles", "maand": "maand"},
)
show(fig)
fig = px.line(
    controles, x="maand", y="trefkans_cumulatief", color="aanleiding", markers=True,
    title="Trefkans per aanleiding, cumulatief", labels={"trefkans_cumulatief": "trefkans", "maand": "maand"},
)
fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
show(fig)

# %% [markdown]
# ## 2. Wat het RIEC krijgt: onderdrukte tabellen
#
# Wat de gemeente verlaat bevat geen kleine aantallen: die kunnen naar personen herleidbaar
# zijn. De regel staat in elk exportmanifest; hieronder de regel zoals hij voor deze datamap
# geldt (`export.onderdrukkingsgrens` in `instellingen.yaml`).

# %%
rule = Rule(threshold=threshold_from(instellingen))
table(pd.DataFrame(rule.describe().items(), columns=["onderdeel", "regel"]), "Onderdrukkingsregel")

suppressed, left_out = suppress_trends(trends, rule, labels)
if left_out:
    heading(f"**Niet in het pakket** (geen onderdrukkingsregel bekend): {', '.join(left_out)}.")


def count_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding counts or percentages: every value a number or the marker (not maand/jaar)."""
    def is_count(column: pd.Series) -> bool:
        values = column.dropna()
        numeric = pd.to_numeric(values.astype(str).str.replace(",", "."), errors="coerce").notna()
        return len(values) > 0 and bool((numeric | (values.astype(str) == rule.marker)).all())

    return [c for c in frame.columns if c not in ("maand", "jaar") and frame[c].dtype != bool and is_count(frame[c])]


def hidden_cells(frame: pd.DataFrame) -> int:
    return int((frame.astype(str) == rule.marker).to_numpy().sum())


overzicht = pd.DataFrame(
    [
        {
            "tabel": name,
            "rijen": len(frame),
            "cellen_met_aantal": len(frame) * len(count_columns(frame)),
            "cellen_verborgen": hidden_cells(frame),
        }
        for name, frame in suppressed.items()
    ]
)
overzicht["verborgen_pct"] = (100 * overzicht["cellen_verborgen"] / overzicht["cellen_met_aantal"].where(overzicht["cellen_met_aantal"] > 0)).round(0)
table(overzicht, "Per tabel: hoeveel cellen verborgen zijn")

# %%
for name, frame in suppressed.items():
    table(frame, f"{name} — zoals het RIEC het krijgt", max_rows=30)

# %% [markdown]
# ## Conclusies

# %%
conclusies = [
    f"Het RIEC-pakket van {maand} bevat {len(suppressed)} trendtabellen; in totaal zijn "
    f"{int(overzicht['cellen_verborgen'].sum()) if len(overzicht) else 0} cellen verborgen "
    f"(aantallen onder {rule.threshold}, en cellen die daaruit terug te rekenen zouden zijn).",
]
if len(overzicht):
    meest = overzicht.sort_values("cellen_verborgen", ascending=False).iloc[0]
    conclusies.append(f"De meeste verborgen cellen zitten in '{meest['tabel']}' ({int(meest['cellen_verborgen'])}).")
    vol = overzicht.loc[overzicht["verborgen_pct"] >= 50, "tabel"].tolist()
    if vol:
        conclusies.append(
            f"In {', '.join(vol)} is de helft of meer van de aantallen verborgen: voor een gemeente van deze omvang "
            "zegt die tabel het RIEC weinig; overweeg samenvoegen over maanden of regio's."
        )
if left_out:
    conclusies.append(f"Niet gedeeld omdat er geen onderdrukkingsregel voor is: {', '.join(left_out)}.")
heading("\n".join(f"- {c}" for c in conclusies))
