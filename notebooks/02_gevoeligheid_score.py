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
# # Gevoeligheid van de risicoscore voor de gewichten
#
# De punten per indicator (`assets/config/indicatoren.yaml`) zijn een keuze, geen
# natuurwet. Dit notebook laat zien hoeveel die keuze uitmaakt voor de **risicolijst**: de top-k
# adressen van de controlelijst (k = de capaciteit uit `instellingen.yaml`).
#
# Werkwijze: de punten van één indicator tegelijk gaan 50 % omlaag en 50 % omhoog; alle andere
# indicatoren blijven gelijk. Voor elke variant rekenen we de scores en de controlelijst
# opnieuw uit met de eigen SQL van de pipeline (`assets.scoring.build_scores` en
# `build_control_list`), in een tijdelijke database in het geheugen. Het warehouse wordt alleen
# gelezen (read-only); er verandert niets aan de echte controlelijst.
#
# Vragen die het notebook beantwoordt:
#
# 1. Welke indicatoren verschuiven de lijst het meest als hun gewicht verandert?
# 2. Welke adressen staan in élke variant op de lijst (stabiel), en welke maar in sommige?

# %%
import dataclasses

import duckdb
import pandas as pd
import plotly.express as px

from _common import choose_month, connect_readonly, heading, settings, show, table

from assets.scoring import build_control_list, build_scores, load
from assets.warehouse import ensure_schema, month_params

instellingen = settings()
with connect_readonly(instellingen) as con:
    maand = choose_month(con)

indicatoren = load(instellingen.indicatoren_path)
lijst_instellingen = instellingen.config.controlelijst
k = lijst_instellingen.capaciteit
labels = {i.id: i.label for i in indicatoren}
heading(
    f"Maand **{maand}**, k = **{k}** (capaciteit), {len(indicatoren)} indicatoren uit "
    f"`{instellingen.indicatoren_path}`"
)

# %% [markdown]
# ## Een rekenkopie in het geheugen
#
# Een lege database in het geheugen krijgt het schema van het warehouse. Daarin komen de
# kenmerken van deze maand (`marts.adreskenmerken`) en de BAG-objecten (voor het adres op de
# controlelijst), gekopieerd uit het warehouse dat alleen-lezen gekoppeld is. Daarna wordt het
# warehouse losgekoppeld: alle berekeningen hieronder raken alleen de kopie.

# %%
mem = duckdb.connect(":memory:")
ensure_schema(mem)
mem.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(instellingen.warehouse)})
for tabel in ("marts.adreskenmerken", "staging.bag_verblijfsobject"):
    mem.execute(f"INSERT INTO {tabel} SELECT * FROM warehouse.{tabel} WHERE maand = $maand", {"maand": maand})
warehouse_lijst = {
    vbo for (vbo,) in mem.execute(
        "SELECT verblijfsobject_id FROM warehouse.marts.controlelijst WHERE maand = $maand AND aanleiding = 'risicolijst'",
        {"maand": maand},
    ).fetchall()
}
mem.execute("DETACH warehouse")
objecten = mem.execute("SELECT count(*) FROM marts.adreskenmerken").fetchall()[0][0]
heading(f"{objecten} verblijfsobjecten gekopieerd naar de rekenkopie.")

# %% [markdown]
# ## De varianten
#
# Punten zijn gehele getallen, en de helft van 1 punt is 0,5. Om geen afronding te krijgen
# rekenen we alle punten keer twee: de basis krijgt 2 × de punten, een indicator met −50 %
# krijgt 1 ×, met +50 % 3 ×. Een rangorde verandert niet als alle punten met hetzelfde getal
# vermenigvuldigd worden, dus de basis geeft precies de echte lijst (dat controleren we).
# Scores hieronder zijn weer in gewone punten (dus soms een halve punt).

# %%
SCALE = 2  # all points times two, so that ±50 % stays whole
VARIANTS = {"-50%": 1, "+50%": 3}  # multiplier of the changed indicator's (original) points
params = month_params(maand)


def with_points(multipliers: dict[str, int]) -> list:
    """The indicators with every threshold's points times SCALE, or times multipliers[id]."""
    return [
        dataclasses.replace(i, drempels=tuple((value, points * multipliers.get(i.id, SCALE)) for value, points in i.drempels))
        for i in indicatoren
    ]


def risk_list(multipliers: dict[str, int]) -> pd.DataFrame:
    """Scores and control list recomputed in memory; the risicolijst (top-k) with rank and score."""
    build_scores(mem, params, with_points(multipliers))
    build_control_list(mem, params, lijst_instellingen)
    return mem.execute(
        """
        SELECT verblijfsobject_id, rang, score / $scale AS score
        FROM marts.controlelijst
        WHERE maand = $maand AND aanleiding = 'risicolijst'
        ORDER BY rang
        """,
        {"maand": maand, "scale": SCALE},
    ).df()


basis = risk_list({})
basis_scores = mem.execute(
    "SELECT verblijfsobject_id, score, indicatoren FROM marts.adresscores WHERE maand = $maand",
    {"maand": maand},
).df()
basis_scores["score"] = basis_scores["score"] / SCALE

reproduced = set(basis["verblijfsobject_id"]) == warehouse_lijst
if reproduced:
    heading(f"De herberekende basislijst is gelijk aan de risicolijst in het warehouse ({len(basis)} adressen).")
else:
    heading(
        "**Let op:** de herberekende basislijst wijkt af van de risicolijst in het warehouse. Is de "
        "indicatorconfiguratie of de capaciteit gewijzigd sinds de maand is verwerkt? De analyse hieronder "
        "gaat uit van de huidige configuratie."
    )

lists = {("basis", ""): basis}
for indicator in indicatoren:
    for richting, multiplier in VARIANTS.items():
        lists[(indicator.id, richting)] = risk_list({indicator.id: multiplier})
mem.close()
heading(f"{len(lists) - 1} varianten doorgerekend.")

# %% [markdown]
# ## 1. Hoeveel verandert de lijst per variant?
#
# Per indicator en richting: hoeveel adressen van de basislijst eruit vallen (en dus evenveel
# andere erin komen), en hoeveel adressen de lijst met de basis gemeen heeft.

# %%
basis_set = set(basis["verblijfsobject_id"])
changes = pd.DataFrame(
    [
        {
            "indicator": indicator,
            "label": labels[indicator],
            "richting": richting,
            "eruit": len(basis_set - set(frame["verblijfsobject_id"])),
            "erin": len(set(frame["verblijfsobject_id"]) - basis_set),
            "gelijk": len(basis_set & set(frame["verblijfsobject_id"])),
        }
        for (indicator, richting), frame in lists.items()
        if indicator != "basis"
    ]
)
table(changes, f"Verandering van de risicolijst (k = {k}) per variant")

fig = px.bar(
    changes, x="eruit", y="label", color="richting", barmode="group", orientation="h",
    title=f"Adressen die uit de top-{k} vallen als de punten van één indicator ±50 % veranderen",
    labels={"eruit": "adressen uit de lijst", "label": "", "richting": "punten"},
    color_discrete_map={"-50%": "#1f77b4", "+50%": "#d62728"},
)
fig.update_layout(height=480, yaxis={"categoryorder": "total ascending"})
show(fig)

# %% [markdown]
# ## 2. Welke adressen zijn stabiel?
#
# Een adres is **stabiel** als het in de basis en in alle varianten in de top-k staat. Een adres
# dat in de basis op de lijst staat maar in minstens één variant niet, hangt af van de precieze
# gewichten: het staat dicht bij de grens van de lijst. Voor het signaleringsoverleg is dat
# nuttig om te weten: de plaats van zo'n adres op de lijst zegt weinig.

# %%
variant_names = {key: f"{labels.get(key[0], 'basis')} {key[1]}".strip() for key in lists}
everyone = sorted(set().union(*(set(frame["verblijfsobject_id"]) for frame in lists.values())))
membership = pd.DataFrame(
    {variant_names[key]: pd.Index(everyone).isin(frame["verblijfsobject_id"]) for key, frame in lists.items()},
    index=pd.Index(everyone, name="verblijfsobject_id"),
)
membership["varianten_op_lijst"] = membership.sum(axis=1)
n_runs = len(lists)

summary = (
    membership[["varianten_op_lijst"]]
    .reset_index(names="verblijfsobject_id")
    .merge(basis[["verblijfsobject_id", "rang"]].rename(columns={"rang": "rang_basis"}), how="left")
    .merge(basis_scores, how="left")
)
summary["in_basis"] = summary["rang_basis"].notna()
summary["stabiel"] = summary["varianten_op_lijst"] == n_runs
summary["rang_basis"] = summary["rang_basis"].astype("Int64")


def difference(vbo: str, in_basis: bool) -> str:
    """The variants in which an address is not on the list (basis members) or is on it (others)."""
    row = membership.loc[vbo]
    names = [variant_names[key] for key in lists if key[0] != "basis" and row[variant_names[key]] != in_basis]
    return ("eruit bij: " if in_basis else "erin bij: ") + ", ".join(names) if names else ""


summary["verschil_met_basis"] = [difference(v, b) for v, b in zip(summary["verblijfsobject_id"], summary["in_basis"])]
summary["indicatoren"] = summary["indicatoren"].map(lambda v: ", ".join(v) if v is not None else "")
summary = summary.sort_values(["varianten_op_lijst", "rang_basis"], ascending=[False, True]).reset_index(drop=True)

stable = summary[summary["stabiel"]]
unstable = summary[summary["in_basis"] & ~summary["stabiel"]]
newcomers = summary[~summary["in_basis"]]
heading(
    f"Van de {len(basis)} adressen op de basislijst zijn er **{len(stable)} stabiel** en **{len(unstable)} "
    f"gevoelig** voor de gewichten; {len(newcomers)} andere adressen komen in minstens één variant op de lijst."
)
table(
    summary[["verblijfsobject_id", "rang_basis", "score", "varianten_op_lijst", "stabiel", "indicatoren", "verschil_met_basis"]],
    f"Adressen die in minstens één van de {n_runs} berekeningen in de top-{k} staan",
    max_rows=80,
)

# %%
heatmap_data = membership.drop(columns="varianten_op_lijst").loc[summary["verblijfsobject_id"]].astype(int)
fig = px.imshow(
    heatmap_data.T,
    color_continuous_scale=[[0, "#f0f0f0"], [1, "#2c7fb8"]],
    aspect="auto",
    title=f"Op de risicolijst (blauw) per variant; adressen gesorteerd van stabiel naar gevoelig",
    labels={"x": "verblijfsobject", "y": "variant", "color": "op de lijst"},
)
fig.update_layout(height=720, coloraxis_showscale=False, xaxis={"showticklabels": False})
show(fig)

# %% [markdown]
# ## 3. Een stabiel en een gevoelig adres
#
# Ter illustratie één adres dat altijd op de lijst blijft en één dat ervan af valt bij een
# verandering van de gewichten. Het notebook stopt met een fout als een van beide ontbreekt:
# dan is de lijst óf volledig ongevoelig voor de gewichten, óf niemand staat er zeker op — beide
# verdienen een nadere blik. Alleen het verblijfsobject-id wordt getoond; het adres staat op de
# controlelijst in het maandrapport.

# %%
assert len(stable) >= 1, "Geen enkel adres staat in alle varianten op de lijst."
assert len(unstable) >= 1, "Geen enkel adres van de basislijst valt uit bij een gewichtsverandering."

voorbeeld_stabiel = stable.iloc[0]
voorbeeld_gevoelig = unstable.sort_values("varianten_op_lijst").iloc[0]
print(
    f"STABIEL: verblijfsobject {voorbeeld_stabiel['verblijfsobject_id']} — rang {int(voorbeeld_stabiel['rang_basis'])}, "
    f"score {voorbeeld_stabiel['score']:g}, indicatoren: {voorbeeld_stabiel['indicatoren']}; "
    f"op de lijst in alle {n_runs} berekeningen."
)
print(
    f"GEVOELIG: verblijfsobject {voorbeeld_gevoelig['verblijfsobject_id']} — rang {int(voorbeeld_gevoelig['rang_basis'])}, "
    f"score {voorbeeld_gevoelig['score']:g}, indicatoren: {voorbeeld_gevoelig['indicatoren']}; "
    f"op de lijst in {int(voorbeeld_gevoelig['varianten_op_lijst'])} van {n_runs} berekeningen, "
    f"{voorbeeld_gevoelig['verschil_met_basis']}."
)

# %% [markdown]
# ## Conclusies

# %%
most = changes.sort_values("eruit", ascending=False).iloc[0]
quiet = changes.groupby("label")["eruit"].sum()
quiet = sorted(quiet[quiet == 0].index)
conclusies = [
    f"Van de {len(basis)} adressen op de risicolijst van {maand} blijven er {len(stable)} op de lijst, hoe de "
    f"gewichten ook ±50 % verschuiven; {len(unstable)} staan er alleen op bij de huidige gewichten of een deel van de varianten.",
    f"De grootste verschuiving geeft '{most['label']}' {most['richting']}: {int(most['eruit'])} adres(sen) eruit.",
]
if quiet:
    conclusies.append(f"Geen enkel effect op de lijst bij ±50 %: {', '.join(quiet)}.")
if not reproduced:
    conclusies.append("De basislijst wijkt af van de lijst in het warehouse: de configuratie is sinds de verwerking gewijzigd.")
conclusies.append(
    "Gevoelige adressen staan dicht bij de grens van de lijst: bespreek ze als groep, en laat de volgorde "
    "binnen die groep niet zwaar wegen."
)
heading("\n".join(f"- {c}" for c in conclusies))
