"""The decision sheet as an Excel template beside the report (`besluitenformulier_<maand>.xlsx`).

The sheet 'besluiten' has exactly the columns of the contract `besluiten` (data_contracts/
besluiten.yaml), one row per proposed address plus empty rows for addresses the overleg adds,
with drop-down lists for soort_voorstel, besluit and reden; the sheet 'adressen' says which address each
nummeraanduiding is. Saved as 'CSV UTF-8 (gescheiden door lijstscheidingsteken)' under the name
besluiten_<maand>.csv it goes to the inbox like the file the report's form writes.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from assets.settings import Instellingen
from assets.warehouse import month_params, query
from assets.writing import write_xlsx
from assets.xlsx import ListValidation, column_letter

TOEGEVOEGD_RIJEN = 10  # empty rows for addresses the overleg adds itself


def write_template(con: duckdb.DuckDBPyConnection, maand: str, config: Instellingen, path: Path) -> Path:
    from data_contracts.contract import load_contract

    lijst = query(con, "rapport.controlelijst", month_params(maand)).df().sort_values("straatvolgorde")
    kolommen = list(load_contract("besluiten").columns)
    rijen = pd.DataFrame({c: pd.Series([""] * (len(lijst) + TOEGEVOEGD_RIJEN), dtype=object) for c in kolommen})
    rijen.loc[: len(lijst) - 1, "nummeraanduiding_id"] = lijst["nummeraanduiding_id"].to_numpy()
    rijen.loc[: len(lijst) - 1, "soort_voorstel"] = lijst["aanleiding"].to_numpy()
    rijen.loc[len(lijst):, "soort_voorstel"] = "overleg"
    adressen = pd.DataFrame({
        "nummeraanduiding_id": lijst["nummeraanduiding_id"].to_numpy(),
        "adres": (lijst["adres"].fillna("") + ", " + lijst["postcode"].fillna("")).to_numpy(),
        "soort_voorstel": lijst["aanleiding"].to_numpy(),
        "redenen voorstel": lijst["redenen"].fillna("").to_numpy(),
    })
    uitleg = pd.DataFrame({"Besluitenformulier signaleringsoverleg": [
        f"Lijst van {maand}: vul per adres het besluit in (controle, geen controle of later) en bij geen controle of "
        "later een reden uit de lijst. Adressen die het overleg zelf toevoegt (uit eigen signalen): nummeraanduiding "
        "invullen in de lege rijen onderaan, soort_voorstel 'overleg'.",
        "Notitie: kort (hoogstens 140 tekens), over het adres, nooit over personen: geen namen, BSN, nummers, "
        "(geboorte)data of e-mailadressen. Datum: de datum van het overleg (JJJJ-MM-DD).",
        f"Opslaan: Bestand > Opslaan als > 'CSV UTF-8 (gescheiden door lijstscheidingsteken)', naam besluiten_{maand}.csv, "
        "alleen het blad 'besluiten'; zet het bestand in de inbox-map besluiten/ en draai de maand opnieuw.",
        "Redenen: " + "; ".join(config.besluiten.redenen),
    ]})
    last = len(rijen) + 1
    letter = {c: column_letter(i) for i, c in enumerate(kolommen, start=1)}
    lijsten = [
        ListValidation(f"{letter[column]}2:{letter[column]}{last}", tuple(values), "Niet in de lijst",
                       f"Kies een waarde uit de lijst voor {column}.")
        for column, values in (("soort_voorstel", ["risicolijst", "steekproef", "overleg"]),
                               ("besluit", ["controle", "geen controle", "later"]),
                               ("reden", list(config.besluiten.redenen)))
    ]
    # The drop-down lists and the text format of the ids (leading zeros) are written with the cells
    # (assets/xlsx.py); openpyxl, which added them afterwards, cost ~0.4 s per run to import.
    return write_xlsx(path, {"besluiten": rijen, "adressen": adressen}, [uitleg],
                      text_format={"besluiten": ["nummeraanduiding_id"]}, validations={"besluiten": lijsten})
