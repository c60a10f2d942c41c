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
# # Evaluatie van de controles: levert de risicolijst iets op?
#
# De score stelt voor, mensen beslissen; maar of de voorstellen zinvol zijn blijkt pas uit de
# uitkomsten van de controles. Dit notebook zet de **trefkans** (het deel van de uitgevoerde
# controles met een bevinding) naast elkaar:
#
# 1. per aanleiding (risicolijst, signaal, steekproef);
# 2. per indicator en per scoreklasse;
# 3. per buurt, met de selectieverhouding (worden bewoners van één buurt vaker geselecteerd?);
# 4. precisie@k: van de risicolijst van een maand, het deel van de gecontroleerde adressen met
#    een bevinding.
#
# **Basisniveau.** Elke maand gaat een kleine willekeurige steekproef van adressen buiten de
# top-k mee op de controlelijst. De trefkans in die steekproef is het basisniveau: zo vaak vindt
# een controle iets op een willekeurig adres. Een risicolijst die niet duidelijk boven dat
# niveau uitkomt, voegt weinig toe.
#
# **Definities.** Een *treffer* is een controle met uitkomst overbewoning, signalen van
# uitbuiting of een andere overtreding. Een controle zonder toegang telt niet mee als
# gecontroleerd. Intervallen zijn 95 %-Wilsonintervallen: bij weinig controles zijn ze breed, en
# dan zegt een verschil in trefkans nog weinig. Alle cijfers komen uit `marts.evaluatie_*` zoals
# de pipeline ze voor deze maand berekende (cumulatief tot en met de peildatum); het warehouse
# wordt alleen gelezen.

# %%
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from _common import choose_month, connect_readonly, heading, procent, settings, show, table

from assets.scoring import load

instellingen = settings()
con = connect_readonly(instellingen)
maand = choose_month(con)
labels = {i.id: i.label for i in load(instellingen.indicatoren_path)}
heading(f"Maand **{maand}** (controles tot en met de laatste dag van de maand)")


def hit_rate_chart(frame: pd.DataFrame, category: str, titel: str, base_rate: float | None) -> go.Figure:
    """Hit rate per category with its Wilson interval, and the steekproef as a dashed line."""
    data = frame.dropna(subset=["trefkans"])
    fig = go.Figure(
        go.Bar(
            x=data["trefkans"],
            y=data[category],
            orientation="h",
            error_x={
                "type": "data", "symmetric": False,
                "array": data["ci_hoog"] - data["trefkans"],
                "arrayminus": data["trefkans"] - data["ci_laag"],
            },
            text=[f"{t}/{g}" for t, g in zip(data["treffers"], data["gecontroleerd"])],
            textposition="auto",
            hovertemplate="%{y}: %{x:.0%} (%{text})<extra></extra>",
        )
    )
    if base_rate is not None and pd.notna(base_rate):
        fig.add_vline(x=base_rate, line_dash="dash", line_color="grey",
                      annotation_text="steekproef (basisniveau)", annotation_position="top")
    fig.update_layout(
        title=titel, xaxis={"title": "trefkans (95 %-interval)", "tickformat": ".0%", "range": [0, 1.05]},
        yaxis={"title": "", "autorange": "reversed"}, height=max(300, 60 + 40 * len(data)),
    )
    return fig


# %% [markdown]
# ## 1. Per aanleiding
#
# Controles komen voort uit de risicolijst, uit een signaal, of uit de steekproef. De
# steekproef is het basisniveau.

# %%
aanleiding = con.execute(
    "SELECT * EXCLUDE (maand) FROM marts.evaluatie_aanleiding WHERE maand = $maand ORDER BY aanleiding",
    {"maand": maand},
).df()
table(aanleiding, f"Trefkans per aanleiding, tot en met {maand}")

steekproef = aanleiding[aanleiding["aanleiding"] == "steekproef"]
base_rate = float(steekproef["trefkans"].iloc[0]) if len(steekproef) and pd.notna(steekproef["trefkans"].iloc[0]) else None
base_n = int(steekproef["gecontroleerd"].iloc[0]) if len(steekproef) else 0
if base_rate is None:
    heading("**Let op:** er zijn nog geen gecontroleerde steekproefadressen, dus er is geen basisniveau.")
else:
    heading(
        f"Basisniveau (steekproef): {procent(base_rate)} treffers bij {base_n} gecontroleerde adressen "
        f"(95 %-interval {procent(steekproef['ci_laag'].iloc[0])} tot {procent(steekproef['ci_hoog'].iloc[0])})."
    )
show(hit_rate_chart(aanleiding, "aanleiding", f"Trefkans per aanleiding (tot en met {maand})", base_rate))

# %% [markdown]
# ### Over de maanden
#
# Elke maand bevat de cijfers zoals ze aan het eind van die maand bekend waren (cumulatief).
# Een lijn die naar een waarde toe kruipt en een interval dat smaller wordt, is wat je mag
# verwachten naarmate er meer controles zijn.

# %%
aanleiding_trend = con.execute(
    "SELECT * FROM marts.evaluatie_aanleiding WHERE maand <= $maand ORDER BY maand, aanleiding", {"maand": maand}
).df()
fig = px.line(
    aanleiding_trend, x="maand", y="trefkans", color="aanleiding", markers=True,
    error_y=aanleiding_trend["ci_hoog"] - aanleiding_trend["trefkans"],
    error_y_minus=aanleiding_trend["trefkans"] - aanleiding_trend["ci_laag"],
    title="Trefkans per aanleiding, cumulatief per maand", labels={"trefkans": "trefkans", "maand": "maand"},
)
fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
show(fig)

# %% [markdown]
# ## 2. Per indicator en per scoreklasse
#
# Een controle wordt gekoppeld aan de score die het adres had in de maand vóór de controle: de
# lijst die het signaleringsoverleg besprak. Een adres met meerdere indicatoren telt bij elk
# daarvan mee, dus de rijen van de indicatortabel tellen niet op tot het totaal.

# %%
indicator = con.execute(
    "SELECT * EXCLUDE (maand) FROM marts.evaluatie_indicator WHERE maand = $maand ORDER BY trefkans DESC, indicator",
    {"maand": maand},
).df()
indicator.insert(1, "label", indicator["indicator"].map(labels).fillna(indicator["indicator"]))
table(indicator, f"Trefkans per indicator, tot en met {maand}")
show(hit_rate_chart(indicator, "label", f"Trefkans per indicator (tot en met {maand})", base_rate))

# %%
scoreklasse = con.execute(
    "SELECT * EXCLUDE (maand) FROM marts.evaluatie_scoreklasse WHERE maand = $maand ORDER BY ondergrens",
    {"maand": maand},
).df()
table(scoreklasse, f"Trefkans per scoreklasse, tot en met {maand}")
show(hit_rate_chart(scoreklasse, "scoreklasse", f"Trefkans per scoreklasse (tot en met {maand})", base_rate))

# %% [markdown]
# ## 3. Per buurt
#
# De buurt is nooit een invoer van de score, maar de lijst kan toch in één buurt
# samenklonteren — precies wat bij SyRI misging. Per buurt:
#
# - **selectie_ratio**: het aandeel van de buurt in de geselecteerde woningen (risicolijst,
#   afgelopen 12 maanden) gedeeld door haar aandeel in alle woningen. Boven de grens uit
#   `instellingen.yaml` met genoeg selecties meldt de pipeline een signaal;
# - **trefkans** van alle controles in de buurt, met het Wilsoninterval.

# %%
buurt = con.execute(
    """
    SELECT buurtcode, buurtnaam, objecten AS woningen, selecties, selectie_ratio, signaal,
           gecontroleerd, treffers, trefkans,
           wilson_laag(treffers, gecontroleerd) AS ci_laag,
           wilson_hoog(treffers, gecontroleerd) AS ci_hoog
    FROM marts.evaluatie_buurt
    WHERE maand = $maand
    ORDER BY selectie_ratio DESC NULLS LAST, buurtcode
    """,
    {"maand": maand},
).df()
table(buurt, f"Selectie en trefkans per buurt, {maand}")

fig = px.bar(
    buurt.sort_values("selectie_ratio"), x="selectie_ratio", y="buurtnaam", orientation="h",
    color="signaal", color_discrete_map={True: "#d62728", False: "#2c7fb8"},
    title="Selectieverhouding per buurt (1 = naar verhouding van het aantal woningen)",
    labels={"selectie_ratio": "selectieverhouding", "buurtnaam": "", "signaal": "signaal"},
)
grens = instellingen.config.evaluatie.selectie_ratio_grens
fig.add_vline(x=1, line_color="grey")
fig.add_vline(x=grens, line_dash="dash", line_color="#d62728", annotation_text=f"grens {grens:g}")
fig.update_layout(height=max(320, 60 + 26 * len(buurt)))
show(fig)

gecontroleerde_buurten = buurt[buurt["gecontroleerd"] > 0]
show(hit_rate_chart(gecontroleerde_buurten, "buurtnaam", f"Trefkans per buurt (tot en met {maand})", base_rate))

# %% [markdown]
# ## 4. Precisie@k
#
# Van de risicolijst van maand L (k adressen) worden de adressen bekeken die in maand L+1
# gecontroleerd zijn: welk deel had een bevinding? Bij de laatste lijstmaand lopen de
# controles vaak nog.
#
# Anders dan de tabel per aanleiding telt precisie@k élke controle op een adres van de lijst,
# ook een controle die door een signaal is aangevraagd. Precisie@k zegt dus hoe vaak de lijst
# de juiste adressen aanwijst; de trefkans per aanleiding zegt hoeveel de controles die
# vanwege de lijst zijn gedaan opleverden. Een groot verschil tussen beide betekent dat de
# treffers op lijstadressen vooral via signalen binnenkomen.

# %%
precisie = con.execute(
    """
    SELECT lijst_maand, k, gecontroleerd, treffers, precisie,
           wilson_laag(treffers, gecontroleerd) AS ci_laag,
           wilson_hoog(treffers, gecontroleerd) AS ci_hoog
    FROM marts.evaluatie_precisie
    WHERE maand = $maand
    ORDER BY lijst_maand
    """,
    {"maand": maand},
).df()
table(precisie, f"Precisie@k per lijstmaand, bekend in {maand}")
if len(precisie):
    totaal_gecontroleerd = int(precisie["gecontroleerd"].sum())
    totaal_treffers = int(precisie["treffers"].sum())
    precisie_totaal = totaal_treffers / totaal_gecontroleerd if totaal_gecontroleerd else None
    fig = px.bar(
        precisie, x="lijst_maand", y="precisie", text="gecontroleerd",
        error_y=precisie["ci_hoog"] - precisie["precisie"], error_y_minus=precisie["precisie"] - precisie["ci_laag"],
        title="Precisie@k per lijstmaand (getal in de staaf: gecontroleerde adressen)",
        labels={"lijst_maand": "lijstmaand", "precisie": "precisie"},
    )
    if base_rate is not None:
        fig.add_hline(y=base_rate, line_dash="dash", line_color="grey", annotation_text="steekproef (basisniveau)")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    show(fig)
else:
    precisie_totaal, totaal_gecontroleerd = None, 0
    heading("Nog geen risicolijst uit een eerdere maand om te evalueren.")

# %% [markdown]
# ## Conclusies

# %%
conclusies = []
lijst = aanleiding[aanleiding["aanleiding"] == "risicolijst"]
if len(lijst) and base_rate is not None and int(lijst["gecontroleerd"].iloc[0]) > 0:
    r = lijst.iloc[0]
    b = steekproef.iloc[0]
    if r["ci_laag"] > b["ci_hoog"]:
        oordeel = "duidelijk hoger dan het basisniveau: de intervallen overlappen niet"
    elif r["ci_hoog"] < b["ci_laag"]:
        oordeel = "duidelijk lager dan het basisniveau: de lijst selecteert slechter dan toeval"
    else:
        oordeel = "niet aantoonbaar anders dan het basisniveau: de intervallen overlappen"
    conclusies.append(
        f"Risicolijst: {procent(r['trefkans'])} treffers bij {int(r['gecontroleerd'])} gecontroleerde adressen, "
        f"steekproef: {procent(base_rate)} bij {base_n}. De risicolijst is {oordeel}."
    )
else:
    conclusies.append("Er zijn nog te weinig gecontroleerde adressen van de risicolijst of de steekproef om ze te vergelijken.")
klein = int((aanleiding["gecontroleerd"] < 30).sum())
if klein:
    conclusies.append(
        f"{klein} van de {len(aanleiding)} aanleidingen hebben minder dan 30 gecontroleerde adressen: de intervallen "
        "zijn breed en verschillen kunnen toeval zijn."
    )
if precisie_totaal is not None:
    conclusies.append(
        f"Precisie@k over alle lijstmaanden samen: {procent(precisie_totaal)} ({totaal_gecontroleerd} gecontroleerde adressen)."
    )
oplopend = scoreklasse.dropna(subset=["trefkans"])
if len(oplopend) >= 2:
    stijgt = oplopend["trefkans"].is_monotonic_increasing
    conclusies.append(
        "De trefkans stijgt met de scoreklasse, zoals het hoort als de score iets betekent."
        if stijgt else
        "De trefkans stijgt niet netjes met de scoreklasse; kijk welke indicatoren in de hogere klassen weinig opleveren."
    )
signalen = buurt[buurt["signaal"].fillna(False)]
if len(signalen):
    conclusies.append(
        f"**Dispariteitssignaal** in {len(signalen)} buurt(en): {', '.join(signalen['buurtnaam'])}. Bespreek in het "
        "signaleringsoverleg of de concentratie te verklaren is door de feiten op de adressen."
    )
elif len(buurt):
    hoogste = f"{buurt['selectie_ratio'].max():.1f}".replace(".", ",")
    conclusies.append(
        f"Geen buurt boven de selectiegrens ({grens:g} keer haar aandeel woningen, met genoeg selecties); "
        f"de hoogste selectieverhouding is {hoogste}."
    )
heading("\n".join(f"- {c}" for c in conclusies))

# %%
con.close()
