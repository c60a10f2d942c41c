"""Victims figures (SHOP / CoMensha): long or wide files, combined into one long table.

Wide tables (as published: `uitbuitingsvorm` or an unnamed first column, one column per year,
optional Totaal row) take bron and regio from the file name, e.g.
`slachtoffers_shop_hollands-midden_2018-2022.csv`, with any separator (`formats/shop_names.py`).
Identical figures in two files count once; two files that disagree refuse the combination.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.columns import STRING, parse_integer
from data_contracts.contract import load_contract
from data_contracts.formats.shop_names import parse_name
from data_contracts.privacy import AVG_ADVIES, bsn_like_count, classify_column_name
from data_contracts.reading import RawTable, Refused, check_name, read_csv_text
from data_contracts.result import Bevinding, ContractError, ValidationResult, safe_name
from data_contracts.validate import OPNIEUW, check_columns, check_size, check_values, data_rows, typed_frame

SOURCE = "slachtoffers"
KEY = ["bron", "regio", "jaar", "uitbuitingsvorm"]


def validate_slachtoffers(paths: list[Path], *, today: date | None = None) -> ValidationResult:
    """Check every victims file and combine them (long format: bron, regio, jaar, uitbuitingsvorm, aantal).

    The accepted frame also has `bestand` and `rij` (the first file that gave a figure). The
    shipped reference table is included when its path is in `paths`.
    """
    today = today or date.today()
    unique: list[Path] = []
    for p in map(Path, paths):
        if p.resolve() not in [u.resolve() for u in unique]:
            unique.append(p)
    combined = ValidationResult(source=SOURCE, maand=None, paths=unique)
    if not unique:
        combined.frame = _empty_frame()
        return combined
    results = [_validate_one(p, today) for p in unique]
    for r in results:
        combined.bevindingen += r.bevindingen
        combined.waarschuwingen += r.waarschuwingen
        combined.rijen_in_bestand += r.rijen_in_bestand
    if combined.geweigerd:
        return combined
    frame = pd.concat([r.frame for r in results], ignore_index=True)
    conflicts = frame.groupby(KEY, sort=False)["aantal"].transform("nunique") > 1
    if conflicts.any():
        combined.bevindingen.append(_conflict_finding(frame[conflicts]))
        return combined
    before = len(frame)
    frame = frame.drop_duplicates(subset=KEY, keep="first").reset_index(drop=True)
    if before > len(frame):
        combined.waarschuwingen.append(f"{before - len(frame)} cijfer(s) kwamen in meer dan één bestand voor en tellen één keer.")
    combined.frame = frame
    combined.kengetallen = {"cijfers": int(len(frame)), "slachtoffers": int(frame["aantal"].sum())}
    return combined


def _text(value) -> str:
    return "" if pd.isna(value) else str(value)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "bron": pd.Series(dtype=STRING), "regio": pd.Series(dtype=STRING), "jaar": pd.Series(dtype="Int64"),
        "uitbuitingsvorm": pd.Series(dtype=STRING), "aantal": pd.Series(dtype="Int64"),
        "rij": pd.Series(dtype="int64"), "bestand": pd.Series(dtype=STRING),
    })


def _conflict_finding(rows: pd.DataFrame) -> Bevinding:
    files = list(dict.fromkeys(rows["bestand"]))
    groups = list(rows.groupby(KEY, sort=False))
    examples = []
    for key, g in groups[:3]:
        values = " en ".join(f"{int(r.aantal)} in {r.bestand} (rij {int(r.rij)})" for r in g.itertuples())
        examples.append(f"{key[0]}, {key[1]}, {key[2]}, {key[3]}: {values}")
    more = f" (en {len(groups) - 3} meer)" if len(groups) > 3 else ""
    return Bevinding(
        bestand=", ".join(files), kolom="aantal",
        regel="gelijke aantallen voor dezelfde bron, regio, jaar en uitbuitingsvorm",
        toelichting=f"{len(groups)} combinatie(s) verschillen tussen de bestanden: " + "; ".join(examples) + more,
        advies="Zoek uit welk bestand de juiste cijfers heeft (bijvoorbeeld het nieuwste jaarverslag), verwijder of "
               f"corrigeer het andere bestand in inbox/slachtoffers en {OPNIEUW}",
    )


def _validate_one(path: Path, today: date) -> ValidationResult:
    contract = load_contract(SOURCE)
    result = ValidationResult(source=SOURCE, maand=None, paths=[path])
    try:
        check_name(path.name)
    except ContractError as exc:
        result.bevindingen.append(Bevinding(bestand=safe_name(path.name), regel="bestandsnaam volgens de inbox-afspraken",
                                            toelichting=exc.toelichting, advies=exc.advies))
        return result
    if path.suffix.lower() != ".csv":
        result.bevindingen.append(Bevinding(
            bestand=path.name, regel="bestandsformaat .csv", toelichting=f"bestandsformaat '{path.suffix}' wordt niet gelezen",
            advies="Sla de tabel op als 'CSV UTF-8 (door lijstscheidingsteken gescheiden)'.",
        ))
        return result
    if not check_size(result, path, contract):
        return result
    try:
        table = read_csv_text(path)
    except Refused as refused:
        result.bevindingen += refused.bevindingen
        return result
    result.waarschuwingen += table.waarschuwingen
    lowered = [h.lower() for h in table.header]
    label = contract.wide.get("label_column", "uitbuitingsvorm")
    years = [h for h in table.header if re.fullmatch(contract.wide.get("year_pattern", "^[0-9]{4}$"), h)]
    # As the policy prints the table, the label column may have no name (first header cell empty).
    label_pos = lowered.index(label) if label in lowered else (0 if lowered and lowered[0] == "" else None)
    if label_pos is not None and years and not {"jaar", "aantal"} & set(lowered):
        _validate_wide(result, table, contract, path, today, label_pos, years)
    else:
        _validate_long(result, table, contract, today)
    return result


def _validate_long(result: ValidationResult, table: RawTable, contract, today: date) -> None:
    columns = check_columns(result, table, contract)
    if columns is None:
        result.bevindingen[-1].advies += (
            " Ook toegestaan: de brede tabel zoals gepubliceerd (kolom uitbuitingsvorm, één kolom per jaar, optioneel een "
            "rij Totaal) met bron en regio in de bestandsnaam, bijvoorbeeld slachtoffers_shop_hollands-midden_2018-2022.csv."
        )
        return
    text, rij = data_rows(result, table, columns, contract)
    if text is None:
        return
    prepared = check_values(result, contract, text, rij, None, today)
    if not result.geweigerd:
        frame = typed_frame(prepared, rij)
        frame["bestand"] = pd.array([result.bestand] * len(frame), dtype=STRING)
        result.frame = frame


def _validate_wide(result, table: RawTable, contract, path: Path, today: date, label_pos: int, years: list[str]) -> None:
    name = path.name
    total_label = contract.wide.get("total_label", "totaal")
    frame = table.frame
    header = table.header
    label_col = f"c{label_pos}"
    # Columns besides the label, the years and an optional Totaal column are refused.
    problems = []
    for i, h in enumerate(header):
        col = f"c{i}"
        if bsn_like_count(frame[col]):
            problems.append(Bevinding(bestand=name, kolom=h, regel="geen BSN's (AVG)",
                                      toelichting="de kolom bevat waarden die op burgerservicenummers lijken", advies=AVG_ADVIES))
        elif i == label_pos or h in years or h.lower() == total_label or h == "":
            continue
        elif classify_column_name(h) == "persoon":
            problems.append(Bevinding(bestand=name, kolom=h, regel="geen persoonsgegevens (AVG)",
                                      toelichting="deze kolom hoort niet bij het contract en bevat gegevens over personen",
                                      advies=AVG_ADVIES))
        else:
            problems.append(Bevinding(
                bestand=name, kolom=h, regel="brede tabel: uitbuitingsvorm, één kolom per jaar, optioneel Totaal",
                toelichting="onbekende kolom",
                advies=f"Verwijder de kolom, of lever het lange formaat met kolommen {', '.join(contract.columns)}.",
            ))
    naam = parse_name(path.name)  # bron and regio from the name, whatever its separators (formats/shop_names.py)
    bron, regio = naam.bron, naam.regio
    if naam.bevinding(name) is not None:
        problems.append(naam.bevinding(name))
    if problems:
        result.bevindingen += problems
        return
    if naam.label:
        result.waarschuwingen.append(f"{name} herkend als {naam.label}.")
    if naam.jaren:
        first, last = naam.jaren
        outside = [y for y in years if not first <= int(y) <= last]
        if outside:
            jaren = f"{first}" if first == last else f"{first}-{last}"
            result.waarschuwingen.append(f"{name}: jaarkolom(men) {', '.join(outside)} vallen buiten de jaren in de bestandsnaam ({jaren}).")

    labels = frame[label_col].str.strip()
    is_total = (labels.str.lower() == total_label).fillna(False).to_numpy()
    is_empty = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        is_empty &= frame[c].isna().to_numpy() | (frame[c].str.strip() == "").fillna(True).to_numpy()
    body = ~is_total & ~is_empty
    rij_all = table.rij.to_numpy()
    year_cols = {y: f"c{header.index(y)}" for y in years}
    n_body = int(body.sum())
    if n_body == 0:
        result.bevindingen.append(Bevinding(bestand=name, regel="minstens één rij met gegevens",
                                            toelichting="de tabel heeft geen rijen per uitbuitingsvorm",
                                            advies=f"Lever de tabel met een rij per uitbuitingsvorm en {OPNIEUW}"))
        return
    # Long text frame: one row per (uitbuitingsvorm, jaar).
    long = pd.DataFrame({
        "bron": pd.array([bron] * (n_body * len(years)), dtype=STRING),
        "regio": pd.array([regio] * (n_body * len(years)), dtype=STRING),
        "jaar": pd.array([y for y in years for _ in range(n_body)], dtype=STRING),
        "uitbuitingsvorm": pd.array(list(labels[body]) * len(years), dtype=STRING),
        "aantal": pd.concat([frame.loc[body, year_cols[y]] for y in years], ignore_index=True).astype(STRING).array,
    })
    rij = np.tile(rij_all[body], len(years))
    shown = {
        "aantal": np.repeat(np.array(years, dtype=object), n_body),
        "jaar": np.repeat(np.array(years, dtype=object), n_body),
        "uitbuitingsvorm": np.array([header[label_pos]] * len(long), dtype=object),
    }
    result.rijen_in_bestand = n_body
    prepared = check_values(result, contract, long, rij, None, today, display=shown)
    if result.geweigerd:
        return
    # Totaal row and Totaal column must equal the sums.
    values = prepared.gx["aantal"].to_numpy().reshape(len(years), n_body)
    for pos in np.flatnonzero(is_total):
        for j, y in enumerate(years):
            stated = parse_integer(pd.Series([frame.at[pos, year_cols[y]]], dtype=STRING).str.strip())[0]
            expected = int(values[j].sum())
            if np.isnan(stated) or int(stated) != expected:
                result.bevindingen.append(Bevinding(
                    bestand=name, kolom=y, regel="Totaal = som van de kolom", rijen=[int(rij_all[pos])], aantal=1,
                    voorbeeld=_text(frame.at[pos, year_cols[y]]),
                    toelichting=f"de som van de uitbuitingsvormen in {y} is {expected}",
                    advies="Controleer de overgenomen cijfers tegen de bron (een tikfout of een ontbrekende rij) en "
                           f"{OPNIEUW}",
                ))
    total_cols = [i for i, h in enumerate(header) if h.lower() == total_label]
    for i in total_cols:
        stated = parse_integer(frame[f"c{i}"].str.strip())
        sums = values.sum(axis=0)
        body_pos = np.flatnonzero(body)
        wrong = [k for k, pos in enumerate(body_pos) if np.isnan(stated[pos]) or int(stated[pos]) != int(sums[k])]
        if wrong:
            result.bevindingen.append(Bevinding(
                bestand=name, kolom=header[i], regel="Totaal = som van de rij", rijen=[int(rij_all[body_pos[k]]) for k in wrong],
                aantal=len(wrong), voorbeeld=_text(frame.at[body_pos[wrong[0]], f"c{i}"]),
                toelichting=f"de som van de jaren is {int(sums[wrong[0]])}",
                advies=f"Controleer de overgenomen cijfers tegen de bron en {OPNIEUW}",
            ))
    if result.geweigerd:
        return
    out = typed_frame(prepared, rij)
    out["bestand"] = pd.array([name] * len(out), dtype=STRING)
    result.frame = out
