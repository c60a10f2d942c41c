"""Find inbox files and read them into text columns, refusing what is not a readable table.

Reading keeps every value as text (identifiers keep their leading zeros); typing happens in
`data_contracts.columns` after the contract's normalisations. CSV habits of Dutch registers
are accepted: `;` or `,` separator, UTF-8 with or without BOM, Windows-1252, empty = missing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_contracts.contract import SOURCES, Contract

STRING = pd.StringDtype("pyarrow")
from data_contracts.result import Bevinding, ContractError

# Inbox subfolder -> the sources whose files live there.
FOLDERS = {
    "bag": ("bag_verblijfsobject",),
    "brp": ("brp_adrestellingen",),
    "rni": ("rni_inschrijvingen",),
    "kvk": ("kvk_vestigingen",),
    "woz": ("woz_gebruik",),
    "signalen": ("signalen", "controles"),
    "slachtoffers": ("slachtoffers",),
}
MONTH_IN_NAME = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})(?![0-9])")
_SKIP_NAMES = {"thumbs.db", "desktop.ini", "readme.md", "readme.txt", "leesmij.txt"}


class Refused(Exception):
    """Raised while reading: the file is refused for the attached findings."""

    def __init__(self, bevindingen: list[Bevinding]):
        super().__init__("; ".join(b.melding() for b in bevindingen))
        self.bevindingen = bevindingen


# --------------------------------------------------------------------------- inbox


def parse_inbox_path(path: Path) -> tuple[str, str | None]:
    """(source, 'YYYY-MM') of an inbox file from its name or subfolder; maand is None for slachtoffers.

    The month is returned as written (a non-existent month such as 2025-13 is refused later by
    `validate_file`, with a message). Raises ContractError (Dutch) for a file that belongs to no
    contract.
    """
    path = Path(path)
    stem = path.stem.lower()
    folder = path.parent.name.lower()
    folder_sources = FOLDERS.get(folder)

    source = next((s for s in sorted(SOURCES, key=len, reverse=True) if stem == s or stem.startswith(s + "_")), None)
    if source is None and folder_sources and len(folder_sources) == 1:
        source = folder_sources[0]
    if source is None:
        hint = f" in de map '{folder}'" if folder_sources else ""
        raise ContractError(
            f"Onbekend bestand '{path.name}'{hint}: de naam hoort bij geen enkel datacontract",
            "Noem het bestand naar de bron en de maand, bijvoorbeeld brp_adrestellingen_2026-10.csv, "
            "signalen_2026-10.csv of slachtoffers_shop_hollands-midden_2018-2022.csv.",
        )
    if folder_sources and source not in folder_sources:
        raise ContractError(
            f"Bestand '{path.name}' staat in de map '{folder}', maar de naam hoort bij bron '{source}'",
            f"Zet het in de map '{_folder_of(source)}' van de inbox.",
        )
    if source == "slachtoffers":
        return source, None
    rest = stem[len(source):] if stem.startswith(source) else stem
    match = MONTH_IN_NAME.search(rest)
    if match is None:
        raise ContractError(
            f"Bestandsnaam '{path.name}' noemt geen maand",
            f"Noem het bestand {source}_JJJJ-MM{path.suffix or '.csv'}, bijvoorbeeld {source}_2026-10{path.suffix or '.csv'}.",
        )
    return source, f"{match.group(1)}-{match.group(2)}"


def _folder_of(source: str) -> str:
    return next(folder for folder, sources in FOLDERS.items() if source in sources)


@dataclass
class InboxFile:
    """One file in the inbox.

    `superseded_by` is set when a later file (by modification time) exists for the same source
    and month: only the latest is used. `error` is set (and `source` None) for a file that
    belongs to no contract. `usable` is True for the file to process.
    """

    source: str | None
    maand: str | None
    path: Path
    _sha256: str | None = field(default=None, repr=False)  # computed on first use of `sha256`
    mtime: float = 0.0
    superseded_by: Path | None = None
    error: str | None = None

    @property
    def sha256(self) -> str:
        """SHA-256 of the file, computed when first asked for: listing an inbox of two years of
        national files should not read them all."""
        if self._sha256 is None:
            self._sha256 = sha256_of(self.path)
        return self._sha256

    @property
    def usable(self) -> bool:
        return self.error is None and self.superseded_by is None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _skipped(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith((".", "~$", "~")) or name.endswith((".tmp", ".part", ".crdownload")) or name in _SKIP_NAMES


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Every file in the inbox (recursively), with source, month and SHA-256 (computed on first use).

    When several files exist for the same source and month, the one modified last wins (ties:
    the name sorting last); the others get `superseded_by`. The list is sorted by source and
    month, and within a source+month the winning file comes last, so `{f.source: f for f in
    ...}` keeps the winner. Files of no contract are listed with `error` and source None.
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    files: list[InboxFile] = []
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() and not _skipped(p)):
        stat = path.stat()
        try:
            source, maand = parse_inbox_path(path)
            files.append(InboxFile(source, maand, path, None, stat.st_mtime))
        except ContractError as exc:
            files.append(InboxFile(None, None, path, None, stat.st_mtime, error=str(exc)))
    groups: dict[tuple, list[InboxFile]] = {}
    for f in files:
        if f.source and f.source != "slachtoffers":
            groups.setdefault((f.source, f.maand), []).append(f)
    for group in groups.values():
        group.sort(key=lambda f: (f.mtime, f.path.name))
        for older in group[:-1]:
            older.superseded_by = group[-1].path
    return sorted(
        files,
        key=lambda f: (f.source or "~", f.maand or "", f.superseded_by is None, f.mtime, f.path.name),
    )


# --------------------------------------------------------------------------- reading


@dataclass
class RawTable:
    """A file read as text: `frame` has the file's header names and string columns (NA = empty)."""

    frame: pd.DataFrame
    header: list[str]
    rij: pd.Series  # 1-based data row number of each frame row
    encoding: str = "UTF-8"
    separator: str = ";"
    format: str = "csv"
    waarschuwingen: list[str] = field(default_factory=list)


ADVIES_CSV = (
    "Sla het bestand in Excel op via 'Opslaan als' > 'CSV UTF-8 (door lijstscheidingsteken gescheiden)' "
    "of 'CSV (gescheiden door lijstscheidingsteken)', zet het opnieuw in de inbox en draai de maand opnieuw."
)


def _refuse(name: str, regel: str, toelichting: str, advies: str = ADVIES_CSV, **kw) -> Refused:
    return Refused([Bevinding(bestand=name, regel=regel, toelichting=toelichting, advies=advies, **kw)])


def decode_csv_bytes(raw: bytes, name: str) -> tuple[bytes, str]:
    """UTF-8 bytes of a text file and the encoding it was read with, or Refused."""
    regel = "leesbaar CSV-bestand (UTF-8 of Windows-1252)"
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse(name, "niet leeg", "het bestand is leeg", "Lever het bestand opnieuw aan met een kopregel en gegevens.")
    if raw[:4] == b"PK\x03\x04":
        raise _refuse(
            name, regel,
            "dit is een Excel-werkmap (.xlsx) die alleen de extensie .csv heeft gekregen",
            "Open het bestand in Excel en kies 'Opslaan als' > 'CSV UTF-8 (door lijstscheidingsteken gescheiden)'. "
            "Alleen de extensie veranderen is niet genoeg.",
        )
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse(name, regel, "dit is een oud Excel-bestand (.xls) met de extensie .csv", ADVIES_CSV)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(raw[:4096]):
        raise _refuse(
            name, regel,
            "het bestand is UTF-16 gecodeerd (zoals Excel 'Unicode-tekst' opslaat)",
            "Open het bestand in Excel en kies 'Opslaan als' > 'CSV UTF-8 (door lijstscheidingsteken gescheiden)' "
            "(niet 'Unicode-tekst'); zet het daarna opnieuw in de inbox.",
        )
    if raw[:4] == b"PAR1":
        raise _refuse(name, regel, "dit is een Parquet-bestand met de extensie .csv", "Geef het bestand de extensie .parquet (alleen voor BAG) of lever een CSV aan.")
    if raw[:16] == b"SQLite format 3\x00":
        raise _refuse(name, regel, "dit is een GeoPackage/SQLite-bestand met de extensie .csv", "Geef het bestand de extensie .gpkg (alleen voor BAG) of lever een CSV aan.")
    if raw[:2] == b"\x1f\x8b":
        raise _refuse(name, regel, "dit is een gecomprimeerd (gzip) bestand", "Pak het bestand eerst uit en zet de CSV in de inbox.")
    head = raw[:65536]
    control = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 13))
    if b"\x00" in head or control > max(8, len(head) // 200):
        raise _refuse(name, regel, "het bestand is geen tekstbestand (binaire inhoud)", ADVIES_CSV)
    if raw[:3] == b"\xef\xbb\xbf":
        body = raw[3:]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refuse(name, regel, f"ongeldige UTF-8-tekens (positie {exc.start})") from None
        return body, "UTF-8 met BOM"
    try:
        raw.decode("utf-8")
        return raw, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252").encode("utf-8"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise _refuse(name, regel, f"onbekende tekencodering (byte {raw[exc.start]:#04x} op positie {exc.start})") from None


def _looks_utf16(head: bytes) -> bool:
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > len(even) * 0.3 or odd.count(0) > len(odd) * 0.3


def _split_header(line: str, sep: str) -> list[str]:
    return [h.strip().strip('"').strip() for h in next(csv.reader([line], delimiter=sep))]


def detect_separator(header_line: str, name: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    if counts[";"] or counts[","]:
        return ";" if counts[";"] >= counts[","] else ","
    regel = "scheidingsteken ; of ,"
    if counts["\t"]:
        raise _refuse(
            name, regel, "de kolommen zijn gescheiden door tabs (tab-gescheiden tekst)",
            "Sla het bestand op als CSV met puntkomma's of komma's ('CSV UTF-8 (door lijstscheidingsteken gescheiden)') "
            "en zet het opnieuw in de inbox.",
        )
    if counts["|"]:
        raise _refuse(name, regel, "de kolommen zijn gescheiden door '|'", "Lever het bestand met ; of , als scheidingsteken.")
    raise _refuse(
        name, regel, f"geen scheidingsteken gevonden in de kopregel ('{header_line[:60]}')",
        "Lever een CSV met een kopregel met de kolomnamen van het contract, gescheiden door ; of ,.",
    )


def read_csv_text(path: Path, raw: bytes | None = None) -> RawTable:
    """Read a CSV file as text columns; Refused for an unreadable file or a broken table."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    name = path.name
    raw = path.read_bytes() if raw is None else raw
    body, encoding = decode_csv_bytes(raw, name)
    if b"\n" not in body and b"\r" in body:  # old Mac line endings
        body = body.replace(b"\r", b"\n")
    # The header is the first non-empty line.
    offset = 0
    while True:
        end = body.find(b"\n", offset)
        line = body[offset: end if end >= 0 else len(body)]
        if line.strip(b" \t\r") or end < 0:
            break
        offset = end + 1
    header_line = line.decode("utf-8").rstrip("\r")
    data = body[end + 1:] if end >= 0 else b""
    sep = detect_separator(header_line, name)
    header = _split_header(header_line, sep)

    names = [f"c{i}" for i in range(len(header))]
    bad_rows: list[tuple] = []

    def on_invalid(row) -> str:
        bad_rows.append((row.number, row.actual_columns, row.text))
        return "skip"

    def parse(careful: bool):
        # Fast path: multi-threaded, a malformed row raises. Careful path: one thread, every
        # malformed row collected with its row number.
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=not careful, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, invalid_row_handler=on_invalid if careful else None
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )

    table = None
    if data.strip():
        try:
            table = parse(careful=False)
        except pa.ArrowInvalid:
            try:
                table = parse(careful=True)
            except pa.ArrowInvalid as exc:
                raise _refuse(name, "leesbare CSV-tabel", f"het bestand kan niet als tabel gelezen worden ({exc})") from None
    if bad_rows:
        rows = [int(n) if n is not None else 0 for n, _, _ in bad_rows]
        counts = sorted({actual for _, actual, _ in bad_rows})
        raise _refuse(
            name, f"elke rij heeft {len(header)} velden, net als de kopregel",
            f"aantal velden gevonden: {', '.join(map(str, counts))}",
            "Controleer of er een scheidingsteken (; of ,) in een waarde staat zonder aanhalingstekens, of dat het "
            "bestand halverwege is afgebroken. Exporteer opnieuw en zet het bestand opnieuw in de inbox.",
            rijen=rows, aantal=len(rows),
        )
    if table is None:
        frame = pd.DataFrame({n: pd.Series([], dtype=STRING) for n in names})
    else:
        frame = table.to_pandas(types_mapper={pa.string(): STRING}.get)
    frame.columns = names
    rij = pd.Series(range(1, len(frame) + 1), dtype="int64")
    return RawTable(frame=frame, header=header, rij=rij, encoding=encoding, separator=sep, format="csv")


def read_parquet_text(path: Path, contract: Contract) -> RawTable:
    """Read a Parquet file (same columns as the CSV) as text columns, cast column by column in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - any reader error means the file is unreadable
        raise _refuse(path.name, "leesbaar Parquet-bestand", f"het bestand kan niet gelezen worden ({type(exc).__name__})",
                      "Exporteer het bestand opnieuw als Parquet of als CSV.") from None
    header = list(table.column_names)
    out, warnings = {}, []
    for i, (col, array) in enumerate(zip(header, table.columns)):
        spec = contract.columns.get(col)
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        if pa.types.is_timestamp(array.type):
            array = array.cast(pa.date32())
        if pa.types.is_floating(array.type) and spec is not None and spec.type != "number":
            whole = pc.all(pc.equal(array, pc.round(array))).as_py()
            if whole in (True, None):
                array = array.cast(pa.int64())
        text = array.cast(pa.string())
        if spec is not None and spec.type == "id" and spec.id_length and pa.types.is_integer(array.type):
            text = pc.utf8_lpad(text, width=spec.id_length, padding="0")
            warnings.append(
                f"Kolom '{col}' is in het Parquet-bestand als getal opgeslagen; voorloopnullen zijn aangevuld tot "
                f"{spec.id_length} cijfers."
            )
        out[f"c{i}"] = text
    frame = pa.table(out).to_pandas(types_mapper={pa.string(): STRING}.get) if out else pd.DataFrame()
    return RawTable(
        frame=frame, header=header, rij=pd.Series(range(1, len(frame) + 1), dtype="int64"),
        encoding="-", separator="-", format="parquet", waarschuwingen=warnings,
    )


def read_gpkg_text(path: Path, contract: Contract) -> RawTable:
    """Read the verblijfsobject layer of a GeoPackage; the geometry becomes x, y in RD (EPSG:28992)."""
    import geopandas as gpd

    regel = "leesbare GeoPackage met laag verblijfsobject"
    try:
        layers = list(gpd.list_layers(path)["name"])
        wanted = contract.gpkg.get("layer", "verblijfsobject")
        layer = wanted if wanted in layers else (layers[0] if len(layers) == 1 else None)
        if layer is None:
            raise _refuse(path.name, regel, f"de GeoPackage heeft geen laag '{wanted}' (lagen: {', '.join(layers)})",
                          "Lever de laag verblijfsobject van de BAG-GeoPackage (bag-light.gpkg) aan.")
        gdf = gpd.read_file(path, layer=layer)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _refuse(path.name, regel, f"het bestand kan niet gelezen worden ({type(exc).__name__})",
                      "Lever de BAG-GeoPackage opnieuw aan, of dezelfde kolommen als CSV of Parquet met x en y.") from None
    warnings = []
    if gdf.geometry is not None and gdf.geometry.name in gdf.columns:
        geom = gdf.geometry
        if gdf.crs is not None and gdf.crs.to_epsg() != 28992:
            warnings.append(f"Geometrie omgezet van {gdf.crs.to_string()} naar RD (EPSG:28992).")
            geom = geom.to_crs(28992)
        points = geom.where(geom.geom_type == "Point", geom.representative_point())
        x_col, y_col = contract.gpkg.get("geometry_to", ["x", "y"])
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        frame[x_col] = points.x.values
        frame[y_col] = points.y.values
    else:
        frame = pd.DataFrame(gdf)
    table = _frame_to_text(frame, contract, "gpkg")
    table.waarschuwingen[:0] = warnings
    return table


def _frame_to_text(frame: pd.DataFrame, contract: Contract, fmt: str) -> RawTable:
    """Typed columns of a binary format as text, the way a CSV would have carried them."""
    header = [str(c) for c in frame.columns]
    names = [f"c{i}" for i in range(len(header))]
    out = {}
    warnings = []
    for name, col, series in zip(names, header, [frame.iloc[:, i] for i in range(frame.shape[1])]):
        spec = contract.columns.get(col)
        if pd.api.types.is_datetime64_any_dtype(series):
            text = series.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_integer_dtype(series) or pd.api.types.is_float_dtype(series):
            numeric = series
            if pd.api.types.is_float_dtype(series) and spec is not None and spec.type != "number":
                whole = series.dropna()
                if len(whole) and (whole == whole.round()).all():
                    numeric = series.astype("Int64")
            text = numeric.astype("string")
            if spec is not None and spec.type == "id" and spec.id_length:
                padded = text.str.zfill(spec.id_length)
                if (padded != text).fillna(False).any():
                    warnings.append(
                        f"Kolom '{col}' is in het {fmt}-bestand als getal opgeslagen; voorloopnullen zijn aangevuld "
                        f"tot {spec.id_length} cijfers."
                    )
                text = padded
        else:
            text = series.astype("string")
        out[name] = text.astype(STRING)
    text_frame = pd.DataFrame(out, index=range(len(frame)))
    return RawTable(
        frame=text_frame, header=header, rij=pd.Series(range(1, len(frame) + 1), dtype="int64"),
        encoding="-", separator="-", format=fmt, waarschuwingen=warnings,
    )
