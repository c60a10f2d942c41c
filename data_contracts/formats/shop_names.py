"""Bron and regio of a wide SHOP / CoMensha table from the name an analyst gives the file.

A wide table (as the policy prints it: uitbuitingsvorm, one column per year, a Totaal row) does
not name its bron and regio; the file name does. The name is split into words on any separator
(`_`, `-`, space, `.`) and case is ignored, so `slachtoffers_shop_hollands_midden_breed.csv`,
`Slachtoffers SHOP Hollands-Midden 2018-2022.csv` and `slachtoffers_shop_hollands-midden_2018-2022.csv`
all read as SHOP, Hollands Midden. The words are matched against:

- the bronnen of the contract (`bron.allowed` in slachtoffers.yaml: SHOP, CoMensha);
- the known regions and gemeenten (`known_regions` in slachtoffers.yaml: the policy's region
  Hollands Midden and its gemeenten, the RIEC / police unit Den Haag, district
  Leiden-Bollenstreek, Nederland), plus any a caller passes (the `statnaam` of its reference maps);
- years (`2018`, `2018-2022`) and words that describe the table (`breed`, `tabel`, …), ignored.

A name without a known region keeps today's rule: the remaining words are the regio. A name that
fits two bronnen or two regions, or a known region plus words that could belong to it, is
refused with a Dutch question that lists the candidates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from data_contracts.contract import contract_yaml, load_contract
from data_contracts.result import Bevinding

SOURCE = "slachtoffers"
SEPARATORS = re.compile(r"[\s_\-.]+")
YEAR = re.compile(r"^(?:19|20)[0-9]{2}$")
# Words in a file name that describe the table, not the area.
DESCRIPTIVE = {"slachtoffers", "mensenhandel", "breed", "brede", "tabel", "tabel1", "cijfers", "jaarcijfers",
               "uitbuitingsvorm", "uitbuitingsvormen", "totaal", "overzicht"}
# The canonical name (slachtoffers_<bron>_<regio-met-streepjes>[_<jaren>]): read as before, without a label.
CANONICAL = re.compile(r"^slachtoffers_(?P<bron>[^_]+)_(?P<regio>[^_]+?)(?:_(?P<jaren>[0-9]{4}(?:-[0-9]{4})?))?$",
                       re.IGNORECASE)
REGEL = "bestandsnaam slachtoffers_<bron>_<regio>[_<jaren>].csv"


@dataclass
class NameReading:
    """What a file name says: bron and regio (None when not recognised), the years, and why not."""

    bron: str | None = None
    regio: str | None = None
    jaren: tuple[int, int] | None = None
    genegeerd: list[str] = field(default_factory=list)  # descriptive words left out
    vraag: str | None = None  # the Dutch question when the name is ambiguous
    probleem: str | None = None  # what is missing when bron or regio cannot be found
    canoniek: bool = False  # written as the contract's name pattern

    @property
    def herkend(self) -> bool:
        return self.bron is not None and self.regio is not None and self.vraag is None and self.probleem is None

    @property
    def label(self) -> str | None:
        """'SHOP-cijfers voor regio Hollands Midden (uit de bestandsnaam)' for a name in another spelling."""
        if not self.herkend or self.canoniek:
            return None
        return f"{self.bron}-cijfers voor regio {self.regio} (uit de bestandsnaam)"

    def bevinding(self, name: str) -> Bevinding | None:
        """The refusal (a question when ambiguous) for a name that does not say bron and regio."""
        if self.herkend:
            return None
        voorbeeld = ("Noem het bestand bijvoorbeeld slachtoffers_shop_hollands-midden_2018-2022.csv of "
                     "slachtoffers_comensha_zoeterwoude.csv (bron SHOP of CoMensha en één regio; streepjes, "
                     "liggende streepjes of spaties mogen), of lever het lange formaat met kolommen "
                     + ", ".join(load_contract(SOURCE).columns) + ".")
        if self.vraag:
            return Bevinding(bestand=name, regel=REGEL, toelichting=self.vraag,
                             advies="Hernoem het bestand zodat de naam maar één bron en één regio noemt. " + voorbeeld)
        return Bevinding(bestand=name, regel=REGEL,
                         toelichting="een brede tabel noemt bron en regio niet zelf; die moeten in de bestandsnaam "
                                     f"staan ({self.probleem})",
                         advies=voorbeeld)


@lru_cache(maxsize=None)
def known_regions() -> tuple[str, ...]:
    raw = contract_yaml(SOURCE) or {}
    return tuple(raw.get("known_regions") or ())


def _words(text: str) -> list[str]:
    return [w for w in SEPARATORS.split(text) if w]


def _quoted(values) -> str:
    values = [f"'{v}'" for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " of " + values[-1]


def parse_name(name: str, extra_regions: tuple[str, ...] = ()) -> NameReading:
    """Bron, regio and years of a victims file from its name (see the module docstring)."""
    stem = Path(name).stem
    reading = NameReading()
    canonical = CANONICAL.match(stem)
    words = _words(stem)
    if words and words[0].lower() == "slachtoffers":
        words = words[1:]

    bronnen = {b.lower(): b for b in load_contract(SOURCE).columns["bron"].allowed}
    found_bron = list(dict.fromkeys(bronnen[w.lower()] for w in words if w.lower() in bronnen))
    years = sorted(int(w) for w in words if YEAR.match(w))
    rest = [w for w in words if w.lower() not in bronnen and not YEAR.match(w)]

    regions = {}
    for region in dict.fromkeys(known_regions() + tuple(extra_regions)):
        regions.setdefault(tuple(w.lower() for w in _words(region)), region)
    found_regions, leftover, i = [], [], 0
    lowered = [w.lower() for w in rest]
    longest = max((len(k) for k in regions), default=0)
    while i < len(rest):
        for n in range(min(longest, len(rest) - i), 0, -1):
            region = regions.get(tuple(lowered[i:i + n]))
            if region is not None:
                found_regions.append(region)
                i += n
                break
        else:
            leftover.append(rest[i])
            i += 1
    found_regions = list(dict.fromkeys(found_regions))
    meaningful = [w for w in leftover if w.lower() not in DESCRIPTIVE]
    reading.genegeerd = [w for w in leftover if w.lower() in DESCRIPTIVE]
    if years:
        reading.jaren = (years[0], years[-1])

    if len(found_bron) > 1:
        reading.vraag = f"de naam noemt meer dan één bron: gaat het om {_quoted(found_bron)}?"
        return reading
    if not found_bron:
        wrong = meaningful if found_regions else meaningful[:1]
        reading.probleem = (f"bron {_quoted(wrong)} is geen SHOP of CoMensha" if wrong
                            else "de naam noemt geen bron (SHOP of CoMensha)")
        return reading
    reading.bron = found_bron[0]

    if len(found_regions) > 1:
        reading.vraag = f"de naam noemt meer dan één regio: welke regio bedoelt u, {_quoted(found_regions)}?"
        return reading
    if found_regions and meaningful:
        written = " ".join(_title(w) for w in rest if w.lower() not in DESCRIPTIVE)
        reading.vraag = f"uit de naam is niet op te maken welke regio bedoeld is: {_quoted([found_regions[0], written])}?"
        return reading
    if found_regions:
        reading.regio = found_regions[0]
    elif meaningful:
        if not any(re.search(r"[A-Za-z]", w) for w in meaningful):
            reading.probleem = "de naam noemt geen regio"
            return reading
        reading.regio = " ".join(_title(w) for w in meaningful)
    else:
        reading.probleem = "de naam noemt geen regio"
        return reading
    if canonical:
        old_regio = " ".join(_title(w) for w in canonical["regio"].split("-") if w)
        reading.canoniek = canonical["bron"].lower() == reading.bron.lower() and old_regio == reading.regio
    return reading


def _title(word: str) -> str:
    """The regio as the contract always wrote it: each word with a capital, the rest as written."""
    return word[:1].upper() + word[1:]
