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

import numpy as np
import pandas as pd

from data_contracts.contract import SOURCES, Contract
from data_contracts.result import Bevinding, ContractError, OngeldigInboxbestand

STRING = pd.StringDtype("pyarrow")

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
# Archives are never unpacked: an archive can hold any number of files, names with '..' or
# absolute paths, and a few kilobytes can unpack to gigabytes.
ARCHIVES = {".zip": "zip-archief", ".7z": "7-Zip-archief", ".rar": "RAR-archief", ".tar": "tar-archief",
            ".tgz": "tar-archief", ".gz": "gzip-bestand", ".bz2": "bzip2-bestand", ".xz": "xz-bestand"}
MAX_NAAM = 200  # characters in a file name


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
    check_name(path.name)
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


def check_name(name: str) -> None:
    """Raise OngeldigInboxbestand for a file name the inbox does not take: path separators, '..',
    control characters (a newline in a name would forge a line in a log), an archive."""
    voorbeeld = "brp_adrestellingen_2026-10.csv"
    if "/" in name or "\\" in name:
        raise OngeldigInboxbestand(
            f"De bestandsnaam '{_printable(name)}' bevat een mapscheidingsteken ('/' of '\\')",
            f"Een bestandsnaam in de inbox is alleen een naam, zonder map. Hernoem het bestand, bijvoorbeeld {voorbeeld}.",
        )
    if ".." in name:
        raise OngeldigInboxbestand(
            f"De bestandsnaam '{_printable(name)}' bevat '..'",
            f"'..' in een naam kan naar een andere map verwijzen en wordt niet gelezen. Hernoem het bestand, bijvoorbeeld {voorbeeld}.",
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise OngeldigInboxbestand(
            f"De bestandsnaam '{_printable(name)}' bevat een onzichtbaar stuurteken (zoals een regeleinde of tab)",
            f"Hernoem het bestand met alleen letters, cijfers, '-' en '_', bijvoorbeeld {voorbeeld}.",
        )
    if len(name) > MAX_NAAM:
        raise OngeldigInboxbestand(
            f"De bestandsnaam is {len(name)} tekens lang (hoogstens {MAX_NAAM})",
            f"Hernoem het bestand naar de bron en de maand, bijvoorbeeld {voorbeeld}.",
        )
    suffix = Path(name).suffix.lower()
    if suffix in ARCHIVES:
        raise OngeldigInboxbestand(
            f"'{name}' is een {ARCHIVES[suffix]}; archieven worden niet uitgepakt",
            "Pak het archief zelf uit en zet alleen de bestanden van de contracten in de inbox, elk in de map van zijn "
            f"bron, bijvoorbeeld inbox/brp/{voorbeeld}.",
        )


def _printable(name: str) -> str:
    text = "".join(ch if ord(ch) >= 32 and ord(ch) != 127 else "?" for ch in name)
    return text if len(text) <= 80 else text[:77] + "..."


def check_inbox_link(path: Path, inbox: Path) -> None:
    """Raise OngeldigInboxbestand when `path` (in `inbox`) is, or lies under, a link to a place
    outside the inbox, or a link to nothing. Links within the inbox are fine."""
    path, inbox = Path(path), Path(inbox)
    root = inbox.resolve()
    try:
        target = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):  # a dangling link, a loop of links
        raise OngeldigInboxbestand(
            f"'{path.name}' is een snelkoppeling (symbolische link) naar een bestand dat niet bestaat",
            "Verwijder de snelkoppeling en zet het bestand zelf in de inbox.",
        ) from None
    if not target.is_relative_to(root):
        raise OngeldigInboxbestand(
            f"'{path.name}' is een snelkoppeling (symbolische link) naar een bestand of map buiten de inbox",
            "De risicoradar leest alleen bestanden die in de inbox zelf staan. Kopieer het bestand in de inbox (in de map "
            "van zijn bron) in plaats van een snelkoppeling te maken.",
        )


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
    # A register's own delivery without the month in its name (inbox/bag/bag-light.gpkg, an LV BAG
    # extract): the month comes from the file itself; `maand_reden` says so, `formaat` names it.
    maand_reden: str | None = None
    formaat: str | None = None

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
    hidden = name.startswith((".", "~$", "~")) and not name.startswith("..")  # "..x" is refused, not hidden
    return hidden or name.endswith((".tmp", ".part", ".crdownload")) or name in _SKIP_NAMES


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
    for path in sorted(p for p in inbox.rglob("*") if (p.is_file() or p.is_symlink()) and not _skipped(p)):
        try:
            check_inbox_link(path, inbox)
            if path.is_dir():
                continue  # a link to a folder of the inbox itself: its files are listed where they are
        except ContractError as exc:
            files.append(InboxFile(None, None, path, None, path.lstat().st_mtime, error=str(exc)))
            continue
        try:
            source, maand = parse_inbox_path(path)
            files.append(InboxFile(source, maand, path, None, path.stat().st_mtime))
        except ContractError as exc:
            entry = real_delivery(path)
            if entry is not None and entry[1] is not None:
                source, maand, reden, fmt = entry
                files.append(InboxFile(source, maand, path, None, path.stat().st_mtime, maand_reden=reden,
                                       formaat=fmt.label))
            else:
                error, formaat = str(exc), None
                if entry is not None:  # recognised, but no month: usable only for a run that names one
                    error = (f"{entry[3].herkend}, maar {entry[2]}; geef de maand mee: "
                             "risicoradar run --maand JJJJ-MM")
                    formaat = entry[3].label
                files.append(InboxFile(None, None, path, None, path.lstat().st_mtime, error=error, formaat=formaat))
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


def real_delivery(path: Path):
    """(source, maand, reden, format) of a register's own BAG delivery in inbox/bag/ that has no
    contract name (bag-light.gpkg, an LV BAG extract zip; `data_contracts.formats`), else None.
    The name's other rules ('..', control characters, length) still hold."""
    path = Path(path)
    if path.parent.name.lower() != _folder_of("bag_verblijfsobject"):
        return None
    try:
        check_name(Path(path.name).stem + ".gpkg")
    except ContractError:
        return None
    from data_contracts.formats import inbox_entry  # the readers import this module

    return inbox_entry(path)


def same_month_note(files: list[InboxFile], source: str, maand: str, path: Path | None = None) -> str | None:
    """A Dutch note when the inbox holds more than one file for `source` and `maand` (from
    `scan_inbox`): which file the monthly run uses and which it leaves, and whether their content
    differs. With `path`, the note says whether that file is the one used. None for a single file.

    Two files are not refused: a correction file is the usual way to replace a delivery. But a
    careful analyst wants to know, so `validate_file` (and through it `valideer` and the monthly
    run) adds this note as a warning.
    """
    group = [f for f in files if f.source == source and f.maand == maand and f.error is None]
    if len(group) < 2:
        return None
    used = next(f for f in group if f.superseded_by is None)
    rest = [f for f in group if f is not used]
    differ = [f for f in rest if f.sha256 != used.sha256]
    when = _fmt_time(used.mtime)
    if not differ:
        note = (f"Voor {source} {maand} staat hetzelfde bestand {len(group)} keer in de inbox "
                f"({', '.join(f.path.name for f in group)}); gebruikt wordt {used.path.name}.")
    else:
        note = (f"Voor {source} {maand} staan {len(group)} bestanden met verschillende inhoud in de inbox. Gebruikt wordt "
                f"{used.path.name} (het laatst gewijzigd, {when}); niet gebruikt: {', '.join(f.path.name for f in rest)}. "
                "Haal het bestand dat niet klopt uit de inbox, dan is er geen twijfel over welk bestand telt.")
    if path is not None and Path(path).resolve() != used.path.resolve():
        note = f"Dit bestand wordt in de maandverwerking niet gebruikt. {note}"
    return note


def _fmt_time(mtime: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M")


def inbox_of(path: Path) -> Path | None:
    """The inbox a file lies in when it is laid out as inbox/<bron-map>/<bestand>, else None."""
    path = Path(path)
    return path.parent.parent if path.parent.name.lower() in FOLDERS else None


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
    # Selective read (a large BAG in a gemeente's inbox): only the gemeente's rows are in `frame`;
    # `andere_gemeenten` counts the rows left out per gemeentecode.
    selectief: bool = False
    andere_gemeenten: dict[str, int] = field(default_factory=dict)


ADVIES_CSV = (
    "Sla het bestand in Excel op via 'Opslaan als' > 'CSV UTF-8 (door lijstscheidingsteken gescheiden)' "
    "of 'CSV (gescheiden door lijstscheidingsteken)', zet het opnieuw in de inbox en draai de maand opnieuw."
)


def _field_count_refusal(name: str, header, numbers: list, actual: list):
    """The refusal of rows whose number of fields differs from the header (every CSV reader)."""
    rows = [int(n) if n is not None else 0 for n in numbers]
    return _refuse(
        name, f"elke rij heeft {len(header)} velden, net als de kopregel",
        f"aantal velden gevonden: {', '.join(map(str, sorted(set(actual))))}",
        "Controleer of er een scheidingsteken (; of ,) in een waarde staat zonder aanhalingstekens, of dat het "
        "bestand halverwege is afgebroken. Exporteer opnieuw en zet het bestand opnieuw in de inbox.",
        rijen=rows, aantal=len(rows),
    )


def _refuse(name: str, regel: str, toelichting: str, advies: str = ADVIES_CSV, **kw) -> Refused:
    return Refused([Bevinding(bestand=name, regel=regel, toelichting=toelichting, advies=advies, **kw)])


CSV_REGEL = "leesbaar CSV-bestand (UTF-8 of Windows-1252)"


def check_csv_head(raw: bytes, name: str) -> None:
    """Refuse, from its first bytes, a file that is not a text table: an Excel workbook or another
    archive, old Excel, UTF-16, Parquet, GeoPackage, gzip, binary content."""
    regel = CSV_REGEL
    if raw[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        if _zip_kind(raw) == "xlsx":
            raise _refuse(
                name, regel,
                "dit is een Excel-werkmap (.xlsx) die alleen de extensie .csv heeft gekregen",
                "Open het bestand in Excel en kies 'Opslaan als' > 'CSV UTF-8 (door lijstscheidingsteken gescheiden)'. "
                "Alleen de extensie veranderen is niet genoeg.",
            )
        raise _refuse(
            name, regel, "dit is een zip-archief met de extensie .csv; archieven worden niet uitgepakt",
            "Pak het archief zelf uit en zet alleen het CSV-bestand van het contract in de inbox.",
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


def _nul_refusal(name: str, position: int, line: int) -> Refused:
    return _refuse(name, CSV_REGEL, f"het bestand bevat een NUL-teken (byte 0x00) op regel {line} (positie {position}); "
                                    "zo'n teken hoort niet in tekst", ADVIES_CSV)


def decode_csv_bytes(raw: bytes, name: str) -> tuple[bytes, str]:
    """UTF-8 bytes of a text file and the encoding it was read with, or Refused."""
    regel = CSV_REGEL
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse(name, "niet leeg", "het bestand is leeg", "Lever het bestand opnieuw aan met een kopregel en gegevens.")
    check_csv_head(raw, name)
    nul = raw.find(b"\x00")  # beyond the first 64 kB: one NUL byte in a value (a damaged export)
    if nul >= 0:
        raise _nul_refusal(name, nul, raw.count(b"\n", 0, nul) + 1)
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


def _zip_kind(raw: bytes) -> str:
    """'xlsx' for an Excel workbook, else 'zip' (only the archive's directory is read)."""
    import zipfile

    try:
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    return "xlsx" if any(n.startswith("xl/") for n in names) else "zip"


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
                # large_string: what pandas' Arrow-backed text holds (no second copy in to_pandas)
                column_types={n: pa.large_string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
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
        raise _field_count_refusal(name, header, [n for n, *_ in bad_rows], [actual for _, actual, *_ in bad_rows])
    if table is None:
        frame = pd.DataFrame({n: pd.Series([], dtype=STRING) for n in names})
    else:
        frame = table.to_pandas(types_mapper={pa.large_string(): STRING}.get)
    frame.columns = names
    rij = pd.Series(range(1, len(frame) + 1), dtype="int64")
    return RawTable(frame=frame, header=header, rij=rij, encoding=encoding, separator=sep, format="csv")


def read_parquet_text(path: Path, contract: Contract) -> RawTable:
    """Read a Parquet file (same columns as the CSV) as text columns, cast column by column in Arrow."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except _arrow_errors() as exc:  # a damaged or not-Parquet file; anything else (no memory, no access) surfaces
        raise _unreadable_parquet(path.name, exc) from None
    return _parquet_text(table, contract, path.name)


def _arrow_errors() -> tuple:
    """What pyarrow raises for a file whose content it cannot read (not for a missing file or no memory)."""
    import pyarrow as pa

    return (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)


def _unreadable_parquet(name: str, exc: Exception) -> Refused:
    return _refuse(name, "leesbaar Parquet-bestand", f"het bestand kan niet gelezen worden ({type(exc).__name__})",
                   "Exporteer het bestand opnieuw als Parquet of als CSV.")


def _parquet_text(table, contract: Contract, name: str) -> RawTable:
    """An Arrow table read from Parquet as text columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

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
        try:
            # large_string: what pandas' Arrow-backed text holds (a pa.string() column would be cast
            # a second time, a copy of ten million values, when the frame is made)
            text = array.cast(pa.large_string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            raise _refuse(name, "leesbaar Parquet-bestand", f"kolom '{col}' heeft het type {array.type}, dat geen tekst, getal of datum is",
                          "Lever elke kolom als tekst, getal of datum (zoals in de CSV van het contract).", kolom=col) from None
        if spec is not None and spec.type == "id" and spec.id_length and pa.types.is_integer(array.type):
            text = pc.utf8_lpad(text, width=spec.id_length, padding="0")
            warnings.append(
                f"Kolom '{col}' is in het Parquet-bestand als getal opgeslagen; voorloopnullen zijn aangevuld tot "
                f"{spec.id_length} cijfers."
            )
        out[f"c{i}"] = text
    frame = pa.table(out).to_pandas(types_mapper={pa.large_string(): STRING}.get) if out else pd.DataFrame()
    return RawTable(
        frame=frame, header=header, rij=pd.Series(range(1, len(frame) + 1), dtype="int64"),
        encoding="-", separator="-", format="parquet", waarschuwingen=warnings,
    )


def _gpkg_errors() -> tuple:
    """What pyogrio (GDAL) raises for a file it cannot read as a GeoPackage layer."""
    from pyogrio import errors

    return (errors.DataSourceError, errors.DataLayerError, errors.FieldError, errors.GeometryError,
            errors.FeatureError, errors.CRSError)


GPKG_REGEL = "leesbare GeoPackage met laag verblijfsobject"
GPKG_ADVIES = "Lever de laag verblijfsobject van de BAG-GeoPackage (bag-light.gpkg) aan, of dezelfde kolommen als CSV of Parquet met x en y."


def gpkg_layer(path: Path, contract: Contract) -> str:
    """The layer to read: the contract's layer (verblijfsobject), or the only layer when it carries the
    contract's columns (a gemeente's own export under another layer name); else Refused."""
    import pyogrio

    wanted = contract.gpkg.get("layer", "verblijfsobject")
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if wanted in layers:
            return wanted
        if len(layers) == 1:
            fields = set(pyogrio.read_info(path, layer=layers[0])["fields"])
            needed = set(contract.columns) - set(contract.gpkg.get("geometry_to", ["x", "y"]))
            if needed <= fields:
                return layers[0]
    except _gpkg_errors() as exc:
        raise _refuse(path.name, GPKG_REGEL, f"het bestand kan niet gelezen worden ({type(exc).__name__})", GPKG_ADVIES) from None
    found = f"lagen: {', '.join(layers)}" if layers else "de GeoPackage heeft geen enkele laag"
    raise _refuse(path.name, GPKG_REGEL, f"de GeoPackage heeft geen laag '{wanted}' ({found})",
                  "Lever de laag verblijfsobject van de BAG-GeoPackage (bag-light.gpkg) aan; de lagen pand, "
                  "standplaats, ligplaats en woonplaats zijn niet genoeg.")


def read_gpkg_text(path: Path, contract: Contract, *, gemeente: str | None = None) -> RawTable:
    """Read the verblijfsobject layer of a GeoPackage; the geometry becomes x, y in RD (EPSG:28992).

    With `gemeente`, only that gemeente's rows are read (GDAL filters while reading, so the
    national bag-light.gpkg costs the memory of one gemeente); `rij` is then the feature id.
    """
    import geopandas as gpd
    import pyogrio

    layer = gpkg_layer(path, contract)
    column = contract.gemeente_column
    others: dict[str, int] = {}
    try:
        if gemeente is None:
            gdf = gpd.read_file(path, layer=layer)
            rij = None
        else:
            if not re.fullmatch(r"[0-9]{4}", gemeente):
                raise ValueError(f"gemeentecode {gemeente!r} is not four digits")
            counts = pyogrio.read_dataframe(
                path, sql=f'SELECT "{column}" AS code, COUNT(*) AS n FROM "{layer}" GROUP BY 1', read_geometry=False,
            )
            others = {("" if pd.isna(c) else str(c)): int(n) for c, n in zip(counts["code"], counts["n"]) if c != gemeente}
            gdf = gpd.read_file(path, layer=layer, where=f"\"{column}\" = '{gemeente}'", fid_as_index=True)
            rij = gdf.index.to_numpy(dtype="int64")
            gdf = gdf.reset_index(drop=True)
    except _gpkg_errors() as exc:
        raise _refuse(path.name, GPKG_REGEL, f"het bestand kan niet gelezen worden ({type(exc).__name__})", GPKG_ADVIES) from None
    warnings = [] if layer == contract.gpkg.get("layer", "verblijfsobject") else [f"Laag '{layer}' van de GeoPackage gelezen."]
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
    if rij is not None:
        table.rij = pd.Series(rij, dtype="int64")
        table.andere_gemeenten = others
        table.selectief = True
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


# --------------------------------------------------------------------------- reading one gemeente of a large BAG


class _NulGuard(io.RawIOBase):
    """A file read by pyarrow in blocks that remembers where it first saw a NUL byte."""

    def __init__(self, fh, start: int):
        self._fh = fh
        self.offset = start
        self.nul: int | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._fh.readinto(buffer)
        if n and self.nul is None:
            found = bytes(memoryview(buffer)[:n]).find(b"\x00")
            if found >= 0:
                self.nul = self.offset + found
        self.offset += n or 0
        return n


# Bytes of CSV parsed at a time when a file is read selectively. pyarrow reads a few blocks ahead on
# its threads: measured peak above the imports ~80 MB with 1 MB blocks, ~230 MB with 4 MB, whatever the
# file size. A row longer than a block cannot be read (and would break a max_lengte rule anyway).
SELECTIVE_BLOCK = 1 << 20
MB_BYTES = 1 << 20


def read_csv_selective(path: Path, contract: Contract, gemeente: str, *, block_size: int = SELECTIVE_BLOCK) -> RawTable:
    """Read only the rows of `gemeente` (the contract's gemeente column) from a large CSV, block by
    block: memory is one block plus the gemeente's rows, whatever the size of the file.

    The same checks as `read_csv_text` (file type, encoding, separator, fields per row, NUL bytes),
    except that a file whose first 64 kB are UTF-8 is read as UTF-8 throughout.
    """
    import codecs

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    name = path.name
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse(name, "niet leeg", "het bestand is leeg", "Lever het bestand opnieuw aan met een kopregel en gegevens.")
    check_csv_head(head, name)
    start = 3 if head[:3] == b"\xef\xbb\xbf" else 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head[start:], final=False)
        encoding, label = "utf8", ("UTF-8 met BOM" if start else "UTF-8")
    except UnicodeDecodeError:
        encoding, label = "cp1252", "Windows-1252"
    offset = start
    while True:  # the header is the first non-empty line
        end = head.find(b"\n", offset)
        if end < 0:
            raise _refuse(name, "kopregel met kolomnamen", "geen regeleinde in de eerste 64 kB van het bestand",
                          "Lever een CSV met een kopregel met de kolomnamen van het contract, gescheiden door ; of ,.")
        if head[offset:end].strip(b" \t\r"):
            break
        offset = end + 1
    header_line = head[offset:end].decode("utf-8" if encoding == "utf8" else "cp1252").rstrip("\r")
    sep = detect_separator(header_line, name)
    header = _split_header(header_line, sep)
    names = [f"c{i}" for i in range(len(header))]
    column = contract.gemeente_column
    if column not in header:  # the column check names what is missing
        frame = pd.DataFrame({n: pd.Series([], dtype=STRING) for n in names})
        return RawTable(frame=frame, header=header, rij=pd.Series([], dtype="int64"), encoding=label, separator=sep,
                        selectief=True)
    gi = header.index(column)
    bad_rows: list[tuple] = []

    def on_invalid(row) -> str:
        bad_rows.append((row.number, row.actual_columns))
        return "skip"

    kept, rows, others = [], [], {}
    seen = 0
    with open(path, "rb") as fh:
        fh.seek(end + 1)
        guard = _NulGuard(fh, end + 1)
        try:
            reader = pacsv.open_csv(
                io.BufferedReader(guard, buffer_size=1 << 20),
                read_options=pacsv.ReadOptions(column_names=names, block_size=block_size, encoding=encoding),
                parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
            for batch in reader:
                if guard.nul is not None:
                    break
                codes = pc.utf8_trim_whitespace(batch.column(gi))
                mask = pc.equal(codes, gemeente).fill_null(False)
                for item in pc.value_counts(pc.filter(codes, pc.invert(mask))).to_pylist():
                    key = item["values"] or ""
                    others[key] = others.get(key, 0) + item["counts"]
                positions = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
                if len(positions):
                    kept.append(batch.take(pa.array(positions)))
                    rows.append(positions + seen + 1)
                seen += batch.num_rows
        except _arrow_errors() as exc:
            if guard.nul is None:
                text = str(exc)
                if "UTF8" in text or "utf-8" in text.lower():
                    why = "ongeldige UTF-8-tekens verderop in het bestand"
                elif "straddling" in text:
                    why = f"een regel is langer dan {block_size // MB_BYTES} MB (een waarde van megabytes?)"
                else:
                    why = f"het bestand kan niet als tabel gelezen worden ({type(exc).__name__})"
                raise _refuse(name, "leesbare CSV-tabel", why) from None
    if guard.nul is not None:
        with open(path, "rb") as fh:  # the line number: count line ends up to the NUL, block by block
            line, done = 1, 0
            while done < guard.nul:
                block = fh.read(min(1 << 24, guard.nul - done))
                line += block.count(b"\n")
                done += len(block)
        raise _nul_refusal(name, guard.nul, line)
    if bad_rows:
        raise _field_count_refusal(name, header, [n for n, *_ in bad_rows], [actual for _, actual, *_ in bad_rows])
    schema = pa.schema([(n, pa.string()) for n in names])
    table = pa.Table.from_batches(kept, schema=schema) if kept else schema.empty_table()
    frame = table.to_pandas(types_mapper={pa.string(): STRING}.get)
    frame.columns = names
    rij = np.concatenate(rows) if rows else np.array([], dtype="int64")
    return RawTable(frame=frame, header=header, rij=pd.Series(rij, dtype="int64"), encoding=label, separator=sep,
                    format="csv", selectief=True, andere_gemeenten=others)


def read_parquet_selective(path: Path, contract: Contract, gemeente: str) -> RawTable:
    """Read only the rows of `gemeente` from a large Parquet file, one batch at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    column = contract.gemeente_column
    width = contract.columns[column].id_length or len(gemeente)
    kept, rows, others = [], [], {}
    seen = 0
    try:
        parquet = pq.ParquetFile(path)
        if column not in parquet.schema_arrow.names:
            return _parquet_text(parquet.schema_arrow.empty_table(), contract, path.name)
        for batch in parquet.iter_batches(batch_size=1 << 16):
            codes = batch.column(column)
            if pa.types.is_dictionary(codes.type):
                codes = codes.cast(codes.type.value_type)
            if pa.types.is_integer(codes.type):
                codes = pc.utf8_lpad(codes.cast(pa.string()), width=width, padding="0")
            codes = pc.utf8_trim_whitespace(codes.cast(pa.string()))
            mask = pc.equal(codes, gemeente).fill_null(False)
            for item in pc.value_counts(pc.filter(codes, pc.invert(mask))).to_pylist():
                others[item["values"]] = others.get(item["values"], 0) + item["counts"]
            positions = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
            if len(positions):
                kept.append(batch.take(pa.array(positions)))
                rows.append(positions + seen + 1)
            seen += batch.num_rows
        table = pa.Table.from_batches(kept, schema=parquet.schema_arrow) if kept else parquet.schema_arrow.empty_table()
    except _arrow_errors() as exc:
        raise _unreadable_parquet(path.name, exc) from None
    out = _parquet_text(table, contract, path.name)
    out.rij = pd.Series(np.concatenate(rows) if rows else np.array([], dtype="int64"), dtype="int64")
    out.selectief, out.andere_gemeenten = True, others
    return out
