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
# # Bronnen verkennen: wat kwam er deze maand binnen?
#
# Dit notebook kijkt naar de aanlevering van de registers voor één maand, vóór iemand naar
# scores of de controlelijst kijkt:
#
# 1. welke bestanden zijn aangeleverd, hoeveel rijen, hoeveel geaccepteerd;
# 2. wat de contractcontrole vond (geaccepteerde en geweigerde bestanden);
# 3. welke rijen in quarantaine staan en waarom;
# 4. hoe goed KvK-vestigingen aan een BAG-object gekoppeld zijn;
# 5. hoe het aantal rijen per bron zich over de maanden ontwikkelt.
#
# Het notebook leest het warehouse alleen (read-only) en schrijft niets. De datamap komt uit
# `RISICORADAR_DATA` (standaard `data/`), de maand uit `RISICORADAR_MAAND` (standaard de laatste
# verwerkte maand).

# %%
import pandas as pd
import plotly.express as px

from _common import choose_month, connect_readonly, heading, procent, settings, show, table

instellingen = settings()
con = connect_readonly(instellingen)
maand = choose_month(con)
heading(f"Warehouse: `{instellingen.warehouse}` — maand **{maand}**")

# %% [markdown]
# ## 1. Aanlevering van deze maand
#
# Per bron het bestand, het aantal rijen, hoeveel rijen zijn opgenomen, hoeveel in quarantaine
# staan en hoeveel objecten van een andere gemeente buiten beschouwing blijven. BAG, BRP en KvK
# zijn verplicht; zonder die drie wordt een maand niet verwerkt. WOZ, RNI, signalen en
# controles zijn aanvullend.

# %%
MAANDBRONNEN = pd.DataFrame(
    [
        ("bag_verblijfsobject", True), ("brp_adrestellingen", True), ("kvk_vestigingen", True),
        ("rni_inschrijvingen", False), ("woz_gebruik", False), ("signalen", False), ("controles", False),
    ],
    columns=["bron", "verplicht"],
)
con.register("maandbronnen", MAANDBRONNEN)
aanlevering = con.execute(
    """
    SELECT b.bron, b.verplicht, a.bestand, a.rijen, a.geaccepteerd, a.quarantaine, a.andere_gemeente,
           a.matchpercentage,
           coalesce(json_array_length(a.waarschuwingen::JSON), 0) AS waarschuwingen
    FROM maandbronnen AS b
    LEFT JOIN audit.bronnen_maand AS a ON a.maand = $maand AND a.bron = b.bron
    """,
    {"maand": maand},
).df()
con.unregister("maandbronnen")
aanlevering["quarantaine_pct"] = (100 * aanlevering["quarantaine"] / aanlevering["rijen"]).round(1)
table(aanlevering, f"Aanlevering {maand}")

ontbrekend = aanlevering.loc[aanlevering["bestand"].isna(), "bron"].tolist()
ontbrekend_verplicht = aanlevering.loc[aanlevering["bestand"].isna() & aanlevering["verplicht"], "bron"].tolist()

# %% [markdown]
# ### Waarschuwingen bij de aanlevering
#
# De contractcontrole accepteert een bestand met waarschuwingen (bijvoorbeeld objecten van
# een andere gemeente, of een onwaarschijnlijke oppervlakte), maar meldt ze. Lees ze: een
# waarschuwing die ineens verschijnt wijst vaak op een verandering bij de leverancier.

# %%
waarschuwingen = con.execute(
    """
    SELECT bron, unnest(waarschuwingen::JSON::VARCHAR[]) AS waarschuwing
    FROM audit.bronnen_maand
    WHERE maand = $maand AND waarschuwingen IS NOT NULL
    ORDER BY bron
    """,
    {"maand": maand},
).df()
table(waarschuwingen, f"Waarschuwingen {maand}")

# %% [markdown]
# ## 2. Contractcontrole (validatielog)
#
# Elk bestand in de inbox wordt tegen zijn contract gecontroleerd (`data_contracts/`). Een
# bestand dat niet voldoet wordt in zijn geheel geweigerd, met een uitleg. Hieronder alle
# controles van bestanden voor deze maand, nieuwste eerst: ook een geweigerd bestand dat later
# door een goede versie is vervangen staat erin.

# %%
validatie = con.execute(
    """
    SELECT tijdstip, bron, bestand, uitkomst, rijen, quarantaine,
           coalesce(json_array_length(bevindingen::JSON), 0) AS bevindingen
    FROM audit.validatielog
    WHERE maand = $maand
    ORDER BY tijdstip DESC, bron
    """,
    {"maand": maand},
).df()
table(validatie, f"Contractcontroles voor {maand}")

geweigerd = con.execute(
    """
    SELECT bron, bestand, unnest(bevindingen::JSON::VARCHAR[]) AS bevinding
    FROM audit.validatielog
    WHERE maand = $maand AND uitkomst = 'geweigerd'
    """,
    {"maand": maand},
).df()
if len(geweigerd):
    table(geweigerd, "Bevindingen bij geweigerde bestanden")
else:
    heading("Geen enkel bestand voor deze maand is geweigerd.")

# %% [markdown]
# ## 3. Quarantaine
#
# Rijen die niet aan een ander register te koppelen zijn (een BRP-adres dat geen hoofdadres in
# de BAG is, een KvK-vestiging waarvan het adres niet in de BAG staat) worden niet stilzwijgend
# weggegooid maar apart gezet in `staging.quarantaine`. Hier het aantal per bron en reden;
# nummers van individuele vestigingen zijn uit de reden gehaald zodat gelijke redenen samen
# geteld worden. De rijen zelf blijven in het warehouse.

# %%
quarantaine = con.execute(
    """
    SELECT bron, coalesce(kolom, '') AS kolom,
           regexp_replace(reden, '^Vestiging [0-9]+: ', '') AS reden,
           count(*)::INTEGER AS rijen
    FROM staging.quarantaine
    WHERE maand = $maand
    GROUP BY ALL
    ORDER BY rijen DESC, bron
    """,
    {"maand": maand},
).df()
table(quarantaine, f"Quarantaine {maand}")

quarantaine_per_maand = con.execute(
    "SELECT maand, bron, count(*)::INTEGER AS rijen FROM staging.quarantaine GROUP BY ALL ORDER BY maand, bron"
).df()
fig = px.bar(
    quarantaine_per_maand, x="maand", y="rijen", color="bron", barmode="group",
    title="Rijen in quarantaine per maand en bron", labels={"rijen": "rijen", "maand": "maand"},
)
show(fig)

# %% [markdown]
# ## 4. Datakwaliteit van de gekoppelde gegevens
#
# Na het inlezen worden de registers aan elkaar gekoppeld. Een paar kengetallen per maand laten
# zien of dat goed ging:
#
# - **zonder buurt**: BAG-objecten die op geen enkele buurt vallen (coördinaten ontbreken of
#   liggen buiten de gemeente);
# - **oppervlakte onwaarschijnlijk**: objecten met een oppervlakte onder 6 m²; daarvoor wordt geen
#   m² per ingeschrevene berekend;
# - **woningen bewoond**: woningen met ten minste één BRP-ingeschrevene;
# - **BRP gekoppeld**: BRP-adressen die aan een BAG-object van dezelfde maand gekoppeld zijn.

# %%
kwaliteit = con.execute(
    """
    WITH bag AS (
        SELECT maand,
               count(*)::INTEGER AS objecten,
               count(*) FILTER (WHERE buurtcode IS NULL)::INTEGER AS zonder_buurt,
               count(*) FILTER (WHERE NOT oppervlakte_plausibel)::INTEGER AS oppervlakte_onwaarschijnlijk,
               count(*) FILTER (WHERE is_woning)::INTEGER AS woningen
        FROM staging.bag_verblijfsobject
        GROUP BY maand
    ),
    bewoond AS (
        SELECT maand, count(*) FILTER (WHERE is_woning AND ingeschrevenen > 0)::INTEGER AS woningen_bewoond
        FROM marts.adreskenmerken
        GROUP BY maand
    ),
    brp AS (
        SELECT maand, count(*)::INTEGER AS brp_adressen,
               count(verblijfsobject_id)::INTEGER AS brp_gekoppeld
        FROM staging.brp_adrestellingen
        GROUP BY maand
    )
    SELECT bag.*, bewoond.woningen_bewoond,
           round(100 * bewoond.woningen_bewoond / nullif(bag.woningen, 0), 1) AS woningen_bewoond_pct,
           brp.brp_adressen, brp.brp_gekoppeld,
           round(100 * brp.brp_gekoppeld / nullif(brp.brp_adressen, 0), 1) AS brp_gekoppeld_pct
    FROM bag
    LEFT JOIN bewoond USING (maand)
    LEFT JOIN brp USING (maand)
    ORDER BY maand
    """
).df()
table(kwaliteit, "Kengetallen van de koppeling per maand")

# %% [markdown]
# ## 5. KvK: koppeling van vestigingen aan de BAG
#
# Een vestiging wordt aan een BAG-object gekoppeld via het verblijfsobject-id, of — als dat
# ontbreekt — via het genormaliseerde adres (postcode, huisnummer, huisletter, toevoeging).
# Het matchpercentage is het deel van de vestigingen zonder verblijfsobject-id dat via het adres
# toch gevonden is. Een daling wijst meestal op een adresnotatie die de normalisatie niet kent.

# %%
kvk = con.execute(
    """
    WITH koppeling AS (
        SELECT maand,
               count(*) FILTER (WHERE matchwijze = 'verblijfsobject_id')::INTEGER AS via_verblijfsobject_id,
               count(*) FILTER (WHERE matchwijze = 'adres')::INTEGER AS via_adres,
               count(*) FILTER (WHERE actief)::INTEGER AS actief
        FROM staging.kvk_vestigingen
        GROUP BY maand
    )
    SELECT a.maand, a.rijen, k.via_verblijfsobject_id, k.via_adres, a.quarantaine AS niet_gevonden,
           a.matchpercentage, k.actief
    FROM audit.bronnen_maand AS a
    LEFT JOIN koppeling AS k USING (maand)
    WHERE a.bron = 'kvk_vestigingen'
    ORDER BY a.maand
    """
).df()
table(kvk, "KvK-vestigingen per maand: hoe gekoppeld")

fig = px.line(
    kvk, x="maand", y="matchpercentage", markers=True, range_y=[0, 100],
    title="KvK: matchpercentage op adres (vestigingen zonder verblijfsobject-id)",
    labels={"matchpercentage": "% gevonden via adres", "maand": "maand"},
)
show(fig)

# %% [markdown]
# ## 6. Rijen per bron over de maanden
#
# Registers veranderen van maand tot maand maar langzaam: de BAG groeit met nieuwbouw, de BRP
# schommelt licht. Een sprong van meer dan 20 % ten opzichte van de vorige maand is bij een
# register (bestanden van 100 rijen of meer) bijna altijd een leveringsprobleem (een half bestand,
# een andere selectie) en geen echte verandering. Bij kleine bestanden (signalen, controles, RNI)
# zijn zulke schommelingen normaal; die worden niet gemeld.

# %%
rijen = con.execute(
    "SELECT maand, bron, rijen, geaccepteerd FROM audit.bronnen_maand ORDER BY bron, maand"
).df()
rijen["verandering"] = rijen.groupby("bron")["rijen"].pct_change()
table(
    rijen.pivot(index="maand", columns="bron", values="rijen").astype("Int64").reset_index(),
    "Aangeleverde rijen per maand en bron (leeg = niet aangeleverd)",
)

fig = px.line(
    rijen, x="maand", y="rijen", color="bron", markers=True, log_y=True,
    title="Aangeleverde rijen per bron en maand (logaritmische schaal)",
    labels={"rijen": "rijen", "maand": "maand"},
)
show(fig)

rijen["rijen_vorige_maand"] = rijen.groupby("bron")["rijen"].shift()
is_register = rijen[["rijen", "rijen_vorige_maand"]].max(axis=1) >= 100
sprongen = rijen[is_register & (rijen["verandering"].abs() > 0.20)]
table(sprongen, "Registers die meer dan 20 % veranderden ten opzichte van de vorige maand")

# %% [markdown]
# ## Conclusies
#
# De zinnen hieronder worden uit de cijfers van deze maand samengesteld.

# %%
conclusies = []
if ontbrekend_verplicht:
    conclusies.append(f"**Let op:** verplichte bron(nen) ontbreken voor {maand}: {', '.join(ontbrekend_verplicht)}.")
else:
    conclusies.append(f"Alle verplichte bronnen (BAG, BRP, KvK) zijn voor {maand} aangeleverd en geaccepteerd.")
if ontbrekend:
    aanvullend = [b for b in ontbrekend if b not in ontbrekend_verplicht]
    if aanvullend:
        conclusies.append(f"Niet aangeleverd (aanvullend): {', '.join(aanvullend)}.")
    if "woz_gebruik" in aanvullend:
        conclusies.append(
            "Zonder WOZ-bestand deze maand gebruikt de leegstandsberekening het laatste WOZ-bestand van "
            "een eerdere maand (of alleen BAG, BRP en KvK als er geen is)."
        )
kwaliteit_maand = kwaliteit[kwaliteit["maand"] == maand]
if len(kwaliteit_maand):
    k = kwaliteit_maand.iloc[0]
    conclusies.append(
        f"{int(k['zonder_buurt'])} van de {int(k['objecten'])} BAG-objecten vallen in geen buurt; "
        f"{procent(k['brp_gekoppeld_pct'] / 100, 1)} van de BRP-adressen is aan een BAG-object gekoppeld."
    )
if len(geweigerd):
    conclusies.append(f"Er zijn {geweigerd['bestand'].nunique()} bestand(en) geweigerd; zie de bevindingen in paragraaf 2.")
totaal_q = int(quarantaine["rijen"].sum()) if len(quarantaine) else 0
if totaal_q:
    grootste = quarantaine.groupby("bron")["rijen"].sum().sort_values(ascending=False)
    conclusies.append(
        f"{totaal_q} rij(en) staan in quarantaine, de meeste bij {grootste.index[0]} ({int(grootste.iloc[0])})."
    )
else:
    conclusies.append("Er staan geen rijen in quarantaine.")
kvk_maand = kvk[kvk["maand"] == maand]
if len(kvk_maand) and pd.notna(kvk_maand["matchpercentage"].iloc[0]):
    conclusies.append(
        f"Van de KvK-vestigingen zonder verblijfsobject-id is {procent(kvk_maand['matchpercentage'].iloc[0] / 100, 1)} "
        "via het adres aan een BAG-object gekoppeld."
    )
sprongen_maand = sprongen[sprongen["maand"] == maand]
if len(sprongen_maand):
    conclusies.append(
        "Opvallende verandering in het aantal rijen: "
        + ", ".join(f"{r.bron} ({procent(r.verandering, 0)})" for r in sprongen_maand.itertuples())
        + ". Vraag de leverancier of het bestand volledig is."
    )
else:
    conclusies.append("Geen register veranderde meer dan 20 % in aantal rijen ten opzichte van de vorige maand.")
heading("\n".join(f"- {c}" for c in conclusies))

# %%
con.close()
