"""What a contract check returns: findings that refuse a file, warnings, accepted and quarantined rows.

Everything an analyst reads is Dutch; the structure is plain dataclasses so the ingest assets
can turn it into Dagster metadata and the CLI can print it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

MAX_RIJEN = 10  # row numbers named per finding
MAX_VOORBEELD = 100  # characters of an example value kept in a finding (a value may be megabytes long)


def safe_name(name: str) -> str:
    """A file name as messages show it: control characters (a newline would forge a line) as '?'."""
    return "".join(ch if ord(ch) >= 32 and ord(ch) != 127 else "?" for ch in name)


class ContractError(Exception):
    """A file that cannot be assigned to a contract (unknown name or folder). Message in Dutch.

    `toelichting` says what is wrong, `advies` what to do; str() gives both.
    """

    def __init__(self, toelichting: str, advies: str = ""):
        self.toelichting = toelichting
        self.advies = advies
        super().__init__(f"{toelichting}. {advies}".strip() if advies else toelichting)


class OngeldigInboxbestand(ContractError):
    """A file the inbox does not take as it is, whatever its content: an archive (zip), a name with
    path parts or '..', a link to a file outside the inbox. Message in Dutch; a ContractError, so
    every caller that handles an unknown file name handles this too."""


@dataclass
class Bevinding:
    """One reason to refuse a file: which file, column and rule, which rows, an example and advice.

    `rijen` holds the first row numbers (1 = first data row after the header), `aantal` the
    total number of rows that break the rule. File-level findings have no rows; `toelichting`
    then says what is wrong.
    """

    bestand: str
    regel: str
    advies: str
    kolom: str | None = None
    rijen: list[int] = field(default_factory=list)
    aantal: int = 0
    voorbeeld: str | None = None
    toelichting: str | None = None

    def __post_init__(self) -> None:
        self.rijen = [int(r) for r in self.rijen[:MAX_RIJEN]]
        self.aantal = max(int(self.aantal), len(self.rijen))
        if self.voorbeeld is not None and len(self.voorbeeld) > MAX_VOORBEELD:
            self.voorbeeld = self.voorbeeld[:MAX_VOORBEELD]

    def melding(self) -> str:
        parts = [f"{self.bestand} geweigerd — "]
        if self.kolom:
            parts.append(f"kolom '{self.kolom}', ")
        parts.append(f"regel '{self.regel}'")
        details = []
        if self.aantal:
            details.append(_rows_text(self.rijen, self.aantal))
        if self.voorbeeld is not None:
            details.append(f"bijvoorbeeld {_quote(self.voorbeeld)}")
        if details:
            parts.append(": " + ", ".join(details))
        if self.toelichting:
            parts.append(("; " if details else ": ") + self.toelichting)
        end = "" if parts[-1].rstrip().endswith(("?", "!", ".")) else "."
        parts.append(f"{end} Wat te doen: " + self.advies.strip())
        return "".join(parts)


def _quote(value: str) -> str:
    if value == "":
        return "(leeg)"
    text = value if len(value) <= 60 else value[:57] + "..."
    return f"'{text}'"


def _rows_text(rijen: list[int], aantal: int) -> str:
    noun = "rij" if aantal == 1 else "rijen"
    if not rijen:
        return f"{aantal} {noun}"
    listed = ", ".join(str(r) for r in rijen)
    if aantal > len(rijen):
        return f"{aantal} {noun} (o.a. rij {listed})"
    return f"{aantal} {noun} (rij {listed})"


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bestand": pd.Series(dtype="string"),
            "rij": pd.Series(dtype="Int64"),
            "kolom": pd.Series(dtype="string"),
            "waarde": pd.Series(dtype="string"),
            "reden": pd.Series(dtype="string"),
        }
    )


@dataclass
class ValidationResult:
    """The outcome of checking one inbox file (or the combined slachtoffers files).

    `frame` holds the accepted rows, typed, with the contract's column names plus `rij` (and
    `bestand` for slachtoffers); it is None when the file is refused. `quarantaine` holds the
    rows kept aside (bestand, rij, kolom, waarde, reden). `kengetallen` holds figures the next
    month's check compares against (BRP: ingeschrevenen, rijen).
    """

    source: str
    maand: str | None
    paths: list[Path]
    bevindingen: list[Bevinding] = field(default_factory=list)
    waarschuwingen: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    quarantaine: pd.DataFrame = field(default_factory=empty_quarantine)
    rijen_in_bestand: int = 0
    kengetallen: dict = field(default_factory=dict)
    _rijen_geaccepteerd: int | None = field(default=None, repr=False)
    # The register's own delivery when the file was one (data_contracts.formats.Delivery), and
    # why the month is the month (a BAG delivery without a month in its name).
    levering: object = None
    maand_reden: str | None = None

    @property
    def formaat(self) -> str | None:
        """The recognised delivery format as shown ("PDOK BAG GeoPackage"); None for a canonical file."""
        return getattr(self.levering, "label", None)

    @property
    def geweigerd(self) -> bool:
        return bool(self.bevindingen)

    @property
    def rijen_geaccepteerd(self) -> int:
        """Accepted rows, also after the frame was released."""
        if self.frame is not None:
            return len(self.frame)
        return self._rijen_geaccepteerd or 0

    def release_frame(self) -> None:
        """Drop the accepted rows once they are in the warehouse (national files are gigabytes);
        the counts stay."""
        if self.frame is not None:
            self._rijen_geaccepteerd = len(self.frame)
            self.frame = None
        if self.levering is not None:  # the delivery's text table and footprints, as large
            for name in ("table", "panden", "nevenadressen"):
                if getattr(self.levering, name, None) is not None:
                    setattr(self.levering, name, None)

    @property
    def path(self) -> Path | None:
        return self.paths[0] if self.paths else None

    @property
    def bestand(self) -> str:
        return ", ".join(safe_name(p.name) for p in self.paths)

    def meldingen(self) -> list[str]:
        """Every message for the analyst, one line each (refusals first)."""
        lines = [b.melding() for b in self.bevindingen]
        if not self.geweigerd:
            n = self.rijen_geaccepteerd
            line = f"{self.bestand} geaccepteerd: {n} {'rij' if n == 1 else 'rijen'}"
            if len(self.quarantaine):
                line += f", {len(self.quarantaine)} {'rij' if len(self.quarantaine) == 1 else 'rijen'} in quarantaine"
            lines.append(line + ".")
            for reden, aantal in self.quarantaine["reden"].value_counts().head(5).items() if len(self.quarantaine) else []:
                lines.append(f"Quarantaine ({aantal}×): {reden}")
        lines += [f"Waarschuwing: {w}" for w in self.waarschuwingen]
        return lines

    def as_metadata(self) -> dict:
        """Flat counts and the first messages, for Dagster metadata (all plain str/int/bool)."""
        meta = {
            "bron": self.source,
            "bestand": self.bestand,
            "geweigerd": self.geweigerd,
            "rijen_in_bestand": int(self.rijen_in_bestand),
            "rijen_geaccepteerd": int(self.rijen_geaccepteerd),
            "rijen_quarantaine": int(len(self.quarantaine)),
            "bevindingen": len(self.bevindingen),
            "waarschuwingen": len(self.waarschuwingen),
            "meldingen": "\n".join(self.meldingen()[:10]),
        }
        if self.maand:
            meta["maand"] = self.maand
        if self.formaat:
            meta["formaat"] = self.formaat
        for key, value in self.kengetallen.items():
            meta[f"kengetal_{key}"] = value
        return meta
