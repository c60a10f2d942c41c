"""Inzage: everything the system holds and did about one address, for the resident and for an objection.

    inzage(settings, adres="Dorpsstraat 12A-2, 2381 AB", reden="Inzageverzoek AVG art. 15, zaak 2026-123")
    inzage(settings, verblijfsobject="0638010000012345", reden="Bezwaar d.d. 1-12-2026")

writes `<data>/output/inzage/<tijdstip>_<verblijfsobject>/`:

    inzage.html     one Dutch document (prints on A4), nothing but this object
    inzage.json     the same content, machine-readable

For the object, over the months the warehouse holds: the register facts per month as the
pipeline used them (BAG, BRP counts, establishments by sector, RNI, signals), what was missing
or quarantined; every month it was on the proposal list or in the steekproef with rank, score
and the reasons exactly as the signaleringsoverleg saw them, and the configuration version that
produced them; controls and outcomes; every export that carried it; when each of these will be
deleted under the retention term; and the rules that applied, explained from the configuration
that ran. The signaleringsoverleg's decisions are not recorded yet; the document says so.

Every section is one DuckDB query in `inzage.<section>.sql`, filtered on the object's id, so
nothing about another address can enter. No person data: the BRP delivers counts per address,
signals are shown without their source, exports without the name of the employee. Each inzage
is recorded in audit.inzage (who, when, which object, why) in the same transaction that writes
the files (0600, folder 0700). Also here: `record_configuration`, which the monthly step calls
to record which indicatoren.yaml and instellingen.yaml produced a month.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.warehouse import insert

FOLDER = "inzage"
TEMPLATE = "inzage.html.j2"
BRONNAMEN = {
    "bag_verblijfsobject": "BAG (verblijfsobjecten)",
    "brp_adrestellingen": "BRP (aantallen per adres)",
    "rni_inschrijvingen": "RNI (inschrijvingen)",
    "kvk_vestigingen": "KvK (Handelsregister)",
    "woz_gebruik": "WOZ (gebruik)",
    "signalen": "signalen",
    "controles": "controles",
}
AANLEIDINGEN = {"risicolijst": "voorstellijst (risicolijst)", "steekproef": "steekproef", "signaal": "signaal"}
PLACEHOLDERS = {"", "-", "?", "nvt", "n.v.t.", "geen", "onbekend", "x", "test", "todo"}

# "Dorpsstraat 12A-2, 2381 AB [Zoeterwoude]": the street (with at least one letter), the house
# number, an optional letter and toevoeging (up to 4 characters, after a space or hyphen), a
# comma, the postcode and optionally the place.
ADRES = re.compile(
    r"^\s*(?P<straat>.*?[^\W\d_].*?)\s+(?P<huisnummer>\d{1,5})"
    r"(?:\s*(?P<huisletter>[A-Za-z]))?(?:[\s-]*(?P<toevoeging>[A-Za-z0-9]{1,4}))?"
    r"\s*,\s*(?P<postcode>[1-9][0-9]{3}\s*[A-Za-z]{2})(?:\s+(?P<plaats>\S.*?))?\s*$"
)
VERBLIJFSOBJECT = re.compile(r"^[0-9]{16}$")


class InzageFout(Exception):
    """The inzage cannot be made; the message says why, in Dutch."""


# --- configuration version of a month (called by the monthly step) -------------------------------


def record_configuration(con: duckdb.DuckDBPyConnection, settings, maand: str, run_id: str | None) -> None:
    """Record which indicatoren.yaml and instellingen.yaml produced `maand` (inside the month's
    transaction, so the latest row of a month belongs to its current scores)."""
    from assets.ongewijzigd import configuration_fingerprints

    texts = {name: path.read_bytes() for name, path in
             (("indicatoren", settings.indicatoren_path), ("instellingen", settings.instellingen_path))}
    fingerprints = configuration_fingerprints(settings)  # `risicoradar run` skips a month made from the same
    insert(
        con, "audit.configuratie_maand",
        {"maand": maand, "tijd": dt.datetime.now().replace(microsecond=0),
         "ind_sha": hashlib.sha256(texts["indicatoren"]).hexdigest(),
         "inst_sha": hashlib.sha256(texts["instellingen"]).hexdigest(),
         "ind": texts["indicatoren"].decode("utf-8"), "inst": texts["instellingen"].decode("utf-8"), "run": run_id,
         "ref_sha": fingerprints["referentie_sha256"], "code_sha": fingerprints["code_sha256"]},
    )


# --- the address --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adres:
    straat: str
    huisnummer: int
    letter_toevoeging: str
    postcode: str
    invoer: str = ""

    @property
    def straat_norm(self) -> str:
        return normalise_street(self.straat)

    def tekst(self) -> str:
        return self.invoer.strip() or f"{self.straat} {self.huisnummer}{self.letter_toevoeging}, {self.postcode}"


def normalise_street(straat: str) -> str:
    """Lower case, accents and everything but letters and digits removed (as inzage.adres.sql does)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", straat).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def parse_adres(text: str) -> Adres:
    """'Dorpsstraat 12A-2, 2381 AB' -> Adres; a Dutch InzageFout when it is not of that form."""
    match = ADRES.match(text or "")
    if not match:
        raise InzageFout(
            f"'{text}' is geen adres in de vorm 'straat huisnummer[letter][-toevoeging], postcode', "
            "bijvoorbeeld 'Dorpsstraat 12A-2, 2381 AB'. Of gebruik --verblijfsobject met het BAG-id (16 cijfers)."
        )
    rest = (match["huisletter"] or "") + (match["toevoeging"] or "")
    return Adres(
        straat=" ".join(match["straat"].split()),
        huisnummer=int(match["huisnummer"]),
        letter_toevoeging=rest.upper(),
        postcode=re.sub(r"\s", "", match["postcode"]).upper(),
        invoer=text,
    )


def find_object(con: duckdb.DuckDBPyConnection, adres: Adres) -> str:
    """The one verblijfsobject at `adres` in the warehouse, else a Dutch InzageFout."""
    from assets.warehouse import query

    rows = query(con, "inzage.adres", {
        "postcode": adres.postcode, "huisnummer": adres.huisnummer,
        "letter_toevoeging": adres.letter_toevoeging, "straat": adres.straat_norm,
    }).fetchall()
    matching = [r for r in rows if r[3]]
    if len(matching) == 1:
        return matching[0][0]
    if not rows:
        raise InzageFout(
            f"Geen verblijfsobject gevonden op {adres.tekst()} in het warehouse (postcode, huisnummer, huisletter "
            "en toevoeging vergeleken, in alle bewaarde maanden). Controleer het adres, of gebruik --verblijfsobject "
            "met het BAG-id."
        )
    if not matching:
        straten = sorted({r[1].rsplit(" ", 1)[0] for r in rows})
        raise InzageFout(
            f"Postcode {adres.postcode} met huisnummer {adres.huisnummer}{adres.letter_toevoeging} hoort in de BAG niet "
            f"bij de straat '{adres.straat}' maar bij {', '.join(straten)}. Controleer het adres; geen inzage gemaakt."
        )
    regels = "\n".join(f"  {r[0]}: {r[1]}, {r[2]} ({r[4]} t/m {r[5]})" for r in matching)
    raise InzageFout(
        f"Op {adres.tekst()} staan {len(matching)} verblijfsobjecten in het warehouse:\n{regels}\n"
        "Kies er één met --verblijfsobject <id>; geen inzage gemaakt."
    )


# --- the document -------------------------------------------------------------------------------


def _records(cursor) -> list[dict]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _retention_term(settings) -> int:
    return settings.config.export.bewaartermijn_maanden


def _rules(versies: list[dict], settings) -> list[dict]:
    """Per configuration version: the rules that gave the object points, explained from that
    version's indicatoren.yaml (the current one when the version was not recorded)."""
    import yaml

    from assets.scoring.algoritmeregister import beschrijving, indicator_regel
    from assets.scoring.config import TOEGESTANE_KENMERKEN, load, validate
    from assets.settings import Instellingen, InstellingenFout

    current = {"indicatoren": hashlib.sha256(settings.indicatoren_path.read_bytes()).hexdigest(),
               "instellingen": hashlib.sha256(settings.instellingen_path.read_bytes()).hexdigest()}
    result = []
    for versie in versies:  # one per configuration version (a handful), not per address
        vastgelegd = versie["indicatoren_yaml"] is not None
        if vastgelegd:
            indicatoren = validate(yaml.safe_load(versie["indicatoren_yaml"]))
            try:  # the settings as they were; an older file may hold keys that no longer exist
                instellingen = Instellingen.of(yaml.safe_load(versie["instellingen_yaml"] or "") or {})
            except InstellingenFout:
                instellingen = settings.config
        else:
            indicatoren = load(settings.indicatoren_path)
            instellingen = settings.config
        werking = beschrijving(indicatoren, instellingen)
        toegepast = set(versie["toegepaste_indicatoren"])
        result.append({
            "indicatoren_sha256": versie["indicatoren_sha256"],
            "instellingen_sha256": versie["instellingen_sha256"],
            "vastgelegd": vastgelegd,
            "huidige_configuratie": (versie["indicatoren_sha256"], versie["instellingen_sha256"])
                                    == (current["indicatoren"], current["instellingen"]),
            "huidige_indicatoren_sha256": current["indicatoren"],
            "maanden": list(versie["maanden"]),
            "aantal_regels": len(indicatoren),
            "score": werking["technische_werking"]["score"],
            "controlelijst": werking["technische_werking"]["controlelijst"],
            "redenen": werking["technische_werking"]["redenen"],
            "menselijke_tussenkomst": werking["menselijke_tussenkomst"],
            "regels": [
                {"id": ind.id, "label": ind.label, "bron": ind.bron,
                 "kenmerk": TOEGESTANE_KENMERKEN.get(ind.kenmerk, ind.kenmerk),
                 "regel": indicator_regel(ind), "onderbouwing": ind.onderbouwing}
                for ind in indicatoren if ind.id in toegepast
            ],
            "niet_in_configuratie": sorted(toegepast - {ind.id for ind in indicatoren}),
            "labels": {ind.id: ind.label for ind in indicatoren},
        })
    return result


def _summary(doc: dict) -> list[str]:
    from data_contracts.months import maandnaam

    maanden = [r["maand"] for r in doc["registerfeiten"]]
    periode = f"{maandnaam(maanden[0])} t/m {maandnaam(maanden[-1])}" if maanden else "geen maanden"
    voorstellen = doc["voorstellen"]
    lijst = [v for v in voorstellen if v["aanleiding"] == "risicolijst"]
    steekproef = [v for v in voorstellen if v["aanleiding"] == "steekproef"]
    regels = [f"Het warehouse bevat {len(maanden)} maanden ({periode}); van elke maand staat hieronder wat "
              "risicoradar over dit adres had en deed."]
    if voorstellen:
        delen = []
        if lijst:
            delen.append(f"{len(lijst)} keer op de voorstellijst (" + ", ".join(maandnaam(v["maand"]) for v in lijst) + ")")
        if steekproef:
            delen.append(f"{len(steekproef)} keer in de willekeurige steekproef ("
                         + ", ".join(maandnaam(v["maand"]) for v in steekproef) + ")")
        regels.append(f"Dit adres stond {' en '.join(delen)}. Een plaats op de lijst is een voorstel om het adres te "
                      "bespreken, geen besluit en geen oordeel over de bewoners.")
    else:
        regels.append(f"Dit adres heeft in de bewaarde maanden ({periode}) nooit op de voorstellijst of in de "
                      "steekproef gestaan.")
    n_exp = len(doc["exports"])
    regels.append(f"Het adres is {n_exp} keer meegestuurd in een export met adresgegevens." if n_exp
                  else "Het adres is nooit meegestuurd in een export met adresgegevens.")
    n_ctl = len(doc["controles"])
    regels.append(f"Er zijn {n_ctl} controles van dit adres vastgelegd." if n_ctl
                  else "Er is geen controle van dit adres vastgelegd.")
    besloten = [b for b in doc["besluiten"] if b["besluit"]]
    regels.append(f"Het signaleringsoverleg heeft {len(besloten)} keer een besluit over dit adres vastgelegd."
                  if besloten else "Er is geen besluit van het signaleringsoverleg over dit adres vastgelegd.")
    return regels


def _month_notes(rows: list[dict]) -> None:
    """Per month, in words: what was missing or quarantined."""
    for row in rows:
        notes = []
        if not row["in_bag"]:
            notes.append("niet in de BAG van deze maand")
        elif not row["in_brp"]:
            notes.append("geen BRP-telling voor dit adres (geen ingeschrevenen of briefadressen)")
        if row["in_bag"] and row["oppervlakte_plausibel"] is False:
            notes.append("oppervlakte onwaarschijnlijk: niet gebruikt voor m² per ingeschrevene")
        for bron in row["bronnen_ontbrekend"]:
            notes.append(f"geen bestand van {BRONNAMEN.get(bron, bron)}")
        if row["quarantaine_rijen"]:
            notes.append(f"{row['quarantaine_rijen']} rij(en) in quarantaine ("
                         + ", ".join(BRONNAMEN.get(b, b) for b in row["quarantaine_bronnen"]) + ")")
        row["ontbrekend_of_quarantaine"] = notes


def gather(con: duckdb.DuckDBPyConnection, settings, verblijfsobject_id: str) -> dict:
    """Everything the warehouse holds and did about one object, section by section."""
    from assets.ingest import MONTHLY_SOURCES
    from assets.warehouse import bind, query, sql_file

    termijn = _retention_term(settings)
    params = {"verblijfsobject_id": verblijfsobject_id, "bewaartermijn": termijn, "bronnen": list(MONTHLY_SOURCES)}
    objecten = _records(query(con, "inzage.object", params))
    if not objecten:
        raise InzageFout(f"Verblijfsobject {verblijfsobject_id} staat niet in het warehouse (in geen enkele bewaarde "
                         "maand van de BAG). Controleer het id; geen inzage gemaakt.")
    sql = sql_file("inzage.quarantaine").read_text(encoding="utf-8").rstrip().rstrip(";")
    con.execute(f"CREATE OR REPLACE TEMP TABLE inzage_quarantaine AS {sql}", bind(sql, params))
    doc = {
        "object": objecten[0],
        "bewaartermijn_maanden": termijn,
        "registerfeiten": _records(query(con, "inzage.registerfeiten", params)),
        "vestigingen": _records(query(con, "inzage.vestigingen", params)),
        "signalen": _records(query(con, "inzage.signalen", params)),
        "quarantaine": _records(con.execute("SELECT * FROM inzage_quarantaine")),
        "voorstellen": _records(query(con, "inzage.voorstellen", params)),
        "besluiten": _records(query(con, "inzage.besluiten", params)),
        "controles": _records(query(con, "inzage.controles", params)),
        "exports": _records(query(con, "inzage.exports", params)),
        "opschoning": _records(query(con, "inzage.opschoning", params)),
    }
    con.execute("DROP TABLE inzage_quarantaine")
    doc["regels"] = _rules(_records(query(con, "inzage.configuratie", params)), settings)
    doc["labels"] = {k: v for versie in doc["regels"] for k, v in versie.pop("labels").items()}
    _month_notes(doc["registerfeiten"])
    doc["samenvatting"] = _summary(doc)
    return doc


def _plain(value):
    """JSON-ready: dates as ISO text, maps as objects."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def render_html(doc: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from data_contracts.months import maandnaam

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["maandnaam"] = maandnaam
    env.filters["datum"] = lambda d: "" if d is None else (d if isinstance(d, str) else d.strftime("%d-%m-%Y"))
    env.filters["getal"] = lambda v, dec=0: "" if v is None else (
        f"{v:.{dec}f}".replace(".", ",") if isinstance(v, float) else str(v))
    env.filters["janee"] = lambda v: "" if v is None else ("ja" if v else "nee")
    env.filters["bron"] = lambda b: BRONNAMEN.get(b, b)
    env.filters["aanleiding"] = lambda a: AANLEIDINGEN.get(a, a)
    return env.get_template(TEMPLATE).render(doc=doc)


# --- the command --------------------------------------------------------------------------------


def _valid_reason(reden: str | None) -> bool:
    return reden is not None and reden.strip().lower() not in PLACEHOLDERS and len(reden.strip()) >= 5


def inzage(settings, *, adres: str | None = None, verblijfsobject: str | None = None, reden: str | None = None,
           gebruiker: str | None = None) -> Path:
    """Write the inzage document of one address and record it in audit.inzage; returns the folder."""
    from assets.exports.audit import code_version, os_user
    from assets.warehouse import open_for_writing
    from assets.writing import private_dir, write_private

    if not _valid_reason(reden):
        raise InzageFout(
            "Geef met --reden op waarom deze inzage wordt gemaakt (bijvoorbeeld: 'Inzageverzoek AVG art. 15, "
            "zaaknummer 2026-123' of 'Bezwaar d.d. 1-12-2026'). Elke inzage wordt vastgelegd: wie, wanneer, welk "
            "adres en waarom."
        )
    if (adres is None) == (verblijfsobject is None):
        raise InzageFout("Geef precies één van --adres \"straat huisnummer, postcode\" of --verblijfsobject <id>.")
    if verblijfsobject is not None and not VERBLIJFSOBJECT.match(verblijfsobject.strip()):
        raise InzageFout(f"'{verblijfsobject}' is geen verblijfsobject-id: dat zijn 16 cijfers, bijvoorbeeld "
                         "0638010000012345.")
    parsed = parse_adres(adres) if adres is not None else None
    if not settings.warehouse.exists():
        raise InzageFout(f"Er is nog geen warehouse in {settings.data}; verwerk eerst een maand (risicoradar run).")

    started = dt.datetime.now().astimezone().replace(microsecond=0)
    os_gebruiker = os_user()
    gebruiker = (gebruiker or "").strip() or os_gebruiker
    inzage_id = str(uuid.uuid4())
    con = open_for_writing(settings.warehouse, InzageFout)
    try:
        object_id = find_object(con, parsed) if parsed else verblijfsobject.strip()
        doc = gather(con, settings, object_id)
        doc["inzage"] = {
            "inzage_id": inzage_id,
            "opgesteld": started.isoformat(),
            "opgesteld_tekst": f"{started:%d-%m-%Y} om {started:%H:%M}",
            "gemeente": settings.config.gemeentenaam,
            "code_versie": code_version(),
        }
        html = render_html(doc)
        text = json.dumps(_plain(doc), ensure_ascii=False, indent=2) + "\n"
        target = settings.output / FOLDER / f"{started:%Y%m%d-%H%M%S}_{object_id}"
        if target.exists():
            target = target.with_name(f"{target.name}_{inzage_id[:8]}")
        con.execute("BEGIN TRANSACTION")
        try:
            insert(
                con, "audit.inzage",
                {"id": inzage_id, "tijd": started.replace(tzinfo=None), "gebruiker": gebruiker, "os": os_gebruiker,
                 "object": object_id, "reden": reden.strip(),
                 "html": hashlib.sha256(html.encode("utf-8")).hexdigest(),
                 "json": hashlib.sha256(text.encode("utf-8")).hexdigest(), "map": str(target)},
            )
            for folder in (settings.output, settings.output / FOLDER, target):
                private_dir(folder)
            write_private(target / "inzage.html", html)
            write_private(target / "inzage.json", text)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            shutil.rmtree(target, ignore_errors=True)
            raise
    finally:
        con.close()
    return target
